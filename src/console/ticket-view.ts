import type { KnowledgeBase } from '../knowledge/schema';
import { shopTime } from '../cli/local-time';
import type { TicketNote } from '../storage/console-store';
import type { HandoffTicket, TranscriptLine } from '../storage/store';

/** Who wrote a line of the transcript, as the console shows it. */
export type LineAuthor = 'customer' | 'bot' | 'agent';

export interface LineView {
  readonly from: LineAuthor;
  readonly text: string;
  /** The time in the shop's time zone, e.g. "2026-11-25 10:00 WIB". */
  readonly at: string;
  readonly decision?: string;
  /** The entry the bot answered with. */
  readonly entryId?: string;
  /** The entry's score among the candidates of the question that led to the handoff, when it was one of them (0..1). */
  readonly confidence?: number;
}

/** A ticket in the inbox list. */
export interface TicketRowView {
  readonly id: string;
  readonly status: HandoffTicket['status'];
  readonly channel: string;
  readonly customer: string;
  readonly reason: string;
  readonly agent: string | null;
  readonly lastQuestion: string;
  readonly createdAt: string;
  /** Minutes the customer has waited for a person (until claimed; still counting while queued). */
  readonly waitingMinutes: number;
}

/** A ticket opened in the console: the whole transcript, the flow's slots, the notes. */
export interface TicketDetailView extends TicketRowView {
  readonly customerId: string;
  readonly lines: readonly LineView[];
  readonly flow: { readonly id: string; readonly slots: Readonly<Record<string, string | number>> } | null;
  readonly candidates: readonly { readonly entryId: string; readonly score: number }[];
  readonly notes: readonly { readonly agent: string; readonly text: string; readonly at: string }[];
  readonly csat: number | null;
}

/** Outgoing lines that an agent wrote (or that the desk sent on an agent's behalf). */
const AGENT_DECISIONS = new Set(['agent']);

/** The inbox row of a ticket. */
export function ticketRow(ticket: HandoffTicket, kb: KnowledgeBase, now: Date): TicketRowView {
  const until = ticket.claimedAt ?? ticket.resolvedAt ?? now.toISOString();
  return {
    id: ticket.id,
    status: ticket.status,
    channel: ticket.channel,
    customer: ticket.customerName ?? ticket.customerId,
    reason: ticket.reason,
    agent: ticket.agent ?? null,
    lastQuestion: ticket.summary.lastQuestion,
    createdAt: shopTime(ticket.createdAt, kb.settings.timezone),
    waitingMinutes: Math.max(0, Math.round((Date.parse(until) - Date.parse(ticket.createdAt)) / 60_000)),
  };
}

/** The whole ticket for the console: transcript with who wrote each line and the bot's entries. */
export function ticketDetail(
  ticket: HandoffTicket,
  transcript: readonly TranscriptLine[],
  notes: readonly TicketNote[],
  kb: KnowledgeBase,
  now: Date,
): TicketDetailView {
  const zone = kb.settings.timezone;
  const scores = new Map(ticket.summary.candidates.map((c) => [c.entryId, c.score]));
  return {
    ...ticketRow(ticket, kb, now),
    customerId: ticket.customerId,
    lines: transcript.map((line) => {
      const from: LineAuthor = line.direction === 'in' ? 'customer' : AGENT_DECISIONS.has(line.decision ?? '') ? 'agent' : 'bot';
      const score = line.entryId ? scores.get(line.entryId) : undefined;
      return {
        from,
        text: line.text,
        at: shopTime(line.at, zone),
        ...(line.decision ? { decision: line.decision } : {}),
        ...(line.entryId ? { entryId: line.entryId } : {}),
        ...(score !== undefined ? { confidence: Math.round(score * 1000) / 1000 } : {}),
      };
    }),
    flow: ticket.summary.flow ?? null,
    candidates: ticket.summary.candidates.map((c) => ({ entryId: c.entryId, score: Math.round(c.score * 1000) / 1000 })),
    notes: notes.map((n) => ({ agent: n.agent, text: n.text, at: shopTime(n.at, zone) })),
    csat: ticket.csat ?? null,
  };
}
