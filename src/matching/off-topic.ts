import lexicon = require('./data/lexicon-id.json');
import type { Normalizer, Token } from './normalize';

/** How much less likely every entry becomes when a message raises an off-topic subject. */
export const OFF_TOPIC_PENALTY: number = lexicon.offTopic.penalty;

/**
 * Subjects customers of a shop often raise that an FAQ does not cover (lexicon `offTopic`: job
 * vacancies, reseller schemes, store facilities, other companies' apps, other product domains,
 * general knowledge). A word counts only when the knowledge base never uses it, so a shop that
 * does answer "lowongan kerja" or sells TVs is matched as usual.
 */
export class OffTopic {
  private readonly words = new Set<string>();
  private readonly phrases: (readonly string[])[] = [];

  constructor(normalizer: Normalizer, known: (word: string) => boolean) {
    for (const entry of lexicon.offTopic.words) {
      const words = normalizer.tokens(entry).map((t) => t.text);
      if (words.length === 0 || words.some(known)) continue;
      if (words.length === 1) this.words.add(words[0]);
      else this.phrases.push(words);
    }
  }

  /** The off-topic words or phrases in a normalized message. */
  find(tokens: readonly Token[]): string[] {
    const found: string[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const text = tokens[i].text;
      if (this.words.has(text)) found.push(text);
      for (const p of this.phrases) if (p[0] === text && p.every((w, k) => tokens[i + k]?.text === w)) found.push(p.join(' '));
    }
    return found;
  }
}
