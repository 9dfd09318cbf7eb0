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
  /** Each evidence word's languages, whether it is one of their questions' words, and its vote (a word English has too counts half). */
  private readonly evidence = new Map<string, { readonly languages: Set<OtherLanguage>; asked: boolean; weight: number }>();
  private readonly own: (word: string) => boolean;
  /** Function words of these languages that are Indonesian or English words too ("das", "in"): they count for no side. */
  private readonly neutral = new Set<string>();

  constructor(private readonly kb: LanguageEvidence) {
    const indonesianHere = (word: string): boolean => kb.indonesian && indonesian(word);
    this.own = (word) => kb.ownWords.has(word) || ENGLISH_STOP.has(word) || indonesianHere(word);
    const add = (word: string, lang: OtherLanguage, asked: boolean, weight: number): void => {
      const known = this.evidence.get(word);
      if (known) {
        known.languages.add(lang);
        known.asked ||= asked;
        known.weight = Math.max(known.weight, weight);
      } else this.evidence.set(word, { languages: new Set([lang]), asked, weight });
    };
    for (const [lang, words] of kb.questionWords) {
      const asked = new Set([...words].filter((w) => w.length >= 2 && !/\d/.test(w) && !kb.names(w)));
      // A question word that is an English word too ("temps", "centre", "masque") counts half.
      for (const word of asked) {
        if (!kb.ownWords.has(word) && !ENGLISH_STOP.has(word) && !indonesianHere(word)) add(word, lang, true, isEnglishWord(word) ? 0.5 : 1);
      }
      // A function word counts even where an English question has it by mistake ("je", "suis"),
      // unless it is an English word the English questions use ("possible").
      for (const word of stopWordsOf(lang)) {
        if (ENGLISH_STOP.has(word) || indonesian(word)) this.neutral.add(word);
        const english = isEnglishWord(word) && (!asked.has(word) || kb.ownWords.has(word));
        if (word.length < 2 || ENGLISH_STOP.has(word) || indonesianHere(word) || english) continue;
        add(word, lang, false, 1);
      }
    }
  }

  get empty(): boolean {
    return this.evidence.size === 0;
  }

  /**
   * The other language a message's folded words are written in, or undefined: two or more of its
   * words (a two-letter function word counts half), and more than its Indonesian or English ones
   * (words of the knowledge base's Indonesian and English questions, English function words,
   * Indonesian words where the knowledge base has them; numbers, product names and function words
   * of both sides, such as "das", count for neither) and than any other language's. A message of
   * one or two words needs one, a word of that language's questions ("Öffnungszeiten?").
   */
  detect(words: readonly string[]): OtherLanguage | undefined {
    const votes = new Map<OtherLanguage, number>();
    const asked = new Set<OtherLanguage>();
    let own = 0;
    for (const word of words) {
      if (/\d/.test(word) || this.kb.names(word)) continue;
      const found = this.evidence.get(word);
      if (found === undefined) {
        if (this.own(word) && !this.neutral.has(word)) own++;
        continue;
      }
      // A two-letter word ("tu", "ma", "je") is also a chat short form: half a vote.
      const weight = word.length <= 2 ? Math.min(0.5, found.weight) : found.weight;
      for (const lang of found.languages) {
        votes.set(lang, (votes.get(lang) ?? 0) + weight);
        if (found.asked && weight === 1) asked.add(lang);
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
