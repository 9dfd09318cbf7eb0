import type { Settings } from '../knowledge/schema';
import type { EvalMetrics } from '../eval/metrics';
import { FEW_OUT_OF_SCOPE, NEAR_MISS_FALSE_ANSWER_RATE, type TuneResult } from '../eval/tune';
import type { StatsReport } from '../eval/reports';

const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;

/** The human-readable report of `tanya eval`. */
export function formatEvalReport(m: EvalMetrics, msPerCase: number): string {
  const lines = [
    `cases: ${m.n} (${m.inScope} in scope, ${m.outOfScope} out of scope)`,
    `in-scope accuracy:  ${pct(m.inScopeAccuracy)}   (best-ranked entry right: ${pct(m.top1Accuracy)}; wrong answers: ${pct(m.wrongAnswerRate)})`,
    `clarified with the right option: ${pct(m.clarifiedRight)}   no answer (fallback, or clarified without it): ${pct(m.missed)}`,
  ];
  if (m.outOfScope > 0) lines.push(`out-of-scope recall: ${pct(m.oosRecall)}   false-answer rate: ${pct(m.falseAnswerRate)}`);
  lines.push(
    `decisions: ${Object.entries(m.decisions)
      .filter(([, n]) => n > 0)
      .map(([d, n]) => `${d} ${n}`)
      .join(', ')}`,
  );
  lines.push(`time per case: ${msPerCase.toFixed(3)} ms`);
  const weakest = [...m.perEntry]
    .filter((e) => e.support > 0)
    .sort((a, b) => a.recall - b.recall || a.precision - b.precision)
    .slice(0, 10);
  if (weakest.length > 0) {
    lines.push('', 'weakest entries (precision / recall / cases):');
    for (const e of weakest)
      lines.push(`  ${e.entryId.padEnd(32)} ${pct(e.precision).padStart(8)} ${pct(e.recall).padStart(8)} ${String(e.support).padStart(5)}`);
  }
  if (m.confusedPairs.length > 0) {
    lines.push('', 'most confused (expected → answered):');
    for (const p of m.confusedPairs) lines.push(`  ${p.expected} → ${p.got}: ${p.count}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The before/after report of `tanya tune`. */
export function formatTuneReport(settings: Settings, result: TuneResult): string {
  const row = (name: string, m: EvalMetrics, t: { answerThreshold: number; clarifyThreshold: number; clarifyMargin: number }): string =>
    `${name.padEnd(7)} answer ≥ ${t.answerThreshold.toFixed(3)}  clarify ≥ ${t.clarifyThreshold.toFixed(3)}  margin ${t.clarifyMargin.toFixed(2)}  →  in-scope accuracy ${pct(m.inScopeAccuracy)}` +
    (m.outOfScope > 0 ? `, false-answer rate ${pct(m.falseAnswerRate)}` : `, wrong answers ${pct(m.wrongAnswerRate)}`);
  const note =
    result.before.outOfScope > 0
      ? result.nearMisses > 0
        ? `\nnote: with only ${result.before.outOfScope} out-of-scope (null) case${result.before.outOfScope === 1 ? '' : 's'}, ${result.nearMisses} built-in near misses (questions in customer-service words about other organizations) were checked too (limit: ${pct(NEAR_MISS_FALSE_ANSWER_RATE)} of them answered${result.feasible ? '' : ', not reached'}); label ${FEW_OUT_OF_SCOPE} or more questions the bot must not answer to rely on yours alone, or pass --no-near-misses if your bot answers such questions.\n`
        : ''
      : result.builtInOutOfScope > 0
        ? `\nnote: the cases have no out-of-scope (null) examples, so ${result.builtInOutOfScope} built-in messages no FAQ answers (trivia, homework, weather…) stood in for the false-answer limit; add questions your customers ask that the bot must not answer for a closer fit.\n`
        : '\nnote: the cases have no out-of-scope (null) examples; add some so tuning can weigh refusals.\n';
  const cv =
    result.crossValidated > 0
      ? `(thresholds chosen on the cases plus ${result.crossValidated} of the knowledge base's own examples scored out of fold; figures above are on the cases)\n`
      : '';
  return `${row('before', result.before, settings)}\n${row('after', result.after, result.thresholds)}\n${cv}${note}`;
}

/** The human-readable report of `tanya report stats`: every rate is a share of customer questions. */
export function formatStatsReport(s: StatsReport): string {
  const decisions = Object.entries(s.decisions)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([d, n]) => `${d} ${n}`)
    .join(', ');
  const notCounted = s.customerMessages - s.questions;
  return (
    [
      `percakapan / conversations: ${s.conversations} (${s.conversationsHandedOff} ke CS / handed to a person)`,
      `pertanyaan pelanggan / customer questions: ${s.questions}${notCounted > 0 ? ` (+${notCounted} perintah, rating atau pesan ke agen tidak dihitung / commands, ratings or messages to an agent not counted)` : ''}`,
      `keputusan / decisions: ${decisions || '—'}`,
      `ditangani bot / containment (no person needed): ${pct(s.containmentRate)}`,
      `diteruskan ke CS / handoff rate: ${pct(s.handoffRate)}`,
      `pertanyaan balik / clarification rate: ${pct(s.clarificationRate)}`,
      `CSAT: ${s.csatAverage === null ? '—' : `${s.csatAverage.toFixed(2)} / 5 (${s.csatAnswers} jawaban / answers)`}`,
      `entri teratas / top entries: ${s.topEntries.map((e) => `${e.id} ${e.answers}`).join(', ') || '—'}`,
    ].join('\n') + '\n'
  );
}
