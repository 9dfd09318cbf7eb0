/**
 * The stores the contract suite runs against: SQLite in a temporary file and PostgreSQL in a fresh
 * database of a throw-away cluster. Each test gets an empty database; `again()` opens a second
 * handle on it, as another process would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPostgresStore } from '../../src/storage/postgres';
import { SqliteStore } from '../../src/storage/sqlite-store';
import type { ConversationStore } from '../../src/storage/store';
import { createTestDatabase, postgresBin, startPostgres, type PostgresCluster } from '../support/postgres';

export interface Backend {
  readonly name: 'sqlite' | 'postgres';
  /** Once per suite (starts the cluster for PostgreSQL). */
  setUp(): Promise<void>;
  tearDown(): Promise<void>;
  /** A store on a new empty database. */
  fresh(): Promise<ConversationStore>;
  /** Another handle on the database of the last `fresh()` (another process). */
  again(): Promise<ConversationStore>;
  /** Closes every handle and deletes the database. */
  cleanUp(): Promise<void>;
  /** The cluster's URL (PostgreSQL only), for tests of connecting. */
  readonly clusterUrl?: string;
  /** The URL of the database of the last `fresh()` (PostgreSQL only). */
  readonly databaseUrl?: string;
}

/** SQLite in a file (not ":memory:", so a second handle sees the same database). */
export function sqliteBackend(): Backend {
  let dir = '';
  let opened: ConversationStore[] = [];
  return {
    name: 'sqlite',
    setUp: async () => undefined,
    tearDown: async () => undefined,
    fresh: async () => {
      dir = mkdtempSync(join(tmpdir(), 'tanya-contract-'));
      const store = new SqliteStore(join(dir, 'tanya.db'));
      opened = [store];
      return store;
    },
    again: async () => {
      const store = new SqliteStore(join(dir, 'tanya.db'));
      opened.push(store);
      return store;
    },
    cleanUp: async () => {
      for (const store of opened) await store.close();
      opened = [];
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function postgresBackend(): Backend {
  let cluster: PostgresCluster | undefined;
  let database: { url: string; drop(): Promise<void> } | undefined;
  let opened: ConversationStore[] = [];
  const backend: Backend & { clusterUrl?: string; databaseUrl?: string } = {
    name: 'postgres',
    setUp: async () => {
      cluster = await startPostgres();
      if (!cluster) throw new Error('PostgreSQL is not installed (see the warning above)');
      backend.clusterUrl = cluster.url;
    },
    tearDown: async () => {
      await cluster?.stop();
      cluster = undefined;
    },
    fresh: async () => {
      if (!cluster) throw new Error('no cluster');
      database = await createTestDatabase(cluster.url);
      backend.databaseUrl = database.url;
      const store = await openPostgresStore(database.url);
      opened = [store];
      return store;
    },
    again: async () => {
      if (!database) throw new Error('no database');
      const store = await openPostgresStore(database.url);
      opened.push(store);
      return store;
    },
    cleanUp: async () => {
      for (const store of opened) await store.close();
      opened = [];
      await database?.drop();
      database = undefined;
    },
  };
  return backend;
}

/**
 * SQLite always; PostgreSQL when it is installed. Under CI=true it is always included, so a
 * missing PostgreSQL fails the suite instead of skipping it.
 */
export function contractBackends(): Backend[] {
  const backends = [sqliteBackend()];
  if (postgresBin() || process.env.CI === 'true') backends.push(postgresBackend());
  else console.warn('\n*** SKIPPING the PostgreSQL store contract: PostgreSQL is not installed (node scripts/ensure-postgres.mjs installs it) ***\n');
  return backends;
}
