import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// The deploy files as an operator uses them, run as far as this machine can: the Dockerfile's
// install and start steps as a script (no Docker engine here), the systemd unit checked by
// systemd-analyze and its command line run. One production install (`npm ci --omit=dev`) serves both.

const ROOT = resolve(__dirname, '..', '..');
const CI = process.env.CI === 'true';

interface DockerSteps {
  readonly copies: readonly string[];
  readonly installs: readonly string[];
  readonly buildEnv: Record<string, string>;
  readonly imageEnv: Record<string, string>;
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
}

/** The Dockerfile's steps that matter here: what the build copies and runs, the image's env and command. */
function dockerSteps(text: string): DockerSteps {
  const stages = text.split(/^FROM /m).slice(1);
  const lines = (stage: string, instruction: string): string[] =>
    stage
      .split('\n')
      .filter((l) => l.startsWith(`${instruction} `))
      .map((l) => l.slice(instruction.length + 1).trim());
  const env = (stage: string): Record<string, string> =>
    Object.fromEntries(lines(stage, 'ENV').flatMap((l) => l.split(/\s+/).map((pair) => pair.split('=') as [string, string])));
  const [build, image] = [stages[0] ?? '', stages[stages.length - 1] ?? ''];
  return {
    copies: lines(build, 'COPY').flatMap((l) => l.split(/\s+/).slice(0, -1)),
    installs: lines(build, 'RUN').filter((l) => l.startsWith('npm ')),
    buildEnv: env(build),
    imageEnv: env(image),
    entrypoint: JSON.parse(lines(image, 'ENTRYPOINT')[0] ?? '[]') as string[],
    cmd: JSON.parse(lines(image, 'CMD')[0] ?? '[]') as string[],
  };
}

/** The unit's [Service] settings (repeated keys kept in order). */
function unitSettings(text: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (match) settings.set(match[1], [...(settings.get(match[1]) ?? []), match[2]]);
  }
  return settings;
}

async function healthy(port: number, child: ChildProcess, timeoutMs = 20_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`bot exited with ${child.exitCode}`);
    const probe = spawnSync(process.execPath, [join(ROOT, 'deploy', 'healthcheck.js')], { env: { PATH: process.env.PATH ?? '', PORT: String(port) } });
    if (probe.status === 0) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('never healthy');
}

async function stopped(child: ChildProcess): Promise<number | null> {
  child.kill('SIGTERM');
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
}

const freePort = (): number => 20_000 + Math.floor(Math.random() * 20_000);

describe('production deployment (Dockerfile steps, systemd unit)', () => {
  const steps = dockerSteps(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
  const work = mkdtempSync(join(tmpdir(), 'tanya-deploy-'));
  const opt = join(work, 'opt', 'tanya');
  let install: { status: number | null; output: string };

  beforeAll(() => {
    mkdirSync(opt, { recursive: true });
    for (const source of steps.copies) cpSync(join(ROOT, source), join(opt, source), { recursive: true });
    const env = { ...process.env, ...steps.buildEnv, NODE_ENV: 'production' };
    let output = '';
    let status: number | null = 0;
    for (const command of steps.installs) {
      const r = spawnSync('sh', ['-c', command], { cwd: opt, env, encoding: 'utf8', timeout: 540_000 });
      output += r.stdout + r.stderr;
      status = r.status;
      if (status !== 0) break;
    }
    install = { status, output };
  }, 560_000);

  it('installs without development packages and builds dist/ at install time', () => {
    expect(steps.copies).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'src/', 'bin/', 'knowledge/', 'flows/']));
    expect(install.output).not.toMatch(/error TS\d+/);
    expect(install.status).toBe(0);
    expect(existsSync(join(opt, 'dist', 'src', 'cli', 'main.js'))).toBe(true);
    // Development packages are absent (typescript itself may come as a peer of puppeteer's cosmiconfig).
    for (const dev of ['jest', '@swc/core', '@types/jest', 'node-nlp']) expect(existsSync(join(opt, 'node_modules', dev))).toBe(false);
  });

  it('starts as the image does: an empty volume becomes the sample shop, healthy, stops cleanly on SIGTERM', async () => {
    const srv = join(work, 'srv-docker');
    mkdirSync(srv);
    const port = freePort();
    const [entry, ...entryArgs] = steps.entrypoint.map((p) => p.replace('/opt/tanya', opt));
    const child = spawn(entry, [...entryArgs, ...steps.cmd], {
      cwd: srv,
      env: { PATH: process.env.PATH ?? '', ...steps.imageEnv, HOST: '127.0.0.1', PORT: String(port), BOT_FRAMEWORK: '1', LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    const ms = await healthy(port, child);
    process.stdout.write(`docker-style start to healthy: ${ms} ms\n`);
    expect(existsSync(join(srv, 'knowledge', 'faq.yaml'))).toBe(true);
    expect(statSync(join(srv, '.env')).mode & 0o777).toBe(0o600);
    expect(statSync(join(srv, 'data')).mode & 0o777).toBe(0o700);
    expect(await stopped(child)).toBe(0);
  }, 60_000);

  it('the systemd unit is valid and its command line runs the shop from its working directory', async () => {
    const unitFile = join(ROOT, 'deploy', 'tanya.service');
    const unit = unitSettings(readFileSync(unitFile, 'utf8'));
    for (const key of ['User', 'ProtectSystem', 'ReadWritePaths', 'NoNewPrivileges', 'Restart', 'PrivateTmp']) expect(unit.get(key)).toBeDefined();
    expect(unit.get('ProtectSystem')).toEqual(['strict']);
    const analyze = spawnSync('systemd-analyze', ['verify', unitFile], { encoding: 'utf8' });
    if (analyze.error) {
      if (CI) throw new Error('systemd-analyze is missing (Debian package systemd)');
      process.stderr.write('SKIPPED: systemd-analyze not installed; the unit was not verified\n');
    } else {
      expect(analyze.stdout + analyze.stderr).toBe('');
      expect(analyze.status).toBe(0);
    }
    const srv = join(work, 'srv-systemd');
    const init = spawnSync(process.execPath, [join(opt, 'bin', 'tanya.js'), 'init', srv], { encoding: 'utf8' });
    expect(init.status).toBe(0);
    const [program, ...args] = (unit.get('ExecStart')?.[0] ?? '').split(' ').map((p) => p.replace('/opt/tanya', opt));
    const env = Object.fromEntries((unit.get('Environment') ?? []).map((e) => e.split('=') as [string, string]));
    const port = freePort();
    expect(unit.get('WorkingDirectory')).toEqual(['/srv/tanya']);
    const child = spawn(program === '/usr/bin/node' ? process.execPath : program, args, {
      cwd: srv,
      env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port), BOT_FRAMEWORK: '1', LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    const ms = await healthy(port, child);
    process.stdout.write(`systemd-style start to healthy: ${ms} ms\n`);
    expect(await stopped(child)).toBe(0);
  }, 60_000);
});
