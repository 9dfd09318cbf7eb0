import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isScalar, parseDocument, stringify } from 'yaml';
import type { Candidate, ContentLanguage } from '../core/types';
import { knowledgeFiles } from '../knowledge/loader';
import { groupQuestions, questionPairs, type KnowledgeBase, type Settings } from '../knowledge/schema';
import { decide } from '../matching/decide';
import { Matcher, SharedReadings } from '../matching/matcher';
import { expectedEntry } from './evaluate';
import type { LabelledMessage } from './labelled-file';
import { computeMetrics, type EvalMetrics } from './metrics';
import nearMiss = require('./data/near-miss.json');
import outOfScope = require('./data/out-of-scope.json');

export type Thresholds = Pick<Settings, 'answerThreshold' | 'clarifyThreshold' | 'clarifyMargin'>;

export interface TuneOptions {
  /** Highest acceptable share of out-of-scope cases answered (default 0.1). */
  readonly maxFalseAnswerRate: number;
  /** How much a wrong answer (or an out-of-scope question answered) costs against a right one (default 0.5). */
  readonly wrongAnswerCost: number;
  /** What a clarification that offers the right entry is worth against a right answer (default 0.1). */
  readonly clarifyValue?: number;
  /** Folds of the knowledge base's own examples scored by a matcher built without them (default 5; 0 = the cases alone). */
  readonly folds?: number;
  /**
   * How sure the false-answer rate must be within the limit, in standard deviations (default 0.5):
   * the limit is checked against the Wilson upper bound of the rate measured on the out-of-scope
   * cases, so a few dozen of them cannot make a lucky threshold look safe. 0 = the measured rate.
   */
  readonly confidence?: number;
  /**
   * When the cases hold no out-of-scope question (or none are given, as after an import), the
   * false-answer limit is checked on the built-in out-of-scope messages instead (default true).
   */
  readonly builtInOutOfScope?: boolean;
  /**
   * Highest share of the built-in out-of-scope messages answered, when they stand in (default
   * 0.15, at the same `confidence` upper bound).
   */
  readonly builtInFalseAnswerRate?: number;
  /**
   * Check the built-in near misses too (default true): questions in customer-service words about
   * another organization ("jam buka samsat", "refund traveloka belum masuk"). A labelled set's
   * few dozen out-of-scope cases are mostly far off topic, so thresholds fitted to them alone
   * answer near misses. Checked only beside some out-of-scope cases (without any, the built-in
   * out-of-scope messages stand in alone) and fewer than `FEW_OUT_OF_SCOPE` of them.
   */
  readonly nearMisses?: boolean;
  /**
   * Highest share of the built-in near misses answered (default 0.4, at the `confidence` upper
   * bound). They are hard by design, every one in customer-service words: the limit stops the
   * thresholds from falling to where most of them would be answered, not from answering any.
   */
  readonly nearMissFalseAnswerRate?: number;
}

export const DEFAULT_TUNE_OPTIONS: TuneOptions = { maxFalseAnswerRate: 0.1, wrongAnswerCost: 0.5, clarifyValue: 0.1, folds: 5, confidence: 0.5 };

export interface TuneResult {
  /** Figures on the labelled cases given (not the cross-validation examples). */
  readonly before: EvalMetrics;
  readonly after: EvalMetrics;
  readonly thresholds: Thresholds;
  /** How many of the knowledge base's own examples were scored out of fold and pooled with the cases. */
  readonly crossValidated: number;
  /** How many built-in out-of-scope messages stood in for out-of-scope cases (0 when the cases had their own). */
  readonly builtInOutOfScope: number;
  /** How many built-in near misses the thresholds were also held to (0 when not checked). */
  readonly nearMisses: number;
  /** False when no thresholds kept the false-answer rate within the limit (the least bad ones are returned). */
  readonly feasible: boolean;
}

/** Default highest share of the built-in near misses answered (see `nearMissFalseAnswerRate`). */
export const NEAR_MISS_FALSE_ANSWER_RATE = 0.4;

/** Default highest share of the built-in out-of-scope messages answered (see `builtInFalseAnswerRate`). */
export const BUILT_IN_FALSE_ANSWER_RATE = 0.15;

/** Out-of-scope cases enough to hold the thresholds without the built-in near misses beside them. */
export const FEW_OUT_OF_SCOPE = 100;
const MARGINS = [0, 0.01, 0.02, 0.03, 0.04, 0.06, 0.08, 0.1];
const CLARIFY_RATIOS = [0.5, 0.6, 0.75];

interface Ranked {
  readonly expected: string | null;
  readonly candidates: readonly Candidate[];
  /** True for the labelled cases given; false for out-of-fold examples of the knowledge base. */
  readonly given: boolean;
}

