import type { Analysis, Matcher } from '../matching/matcher';
import type { MatchDecision } from '../matching/decide';
import { CHEAPEST, DEAREST, type CatalogMatch } from '../matching/catalog-entities';
import { canonicalColour, isFunctionWord } from '../matching/lexicon';
import { stemWord } from '../matching/stem';
import { foldText, type Token } from '../matching/normalize';
import { productCategory, productQuestion } from '../matching/product-cues';
import lexicon = require('../matching/data/lexicon-id.json');
import { lowestPrice } from '../knowledge/catalog';
import type { CatalogHandler, Entry, Product, Store, Variant } from '../knowledge/schema';
import { needsProduct } from './catalog-answers';
import type { ConversationState, Topic } from '../core/state';
import type { Candidate, Entities } from '../core/types';

/**
 * The rules that read a message in the light of the conversation so far: which product question a
 * follow-up asks, the product a family name or "the cheaper one" means, the branch "disana" points
 * to, a short question about "it". Word lists are data (lexicon `references`).
 */

/** Staff words whose matching terms a refusal ("gak usah admin") takes out of the message. */
const PERSON_WORDS = 'admin cs customer service operator agent petugas staff karyawan human manusia person orang someone';
/** A question about "it" ("prosesnya", "caranya", "itu", "that"). */
const ANAPHORA = new RegExp(`\\b(\\p{L}{3,}nya|${lexicon.references.anaphora.join('|')})\\b`, 'u');
/** Words pointing back to the branch talked about ("stoknya disana ada?"). */
const PLACE_DEICTICS = new Set<string>(lexicon.references.place);
const termsCache = new WeakMap<Matcher, Map<string, ReadonlySet<string>>>();

/** The matcher's terms (stems, concepts, counterparts) for a fixed text of words, read once per matcher. */
function termsOfWords(matcher: Matcher, text: string): ReadonlySet<string> {
  let byText = termsCache.get(matcher);
  if (!byText) termsCache.set(matcher, (byText = new Map<string, ReadonlySet<string>>()));
  let terms = byText.get(text);
  if (!terms) {
    terms = new Set(text.split('\n').flatMap((line) => matcher.analyze(line).terms));
    byText.set(text, terms);
  }
  return terms;
}
/** Matching terms of words for "a variant" ("varian", "warna", "ukuran"), as stemmed terms. */
const VARIANT_WORDS: readonly string[] = lexicon.references.variant;
// A stem counts only when it is a variant word itself ("warnanya" → "warna"; "pilihan" → "pilih" does not).
const VARIANT_TERMS = new Set<string>([...VARIANT_WORDS, ...VARIANT_WORDS.map(stemWord).filter((s) => VARIANT_WORDS.includes(s))]);

/** True for a term that only says "a variant" ("ada varian 128GB?"): nothing beyond the product in view. */
export function isVariantWord(term: string): boolean {
  return VARIANT_TERMS.has(term);
}

const IT_WORDS = new Set<string>(lexicon.references.anaphora);

const STORE_WORDS = new Set<string>(lexicon.concepts.toko);

/**
 * A product question about "it" ("Which stores have it?", "does it come in green?", "itu ready?"):
 * a word for "it" and, beyond function words, only words that ask a product question, colours and
 * words for a branch. "Harga itu sudah termasuk PPN?" names a subject of its own (tax).
 */
export function asksAboutIt(analysis: Analysis): boolean {
  if (!analysis.tokens.some((t) => IT_WORDS.has(t.text)) || productQuestion(analysis.tokens) === undefined) return false;
  return analysis.tokens.every(
    (t) =>
      t.kind !== 'word' ||
      t.text.startsWith('#') ||
      IT_WORDS.has(t.text) ||
      isFunctionWord(t.text) ||
      STORE_WORDS.has(t.text) ||
      canonicalColour(t.text) !== undefined ||
      productQuestion([t]) !== undefined,
  );
}

/** True when the message points back to the branch talked about ("stoknya disana?"). */
export function pointsBack(analysis: Analysis): boolean {
  return analysis.tokens.some((t) => PLACE_DEICTICS.has(t.text));
}

