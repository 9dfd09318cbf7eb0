/** Row shapes of the PostgreSQL tables and their conversion to the store's types. */
import type { Session } from './postgres-session';
import { toLine, type TranscriptRow } from './sqlite-rows';
import type { HandoffTicket, TicketStatus, TicketSummary, TranscriptLine } from './store';

/** A ticket as `SELECT *` gives it (timestamptz as ISO strings, bigint as numbers, jsonb parsed). */
export interface PgTicketRow {
  seq: number;
  id: string;
  conversation_id: string;
  channel: string;
  customer_id: string;
  customer_name: string | null;
  reason: string;
  status: TicketStatus;
  summary: TicketSummary;
  transcript: TranscriptLine[];
  transcript_until: number | null;
  created_at: string;
  claimed_at: string | null;
  resolved_at: string | null;
  agent: string | null;
  csat: number | null;
  notified_at: string | null;
}

/** A ticket shows at most this many of the conversation's latest lines (as SQLite's TICKET_TRANSCRIPT_LINES). */
const TICKET_TRANSCRIPT_LINES = 200;

/** The columns of a transcript line, named as `TranscriptRow`. */
export const LINE_COLUMNS = `direction, text, created_at AS at, decision, entry_id AS "entryId"`;

export function toTicket(row: PgTicketRow, transcript: readonly TranscriptLine[]): HandoffTicket {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    channel: row.channel,
    customerId: row.customer_id,
    ...(row.customer_name ? { customerName: row.customer_name } : {}),
    reason: row.reason,
    status: row.status,
    summary: row.summary,
    transcript,
    createdAt: row.created_at,
    ...(row.claimed_at ? { claimedAt: row.claimed_at } : {}),
    ...(row.resolved_at ? { resolvedAt: row.resolved_at } : {}),
    ...(row.agent ? { agent: row.agent } : {}),
    ...(row.csat !== null ? { csat: row.csat } : {}),
    ...(row.notified_at ? { notifiedAt: row.notified_at } : {}),
  };
}

/**
 * Tickets with their transcripts, read in one statement for all of them: each ticket shows the
 * conversation's latest lines up to its creation (tickets brought over with a copy show the copy).
 */
export async function withTranscripts(db: Session, rows: readonly PgTicketRow[]): Promise<HandoffTicket[]> {
  const read = rows.filter((r) => r.transcript_until !== null);
  const lines = new Map<number, TranscriptLine[]>();
  if (read.length > 0) {
    const result = await db.query<TranscriptRow & { ticket: number }>(
      `SELECT t.seq AS ticket, l.direction, l.text, l.at, l.decision, l."entryId"
       FROM unnest($1::bigint[], $2::text[], $3::bigint[]) AS t(seq, conversation_id, until)
       CROSS JOIN LATERAL (
         SELECT id, ${LINE_COLUMNS} FROM messages m
         WHERE m.conversation_id = t.conversation_id AND m.id <= t.until ORDER BY m.id DESC LIMIT ${TICKET_TRANSCRIPT_LINES}
       ) l
       ORDER BY t.seq, l.id`,
      [read.map((r) => r.seq), read.map((r) => r.conversation_id), read.map((r) => r.transcript_until)],
    );
    for (const row of result.rows) {
      let list = lines.get(row.ticket);
      if (!list) lines.set(row.ticket, (list = []));
      list.push(toLine(row));
    }
  }
  return rows.map((row) => toTicket(row, row.transcript_until === null ? row.transcript : (lines.get(row.seq) ?? [])));
}
