import { CONCEPT_PREFIX } from '../matching/concepts';
import { isFunctionWord } from '../matching/lexicon';
import type { Matcher } from '../matching/matcher';
import type { ConversationStore, HandoffTicket, StoredMessage } from '../storage/store';

export interface UnansweredCluster {
  readonly count: number;
  /** Up to three of the customers' messages, most common first. */
  readonly examples: readonly string[];
  readonly decisions: Readonly<Record<string, number>>;
  /** The existing entry closest to these questions (to extend with examples), or none. */
  readonly nearestEntry: { readonly id: string; readonly score: number } | null;
}

/** Decisions the engine takes for a customer's message; other outgoing lines (an agent's reply, the rating question, a queue notice) answer no message. */
const TURN_DECISIONS = new Set(['answer', 'clarify', 'fallback', 'handoff', 'flow']);
/** Turns that left the customer with an answer (an entry, or a flow that took the request). */
const ANSWERED = new Set(['answer', 'flow']);
/** Handoffs the customer asked for or the shop wants (a person, data deletion, a complaint, a flow's step): not questions the bot failed. */
const INTENDED_HANDOFFS = new Set(['requested', 'data-request', 'complaint', 'flow']);
/** Navigation rather than a question (the engine answers these itself: greeting, help, back to the bot, cancel). */
const NAVIGATION = new Set(['/start', '/help', '/cancel', '/bot', 'kembali ke bot', 'balik ke bot', 'back to bot', 'bot', 'batal', 'cancel']);
/** The 1–5 answer to the rating question a resolved ticket ends with. */
const RATING = /^[1-5](\s*(bintang|stars?|dari 5|of 5|\/5))?[.!]?$/;

/**
 * One customer message and what the bot decided for it: the decision of the first reply the
 * engine recorded after it (every reply of one turn carries the turn's decision). A message the
 * bot did not answer (it went to the agent holding the conversation) has none.
 */
export interface CustomerTurn {
  readonly conversationId: string;
  readonly text: string;
  readonly at: string;
  /** answer, clarify, fallback, handoff or flow; undefined when the bot stayed silent. */
  readonly decision?: string;
  readonly entryId?: string;
  /** A question (or request), a navigation command ("/start", "kembali ke bot"), or a rating after a resolved ticket. */
  readonly kind: 'question' | 'command' | 'rating';
}

/** Groups transcript lines (by conversation, in order) into customer turns: one message, one decision. */
export function customerTurns(lines: readonly StoredMessage[]): CustomerTurn[] {
  const turns: { conversationId: string; text: string; at: string; decision?: string; entryId?: string; kind: CustomerTurn['kind'] }[] = [];
  let lastOut: StoredMessage | undefined;
  for (const line of lines) {
    if (line.direction === 'in') {
      const folded = line.text.trim().toLowerCase().replace(/\s+/g, ' ');
      const afterRatingQuestion = lastOut?.conversationId === line.conversationId && lastOut.decision === 'resolved';
      const command = folded.startsWith('/') ? folded.split(' ')[0] : folded.replace(/[.!]+$/, '');
      const kind = afterRatingQuestion && RATING.test(folded) ? 'rating' : NAVIGATION.has(command) ? 'command' : 'question';
      turns.push({ conversationId: line.conversationId, text: line.text, at: line.at, kind });
      continue;
    }
    lastOut = line;
    const turn = turns.at(-1);
    if (!turn || turn.conversationId !== line.conversationId || turn.decision !== undefined || !TURN_DECISIONS.has(line.decision ?? '')) continue;
    turn.decision = line.decision;
    if (line.entryId) turn.entryId = line.entryId;
  }
  return turns;
}

/**
 * Why each handoff turn happened, from the ticket it opened: the conversation's tickets in order,
 * each taken by the first handoff turn that asked the same question. Tickets are matched by text
 * rather than time because a turn's clock (the message's arrival) is not the ticket's.
 */
function handoffReasons(turns: readonly CustomerTurn[], tickets: readonly HandoffTicket[]): Map<CustomerTurn, string> {
  const open = new Map<string, HandoffTicket[]>();
  for (const t of tickets) {
    const list = open.get(t.conversationId);
    if (list) list.push(t);
    else open.set(t.conversationId, [t]);
  }
  const reasons = new Map<CustomerTurn, string>();
  for (const turn of turns) {
    if (turn.decision !== 'handoff') continue;
    const left = open.get(turn.conversationId) ?? [];
    const i = left.findIndex((t) => t.summary.lastQuestion === turn.text.slice(0, 500));
    if (i < 0) continue;
    reasons.set(turn, left[i].reason);
    left.splice(i, 1);
  }
  return reasons;
}

/**
 * Customer questions the bot could not answer, in order: fallbacks, clarifications the next
 * message did not turn into an answer, and handoffs after repeated misunderstanding. Left out:
 * handoffs the customer or the shop wanted (asking for a person, deleting one's data, complaints,
 * a flow's handoff step), navigation commands, ratings, and what went to an agent.
 */