/** The matcher's terms for staff words ("admin", "cs", "operator"), per matcher. */
export function personTerms(matcher: Matcher): ReadonlySet<string> {
  return termsOfWords(matcher, PERSON_WORDS);
}

/**
 * Which product question a follow-up asks: the one its cue words name ("yg 256 brp" is a
 * price question even after a stock answer), else the one asked last about the product.
 */
export function followUpHandler(matcher: Matcher, analysis: Analysis, rememberedId: string | undefined, storeOnly: boolean): CatalogHandler {
  const cued = productQuestion(analysis.tokens);
  if (cued && entryForHandler(matcher, cued)) return cued;
  // Prices are the same at every branch: naming a branch asks whether it is there.
  if (analysis.catalog.store && entryForHandler(matcher, 'product-stock')) return 'product-stock';
  const remembered = rememberedId ? matcher.entry(rememberedId)?.handler : undefined;
  return remembered ?? (storeOnly ? 'product-stock' : 'product-price');
}

/**
 * "prosesnya gmn?" after a return question: a short question about "it" that the ranking cannot
 * place goes to the entry of the same topic (category) it fits best.
 */
export function sameCategoryFollowUp(
  matcher: Matcher,
  clarifyThreshold: number,
  verdict: MatchDecision,
  candidates: readonly Candidate[],
  analysis: Analysis,
  text: string,
  state: ConversationState,
): { entry: Entry; score: number } | undefined {
  if (verdict.type === 'answer' || !state.topic) return undefined;
  const category = matcher.entry(state.topic.entryId)?.category;
  if (!category || !ANAPHORA.test(foldText(text))) return undefined;
  const content = analysis.terms.filter((t) => !t.startsWith('=') && !t.startsWith('^') && !isFunctionWord(t));
  if (content.length === 0 || content.length > 3) return undefined;
  const floor = clarifyThreshold * 0.5;
  for (const c of candidates) {
    const entry = matcher.entry(c.entryId);
    if (entry && c.score >= floor && entry.category === category && entry.id !== state.topic.entryId) return { entry, score: c.score };
  }
  return undefined;
}

/** Words that ask an aspect of whatever was talked about ("brp lama?", "caranya?", "how much does it cost?"). */
const ASPECT_WORDS = new Set<string>(lexicon.references.aspect);
/** The aspect words one per line, so each is read on its own (no phrase spans two of them). */
const ASPECT_TEXT = lexicon.references.aspect.join('\n');

/**
 * "biasanya brp lama?" or "how long does it usually take?" after a refund answer: a question made
 * only of words for an aspect (duration, cost, the way, the requirements) names no subject of its
 * own, so it asks about the topic in view: the entry answered last answers it when it matches at
 * all, ahead of entries about other subjects that merely share the aspect word.
 */
export function aspectFollowUp(
  matcher: Matcher,
  clarifyThreshold: number,
  analysis: Analysis,
  state: ConversationState,
): { entry: Entry; score: number } | undefined {
  const topicEntry = state.topic ? matcher.entry(state.topic.entryId) : undefined;
  if (!topicEntry || (topicEntry.handler !== undefined && needsProduct(topicEntry.handler))) return undefined;
  // Small talk ("makasih", "halo") is no topic a question can be about.
  if (matcher.isSocialEntry(topicEntry.id)) return undefined;
  // Every word is an aspect word or a function word ("it", "does"), and no word means more than an
  // aspect word does ("take" → pickup is the aspect word's own; "brp lama nyampenya" names arriving).
  const words = analysis.tokens.filter((t) => t.kind === 'word').map((t) => t.text);
  if (!words.some((w) => ASPECT_WORDS.has(w)) || !words.every((w) => ASPECT_WORDS.has(w) || isFunctionWord(w))) return undefined;
  const aspect = termsOfWords(matcher, ASPECT_TEXT);
  if (!analysis.terms.every((t) => !t.startsWith('^') || aspect.has(t))) return undefined;
  if (analysis.catalog.product || analysis.catalog.store) return undefined;
  // A wider ranking: the topic's entry may sit below the five best for so few words, and needs only a weak match.
  const floor = clarifyThreshold * 0.5;
  const ranked = matcher.rank(analysis, 20);
  const own = ranked.find((c) => c.entryId === topicEntry.id && c.score >= floor);
  if (!own) return undefined;
  // The best-ranked entry of the same topic (category) answers instead when the aspect fits it at
  // least twice as well: "brp lama?" after the shipping cost asks the delivery time. Never an entry
  // that needs a product named.
  const best = ranked[0] ? matcher.entry(ranked[0].entryId) : undefined;
  const sibling =
    best !== undefined &&
    best.id !== topicEntry.id &&
    topicEntry.category !== undefined &&
    best.category === topicEntry.category &&
    !(best.handler !== undefined && needsProduct(best.handler)) &&
    ranked[0].score >= 2 * own.score;
  return sibling ? { entry: best, score: ranked[0].score } : { entry: topicEntry, score: own.score };
}

