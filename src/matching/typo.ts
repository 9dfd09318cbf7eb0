import { DamerauLevenshteinDistance } from 'natural/lib/natural/distance/levenshtein_distance';
import { isBrandWord, isDictionaryStem, isDictionaryWord } from './lexicon';
import { stemWord } from './stem';

/**
 * Corrects misspelled words against the knowledge base's vocabulary.
 *
 * Candidates come from a delete-neighbourhood index (the SymSpell idea) so a lookup costs a
 * few map reads instead of a scan over the vocabulary; natural's Damerau-Levenshtein distance
 * confirms each candidate.
 */
export class TypoCorrector {
  private readonly counts = new Map<string, number>();
  private deletesIndex: Map<string, string[]> | undefined;
  private readonly memo = new Map<string, string | null>();

  /** `vocabulary`: words (repeated as often as they occur) or a map of word → count. */
  constructor(vocabulary: Iterable<string> | ReadonlyMap<string, number>) {
    if (vocabulary instanceof Map) for (const [word, n] of vocabulary as ReadonlyMap<string, number>) this.counts.set(word, n);
    else for (const word of vocabulary as Iterable<string>) this.counts.set(word, (this.counts.get(word) ?? 0) + 1);
  }

  /**
   * The delete-neighbourhood index, built on the first lookup: most messages have no unknown
   * word, and building it after the knowledge base has loaded keeps the load fast and its
   * memory peak low.
   */
  private get deletes(): Map<string, string[]> {
    if (!this.deletesIndex) {
      const index = new Map<string, string[]>();
      for (const word of this.counts.keys()) {
        if (word.length < 4 || !/^\p{L}+$/u.test(word)) continue;
        for (const d of deletesOf(word)) {
          const list = index.get(d);
          if (list) list.push(word);
          else index.set(d, [word]);
        }
      }
      this.deletesIndex = index;
    }
    return this.deletesIndex;
  }

  /** True when the word is in the vocabulary as written. */
  knows(word: string): boolean {
    return this.counts.has(word);
  }

  /** The closest vocabulary word within 1 edit (2 for words of 8+ letters), or null. */
  correct(word: string): string | null {
    if (this.counts.has(word)) return word;
    if (word.length < 4 || !/^\p{L}+$/u.test(word)) return null;
    // A real word ("main", "makan") is not a typo of a knowledge-base word ("lain", "akan"),
    // unless it is long and one edit from a word with the same start: a spelling variant the
    // knowledge base writes its own way ("ambulans"/"ambulan", "mahram"/"mahrom").
    const real = isDictionaryWord(word) || isDictionaryStem(stemWord(word));
    if (real && word.length < REAL_WORD_VARIANT_LENGTH) return null;
    const memo = this.memo.get(word);
    if (memo !== undefined) return memo;
    const maxDistance = real ? 1 : word.length >= 8 ? 2 : 1;
    const candidates = new Set<string>(this.deletes.get(word) ?? []);
    for (const d of deletesOf(word)) {
      if (this.counts.has(d)) candidates.add(d);
      for (const c of this.deletes.get(d) ?? []) candidates.add(c);
    }
    let best: string | null = null;
    let bestDistance = Infinity;
    let bestCount = 0;
    for (const candidate of candidates) {
      // Four-letter words are too easily one edit from another word ("hack" → "back"):
      // correct them only when the first letter agrees.
      if (candidate.length < 4 || (word.length === 4 && candidate[0] !== word[0])) continue;
      if (real && candidate.slice(0, REAL_WORD_VARIANT_PREFIX) !== word.slice(0, REAL_WORD_VARIANT_PREFIX)) continue;
      // Two real words are two words, not one spelt two ways ("persen" is not "person"), unless
      // they differ only by a doubled letter ("instal"/"install").
      if (real && (isDictionaryWord(candidate) || isBrandWord(candidate)) && undoubled(candidate) !== undoubled(word)) continue;
      const distance = DamerauLevenshteinDistance(word, candidate, { restricted: true });
      const count = this.counts.get(candidate) ?? 0;
      if (distance > maxDistance) continue;
      if (distance < bestDistance || (distance === bestDistance && count > bestCount)) {
        best = candidate;
        bestDistance = distance;
        bestCount = count;
      }
    }
    if (this.memo.size > 100_000) this.memo.clear();
    this.memo.set(word, best);
    return best;
  }
}

/** Shortest real word read as a spelling variant of a knowledge-base word, and the start they must share. */
const REAL_WORD_VARIANT_LENGTH = 6;
const REAL_WORD_VARIANT_PREFIX = 3;

/** The word with one letter removed, at every position. */
function deletesOf(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

/** A word with each run of one letter written once ("install" → "instal"). */
function undoubled(word: string): string {
  return word.replace(/(\p{L})\1+/gu, '$1');
}
