import { OTHER_LANGUAGES, type Candidate, type Language, type OtherLanguage } from '../core/types';
import type { Entry, KnowledgeBase } from '../knowledge/schema';
import { CatalogEntities, type CatalogMatch } from './catalog-entities';
import { CONCEPT_PREFIX, ConceptIndex, conceptMembers, negatedWord, SOCIAL, SOCIAL_IMPLIED } from './concepts';
import lexicon = require('./data/lexicon-id.json');
import { OFF_TOPIC_PENALTY, OffTopic } from './off-topic';
import { DEFAULT_INDEX_OPTIONS, IntentIndex, type IndexOptions } from './intent-index';
import { decidedLanguage, LanguageDetector } from './language';
import { OtherLanguageDetector, otherLanguageTerms } from './other-languages';
import { foldedWords, Normalizer, type Token } from './normalize';
import {
  canonicalColour,
  ENGLISH_PHRASES,
  ENGLISH_TO_INDONESIAN,
  isBrandWord,
  isDictionaryStem,
  isDictionaryWord,
  isFunctionWord,
  isItemNoun,
} from './lexicon';
import { affixCandidates, splitGlued } from './colloquial';
import { productQuestion } from './product-cues';
import { stemWord, SURFACE_PREFIX } from './stem';
import { englishSynonymHead } from './english-synonyms';
import { TypoCorrector } from './typo';
import { isPlaceholderAnswer } from '../knowledge/placeholder';

/** The concept feature of greetings (lexicon concept "sapaan"). */
const GREETING = `${CONCEPT_PREFIX}sapaan`;
/** How much an entry met only through small talk keeps of its score when the message says more. */
const SOCIAL_WRAP_FACTOR = 0.4;
/** An off-topic subject lowers scores fully once it is a quarter or more of a message's content words. */
const OFF_TOPIC_FULL_SHARE_INVERSE = 4;

/** Everything the matcher read from one message. */
export interface Analysis {
  readonly tokens: readonly Token[];
  readonly catalog: CatalogMatch;
  /** Stemmed terms used for scoring (catalog mentions replaced by placeholders). */
  readonly terms: readonly string[];
  /** Misspellings fixed against the knowledge base vocabulary: [written, corrected]. */
  readonly corrections: readonly (readonly [string, string])[];
  /** The language of the bot's own sentences to this message (English for a message in another language). */
  readonly language: Language;
  /** The knowledge base's other language the message is written in (German, French …), whose answers it gets. */
  readonly answerLanguage?: OtherLanguage;
  /** The other language whose questions the message was matched against (written in it, not just replied to in it). */
  readonly readAs?: OtherLanguage;
  /** Words the knowledge base has never seen, even after typo correction. */
  readonly unknownWords: readonly string[];
  /** Off-topic words (jobs, other companies' apps…) that the knowledge base never uses. */
  readonly offTopic: readonly string[];
  /** Words inside greetings, thanks or farewells ("banyak", "atas" in "terima kasih banyak atas infonya"): no subject of their own. */
  readonly socialWords: ReadonlySet<string>;
}

/** One example question as indexed. */
interface Example {
  readonly entry: number;
  readonly terms: readonly string[];
  readonly socialWords: ReadonlySet<string>;
}

/** What the matcher reads from one example or answer text: its words (for the vocabulary) and terms. */
interface Reading {
  readonly words: readonly string[];
  readonly terms: readonly string[];
  /** Words inside its greetings and thanks (see `Analysis.socialWords`). */
  readonly socialWords: ReadonlySet<string>;
}

/**
 * Readings shared by matchers built over variants of one knowledge base that differ only in their
 * example questions (the folds of a cross-validation): each text is read once, not once per
 * fold, and the answers' index is built once. A matcher uses it only for a knowledge base with
 * the same settings, products and stores objects it was made for (its readings depend on them).
 */
export class SharedReadings {
  readonly texts = new Map<string, Reading>();
  answers: { readonly key: string; readonly index: IntentIndex | undefined; readonly words: ReadonlySet<string> } | undefined;
  constructor(private readonly kb: KnowledgeBase) {}

  fits(kb: KnowledgeBase): boolean {
    return kb.settings === this.kb.settings && kb.products === this.kb.products && kb.stores === this.kb.stores;
  }
}

/**
 * Matches customer messages against a knowledge base:
 * normalize → catalog entities → typo correction → stem → TF-IDF scoring.
 * Built once per knowledge base (a reload builds a new one).
 */
