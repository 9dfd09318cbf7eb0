import { Pool } from 'pg';
import type { ConversationState } from '../core/state';
import type { ConsoleStore } from './console-store';
import { PostgresConsoleStore } from './postgres-console';
import * as outbox from './postgres-outbox';
import * as privacy from './postgres-privacy';
import { LINE_COLUMNS, withTranscripts, type PgTicketRow } from './postgres-rows';
import { migratePostgres, POSTGRES_MIGRATIONS } from './postgres-schema';
import { cleanText, connectionError, jsonb, PoolSession, STORE_TYPES, type Session } from './postgres-session';
import { toLine, type TranscriptRow } from './sqlite-rows';
import {
  LEASE_OWNER,
  type AuditEntry,
  type ConversationStore,
  type CustomerData,
  type CustomerKeys,
  type FlowRecord,
  type ForgetResult,
  type HandoffTicket,
  type InboundRecord,
  type NewOutboxItem,
  type OutboxItem,
  type PendingInbound,
  type PurgeOptions,
  type PurgeResult,
  type QueueDepths,
  type StoredMessage,
  type TicketStatus,
  type TranscriptLine,
} from './store';

export { migratePostgres } from './postgres-schema';

/** Platform delivery ids are kept this long (platforms redeliver within hours, not days). */
const DELIVERY_RETENTION_MS = 3 * 24 * 3600_000;
/** Delivered outbox items are kept this long (for "what was sent when"), then deleted. */
const OUTBOX_RETENTION_MS = 2 * 24 * 3600_000;
/** Transcript text is capped so one pasted novel cannot bloat the database. */
const MAX_STORED_TEXT = 20_000;
/** Advisory lock class of Tanya's conversations (two-int4 form: class, hashtext(conversation id)). */
const CONVERSATION_LOCK_CLASS = 0x54616e79;

/** How `openPostgresStore` connects. */
export interface PostgresOpenOptions {
  /** Most connections the pool opens (default 10). */
  readonly max?: number;
  /** How long to wait for a connection before failing (default 5000 ms). */
  readonly connectionTimeoutMs?: number;
  /**
   * Bring the schema up to date on open (default true). When false the database must already hold
   * the current schema (`tanya db migrate`), else opening fails and says so.
   */
  readonly migrate?: boolean;
  /** Told about errors of idle connections (the server restarted, the network dropped); default: one line on stderr. */
  readonly onError?: (error: Error) => void;
}

/** New delivery ids and completed outbox items since the last prune of old ones (per process, shared by its transactions). */
interface PruneCounters {
  deliveries: number;
  completed: number;
}

/** The ID a new row of `table` gets from its sequence: `prefix` and the number padded to 5 digits ("T00001"). */
const NEXT_ID = (table: string, prefix: string): string =>
  `WITH s AS (SELECT nextval(pg_get_serial_sequence('${table}', 'seq')) AS seq)
   SELECT s.seq, ${prefix} || CASE WHEN s.seq < 100000 THEN lpad(s.seq::text, 5, '0') ELSE s.seq::text END AS id FROM s`;

/**
 * The store contract over PostgreSQL. `PostgresStore` runs each call on the pool; `atomically`
 * hands its function a view whose calls all run on the transaction's connection.
 */
abstract class PostgresCalls implements ConversationStore {
  readonly kind = 'postgres' as const;

  constructor(
    protected readonly db: Session,
    private readonly counters: PruneCounters,
  ) {}

  abstract atomically<T>(fn: (tx: ConversationStore) => Promise<T>): Promise<T>;
  abstract close(): Promise<void>;