/**
 * An unclear question the conversation settles: with a branch in view, the one store entry among
 * the options ("alamat?" → that branch's address); with a product in view, the one product entry;
 * small-talk entries never compete with a question (the one other option wins).
 */
export function settleClarification(matcher: Matcher, entryIds: readonly string[], state: ConversationState, analysis: Analysis): Entry | undefined {
  const entries = entryIds.map((id) => matcher.entry(id)).filter((e): e is Entry => e !== undefined);
  const only = (pick: (e: Entry) => boolean): Entry | undefined => {
    const found = entries.filter(pick);
    return found.length === 1 ? found[0] : undefined;
  };
  const storeEntry = only((e) => e.handler !== undefined && !needsProduct(e.handler));
  if (storeEntry && (state.topic?.storeId || analysis.catalog.store)) return storeEntry;
  const productEntry = only((e) => e.handler !== undefined && needsProduct(e.handler));
  if (
    productEntry &&
    (state.topic?.productId || analysis.catalog.product) &&
    (analysis.catalog.variantHint || analysis.catalog.store || productQuestion(analysis.tokens))
  )
    return productEntry;
  const serious = entries.filter((e) => !matcher.socialOnly(analysis, e.id));
  return serious.length === 1 && entries.length > 1 ? serious[0] : undefined;
}

/** The cheapest (or dearest) product of a category named in the message ("hp paling murah"). */
export function extremeProduct(products: readonly Product[], analysis: Analysis): { product: Product; variant: Variant } | undefined {
  const words = analysis.tokens.map((t) => t.text);
  const cheapest = words.includes(CHEAPEST);
  if (!cheapest && !words.includes(DEAREST)) return undefined;
  const category = words.map(productCategory).find((c) => c !== undefined);
  // Without a kind, only a brand or family named ("samsung yg paling murah") narrows it down.
  if (!category && products.length > 6) return undefined;
  let best: { product: Product; variant: Variant } | undefined;
  for (const product of products) {
    if (category && product.category.toLowerCase() !== category) continue;
    for (const variant of product.variants) {
      if (!best || (cheapest ? variant.price < best.variant.price : variant.price > best.variant.price)) best = { product, variant };
    }
  }
  return best;
}

/** The cheapest (or dearest) of the products compared last, when the message asks for it. */
export function pickCompared(matcher: Matcher, topic: Topic | undefined, analysis: Analysis): Product | undefined {
  if (!topic?.comparedIds || topic.comparedIds.length < 2) return undefined;
  const words = analysis.tokens.map((t) => t.text);
  const cheapest = words.includes(CHEAPEST);
  if (!cheapest && !words.includes(DEAREST)) return undefined;
  const products = topic.comparedIds.map((id) => matcher.catalog.product(id)).filter((p): p is Product => p !== undefined);
  return [...products].sort((a, b) => (cheapest ? lowestPrice(a) - lowestPrice(b) : lowestPrice(b) - lowestPrice(a)))[0];
}

