import { foldText } from './normalize';

const patterns = new WeakMap<readonly string[], RegExp | null>();

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
}

/**
 * One pattern that finds any of an editor's phrases as whole words in folded text ("mau komplain",
 * "refund belum masuk"), built once per list; null for an empty list.
 */
export function phrasePattern(phrases: readonly string[]): RegExp | null {
  let pattern = patterns.get(phrases);
  if (pattern === undefined) {
    const alternatives = phrases
      .map((p) => foldText(p).trim())
      .filter(Boolean)
      .map(escapeRegex);
    pattern = alternatives.length > 0 ? new RegExp(`(^|[^\\p{L}\\p{N}])(${alternatives.join('|')})(?=$|[^\\p{L}\\p{N}])`, 'u') : null;
    patterns.set(phrases, pattern);
  }
  return pattern;
}