  async recordInbound(message: InboundRecord): Promise<boolean> {
    // One statement: the conversation's upsert and the message land together.
    const result = await this.db.query(
      `WITH conversation AS (
         INSERT INTO conversations (id, channel, user_id, user_name, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET user_name = COALESCE(excluded.user_name, conversations.user_name), updated_at = excluded.updated_at
       )
       INSERT INTO messages (conversation_id, channel, direction, message_id, kind, text, created_at)
       VALUES ($1, $2, 'in', $6, $7, $8, $5)
       ON CONFLICT (channel, message_id) WHERE direction = 'in' DO NOTHING`,
      [
        message.conversationId,
        message.channel,
        message.userId,
        message.userName === undefined ? null : cleanText(message.userName),
        message.at,
        message.messageId,
        message.kind,
        cleanText(message.text.slice(0, MAX_STORED_TEXT)),
      ],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async markDelivered(channel: string, deliveryId: string, at: Date = new Date()): Promise<boolean> {
    const result = await this.db.query(`INSERT INTO deliveries (channel, id, at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [
      channel,
      deliveryId,
      at.toISOString(),
    ]);
    const fresh = (result.rowCount ?? 0) > 0;
    if (fresh) await this.delivered(at);
    return fresh;
  }

  /** Every 1000 new delivery ids, the ones past their retention go. */
  private async delivered(at: Date): Promise<void> {
    if (++this.counters.deliveries < 1000) return;
    this.counters.deliveries = 0;
    await this.db.query(`DELETE FROM deliveries WHERE at < $1`, [new Date(at.getTime() - DELIVERY_RETENTION_MS).toISOString()]);
  }

  async wasDelivered(channel: string, deliveryId: string): Promise<boolean> {
    return (await this.db.query(`SELECT 1 FROM deliveries WHERE channel = $1 AND id = $2`, [channel, deliveryId])).rows.length > 0;
  }

  async acceptInbound(channel: string, deliveryId: string, conversationId: string, payload: unknown, at: Date = new Date()): Promise<boolean> {
    const result = await this.db.query(
      `WITH delivery AS (INSERT INTO deliveries (channel, id, at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1)
       INSERT INTO inbox (conversation_id, payload, received_at) SELECT $4::text, $5::jsonb, $3::timestamptz FROM delivery`,
      [channel, deliveryId, at.toISOString(), conversationId, jsonb(payload)],
    );
    const fresh = (result.rowCount ?? 0) > 0;
    if (fresh) await this.delivered(at);
    return fresh;
  }

  async pendingInbound(limit = 500, afterSeq = 0, conversationId?: string): Promise<PendingInbound[]> {
    const result = await this.db.query<PendingInbound>(
      `SELECT seq, conversation_id AS "conversationId", payload FROM inbox
       WHERE seq > $1 AND ($2::text IS NULL OR conversation_id = $2) ORDER BY seq LIMIT $3`,
      [afterSeq, conversationId ?? null, limit],
    );
    return result.rows;
  }

  async finishInbound(seq: number): Promise<void> {
    await this.db.query(`DELETE FROM inbox WHERE seq = $1`, [seq]);
  }

  async recordOutbound(conversationId: string, line: Omit<TranscriptLine, 'direction'>): Promise<void> {
    await this.db.query(
      `INSERT INTO messages (conversation_id, channel, direction, text, decision, entry_id, created_at)
       SELECT $1::text, COALESCE((SELECT channel FROM conversations WHERE id = $1), ''), 'out', $2::text, $3::text, $4::text, $5::timestamptz`,
      [conversationId, cleanText(line.text.slice(0, MAX_STORED_TEXT)), line.decision ?? null, line.entryId ?? null, line.at],
    );
  }

  async transcript(conversationId: string): Promise<TranscriptLine[]> {
    return (await this.db.query<TranscriptRow>(`SELECT ${LINE_COLUMNS} FROM messages WHERE conversation_id = $1 ORDER BY id`, [conversationId])).rows.map(
      toLine,
    );
  }

  async loadState(conversationId: string): Promise<ConversationState | undefined> {
    return (await this.db.query<{ state: ConversationState }>(`SELECT state FROM conversations WHERE id = $1`, [conversationId])).rows.at(0)?.state;
  }

  async saveState(conversationId: string, state: ConversationState): Promise<void> {
    await this.db.query(
      `INSERT INTO conversations (id, channel, user_id, state, updated_at) VALUES ($1, '', '', $2, $3)
       ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
      [conversationId, jsonb(state), new Date().toISOString()],
    );
  }

  async createTicket(ticket: Omit<HandoffTicket, 'id' | 'status' | 'createdAt' | 'transcript'>): Promise<HandoffTicket> {
    // One statement takes the number, names the ticket after it and marks how far its transcript reads.
    const result = await this.db.query<PgTicketRow>(
      `WITH next AS (${NEXT_ID('tickets', "'T'")})
       INSERT INTO tickets (seq, id, conversation_id, channel, customer_id, customer_name, reason, status, summary, transcript, transcript_until, created_at)
       OVERRIDING SYSTEM VALUE
       SELECT next.seq, next.id, $1::text, $2::text, $3::text, $4::text, $5::text, 'queued', $6::jsonb, '[]'::jsonb,
         COALESCE((SELECT MAX(id) FROM messages WHERE conversation_id = $1), 0), $7::timestamptz
       FROM next RETURNING *`,
      [
        ticket.conversationId,
        ticket.channel,
        ticket.customerId,
        ticket.customerName === undefined ? null : cleanText(ticket.customerName),
        cleanText(ticket.reason),
        jsonb(ticket.summary),
        new Date().toISOString(),
      ],
    );
    return (await withTranscripts(this.db, result.rows))[0];
  }

  async getTicket(id: string): Promise<HandoffTicket | undefined> {
    return (await withTranscripts(this.db, (await this.db.query<PgTicketRow>(`SELECT * FROM tickets WHERE id = $1`, [id])).rows)).at(0);
  }

  async listTickets(status?: TicketStatus): Promise<HandoffTicket[]> {
    const rows = (await this.db.query<PgTicketRow>(`SELECT * FROM tickets WHERE ($1::text IS NULL OR status = $1) ORDER BY seq`, [status ?? null])).rows;
    return withTranscripts(this.db, rows);
  }

  async updateTicketStatus(id: string, status: TicketStatus, agent?: string): Promise<HandoffTicket | undefined> {
    const rows = (
      await this.db.query<PgTicketRow>(
        `UPDATE tickets SET status = $1, agent = COALESCE($2, agent),
           claimed_at = CASE WHEN $1 = 'claimed' THEN $3::timestamptz ELSE claimed_at END,
           resolved_at = CASE WHEN $1 IN ('resolved', 'cancelled') THEN $3::timestamptz ELSE resolved_at END
         WHERE id = $4 RETURNING *`,
        [status, agent ?? null, new Date().toISOString(), id],
      )
    ).rows;
    return (await withTranscripts(this.db, rows)).at(0);
  }

  async enqueue(item: NewOutboxItem): Promise<number> {
    const at = (item.at ?? new Date()).toISOString();
    const result = await this.db.query<{ seq: number }>(
      `INSERT INTO outbox (kind, target, payload, next_at, created_at) VALUES ($1, $2, $3, $4, $4) RETURNING seq`,
      [item.kind, item.target, jsonb(item.payload), at],
    );
    return result.rows[0].seq;
  }

  takeDue(
    accepts: (item: Pick<OutboxItem, 'kind' | 'target'>) => boolean,
    now: Date,
    leaseMs: number,
    limit = 50,
    target?: string,
    owner = LEASE_OWNER,
  ): Promise<OutboxItem[]> {
    return outbox.takeDue(this.db, accepts, now, leaseMs, limit, target, owner);
  }

  releaseLeases(
    isStale: (owner: string) => boolean,
    now: Date = new Date(),
    inDoubtMs: (item: Pick<OutboxItem, 'kind' | 'target'>) => number = () => 0,
  ): Promise<number> {
    return outbox.releaseLeases(this.db, isStale, now, inDoubtMs);
  }

  async holdLease(seq: number, owner: string, now: Date, leaseMs: number): Promise<boolean> {
    const result = await this.db.query(`UPDATE outbox SET lease_until = $1 WHERE seq = $2 AND done_at IS NULL AND lease_owner = $3`, [
      new Date(now.getTime() + leaseMs).toISOString(),
      seq,
      owner,
    ]);
    return (result.rowCount ?? 0) > 0;
  }

  async markSending(seq: number, at: Date = new Date()): Promise<void> {
    await this.db.query(`UPDATE outbox SET sending_since = $1 WHERE seq = $2`, [at.toISOString(), seq]);
  }

  async completeItem(seq: number, at: Date = new Date()): Promise<void> {
    await this.db.query(`UPDATE outbox SET done_at = $1, lease_until = NULL, sending_since = NULL WHERE seq = $2`, [at.toISOString(), seq]);
    if (++this.counters.completed >= 1000) {
      this.counters.completed = 0;
      await this.db.query(`DELETE FROM outbox WHERE done_at IS NOT NULL AND done_at < $1`, [new Date(at.getTime() - OUTBOX_RETENTION_MS).toISOString()]);
    }
  }

  async retryItem(seq: number, nextAt: Date, error: string): Promise<void> {
    await this.db.query(`UPDATE outbox SET attempts = attempts + 1, next_at = $1, lease_until = NULL, sending_since = NULL, last_error = $2 WHERE seq = $3`, [
      nextAt.toISOString(),
      cleanText(error.slice(0, 500)),
      seq,
    ]);
  }

  async saveTicketRef(destination: string, ref: string, ticketId: string): Promise<void> {
    // Saved again, a ref moves to the end of its ticket's list (as SQLite's INSERT OR REPLACE does).
    await this.db.query(
      `INSERT INTO handoff_refs (destination, ref, ticket_id) VALUES ($1, $2, $3)
       ON CONFLICT (destination, ref) DO UPDATE SET ticket_id = excluded.ticket_id, seq = excluded.seq`,
      [destination, ref, ticketId],
    );
  }

  async ticketForRef(destination: string, ref: string): Promise<string | undefined> {
    return (await this.db.query<{ id: string }>(`SELECT ticket_id AS id FROM handoff_refs WHERE destination = $1 AND ref = $2`, [destination, ref])).rows.at(0)
      ?.id;
  }

  async ticketRefs(ticketId: string, destination: string): Promise<string[]> {
    const result = await this.db.query<{ ref: string }>(`SELECT ref FROM handoff_refs WHERE ticket_id = $1 AND destination = $2 ORDER BY seq`, [
      ticketId,
      destination,
    ]);
    return result.rows.map((r) => r.ref);
  }

  async createRecord(record: Omit<FlowRecord, 'id' | 'createdAt'>, prefix: string): Promise<FlowRecord> {
    const createdAt = new Date().toISOString();
    const result = await this.db.query<{ id: string }>(
      `WITH next AS (${NEXT_ID('flow_records', '$1::text')})
       INSERT INTO flow_records (seq, id, flow_id, conversation_id, channel, customer_id, slots, created_at) OVERRIDING SYSTEM VALUE
       SELECT next.seq, next.id, $2::text, $3::text, $4::text, $5::text, $6::jsonb, $7::timestamptz FROM next RETURNING id`,
      [prefix, record.flowId, record.conversationId, record.channel, record.customerId, jsonb(record.slots), createdAt],
    );
    return { ...record, id: result.rows[0].id, createdAt };
  }

  async listRecords(flowId?: string): Promise<FlowRecord[]> {
    const result = await this.db.query<FlowRecord>(
      `SELECT id, flow_id AS "flowId", conversation_id AS "conversationId", channel, customer_id AS "customerId", slots, created_at AS "createdAt"
       FROM flow_records WHERE ($1::text IS NULL OR flow_id = $1) ORDER BY seq`,
      [flowId ?? null],
    );
    return result.rows;
  }

  async messagesSince(since: string): Promise<StoredMessage[]> {
    const result = await this.db.query<TranscriptRow & { conversationId: string; channel: string }>(
      `SELECT conversation_id AS "conversationId", channel, ${LINE_COLUMNS} FROM messages
       WHERE ($1::timestamptz IS NULL OR created_at >= $1) ORDER BY conversation_id COLLATE "C", id`,
      [since || null],
    );
    return result.rows.map((r) => ({ conversationId: r.conversationId, channel: r.channel, ...toLine(r) }));
  }

  async saveChannelRef(conversationId: string, ref: unknown): Promise<void> {
    await this.db.query(
      `INSERT INTO channel_refs (conversation_id, ref, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (conversation_id) DO UPDATE SET ref = excluded.ref, updated_at = excluded.updated_at`,
      [conversationId, jsonb(ref), new Date().toISOString()],
    );
  }

  async channelRef(conversationId: string): Promise<unknown> {
    return (await this.db.query<{ ref: unknown }>(`SELECT ref FROM channel_refs WHERE conversation_id = $1`, [conversationId])).rows.at(0)?.ref;
  }

  async setTicketRating(id: string, rating: number): Promise<void> {
    await this.db.query(`UPDATE tickets SET csat = $1 WHERE id = $2`, [rating, id]);
  }

  async openTicketFor(conversationId: string): Promise<HandoffTicket | undefined> {
    const rows = (
      await this.db.query<PgTicketRow>(`SELECT * FROM tickets WHERE conversation_id = $1 AND status IN ('queued', 'claimed') ORDER BY seq DESC LIMIT 1`, [
        conversationId,
      ])
    ).rows;
    return (await withTranscripts(this.db, rows)).at(0);
  }

  async queuePosition(id: string): Promise<number> {
    const result = await this.db.query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM tickets WHERE status = 'queued' AND seq <= (SELECT seq FROM tickets WHERE id = $1)`,
      [id],
    );
    return result.rows[0].n;
  }

  async markTicketNotified(id: string, at: Date): Promise<void> {
    await this.db.query(`UPDATE tickets SET notified_at = $1 WHERE id = $2`, [at.toISOString(), id]);
  }

  purgeOlderThan(cutoff: Date, options?: PurgeOptions): Promise<PurgeResult> {
    return privacy.purgeOlderThan(this.db, cutoff, options);
  }

  forgetCustomer(keys: CustomerKeys): Promise<ForgetResult> {
    return privacy.forgetCustomer(this.db, keys);
  }

  exportCustomer(keys: CustomerKeys): Promise<CustomerData> {
    return privacy.exportCustomer(this.db, keys);
  }

  audit(entry: Omit<AuditEntry, 'at'> & { readonly at?: string }): Promise<void> {
    return privacy.audit(this.db, entry);
  }

  auditLog(query?: { readonly since?: string; readonly limit?: number }): Promise<AuditEntry[]> {
    return privacy.auditLog(this.db, query);
  }

  async queueDepths(): Promise<QueueDepths> {
    const rows = (
      await this.db.query<{ what: 'inbox' | 'outbox' | 'tickets'; key: string | null; n: number }>(
        `SELECT 'inbox' AS what, NULL AS key, COUNT(*) AS n FROM inbox
         UNION ALL SELECT 'outbox', kind, COUNT(*) FROM outbox WHERE done_at IS NULL GROUP BY kind
         UNION ALL SELECT 'tickets', status, COUNT(*) FROM tickets WHERE status IN ('queued', 'claimed') GROUP BY status`,
      )
    ).rows;
    let inbox = 0;
    const outbox: Record<string, number> = {};
    const openTickets = { queued: 0, claimed: 0 };
    for (const row of rows) {
      if (row.what === 'inbox') inbox = row.n;
      else if (row.what === 'outbox' && row.key !== null) outbox[row.key] = row.n;
      else if (row.key === 'queued' || row.key === 'claimed') openTickets[row.key] = row.n;
    }
    return { inbox, outbox, openTickets };
  }

  async lockConversation(conversationId: string): Promise<void> {
    if (!this.db.inTransaction) throw new Error('lockConversation holds a conversation for a transaction: call it on the store given by atomically');
    await this.db.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [CONVERSATION_LOCK_CLASS, conversationId]);
  }

  async holdLeadership(name: string, owner: string, ttlMs: number, now: Date = new Date(), takeOverFrom?: (holder: string) => boolean): Promise<boolean> {
    const until = new Date(now.getTime() + ttlMs).toISOString();
    if (takeOverFrom) {
      const held = (await this.db.query<{ owner: string }>(`SELECT owner FROM leases WHERE name = $1 AND until > $2`, [name, now.toISOString()])).rows[0];
      if (held && held.owner !== owner && takeOverFrom(held.owner)) {
        // Compare and set: only while that holder still has it.
        const taken = await this.db.query(`UPDATE leases SET owner = $2, until = $3 WHERE name = $1 AND owner = $4`, [name, owner, until, held.owner]);
        return (taken.rowCount ?? 0) > 0;
      }
    }
    const result = await this.db.query(
      `INSERT INTO leases (name, owner, until) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until = excluded.until WHERE leases.owner = excluded.owner OR leases.until <= $4`,
      [name, owner, until, now.toISOString()],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async expiredLeases(prefix: string, now: Date = new Date()): Promise<{ name: string; until: string }[]> {
    const rows = await this.db.query<{ name: string; until: string }>(
      `SELECT name, until FROM leases WHERE left(name, length($1)) = $1 AND until <= $2 ORDER BY name`,
      [prefix, now.toISOString()],
    );
    return rows.rows;
  }

  async releaseLeadership(name: string, owner: string): Promise<void> {
    await this.db.query(`DELETE FROM leases WHERE name = $1 AND owner = $2`, [name, owner]);
  }

  consoleStore(): ConsoleStore {
    return new PostgresConsoleStore(this.db);
  }

  /** A view of this store whose calls run in `session`'s transaction. */
  protected inTransaction(session: Session): PostgresTransaction {
    return new PostgresTransaction(session, this.counters);
  }
}

/**
 * The store on PostgreSQL: many processes may share one database (outbox leases, advisory locks
 * per conversation, leadership leases). Open it with `openPostgresStore`.
 */
export class PostgresStore extends PostgresCalls {
  private closing = false;

  /** A store on `pool` (whose schema is current); `onError` hears of idle connections that fail (default: a line on stderr). */
  constructor(
    private readonly pool: Pool,
    onError: (error: Error) => void = (error) => process.stderr.write(`tanya: an idle PostgreSQL connection failed: ${error.message}\n`),
  ) {
    super(new PoolSession(pool), { deliveries: 0, completed: 0 });
    // Without a listener an idle connection's error (a server restart) would end the process.
    pool.on('error', (error) => {
      if (!this.closing) onError(error);
    });
  }

  /** BEGIN on one connection of the pool, `fn` with a view bound to it, COMMIT (or ROLLBACK and rethrow). */
  atomically<T>(fn: (tx: ConversationStore) => Promise<T>): Promise<T> {
    return this.db.transaction((session) => fn(this.inTransaction(session)));
  }

  /** Ends the pool (waits for the connections in use to come back). */
  close(): Promise<void> {
    this.closing = true;
    return this.pool.end();
  }
}

/** The calls of one open transaction (what `PostgresStore.atomically` hands its function). */
class PostgresTransaction extends PostgresCalls {
  atomically<T>(fn: (tx: ConversationStore) => Promise<T>): Promise<T> {
    return fn(this);
  }

  close(): Promise<void> {
    return Promise.reject(new Error('a store is closed outside its transactions'));
  }
}

/**
 * Connects to PostgreSQL (`postgres://user:password@host:5432/database`), brings the schema up to
 * date and returns the store. An unreachable or refusing server fails within the connection
 * timeout with an error that names host, port and database (never the password) and what to check.
 */
export async function openPostgresStore(url: string, options: PostgresOpenOptions = {}): Promise<PostgresStore> {
  const pool = new Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5000,
    application_name: 'tanya',
    types: STORE_TYPES,
  });
  // Until the store listens, an idle connection's error shows in the next statement, which fails the open.
  const untilOpen = (): void => undefined;
  pool.on('error', untilOpen);
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw connectionError(url, error);
  }
  try {
    if (options.migrate ?? true) await migratePostgres(pool);
    else await requireCurrentSchema(pool);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  pool.off('error', untilOpen);
  return new PostgresStore(pool, options.onError);
}

/** Opening without migrating: the database must hold every migration this version knows. */
async function requireCurrentSchema(pool: Pool): Promise<void> {
  const exists = (await pool.query<{ table: string | null }>(`SELECT to_regclass('schema_migrations')::text AS table`)).rows[0].table !== null;
  const done = exists
    ? new Set((await pool.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version))
    : new Set<number>();
  const missing = POSTGRES_MIGRATIONS.filter((m) => !done.has(m.version)).map((m) => m.version);
  if (missing.length > 0) throw new Error(`The PostgreSQL database lacks schema migrations ${missing.join(', ')}: run \`tanya db migrate\` first.`);
}
