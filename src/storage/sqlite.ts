import Database from 'better-sqlite3';
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import type { ConversationState } from '../core/state';
import {
  LEASE_OWNER,
  TICKET_TRANSCRIPT_LINES,
  type AuditEntry,
  type CustomerData,
  type CustomerKeys,
  type FlowRecord,
  type ForgetResult,
  type StoredMessage,
  type HandoffTicket,
  type InboundRecord,
  type NewOutboxItem,
  type OutboxItem,
  type PendingInbound,
  type PurgeOptions,
  type PurgeResult,
  type QueueDepths,
  type TicketStatus,
  type TranscriptLine,
} from './store';
import { toLine, toTicket, type TicketRow, type TranscriptRow } from './sqlite-rows';
import { PRIVACY_SCHEMA, SqlitePrivacy } from './sqlite-privacy';
import { CONSOLE_SCHEMA, SqliteConsoleStore } from './sqlite-console';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS conversations (
  id TEXT PRIMARY KEY,
  channel TEXT NOT NULL,
  user_id TEXT NOT NULL,
  user_name TEXT,
  state TEXT NOT NULL DEFAULT '{"fallbacks":0}',
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  conversation_id TEXT NOT NULL,
  channel TEXT NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  message_id TEXT,
  kind TEXT NOT NULL DEFAULT 'text',
  text TEXT NOT NULL,
  decision TEXT,
  entry_id TEXT,
  created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS messages_inbound_once ON messages (channel, message_id) WHERE direction = 'in';
CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages (conversation_id, id);
CREATE TABLE IF NOT EXISTS tickets (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT UNIQUE,
  conversation_id TEXT NOT NULL,
  channel TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  customer_name TEXT,
  reason TEXT NOT NULL,
  status TEXT NOT NULL,
  summary TEXT NOT NULL,
  transcript TEXT NOT NULL,
  created_at TEXT NOT NULL,
  claimed_at TEXT,
  resolved_at TEXT,
  agent TEXT
);
CREATE TABLE IF NOT EXISTS outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  target TEXT NOT NULL,
  payload TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at TEXT NOT NULL,
  lease_until TEXT,
  created_at TEXT NOT NULL,
  done_at TEXT,
  last_error TEXT
);
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (next_at) WHERE done_at IS NULL;
CREATE INDEX IF NOT EXISTS outbox_undone_by_target ON outbox (target, seq) WHERE done_at IS NULL;
CREATE TABLE IF NOT EXISTS handoff_refs (
  destination TEXT NOT NULL,
  ref TEXT NOT NULL,
  ticket_id TEXT NOT NULL,
  PRIMARY KEY (destination, ref)
);
CREATE INDEX IF NOT EXISTS handoff_refs_by_ticket ON handoff_refs (ticket_id, destination);
CREATE TABLE IF NOT EXISTS flow_records (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT UNIQUE,
  flow_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  channel TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  slots TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS channel_refs (
  conversation_id TEXT PRIMARY KEY,
  ref TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS inbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  conversation_id TEXT NOT NULL,
  payload TEXT NOT NULL,
  received_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS leases (
  name TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  until TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS inbox_by_conversation ON inbox (conversation_id, seq);
CREATE TABLE IF NOT EXISTS deliveries (
  channel TEXT NOT NULL,
  id TEXT NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (channel, id)
) WITHOUT ROWID;
`;

/** Platform delivery ids are kept this long (platforms redeliver within hours, not days). */
const DELIVERY_RETENTION_MS = 3 * 24 * 3600_000;

/** Columns added after the first release; older databases get them on open. */
const COLUMNS_ADDED = [
  ['tickets', 'csat', 'INTEGER'],
  ['tickets', 'notified_at', 'TEXT'],
  ['tickets', 'transcript_until', 'INTEGER'],
  ['outbox', 'lease_owner', 'TEXT'],
  ['outbox', 'sending_since', 'TEXT'],
  ['tickets', 'anonymized_at', 'TEXT'],
] as const;

/** Delivered outbox items are kept this long (for "what was sent when"), then deleted. */
const OUTBOX_RETENTION_MS = 2 * 24 * 3600_000;
export { TICKET_TRANSCRIPT_LINES };

interface OutboxRow {
  seq: number;
  kind: string;
  target: string;
  payload: string;
  attempts: number;
  created_at: string;
}

/** Transcript text is capped so one pasted novel cannot bloat the database. */
const MAX_STORED_TEXT = 20_000;

/** How `SqliteStore` opens its file. */
export interface SqliteOpenOptions {
  /**
   * Read only, for commands that only read (reports, the audit log): nothing is created or changed
   * (no folder, no file, no schema upgrade, no checkpoint); the file must exist and hold the
   * current schema, else `StoreFileError`. Any write through the store then fails. Default false.
   */
  readonly readonly?: boolean;
  /**
   * The file must exist already (`StoreFileError` 'missing' otherwise) but is opened for writing
   * and its schema brought up to date: commands that record something (the agent desk's audit
   * rows) without starting a new database. Default false: the file and its folder are created.
   */
  readonly mustExist?: boolean;
}

/** Why an existing database could not be opened as asked (see `SqliteOpenOptions`). */
export type StoreFileProblem = 'missing' | 'not-a-database' | 'outdated';

/** The database file is absent, is not Tanya's, or (read only) predates the current schema. */
export class StoreFileError extends Error {
  constructor(
    readonly path: string,
    readonly problem: StoreFileProblem,
    /** Tables or columns missing, for 'outdated'. */
    readonly missing: readonly string[] = [],
  ) {
    super(
      `${path}: ${problem === 'missing' ? 'no such database file' : problem === 'not-a-database' ? 'not a Tanya database' : `made by an older Tanya (missing ${missing.join(', ')})`}`,
    );
    this.name = 'StoreFileError';
  }
}

/** Tables every current database has (the schemas above), except the leases a reader never needs. */
const REQUIRED_TABLES = [...`${SCHEMA}${PRIVACY_SCHEMA}`.matchAll(/CREATE TABLE IF NOT EXISTS (\w+)/g)].map((m) => m[1]).filter((t) => t !== 'leases');

/**
 * The SQLite database behind the default store, with synchronous calls (better-sqlite3): one
 * file in WAL mode (or ":memory:"). `SqliteStore` (sqlite-store.ts) puts the asynchronous store
 * contract in front of it; commands that work on the file itself (backup, restore) use it directly.
 */
export class SqliteDatabase {
  private readonly db: Database.Database;
  private readonly stmts;
  private readonly privacy: SqlitePrivacy;
  private consoleTables: SqliteConsoleStore | undefined;
  private checkpointTimer: NodeJS.Timeout | undefined;
  private deliveriesSincePrune = 0;
  private completedSincePrune = 0;

  constructor(path: string, options: SqliteOpenOptions = {}) {
    const readonly = options.readonly === true;
    const mustExist = readonly || options.mustExist === true;
    if (path !== ':memory:') {
      if (mustExist && !isFile(path)) throw new StoreFileError(path, 'missing');
      if (!mustExist) {
        mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
        restrictFolder(dirname(path));
      }
    }
    this.db = new Database(path, { readonly, fileMustExist: mustExist && path !== ':memory:' });
    if (readonly) {
      this.db.pragma('busy_timeout = 5000');
      checkSchema(this.db, path);
    } else {
      // Transcripts are customers' personal data: readable by the bot's user only (also the WAL files).
      if (path !== ':memory:') restrictToOwner(path);
      try {
        this.db.pragma('journal_mode = WAL');
      } catch (error) {
        this.db.close();
        throw mustExist && isNotADatabase(error) ? new StoreFileError(path, 'not-a-database') : error;
      }
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('busy_timeout = 5000');
      // Deleted rows (an erased customer, expired transcripts) are overwritten, not left in free pages.
      this.db.pragma('secure_delete = ON');
    }
    if (path !== ':memory:' && !readonly) {
      // Checkpoint the WAL between messages (every second) rather than inside whichever write
      // happens to fill it, so no customer's turn pays for a checkpoint; the large automatic
      // limit stays as a safety net.
      this.db.pragma('wal_autocheckpoint = 20000');
      this.checkpointTimer = setInterval(() => {
        try {
          this.db.pragma('wal_checkpoint(PASSIVE)');
        } catch {
          // A busy database checkpoints on the next tick.
        }
      }, 1000);
      this.checkpointTimer.unref();
    }
    if (!readonly) {
      this.db.exec(SCHEMA);
      for (const [table, name, type] of COLUMNS_ADDED) {
        const columns = new Set((this.db.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name));
        if (!columns.has(name)) this.db.exec(`ALTER TABLE ${table} ADD COLUMN ${name} ${type}`);
      }
      this.db.exec(PRIVACY_SCHEMA);
      this.db.exec(CONSOLE_SCHEMA);
    }
    this.privacy = new SqlitePrivacy(this.db);
    this.stmts = {
      upsertConversation: this.db.prepare(
        `INSERT INTO conversations (id, channel, user_id, user_name, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET user_name = COALESCE(excluded.user_name, user_name), updated_at = excluded.updated_at`,
      ),
      insertInbound: this.db.prepare(
        `INSERT OR IGNORE INTO messages (conversation_id, channel, direction, message_id, kind, text, created_at)
         VALUES (?, ?, 'in', ?, ?, ?, ?)`,
      ),
      insertOutbound: this.db.prepare(
        `INSERT INTO messages (conversation_id, channel, direction, text, decision, entry_id, created_at)
         SELECT ?, COALESCE((SELECT channel FROM conversations WHERE id = ?), ''), 'out', ?, ?, ?, ?`,
      ),
      transcript: this.db.prepare(
        `SELECT direction, text, created_at AS at, decision, entry_id AS entryId FROM messages WHERE conversation_id = ? ORDER BY id`,
      ),
      loadState: this.db.prepare(`SELECT state FROM conversations WHERE id = ?`),
      saveState: this.db.prepare(
        `INSERT INTO conversations (id, channel, user_id, state, updated_at) VALUES (?, '', '', ?, ?)
         ON CONFLICT(id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
      ),
      insertTicket: this.db.prepare(
        `INSERT INTO tickets (conversation_id, channel, customer_id, customer_name, reason, status, summary, transcript, transcript_until, created_at)
         VALUES (?, ?, ?, ?, ?, 'queued', ?, '[]', ?, ?)`,
      ),
      enqueue: this.db.prepare(`INSERT INTO outbox (kind, target, payload, next_at, created_at) VALUES (?, ?, ?, ?, ?)`),
      undone: this.db.prepare(`SELECT seq, kind, target, next_at, lease_until FROM outbox WHERE done_at IS NULL ORDER BY seq`),
      undoneFor: this.db.prepare(`SELECT seq, kind, target, next_at, lease_until FROM outbox WHERE done_at IS NULL AND target = ? ORDER BY seq`),
      itemBody: this.db.prepare(`SELECT payload, attempts, created_at FROM outbox WHERE seq = ?`),
      lease: this.db.prepare(
        `UPDATE outbox SET lease_until = ?, lease_owner = ? WHERE seq = ? AND done_at IS NULL AND (lease_until IS NULL OR lease_until <= ?)`,
      ),
      leaseOwners: this.db.prepare(`SELECT DISTINCT lease_owner AS owner FROM outbox WHERE done_at IS NULL AND lease_owner IS NOT NULL AND lease_until > ?`),
      heldBy: this.db.prepare(`SELECT seq, kind, target, sending_since FROM outbox WHERE done_at IS NULL AND lease_owner = ?`),
      release: this.db.prepare(`UPDATE outbox SET lease_until = NULL, lease_owner = NULL, sending_since = NULL, next_at = MAX(next_at, ?) WHERE seq = ?`),
      markSending: this.db.prepare(`UPDATE outbox SET sending_since = ? WHERE seq = ?`),
      holdLease: this.db.prepare(`UPDATE outbox SET lease_until = ? WHERE seq = ? AND done_at IS NULL AND lease_owner = ?`),
      wasDelivered: this.db.prepare(`SELECT 1 AS yes FROM deliveries WHERE channel = ? AND id = ?`),
      complete: this.db.prepare(`UPDATE outbox SET done_at = ?, lease_until = NULL, sending_since = NULL WHERE seq = ?`),
      pruneOutbox: this.db.prepare(`DELETE FROM outbox WHERE done_at IS NOT NULL AND done_at < ?`),
      acceptInbox: this.db.prepare(`INSERT INTO inbox (conversation_id, payload, received_at) VALUES (?, ?, ?)`),
      pendingInbox: this.db.prepare(`SELECT seq, conversation_id AS conversationId, payload FROM inbox WHERE seq > ? ORDER BY seq LIMIT ?`),
      pendingInboxFor: this.db.prepare(
        `SELECT seq, conversation_id AS conversationId, payload FROM inbox WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
      ),
      holdLeader: this.db.prepare(
        `INSERT INTO leases (name, owner, until) VALUES (?, ?, ?)
         ON CONFLICT(name) DO UPDATE SET owner = excluded.owner, until = excluded.until WHERE leases.owner = excluded.owner OR leases.until <= ?`,
      ),
      leaseHolder: this.db.prepare(`SELECT owner FROM leases WHERE name = ? AND until > ?`),
      takeOverLeader: this.db.prepare(`UPDATE leases SET owner = ?, until = ? WHERE name = ? AND owner = ?`),
      expiredLeases: this.db.prepare(`SELECT name, until FROM leases WHERE substr(name, 1, length(?)) = ? AND until <= ? ORDER BY name`),
      releaseLeader: this.db.prepare(`DELETE FROM leases WHERE name = ? AND owner = ?`),
      finishInbox: this.db.prepare(`DELETE FROM inbox WHERE seq = ?`),
      lastMessageId: this.db.prepare(`SELECT MAX(id) AS id FROM messages WHERE conversation_id = ?`),
      ticketLines: this.db.prepare(
        `SELECT direction, text, created_at AS at, decision, entry_id AS entryId FROM
           (SELECT * FROM messages WHERE conversation_id = ? AND id <= ? ORDER BY id DESC LIMIT ${TICKET_TRANSCRIPT_LINES}) ORDER BY id`,
      ),
      retryLater: this.db.prepare(
        `UPDATE outbox SET attempts = attempts + 1, next_at = ?, lease_until = NULL, sending_since = NULL, last_error = ? WHERE seq = ?`,
      ),
      saveRef: this.db.prepare(`INSERT OR REPLACE INTO handoff_refs (destination, ref, ticket_id) VALUES (?, ?, ?)`),
      ticketForRef: this.db.prepare(`SELECT ticket_id AS id FROM handoff_refs WHERE destination = ? AND ref = ?`),
      refsOf: this.db.prepare(`SELECT ref FROM handoff_refs WHERE ticket_id = ? AND destination = ? ORDER BY rowid`),
      setRating: this.db.prepare(`UPDATE tickets SET csat = ? WHERE id = ?`),
      openTicketFor: this.db.prepare(`SELECT * FROM tickets WHERE conversation_id = ? AND status IN ('queued', 'claimed') ORDER BY seq DESC LIMIT 1`),
      queuePosition: this.db.prepare(`SELECT COUNT(*) AS n FROM tickets WHERE status = 'queued' AND seq <= (SELECT seq FROM tickets WHERE id = ?)`),
      markNotified: this.db.prepare(`UPDATE tickets SET notified_at = ? WHERE id = ?`),
      insertRecord: this.db.prepare(`INSERT INTO flow_records (flow_id, conversation_id, channel, customer_id, slots, created_at) VALUES (?, ?, ?, ?, ?, ?)`),
      setRecordId: this.db.prepare(`UPDATE flow_records SET id = ? WHERE seq = ?`),
      listRecords: this.db.prepare(
        `SELECT id, flow_id AS flowId, conversation_id AS conversationId, channel, customer_id AS customerId, slots, created_at AS createdAt FROM flow_records WHERE (? IS NULL OR flow_id = ?) ORDER BY seq`,
      ),
      saveChannelRef: this.db.prepare(
        `INSERT INTO channel_refs (conversation_id, ref, updated_at) VALUES (?, ?, ?) ON CONFLICT(conversation_id) DO UPDATE SET ref = excluded.ref, updated_at = excluded.updated_at`,
      ),
      channelRef: this.db.prepare(`SELECT ref FROM channel_refs WHERE conversation_id = ?`),
      messagesSince: this.db.prepare(
        `SELECT conversation_id AS conversationId, channel, direction, text, decision, entry_id AS entryId, created_at AS at FROM messages WHERE created_at >= ? ORDER BY conversation_id, id`,
      ),
      insertDelivery: this.db.prepare(`INSERT OR IGNORE INTO deliveries (channel, id, at) VALUES (?, ?, ?)`),
      pruneDeliveries: this.db.prepare(`DELETE FROM deliveries WHERE at < ?`),
      setTicketId: this.db.prepare(`UPDATE tickets SET id = ? WHERE seq = ?`),
      getTicket: this.db.prepare(`SELECT * FROM tickets WHERE id = ?`),
      listTickets: this.db.prepare(`SELECT * FROM tickets WHERE (? IS NULL OR status = ?) ORDER BY seq`),
      inboxDepth: this.db.prepare(`SELECT COUNT(*) AS n FROM inbox`),
      outboxDepth: this.db.prepare(`SELECT kind, COUNT(*) AS n FROM outbox WHERE done_at IS NULL GROUP BY kind`),
      openTicketCounts: this.db.prepare(`SELECT status, COUNT(*) AS n FROM tickets WHERE status IN ('queued', 'claimed') GROUP BY status`),
      updateStatus: this.db.prepare(
        `UPDATE tickets SET status = ?, agent = COALESCE(?, agent),
           claimed_at = CASE WHEN ? = 'claimed' THEN ? ELSE claimed_at END,
           resolved_at = CASE WHEN ? IN ('resolved', 'cancelled') THEN ? ELSE resolved_at END
         WHERE id = ?`,
      ),
    };
  }

  markDelivered(channel: string, deliveryId: string, at: Date = new Date()): boolean {
    const fresh = this.stmts.insertDelivery.run(channel, deliveryId, at.toISOString()).changes > 0;
    if (fresh && ++this.deliveriesSincePrune >= 1000) {
      this.deliveriesSincePrune = 0;
      this.stmts.pruneDeliveries.run(new Date(at.getTime() - DELIVERY_RETENTION_MS).toISOString());
    }
    return fresh;
  }

  enqueue(item: NewOutboxItem): number {
    const at = (item.at ?? new Date()).toISOString();
    return Number(this.stmts.enqueue.run(item.kind, item.target, JSON.stringify(item.payload), at, at).lastInsertRowid);
  }

  takeDue(
    accepts: (item: Pick<OutboxItem, 'kind' | 'target'>) => boolean,
    now: Date,
    leaseMs: number,
    limit = 50,
    target?: string,
    owner = LEASE_OWNER,
  ): OutboxItem[] {
    const at = now.toISOString();
    const until = new Date(now.getTime() + leaseMs).toISOString();
    const taken: OutboxItem[] = [];
    // Only the head of each (kind, target) queue may go: an earlier item that is waiting, leased
    // elsewhere or not ours holds back the later ones, so one conversation's messages keep their order.
    const blocked = new Set<string>();
    const rows = (target === undefined ? this.stmts.undone.all() : this.stmts.undoneFor.all(target)) as {
      seq: number;
      kind: string;
      target: string;
      next_at: string;
      lease_until: string | null;
    }[];
    for (const row of rows) {
      if (taken.length >= limit) break;
      const key = `${row.kind}\u0000${row.target}`;
      if (blocked.has(key)) continue;
      const free = row.next_at <= at && (row.lease_until === null || row.lease_until <= at);
      // The lease is taken only if no other process took it first.
      if (!free || !accepts({ kind: row.kind, target: row.target }) || this.stmts.lease.run(until, owner, row.seq, at).changes === 0) {
        blocked.add(key);
        continue;
      }
      const body = this.stmts.itemBody.get(row.seq) as Pick<OutboxRow, 'payload' | 'attempts' | 'created_at'>;
      taken.push({
        seq: row.seq,
        kind: row.kind,
        target: row.target,
        payload: JSON.parse(body.payload) as unknown,
        attempts: body.attempts,
        createdAt: body.created_at,
      });
    }
    return taken;
  }

  releaseLeases(
    isStale: (owner: string) => boolean,
    now: Date = new Date(),
    inDoubtMs: (item: Pick<OutboxItem, 'kind' | 'target'>) => number = () => 0,
  ): number {
    let released = 0;
    for (const { owner } of this.stmts.leaseOwners.all(now.toISOString()) as { owner: string }[]) {
      if (!isStale(owner)) continue;
      this.db.transaction(() => {
        for (const item of this.stmts.heldBy.all(owner) as { seq: number; kind: string; target: string; sending_since: string | null }[]) {
          const wait = item.sending_since === null ? 0 : inDoubtMs(item);
          released += this.stmts.release.run(new Date(now.getTime() + wait).toISOString(), item.seq).changes;
        }
      })();
    }
    return released;
  }

  holdLease(seq: number, owner: string, now: Date, leaseMs: number): boolean {
    return this.stmts.holdLease.run(new Date(now.getTime() + leaseMs).toISOString(), seq, owner).changes > 0;
  }

  markSending(seq: number, at: Date = new Date()): void {
    this.stmts.markSending.run(at.toISOString(), seq);
  }

  wasDelivered(channel: string, deliveryId: string): boolean {
    return this.stmts.wasDelivered.get(channel, deliveryId) !== undefined;
  }

  acceptInbound(channel: string, deliveryId: string, conversationId: string, payload: unknown, at: Date = new Date()): boolean {
    return this.db.transaction(() => {
      if (!this.markDelivered(channel, deliveryId, at)) return false;
      this.stmts.acceptInbox.run(conversationId, JSON.stringify(payload), at.toISOString());
      return true;
    })();
  }

  pendingInbound(limit = 500, afterSeq = 0, conversationId?: string): PendingInbound[] {
    const rows = conversationId === undefined ? this.stmts.pendingInbox.all(afterSeq, limit) : this.stmts.pendingInboxFor.all(conversationId, afterSeq, limit);
    return (rows as { seq: number; conversationId: string; payload: string }[]).map((r) => ({
      seq: r.seq,
      conversationId: r.conversationId,
      payload: JSON.parse(r.payload) as unknown,
    }));
  }

  finishInbound(seq: number): void {
    this.stmts.finishInbox.run(seq);
  }

  completeItem(seq: number, at: Date = new Date()): void {
    this.stmts.complete.run(at.toISOString(), seq);
    if (++this.completedSincePrune >= 1000) {
      this.completedSincePrune = 0;
      this.stmts.pruneOutbox.run(new Date(at.getTime() - OUTBOX_RETENTION_MS).toISOString());
    }
  }

  retryItem(seq: number, nextAt: Date, error: string): void {
    this.stmts.retryLater.run(nextAt.toISOString(), error.slice(0, 500), seq);
  }

  saveTicketRef(destination: string, ref: string, ticketId: string): void {
    this.stmts.saveRef.run(destination, ref, ticketId);
  }

  ticketForRef(destination: string, ref: string): string | undefined {
    return (this.stmts.ticketForRef.get(destination, ref) as { id: string } | undefined)?.id;
  }

  ticketRefs(ticketId: string, destination: string): string[] {
    return (this.stmts.refsOf.all(ticketId, destination) as { ref: string }[]).map((r) => r.ref);
  }

  createRecord(record: Omit<FlowRecord, 'id' | 'createdAt'>, prefix: string): FlowRecord {
    const createdAt = new Date().toISOString();
    return this.db.transaction(() => {
      const info = this.stmts.insertRecord.run(
        record.flowId,
        record.conversationId,
        record.channel,
        record.customerId,
        JSON.stringify(record.slots),
        createdAt,
      );
      const id = `${prefix}${String(info.lastInsertRowid).padStart(5, '0')}`;
      this.stmts.setRecordId.run(id, info.lastInsertRowid);
      return { ...record, id, createdAt };
    })();
  }

  listRecords(flowId?: string): FlowRecord[] {
    const rows = this.stmts.listRecords.all(flowId ?? null, flowId ?? null) as (Omit<FlowRecord, 'slots'> & { slots: string })[];
    return rows.map((r) => ({ ...r, slots: JSON.parse(r.slots) as Record<string, string> }));
  }

  messagesSince(since: string): StoredMessage[] {
    return (this.stmts.messagesSince.all(since) as (Omit<StoredMessage, 'decision' | 'entryId'> & { decision: string | null; entryId: string | null })[]).map(
      (r) => ({
        conversationId: r.conversationId,
        channel: r.channel,
        direction: r.direction,
        text: r.text,
        at: r.at,
        ...(r.decision ? { decision: r.decision } : {}),
        ...(r.entryId ? { entryId: r.entryId } : {}),
      }),
    );
  }

  saveChannelRef(conversationId: string, ref: unknown): void {
    this.stmts.saveChannelRef.run(conversationId, JSON.stringify(ref), new Date().toISOString());
  }

  channelRef(conversationId: string): unknown {
    const row = this.stmts.channelRef.get(conversationId) as { ref: string } | undefined;
    return row ? (JSON.parse(row.ref) as unknown) : undefined;
  }

  setTicketRating(id: string, rating: number): void {
    this.stmts.setRating.run(rating, id);
  }

  openTicketFor(conversationId: string): HandoffTicket | undefined {
    const row = this.stmts.openTicketFor.get(conversationId) as TicketRow | undefined;
    return row ? this.toTicket(row) : undefined;
  }

  queuePosition(id: string): number {
    return (this.stmts.queuePosition.get(id) as { n: number }).n;
  }

  markTicketNotified(id: string, at: Date): void {
    this.stmts.markNotified.run(at.toISOString(), id);
  }

  recordInbound(message: InboundRecord): boolean {
    const run = this.db.transaction(() => {
      this.stmts.upsertConversation.run(message.conversationId, message.channel, message.userId, message.userName ?? null, message.at);
      const info = this.stmts.insertInbound.run(
        message.conversationId,
        message.channel,
        message.messageId,
        message.kind,
        message.text.slice(0, MAX_STORED_TEXT),
        message.at,
      );
      return info.changes > 0;
    });
    return run();
  }

  recordOutbound(conversationId: string, line: Omit<TranscriptLine, 'direction'>): void {
    this.stmts.insertOutbound.run(conversationId, conversationId, line.text.slice(0, MAX_STORED_TEXT), line.decision ?? null, line.entryId ?? null, line.at);
  }

  transcript(conversationId: string): TranscriptLine[] {
    return (this.stmts.transcript.all(conversationId) as TranscriptRow[]).map(toLine);
  }

  loadState(conversationId: string): ConversationState | undefined {
    const row = this.stmts.loadState.get(conversationId) as { state: string } | undefined;
    if (!row) return undefined;
    try {
      return JSON.parse(row.state) as ConversationState;
    } catch {
      return undefined;
    }
  }

  saveState(conversationId: string, state: ConversationState): void {
    this.stmts.saveState.run(conversationId, JSON.stringify(state), new Date().toISOString());
  }

  createTicket(ticket: Omit<HandoffTicket, 'id' | 'status' | 'createdAt' | 'transcript'>): HandoffTicket {
    const createdAt = new Date().toISOString();
    const create = this.db.transaction(() => {
      const info = this.stmts.insertTicket.run(
        ticket.conversationId,
        ticket.channel,
        ticket.customerId,
        ticket.customerName ?? null,
        ticket.reason,
        JSON.stringify(ticket.summary),
        (this.stmts.lastMessageId.get(ticket.conversationId) as { id: number | null }).id ?? 0,
        createdAt,
      );
      const id = `T${String(info.lastInsertRowid).padStart(5, '0')}`;
      this.stmts.setTicketId.run(id, info.lastInsertRowid);
      return id;
    });
    const id = create();
    return this.getTicket(id) ?? { ...ticket, id, status: 'queued', createdAt, transcript: [] };
  }

  getTicket(id: string): HandoffTicket | undefined {
    const row = this.stmts.getTicket.get(id) as TicketRow | undefined;
    return row ? this.toTicket(row) : undefined;
  }

  listTickets(status?: TicketStatus): HandoffTicket[] {
    return (this.stmts.listTickets.all(status ?? null, status ?? null) as TicketRow[]).map((r) => this.toTicket(r));
  }

  updateTicketStatus(id: string, status: TicketStatus, agent?: string): HandoffTicket | undefined {
    const now = new Date().toISOString();
    this.stmts.updateStatus.run(status, agent ?? null, status, now, status, now, id);
    return this.getTicket(id);
  }

  /**
   * A ticket's transcript is read from the conversation's messages up to the ticket's creation
   * (its latest TICKET_TRANSCRIPT_LINES lines), never copied: storage stays linear in messages.
   * Tickets from before this change carry their own copy.
   */
  private toTicket(row: TicketRow): HandoffTicket {
    const transcript =
      row.transcript_until === null
        ? (JSON.parse(row.transcript) as TranscriptLine[])
        : (this.stmts.ticketLines.all(row.conversation_id, row.transcript_until) as TranscriptRow[]).map(toLine);
    return toTicket(row, transcript);
  }

  purgeOlderThan(cutoff: Date, options?: PurgeOptions): PurgeResult {
    const result = this.privacy.purgeOlderThan(cutoff, options);
    if (!options?.dryRun) this.dropOldPageCopies();
    return result;
  }

  forgetCustomer(keys: CustomerKeys): ForgetResult {
    const result = this.privacy.forgetCustomer(keys);
    this.dropOldPageCopies();
    return result;
  }

  /**
   * The WAL still holds earlier copies of the pages just overwritten: copy them into the database
   * and empty the WAL, so deleted personal data is gone from the files on disk. Waits up to the
   * busy timeout for readers; a busy database is tried again by the next erasure or purge.
   */
  private dropOldPageCopies(): void {
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // Busy: the regular checkpoint overwrites the pages later; the rows are deleted either way.
    }
  }

  exportCustomer(keys: CustomerKeys): CustomerData {
    return this.privacy.exportCustomer(keys);
  }

  audit(entry: Omit<AuditEntry, 'at'> & { readonly at?: string }): void {
    this.privacy.audit(entry);
  }

  auditLog(query?: { readonly since?: string; readonly limit?: number }): AuditEntry[] {
    return this.privacy.auditLog(query);
  }

  atomically<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** Starts a transaction that spans awaits (`SqliteStore.atomically`; the store lets no other work in meanwhile). */
  begin(): void {
    this.db.exec('BEGIN IMMEDIATE');
  }

  commit(): void {
    this.db.exec('COMMIT');
  }

  rollback(): void {
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
  }

  /** See `ConversationStore.holdLeadership`. */
  holdLeadership(name: string, owner: string, ttlMs: number, now: Date = new Date(), takeOverFrom?: (holder: string) => boolean): boolean {
    const until = new Date(now.getTime() + ttlMs).toISOString();
    if (takeOverFrom) {
      const held = this.stmts.leaseHolder.get(name, now.toISOString()) as { owner: string } | undefined;
      if (held && held.owner !== owner && takeOverFrom(held.owner)) return this.stmts.takeOverLeader.run(owner, until, name, held.owner).changes > 0;
    }
    return this.stmts.holdLeader.run(name, owner, until, now.toISOString()).changes > 0;
  }

  expiredLeases(prefix: string, now: Date = new Date()): { name: string; until: string }[] {
    return this.stmts.expiredLeases.all(prefix, prefix, now.toISOString()) as { name: string; until: string }[];
  }

  releaseLeadership(name: string, owner: string): void {
    this.stmts.releaseLeader.run(name, owner);
  }

  queueDepths(): QueueDepths {
    const outbox: Record<string, number> = {};
    for (const row of this.stmts.outboxDepth.all() as { kind: string; n: number }[]) outbox[row.kind] = row.n;
    const tickets = { queued: 0, claimed: 0 };
    for (const row of this.stmts.openTicketCounts.all() as { status: 'queued' | 'claimed'; n: number }[]) tickets[row.status] = row.n;
    return { inbox: (this.stmts.inboxDepth.get() as { n: number }).n, outbox, openTickets: tickets };
  }

  /** The agent console's accounts, sessions and notes (tables made on open; a read-only store has them only if the bot made them). */
  consoleStore(): SqliteConsoleStore {
    this.consoleTables ??= new SqliteConsoleStore(this.db);
    return this.consoleTables;
  }

  close(): void {
    if (this.checkpointTimer) clearInterval(this.checkpointTimer);
    this.checkpointTimer = undefined;
    if (this.db.open) this.db.close();
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isNotADatabase(error: unknown): boolean {
  return error instanceof Error && /not a database|file is encrypted/i.test(error.message);
}

/**
 * A read-only store cannot upgrade the schema, so it checks the file has it all (tables and the
 * columns added since the first release) and says what is missing rather than failing on a query.
 */
function checkSchema(db: Database.Database, path: string): void {
  let tables: Set<string>;
  try {
    tables = new Set((db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((r) => r.name));
  } catch (error) {
    db.close();
    throw isNotADatabase(error) ? new StoreFileError(path, 'not-a-database') : error;
  }
  const missing = REQUIRED_TABLES.filter((t) => !tables.has(t));
  if (missing.length === REQUIRED_TABLES.length) {
    db.close();
    throw new StoreFileError(path, 'not-a-database');
  }
  for (const [table, name] of COLUMNS_ADDED) {
    if (!tables.has(table)) continue;
    const columns = new Set((db.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name));
    if (!columns.has(name)) missing.push(`${table}.${name}`);
  }
  if (missing.length > 0) {
    db.close();
    throw new StoreFileError(path, 'outdated', missing);
  }
}

/** The database's own folder (data/) is tightened to 700 even when it existed before; the working folder itself is left alone. */
function restrictFolder(folder: string): void {
  const full = resolve(folder);
  if (full === process.cwd() || full === dirname(full) || full === homedir()) return;
  try {
    chmodSync(full, 0o700);
  } catch {
    // A folder owned by someone else: the files themselves are still 600.
  }
}

function restrictToOwner(path: string): void {
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      chmodSync(file, 0o600);
    } catch {
      // The WAL files appear with the first write; SQLite creates them with the database's mode.
    }
  }
}
