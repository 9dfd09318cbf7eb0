import lexicon = require('./data/lexicon-id.json');
import type { CatalogHandler } from '../knowledge/schema';
import type { Token } from './normalize';

/**
 * Which product question a message asks ("yg 256 brp" → price, "yg item ada?" → stock,
 * "kameranya brp mp" → details), from cue words kept as data (lexicon `productCues`), for the
 * built-in catalogue handlers. Weak cues ("berapa", "ada") count only when no strong one is
 * present. Undefined when the message has no cue, or cues of several questions.
 */
const CUES: readonly (readonly [CatalogHandler, ReadonlySet<string>])[] = Object.entries(lexicon.productCues).map(
  ([handler, words]) => [handler as CatalogHandler, new Set(words)] as const,
);
const WEAK = new Set<string>(lexicon.productCueWeak);

/** The handlers whose strong (or, with `strong` false, weak) cue words or pairs the message has. */
function cueHits(tokens: readonly Token[], strong: boolean): CatalogHandler[] {
  const words = tokens.map((t) => t.text);
  const phrases = [...words, ...words.slice(1).map((w, i) => `${words[i]} ${w}`)];
  return CUES.filter(([, cues]) => phrases.some((p) => cues.has(p) && WEAK.has(p) !== strong)).map(([handler]) => handler);
}

export function productQuestion(tokens: readonly Token[]): CatalogHandler | undefined {
  const strong = cueHits(tokens, true);
  if (strong.length > 0) return strong.length === 1 ? strong[0] : undefined;
  const weak = cueHits(tokens, false);
  return weak.length === 1 ? weak[0] : undefined;
}

/**
 * The product question a message asks in words of its own: a strong cue, or a weak price cue
 * ("berapa"), but not "ada" alone ("a55 yang ada" after "spek hp gimana?" and "Produk yang mana?"
 * still wants the specs).
 */
export function ownProductQuestion(tokens: readonly Token[]): CatalogHandler | undefined {
  const asked = productQuestion(tokens);
  return asked === 'product-price' || (asked !== undefined && cueHits(tokens, true).includes(asked)) ? asked : undefined;
}

const CATEGORIES = new Map<string, string>(Object.entries(lexicon.productCategories).flatMap(([category, words]) => words.map((w) => [w, category] as const)));

/** The catalogue category a word names ("hp" → smartphone, "leptop" → laptop), if any. */
export function productCategory(word: string): string | undefined {
  return CATEGORIES.get(word);
}
