import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument, stringify } from 'yaml';
import type { Candidate } from '../engine/types';
import { knowledgeFiles } from '../knowledge/loader';
import type { KnowledgeBase, Settings } from '../knowledge/schema';
import { decide } from '../matching/decide';
import { Matcher } from '../matching/matcher';
import { expectedEntry } from './evaluate';
import type { LabelledMessage } from './labelled-file';
import { computeMetrics, type EvalMetrics } from './metrics';

export type Thresholds = Pick<Settings, 'answerThreshold' | 'clarifyThreshold' | 'clarifyMargin'>;

export interface TuneOptions {
  /** Highest acceptable share of out-of-scope cases answered (default 0.1). */
  readonly maxFalseAnswerRate: number;
  /** Without out-of-scope cases: how much a wrong answer costs against a right one (default 0.5). */
  readonly wrongAnswerCost: number;
}

export const DEFAULT_TUNE_OPTIONS: TuneOptions = { maxFalseAnswerRate: 0.1, wrongAnswerCost: 0.5 };

export interface TuneResult {
  readonly before: EvalMetrics;
  readonly after: EvalMetrics;
  readonly thresholds: Thresholds;
}

const MARGINS = [0, 0.01, 0.02, 0.03, 0.04, 0.06, 0.08, 0.1];

/**
 * Finds answer/clarify thresholds for a knowledge base from labelled cases. With out-of-scope
 * cases: the best in-scope accuracy whose false-answer rate stays within the limit. Without:
 * the best accuracy minus the cost of wrong answers. Candidates are ranked once; each setting
 * is then replayed through the same decision rule the engine uses.
 */
export function tuneThresholds(kb: KnowledgeBase, cases: readonly LabelledMessage[], options: TuneOptions = DEFAULT_TUNE_OPTIONS): TuneResult {
  const matcher = new Matcher(kb);
  const ranked = cases.map((c) => ({ expected: expectedEntry(kb, c.intent), candidates: matcher.rank(matcher.analyze(c.text), 3) }));
  const hasOos = ranked.some((r) => r.expected === null);
  const replay = (t: Thresholds): EvalMetrics =>
    computeMetrics(
      ranked.map((r) => {
        const d = decide(r.candidates as Candidate[], t);
        return { expected: r.expected, decision: d.type, answered: d.type === 'answer' ? d.entryId : null, top: r.candidates[0]?.entryId ?? null };
      }),
    );
  const objective = (m: EvalMetrics): number => (hasOos ? m.inScopeAccuracy : m.inScopeAccuracy - options.wrongAnswerCost * m.wrongAnswerRate);
  let best: { t: Thresholds; m: EvalMetrics; feasible: boolean } | undefined;
  for (let a = 0.05; a <= 0.6 + 1e-9; a += 0.005) {
    for (const margin of MARGINS) {
      const t: Thresholds = { answerThreshold: round(a), clarifyThreshold: round(a * 0.6), clarifyMargin: margin };
      const m = replay(t);
      const feasible = !hasOos || m.falseAnswerRate <= options.maxFalseAnswerRate + 1e-9;
      const better =
        !best ||
        (feasible && !best.feasible) ||
        (feasible === best.feasible &&
          (feasible
            ? objective(m) > objective(best.m) + 1e-9
            : m.falseAnswerRate < best.m.falseAnswerRate - 1e-9 || (m.falseAnswerRate === best.m.falseAnswerRate && objective(m) > objective(best.m) + 1e-9)));
      if (better) best = { t, m, feasible };
    }
  }
  const current: Thresholds = { answerThreshold: kb.settings.answerThreshold, clarifyThreshold: kb.settings.clarifyThreshold, clarifyMargin: kb.settings.clarifyMargin };
  const chosen = best ?? { t: current, m: replay(current) };
  return { before: replay(current), after: chosen.m, thresholds: chosen.t };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/**
 * Writes thresholds into the knowledge folder's settings, keeping the file's comments: the
 * first file with a `settings:` block is edited, otherwise `settings.yaml` is created.
 */
export function writeThresholds(kbDir: string, thresholds: Thresholds): string {
  for (const path of knowledgeFiles(kbDir)) {
    const doc = parseDocument(readFileSync(path, 'utf8'));
    if (!doc.has('settings')) continue;
    for (const [key, value] of Object.entries(thresholds)) doc.setIn(['settings', key], value);
    writeFileSync(path, doc.toString());
    return path;
  }
  const path = join(kbDir, 'settings.yaml');
  const text = `# Thresholds written by "tanya tune".\n${stringify({ settings: thresholds })}`;
  writeFileSync(path, existsSync(path) ? `${readFileSync(path, 'utf8')}\n${text}` : text);
  return path;
}