function unansweredMessages(turns: readonly CustomerTurn[], tickets: readonly HandoffTicket[]): { text: string; decision: string }[] {
  const reasons = handoffReasons(turns, tickets);
  const out: { text: string; decision: string }[] = [];
  turns.forEach((turn, i) => {
    if (turn.kind !== 'question' || turn.decision === undefined) return;
    const next = turns[i + 1]?.conversationId === turn.conversationId ? turns[i + 1] : undefined;
    const failed =
      turn.decision === 'fallback' ||
      (turn.decision === 'clarify' && !(next?.kind === 'question' && ANSWERED.has(next.decision ?? ''))) ||
      (turn.decision === 'handoff' && !INTENDED_HANDOFFS.has(reasons.get(turn) ?? ''));
    if (!failed) return;
    const text = turn.text.trim();
    // Slash commands, empty and emoji-only messages are not questions an editor can add.
    if (!text || text.startsWith('/') || !/\p{L}{2}/u.test(text)) return;
    out.push({ text, decision: turn.decision });
  });
  return out;
}

/** Shared terms over the smaller set: short and long phrasings of one question still meet. */
function overlap(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  const smaller = Math.min(a.size, b.size);
  return smaller === 0 ? 0 : shared / smaller;
}

/**
 * What customers asked that the bot could not answer (see `unansweredMessages`), grouped into
 * clusters of similar questions (shared stemmed words), most frequent first, each with examples
 * and the nearest existing entry.
 */
export async function unansweredReport(store: ConversationStore, matcher: Matcher, since: string, threshold = 0.5): Promise<UnansweredCluster[]> {
  const clusters: { terms: Set<string>; texts: Map<string, number>; decisions: Record<string, number>; count: number }[] = [];
  for (const { text, decision } of unansweredMessages(customerTurns(await store.messagesSince(since)), await store.listTickets())) {
    const terms = new Set(matcher.analyze(text).terms.filter((t) => !t.startsWith('=') && !t.startsWith(CONCEPT_PREFIX) && !isFunctionWord(t)));
    let best: (typeof clusters)[number] | undefined;
    let bestScore = threshold;
    for (const c of clusters) {
      const score = overlap(terms, c.terms);
      if (score >= bestScore) {
        best = c;
        bestScore = score;
      }
    }
    const cluster = best ?? { terms, texts: new Map<string, number>(), decisions: {}, count: 0 };
    if (!best) clusters.push(cluster);
    cluster.count += 1;
    cluster.texts.set(text, (cluster.texts.get(text) ?? 0) + 1);
    cluster.decisions[decision] = (cluster.decisions[decision] ?? 0) + 1;
  }
  return clusters
    .sort((a, b) => b.count - a.count)
    .map((c) => {
      const examples = [...c.texts.entries()].sort((a, b) => b[1] - a[1]).map(([t]) => t);
      const top = matcher.rank(matcher.analyze(examples[0]), 1)[0];
      return { count: c.count, examples: examples.slice(0, 3), decisions: c.decisions, nearestEntry: top ? { id: top.entryId, score: top.score } : null };
    });
}

export interface StatsReport {
  readonly conversations: number;
  /** Conversations with at least one handoff. */
  readonly conversationsHandedOff: number;
  /** Every message customers sent, whatever happened to it. */
  readonly customerMessages: number;
  /**
   * Customer questions: messages the bot decided on (one decision each, however many replies),
   * without navigation commands, ratings and messages that went to an agent. The rates below are
   * shares of these.
   */
  readonly questions: number;
  /** Questions per decision (answer, clarify, fallback, handoff, flow). */
  readonly decisions: Readonly<Record<string, number>>;
  /** Share of questions the bot kept (no person needed): all but handoffs. */
  readonly containmentRate: number;
  /** Share of questions that handed the conversation to a person. */
  readonly handoffRate: number;
  /** Share of questions answered with a clarification question. */
  readonly clarificationRate: number;
  /** Entries by the questions they answered. */
  readonly topEntries: readonly { readonly id: string; readonly answers: number }[];
  readonly csatAverage: number | null;
  readonly csatAnswers: number;
}

/** Conversations, containment and handoff rates, top entries, clarification rate and CSAT since a time, per customer question. */
export async function statsReport(store: ConversationStore, since: string): Promise<StatsReport> {
  const turns = customerTurns(await store.messagesSince(since));
  const conversations = new Set(turns.map((t) => t.conversationId));
  const handedOff = new Set<string>();
  const decisions: Record<string, number> = {};
  const entries = new Map<string, number>();
  let questions = 0;
  for (const turn of turns) {
    if (turn.decision === 'handoff') handedOff.add(turn.conversationId);
    if (turn.kind !== 'question' || turn.decision === undefined) continue;
    questions += 1;
    decisions[turn.decision] = (decisions[turn.decision] ?? 0) + 1;
    if (turn.decision === 'answer' && turn.entryId) entries.set(turn.entryId, (entries.get(turn.entryId) ?? 0) + 1);
  }
  const share = (n: number): number => (questions === 0 ? 0 : n / questions);
  const handoffs = decisions.handoff ?? 0;
  const ratings = (await store.listTickets()).filter((t) => t.createdAt >= since && t.csat !== undefined).map((t) => t.csat ?? 0);
  return {
    conversations: conversations.size,
    conversationsHandedOff: handedOff.size,
    customerMessages: turns.length,
    questions,
    decisions,
    containmentRate: questions === 0 ? 0 : share(questions - handoffs),
    handoffRate: share(handoffs),
    clarificationRate: share(decisions.clarify ?? 0),
    topEntries: [...entries.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, 10)
      .map(([id, answers]) => ({ id, answers })),
    csatAverage: ratings.length === 0 ? null : ratings.reduce((a, b) => a + b, 0) / ratings.length,
    csatAnswers: ratings.length,
  };
}
