// natural's sub-modules are imported directly: the package root loads database clients and
// ESM-only dependencies we do not need (see ../shared/SETUP-NOTES.md).
import indonesian = require('natural/lib/natural/stemmers/indonesian/stemmer_id');
import porter = require('natural/lib/natural/stemmers/porter_stemmer');
import lexicon = require('./data/lexicon-id.json');
import { INDONESIAN_CITIES } from './cities';

/** Marks a term that is a word as written rather than its stem. */
export const SURFACE_PREFIX = '=';

/** Place names are names, not words to take affixes off: "bekasi" is not "bekas" (second-hand). */
const NAMES = new Set<string>(INDONESIAN_CITIES.filter((c) => !c.includes(' ')));
/** Words whose prefix makes a word of another meaning ("sebelum", before, is not "belum", not yet): lexicon `keepWhole`. */
const WHOLE = new Set<string>(lexicon.keepWhole);

/** Particles and possessives a whole word may still take ("sebelumnya" → "sebelum"). */
const PARTICLES = ['nya', 'lah', 'kah', 'pun', 'ku', 'mu'];

/** The `keepWhole` word a word is, bare or with a particle, if any. */
function wholeBase(word: string): string | undefined {
  if (WHOLE.has(word)) return word;
  const particle = PARTICLES.find((p) => word.endsWith(p) && WHOLE.has(word.slice(0, -p.length)));
  return particle === undefined ? undefined : word.slice(0, -particle.length);
}

/** A word without the particle or possessive it ends with ("bantuannya" → "bantuan"), or undefined. */
export function withoutParticle(word: string): string | undefined {
  const particle = PARTICLES.find((p) => word.length > p.length + 1 && word.endsWith(p));
  return particle === undefined ? undefined : word.slice(0, -particle.length);
}

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
  const whole = wholeBase(word);
  if (whole !== undefined) stem = whole;
  else if (word.length > 3 && /^\p{L}+$/u.test(word) && !NAMES.has(word)) {
    const id = indonesian.stem(word);
    stem = id && id !== word ? id : porter.stem(word);
    if (!stem) stem = word;
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(word, stem);
  return stem;
}
