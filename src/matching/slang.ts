import lexicon = require('./data/lexicon-id.json');

/**
 * Built-in Indonesian (and a little English) chat slang → standard forms, from the colloquial
 * lexicon kept as data (`data/lexicon-id.json`, with its provenance).
 *
 * Hand-written data because no maintained npm package covers informal Indonesian chat; the
 * knowledge base can add or override entries (`settings.slang`). Values may be several words
 * ("makasih" → "terima kasih") or empty to drop a word.
 */
export const DEFAULT_SLANG: Readonly<Record<string, string>> = lexicon.slang;

/** Fixed phrases turned into one canonical form before tokenizing (longest first). */
export const DEFAULT_SYNONYMS: Readonly<Record<string, readonly string[]>> = lexicon.synonyms;
