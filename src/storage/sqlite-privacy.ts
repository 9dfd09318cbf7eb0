import type Database from 'better-sqlite3';
import type { ConversationState } from '../core/state';
import {
  NO_PRIVACY_COUNTS,
  type AuditAction,
  type AuditEntry,
  type CustomerConversation,
  type CustomerData,
  type CustomerKeys,
  type FlowRecord,
  type ForgetResult,
  type PrivacyCounts,
  type PurgeOptions,
  type PurgeResult,
  type TicketSummary,
} from './store';
import { toLine, toTicket, type TicketRow, type TranscriptRow } from './sqlite-rows';

/** The audit table and the index retention needs; created with the rest of the schema. */
export const PRIVACY_SCHEMA = `
CREATE TABLE IF NOT EXISTS audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT,
  via TEXT,
  detail TEXT
);
CREATE INDEX IF NOT EXISTS audit_by_time ON audit (at);
CREATE INDEX IF NOT EXISTS messages_by_time ON messages (created_at);
`;

/** Platform delivery ids are kept at least this long whatever the retention (redeliveries come within hours). */
const MIN_DELIVERY_KEEP_MS = 3 * 24 * 3600_000;
const DEFAULT_BATCH = 500;
/** What an anonymized ticket keeps of its customer: nothing that names them. */
const ANONYMIZED = 'anonymized';

const OPEN_CONVERSATIONS = `SELECT conversation_id FROM tickets WHERE status IN ('queued', 'claimed')`;
const OPEN_TICKETS = `SELECT id FROM tickets WHERE status IN ('queued', 'claimed')`;
/** JSON array parameters as lists of values (one prepared statement for any number of ids). */
const KEYS = `SELECT value FROM json_each(@keys)`;
const CONVERSATIONS = `SELECT value FROM json_each(@conversations)`;
const TICKETS = `SELECT value FROM json_each(@tickets)`;
/** The same for the positional statements of retention. */
const LIST = `SELECT value FROM json_each(?)`;

/** Retention rules: which rows of each table are past the cutoff (@cutoff), never an open ticket's conversation. */
const EXPIRED = {
  messages: `FROM messages WHERE created_at < @cutoff AND conversation_id NOT IN (${OPEN_CONVERSATIONS})`,
  conversations: `FROM conversations WHERE updated_at < @cutoff AND id NOT IN (${OPEN_CONVERSATIONS})`,
  tickets: `FROM tickets WHERE status IN ('resolved', 'cancelled') AND anonymized_at IS NULL AND COALESCE(resolved_at, created_at) < @cutoff`,
  flowRecords: `FROM flow_records WHERE created_at < @cutoff AND conversation_id NOT IN (${OPEN_CONVERSATIONS})`,
  channelRefs: `FROM channel_refs WHERE updated_at < @cutoff AND conversation_id NOT IN (${OPEN_CONVERSATIONS})`,
  inbox: `FROM inbox WHERE received_at < @cutoff AND conversation_id NOT IN (${OPEN_CONVERSATIONS})`,
  outbox: `FROM outbox WHERE created_at < @cutoff AND target NOT IN (${OPEN_CONVERSATIONS}) AND target NOT IN (${OPEN_TICKETS})`,
  deliveries: `FROM deliveries WHERE at < @deliveriesCutoff`,
} as const;

/**
 * Retention, erasure, access and the audit log over the bot's SQLite database (UU 27/2022).
 * Kept apart from the turn path in `SqliteStore`, which delegates here.
 */
export class SqlitePrivacy {
  private readonly stmts;

