import { types, type CustomTypesConfig, type Pool, type PoolClient, type QueryResult, type QueryResultRow } from 'pg';

/**
 * Where the PostgreSQL store's statements go: the pool (each statement on whichever connection
 * is free, its own transaction) or one connection inside an open transaction.
 */
export interface Session {
  query<R extends QueryResultRow>(text: string, values?: readonly unknown[]): Promise<QueryResult<R>>;
  /**
   * Runs `fn` in a transaction: a new one on its own connection from the pool, or the one already
   * open. `snapshot`: a new one reads one consistent state of the database and writes nothing.
   */
  transaction<T>(fn: (session: Session) => Promise<T>, options?: TransactionOptions): Promise<T>;
  readonly inTransaction: boolean;
}

export interface TransactionOptions {
  /** Read only, one snapshot for every statement (REPEATABLE READ): an export that is consistent. Default false. */
  readonly snapshot?: boolean;
}

/** Statements on the pool; `transaction` checks one connection out for BEGIN … COMMIT. */
export class PoolSession implements Session {
  readonly inTransaction = false;

  constructor(private readonly pool: Pool) {}

  query<R extends QueryResultRow>(text: string, values?: readonly unknown[]): Promise<QueryResult<R>> {
    return this.pool.query<R>(text, values === undefined ? undefined : [...values]);
  }

  async transaction<T>(fn: (session: Session) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const client = await this.pool.connect();
    const session = new TransactionSession(client);
    /** Set when the connection itself failed: the pool then drops it rather than reuse it. */
    let broken: Error | undefined;
    // A connection lost while `fn` awaits something else would otherwise be an unhandled 'error' event.
    const lost = (error: Error): void => {
      broken = error;
      session.fail(error);
    };
    client.on('error', lost);
    try {
      await client.query(options.snapshot ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN');
      try {
        const result = await fn(session);
        session.throwIfFailed();
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          broken = rollbackError as Error;
        }
        throw error;
      }
    } finally {
      session.end();
      client.off('error', lost);
      client.release(broken);
    }
  }
}

/**
 * The statements of one open transaction, on its connection. PostgreSQL refuses every statement
 * after one fails until the transaction ends, and would then turn COMMIT into a silent ROLLBACK:
 * the first failure is remembered, later statements are refused with it, and the transaction
 * rejects even when the caller caught the error, so nothing is lost without a word.
 */
class TransactionSession implements Session {
  readonly inTransaction = true;
  private failed: Error | undefined;
  private ended = false;

  constructor(private readonly client: PoolClient) {}

  async query<R extends QueryResultRow>(text: string, values?: readonly unknown[]): Promise<QueryResult<R>> {
    if (this.ended) throw new Error('this transaction has ended: use the store itself, or call inside atomically');
    if (this.failed) throw new Error(`not run: this transaction already failed (${this.failed.message}) and will roll back`, { cause: this.failed });
    try {
      return await this.client.query<R>(text, values === undefined ? undefined : [...values]);
    } catch (error) {
      this.failed ??= error as Error;
      throw error;
    }
  }

  transaction<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    return fn(this);
  }

  /** The connection failed: the transaction is lost. */
  fail(error: Error): void {
    this.failed ??= error;
  }

  throwIfFailed(): void {
    if (this.failed)
      throw new Error(`transaction rolled back: a statement in it failed, or its connection did (${this.failed.message})`, { cause: this.failed });
  }

  end(): void {
    this.ended = true;
  }
}

type TypeId = Parameters<typeof types.getTypeParser>[0];
type TypeFormat = Parameters<typeof types.getTypeParser>[1];
const { INT8, TIMESTAMPTZ } = types.builtins;
const parseTimestamptz = types.getTypeParser(TIMESTAMPTZ, 'text') as (value: string) => Date;

/**
 * Type parsers of the store's pool only (the global `pg.types` stay as they are for other code):
 * bigint as a number (sequence numbers and counts stay far below 2^53) and timestamptz as the
 * ISO string `Date.toISOString()` gives, as SQLite's rows carry them.
 */
export const STORE_TYPES: CustomTypesConfig = {
  getTypeParser: ((id: TypeId, format?: TypeFormat) => {
    if (format === undefined || format === 'text') {
      if (id === INT8) return (value: string) => Number(value);
      if (id === TIMESTAMPTZ) return (value: string) => parseTimestamptz(value).toISOString();
    }
    return types.getTypeParser(id, format) as (value: string) => unknown;
  }) as CustomTypesConfig['getTypeParser'],
};

/** A JSON value for a jsonb parameter: jsonb has no \u0000 nor lone surrogates, so those become U+FFFD. */
export function jsonb(value: unknown): string | null {
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? cleanText(v) : v)) as string | undefined;
  return text ?? null;
}

const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text PostgreSQL can store: NUL characters and lone surrogates (which SQLite keeps) become U+FFFD. */
export function cleanText(text: string): string {
  return text.replace(UNSTORABLE, '\uFFFD');
}

/**
 * Says which server could not be reached and what to check, never the password: "PostgreSQL at
 * db.internal:5432, database "tanya", user "bot": connection refused. Check …".
 */
export function connectionError(url: string, error: unknown): Error {
  const where = describeUrl(url);
  // Duck-typed: errors from Node's own modules may come from another realm (a test runner's sandbox).
  const cause = typeof error === 'object' && error !== null && typeof (error as Error).message === 'string' ? (error as Error) : new Error(String(error));
  const code = (cause as { code?: unknown }).code;
  let reason: string;
  switch (code) {
    case 'ECONNREFUSED':
      reason = 'connection refused. Check that the server is running and listens on that host and port (DATABASE_URL)';
      break;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      reason = 'host name not found. Check the host in DATABASE_URL';
      break;
    case '28P01':
    case '28000':
      reason = "the server refused the user or password. Check them in DATABASE_URL (and the server's pg_hba.conf)";
      break;
    case '3D000':
      reason = 'the database does not exist. Create it (createdb NAME) or fix its name in DATABASE_URL';
      break;
    case '57P03':
      reason = 'the server is starting up or shutting down. Try again in a moment';
      break;
    case '53300':
      reason = "the server has no free connections. Lower the pool size or raise the server's max_connections";
      break;
    default:
      reason = /timeout/i.test(cause.message)
        ? 'no answer in time. Check that the server is running and reachable from here (host, port, firewall)'
        : `${hidePassword(cause.message, url)}. Check that the server is running and that host, port, user and password in DATABASE_URL are right`;
  }
  return new Error(`Cannot connect to PostgreSQL at ${where}: ${reason}.`, { cause });
}

function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const host = parsed.searchParams.get('host') ?? (parsed.hostname || 'localhost');
    const port = parsed.port || '5432';
    const user = decodeURIComponent(parsed.username) || undefined;
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || user || '(default)';
    return `${host}:${port}, database "${database}"${user ? `, user "${user}"` : ''}`;
  } catch {
    return 'the DATABASE_URL given (not a URL like postgres://user:password@host:5432/database)';
  }
}

function hidePassword(message: string, url: string): string {
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password ? message.split(password).join('***') : message;
  } catch {
    return message;
  }
}
