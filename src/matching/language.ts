import { words as englishStopwords } from 'natural/lib/natural/util/stopwords';
import { words as indonesianStopwords } from 'natural/lib/natural/util/stopwords_id';
import type { Language } from '../core/types';
import { isEnglishWord } from './english-words';
import { isIndonesianRoot } from './lexicon';
import { DEFAULT_SLANG } from './slang';

/** Words that say little about the language because both use them. */
const SHARED = new Set(['a', 'di', 'ok', 'oke', 'cod', 'promo', 'hp', 'online', 'email', 'no', 'me', 'tap']);

/**
 * Guesses whether a message is Indonesian or English from its words: function words from
 * natural's stop-word lists plus the knowledge base's own example vocabulary per language.
 */
export class LanguageDetector {
  private readonly id = new Set<string>();
  private readonly en = new Set<string>();
  /** Words both languages' chat uses alike. */
  private readonly neutral = new Set<string>(SHARED);

  constructor(indonesianWords: Iterable<string>, englishWords: Iterable<string>) {
    const kbId = new Set(indonesianWords);
    const kbEn = new Set(englishWords);
    for (const w of indonesianStopwords) this.id.add(w);
    const chat = chatForms();
    for (const w of chat.indonesian) this.id.add(w);
    for (const w of chat.neutral) this.neutral.add(w);
    for (const w of englishStopwords) this.en.add(w);
    // Loan words that editors use in both languages ("member", "refund", "promo") stay neutral.
    for (const w of kbEn) if (!kbId.has(w)) this.en.add(w);
    for (const w of kbId) if (!kbEn.has(w) && !this.en.has(w)) this.id.add(w);
    for (const w of ['you', 'are', 'what', 'how', 'where', 'when', 'is', 'do', 'can', 'the', 'my', 'i']) this.id.delete(w);
  }

  /** Language of a message given its folded words; `fallback` when undecided. */
  detect(words: readonly string[], fallback: Language): Language {
    let id = 0;
    let en = 0;
    for (const w of words) {
      if (this.neutral.has(w) || /\d/.test(w)) continue;
      const inId = this.id.has(w);
      const inEn = this.en.has(w);
      if (inId && !inEn) id++;
      else if (inEn && !inId) en++;
      else if (inId && inEn) {
        id += 0.5;
        en += 0.5;
      }
    }
    // One English-looking word ("refund", "ready") is common in Indonesian chat: not enough.
    if (en > id && en >= 2) return 'en';
    if (en > id && en >= 1 && words.length >= 2) return 'en';
    if (id > en) return 'id';
    return fallback;
  }
}

/** True for a chat form that is an English word standing for English words ("cheers" → "thanks"). */
function englishForEnglish(word: string, standard: string): boolean {
  const words = standard.split(' ').filter(Boolean);
  const english = (w: string): boolean => isEnglishWord(w) && !isIndonesianRoot(w);
  return english(word) && words.length > 0 && words.every(english);
}

let sortedChatForms: { readonly indonesian: readonly string[]; readonly neutral: readonly string[] } | undefined;

/**
 * The slang table's chat forms, sorted once per process: Indonesian evidence, except English words
 * written for English ones ("thanks", "cheers" → "thanks"), which people of both languages write,
 * so they say nothing and the conversation's language stands ("ok thanks").
 */
function chatForms(): { readonly indonesian: readonly string[]; readonly neutral: readonly string[] } {
  if (!sortedChatForms) {
    const indonesian: string[] = [];
    const neutral: string[] = [];
    for (const [w, standard] of Object.entries(DEFAULT_SLANG)) (englishForEnglish(w, standard) ? neutral : indonesian).push(w);
    sortedChatForms = { indonesian, neutral };
  }
  return sortedChatForms;
}

/** The language a text's own words decide, whatever the fallback; undefined when they do not. */
export function decidedLanguage(detector: LanguageDetector, words: readonly string[]): Language | undefined {
  const asId = detector.detect(words, 'id');
  return asId === detector.detect(words, 'en') ? asId : undefined;
}

/**
 * The language of each text of one collection (an imported file): a text's own words decide where
 * they can; a text they leave undecided ("Bye dude", "ok thanks") takes the language most of the
 * decided texts of the collection are in, so an English file does not put its short lines under
 * Indonesian.
 */
export function languagesOf(detector: LanguageDetector, texts: readonly (readonly string[])[]): Language[] {
  const decided = texts.map((words) => decidedLanguage(detector, words));
  const en = decided.filter((l) => l === 'en').length;
  const id = decided.filter((l) => l === 'id').length;
  const usual: Language = en > id ? 'en' : 'id';
  return decided.map((l) => l ?? usual);
}
