/** Row shapes of the SQLite tables and their conversion to the store's types. */
import type { HandoffTicket, TicketStatus, TicketSummary, TranscriptLine } from './store';

export interface TicketRow {
  id: string;
  conversation_id: string;
  channel: string;
  customer_id: string;
  customer_name: string | null;
  reason: string;
  status: TicketStatus;
  summary: string;
  transcript: string;
  created_at: string;
  claimed_at: string | null;
  resolved_at: string | null;
  agent: string | null;
  csat: number | null;
  notified_at: string | null;
  transcript_until: number | null;
}

export interface TranscriptRow {
  direction: 'in' | 'out';
  text: string;
  at: string;
  decision: string | null;
  entryId: string | null;
}

export function toLine(r: TranscriptRow): TranscriptLine {
  return { direction: r.direction, text: r.text, at: r.at, ...(r.decision ? { decision: r.decision } : {}), ...(r.entryId ? { entryId: r.entryId } : {}) };
}

export function toTicket(row: TicketRow, transcript: readonly TranscriptLine[]): HandoffTicket {
  return ticketOf(row, JSON.parse(row.summary) as TicketSummary, transcript);
}

/** A ticket from its columns, whichever database read them (the summary already parsed). */
export function ticketOf(
  row: Omit<TicketRow, 'summary' | 'transcript' | 'transcript_until'>,
  summary: TicketSummary,
  transcript: readonly TranscriptLine[],
): HandoffTicket {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    channel: row.channel,
    customerId: row.customer_id,
    ...(row.customer_name ? { customerName: row.customer_name } : {}),
    reason: row.reason,
    status: row.status,
    summary,
    transcript,
    createdAt: row.created_at,
    ...(row.claimed_at ? { claimedAt: row.claimed_at } : {}),
    ...(row.resolved_at ? { resolvedAt: row.resolved_at } : {}),
    ...(row.agent ? { agent: row.agent } : {}),
    ...(row.csat !== null && row.csat !== undefined ? { csat: row.csat } : {}),
    ...(row.notified_at ? { notifiedAt: row.notified_at } : {}),
  };
}