/** The knowledge base's entry for a catalogue handler, the preferred one when it has that handler. */
export function entryForHandler(matcher: Matcher, handler: CatalogHandler, preferId?: string): Entry | undefined {
  const entries = matcher.entries;
  return entries.find((e) => e.id === preferId && e.handler === handler) ?? entries.find((e) => e.handler === handler);
}

export function matchVariantsOf(product: Product, analysis: Analysis, matcher: Matcher): Variant[] {
  const tokens = analysis.catalog.variantTokens.length > 0 ? analysis.catalog.variantTokens : analysis.tokens.filter((t) => t.kind === 'num');
  return [...matcher.catalog.variantsFor(product, tokens)];
}

/**
 * A product entry cannot answer without a product: when the message names none and none is in
 * view but names a branch, a close store entry that can answer ("ada cabang bandung?" → its
 * address) goes first.
 */
export function preferAnswerable(
  verdict: MatchDecision,
  candidates: readonly Candidate[],
  cat: CatalogMatch,
  state: ConversationState,
  matcher: Matcher,
  clarifyThreshold: number,
): MatchDecision {
  if (verdict.type !== 'answer' || cat.product || cat.productChoices.length > 0 || cat.unknownProduct || state.topic?.productId) return verdict;
  const handler = matcher.entry(verdict.entryId)?.handler;
  if (!handler || !needsProduct(handler)) return verdict;
  // Only a branch question ("ada cabang bandung?") is told apart this way: the message names a
  // branch or city, which a store entry can answer and a product entry cannot.
  if (!cat.store && !cat.otherCity) return verdict;
  const other = candidates.find((c) => {
    const h = matcher.entry(c.entryId)?.handler;
    return c.entryId !== verdict.entryId && h !== undefined && !needsProduct(h) && c.score >= clarifyThreshold && c.score >= verdict.score * 0.6;
  });
  return other ? { type: 'answer', entryId: other.entryId, score: other.score } : verdict;
}

/** Size, RAM or colour words the customer wrote (not bare numbers or "termurah"), for "no such variant". */
export function explicitVariantWords(tokens: readonly Token[]): { text: string; kind: 'colour' | 'size' | 'both' } | undefined {
  const explicit = tokens.filter(
    (t) =>
      t.kind === 'storage' ||
      t.kind === 'ramstorage' ||
      t.kind === 'ram' ||
      (t.kind === 'num' && /^(64|128|256|512|1024)$/.test(t.text)) ||
      (t.kind === 'word' && t.text !== CHEAPEST && t.text !== DEAREST),
  );
  if (explicit.length === 0) return undefined;
  const label = (t: Token): string =>
    t.kind === 'ram'
      ? `RAM ${t.text.toUpperCase()}`
      : t.kind === 'num'
        ? `${t.text}GB`
        : t.text.replace(/^(\d+)(gb|tb)$/, (_m, n: string, u: string) => `${n}${u.toUpperCase()}`);
  const colours = explicit.filter((t) => t.kind === 'word').length;
  const kind = colours === explicit.length ? 'colour' : colours === 0 ? 'size' : 'both';
  return { text: explicit.map(label).join(' '), kind };
}

export function recentOf(topic: Topic | undefined, products: readonly Product[]): { recentIds?: readonly string[] } {
  const ids = [...products.map((p) => p.id), ...(topic?.recentIds ?? [])];
  const unique = [...new Set(ids)].slice(0, 4);
  return unique.length > 0 ? { recentIds: unique } : {};
}

/** Texts written for `items` (in `written` order) reordered as `order` lists them. */
export function orderedBy<T>(order: readonly T[], written: readonly (T | undefined)[], texts: readonly string[]): string[] {
  return order.map((item) => texts[written.indexOf(item)]).filter((t): t is string => t !== undefined);
}

export function entitiesOf(product: Product | undefined, variants: readonly Variant[], store: Store | undefined): Entities {
  return {
    ...(product ? { product: product.id } : {}),
    ...(variants.length > 0 ? { variant: variants[0].id } : {}),
    ...(store ? { store: store.id } : {}),
  };
}