/**
 * Finds answer/clarify thresholds for a knowledge base by a documented cost, on the labelled
 * cases pooled with the knowledge base's own examples scored by cross-validation (each fold by a
 * matcher built without it), so the thresholds fit how unseen questions score rather than one
 * small dev split. Per in-scope question: a right answer is worth 1, a clarification offering the
 * right entry `clarifyValue`, a wrong answer costs `wrongAnswerCost`, a fallback 0; an
 * out-of-scope question answered costs `wrongAnswerCost`, declined 0. The best mean value whose
 * false-answer rate (on the out-of-scope cases given, at the `confidence` upper bound) stays
 * within the limit wins.
 */
export function tuneThresholds(kb: KnowledgeBase, cases: readonly LabelledMessage[], options: TuneOptions = DEFAULT_TUNE_OPTIONS): TuneResult {
  const clarifyValue = options.clarifyValue ?? DEFAULT_TUNE_OPTIONS.clarifyValue ?? 0.1;
  const z = options.confidence ?? DEFAULT_TUNE_OPTIONS.confidence ?? 0.5;
  const matcher = new Matcher(kb);
  const given: Ranked[] = cases.map((c) => ({ expected: expectedEntry(kb, c.intent), candidates: matcher.rank(matcher.analyze(c.text), 3), given: true }));
  const pooled = [...given, ...crossValidated(kb, options.folds ?? DEFAULT_TUNE_OPTIONS.folds ?? 5)];
  const hasOos = given.some((r) => r.expected === null);
  // Without out-of-scope cases the thresholds would only ever fall: built-in messages that no
  // business FAQ answers stand in, so the false-answer limit still holds for something.
  const standIn: Ranked[] =
    !hasOos && (options.builtInOutOfScope ?? true)
      ? builtInOutOfScope(kb.settings.languages).map((text) => ({ expected: null, candidates: matcher.rank(matcher.analyze(text), 3), given: false }))
      : [];
  const oosRows = hasOos ? given : standIn;
  const limit = hasOos ? options.maxFalseAnswerRate : (options.builtInFalseAnswerRate ?? BUILT_IN_FALSE_ANSWER_RATE);
  const givenOos = given.filter((r) => r.expected === null).length;
  const near: Ranked[] =
    hasOos && givenOos < FEW_OUT_OF_SCOPE && (options.nearMisses ?? true)
      ? builtInNearMisses(kb.settings.languages).map((text) => ({ expected: null, candidates: matcher.rank(matcher.analyze(text), 3), given: false }))
      : [];
  const nearLimit = options.nearMissFalseAnswerRate ?? NEAR_MISS_FALSE_ANSWER_RATE;
  const replay = (t: Thresholds, rows: readonly Ranked[]): EvalMetrics =>
    computeMetrics(
      rows.map((r) => {
        const d = decide(r.candidates, t);
        return {
          expected: r.expected,
          decision: d.type,
          answered: d.type === 'answer' ? d.entryId : null,
          top: r.candidates[0]?.entryId ?? null,
          ...(d.type === 'clarify' ? { offered: d.entryIds } : {}),
        };
      }),
    );
  // Out-of-scope questions weigh as much as they do among the cases given: the pooled examples
  // add in-scope questions only and must not make answering look cheaper.
  const oosShare = given.length === 0 ? 0 : given.filter((r) => r.expected === null).length / given.length;
  const value = (m: EvalMetrics): number => {
    const inScope = m.inScopeAccuracy + clarifyValue * m.clarifiedRight - options.wrongAnswerCost * m.wrongAnswerRate;
    return (1 - oosShare) * inScope - oosShare * options.wrongAnswerCost * m.falseAnswerRate;
  };
  // How far past its limit a false-answer rate lies, at the `confidence` upper bound (0 within it).
  const past = (m: EvalMetrics | undefined, max: number): number => (m ? Math.max(0, wilsonUpper(m.falseAnswerRate, m.outOfScope, z) - max) : 0);
  let best: { t: Thresholds; v: number; far: number; feasible: boolean } | undefined;
  for (let a = 0.05; a <= 0.6 + 1e-9; a += 0.005) {
    for (const ratio of CLARIFY_RATIOS) {
      for (const margin of MARGINS) {
        const t: Thresholds = { answerThreshold: round(a), clarifyThreshold: round(a * ratio), clarifyMargin: margin };
        const measured = oosRows.length > 0 ? replay(t, oosRows) : undefined;
        const nearMeasured = near.length > 0 ? replay(t, near) : undefined;
        // The two false-answer rates' excesses together (0 when both hold).
        const far = past(measured, limit) + past(nearMeasured, nearLimit);
        const v = value(replay(t, pooled));
        const feasible = far <= 1e-9;
        const better =
          !best ||
          (feasible && !best.feasible) ||
          (feasible === best.feasible && (feasible ? v > best.v + 1e-9 : far < best.far - 1e-9 || (far === best.far && v > best.v + 1e-9)));
        if (better) best = { t, v, far, feasible };
      }
    }
  }
  const current: Thresholds = {
    answerThreshold: kb.settings.answerThreshold,
    clarifyThreshold: kb.settings.clarifyThreshold,
    clarifyMargin: kb.settings.clarifyMargin,
  };
  const chosen = best?.t ?? current;
  return {
    before: replay(current, given),
    after: replay(chosen, given),
    thresholds: chosen,
    crossValidated: pooled.length - given.length,
    builtInOutOfScope: standIn.length,
    nearMisses: near.length,
    feasible: best?.feasible ?? false,
  };
}

