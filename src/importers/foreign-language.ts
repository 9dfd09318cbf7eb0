import { languageName } from '../core/types';
import { detect } from 'tinyld';

/** The languages Tanya reads (Malay is close enough to Indonesian to be read as it). */
const READ = new Set(['id', 'en', 'ms']);

/** Fewer questions than this with a detected language say too little about a source's language. */
const MIN_DETECTED = 5;

/**
 * Languages a FAQ source is plausibly written in. The detector also names constructed and rare
 * languages (Klingon, Volapük, Rundi) for a few short Indonesian questions; those are never the answer.
 */
const PLAUSIBLE = new Set(
  ['es', 'pt', 'nl', 'fr', 'de', 'it', 'tl', 'vi', 'th', 'tr', 'ru', 'uk', 'pl', 'cs', 'ro', 'hu', 'el', 'sv', 'da', 'no', 'fi'].concat([
    'ar',
    'he',
    'fa',
    'hi',
    'bn',
    'ur',
    'ta',
    'zh',
    'ja',
    'ko',
  ]),
);

export interface ForeignLanguage {
  /** ISO 639-1 code, e.g. "es". */
  readonly code: string;
  /** The language's English name, e.g. "Spanish". */
  readonly name: string;
  /** Share of the questions with a detected language that are in it. */
  readonly share: number;
}

/**
 * The language of a source's questions when it is one Tanya does not read (a Spanish QnA Maker
 * file, a Dutch FAQ sheet), else undefined. Each question is detected on its own with `tinyld`
 * (a single question is a weak signal, so the verdict needs five or more, most of them in one
 * plausible language and hardly any in Indonesian or English); punctuation is removed first ("¿" misleads the detector).
 */
export function foreignLanguage(questions: readonly string[]): ForeignLanguage | undefined {
  const votes = new Map<string, number>();
  let detected = 0;
  for (const q of questions) {
    const lang = detect(q.replace(/[^\p{L}\s]+/gu, ' '));
    if (!lang) continue;
    detected++;
    votes.set(lang, (votes.get(lang) ?? 0) + 1);
  }
  if (detected < MIN_DETECTED) return undefined;
  const [code, count] = [...votes].sort((a, b) => b[1] - a[1])[0];
  const readShare = [...READ].reduce((sum, lang) => sum + (votes.get(lang) ?? 0), 0) / detected;
  if (READ.has(code) || !PLAUSIBLE.has(code) || count / detected < 0.6 || readShare >= 0.25) return undefined;
  return { code, name: languageName(code), share: count / detected };
}
