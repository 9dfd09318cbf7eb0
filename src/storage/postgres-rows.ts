/** Row shapes of the PostgreSQL tables and their conversion to the store's types. */
import type { Session } from './postgres-session';
import { ticketOf, toLine, type TranscriptRow } from './sqlite-rows';
import { TICKET_TRANSCRIPT_LINES, type HandoffTicket, type TicketStatus, type TicketSummary, type TranscriptLine } from './store';

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

/** The columns of a transcript line, named as `TranscriptRow`. */
export const LINE_COLUMNS = `direction, text, created_at AS at, decision, entry_id AS "entryId"`;

export function toTicket(row: PgTicketRow, transcript: readonly TranscriptLine[]): HandoffTicket {
  return ticketOf(row, row.summary, transcript);
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
