/**
 * Retention, erasure, access and the audit log over PostgreSQL (UU 27/2022): the same rules as
 * sqlite-privacy.ts, statement for statement, with lists passed as arrays.
 */
import type { ConversationState } from '../core/state';
import { cleanText, jsonb, type Session } from './postgres-session';
import { LINE_COLUMNS, toTicket, type PgTicketRow } from './postgres-rows';
import { toLine, type TranscriptRow } from './sqlite-rows';
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

/** Platform delivery ids are kept at least this long whatever the retention (redeliveries come within hours). */
const MIN_DELIVERY_KEEP_MS = 3 * 24 * 3600_000;
const DEFAULT_BATCH = 500;
/** What an anonymized ticket keeps of its customer: nothing that names them. */
const ANONYMIZED = 'anonymized';

const OPEN_CONVERSATIONS = `SELECT conversation_id FROM tickets WHERE status IN ('queued', 'claimed')`;
const OPEN_TICKETS = `SELECT id FROM tickets WHERE status IN ('queued', 'claimed') AND id IS NOT NULL`;

/** Retention rules: which rows of each table are past the cutoff ($1: for deliveries, their own cutoff), never an open ticket's conversation. */
const EXPIRED = {
  messages: `FROM messages WHERE created_at < $1 AND conversation_id NOT IN (${OPEN_CONVERSATIONS})`,
  conversations: `FROM conversations WHERE updated_at < $1 AND id NOT IN (${OPEN_CONVERSATIONS})`,
  tickets: `FROM tickets WHERE status IN ('resolved', 'cancelled') AND anonymized_at IS NULL AND COALESCE(resolved_at, created_at) < $1`,
  flowRecords: `FROM flow_records WHERE created_at < $1 AND conversation_id NOT IN (${OPEN_CONVERSATIONS})`,
  channelRefs: `FROM channel_refs WHERE updated_at < $1 AND conversation_id NOT IN (${OPEN_CONVERSATIONS})`,
  inbox: `FROM inbox WHERE received_at < $1 AND conversation_id NOT IN (${OPEN_CONVERSATIONS})`,
  outbox: `FROM outbox WHERE created_at < $1 AND target NOT IN (${OPEN_CONVERSATIONS}) AND target NOT IN (${OPEN_TICKETS})`,
  deliveries: `FROM deliveries WHERE at < $1`,
} as const;

/** Deletes one batch ($2 rows) of a table's expired rows, found by their key columns. */
const deleteExpired = (table: string, key: string, rule: string): string => `DELETE FROM ${table} WHERE (${key}) IN (SELECT ${key} ${rule} LIMIT $2)`;

export async function purgeOlderThan(db: Session, cutoff: Date, options: PurgeOptions = {}): Promise<PurgeResult> {
  const now = options.now ?? new Date();
  const at = cutoff.toISOString();
  const deliveriesCutoff = new Date(Math.min(cutoff.getTime(), now.getTime() - MIN_DELIVERY_KEEP_MS)).toISOString();
  if (options.dryRun) return { counts: await countExpired(db, at, deliveriesCutoff), more: false };
  const limit = Math.max(1, options.batchSize ?? DEFAULT_BATCH);
  const p = [at, limit];
  return db.transaction(async (tx) => {
    const tickets = (await tx.query<{ seq: number; id: string; summary: unknown }>(`SELECT seq, id, summary ${EXPIRED.tickets} ORDER BY seq LIMIT $2`, p)).rows;
    let handoffRefs = 0;
    if (tickets.length > 0) {
      const stripped = tickets.map((t) => ({ seq: t.seq, conversation: `${ANONYMIZED}:${t.id}`, summary: anonymousSummary(t.summary) }));
      await tx.query(
        `UPDATE tickets t SET conversation_id = u.conversation, customer_id = '${ANONYMIZED}', customer_name = NULL, summary = u.summary,
           transcript = '[]', transcript_until = 0, anonymized_at = $2
         FROM jsonb_to_recordset($1::jsonb) AS u(seq bigint, conversation text, summary jsonb) WHERE t.seq = u.seq`,
        [jsonb(stripped), now.toISOString()],
      );
      handoffRefs = (await tx.query(`DELETE FROM handoff_refs WHERE ticket_id = ANY($1::text[])`, [tickets.map((t) => t.id)])).rowCount ?? 0;
    }
    const run = async (sql: string, values: readonly unknown[] = p): Promise<number> => (await tx.query(sql, values)).rowCount ?? 0;
    const counts: PrivacyCounts = {
      ticketsAnonymized: tickets.length,
      handoffRefs,
      tickets: 0,
      messages: await run(deleteExpired('messages', 'id', EXPIRED.messages)),
      conversations: await run(deleteExpired('conversations', 'id', EXPIRED.conversations)),
      flowRecords: await run(deleteExpired('flow_records', 'seq', EXPIRED.flowRecords)),
      channelRefs: await run(deleteExpired('channel_refs', 'conversation_id', EXPIRED.channelRefs)),
      inbox: await run(deleteExpired('inbox', 'seq', EXPIRED.inbox)),
      outbox: await run(deleteExpired('outbox', 'seq', EXPIRED.outbox)),
      deliveries: await run(deleteExpired('deliveries', 'channel, id', EXPIRED.deliveries), [deliveriesCutoff, limit]),
    };
    const more = (Object.keys(counts) as (keyof PrivacyCounts)[]).some((k) => k !== 'handoffRefs' && counts[k] >= limit);
    return { counts, more };
  });
}

