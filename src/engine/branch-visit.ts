import lexicon = require('../matching/data/lexicon-id.json');
import type { Store } from '../knowledge/schema';
import type { Normalizer, Token } from '../matching/normalize';
import { CONCEPT_PREFIX } from '../matching/concepts';

/** Words for a shop's branch (lexicon concept `toko`: toko, cabang, gerai, store, branch). */
const STORE_WORDS: ReadonlySet<string> = new Set(lexicon.concepts.toko);
/** Prepositions of being somewhere: "di dago", "at the Jakarta store". */
const AT: ReadonlySet<string> = new Set(['di', 'at', 'in', 'pada']);

/** Concepts of sending and of addresses: with them a place is where a parcel goes. */
const PARCEL_CONCEPTS = ['kirim', 'ongkir', 'alamat'].map((c) => `${CONCEPT_PREFIX}${c}`);
/** Words of where the customer lives, right before "di"/"in" ("saya tinggal di surabaya", "my house in bandung"). */
const HOME: ReadonlySet<string> = new Set(['tinggal', 'rumah', 'domisili', 'kos', 'kost', 'kontrakan', 'live', 'lives', 'living', 'house']);

const names = new WeakMap<Normalizer, WeakMap<Store, (readonly string[])[]>>();

/** The branch's name, city and aliases as normalized words, worked out once per store and normalizer. */
function nameWords(store: Store, normalizer: Normalizer): (readonly string[])[] {
  let byStore = names.get(normalizer);
  if (!byStore) {
    byStore = new WeakMap();
    names.set(normalizer, byStore);
  }
  let words = byStore.get(store);
  if (!words) {
    words = [...new Set([store.name, store.city, ...store.aliases])].map((name) => normalizer.tokens(name).map((t) => t.text)).filter((w) => w.length > 0);
    byStore.set(store, words);
  }
  return words;
}

/**
 * True when a message names the branch as a place the customer is at or goes to ("beli di toko
 * jkt", "klaim di toko bandung", "yg di dago", "pick up at the Bandung store"): a store word or
 * "di"/"at" (with "the") right before one of the branch's names, or a name that is itself
 * "toko …". Not in a message about sending or an address ("kirim ke rumah saya di bandung",
 * "ongkir ke toko jakarta"), nor a home named right before ("saya tinggal di surabaya"): there
 * the place is a destination or a home.
 */
export function namesBranchVisit(tokens: readonly Token[], terms: readonly string[], store: Store, normalizer: Normalizer): boolean {
  const texts = tokens.map((t) => t.text);
  if (PARCEL_CONCEPTS.some((c) => terms.includes(c))) return false;
  for (const words of nameWords(store, normalizer)) {
    for (let i = 0; i + words.length <= texts.length; i++) {
      if (!words.every((w, k) => texts[i + k] === w)) continue;
      const at = texts[i - 1] === 'the' ? i - 2 : i - 1;
      const before = texts[at];
      const home = texts.slice(Math.max(0, at - 2), Math.max(0, at)).some((w) => HOME.has(w));
      if (home) continue;
      if (STORE_WORDS.has(words[0]) || (before !== undefined && (AT.has(before) || STORE_WORDS.has(before)))) return true;
    }
  }
  return false;
}
