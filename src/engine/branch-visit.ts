import lexicon = require('../matching/data/lexicon-id.json');
import type { Store } from '../knowledge/schema';
import type { Normalizer, Token } from '../matching/normalize';

/** Words for a shop's branch (lexicon concept `toko`: toko, cabang, gerai, store, branch). */
const STORE_WORDS: ReadonlySet<string> = new Set(lexicon.concepts.toko);
/** Prepositions of being somewhere: "di dago", "at the Jakarta store". */
const AT: ReadonlySet<string> = new Set(['di', 'at', 'in', 'pada']);

/**
 * True when a message names the branch as a place the customer is at or goes to ("beli di toko
 * jkt", "klaim di toko bandung", "yg di dago"), not as a destination or origin of a parcel
 * ("ongkir ke surabaya", "kirim dari jakarta"): a store word or "di"/"at" right before one of the
 * branch's names, or a name that is itself "toko …".
 */
export function namesBranchVisit(tokens: readonly Token[], store: Store, normalizer: Normalizer): boolean {
  const texts = tokens.map((t) => t.text);
  for (const name of new Set([store.name, store.city, ...store.aliases])) {
    const words = normalizer.tokens(name).map((t) => t.text);
    if (words.length === 0) continue;
    for (let i = 0; i + words.length <= texts.length; i++) {
      if (!words.every((w, k) => texts[i + k] === w)) continue;
      const before = texts[i - 1];
      if (STORE_WORDS.has(words[0]) || (before !== undefined && (AT.has(before) || STORE_WORDS.has(before)))) return true;
    }
  }
  return false;
}
