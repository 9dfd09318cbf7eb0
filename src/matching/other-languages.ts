import stopwords = require('stopwords-iso');
import de = require('natural/lib/natural/stemmers/porter_stemmer_de');
import fr = require('natural/lib/natural/stemmers/porter_stemmer_fr');
import es = require('natural/lib/natural/stemmers/porter_stemmer_es');
import it = require('natural/lib/natural/stemmers/porter_stemmer_it');
import nl = require('natural/lib/natural/stemmers/porter_stemmer_nl');
import pt = require('natural/lib/natural/stemmers/porter_stemmer_pt');
import sv = require('natural/lib/natural/stemmers/porter_stemmer_sv');
import no = require('natural/lib/natural/stemmers/porter_stemmer_no');
import type { OtherLanguage } from '../core/types';
import { words as englishStopwords } from 'natural/lib/natural/util/stopwords';
import { words as indonesianStopwords } from 'natural/lib/natural/util/stopwords_id';
import { isEnglishWord } from './english-words';
import { isIndonesianRoot } from './lexicon';
import { foldText, foldedWords } from './normalize';
import { DEFAULT_SLANG } from './slang';
import { SURFACE_PREFIX } from './stem';

/** natural's Snowball stemmer of each language Tanya reads beside Indonesian and English. */
const STEMMERS: Readonly<Record<OtherLanguage, { stem(word: string): string }>> = { de, fr, es, it, nl, pt, sv, no };

const stopSets = new Map<OtherLanguage, ReadonlySet<string>>();

/** A language's function words (stopwords-iso), folded as messages are ("für" → "fur"). */
function stopWordsOf(lang: OtherLanguage): ReadonlySet<string> {
  let set = stopSets.get(lang);
  if (!set) {
    set = new Set((stopwords[lang] ?? []).flatMap((w) => foldedWords(w)));
    stopSets.set(lang, set);
  }
  return set;
}

/**
 * Matching terms of a text in another language: its words folded (customers often leave the
 * accents out, so "données" and "donnees" must meet), function words dropped, each stemmed by
 * the language's Snowball stemmer and kept as written too when stemming changed it. Indonesian
 * and English text goes through the normalizer's slang, synonyms and concepts instead; none of
 * that is written for these languages.
 */
export function otherLanguageTerms(text: string, lang: OtherLanguage): string[] {
  const stop = stopWordsOf(lang);
  const stemmer = STEMMERS[lang];
  const terms: string[] = [];
  for (const word of foldedWords(text)) {
    if (stop.has(word)) continue;
    const stem = /\d/.test(word) ? word : foldText(stemmer.stem(word));
    terms.push(stem);
    if (stem !== word) terms.push(`${SURFACE_PREFIX}${word}`);
  }
  return terms;
}

/** True for an Indonesian root, function word or chat form. */
function indonesian(word: string): boolean {
  return isIndonesianRoot(word) || INDONESIAN_STOP.has(word) || Object.prototype.hasOwnProperty.call(DEFAULT_SLANG, word);
}

const ENGLISH_STOP = new Set<string>(englishStopwords);
const INDONESIAN_STOP = new Set<string>(indonesianStopwords);

/** What the detector is told about the knowledge base. */
export interface LanguageEvidence {
  /** Folded words of each other language's questions. */
  readonly questionWords: ReadonlyMap<OtherLanguage, Iterable<string>>;
  /** Folded words of the Indonesian and English questions. */
  readonly ownWords: ReadonlySet<string>;
  /** Whether the knowledge base has Indonesian questions (else Indonesian roots such as "das" or "les" say nothing). */
  readonly indonesian: boolean;
  /** Words that name things rather than speak a language: product and store names. */
  readonly names: (word: string) => boolean;
}

/**
 * Tells a message written in one of a knowledge base's other languages from an Indonesian or
 * English one. A language's evidence is the words of the knowledge base's questions in it (less
 * those its Indonesian and English questions use: "covid") and its function words (stopwords-iso,
 * less English function words and dictionary words: "was", "hi", "possible"; and less Indonesian
 * words when it has Indonesian questions: "les"). A word two languages share is evidence for both.
 */
export class OtherLanguageDetector {
  /** Each evidence word's languages, and whether it is one of their questions' words. */
  private readonly evidence = new Map<string, { readonly languages: Set<OtherLanguage>; asked: boolean }>();
  private readonly own: (word: string) => boolean;

  constructor(private readonly kb: LanguageEvidence) {
    const indonesianHere = (word: string): boolean => kb.indonesian && indonesian(word);
    this.own = (word) => kb.ownWords.has(word) || ENGLISH_STOP.has(word) || indonesianHere(word);
    const add = (word: string, lang: OtherLanguage, asked: boolean): void => {
      const known = this.evidence.get(word);
      if (known) {
        known.languages.add(lang);
        known.asked ||= asked;
      } else this.evidence.set(word, { languages: new Set([lang]), asked });
    };
    for (const [lang, words] of kb.questionWords) {
      const asked = new Set([...words].filter((w) => w.length >= 2 && !/\d/.test(w) && !kb.names(w)));
      for (const word of asked) if (!kb.ownWords.has(word) && !ENGLISH_STOP.has(word) && !indonesianHere(word)) add(word, lang, true);
      for (const word of stopWordsOf(lang)) {
        if (word.length < 2 || ENGLISH_STOP.has(word) || indonesianHere(word) || (isEnglishWord(word) && !asked.has(word))) continue;
        add(word, lang, false);
      }
    }
  }

  get empty(): boolean {
    return this.evidence.size === 0;
  }

  /**
   * The other language a message's folded words are written in, or undefined: two or more of its
   * words, and more than its Indonesian or English ones (words of the knowledge base's Indonesian
   * and English questions, English function words, Indonesian words where the knowledge base has
   * them; numbers and product names count for neither) and than any other language's. A message
   * of one or two words needs one, a word of that language's questions ("Öffnungszeiten?").
   */
  detect(words: readonly string[]): OtherLanguage | undefined {
    const votes = new Map<OtherLanguage, number>();
    const asked = new Set<OtherLanguage>();
    let own = 0;
    for (const word of words) {
      if (/\d/.test(word) || this.kb.names(word)) continue;
      const found = this.evidence.get(word);
      if (found === undefined) {
        if (this.own(word)) own++;
        continue;
      }
      for (const lang of found.languages) {
        votes.set(lang, (votes.get(lang) ?? 0) + 1);
        if (found.asked) asked.add(lang);
      }
    }
    const ranked = [...votes].sort((a, b) => b[1] - a[1]);
    if (ranked.length === 0) return undefined;
    const [lang, count] = ranked[0];
    const runnerUp = ranked[1]?.[1] ?? 0;
    if (count <= own || count <= runnerUp) return undefined;
    return count >= 2 || (words.length <= 2 && asked.has(lang)) ? lang : undefined;
  }
}
