import { openPostgresStore, type PostgresOpenOptions } from './postgres';
import type { SqliteOpenOptions } from './sqlite';
import { SqliteStore } from './sqlite-store';
import type { ConversationStore } from './store';

/** Where the bot keeps its data: a PostgreSQL URL (shared by every process), else one SQLite file. */
export interface StoreLocation {
  /** `postgres://user:password@host:5432/db` (DATABASE_URL); empty or absent: SQLite. */
  readonly databaseUrl?: string | undefined;
  /** The SQLite file (or ":memory:") when there is no URL. */
  readonly sqlitePath: string;
}

/** True when the location names PostgreSQL. */
export function usesPostgres(location: Pick<StoreLocation, 'databaseUrl'>): boolean {
  return (location.databaseUrl?.trim() ?? '') !== '';
}

/**
 * Opens the store: PostgreSQL when `databaseUrl` is set (its schema brought up to date unless
 * `postgres.migrate` is false), else the SQLite file. A PostgreSQL that cannot be reached rejects
 * with an error naming its host and what to check.
 */
export async function openStore(
  location: StoreLocation,
  options: { readonly sqlite?: SqliteOpenOptions; readonly postgres?: PostgresOpenOptions } = {},
): Promise<ConversationStore> {
  const url = location.databaseUrl?.trim() ?? '';
  if (url !== '') return openPostgresStore(url, options.postgres);
  return new SqliteStore(location.sqlitePath, options.sqlite);
}
