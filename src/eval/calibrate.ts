import { appendFileSync } from 'node:fs';
import { loadKnowledge } from '../knowledge/loader';
import { BUILT_IN_FALSE_ANSWER_RATE, tuneThresholds, writeThresholds, type Thresholds } from './tune';

export interface Calibration {
  /** The thresholds written, or undefined when there were too few examples to choose them by. */
  readonly thresholds: Thresholds | undefined;
  /** The knowledge base's own examples scored out of fold. */
  readonly examples: number;
  /** Built-in out-of-scope messages the false-answer limit was checked on. */
  readonly outOfScope: number;
  /** The settings file the thresholds were written to. */
  readonly path: string | undefined;
}

/** Fewer cross-validated examples than this say too little about how questions score (thresholds chosen on 23 moved by 0.05 with one tokenizer change): the defaults stay. */
export const MIN_CALIBRATION_EXAMPLES = 50;

/**
 * Chooses answer/clarify thresholds for a freshly imported knowledge base, which has no labelled
 * test questions yet: its own examples scored by cross-validation stand for customers' questions
 * and the built-in out-of-scope messages for those it must decline (`tanya tune` with no cases).
 * The defaults fit no knowledge base in particular; an import of 15 entries and one of 1,500
 * score differently. Writes them into the imported file's settings and notes them in
 * IMPORT-REPORT.md; with too few examples to cross-validate, keeps the defaults and says so.
 */
/** Notes in IMPORT-REPORT.md that the thresholds stay at their defaults because the knowledge base does not load yet. */
export function noteUncalibrated(kbDir: string, report: string): void {
  appendFileSync(
    report,
    [
      '',
      '## Thresholds',
      '',
      `Left at the defaults: the imported knowledge base does not load yet; run "tanya check ${kbDir}", fix what it names, then "tanya tune".`,
      '',
    ].join('\n'),
  );
}

export function calibrateImported(kbDir: string, faqFile: string, report: string): Calibration {
  const kb = loadKnowledge(kbDir);
  const result = tuneThresholds(kb, []);
  const enough = result.crossValidated >= MIN_CALIBRATION_EXAMPLES && result.feasible;
  const path = enough ? writeThresholds(kbDir, result.thresholds, faqFile) : undefined;
  const t = result.thresholds;
  const retune = `Once you have real questions, label some (questions the bot must not answer as \`null\`) and run "tanya tune --cases FILE --kb ${kbDir}" for a closer fit.`;
  const said = enough
    ? `Chosen for this knowledge base by "tanya tune" on ${result.crossValidated} of its own example questions (each scored by a matcher built without it) and ${result.builtInOutOfScope} built-in messages no FAQ answers: answer ≥ ${t.answerThreshold}, clarify ≥ ${t.clarifyThreshold}, margin ${t.clarifyMargin} (in ${path ?? faqFile}).`
    : result.crossValidated < MIN_CALIBRATION_EXAMPLES
      ? `Left at the defaults: too few entries have 3 or more example questions to test how questions score (${result.crossValidated} could be held out; at least ${MIN_CALIBRATION_EXAMPLES} are needed).`
      : `Left at the defaults: no thresholds kept the built-in out-of-scope messages answered below ${BUILT_IN_FALSE_ANSWER_RATE * 100} % (this knowledge base covers subjects they touch).`;
  appendFileSync(report, ['', '## Thresholds', '', said, retune, ''].join('\n'));
  return { thresholds: enough ? t : undefined, examples: result.crossValidated, outOfScope: result.builtInOutOfScope, path };
}
