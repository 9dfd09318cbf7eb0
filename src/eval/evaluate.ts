import { Engine } from '../engine/engine';
import type { KnowledgeBase } from '../knowledge/schema';
import { SqliteStore } from '../storage/sqlite-store';
import { decisionEntryId, type Decision } from '../core/types';
import { entryIdForLabel, type LabelledMessage } from './labelled-file';
import { computeMetrics, type CaseOutcome, type EvalMetrics } from './metrics';

export interface EvalRun {
  readonly metrics: EvalMetrics;
  readonly outcomes: readonly CaseOutcome[];
  /** Mean time per case through the whole engine, in milliseconds. */
  readonly msPerCase: number;
}

/** Maps a case's label to the entry id the importer gives it, when the KB has no such id. */
export function expectedEntry(kb: KnowledgeBase, label: string | null): string | null {
  if (label === null) return null;
  return kb.entries.some((e) => e.id === label) ? label : entryIdForLabel(label);
}

/**
 * Runs each case through the real engine (matcher, decisions, in-memory SQLite transcript),
 * each as its own conversation, and scores the outcomes.
 */
export async function evaluateCases(
  kb: KnowledgeBase,
  cases: readonly LabelledMessage[],
  onProgress?: (done: number, total: number) => void,
  /** `fallback`: score as customers are served (an unwritten "TODO" answer is not sent); default `answer`. */
  unwrittenAnswers: 'answer' | 'fallback' = 'answer',
): Promise<EvalRun> {
  const store = new SqliteStore(':memory:');
  // Imported knowledge bases have placeholder answers: by default what is measured is which entry answers.
  const engine = new Engine(kb, store, { unwrittenAnswers });
  const outcomes: CaseOutcome[] = [];
  const start = process.hrtime.bigint();
  try {
    for (const [i, c] of cases.entries()) {
      if (i % 200 === 0) onProgress?.(i, cases.length);
      const result = await engine.handle({
        channel: 'eval',
        conversationId: `eval-${i}`,
        userId: `eval-${i}`,
        messageId: String(i),
        text: c.text,
        receivedAt: new Date(),
      });
      outcomes.push({
        expected: expectedEntry(kb, c.intent),
        decision: result.decision.type,
        answered: answeredEntry(result.decision),
        top: result.explanation.candidates[0]?.entryId ?? null,
        ...(result.decision.type === 'clarify' ? { offered: result.decision.entryIds } : {}),
      });
    }
  } finally {
    await store.close();
  }
  onProgress?.(cases.length, cases.length);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { metrics: computeMetrics(outcomes), outcomes, msPerCase: cases.length === 0 ? 0 : ms / cases.length };
}

/** The entry a decision answered with: an answer, a flow an entry started, or a handoff a request asked for. */
function answeredEntry(decision: Decision): string | null {
  return decision.type === 'answer' || decision.type === 'flow' || decision.type === 'handoff' ? decisionEntryId(decision) : null;
}