export class Matcher {
  readonly normalizer: Normalizer;
  readonly catalog: CatalogEntities;
  private readonly index: IntentIndex;
  /**
   * Entries' written answers, one document per entry: customers ask with words the answer uses
   * ("ambulans", "zoom") that no example has, most of all in imported knowledge bases with one
   * or two examples per entry.
   */
  private readonly answers: IntentIndex | undefined;
  private readonly hasAnswer: readonly boolean[];
  /** Weight of each entry's answer evidence: `answerWeight`, halved at `ANSWER_HALF_EXAMPLES` examples and shrinking with more. */
  private readonly answerShare: readonly number[];
  private readonly typos: TypoCorrector;
  private readonly concepts: ConceptIndex;
  private readonly offTopic: OffTopic;
  /** Stems of the knowledge base's words, for colloquial forms whose root it uses. */
  private readonly knownStems = new Set<string>();
  private readonly informalMemo = new Map<string, Token[] | null>();
  /** English phrases (normalized) by their first word, longest first. */
  private readonly englishPhrases: EnglishPhrases = new Map();
  /** Words of small talk (greetings, thanks, acknowledgements) after normalization. */
  private readonly socialWords = new Set<string>();
  /** Entries whose examples are mostly small talk. */
  private readonly socialEntries = new Set<number>();
  private readonly language: LanguageDetector;
  /** Tells messages in the knowledge base's other languages (German, French …) when it has questions in any. */
  private readonly otherLanguage: OtherLanguageDetector | undefined;
  /** The examples of each other language, indexed on their own. */
  private readonly otherIndexes: ReadonlyMap<OtherLanguage, IntentIndex>;
  /** The language of every message when the knowledge base has no Indonesian or English questions. */
  private readonly onlyOtherLanguage: OtherLanguage | undefined;
  private readonly entryIds: readonly string[];
  private readonly entriesById: ReadonlyMap<string, Entry>;
  private readonly entryIndex: ReadonlyMap<string, number>;
  /**
   * Words of the catalogue's product descriptions that no FAQ or policy entry uses ("titanium",
   * "chip", "cancelling"): beside a product, one asks about the product's details.
   */
  private readonly featureWords = new Set<string>();
  /** Words of the entries' written answers ("nomor" where the answers give phone numbers). */
  private readonly answerWords: ReadonlySet<string>;
  /** True when English synonyms are read (`FEW_EXAMPLES_PER_ENTRY`). */
  private readonly englishSynonyms: boolean;

