import lexicon = require('./data/lexicon-id.json');
import { negatedWord } from './concepts';
import type { Normalizer, Token } from './normalize';

/** How much less likely every entry becomes when a message raises an off-topic subject. */
export const OFF_TOPIC_PENALTY: number = lexicon.offTopic.penalty;

/**
 * Subjects customers of a shop often raise that an FAQ does not cover (lexicon `offTopic`: job
 * vacancies, reseller schemes, store facilities, other companies' apps, other product domains,
 * general knowledge). A word counts only when the knowledge base never uses it (a phrase, unless it
 * uses all its words: "password wifi" is off-topic beside a login entry), so a shop that
 * does answer "lowongan kerja" or sells TVs is matched as usual.
 */
export class OffTopic {
  private readonly words = new Set<string>();
  private readonly phrases: (readonly string[])[] = [];

  constructor(normalizer: Normalizer, known: (word: string) => boolean) {
    for (const entry of lexicon.offTopic.words) {
      const words = normalizer.tokens(entry).map((t) => t.text);
      if (words.length === 0 || words.every(known)) continue;
      if (words.length === 1) this.words.add(words[0]);
      else this.phrases.push(words);
    }
  }

  /** True for a single off-topic word: a real word, never read as a typo or two glued words ("samsat" is not "samsung at"). */
  has(word: string): boolean {
    return this.words.has(word);
  }

  /**
   * The off-topic words or phrases in a normalized message. One the customer says they lack or
   * do not want ("gak punya m-banking", "tanpa kartu atm"), or a means of coming or paying ("naik
   * motor", "via m-banking"), is a circumstance, not the subject.
   */
  find(tokens: readonly Token[]): string[] {
    const found: string[] = [];
    for (let i = 0; i < tokens.length; i++) {
      if (circumstance(tokens, i)) continue;
      const text = tokens[i].text;
      if (this.words.has(text)) found.push(text);
      for (const p of this.phrases) if (p[0] === text && p.every((w, k) => tokens[i + k]?.text === w)) found.push(p.join(' '));
    }
    return found;
  }
}

/** Words before a means of getting somewhere or paying ("naik motor", "via m-banking", "pake kartu atm"). */
const MEANS = new Set(['naik', 'via', 'lewat', 'pakai', 'using']);

/** Verbs of having or using: after a negation ("tidak punya", "tidak pakai"), the next word is what the customer lacks. */
const HAVING = new Set(['punya', 'pakai', 'ada', 'have', 'use']);

function circumstance(tokens: readonly Token[], i: number): boolean {
  if (negatedWord(tokens, i)) return true;
  const prev = tokens[i - 1]?.text;
  if (prev !== undefined && MEANS.has(prev)) return true;
  const before = tokens[i - 2]?.text;
  return prev !== undefined && HAVING.has(prev) && (before === 'tidak' || before === 'not' || before === 'no' || before === "don't");
}