async function countExpired(db: Session, cutoff: string, deliveriesCutoff: string): Promise<PrivacyCounts> {
  const parts = Object.entries(EXPIRED).map(([name, rule]) => `(SELECT COUNT(*) ${name === 'deliveries' ? rule.replace('$1', '$2') : rule}) AS "${name}"`);
  const row = (
    await db.query<Record<keyof typeof EXPIRED | 'handoffRefs', number>>(
      `SELECT ${parts.join(', ')}, (SELECT COUNT(*) FROM handoff_refs WHERE ticket_id IN (SELECT id ${EXPIRED.tickets})) AS "handoffRefs"`,
      [cutoff, deliveriesCutoff],
    )
  ).rows[0];
  return {
    conversations: row.conversations,
    messages: row.messages,
    tickets: 0,
    ticketsAnonymized: row.tickets,
    flowRecords: row.flowRecords,
    channelRefs: row.channelRefs,
    handoffRefs: row.handoffRefs,
    inbox: row.inbox,
    outbox: row.outbox,
    deliveries: row.deliveries,
  };
}

interface Found {
  readonly keys: string[];
  readonly conversations: string[];
  readonly tickets: PgTicketRow[];
}

/** The customer's conversations (every conversation one of the keys names) and tickets. */
async function find(db: Session, customer: CustomerKeys): Promise<Found> {
  const keys = [...new Set(customer)];
  const conversations = (
    await db.query<{ key: string }>(
      `SELECT key FROM (
       SELECT id AS key FROM conversations WHERE id = ANY($1::text[]) OR user_id = ANY($1::text[])
       UNION SELECT conversation_id FROM tickets WHERE (conversation_id = ANY($1::text[]) OR customer_id = ANY($1::text[])) AND anonymized_at IS NULL
       UNION SELECT conversation_id FROM flow_records WHERE conversation_id = ANY($1::text[]) OR customer_id = ANY($1::text[])
       UNION SELECT conversation_id FROM messages WHERE conversation_id = ANY($1::text[])
       UNION SELECT conversation_id FROM channel_refs WHERE conversation_id = ANY($1::text[])
       UNION SELECT conversation_id FROM inbox WHERE conversation_id = ANY($1::text[])
       ) found ORDER BY key COLLATE "C"`,
      [keys],
    )
  ).rows.map((r) => r.key);
  const tickets = (
    await db.query<PgTicketRow>(
      `SELECT * FROM tickets WHERE (conversation_id = ANY($1::text[]) OR customer_id = ANY($2::text[])) AND anonymized_at IS NULL ORDER BY seq`,
      [conversations, keys],
    )
  ).rows;
  return { keys, conversations, tickets };
}

export function forgetCustomer(db: Session, customer: CustomerKeys): Promise<ForgetResult> {
  return db.transaction(async (tx) => {
    const { keys, conversations, tickets } = await find(tx, customer);
    const ids = tickets.map((t) => t.id);
    const run = async (sql: string, values: readonly unknown[]): Promise<number> => (await tx.query(sql, values)).rowCount ?? 0;
    const removed: PrivacyCounts = {
      ...NO_PRIVACY_COUNTS,
      messages: await run(`DELETE FROM messages WHERE conversation_id = ANY($1::text[])`, [conversations]),
      conversations: await run(`DELETE FROM conversations WHERE id = ANY($1::text[])`, [conversations]),
      handoffRefs: await run(`DELETE FROM handoff_refs WHERE ticket_id = ANY($1::text[])`, [ids]),
      outbox: await run(`DELETE FROM outbox WHERE target = ANY($1::text[]) OR target = ANY($2::text[])`, [conversations, ids]),
      tickets: await run(`DELETE FROM tickets WHERE id = ANY($1::text[])`, [ids]),
      flowRecords: await run(`DELETE FROM flow_records WHERE conversation_id = ANY($1::text[]) OR customer_id = ANY($2::text[])`, [conversations, keys]),
      channelRefs: await run(`DELETE FROM channel_refs WHERE conversation_id = ANY($1::text[])`, [conversations]),
      inbox: await run(`DELETE FROM inbox WHERE conversation_id = ANY($1::text[])`, [conversations]),
    };
    return { conversations, removed };
  });
}

