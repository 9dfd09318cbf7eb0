import lexicon = require('./data/lexicon-id.json');
import type { Normalizer, Token } from './normalize';
import { isFunctionWord } from './lexicon';
import { stemWord, withoutParticle } from './stem';

const MEMBERS = new Map<string, readonly string[]>();
for (const [name, members] of [...Object.entries(lexicon.concepts), ...Object.entries(lexicon.conceptPhrases)]) {
  MEMBERS.set(name, [...(MEMBERS.get(name) ?? []), ...members]);
}

/** The words and phrases of a concept group (both lexicon sections), as written in the lexicon. */
export function conceptMembers(name: string): readonly string[] {
  return MEMBERS.get(name) ?? [];
}

/** Prefix of concept features, so they never collide with words, pairs or character grams. */
export const CONCEPT_PREFIX = '^';

/**
 * Concepts of customer-service talk (lexicon `concepts` and `conceptPhrases`): "retak", "pecah",
 * "lecet" and "cracked" all mean *rusak*. A word or phrase in a group adds the concept as one
 * more matching feature, in examples and messages alike, so a customer's word meets an editor's
 * different word for the same thing. The words themselves are kept; concepts only add evidence.
 *
 * Built per knowledge base because the lexicon's words go through the same normalizer (with the
 * knowledge base's own slang) as the text they are compared with.
 */
export class ConceptIndex {
  private readonly byWord = new Map<string, string[]>();
  /** Multi-word phrases by their first word, longest first. */
  private readonly phrases = new Map<string, { readonly words: readonly string[]; readonly concept: string }[]>();

  constructor(normalizer: Normalizer) {
    const groups: [string, readonly string[]][] = [...Object.entries(lexicon.concepts), ...Object.entries(lexicon.conceptPhrases)];
    // A phrase also stands for the word concepts its name is made of ("barang rusak" → rusak).
    const phraseParts = new Map<string, string[]>();
    for (const [name, members] of groups) {
      const concept = `${CONCEPT_PREFIX}${name.replace(/\s+/g, '_')}`;
      const inGroup = new Set([name, ...conceptMembers(name)].map((m) => m.toLowerCase()));
      for (const member of [name, ...members]) {
        // A member that normalizes to a function word ("brp" → "berapa") would tag every question.
        const words = normalizer
          .tokens(member)
          .filter((t) => t.kind === 'word')
          .map((t) => t.text);
        if (words.length === 1 && isFunctionWord(words[0]) && member !== words[0]) continue;
        // A spelling the slang table rewrites ("ngredit" → "kredit") counts only when what it
        // becomes belongs to the group too: otherwise it would pull a word of another meaning in.
        if (words.length === 1 && member !== words[0] && !inGroup.has(words[0])) continue;
        if (words.length === 1) {
          this.addWord(words[0], concept);
          // Members are not stemmed here (a few thousand stems would slow every load); a message word is
          // looked up as written, then by its stem, which the matcher computes anyway.
        } else if (words.length > 1) {
          const list = this.phrases.get(words[0]) ?? [];
          if (!list.some((p) => p.concept === concept && p.words.join(' ') === words.join(' '))) list.push({ words, concept });
          if (!phraseParts.has(concept)) phraseParts.set(concept, name.split(/\s+/));
          list.sort((a, b) => b.words.length - a.words.length);
          this.phrases.set(words[0], list);
        }
      }
    }
    for (const list of this.phrases.values()) {
      for (const p of list) {
        // An idiom stands for no word concept of its own ("terima kasih" is not "terima", received).
        if (SOCIAL.has(p.concept)) continue;
        const parts = (phraseParts.get(p.concept) ?? []).flatMap((w) => this.byWord.get(w) ?? []).filter((c) => c !== p.concept);
        this.implied.set(p.concept, [...new Set(parts)]);
      }
    }
  }

  /**
   * True when the phrase's words occur from `start` in order, with at most `PHRASE_GAP` other
   * words between them in all. A word put inside may not be a negation ("ongkir *tidak* gratis"
   * is not free shipping) or a word with a meaning of its own ("ganti *alamat* baru" is no exchange).
   */
  private phraseAt(tokens: readonly Token[], start: number, words: readonly string[]): boolean {
    return this.phraseEnd(tokens, start, words) >= 0;
  }

  /** Where the phrase's last word is when the phrase occurs from `start` (see `phraseAt`), else -1; `own` collects its words' positions. */
  private phraseEnd(tokens: readonly Token[], start: number, words: readonly string[], own?: number[]): number {
    let at = start;
    let skipped = 0;
    own?.push(start);
    for (let k = 1; k < words.length; k++) {
      at++;
      while (at < tokens.length && !sameWord(tokens[at].text, words[k])) {
        const word = tokens[at].text;
        if (++skipped > PHRASE_GAP || EXCLUDING.has(word) || NEGATIONS.has(word) || this.has(word)) return -1;
        at++;
      }
      if (at >= tokens.length) return -1;
      own?.push(at);
    }
    return at;
  }

  /** The words (as written and as stems) inside a set social phrase: "banyak" and "atas" in "terima kasih banyak atas infonya". */
  socialWords(tokens: readonly Token[]): Set<string> {
    const words = new Set<string>();
    for (const i of this.idiomWords(tokens)) {
      words.add(tokens[i].text);
      words.add(stemWord(tokens[i].text));
    }
    return words;
  }

