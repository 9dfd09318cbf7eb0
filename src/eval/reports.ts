import { CONCEPT_PREFIX } from '../matching/concepts';
import { isFunctionWord } from '../matching/lexicon';
import type { Matcher } from '../matching/matcher';
import type { ConversationStore, StoredMessage } from '../storage/store';

const NOT_ANSWERED = new Set(['fallback', 'clarify', 'handoff']);

export interface UnansweredCluster {
  readonly count: number;
  /** Up to three of the customers' messages, most common first. */
  readonly examples: readonly string[];
  readonly decisions: Readonly<Record<string, number>>;
  /** The existing entry closest to these questions (to extend with examples), or none. */
  readonly nearestEntry: { readonly id: string; readonly score: number } | null;
}

/** Customer messages the bot did not answer (fallback, clarification or handoff), in order. */
function unansweredMessages(lines: readonly StoredMessage[]): { text: string; decision: string }[] {
  const out: { text: string; decision: string }[] = [];
  let lastIn: StoredMessage | undefined;
  let counted = false;
  for (const line of lines) {
    if (line.direction === 'in') {
      lastIn = line;
      counted = false;
      continue;
    }
    if (!lastIn || counted || line.conversationId !== lastIn.conversationId || !NOT_ANSWERED.has(line.decision ?? '')) continue;
    counted = true;
    const text = lastIn.text.trim();
    // Commands, empty and emoji-only messages are not questions an editor can add.
    if (!text || text.startsWith('/') || !/\p{L}{2}/u.test(text)) continue;
    out.push({ text, decision: line.decision ?? '' });
  }
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
 * What customers asked that the bot could not answer, grouped into clusters of similar questions
 * (shared stemmed words), most frequent first, each with examples and the nearest existing entry.
 */
export function unansweredReport(store: ConversationStore, matcher: Matcher, since: string, threshold = 0.5): UnansweredCluster[] {
  const clusters: { terms: Set<string>; texts: Map<string, number>; decisions: Record<string, number>; count: number }[] = [];
  for (const { text, decision } of unansweredMessages(store.messagesSince(since))) {
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
  readonly customerMessages: number;
  /** Share of conversations that never needed a person. */
  readonly containmentRate: number;
  readonly handoffRate: number;
  /** Share of customer messages answered with a clarification question. */
  readonly clarificationRate: number;
  readonly topEntries: readonly { readonly id: string; readonly answers: number }[];
  readonly csatAverage: number | null;
  readonly csatAnswers: number;
}

/** Conversations, containment and handoff rates, top entries, clarification rate and CSAT since a time. */
export function statsReport(store: ConversationStore, since: string): StatsReport {
  const lines = store.messagesSince(since);
  const conversations = new Set<string>();
  const handedOff = new Set<string>();
  const entries = new Map<string, number>();
  let customerMessages = 0;
  let clarifications = 0;
  for (const line of lines) {
    if (line.direction === 'in') {
      conversations.add(line.conversationId);
      customerMessages += 1;
      continue;
    }
    if (line.decision === 'handoff') handedOff.add(line.conversationId);
    if (line.decision === 'clarify') clarifications += 1;
    if (line.decision === 'answer' && line.entryId) entries.set(line.entryId, (entries.get(line.entryId) ?? 0) + 1);
  }
  const ratings = store.listTickets().filter((t) => t.createdAt >= since && t.csat !== undefined).map((t) => t.csat ?? 0);
  const n = conversations.size;
  return {
    conversations: n,
    customerMessages,
    containmentRate: n === 0 ? 0 : (n - handedOff.size) / n,
    handoffRate: n === 0 ? 0 : handedOff.size / n,
    clarificationRate: customerMessages === 0 ? 0 : clarifications / customerMessages,
    topEntries: [...entries.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([id, answers]) => ({ id, answers })),
    csatAverage: ratings.length === 0 ? null : ratings.reduce((a, b) => a + b, 0) / ratings.length,
    csatAnswers: ratings.length,
  };
}
