import type { DecisionType } from '../core/types';

/** What happened to one labelled case. */
export interface CaseOutcome {
  /** The entry that should answer, or null when the bot should not answer. */
  readonly expected: string | null;
  readonly decision: DecisionType;
  /** The entry answered: by an answer, or by the flow or handoff it stands for. */
  readonly answered: string | null;
  /** The best-ranked entry, whatever the decision. */
  readonly top: string | null;
  /** The entries offered as choices, for decision "clarify". */
  readonly offered?: readonly string[];
}

export interface EntryScore {
  readonly entryId: string;
  readonly precision: number;
  readonly recall: number;
  readonly support: number;
}

export interface EvalMetrics {
  readonly n: number;
  readonly inScope: number;
  readonly outOfScope: number;
  /** Share of in-scope cases answered with the right entry (refusals count as wrong). */
  readonly inScopeAccuracy: number;
  /** Share of in-scope cases whose best-ranked entry was right, ignoring thresholds. */
  readonly top1Accuracy: number;
  /** Share of in-scope cases answered with a wrong entry. */
  readonly wrongAnswerRate: number;
  /** Share of in-scope cases that got a clarification offering the right entry. */
  readonly clarifiedRight: number;
  /** Share of in-scope cases that got a clarification without the right entry, or a fallback. */
  readonly missed: number;
  /** Share of out-of-scope cases not answered. */
  readonly oosRecall: number;
  /** Share of out-of-scope cases that got an answer. */
  readonly falseAnswerRate: number;
  readonly decisions: Readonly<Record<DecisionType, number>>;
  readonly perEntry: readonly EntryScore[];
  readonly confusedPairs: readonly { readonly expected: string; readonly got: string; readonly count: number }[];
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

/** Accuracy, hand-off and per-entry figures from case outcomes ("answered": an answer, or a flow or handoff an entry stands for). */
export function computeMetrics(outcomes: readonly CaseOutcome[]): EvalMetrics {
  const decisions: Record<DecisionType, number> = { answer: 0, clarify: 0, fallback: 0, handoff: 0, flow: 0, silent: 0 };
  let inScope = 0;
  let correct = 0;
  let top1 = 0;
  let wrong = 0;
  let clarifiedRight = 0;
  let oos = 0;
  let oosAnswered = 0;
  const tp = new Map<string, number>();
  const fp = new Map<string, number>();
  const support = new Map<string, number>();
  const pairs = new Map<string, number>();
  const bump = (m: Map<string, number>, k: string): void => {
    m.set(k, (m.get(k) ?? 0) + 1);
  };
  for (const o of outcomes) {
    decisions[o.decision]++;
    // An entry that starts a flow or a requested handoff answers as much as a text answer does.
    const answered = o.decision === 'answer' || o.decision === 'flow' || o.decision === 'handoff' ? o.answered : null;
    if (o.expected === null) {
      oos++;
      if (answered !== null) {
        oosAnswered++;
        bump(fp, answered);
        bump(pairs, `(none)\u0000${answered}`);
      }
      continue;
    }
    inScope++;
    bump(support, o.expected);
    if (o.top === o.expected) top1++;
    if (answered === o.expected) {
      correct++;
      bump(tp, o.expected);
    } else if (o.decision === 'clarify' && o.offered?.includes(o.expected)) {
      clarifiedRight++;
    } else if (answered !== null) {
      wrong++;
      bump(fp, answered);
      bump(pairs, `${o.expected}\u0000${answered}`);
    }
  }
  const ids = new Set([...support.keys(), ...fp.keys()]);
  const perEntry = [...ids].sort().map((entryId) => {
    const t = tp.get(entryId) ?? 0;
    return { entryId, precision: ratio(t, t + (fp.get(entryId) ?? 0)), recall: ratio(t, support.get(entryId) ?? 0), support: support.get(entryId) ?? 0 };
  });
  const confusedPairs = [...pairs.entries()]
    .map(([k, count]) => {
      const [expected, got] = k.split('\u0000');
      return { expected, got, count };
    })
    .sort((a, b) => b.count - a.count || a.expected.localeCompare(b.expected))
    .slice(0, 10);
  return {
    n: outcomes.length,
    inScope,
    outOfScope: oos,
    inScopeAccuracy: ratio(correct, inScope),
    top1Accuracy: ratio(top1, inScope),
    wrongAnswerRate: ratio(wrong, inScope),
    clarifiedRight: ratio(clarifiedRight, inScope),
    missed: ratio(inScope - correct - wrong - clarifiedRight, inScope),
    oosRecall: oos === 0 ? 1 : ratio(oos - oosAnswered, oos),
    falseAnswerRate: ratio(oosAnswered, oos),
    decisions,
    perEntry,
    confusedPairs,
  };
}
