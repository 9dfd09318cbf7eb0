/**
 * A throw-away PostgreSQL cluster for tests: initdb in a temporary folder, a free loopback port,
 * pg_ctl start; `stop()` stops it and deletes the folder. Never touches a system-wide cluster.
 * As root (containers, CI) the server runs as the `postgres` user, since initdb refuses root.
 */
import { execFile, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createBenchDatabase } from '../../bench/scale-postgres';

export interface PostgresCluster {
  /** postgres://tanya@127.0.0.1:PORT/postgres (trust authentication, no password). */
  readonly url: string;
  stop(): Promise<void>;
  /**
   * The server goes away (clients are cut off mid-statement), keeping its data. A fast shutdown,
   * not an immediate one: the test cluster runs with synchronous_commit=off for speed, and a crash
   * would drop its last commits, which a production server (synchronous_commit=on) keeps.
   */
  halt(): Promise<void>;
  /** Starts the halted server again on the same port. */
  resume(): Promise<void>;
}

/** The folder holding initdb and pg_ctl: PG_BIN, else the highest version under /usr/lib/postgresql. */
export function postgresBin(): string | undefined {
  const fromEnv = process.env.PG_BIN?.trim();
  if (fromEnv) return existsSync(join(fromEnv, 'initdb')) ? fromEnv : undefined;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => /^\d+(\.\d+)?$/.test(v) && existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? join(root, versions[0], 'bin') : undefined;
}

const NOT_INSTALLED =
  'PostgreSQL is not installed (no initdb under /usr/lib/postgresql/*/bin, nor in PG_BIN): ' +
  'run `node scripts/ensure-postgres.mjs` as root, or `apt-get install -y postgresql`, or point PG_BIN at its bin folder.';

/**
 * Starts a cluster, or says why it cannot: under CI=true a missing PostgreSQL is an error (the
 * service the tests need is absent); elsewhere a loud warning and `undefined`, so the suite skips.
 */
export async function startPostgres(): Promise<PostgresCluster | undefined> {
  const bin = postgresBin();
  if (!bin) {
    if (process.env.CI === 'true') throw new Error(NOT_INSTALLED);
    console.warn(`\n*** SKIPPING the PostgreSQL tests: ${NOT_INSTALLED} ***\n`);
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'tanya-pg-'));
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? postgresUser() : undefined;
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const run = (tool: string, args: readonly string[]): Promise<void> =>
    new Promise((resolve, reject) => {
      const [file, argv] = owner ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] : [join(bin, tool), [...args]];
      execFile(file, argv, { timeout: 60_000 }, (error, _stdout, stderr) =>
        error ? reject(new Error(`${tool} failed: ${error.message}\n${stderr}${logTail(dir)}`)) : resolve(),
      );
    });
  const data = join(dir, 'data');
  try {
    await run('initdb', ['-D', data, '-A', 'trust', '-U', 'tanya', '-E', 'UTF8', '--no-locale', '--no-sync']);
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
      try {
        await run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', '-t', '30', 'start']);
      } catch (error) {
        lastError = error; // the port was taken between the check and the start: another one
        continue;
      }
      const url = `postgres://tanya@127.0.0.1:${port}/postgres`;
      // A test process that dies without stop() (a crash, a killed worker) leaves no server behind:
      // a small shell waits for it to end, then stops the cluster and deletes the folder.
      const stopCommand = owner ? ['runuser', '-u', 'postgres', '--', join(bin, 'pg_ctl')] : [join(bin, 'pg_ctl')];
      const watchdog = spawn(
        'sh',
        [
          '-c',
          'p=$1; d=$2; shift 2; while kill -0 "$p" 2>/dev/null; do sleep 1; done; "$@" >/dev/null 2>&1; rm -rf "$d"',
          'watchdog',
          String(process.pid),
          dir,
          ...stopCommand,
          '-D',
          data,
          '-m',
          'immediate',
          'stop',
        ],
        { detached: true, stdio: 'ignore' },
      );
      watchdog.unref();
      await waitUntilReady(url);
      return {
        url,
        halt: () => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']),
        resume: async () => {
          await run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', '-t', '30', 'start']);
          await waitUntilReady(url);
        },
        stop: async () => {
          watchdog.kill();
          try {
            await run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        },
      };
    }
    throw lastError;
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

export interface TestDatabase {
  /** The new database's URL. */
  readonly url: string;
  /** Drops it (closing whatever connections are left). */
  drop(): Promise<void>;
}

/** A fresh empty database in the cluster, so each test starts from nothing (made as the scale benchmark makes its own). */
export function createTestDatabase(clusterUrl: string): Promise<TestDatabase> {
  return createBenchDatabase(clusterUrl);
}

function postgresUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('running as root, but there is no `postgres` user to run the server as (initdb refuses root)');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilReady(url: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`the test PostgreSQL at ${url} did not accept connections: ${(error as Error).message}`, { cause: error });
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function logTail(dir: string): string {
  try {
    return `\n--- server log ---\n${readFileSync(join(dir, 'log'), 'utf8').split('\n').slice(-20).join('\n')}`;
  } catch {
    return '';
  }
}