  constructor(
    readonly kb: KnowledgeBase,
    overrides: Partial<IndexOptions> = {},
    shared?: SharedReadings,
  ) {
    const readings = shared?.fits(kb) ? shared : undefined;
    const options: IndexOptions = { ...DEFAULT_INDEX_OPTIONS, ...definedOnly(kb.settings.matching), ...overrides };
    // Decided per knowledge base, folds included: a fold reads as a matcher built on it alone would.
    this.englishSynonyms = fewExamples(kb);
    this.normalizer = new Normalizer({ slang: kb.settings.slang, synonyms: kb.settings.synonyms });
    this.catalog = new CatalogEntities(this.normalizer, kb.products, kb.stores, [kb.settings.shopName, kb.settings.botName]);
    this.concepts = new ConceptIndex(this.normalizer);
    for (const [phrase, indonesian] of ENGLISH_PHRASES) {
      const words = this.normalizer.tokens(phrase).map((t) => t.text);
      if (words.length < 2) continue;
      const list = this.englishPhrases.get(words[0]) ?? [];
      // The phrase's own words stay as they are; its counterpart adds only what they do not
      // already say ("customer service" → "admin", itself read as "customer service", adds nothing).
      const own = new Set(words.map(stemWord));
      const terms = [...new Set(this.normalizer.tokens(indonesian).map((t) => stemWord(t.text)))].filter((term) => !own.has(term));
      list.push({ words, terms });
      list.sort((a, b) => b.words.length - a.words.length);
      this.englishPhrases.set(words[0], list);
    }
    for (const group of lexicon.socialConcepts) {
      const members = [group, ...conceptMembers(group)];
      // Single words only: a phrase's words ("atas informasinya" in thanks) are small talk only
      // inside the phrase, which the analysis finds by position (`Analysis.socialWords`).
      for (const member of members) {
        const words = this.normalizer.tokens(member).filter((t) => t.kind === 'word');
        if (words.length === 1) this.socialWords.add(words[0].text);
      }
    }
    // A bare yes or no ("iya bener", "gak") is small talk too, unless the word means something of its own ("batal", "lanjut").
    for (const word of [...lexicon.yesNo.yes, ...lexicon.yesNo.no])
      for (const t of this.normalizer.tokens(word))
        if (t.kind === 'word' && !this.concepts.conceptsOf(t.text).some((c) => !SOCIAL.has(c))) this.socialWords.add(t.text);
    this.entryIds = kb.entries.map((e) => e.id);
    this.entriesById = new Map(kb.entries.map((e) => [e.id, e]));
    this.entryIndex = new Map(kb.entries.map((e, i) => [e.id, i]));

    const idWords = new Set<string>();
    const enWords = new Set<string>();
    const vocabulary = new Map<string, number>();
    const count = (word: string): void => {
      vocabulary.set(word, (vocabulary.get(word) ?? 0) + 1);
    };
    for (const word of this.catalog.vocabulary()) count(word);
    const examples: Example[] = [];
    // Words of entries answered by fixed text (policies, FAQ): a product description's word that is
    // one of them ("garansi") says which entry, not that the customer asks for the product's details.
    const faqWords = new Set<string>();
    const otherWords = new Map<OtherLanguage, string[]>();
    // Each other language's examples make an index of their own: in the shared one, an entry's
    // German and French examples would pull its centroid away from its English ones.
    const otherExamples = new Map<OtherLanguage, Example[]>();
    const add = (entry: number, text: string, english = false): void => {
      const reading = this.read(text, readings, english);
      const faq = kb.entries[entry].handler === undefined;
      for (const word of reading.words) {
        count(word);
        if (faq) faqWords.add(word);
      }
      examples.push({ entry, terms: reading.terms, socialWords: reading.socialWords });
    };
    kb.entries.forEach((entry, i) => {
      for (const q of entry.questions.id) {
        add(i, q);
        for (const w of foldedWords(q)) idWords.add(w);
      }
      for (const q of entry.questions.en) {
        add(i, q, this.englishSynonyms);
        for (const w of foldedWords(q)) enWords.add(w);
      }
      for (const k of entry.keywords) add(i, k);
      if (entry.title) add(i, entry.title.id);
      // Questions in the knowledge base's other languages are read as those languages, not through
      // the Indonesian normalizer; their words stay out of the typo vocabulary ("mein" is no typo of "main").
      for (const lang of OTHER_LANGUAGES) {
        for (const q of entry.questions[lang] ?? []) {
          const list = otherExamples.get(lang) ?? [];
          list.push({ entry: i, terms: otherLanguageTerms(q, lang), socialWords: NO_WORDS });
          otherExamples.set(lang, list);
          const words = otherWords.get(lang) ?? [];
          words.push(...foldedWords(q));
          otherWords.set(lang, words);
        }
      }
    });
    const catalogWords = new Set(this.catalog.vocabulary());
    for (const product of kb.products) {
      for (const text of [product.description?.id, product.description?.en]) {
        for (const t of text ? this.normalizer.tokens(text) : []) {
          const w = t.text;
          if (t.kind !== 'word' || w.length < 3 || /\d/.test(w) || isFunctionWord(w) || faqWords.has(w) || catalogWords.has(w)) continue;
          const asked = productQuestion([t]);
          if (asked === 'product-price' || asked === 'product-stock') continue;
          this.featureWords.add(w);
        }
      }
    }
    this.typos = new TypoCorrector(vocabulary);
    for (const word of vocabulary.keys()) this.knownStems.add(stemWord(word));
    this.offTopic = new OffTopic(this.normalizer, (word) => vocabulary.has(word));
    this.index = new IntentIndex(kb.entries.length, examples, options);
    this.otherIndexes = new Map([...otherExamples].map(([lang, list]) => [lang, new IntentIndex(kb.entries.length, list, options)]));
    // A knowledge base written only in other languages (a German Rasa project) reads every message as its main one.
    const [main] = [...otherExamples].sort((a, b) => b[1].length - a[1].length)[0] ?? [];
    this.onlyOtherLanguage = examples.length === 0 ? main : undefined;
    const answerTexts = kb.entries.map(answerText);
    this.hasAnswer = answerTexts.map((text) => text !== undefined);
    this.answerShare = kb.entries.map((e) => {
      // Questions of the main index only: other languages' are scored apart, without answers.
      const examples = mainQuestions(e);
      return (options.answerWeight * ANSWER_HALF_EXAMPLES) / (ANSWER_HALF_EXAMPLES + examples);
    });
    const answersKey = `${JSON.stringify(options)}\u0000${this.englishSynonyms}\u0000${answerTexts.join('\u0000')}`;
    if (readings?.answers?.key === answersKey) {
      this.answers = readings.answers.index;
      this.answerWords = readings.answers.words;
    } else {
      const answerDocs: { entry: number; terms: string[] }[] = [];
      const words = new Set<string>();
      answerTexts.forEach((text, i) => {
        const answer = kb.entries[i].answer;
        if (!text || !answer) return;
        // Each language read as itself: English synonyms for the English text only. Answers in
        // the other languages stay out: one document per entry in three languages would weigh its
        // English words a third as much.
        const terms = [answer.id, answer.en ?? ''].flatMap((part, k) => {
          const tokens = this.normalizer.tokens(part);
          for (const t of tokens) if (t.kind === 'word') words.add(t.text);
          return this.termsWithConcepts(this.catalog.match(tokens).masked, k === 1 && this.englishSynonyms ? EVERY_TERM : undefined);
        });

        answerDocs.push({ entry: i, terms });
      });
      this.answers =
        options.answerWeight > 0 && answerDocs.length > 0
          ? new IntentIndex(kb.entries.length, answerDocs, { ...options, modelWeight: 0, exampleWeight: 0, charWeight: 0 })
          : undefined;
      this.answerWords = words;
      if (readings) readings.answers = { key: answersKey, index: this.answers, words };
    }
    // Entries whose examples are mostly small talk ("Halo, selamat pagi", "Makasih kak").
    const social = new Map<number, [number, number]>();
    for (const ex of examples) {
      const tally = social.get(ex.entry) ?? [0, 0];
      tally[1]++;
      if (ex.terms.some((t) => this.isSocialTerm(t)) && this.contentTerms(ex.terms, ex.socialWords).length === 0) tally[0]++;
      social.set(ex.entry, tally);
    }
    for (const [entry, [smallTalk, all]] of social) if (smallTalk >= 0.5 * all) this.socialEntries.add(entry);
    this.language = new LanguageDetector(idWords, enWords);
    const others = new OtherLanguageDetector({
      questionWords: otherWords,
      ownWords: new Set([...idWords, ...enWords]),
      indonesian: idWords.size > 0,
      names: (word) => catalogWords.has(word),
    });
    this.otherLanguage = others.empty ? undefined : others;
  }

