import kataDasar = require('natural/lib/natural/stemmers/indonesian/data/kata-dasar.json');
import lexicon = require('./data/lexicon-id.json');
import { isEnglishWord } from './english-words';
import { words as englishStopwords } from 'natural/lib/natural/util/stopwords';
import { words as indonesianStopwords } from 'natural/lib/natural/util/stopwords_id';

/** Indonesian root words (natural's stemmer dictionary) and Indonesian function words. */
const INDONESIAN = new Set<string>([...kataDasar, ...indonesianStopwords]);
/** Indonesian root words and function words of both languages. */
const DICTIONARY = new Set<string>([...INDONESIAN, ...englishStopwords]);

/** True for an Indonesian root or function word ("terima", "yang"), as against an English-only word. */
export function isIndonesianRoot(word: string): boolean {
  return INDONESIAN.has(word);
}

/**
 * True for words that are real words as written (an Indonesian root, a function word or an
 * English word), so typo correction must leave them alone.
 */
export function isDictionaryWord(word: string): boolean {
  return DICTIONARY.has(word) || isEnglishWord(word);
}

/**
 * True for an Indonesian root or a function word: the test for a stem, since Porter's stem of
 * an unknown word is often some English word ("warne" → "warn").
 */
export function isDictionaryStem(stem: string): boolean {
  return DICTIONARY.has(stem);
}

/** Function words ("nih", "the") that say nothing about what a customer wants. */
export function isFunctionWord(word: string): boolean {
  return FUNCTION_WORDS.has(word);
}
const FUNCTION_WORDS = new Set<string>([...englishStopwords, ...indonesianStopwords, ...lexicon.fillers]);

/**
 * English customer-service words and their Indonesian counterparts (lexicon `english`), so an
 * English question finds an entry whose examples are mostly Indonesian (and the reverse). Each
 * English word is kept and its Indonesian counterpart added beside it. A Map, so words such as
 * "constructor" are just words.
 */
export const ENGLISH_TO_INDONESIAN: ReadonlyMap<string, string> = new Map(Object.entries(lexicon.english));

/**
 * English phrases whose meaning is not their words' (lexicon `englishPhrases`: "how long" →
 * "berapa lama", "credit card" → "kartu kredit"), as written; the matcher normalizes them.
 */
export const ENGLISH_PHRASES: ReadonlyMap<string, string> = new Map(Object.entries(lexicon.englishPhrases));

const BRANDS = new Set<string>(lexicon.brands);

/** True for a brand or product-line name (lexicon `brands`: "samsung", "vivobook"). */
export function isBrandWord(word: string): boolean {
  return BRANDS.has(word);
}

const ITEM_NOUNS = new Set<string>(lexicon.itemNouns);

/** True for a noun naming a kind of device or accessory (lexicon `itemNouns`: "charger", "laptop"). */
export function isItemNoun(word: string): boolean {
  return ITEM_NOUNS.has(word);
}

/** Colour words customers use (item, black, ijo…) → one canonical colour per group. */
const COLOURS = new Map<string, string>();
for (const [canonical, words] of Object.entries(lexicon.colours)) for (const w of words) if (!w.includes(' ')) COLOURS.set(w, canonical);

/** The canonical colour of a word ("item" → "hitam", "black" → "hitam"), if it names one. */
export function canonicalColour(word: string): string | undefined {
  return COLOURS.get(word);
}