/** The built-in near misses (src/eval/data/near-miss.json: customer-service words about other organizations, public offices, other product domains). */
export function builtInNearMisses(languages: readonly ContentLanguage[] = ['id', 'en']): string[] {
  return inLanguages(nearMiss.messages, languages);
}

/** The built-in out-of-scope messages (src/eval/data/out-of-scope.json: trivia, homework, weather, chit-chat statements…). */
export function builtInOutOfScope(languages: readonly ContentLanguage[] = ['id', 'en']): string[] {
  return inLanguages(outOfScope.messages, languages);
}

/**
 * The messages a knowledge base can be held to: without Indonesian among its languages, the
 * Indonesian ones are left out. An English-only FAQ scores them near 0, so counted in they would
 * make almost any threshold look safe (a calibrated 0.05 answered a quarter of the English ones).
 * English messages always count: the lexicon reads English into Indonesian, so an Indonesian
 * FAQ does score them.
 */
function inLanguages(messages: readonly { readonly text: string; readonly lang: string }[], languages: readonly ContentLanguage[]): string[] {
  const own = languages.includes('id') ? messages : messages.filter((m) => m.lang !== 'id');
  return (own.length > 0 ? own : messages).map((m) => m.text);
}

/**
 * The knowledge base's example questions, each ranked by a matcher built without its fold
 * (every k-th example of an entry, so each fold holds out some of every entry). Entries with
 * fewer than 3 examples keep theirs: without them the entry could not be matched at all.
 */
function crossValidated(kb: KnowledgeBase, folds: number): Ranked[] {
  if (folds < 2) return [];
  const out: Ranked[] = [];
  const shared = new SharedReadings(kb);
  for (let fold = 0; fold < folds; fold++) {
    const heldOut: { entry: string; text: string }[] = [];
    const entries = kb.entries.map((e) => {
      const all = questionPairs(e);
      if (all.length < 3) return e;
      const keep = all.filter((_, i) => i % folds !== fold);
      for (const [, q] of all.filter((_, i) => i % folds === fold)) heldOut.push({ entry: e.id, text: q });
      return { ...e, questions: groupQuestions(keep) };
    });
    if (heldOut.length === 0) continue;
    const matcher = new Matcher({ ...kb, entries }, {}, shared);
    for (const h of heldOut) out.push({ expected: h.entry, candidates: matcher.rank(matcher.analyze(h.text), 3), given: false });
  }
  return out;
}

/** Upper end of the Wilson score interval for a rate `p` measured on `n` cases, `z` standard deviations. */
export function wilsonUpper(p: number, n: number, z: number): number {
  if (n === 0 || z === 0) return p;
  const z2 = z * z;
  const center = p + z2 / (2 * n);
  const spread = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return Math.min(1, (center + spread) / (1 + z2 / n));
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/**
 * Writes thresholds into the knowledge folder's settings, keeping the file's comments: into
 * `file` when given (its `settings:` block, made first in the file if it has none), else the first
 * file with a `settings:` block, otherwise a new `settings.yaml`.
 */
export function writeThresholds(kbDir: string, thresholds: Thresholds, file?: string): string {
  const write = (path: string): string => {
    const doc = parseDocument(readFileSync(path, 'utf8'));
    const created = !doc.has('settings');
    for (const [key, value] of Object.entries(thresholds)) doc.setIn(['settings', key], value);
    // A new settings block goes first, where editors look for it.
    if (created && isMap(doc.contents)) {
      const items = doc.contents.items;
      const at = items.findIndex((p) => (isScalar(p.key) ? p.key.value : p.key) === 'settings');
      if (at > 0) {
        // The file's opening comment stays at the top, above the settings.
        const opening = items[0].key;
        if (isScalar(opening) && opening.commentBefore) {
          doc.commentBefore = doc.commentBefore ? `${doc.commentBefore}\n${opening.commentBefore}` : opening.commentBefore;
          opening.commentBefore = undefined;
          opening.spaceBefore = true;
        }
        items.unshift(...items.splice(at, 1));
      }
    }
    writeFileSync(path, doc.toString());
    return path;
  };
  if (file !== undefined) return write(file);
  for (const path of knowledgeFiles(kbDir)) {
    if (parseDocument(readFileSync(path, 'utf8')).has('settings')) return write(path);
  }
  const path = join(kbDir, 'settings.yaml');
  const text = `# Thresholds written by "tanya tune".\n${stringify({ settings: thresholds })}`;
  writeFileSync(path, existsSync(path) ? `${readFileSync(path, 'utf8')}\n${text}` : text);
  return path;
}