  entry(id: string): Entry | undefined {
    return this.entriesById.get(id);
  }

  get entries(): readonly Entry[] {
    return this.kb.entries;
  }

  /** Reads a message: tokens, catalog mentions, corrected and stemmed terms, language. */
  analyze(
    text: string,
    fallbackLanguage: Language = this.kb.settings.defaultLanguage,
    typed: readonly Token[] = this.normalizer.tokens(text),
    fallbackOther?: OtherLanguage,
  ): Analysis {
    const other = this.otherLanguage?.detect(foldedWords(text)) ?? this.onlyOtherLanguage;
    if (other) return this.analyzeOther(text, other, typed);
    const analysis = this.analyzeOwn(text, fallbackLanguage, typed);
    // A reply whose words say no language ("1", "ok", a name) is matched as usual and answered in
    // the conversation's other language.
    if (fallbackOther && this.otherIndexes.has(fallbackOther) && decidedLanguage(this.language, foldedWords(text)) === undefined)
      return { ...analysis, language: 'en', answerLanguage: fallbackOther };
    return analysis;
  }

  /** True when a message's own words say it is Indonesian or English (and not another language of the knowledge base). */
  speaksOwnLanguage(text: string): boolean {
    const words = foldedWords(text);
    return decidedLanguage(this.language, words) !== undefined && this.otherLanguage?.detect(words) === undefined;
  }

