/**
 * A throw-away PostgreSQL cluster for `npm run bench:scale` (initdb in a temporary folder, a free
 * loopback port, pg_ctl start; `stop()` stops it and deletes the folder), or an existing server
 * named by --database-url. The same steps as test/support/postgres.ts, which the benchmark cannot
 * import: scripts/build.mjs compiles src/ and bench/ only.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort, sleep } from './scale-harness';

export interface BenchPostgres {
  /** A URL of the server's maintenance database (new databases are created through it). */
  readonly url: string;
  stop(): Promise<void>;
}

function postgresBin(): string {
  const fromEnv = process.env.PG_BIN?.trim();
  if (fromEnv && existsSync(join(fromEnv, 'initdb'))) return fromEnv;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+(\.\d+)?$/.test(v) && existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0)
    throw new Error(
      'PostgreSQL is not installed (no initdb under /usr/lib/postgresql/*/bin, nor in PG_BIN): run `node scripts/ensure-postgres.mjs` as root, or pass --database-url postgres://…',
    );
  return join(root, versions[0], 'bin');
}

/** Starts a cluster of its own; as root the server runs as the `postgres` user (initdb refuses root). */
export async function startBenchPostgres(): Promise<BenchPostgres> {
  const bin = postgresBin();
  const dir = mkdtempSync(join(tmpdir(), 'tanya-bench-pg-'));
  const owner = process.getuid?.() === 0 ? postgresUser() : undefined;
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const run = (tool: string, args: readonly string[]): void => {
    const [file, argv] = owner ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] : [join(bin, tool), [...args]];
    execFileSync(file, argv, { stdio: 'ignore', timeout: 60_000 });
  };
  const data = join(dir, 'data');
  try {
    run('initdb', ['-D', data, '-A', 'trust', '-U', 'tanya', '-E', 'UTF8', '--no-locale', '--no-sync']);
    const port = await freePort();
    // Durable settings as a production server has them (fsync on): the benchmark measures commits.
    run('pg_ctl', [
      '-D',
      data,
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`,
      '-l',
      join(dir, 'log'),
      '-w',
      '-t',
      '30',
      'start',
    ]);
    const url = `postgres://tanya@127.0.0.1:${port}/postgres`;
    await waitUntilReady(url);
    return {
      url,
      stop: async () => {
        try {
          run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Creates an empty database on the server; returns its URL and how to drop it. */
export async function createBenchDatabase(serverUrl: string): Promise<{ readonly url: string; drop(): Promise<void> }> {
  const name = `tanya_bench_${randomBytes(5).toString('hex')}`;
  await admin(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function admin(serverUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function waitUntilReady(url: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline)
        throw new Error(`the benchmark's PostgreSQL at ${url} did not accept connections: ${(error as Error).message}`, { cause: error });
      await sleep(100);
    }
  }
}

function postgresUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('running as root, but there is no `postgres` user to run the server as (initdb refuses root)');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}
