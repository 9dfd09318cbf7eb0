import Database from 'better-sqlite3';
import { Client } from 'pg';
import { SqliteDatabase } from './sqlite';
import { openPostgresStore } from './postgres';
import { cleanText, connectionError } from './postgres-session';

/**
 * Every table a bot's data lives in, in an order that keeps references whole (notes after their
 * tickets). Leases are not copied: they belong to the processes of the old store.
 */
export const COPIED_TABLES = [
  'conversations',
  'messages',
  'tickets',
  'outbox',
  'inbox',
  'handoff_refs',
  'flow_records',
  'channel_refs',
  'deliveries',
  'audit',
  'console_agents',
  'console_sessions',
  'console_login_failures',
  'console_notes',
] as const;

/** Columns PostgreSQL numbers itself that SQLite keeps only as its hidden rowid. */
const ROWID_COLUMNS: Readonly<Record<string, string>> = { handoff_refs: 'seq', console_login_failures: 'id' };

const BATCH_ROWS = 1000;

export type CopyCounts = Readonly<Record<(typeof COPIED_TABLES)[number], number>>;

/** The target already holds a bot's data: nothing was copied. */
export class CopyTargetNotEmptyError extends Error {}

interface PgColumn {
  readonly name: string;
  readonly type: string;
  readonly identity: boolean;
}

/**
 * Copies a SQLite database (the bot stopped) into an empty PostgreSQL database, in one
 * transaction: the schema is brought up to date first, every row keeps its numbers (ticket and
 * record ids, message order), and the row counts of both sides are compared before the commit,
 * so the copy is whole or not there at all. Returns the rows copied per table.
 */
export async function copySqliteToPostgres(sqlitePath: string, url: string, onTable?: (table: string, rows: number) => void): Promise<CopyCounts> {
  // The store's own check: the file is a Tanya database with the current schema.
  new SqliteDatabase(sqlitePath, { readonly: true }).close();
  // Brings the target's schema up to date (and says clearly when it cannot be reached).
  await (await openPostgresStore(url, { max: 1 })).close();
  const source = new Database(sqlitePath, { readonly: true, fileMustExist: true });
  const target = new Client({ connectionString: url, connectionTimeoutMillis: 5000, application_name: 'tanya db copy' });
  try {
    await target.connect().catch((error: unknown) => {
      throw connectionError(url, error);
    });
    await target.query('BEGIN');
    const used = await target.query<{ n: string }>(
      'SELECT ((SELECT count(*) FROM conversations) + (SELECT count(*) FROM messages) + (SELECT count(*) FROM tickets))::text AS n',
    );
    if (Number(used.rows[0].n) > 0) {
      throw new CopyTargetNotEmptyError(
        'The PostgreSQL database already holds conversations, messages or tickets: copy into an empty database (nothing was changed).',
      );
    }
    const counts: Record<string, number> = {};
    for (const table of COPIED_TABLES) {
      counts[table] = await copyTable(source, target, table);
      onTable?.(table, counts[table]);
    }
    await target.query('COMMIT');
    return counts as CopyCounts;
  } catch (error) {
    await target.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    source.close();
    await target.end().catch(() => undefined);
  }
}

async function copyTable(source: Database.Database, target: Client, table: string): Promise<number> {
  const columns = (
    await target.query<PgColumn>(
      `SELECT column_name AS name, data_type AS type, is_identity = 'YES' AS identity
         FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
      [table],
    )
  ).rows;
  const present = new Set((source.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name));
  const rowid = ROWID_COLUMNS[table];
  const copied = columns.filter((c) => present.has(c.name) || c.name === rowid);
  const select = copied.map((c) => (c.name === rowid && !present.has(c.name) ? `rowid AS ${c.name}` : c.name)).join(', ');
  const json = new Set(copied.filter((c) => c.type === 'jsonb' || c.type === 'json').map((c) => c.name));
  const names = copied.map((c) => c.name).join(', ');
  const insert = `INSERT INTO ${table} (${names}) OVERRIDING SYSTEM VALUE SELECT ${names} FROM json_populate_recordset(NULL::${table}, $1::json)`;
  let rows = 0;
  let batch: Record<string, unknown>[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    // PostgreSQL's text holds no NUL characters: cleaned the way the store cleans what it writes.
    await target.query(insert, [JSON.stringify(batch, (_key, value: unknown) => (typeof value === 'string' ? cleanText(value) : value))]);
    rows += batch.length;
    batch = [];
  };
  const withoutRowid = /WITHOUT ROWID/i.test(
    (source.prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`).get(table) as { sql: string }).sql,
  );
  for (const row of source.prepare(`SELECT ${select} FROM ${table}${withoutRowid ? '' : ' ORDER BY rowid'}`).iterate() as IterableIterator<
    Record<string, unknown>
  >) {
    for (const name of json) row[name] = parseJson(row[name]);
    batch.push(row);
    if (batch.length >= BATCH_ROWS) await flush();
  }
  await flush();
  // New rows continue after the copied numbers.
  for (const column of copied.filter((c) => c.identity)) {
    await target.query(`SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT max(${column.name}) FROM ${table}), 0) + 1, false)`, [
      table,
      column.name,
    ]);
  }
  const sourceCount = (source.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  const targetCount = Number((await target.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`)).rows[0].n);
  if (sourceCount !== rows || targetCount !== rows)
    throw new Error(`${table}: ${sourceCount} rows in SQLite, ${targetCount} in PostgreSQL after the copy; nothing was copied`);
  return rows;
}

/** A JSON column's text as its value (a value SQLite kept that is not JSON stays a string). */
function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}
