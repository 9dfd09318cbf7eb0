// Makes sure PostgreSQL's server programs (initdb, pg_ctl) are installed for the store tests, which
// start a throw-away cluster of their own (test/support/postgres.ts), run at the start of `npm test`.
// As root on Debian/Ubuntu it installs the distribution's package (about 5 s with fresh lists)
// without starting any system service; otherwise it says why it could not. It always exits 0: the
// PostgreSQL tests then fail under CI=true, or are skipped loudly on a developer's machine.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';

const ROOT = '/usr/lib/postgresql';
const say = (text) => process.stderr.write(`ensure-postgres: ${text}\n`);

/** The bin folders holding initdb, highest version first. */
function installed() {
  if (!existsSync(ROOT)) return [];
  return readdirSync(ROOT)
    .filter((version) => existsSync(join(ROOT, version, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a))
    .map((version) => join(ROOT, version, 'bin'));
}

const fromEnv = process.env.PG_BIN?.trim();
if (fromEnv) {
  if (!existsSync(join(fromEnv, 'initdb'))) say(`PG_BIN=${fromEnv} has no initdb; not installing anything (unset it to use ${ROOT}/*/bin)`);
  process.exit(0);
}
if (installed().length > 0) process.exit(0);

if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) {
  say(
    `no initdb under ${ROOT}/*/bin and this is not a Debian/Ubuntu machine: install PostgreSQL's server, or set PG_BIN to its bin folder, for the store tests`,
  );
  process.exit(0);
}
if (process.getuid?.() !== 0) {
  say('PostgreSQL is not installed; install it with: sudo apt-get install -y postgresql   (the store tests start a cluster of their own from it)');
  process.exit(0);
}

say("PostgreSQL is not installed: installing Debian's postgresql package (apt-get update && apt-get install -y postgresql); no service is started");
// invoke-rc.d and deb-systemd-invoke ask policy-rc.d before starting a service: 101 says "not now".
const policy = '/usr/sbin/policy-rc.d';
const ownPolicy = !existsSync(policy);
if (ownPolicy)
  writeFileSync(policy, '#!/bin/sh\n# Written by scripts/ensure-postgres.mjs while it installs PostgreSQL: start no service.\nexit 101\n', { mode: 0o755 });
let failed = false;
try {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', 'postgresql'],
  ]) {
    const run = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
    if (run.status !== 0) {
      say(`apt-get ${args.join(' ')} failed (exit ${run.status ?? run.signal}); the PostgreSQL tests will say so`);
      failed = true;
      break;
    }
  }
} finally {
  if (ownPolicy) rmSync(policy, { force: true });
}
if (!failed) {
  const bins = installed();
  say(bins.length > 0 ? `installed ${bins[0]}` : `apt-get finished but there is still no initdb under ${ROOT}/*/bin`);
}