  constructor(private readonly db: Database.Database) {
    const expired = (rule: string, key: string): Database.Statement => db.prepare(`SELECT ${key} AS key ${rule} LIMIT @limit`);
    this.stmts = {
      count: Object.fromEntries(Object.entries(EXPIRED).map(([name, rule]) => [name, db.prepare(`SELECT COUNT(*) AS n ${rule}`)])) as Record<
        keyof typeof EXPIRED,
        Database.Statement
      >,
      expiredMessages: expired(EXPIRED.messages, 'id'),
      expiredConversations: expired(EXPIRED.conversations, 'id'),
      expiredTickets: db.prepare(`SELECT seq, id, summary ${EXPIRED.tickets} LIMIT @limit`),
      expiredFlowRecords: expired(EXPIRED.flowRecords, 'seq'),
      expiredChannelRefs: expired(EXPIRED.channelRefs, 'conversation_id'),
      expiredInbox: expired(EXPIRED.inbox, 'seq'),
      expiredOutbox: expired(EXPIRED.outbox, 'seq'),
      refsOfExpiredTickets: db.prepare(`SELECT COUNT(*) AS n FROM handoff_refs WHERE ticket_id IN (SELECT id ${EXPIRED.tickets})`),
      deleteMessages: db.prepare(`DELETE FROM messages WHERE id IN (${LIST})`),
      deleteConversations: db.prepare(`DELETE FROM conversations WHERE id IN (${LIST})`),
      deleteFlowRecordsBySeq: db.prepare(`DELETE FROM flow_records WHERE seq IN (${LIST})`),
      deleteChannelRefs: db.prepare(`DELETE FROM channel_refs WHERE conversation_id IN (${LIST})`),
      deleteInboxBySeq: db.prepare(`DELETE FROM inbox WHERE seq IN (${LIST})`),
      deleteOutboxBySeq: db.prepare(`DELETE FROM outbox WHERE seq IN (${LIST})`),
      deleteExpiredDeliveries: db.prepare(`DELETE FROM deliveries WHERE (channel, id) IN (SELECT channel, id ${EXPIRED.deliveries} LIMIT @limit)`),
      anonymizeTicket: db.prepare(
        `UPDATE tickets SET conversation_id = ?, customer_id = '${ANONYMIZED}', customer_name = NULL, summary = ?, transcript = '[]', transcript_until = 0, anonymized_at = ? WHERE seq = ?`,
      ),
      deleteRefsOf: db.prepare(`DELETE FROM handoff_refs WHERE ticket_id = ?`),
      // Erasure: a customer's conversations are every conversation one of the keys names.
      conversationsOf: db.prepare(
        `SELECT id AS key FROM conversations WHERE id IN (${KEYS}) OR user_id IN (${KEYS})
         UNION SELECT conversation_id FROM tickets WHERE (conversation_id IN (${KEYS}) OR customer_id IN (${KEYS})) AND anonymized_at IS NULL
         UNION SELECT conversation_id FROM flow_records WHERE conversation_id IN (${KEYS}) OR customer_id IN (${KEYS})
         UNION SELECT DISTINCT conversation_id FROM messages WHERE conversation_id IN (${KEYS})
         UNION SELECT conversation_id FROM channel_refs WHERE conversation_id IN (${KEYS})
         UNION SELECT conversation_id FROM inbox WHERE conversation_id IN (${KEYS})`,
      ),
      ticketsOf: db.prepare(
        `SELECT * FROM tickets WHERE (conversation_id IN (${CONVERSATIONS}) OR customer_id IN (${KEYS})) AND anonymized_at IS NULL ORDER BY seq`,
      ),
      conversationRow: db.prepare(`SELECT id, channel, user_id, user_name, state, updated_at FROM conversations WHERE id = ?`),
      transcript: db.prepare(`SELECT direction, text, created_at AS at, decision, entry_id AS entryId FROM messages WHERE conversation_id = ? ORDER BY id`),
      firstChannel: db.prepare(`SELECT channel FROM messages WHERE conversation_id = ? ORDER BY id LIMIT 1`),
      channelRef: db.prepare(`SELECT ref FROM channel_refs WHERE conversation_id = ?`),
      recordsOf: db.prepare(
        `SELECT id, flow_id AS flowId, conversation_id AS conversationId, channel, customer_id AS customerId, slots, created_at AS createdAt FROM flow_records
         WHERE conversation_id IN (${CONVERSATIONS}) OR customer_id IN (${KEYS}) ORDER BY seq`,
      ),
      inboxOf: db.prepare(`SELECT received_at AS receivedAt, payload FROM inbox WHERE conversation_id IN (${CONVERSATIONS}) ORDER BY seq`),
      forgetMessages: db.prepare(`DELETE FROM messages WHERE conversation_id IN (${CONVERSATIONS})`),
      forgetConversations: db.prepare(`DELETE FROM conversations WHERE id IN (${CONVERSATIONS})`),
      forgetRefs: db.prepare(`DELETE FROM handoff_refs WHERE ticket_id IN (${TICKETS})`),
      forgetOutbox: db.prepare(`DELETE FROM outbox WHERE target IN (${CONVERSATIONS}) OR target IN (${TICKETS})`),
      forgetTickets: db.prepare(`DELETE FROM tickets WHERE id IN (${TICKETS})`),
      forgetRecords: db.prepare(`DELETE FROM flow_records WHERE conversation_id IN (${CONVERSATIONS}) OR customer_id IN (${KEYS})`),
      forgetChannelRefs: db.prepare(`DELETE FROM channel_refs WHERE conversation_id IN (${CONVERSATIONS})`),
      forgetInbox: db.prepare(`DELETE FROM inbox WHERE conversation_id IN (${CONVERSATIONS})`),
      insertAudit: db.prepare(`INSERT INTO audit (at, actor, action, subject, via, detail) VALUES (?, ?, ?, ?, ?, ?)`),
      auditSince: db.prepare(`SELECT at, actor, action, subject, via, detail FROM audit WHERE at >= ? ORDER BY seq LIMIT ?`),
    };
  }