  /** A message read as Indonesian or English. */
  private analyzeOwn(text: string, fallbackLanguage: Language, typed: readonly Token[]): Analysis {
    const tokens = this.catalog.hasProducts ? this.catalog.joinCodes(typed) : typed;
    const offTopic = this.offTopic.find(tokens, () => this.concepts.phrasePlaces(tokens));
    const corrections: [string, string][] = [];
    const unknownWords: string[] = [];
    const corrected: Token[] = [];
    for (const t of tokens) {
      if (t.kind !== 'word' || this.typos.knows(t.text) || isFunctionWord(t.text)) {
        corrected.push(t);
        continue;
      }
      // A word the lexicon knows (a colour, a concept's word, an English service word) is a real
      // word, not a typo of the knowledge base's vocabulary: "pink" is not "pick", "back" not "bank".
      // Brand and device names too: "redmi" is not a typo of "resmi".
      if (
        canonicalColour(t.text) !== undefined ||
        this.concepts.has(t.text) ||
        ENGLISH_TO_INDONESIAN.has(t.text) ||
        englishSynonymHead(t.text) !== undefined ||
        isBrandWord(t.text) ||
        isItemNoun(t.text) ||
        this.offTopic.has(t.text)
      ) {
        corrected.push(t);
        continue;
      }
      const informal = this.informal(t.text);
      if (informal) {
        corrections.push([t.text, informal.map((x) => x.text).join(' ')]);
        corrected.push(...informal);
        continue;
      }
      const fix = this.typos.correct(t.text);
      if (fix && fix !== t.text) {
        corrections.push([t.text, fix]);
        corrected.push({ text: fix, kind: 'word' });
        continue;
      }
      unknownWords.push(t.text);
      corrected.push(t);
    }
    const catalog = this.catalog.match(corrected);
    // Function words the knowledge base never uses ("nih", "the") are neither evidence for
    // an entry nor against it, so they do not dilute the score.
    const language = this.language.detect(foldedWords(text), fallbackLanguage);
    const known = (term: string): boolean => this.index.has(term) || (this.answers?.has(term) ?? false);
    const terms = this.termsWithConcepts(catalog.masked, language === 'en' && this.englishSynonyms ? known : undefined).filter(
      (term) => !(isFunctionWord(term) && !this.index.has(term)),
    );
    // A farewell where no example says one ("bye" to a bot whose small talk greets and thanks) counts as thanks.
    for (const [from, to] of SOCIAL_IMPLIED) if (terms.includes(from) && !this.index.has(from) && !terms.includes(to)) terms.push(to);
    const socialWords = this.socialWordsOf(catalog.masked);
    return { tokens: corrected, catalog, terms, corrections, language, unknownWords, offTopic, socialWords };
  }

  /**
   * A message in one of the knowledge base's other languages, read as that language
   * (`otherLanguageTerms`): none of the Indonesian slang, typo or concept reading applies, and the
   * bot's own sentences to it are English.
   */
  private analyzeOther(text: string, lang: OtherLanguage, typed: readonly Token[]): Analysis {
    const catalog = this.catalog.match(this.catalog.hasProducts ? this.catalog.joinCodes(typed) : typed);
    const terms = otherLanguageTerms(text, lang);
    return {
      tokens: typed,
      catalog,
      terms,
      corrections: [],
      language: 'en',
      answerLanguage: lang,
      readAs: lang,
      unknownWords: [],
      offTopic: [],
      socialWords: NO_WORDS,
    };
  }

  /** An example's words and terms, from the shared readings when another fold has read it already. */
  private read(text: string, readings: SharedReadings | undefined, english: boolean): Reading {
    const key = english ? `en\u0000${text}` : text;
    const known = readings?.texts.get(key);
    if (known) return known;
    const masked = this.catalog.match(this.catalog.joinCodes(this.normalizer.tokens(text))).masked;
    const reading = {
      words: masked.filter((t) => t.kind === 'word' && !t.text.startsWith('#')).map((t) => t.text),
      terms: this.termsWithConcepts(masked, english ? EVERY_TERM : undefined),
      socialWords: this.socialWordsOf(masked),
    };
    readings?.texts.set(key, reading);
    return reading;
  }

  /**
   * Words of small talk by position: inside a greeting or thanks phrase, and the Indonesian words an
   * English social word adds ("thanks" → "terima kasih").
   */
  private socialWordsOf(tokens: readonly Token[]): Set<string> {
    const words = this.concepts.socialWords(tokens);
    for (const t of tokens) {
      if (!this.socialWords.has(t.text)) continue;
      for (const w of (ENGLISH_TO_INDONESIAN.get(t.text) ?? '').split(' ').filter(Boolean)) {
        words.add(w);
        words.add(stemWord(w));
      }
    }
    return words;
  }

  /**
   * Stemmed terms of masked tokens followed by their concept features (examples and messages
   * alike). English synonyms (`englishSynonymHead`) are read only in English text, with `known`
   * saying which terms the knowledge base uses: for its own English texts every head is added;
   * for a message only those it uses, as a term no entry uses would only lower every score.
   * Indonesian text never gets them: "promo" and "voucher" are two entries of many shops.
   */
  private termsWithConcepts(tokens: readonly Token[], known?: (term: string) => boolean): string[] {
    return [
      ...termsOf(
        tokens.filter((_, i) => !negatedWord(tokens, i)),
        this.englishPhrases,
        known,
      ),
      ...this.concepts.features(tokens),
    ];
  }