export function exportCustomer(db: Session, customer: CustomerKeys): Promise<CustomerData> {
  return db.transaction(
    async (tx) => {
      const found = await find(tx, customer);
      const conversations: CustomerConversation[] = [];
      for (const id of found.conversations) conversations.push(await conversation(tx, id));
      const tickets = found.tickets.map((row) => {
        const { transcript: _t, ...ticket } = toTicket(row, []);
        return ticket;
      });
      const flowRecords = (
        await tx.query<FlowRecord>(
          `SELECT id, flow_id AS "flowId", conversation_id AS "conversationId", channel, customer_id AS "customerId", slots, created_at AS "createdAt"
         FROM flow_records WHERE conversation_id = ANY($1::text[]) OR customer_id = ANY($2::text[]) ORDER BY seq`,
          [found.conversations, found.keys],
        )
      ).rows;
      const pendingMessages = (
        await tx.query<{ receivedAt: string; payload: unknown }>(
          `SELECT received_at AS "receivedAt", payload FROM inbox WHERE conversation_id = ANY($1::text[]) ORDER BY seq`,
          [found.conversations],
        )
      ).rows;
      return { conversations, tickets, flowRecords, pendingMessages };
    },
    { snapshot: true },
  );
}

async function conversation(db: Session, id: string): Promise<CustomerConversation> {
  const row = (
    await db.query<{ channel: string; user_id: string; user_name: string | null; state: ConversationState; updated_at: string }>(
      `SELECT channel, user_id, user_name, state, updated_at FROM conversations WHERE id = $1`,
      [id],
    )
  ).rows.at(0);
  const transcript = (await db.query<TranscriptRow>(`SELECT ${LINE_COLUMNS} FROM messages WHERE conversation_id = $1 ORDER BY id`, [id])).rows.map(toLine);
  const ref = (await db.query<{ ref: unknown }>(`SELECT ref FROM channel_refs WHERE conversation_id = $1`, [id])).rows.at(0);
  let channel = row?.channel ?? '';
  if (!channel) {
    channel =
      (await db.query<{ channel: string }>(`SELECT channel FROM messages WHERE conversation_id = $1 ORDER BY id LIMIT 1`, [id])).rows.at(0)?.channel ?? '';
  }
  return {
    id,
    channel,
    userId: row?.user_id ?? '',
    ...(row?.user_name ? { userName: row.user_name } : {}),
    updatedAt: row?.updated_at ?? transcript.at(-1)?.at ?? '',
    ...(row ? { state: row.state } : {}),
    transcript,
    ...(ref ? { channelRef: ref.ref } : {}),
  };
}

export async function audit(db: Session, entry: Omit<AuditEntry, 'at'> & { readonly at?: string }): Promise<void> {
  await db.query(`INSERT INTO audit (at, actor, action, subject, via, detail) VALUES ($1, $2, $3, $4, $5, $6)`, [
    entry.at ?? new Date().toISOString(),
    cleanText(entry.actor.slice(0, 100)),
    entry.action,
    entry.subject === undefined ? null : cleanText(entry.subject.slice(0, 200)),
    entry.via === undefined ? null : cleanText(entry.via.slice(0, 40)),
    entry.detail ? jsonb(entry.detail) : null,
  ]);
}

export async function auditLog(db: Session, query: { readonly since?: string; readonly limit?: number } = {}): Promise<AuditEntry[]> {
  const rows = (
    await db.query<{
      at: string;
      actor: string;
      action: AuditAction;
      subject: string | null;
      via: string | null;
      detail: Record<string, string | number | boolean> | null;
    }>(`SELECT at, actor, action, subject, via, detail FROM audit WHERE ($1::timestamptz IS NULL OR at >= $1) ORDER BY seq LIMIT $2`, [
      query.since || null,
      query.limit !== undefined && query.limit >= 0 ? query.limit : null,
    ])
  ).rows;
  return rows.map((r) => ({
    at: r.at,
    actor: r.actor,
    action: r.action,
    ...(r.subject ? { subject: r.subject } : {}),
    ...(r.via ? { via: r.via } : {}),
    ...(r.detail ? { detail: r.detail } : {}),
  }));
}

/** A closed ticket's summary without what the customer wrote or a flow collected; the entries and products stay. */
function anonymousSummary(summary: unknown): TicketSummary {
  const s = (typeof summary === 'object' && summary !== null ? summary : {}) as Partial<TicketSummary>;
  return { lastQuestion: '', candidates: s.candidates ?? [], entities: s.entities ?? {} };
}