  purgeOlderThan(cutoff: Date, options: PurgeOptions = {}): PurgeResult {
    const now = options.now ?? new Date();
    const params = {
      cutoff: cutoff.toISOString(),
      deliveriesCutoff: new Date(Math.min(cutoff.getTime(), now.getTime() - MIN_DELIVERY_KEEP_MS)).toISOString(),
    };
    if (options.dryRun) return { counts: this.countExpired(params), more: false };
    const limit = Math.max(1, options.batchSize ?? DEFAULT_BATCH);
    const p = { ...params, limit };
    const keys = (stmt: Database.Statement): string => JSON.stringify((stmt.all(p) as { key: string | number }[]).map((r) => r.key));
    return this.db.transaction(() => {
      const tickets = this.stmts.expiredTickets.all(p) as { seq: number; id: string; summary: string }[];
      let handoffRefs = 0;
      const at = now.toISOString();
      for (const t of tickets) {
        this.stmts.anonymizeTicket.run(`${ANONYMIZED}:${t.id}`, JSON.stringify(anonymousSummary(t.summary)), at, t.seq);
        handoffRefs += this.stmts.deleteRefsOf.run(t.id).changes;
      }
      const counts: PrivacyCounts = {
        ticketsAnonymized: tickets.length,
        handoffRefs,
        tickets: 0,
        messages: this.stmts.deleteMessages.run(keys(this.stmts.expiredMessages)).changes,
        conversations: this.stmts.deleteConversations.run(keys(this.stmts.expiredConversations)).changes,
        flowRecords: this.stmts.deleteFlowRecordsBySeq.run(keys(this.stmts.expiredFlowRecords)).changes,
        channelRefs: this.stmts.deleteChannelRefs.run(keys(this.stmts.expiredChannelRefs)).changes,
        inbox: this.stmts.deleteInboxBySeq.run(keys(this.stmts.expiredInbox)).changes,
        outbox: this.stmts.deleteOutboxBySeq.run(keys(this.stmts.expiredOutbox)).changes,
        deliveries: this.stmts.deleteExpiredDeliveries.run(p).changes,
      };
      const more = (Object.keys(counts) as (keyof PrivacyCounts)[]).some((k) => k !== 'handoffRefs' && counts[k] >= limit);
      return { counts, more };
    })();
  }

  private countExpired(params: { cutoff: string; deliveriesCutoff: string }): PrivacyCounts {
    const n = (name: keyof typeof EXPIRED): number => (this.stmts.count[name].get(params) as { n: number }).n;
    return {
      conversations: n('conversations'),
      messages: n('messages'),
      tickets: 0,
      ticketsAnonymized: n('tickets'),
      flowRecords: n('flowRecords'),
      channelRefs: n('channelRefs'),
      handoffRefs: (this.stmts.refsOfExpiredTickets.get(params) as { n: number }).n,
      inbox: n('inbox'),
      outbox: n('outbox'),
      deliveries: n('deliveries'),
    };
  }

  /** The customer's conversations and tickets, as JSON list parameters for the erasure and access statements. */
  private find(customer: CustomerKeys): { conversations: string[]; tickets: TicketRow[]; params: { keys: string; conversations: string; tickets: string } } {
    const keys = JSON.stringify([...new Set(customer)]);
    const conversations = (this.stmts.conversationsOf.all({ keys }) as { key: string }[]).map((r) => r.key);
    const params = { keys, conversations: JSON.stringify(conversations), tickets: '[]' };
    const tickets = this.stmts.ticketsOf.all(params) as TicketRow[];
    return { conversations, tickets, params: { ...params, tickets: JSON.stringify(tickets.map((t) => t.id)) } };
  }