  /**
   * An informal word the knowledge base does not use, read as words it does: a colloquial affix
   * ("ngirimin" → "kirim") or two words typed without a space ("brphrg" → "berapa harga").
   * Real words (natural's root dictionary) and words of the concept lexicon are left alone.
   */
  private informal(word: string): Token[] | undefined {
    const memo = this.informalMemo.get(word);
    if (memo !== undefined) return memo ?? undefined;
    let found: Token[] | null = null;
    // A real word with affixes ("jawabannya", "semalam") is stemmed, not split ("jawa ban").
    const stem = stemWord(word);
    if (word.length >= 4 && !isDictionaryWord(word) && !(stem !== word && isDictionaryStem(stem)) && !this.concepts.has(word)) {
      const known = (x: Token): boolean =>
        x.kind !== 'word' || this.typos.knows(x.text) || this.knownStems.has(stemWord(x.text)) || this.concepts.has(x.text) || isFunctionWord(x.text);
      const usable = (w: string): Token[] | undefined => {
        const toks = this.normalizer.tokens(w);
        return toks.length > 0 && toks.every(known) && toks.some((x) => !isFunctionWord(x.text)) ? toks : undefined;
      };
      for (const candidate of affixCandidates(word)) {
        const toks = usable(candidate);
        if (toks) {
          found = toks;
          break;
        }
      }
      if (!found) {
        const split = splitGlued(word, (part) => {
          const toks = this.normalizer.tokens(part);
          return toks.length > 0 && toks.every(known) && (part.length >= 3 || toks.every((x) => isFunctionWord(x.text)));
        });
        const toks = split ? this.normalizer.tokens(split.join(' ')) : [];
        if (toks.some((x) => !isFunctionWord(x.text))) found = toks;
      }
    }
    if (this.informalMemo.size > 50_000) this.informalMemo.clear();
    this.informalMemo.set(word, found);
    return found ?? undefined;
  }

  /** Entries ranked for an analysed message, best first, with scores in 0..1. */
  rank(analysis: Analysis, limit = 5): Candidate[] {
    // A subject the knowledge base never talks about (a job vacancy, another app's login) makes
    // every entry less likely, however well the rest of the message fits.
    const factor = this.offTopicFactor(analysis);
    const scored = this.scores(analysis.terms, limit + 2, analysis.readAs).map((s) => ({ entryId: this.entryIds[s.entry], score: s.score * factor }));
    // "Selamat siang, … harga iPhone 15 … Terima kasih": small talk wrapped around a question.
    // A small-talk entry yields to the question.
    if (scored.length > 1 && this.socialEntries.size > 0 && this.hasContent(analysis)) {
      for (const c of scored) if (this.socialEntries.has(this.entryIndex.get(c.entryId) ?? -1)) c.score *= SOCIAL_WRAP_FACTOR;
      scored.sort((a, b) => b.score - a.score);
    }
    return scored.slice(0, limit).map((c) => ({ entryId: c.entryId, score: round(c.score) }));
  }

  /**
   * Entries scored on their questions plus their answers' evidence, weighted per entry (see
   * `answerShare`). An entry without a written answer (a catalog handler) has its questions
   * stand in for it, so written answers never outrank handler entries on their own.
   */
  private scores(terms: readonly string[], limit: number, other?: OtherLanguage): { entry: number; score: number }[] {
    const otherIndex = other === undefined ? undefined : this.otherIndexes.get(other);
    if (otherIndex) return otherIndex.score(terms, limit);
    if (!this.answers) return this.index.score(terms, limit);
    const byEntry = new Map<number, number>();
    for (const s of this.index.score(terms, limit + ANSWER_POOL))
      byEntry.set(s.entry, s.score + (this.hasAnswer[s.entry] ? 0 : this.answerShare[s.entry] * s.centroid));
    for (const s of this.answers.score(terms, limit + ANSWER_POOL)) byEntry.set(s.entry, (byEntry.get(s.entry) ?? 0) + this.answerShare[s.entry] * s.score);
    const ranked = [...byEntry].map(([entry, score]) => ({ entry, score })).sort((a, b) => b.score - a.score);
    // A strong match plus its answer can pass 1: all are scaled down together, so the order and
    // the lead over the second survive (capping would tie two strong entries at 1).
    const top = ranked[0]?.score ?? 0;
    if (top > 1) for (const r of ranked) r.score /= top;
    return ranked.slice(0, limit);
  }

  /** Words of the message that neither the questions nor the written answers of the knowledge base use. */
  unseenWords(analysis: Analysis): string[] {
    return analysis.unknownWords.filter((w) => !this.answerWords.has(w));
  }

