import type { Candidate } from '../core/types';
import type { Settings } from '../knowledge/schema';

export type MatchDecision =
  | { readonly type: 'answer'; readonly entryId: string; readonly score: number }
  | { readonly type: 'clarify'; readonly entryIds: readonly string[]; readonly score: number }
  | { readonly type: 'fallback'; readonly score: number };

/**
 * Turns ranked candidates into a decision: answer when the best is confident and clearly
 * ahead; clarify when it is plausible but a close second exists (or it is only plausible);
 * fall back when nothing is plausible.
 */
export function decide(candidates: readonly Candidate[], settings: Pick<Settings, 'answerThreshold' | 'clarifyThreshold' | 'clarifyMargin'>): MatchDecision {
  const [top, second] = candidates;
  if (!top || top.score < settings.clarifyThreshold) return { type: 'fallback', score: top?.score ?? 0 };
  const close = second !== undefined && top.score - second.score < settings.clarifyMargin;
  if (top.score >= settings.answerThreshold && !close) return { type: 'answer', entryId: top.entryId, score: top.score };
  const options = candidates
    .filter((c) => c.score >= settings.clarifyThreshold && top.score - c.score < Math.max(settings.clarifyMargin * 2, 0.15))
    .slice(0, 3);
  if (options.length < 2) {
    const fallbackSecond = second && second.score >= settings.clarifyThreshold * 0.8 ? [top, second] : [top];
    return { type: 'clarify', entryIds: fallbackSecond.map((c) => c.entryId), score: top.score };
  }
  return { type: 'clarify', entryIds: options.map((c) => c.entryId), score: top.score };
}
