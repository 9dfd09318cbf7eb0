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
import { isIndonesianRoot } from './lexicon';
import { foldText, foldedWords } from './normalize';
import { DEFAULT_SLANG } from './slang';

/** natural's Snowball stemmer of each language Tanya reads beside Indonesian and English. */
const STEMMERS: Readonly<Record<OtherLanguage, { stem(word: string): string }>> = { de, fr, es, it, nl, pt, sv, no };

/** Marks a term that is a word as written rather than its stem (as the matcher's own `SURFACE_PREFIX`). */
const SURFACE = '=';

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
    if (stem !== word) terms.push(`${SURFACE}${word}`);
  }
  return terms;
}

/** True for an Indonesian root or chat form. */
function indonesian(word: string): boolean {
  return isIndonesianRoot(word) || INDONESIAN_STOP.has(word) || Object.prototype.hasOwnProperty.call(DEFAULT_SLANG, word);
}

const ENGLISH_STOP = new Set<string>(englishStopwords);
const INDONESIAN_STOP = new Set<string>(indonesianStopwords);

/**
 * Tells a message written in one of a knowledge base's other languages from an Indonesian or
 * English one. A language's evidence is its function words (stopwords-iso) and the words of the
 * knowledge base's questions in it, less the Indonesian and English questions' words ("covid"),
 * English function words ("was", "will"), Indonesian roots and chat forms ("les"), and every
 * word two of the other languages share.
 */
export class OtherLanguageDetector {
  private readonly evidence = new Map<string, OtherLanguage>();
  private readonly ownWords: ReadonlySet<string>;

  /** `questionWords`: folded words of each language's questions; `ownWords`: those of the Indonesian and English ones. */
  constructor(questionWords: ReadonlyMap<OtherLanguage, Iterable<string>>, ownWords: ReadonlySet<string>) {
    this.ownWords = ownWords;
    const shared = new Set<string>();
    for (const [lang, words] of questionWords) {
      for (const word of new Set([...stopWordsOf(lang), ...words])) {
        if (word.length < 2 || /\d/.test(word) || ownWords.has(word) || ENGLISH_STOP.has(word) || indonesian(word)) continue;
        const before = this.evidence.get(word);
        if (before !== undefined && before !== lang) shared.add(word);
        else this.evidence.set(word, lang);
      }
    }
    for (const word of shared) this.evidence.delete(word);
  }

  get empty(): boolean {
    return this.evidence.size === 0;
  }

  /**
   * The other language a message's folded words are written in, or undefined: two or more of its
   * words (one in a message of one or two words, "Danke!") and more than the message's
   * Indonesian or English ones (words of the knowledge base's Indonesian and English questions,
   * English function words, Indonesian roots and chat forms) and any other language's.
   */
  detect(words: readonly string[]): OtherLanguage | undefined {
    const votes = new Map<OtherLanguage, number>();
    let own = 0;
    for (const word of words) {
      const lang = this.evidence.get(word);
      if (lang !== undefined) votes.set(lang, (votes.get(lang) ?? 0) + 1);
      // Not the English dictionary: its 275,000 words have "wetter", "ich" and "eine".
      else if (this.ownWords.has(word) || ENGLISH_STOP.has(word) || indonesian(word)) own++;
    }
    const ranked = [...votes].sort((a, b) => b[1] - a[1]);
    if (ranked.length === 0) return undefined;
    const [lang, count] = ranked[0];
    const runnerUp = ranked[1]?.[1] ?? 0;
    if (count <= own || count <= runnerUp) return undefined;
    return count >= 2 || words.length <= 2 ? lang : undefined;
  }
}
