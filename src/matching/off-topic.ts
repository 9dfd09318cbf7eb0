import lexicon = require('./data/lexicon-id.json');
import { negatedWord } from './concepts';
import { isFunctionWord } from './lexicon';
import type { Normalizer, Token } from './normalize';

/** How much less likely every entry becomes when a message raises an off-topic subject. */
export const OFF_TOPIC_PENALTY: number = lexicon.offTopic.penalty;

/**
 * Subjects customers of a shop often raise that an FAQ does not cover (lexicon `offTopic`: job
 * vacancies, reseller schemes, store facilities, other companies' apps, other product domains,
 * general knowledge). A word counts only when the knowledge base never uses it, a phrase when it
 * never uses one of its content words, so a shop that
 * does answer "lowongan kerja" or sells TVs is matched as usual.
 */
export class OffTopic {
  private readonly words = new Set<string>();
  private readonly phrases: (readonly string[])[] = [];

  constructor(normalizer: Normalizer, known: (word: string) => boolean) {
    for (const entry of lexicon.offTopic.words) {
      const words = normalizer.tokens(entry).map((t) => t.text);
      // A phrase counts when a content word of it is one the knowledge base never uses ("password
      // wifi" beside a login entry), not for an everyday word ("jam berapa sekarang" where the
      // examples just never say "sekarang").
      if (words.length === 0 || words.every((w) => known(w) || (words.length > 1 && isFunctionWord(w)))) continue;
      if (words.length === 1) this.words.add(words[0]);
      else this.phrases.push(words);
    }
    this.phrases.sort((a, b) => b.length - a.length);
  }

  /** True for a single off-topic word: a real word, never read as a typo or two glued words ("samsat" is not "samsung at"). */
  has(word: string): boolean {
    return this.words.has(word);
  }

  /**
   * The off-topic words or phrases in a normalized message, each place counted once (the longest
   * phrase, else the word). One the customer says they lack or do not want ("gak punya
   * m-banking", "tanpa kartu atm", "belum punya kartu atm"), pays with ("bayar pake pulsa") or
   * brings along ("bawa motor") is a circumstance, not the subject. A word inside a phrase of the
   * concept lexicon (`phrasePlaces`) means what that phrase means: "grab express" is a courier.
   */
  find(tokens: readonly Token[], phrasePlaces: () => ReadonlySet<number> = () => new Set()): string[] {
    const found: string[] = [];
    // Where the concept lexicon's phrases are, worked out only once an off-topic word is seen.
    let inPhrase: ReadonlySet<number> | undefined;
    for (let i = 0; i < tokens.length; i++) {
      const text = tokens[i].text;
      const phrase = this.phrases.find((p) => p[0] === text && p.every((w, k) => tokens[i + k]?.text === w));
      const length = phrase?.length ?? (this.words.has(text) ? 1 : 0);
      if (length === 0) continue;
      inPhrase ??= phrasePlaces();
      if (inPhrase.has(i)) continue;
      if (!lacked(tokens, i)) found.push(phrase ? phrase.join(' ') : text);
      i += length - 1;
    }
    return found;
  }
}

/** Verbs of having or using: after a negation ("tidak punya", "belum pakai"), the next word is what the customer lacks. */
const HAVING = new Set(['punya', 'pakai', 'have', 'use']);
const LACKING = new Set(['tidak', 'belum', 'not', 'no', "don't"]);
/** Words before what a customer pays with ("bayar pake pulsa", "bayar lewat alfamart"), once a payment word came before. */
const PAID_WITH = new Set(['pakai', 'lewat', 'via', 'using', 'with']);
const PAYING = new Set(['bayar', 'pay', 'transfer']);

/** What the customer lacks, refuses, pays with or brings along ("bawa motor"): a circumstance of the question, not its subject. */
function lacked(tokens: readonly Token[], i: number): boolean {
  if (negatedWord(tokens, i)) return true;
  const prev = tokens[i - 1]?.text;
  const before = tokens[i - 2]?.text;
  if (prev === undefined) return false;
  if (prev === 'bawa' || prev === 'bring') return true;
  if (PAID_WITH.has(prev) && tokens.slice(0, i - 1).some((t) => PAYING.has(t.text))) return true;
  return before !== undefined && HAVING.has(prev) && LACKING.has(before);
}