  forgetCustomer(customer: CustomerKeys): ForgetResult {
    return this.db.transaction(() => {
      const { conversations, params: p } = this.find(customer);
      const removed: PrivacyCounts = {
        ...NO_PRIVACY_COUNTS,
        messages: this.stmts.forgetMessages.run(p).changes,
        conversations: this.stmts.forgetConversations.run(p).changes,
        handoffRefs: this.stmts.forgetRefs.run(p).changes,
        outbox: this.stmts.forgetOutbox.run(p).changes,
        tickets: this.stmts.forgetTickets.run(p).changes,
        flowRecords: this.stmts.forgetRecords.run(p).changes,
        channelRefs: this.stmts.forgetChannelRefs.run(p).changes,
        inbox: this.stmts.forgetInbox.run(p).changes,
      };
      return { conversations, removed };
    })();
  }

  exportCustomer(customer: CustomerKeys): CustomerData {
    return this.db.transaction(() => {
      const found = this.find(customer);
      const conversations = found.conversations.map((id) => this.conversation(id));
      const tickets = found.tickets.map((row) => {
        const { transcript: _t, ...ticket } = toTicket(row, []);
        return ticket;
      });
      const records = this.stmts.recordsOf.all(found.params) as (Omit<FlowRecord, 'slots'> & { slots: string })[];
      const flowRecords = records.map((r) => ({ ...r, slots: JSON.parse(r.slots) as Record<string, string> }));
      const inbox = this.stmts.inboxOf.all(found.params) as { receivedAt: string; payload: string }[];
      const pendingMessages = inbox.map((r) => ({ receivedAt: r.receivedAt, payload: JSON.parse(r.payload) as unknown }));
      return { conversations, tickets, flowRecords, pendingMessages };
    })();
  }

  private conversation(id: string): CustomerConversation {
    const row = this.stmts.conversationRow.get(id) as
      { channel: string; user_id: string; user_name: string | null; state: string; updated_at: string } | undefined;
    const transcript = (this.stmts.transcript.all(id) as TranscriptRow[]).map(toLine);
    const ref = this.stmts.channelRef.get(id) as { ref: string } | undefined;
    const channel = row?.channel || ((this.stmts.firstChannel.get(id) as { channel: string } | undefined)?.channel ?? '');
    return {
      id,
      channel,
      userId: row?.user_id ?? '',
      ...(row?.user_name ? { userName: row.user_name } : {}),
      updatedAt: row?.updated_at ?? transcript.at(-1)?.at ?? '',
      ...(row ? { state: parseState(row.state) } : {}),
      transcript,
      ...(ref ? { channelRef: JSON.parse(ref.ref) as unknown } : {}),
    };
  }

  audit(entry: Omit<AuditEntry, 'at'> & { readonly at?: string }): void {
    this.stmts.insertAudit.run(
      entry.at ?? new Date().toISOString(),
      entry.actor.slice(0, 100),
      entry.action,
      entry.subject?.slice(0, 200) ?? null,
      entry.via?.slice(0, 40) ?? null,
      entry.detail ? JSON.stringify(entry.detail) : null,
    );
  }

  auditLog(query: { readonly since?: string; readonly limit?: number } = {}): AuditEntry[] {
    const rows = this.stmts.auditSince.all(query.since ?? '', query.limit ?? -1) as {
      at: string;
      actor: string;
      action: AuditAction;
      subject: string | null;
      via: string | null;
      detail: string | null;
    }[];
    return rows.map((r) => ({
      at: r.at,
      actor: r.actor,
      action: r.action,
      ...(r.subject ? { subject: r.subject } : {}),
      ...(r.via ? { via: r.via } : {}),
      ...(r.detail ? { detail: JSON.parse(r.detail) as Record<string, string | number | boolean> } : {}),
    }));
  }
}

/** A closed ticket's summary without what the customer wrote or a flow collected; the entries and products stay. */
function anonymousSummary(summary: string): TicketSummary {
  try {
    const s = JSON.parse(summary) as Partial<TicketSummary>;
    return { lastQuestion: '', candidates: s.candidates ?? [], entities: s.entities ?? {} };
  } catch {
    return { lastQuestion: '', candidates: [], entities: {} };
  }
}

function parseState(state: string): ConversationState | undefined {
  try {
    return JSON.parse(state) as ConversationState;
  } catch {
    return undefined;
  }
}
