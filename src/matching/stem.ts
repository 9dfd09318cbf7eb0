// natural's sub-modules are imported directly: the package root loads database clients and
// ESM-only dependencies we do not need (see ../shared/SETUP-NOTES.md).
import indonesian = require('natural/lib/natural/stemmers/indonesian/stemmer_id');
import porter = require('natural/lib/natural/stemmers/porter_stemmer');
import { INDONESIAN_CITIES } from './cities';

/** Place names are names, not words to take affixes off: "bekasi" is not "bekas" (second-hand). */
const NAMES = new Set<string>(INDONESIAN_CITIES.filter((c) => !c.includes(' ')));

const cache = new Map<string, string>();
const CACHE_LIMIT = 200_000;

/**
 * Stems one lower-case word: the Indonesian stemmer first (it only strips affixes when the
 * root is in its dictionary, so English words pass through), then Porter for English.
 */
export function stemWord(word: string): string {
  const cached = cache.get(word);
  if (cached !== undefined) return cached;
  let stem = word;
  if (word.length > 3 && /^\p{L}+$/u.test(word) && !NAMES.has(word)) {
    const id = indonesian.stem(word);
    stem = id && id !== word ? id : porter.stem(word);
    if (!stem) stem = word;
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(word, stem);
  return stem;
}