  /**
   * Positions of words inside a set social phrase ("terima kasih", "sampai jumpa", "selamat
   * siang"): an idiom's words do not mean what they mean alone (thanks is not "received",
   * goodbye is not "arrived").
   */
  private idiomWords(tokens: readonly Token[]): Set<number> {
    const inside = new Set<number>();
    for (let i = 0; i < tokens.length; i++) {
      for (const p of this.phrasesFrom(tokens[i].text)) {
        if (!SOCIAL.has(p.concept)) continue;
        const end = this.phraseEnd(tokens, i, p.words);
        for (let k = i; k <= end; k++) inside.add(k);
      }
    }
    return inside;
  }

  /** Positions of words inside a phrase of the concept lexicon said whole ("grab express", a courier), small talk's idioms aside. */
  phrasePlaces(tokens: readonly Token[]): Set<number> {
    const inside = new Set<number>();
    for (let i = 0; i < tokens.length; i++) {
      for (const p of this.phrasesFrom(tokens[i].text)) {
        if (SOCIAL.has(p.concept)) continue;
        // Only a phrase said whole, without a word between: "shopee *saya* cicilan" is no "shopee paylater".
        const own: number[] = [];
        if (this.phraseEnd(tokens, i, p.words, own) === i + p.words.length - 1) for (const k of own) inside.add(k);
      }
    }
    return inside;
  }

  /** The phrases that start with a word, or with its root when it carries a suffix ("dananya balik" → "dana balik"). */
  private phrasesFrom(word: string): readonly { readonly words: readonly string[]; readonly concept: string }[] {
    const own = this.phrases.get(word);
    if (own) return own;
    const bare = withoutParticle(word);
    if (bare !== undefined && this.phrases.has(bare)) return this.phrases.get(bare) ?? [];
    const stem = stemWord(word);
    return stem !== word && word.startsWith(stem) ? (this.phrases.get(stem) ?? []) : [];
  }

  /** Word concepts a phrase concept also stands for. */
  private readonly implied = new Map<string, string[]>();

  /** The concepts a word (or its stem) belongs to. */
  conceptsOf(word: string): readonly string[] {
    return this.byWord.get(word) ?? this.byWord.get(stemWord(word)) ?? [];
  }

  /** True when the word (or its stem) belongs to a concept group. */
  has(word: string): boolean {
    return this.byWord.has(word) || this.byWord.has(stemWord(word));
  }

  private addWord(word: string, concept: string): void {
    const list = this.byWord.get(word);
    if (!list) this.byWord.set(word, [concept]);
    else if (!list.includes(concept)) list.push(concept);
  }

  /**
   * The concept features of a token sequence, each concept once. A word right after "tanpa",
   * "bukan", "without" or "tidak mau" ("bayar penuh, bukan cicilan") is what the customer does
   * not want, so it gives no concept.
   */
  features(tokens: readonly Token[]): string[] {
    const found = new Set<string>();
    const idiom = this.idiomWords(tokens);
    for (let i = 0; i < tokens.length; i++) {
      const text = tokens[i].text;
      if (tokens[i].kind !== 'word' || text.startsWith('#')) continue;
      if (negatedWord(tokens, i)) continue;
      for (const c of this.byWord.get(text) ?? this.byWord.get(stemWord(text)) ?? []) if (!idiom.has(i) || SOCIAL.has(c)) found.add(c);
      for (const p of this.phrasesFrom(text)) {
        if (this.phraseAt(tokens, i, p.words)) {
          found.add(p.concept);
          for (const c of this.implied.get(p.concept) ?? []) found.add(c);
        }
      }
    }
    return [...found];
  }
}

/** Other words a phrase may have inside it ("uangnya *blm* balik", "bayar *tunai* pas sampai"). */
const PHRASE_GAP = 1;

/** Concept features of small talk (lexicon `socialConcepts`: greetings, thanks, farewells), whose phrases are idioms. */
export const SOCIAL: ReadonlySet<string> = new Set<string>(lexicon.socialConcepts.map((c) => `${CONCEPT_PREFIX}${c.replace(/\s+/g, '_')}`));
/** Words that exclude what follows ("tanpa cicilan", "bukan cicilan", "without installments"). */
const EXCLUDING = new Set<string>(lexicon.excluding);
/** Negations, never skipped inside a phrase ("belum", not yet, keeps the subject: "uangnya blm balik"). */
const NEGATIONS = new Set<string>(['tidak', 'bukan', 'jangan', 'not', 'no', 'never']);

export function negatedWord(tokens: readonly Token[], i: number): boolean {
  const prev = tokens[i - 1]?.text;
  if (prev !== undefined && EXCLUDING.has(prev)) return true;
  return prev === 'mau' && tokens[i - 2]?.text === 'tidak';
}

/** A message word as a phrase's word: the same, or the word with a particle or suffix ("bantuannya", "fisiknya"). */
function sameWord(text: string, word: string): boolean {
  if (text === word) return true;
  if (text.length <= word.length || !text.startsWith(word)) return false;
  return withoutParticle(text) === word || stemWord(text) === word;
}

/**
 * Small-talk concepts a message's concept also counts as where no example of the knowledge base
 * has it (lexicon `socialImplied`): a farewell ("dadah", "bye") closes a chat as thanks do.
 */
export const SOCIAL_IMPLIED: readonly (readonly [string, string])[] = Object.entries(lexicon.socialImplied).map(([from, to]) => [
  `${CONCEPT_PREFIX}${from.replace(/\s+/g, '_')}`,
  `${CONCEPT_PREFIX}${to.replace(/\s+/g, '_')}`,
]);
