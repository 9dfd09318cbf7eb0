// Makes sure Debian's Chromium is where the browser tests look for it (CHROMIUM_PATH, default
// /usr/bin/chromium), run at the start of `npm test`. As root with apt-get it installs the
// distribution's package (about 20 s); otherwise it says why it could not. It never downloads a
// browser build of its own. It always exits 0: the browser tests then fail under CI=true, or are
// skipped loudly on a developer's machine, with the reason.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import process from 'node:process';

const path = process.env.CHROMIUM_PATH?.trim() || '/usr/bin/chromium';
if (existsSync(path)) process.exit(0);

const say = (text) => process.stderr.write(`ensure-chromium: ${text}\n`);
if (path !== '/usr/bin/chromium') {
  say(`CHROMIUM_PATH=${path} does not exist; not installing anything (unset it to use Debian's /usr/bin/chromium)`);
  process.exit(0);
}
if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) {
  say('/usr/bin/chromium is missing and this is not a Debian/Ubuntu machine: install Chromium or set CHROMIUM_PATH for the browser tests');
  process.exit(0);
}
if (process.getuid?.() !== 0) {
  say('/usr/bin/chromium is missing; install it with: sudo apt-get install -y chromium   (the browser tests need it)');
  process.exit(0);
}
say("/usr/bin/chromium is missing: installing Debian's chromium package (apt-get update && apt-get install -y chromium)");
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
for (const args of [
  ['update', '-qq'],
  ['install', '-y', '-qq', 'chromium'],
]) {
  const run = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
  if (run.status !== 0) {
    say(`apt-get ${args.join(' ')} failed (exit ${run.status ?? run.signal}); the browser tests will say so`);
    process.exit(0);
  }
}
say(existsSync(path) ? `installed ${path}` : `apt-get finished but ${path} is still missing`);