  /** True when the message only greets ("halo kak", "selamat pagi min"): it asks nothing yet. */
  greetsOnly(analysis: Analysis): boolean {
    return analysis.terms.includes(GREETING) && this.smallTalkOnly(analysis);
  }

  /** The words of a message that name a product feature from the catalogue's descriptions ("titanium", "noise"). */
  featureWordsIn(analysis: Analysis): string[] {
    return analysis.tokens.filter((t) => t.kind === 'word' && this.featureWords.has(t.text)).map((t) => t.text);
  }

  /** True when the message is small talk alone ("selamat pagi", "makasih ya kak"): social words, nothing it asks for. */
  smallTalkOnly(analysis: Analysis): boolean {
    return analysis.terms.some((t) => this.isSocialTerm(t)) && !this.hasContent(analysis);
  }

  /** True for an entry whose examples are mostly small talk (a greeting, thanks or goodbye entry). */
  isSocialEntry(entryId: string): boolean {
    return this.socialEntries.has(this.entryIndex.get(entryId) ?? -1);
  }

  /** A term of small talk: a greeting or thanks word, or its concept. */
  private isSocialTerm(t: string): boolean {
    if (t.startsWith(CONCEPT_PREFIX)) return SOCIAL.has(t);
    return this.socialWords.has(t.startsWith('=') ? t.slice(1) : t);
  }

  /**
   * How much an off-topic subject lowers every score: fully when it is a good part of what the
   * message says ("jam buka samsat"), less in a long message whose question is about something
   * else ("… alamat yang di Surabaya di mana? Biar saya bisa cari parkir di dekatnya").
   */
  private offTopicFactor(analysis: Analysis): number {
    if (analysis.offTopic.length === 0) return 1;
    const content = this.contentTerms(analysis.terms, analysis.socialWords).length;
    const share = Math.min(1, (OFF_TOPIC_FULL_SHARE_INVERSE * analysis.offTopic.length) / Math.max(1, content));
    return 1 - OFF_TOPIC_PENALTY * share * share;
  }

  /**
   * How many things a message says, for telling a short follow-up ("yaudah yg 4/128 navy di jkt?")
   * from a question of its own: its terms without spelling markers, concept features, function
   * words and small talk.
   */
  spokenLength(analysis: Analysis): number {
    return analysis.terms.filter(
      (t) => !t.startsWith('=') && !t.startsWith(CONCEPT_PREFIX) && !isFunctionWord(t) && !this.isSocialTerm(t) && !analysis.socialWords.has(t),
    ).length;
  }

  /** True when a message says something beyond small talk: a content word outside its greetings and thanks. */
  private hasContent(analysis: Analysis): boolean {
    return this.contentTerms(analysis.terms, analysis.socialWords).length > 0;
  }

  /** The content terms of a text outside its greetings and thanks. */
  private contentTerms(terms: readonly string[], socialWords: ReadonlySet<string>): string[] {
    return terms.filter((t) => this.isContentTerm(t) && !socialWords.has(t));
  }

  /** A term that says what the customer wants: not small talk, a function word or a bare number. */
  private isContentTerm(t: string): boolean {
    if (t.startsWith('=') || t === '#num' || isFunctionWord(t) || this.isSocialTerm(t)) return false;
    if (t.startsWith(CONCEPT_PREFIX)) return false;
    return !this.concepts.conceptsOf(t).some((c) => SOCIAL.has(c));
  }

  /**
   * True when the message meets the entry only through small talk ("ok", "makasih", "halo"):
   * "ok. btw buds fe putih brp" is a price question, not thanks.
   */
  socialOnly(analysis: Analysis, entryId: string): boolean {
    const i = this.entryIndex.get(entryId);
    if (i !== undefined && this.socialEntries.has(i)) return true;
    const shared = this.matchedTerms(analysis, entryId).filter((t) => !t.startsWith('='));
    return shared.length > 0 && shared.every((t) => this.isSocialTerm(t));
  }

  /**
   * True when `top` meets every content word of the message that `other` meets, and more: the
   * close second has nothing of its own to offer ("data biometrik" against an entry sharing only
   * "apa yang dimaksud").
   */
  covers(analysis: Analysis, top: string, other: string): boolean {
    const content = (id: string): Set<string> =>
      new Set(this.matchedTerms(analysis, id).filter((t) => (!t.startsWith('=') && this.isContentTerm(t)) || t.startsWith(CONCEPT_PREFIX)));
    const mine = content(top);
    const theirs = content(other);
    return mine.size > theirs.size && [...theirs].every((t) => mine.has(t));
  }

  /** Terms of the message that also occur in the entry's examples. */
  matchedTerms(analysis: Analysis, entryId: string): string[] {
    const i = this.entryIndex.get(entryId);
    const index = (analysis.readAs && this.otherIndexes.get(analysis.readAs)) || this.index;
    return i === undefined ? [] : index.sharedTerms(i, analysis.terms);
  }
}

/** Extra candidates read from each index before their scores are combined. */
const ANSWER_POOL = 15;
/**
 * English synonyms are read only in a knowledge base with at most this many questions per entry
 * on average: an imported FAQ's one or two questions per entry need them to meet a customer's
 * other word, while many examples cover the words already, and the heads only raise the scores
 * of messages no entry answers (clinc150, 100 examples per intent: 85.6 → 83.6 % answered right
 * at the same false-answer rate).
 */
const FEW_EXAMPLES_PER_ENTRY = 10;

/** An entry's Indonesian and English questions: those of the main index (other languages are indexed apart). */
function mainQuestions(entry: Entry): number {
  return entry.questions.id.length + entry.questions.en.length;
}

/** True for a knowledge base with at most `FEW_EXAMPLES_PER_ENTRY` questions per entry on average. */
function fewExamples(kb: KnowledgeBase): boolean {
  const questions = kb.entries.reduce((n, e) => n + mainQuestions(e), 0);
  return questions <= FEW_EXAMPLES_PER_ENTRY * Math.max(1, kb.entries.length);
}
/** No words (an example or message in another language has no small talk the lexicon knows). */
const NO_WORDS: ReadonlySet<string> = new Set();
/** For the knowledge base's own English texts: every English synonym head is a term. */
const EVERY_TERM = (): boolean => true;

/** Examples at which an entry's answer counts half as much: the more examples, the less its answer adds. */
const ANSWER_HALF_EXAMPLES = 5;

/** An entry's written answer in every language, or undefined (catalog handlers, placeholders). */
function answerText(entry: Entry): string | undefined {
  if (!entry.answer || isPlaceholderAnswer(entry.answer.id)) return undefined;
  return [entry.answer.id, entry.answer.en ?? ''].join('\n');
}

function termOf(token: Token): string {
  return token.text.startsWith('#') ? token.text : stemWord(token.text);
}

export { SURFACE_PREFIX };

/** English phrases by their first word: the phrase's normalized words and the Indonesian terms it adds. */
type EnglishPhrases = Map<string, { readonly words: readonly string[]; readonly terms: readonly string[] }[]>;

/**
 * Stemmed terms, each English service word followed by its Indonesian counterpart; an English
 * phrase ("how long") is followed by its Indonesian terms instead of its words' ("berapa lama",
 * not "bagaimana lama").
 */
function termsOf(tokens: readonly Token[], phrases: EnglishPhrases, known: ((term: string) => boolean) | undefined): string[] {
  const out: string[] = [];
  let phraseEnd = -1;
  let phraseTerms: readonly string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (i > phraseEnd) {
      const hit = phrases.get(t.text)?.find((p) => p.words.every((w, k) => tokens[i + k]?.text === w));
      if (hit) {
        phraseEnd = i + hit.words.length - 1;
        phraseTerms = hit.terms;
      }
    }
    const term = termOf(t);
    // Another English word for the same thing ("dog" → "pet"): its group's head word too. A word
    // the knowledge base never uses stands for the head alone: kept beside it, the unknown word
    // would only lower the score of the entry the head finds.
    const head = known && i > phraseEnd ? englishSynonymHead(t.text) : undefined;
    const headTerm = head === undefined ? undefined : stemWord(head);
    const useHead = headTerm !== undefined && headTerm !== term && known !== undefined && known(headTerm);
    const instead = useHead && known !== undefined && !known(term) && !ENGLISH_TO_INDONESIAN.has(t.text);
    out.push(instead ? headTerm : term);
    // The word as written too, when stemming changed it: affixes carry meaning the stem loses
    // ("ingatkan" = remind me, "pengingat" = a reminder; "delivered" vs "delivery").
    if (term !== t.text && !instead) out.push(`${SURFACE_PREFIX}${t.text}`);
    if (i <= phraseEnd) {
      if (i === phraseEnd) out.push(...phraseTerms);
      continue;
    }
    const id = ENGLISH_TO_INDONESIAN.get(t.text);
    if (id !== undefined && id !== t.text) out.push(stemWord(id));
    if (useHead && !instead) out.push(headTerm);
  }
  return out;
}

/** The settings an editor actually wrote (zod leaves unset optional keys undefined). */
function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
