import diceCoefficient = require('natural/lib/natural/distance/dice_coefficient');
import type { Product, Store, Variant } from '../knowledge/schema';
import { INDONESIAN_CITIES } from './cities';
import { canonicalColour, isBrandWord, isDictionaryStem, isDictionaryWord, isItemNoun } from './lexicon';
import { foldedWords, type Normalizer, type Token } from './normalize';
import { productQuestion } from './product-cues';
import lexicon = require('./data/lexicon-id.json');

/** A recognised mention: which tokens it covers and what it refers to. */
export interface Mention {
  readonly start: number;
  readonly end: number;
}

export interface CatalogMatch {
  /** The product named, when exactly one fits. */
  readonly product?: Product;
  /** Every product named in full, in the order written ("harga a55 sama a35": both), at most 3. */
  readonly products: readonly Product[];
  /** A product-like name the catalogue does not have ("xiaomi 15 ultra"), with its closest products. */
  readonly unknownProduct?: { readonly name: string; readonly similar: readonly Product[] };
  /** Several products fit a partial name ("iphone"): the customer should pick one. */
  readonly productChoices: readonly Product[];
  /** Variants that fit the size/colour named (several when e.g. only the size was given). */
  readonly variants: readonly Variant[];
  readonly store?: Store;
  /** A city named in the message where the shop has no branch ("medan"). */
  readonly otherCity?: string;
  /** Tokens with mentions replaced by placeholders (#product, #variant, #store). */
  readonly masked: readonly Token[];
  /** True when the message names a variant attribute (size, RAM, colour) even without a product. */
  readonly variantHint: boolean;
  readonly variantTokens: readonly Token[];
}

interface NameForm {
  readonly words: readonly string[];
  readonly productId: string;
}

/** Words that mean something to a shop's questions: the concept lexicon's words and the kinds of product. */
const SHOP_WORDS: ReadonlySet<string> = new Set([...Object.values(lexicon.concepts).flat(), ...Object.values(lexicon.productCategories).flat()]);

/** Placeholder tokens that stand for catalog mentions in intent matching. */
export const PLACEHOLDER = {
  product: '#product',
  variant: '#variant',
  store: '#place',
  money: '#money',
  num: '#num',
  code: '#code',
  brand: '#brand',
  item: '#item',
} as const;

/**
 * Finds products, variants and stores named in a message, tolerating glued or partial names
 * ("ip15", "iphone 15 256", "samsung") and one typo in longer words.
 */
export class CatalogEntities {
  private readonly productForms: NameForm[] = [];
  /** The words of the products' names and aliases (model codes are joined into these). */
  private readonly nameWords: ReadonlySet<string>;
  private readonly storeForms: { words: readonly string[]; storeId: string }[] = [];
  private readonly products = new Map<string, Product>();
  private readonly stores = new Map<string, Store>();
  private readonly colorWords = new Set<string>();
  /** The shop's and the bot's names, as normalized words, longest first. */
  private readonly ownNames: (readonly string[])[] = [];
  /** Phrases of the lexicon's concepts that hold a colour word yet name no colour ("tanggal merah", "wrong item"). */
  private readonly colourIdioms: (readonly string[])[];
  private readonly cityForms: { words: readonly string[]; id: string }[];
  /** City names by their first word (longest first), so a message is scanned once, not per city. */
  private readonly citiesByFirstWord = new Map<string, { words: readonly string[]; id: string }[]>();
  private readonly productSpans: readonly { words: readonly string[]; id: string }[];
  private readonly storeSpans: readonly { words: readonly string[]; id: string }[];

  constructor(
    private readonly normalizer: Normalizer,
    products: readonly Product[],
    stores: readonly Store[],
    ownNames: readonly string[] = [],
  ) {
    // The shop's and the bot's own names say nothing about what is asked ("halo kak Nusa
    // Gadget"): left out of intent matching, like brands. A name stays when it is a word of its
    // own ("Tanya", ask; the default "Toko"), when the slang table rewrites it (a bot called
    // "Admin" is "customer service"), or when most of its words mean something to a shop's
    // questions ("Pusat Servis HP").
    for (const name of ownNames) {
      const words = this.words(name);
      const folded = foldedWords(name);
      if (words.length === 0 || words.join(' ') !== folded.join(' ')) continue;
      if (words.length === 1 && isDictionaryWord(words[0])) continue;
      if (words.filter((w) => SHOP_WORDS.has(w)).length * 2 > words.length) continue;
      this.ownNames.push(words);
    }
    this.ownNames.sort((a, b) => b.length - a.length);
    for (const product of products) {
      this.products.set(product.id, product);
      const names = new Set([product.name, ...product.aliases]);
      if (product.brand && !product.name.toLowerCase().startsWith(product.brand.toLowerCase())) {
        names.add(`${product.brand} ${product.name}`);
      }
      for (const name of names) {
        const words = this.words(name);
        if (words.length === 0) continue;
        this.productForms.push({ words, productId: product.id });
        if (words.length > 1) this.productForms.push({ words: [words.join('')], productId: product.id });
      }
      for (const variant of product.variants) {
        if (variant.color) for (const w of colourWords(variant.color, this.words.bind(this))) this.colorWords.add(w);
      }
    }
    this.productForms.sort((a, b) => b.words.length - a.words.length);
    this.colourIdioms = Object.values(lexicon.conceptPhrases)
      .flat()
      .map((phrase) => this.words(phrase))
      .filter((words) => words.length > 1 && words.some((w) => this.isColourWord(w)));
    for (const store of stores) {
      this.stores.set(store.id, store);
      for (const name of new Set([store.name, store.city, ...store.aliases])) {
        const words = this.words(name);
        if (words.length > 0) this.storeForms.push({ words, storeId: store.id });
      }
    }
    this.storeForms.sort((a, b) => b.words.length - a.words.length);
    const storeWords = new Set(this.storeForms.map((f) => f.words.join(' ')));
    this.cityForms = INDONESIAN_CITIES.filter((c) => !storeWords.has(c))
      .map((c) => ({ words: c.split(' '), id: c }))
      .sort((a, b) => b.words.length - a.words.length);
    for (const form of this.cityForms) {
      const list = this.citiesByFirstWord.get(form.words[0]) ?? [];
      list.push(form);
      this.citiesByFirstWord.set(form.words[0], list);
    }
    this.productSpans = this.productForms.map((f) => ({ words: f.words, id: f.productId }));
    this.storeSpans = this.storeForms.map((f) => ({ words: f.words, id: f.storeId }));
    this.nameWords = new Set(this.productForms.flatMap((f) => f.words));
  }

  /**
   * Model codes typed apart or glued to the name before them, read as the catalogue writes them:
   * "s 24" → "s24", "13 c" → "13c", "pocox6" → "poco x6". Only where the result is a word of a
   * product's name or alias, so an editor's new product works the same.
   */
  joinCodes(tokens: readonly Token[]): Token[] {
    const names = this.nameWords;
    const out: Token[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const a = tokens[i];
      const b = tokens[i + 1];
      const apart = b && ((a.kind === 'word' && a.text.length === 1 && b.kind === 'num') || (a.kind === 'num' && b.kind === 'word' && b.text.length === 1));
      if (apart && names.has(a.text + b.text)) {
        out.push({ text: a.text + b.text, kind: 'word' });
        i++;
        continue;
      }
      const glued = a.kind === 'word' && /\d/.test(a.text) && !names.has(a.text) ? gluedName(a.text, names) : undefined;
      if (glued) out.push(...glued.map((text) => ({ text, kind: 'word' as const })));
      else out.push(a);
    }
    return out;
  }

  /** All names customers may use, for typo correction vocabulary. */
  vocabulary(): string[] {
    return [
      ...this.productForms.flatMap((f) => f.words),
      ...this.storeForms.flatMap((f) => f.words),
      ...this.cityForms.flatMap((f) => f.words),
      ...this.colorWords,
    ];
  }

  get hasProducts(): boolean {
    return this.products.size > 0;
  }

  product(id: string): Product | undefined {
    return this.products.get(id);
  }

  store(id: string): Store | undefined {
    return this.stores.get(id);
  }

  /** Recognises catalog mentions in normalized tokens. */
  match(tokens: readonly Token[]): CatalogMatch {
    const texts = tokens.map((t) => t.text);
    const used = new Array<boolean>(tokens.length).fill(false);
    const replace = new Map<number, { end: number; placeholder: string }>();

    let product: Product | undefined;
    let productChoices: Product[] = [];
    let unknownProduct: { name: string; similar: Product[] } | undefined;
    const named: { at: number; product: Product }[] = [];
    const full = this.findLongest(texts, used, this.productSpans);
    const fullProduct = full ? this.products.get(full.id) : undefined;
    const extraModel = full && fullProduct ? modelWordsAfter(tokens, full.end, fullProduct, this.words.bind(this)) : 0;
    if (full && fullProduct && extraModel > 0) {
      // "iphone 15 pro max", "redmi note 13 pro": a model beyond the one we sell.
      const name = texts.slice(full.start, full.end + extraModel).join(' ');
      unknownProduct = { name, similar: [fullProduct] };
      markUsed(used, { start: full.start, end: full.end + extraModel });
      replace.set(full.start, { end: full.end + extraModel, placeholder: PLACEHOLDER.product });
    } else if (full) {
      product = fullProduct;
      markUsed(used, full);
      replace.set(full.start, { end: full.end, placeholder: PLACEHOLDER.product });
      if (product) named.push({ at: full.start, product });
      // Further products compared in the same message ("macbook air m2 sama thinkpad e14").
      for (const more of this.findEach(texts, used, this.productSpans)) {
        if (named.length >= 3) break;
        const other = this.products.get(more.id);
        markUsed(used, more);
        replace.set(more.start, { end: more.end, placeholder: PLACEHOLDER.product });
        if (other && !named.some((n) => n.product.id === other.id)) named.push({ at: more.start, product: other });
      }
    } else {
      const asked = productQuestion(tokens);
      const partial = this.findPartialProduct(texts, asked === 'product-price' || asked === 'product-stock');
      const modelWords = partial ? modelSuffix(tokens, partial.end) : 0;
      if (partial && modelWords > 0) {
        // "xiaomi 15 ultra": a known brand or family with a model we do not sell.
        const name = texts.slice(partial.start, partial.end + modelWords).join(' ');
        unknownProduct = { name, similar: this.closestProducts(name, 3, partial.products) };
        markUsed(used, { start: partial.start, end: partial.end + modelWords });
        replace.set(partial.start, { end: partial.end + modelWords, placeholder: PLACEHOLDER.product });
      } else if (partial) {
        productChoices = partial.products;
        if (partial.products.length === 1) {
          product = partial.products[0];
          productChoices = [];
        }
        markUsed(used, partial);
        replace.set(partial.start, { end: partial.end, placeholder: PLACEHOLDER.product });
      }
    }

    const storeHit = this.findLongest(texts, used, this.storeSpans);
    let store: Store | undefined;
    if (storeHit) {
      store = this.stores.get(storeHit.id);
      markUsed(used, storeHit);
      replace.set(storeHit.start, { end: storeHit.end, placeholder: PLACEHOLDER.store });
    }

    let otherCity: string | undefined;
    if (!store) {
      const city = this.findCity(texts, used);
      // Recognised for the reply ("no branch in Medan"), but left as words for matching:
      // "ongkir ke medan" and "ongkir ke bandung" differ in what a customer can be told.
      if (city) otherCity = texts.slice(city.start, city.end).join(' ');
    }

    const variantTokens: Token[] = [];
    // Any colour word counts, even one no variant has ("yg pink?" → "no pink; these exist"),
    // unless it is part of an idiom ("tgl merah" is a holiday, "wrong item" no black one).
    const colourAt = tokens.map((t, i) => t.kind === 'word' && this.isColourWord(t.text) && !this.inColourIdiom(texts, i));
    const besideColour = (k: number): boolean => k >= 0 && k < colourAt.length && colourAt[k] && !used[k];
    tokens.forEach((t, i) => {
      if (used[i]) return;
      const isSize = t.kind === 'storage' || t.kind === 'ramstorage';
      const isColor = colourAt[i];
      // A bare storage size ("yg 512") names a variant, of the product named or the one in view.
      const isBareSize = t.kind === 'num' && (product !== undefined ? /^(32|64|128|256|512|1024|1|2)$/ : /^(64|128|256|512|1024)$/).test(t.text);
      if (t.kind === 'word' && SUPERLATIVES.has(t.text)) {
        // "yg termurah": picks a variant but keeps its meaning for matching ("hp termurah" is a recommendation).
        variantTokens.push(t);
        return;
      }
      // A shade right beside a colour ("biru muda", "light blue") says which of its tones.
      const shade = t.kind === 'word' ? SHADES.get(t.text) : undefined;
      if (shade !== undefined && !isColor && (besideColour(i - 1) || besideColour(i + 1))) {
        variantTokens.push({ text: shade, kind: 'word' });
        replace.set(i, { end: i + 1, placeholder: PLACEHOLDER.variant });
        return;
      }
      if (isSize || isColor || isBareSize || t.kind === 'ram') {
        variantTokens.push(t);
        replace.set(i, { end: i + 1, placeholder: PLACEHOLDER.variant });
      }
    });
    const variants = product ? matchVariants(product, variantTokens) : [];

    const masked: Token[] = [];
    for (let i = 0; i < tokens.length;) {
      const r = replace.get(i);
      if (r) {
        masked.push({ text: r.placeholder, kind: 'word' });
        i = r.end;
        continue;
      }
      const own = this.ownNames.find((words) => words.every((w, k) => texts[i + k] === w && !replace.has(i + k)));
      if (own) {
        i += own.length;
        continue;
      }
      const t = tokens[i];
      if (t.kind === 'money') masked.push({ text: PLACEHOLDER.money, kind: 'word' });
      else if (t.kind === 'num') masked.push({ text: PLACEHOLDER.num, kind: 'word' });
      else if (t.kind === 'storage' || t.kind === 'ramstorage' || t.kind === 'ram') masked.push({ text: PLACEHOLDER.variant, kind: 'word' });
      else if (/\d/.test(t.text) && /\p{L}/u.test(t.text)) masked.push({ text: PLACEHOLDER.code, kind: 'word' });
      // Brands and kinds of device name the object of a question, not what is asked about it.
      else if (t.kind === 'word' && isBrandWord(t.text)) masked.push({ text: PLACEHOLDER.brand, kind: 'word' });
      else if (t.kind === 'word' && isItemNoun(t.text)) masked.push({ text: PLACEHOLDER.item, kind: 'word' });
      else masked.push(t);
      i++;
    }
    const products = named.sort((a, b) => a.at - b.at).map((n) => n.product);
    return {
      product,
      products,
      productChoices,
      ...(unknownProduct ? { unknownProduct } : {}),
      ...(otherCity ? { otherCity } : {}),
      variants,
      store,
      masked,
      variantHint: variantTokens.length > 0,
      variantTokens,
    };
  }

  private isColourWord(word: string): boolean {
    return this.colorWords.has(word) || canonicalColour(word) !== undefined;
  }

  /** True when word `i` of a message is inside one of the colour idioms (never right after "warna": "warna item" is black). */
  private inColourIdiom(texts: readonly string[], i: number): boolean {
    if (i > 0 && COLOUR_CUES.has(texts[i - 1])) return false;
    return this.colourIdioms.some((idiom) => idiom.some((word, k) => word === texts[i] && i - k >= 0 && idiom.every((w, j) => texts[i - k + j] === w)));
  }

  /** Variants of a product that fit size/colour tokens; numbers alone count as sizes here. */
  variantsFor(product: Product, tokens: readonly Token[]): Variant[] {
    return matchVariants(product, tokens);
  }

  /** Products whose names are closest to a free-text guess, for "did you mean" replies. */
  closestProducts(text: string, limit = 3, among: readonly Product[] = [...this.products.values()]): Product[] {
    const guess = this.words(text).join(' ');
    if (!guess) return [];
    const scored = among.map((p) => {
      const names = [p.name, ...p.aliases].map((n) => this.words(n).join(' '));
      return { p, score: Math.max(...names.map((n) => diceCoefficient(guess, n))) };
    });
    scored.sort((a, b) => b.score - a.score);
    return scored
      .filter((s) => s.score > 0.2)
      .slice(0, limit)
      .map((s) => s.p);
  }

  private words(text: string): string[] {
    return this.normalizer.tokens(text).map((t) => t.text);
  }

  /**
   * The model of the same line that model words name beside a product in view ("yg pro?" after the
   * iPhone 15: the iPhone 15 Pro), when the catalogue sells it; found from the catalogue's names
   * and aliases, so an editor's new model works the same.
   */
  modelOf(product: Product, tokens: readonly Token[]): { product: Product; words: readonly string[] } | undefined {
    const own = new Set([product.name, ...product.aliases].flatMap((n) => this.words(n)));
    // A model word customers also use as a word ("tahan *air*?", "*plus* ongkir") counts only as "yg air".
    const added = tokens
      .filter(
        (t, i) => t.kind === 'word' && MODEL_WORDS.has(t.text) && !own.has(t.text) && (!MODEL_WORDS_IN_TALK.has(t.text) || tokens[i - 1]?.text === 'yang'),
      )
      .map((t) => t.text);
    if (added.length === 0) return undefined;
    const wanted = [...this.words(product.name), ...added].join(' ');
    const form = this.productForms.find((f) => f.productId !== product.id && f.words.join(' ') === wanted);
    const model = form ? this.products.get(form.productId) : undefined;
    return model ? { product: model, words: added } : undefined;
  }

  private findLongest(
    texts: readonly string[],
    used: readonly boolean[],
    forms: readonly { words: readonly string[]; id: string }[],
  ): { start: number; end: number; id: string } | undefined {
    let best: { start: number; end: number; id: string } | undefined;
    for (let i = 0; i < texts.length; i++) {
      if (used[i]) continue;
      for (const form of forms) {
        const n = form.words.length;
        if (best && n <= best.end - best.start) break;
        if (i + n > texts.length) continue;
        let ok = true;
        for (let k = 0; k < n && ok; k++) ok = !used[i + k] && sameWord(texts[i + k], form.words[k]);
        if (ok) {
          best = { start: i, end: i + n, id: form.id };
          break;
        }
      }
    }
    return best;
  }

  /**
   * Every further mention, in the order repeated `findLongest` calls would find them (longest
   * first, then left to right), but in one pass per name length: calling `findLongest` once per
   * mention rescanned the whole message each time, so a name repeated 250 times cost ~200 ms.
   * The caller marks each span yielded as used before taking the next one; marking only removes
   * matches, so no earlier position can gain one and a left-to-right scan misses nothing.
   */
  private *findEach(
    texts: readonly string[],
    used: readonly boolean[],
    forms: readonly { words: readonly string[]; id: string }[],
  ): Generator<{ start: number; end: number; id: string }> {
    // `forms` is sorted longest first: each run of equal length is one pass over the message.
    for (let from = 0; from < forms.length;) {
      const n = forms[from].words.length;
      let to = from;
      while (to < forms.length && forms[to].words.length === n) to++;
      for (let i = 0; i + n <= texts.length; i++) {
        const form = formAt(texts, used, forms, from, to, i);
        if (form) yield { start: i, end: i + n, id: form.id };
      }
      from = to;
    }
  }

  /** The longest city name (exact words) not already covered by another mention. */
  private findCity(texts: readonly string[], used: readonly boolean[]): { start: number; end: number; id: string } | undefined {
    let best: { start: number; end: number; id: string } | undefined;
    for (let i = 0; i < texts.length; i++) {
      if (used[i]) continue;
      for (const form of this.citiesByFirstWord.get(texts[i]) ?? []) {
        const n = form.words.length;
        if (best && n <= best.end - best.start) break;
        if (i + n > texts.length) continue;
        let ok = true;
        for (let k = 0; k < n && ok; k++) ok = !used[i + k] && texts[i + k] === form.words[k];
        if (ok) {
          best = { start: i, end: i + n, id: form.id };
          break;
        }
      }
    }
    return best;
  }

  /** A name's leading words ("iphone", "samsung galaxy") that several products share. */
  private findPartialProduct(texts: readonly string[], cued: boolean): { start: number; end: number; products: Product[] } | undefined {
    for (let i = 0; i < texts.length; i++) {
      const hits = new Map<string, number>();
      for (const form of this.productForms) {
        if (form.words.length < 2 || !sameWord(texts[i], form.words[0]) || /^\d+$/.test(form.words[0])) continue;
        let k = 1;
        while (k < form.words.length && i + k < texts.length && sameWord(texts[i + k], form.words[k])) k++;
        hits.set(form.productId, Math.max(hits.get(form.productId) ?? 0, k));
      }
      if (hits.size === 0) continue;
      const longest = Math.max(...hits.values());
      // An Indonesian word alone is no product's name ("tahan air?" is not about the MacBook Air),
      // nor is a kind of device unless its price or stock is asked ("harga charger brp" is the one
      // charger the shop sells; "dapet charger ga?" asks what is in the box).
      if (longest === 1 && ((isItemNoun(texts[i]) && !cued) || (isDictionaryStem(texts[i]) && !isBrandWord(texts[i])))) continue;
      const ids = [...hits.entries()].filter(([, k]) => k === longest).map(([id]) => id);
      const products = [...this.products.values()].filter((p) => ids.includes(p.id));
      return { start: i, end: i + longest, products };
    }
    return undefined;
  }
}

const MODEL_WORDS = new Set(['pro', 'ultra', 'plus', 'max', 'mini', 'lite', 'fe', 'note', 'neo', 'prime', 'air', 'se', 'fold', 'flip']);
/** Model words that are also everyday words in a customer's message ("tahan air", "plus ongkir", "max 2 hari"). */
const MODEL_WORDS_IN_TALK = new Set(['air', 'plus', 'max', 'note']);

/** How many tokens after a family name look like a model designation ("15 ultra", "s25"). */
function modelSuffix(tokens: readonly Token[], from: number): number {
  let n = 0;
  while (from + n < tokens.length && n < 3) {
    const t = tokens[from + n];
    const modelish = t.kind === 'num' || (t.kind === 'word' && (/\d/.test(t.text) || MODEL_WORDS.has(t.text)));
    if (!modelish) break;
    n++;
  }
  return n;
}

/** Model words right after a full product name that none of its names contain ("max" after "iphone 15 pro"). */
function modelWordsAfter(tokens: readonly Token[], from: number, product: Product, words: (text: string) => string[]): number {
  const own = new Set([product.name, ...product.aliases].flatMap((n) => words(n)));
  let n = 0;
  while (from + n < tokens.length && n < 2) {
    const t = tokens[from + n];
    if (t.kind !== 'word' || !MODEL_WORDS.has(t.text) || own.has(t.text)) break;
    n++;
  }
  return n;
}

/** The first of `forms[from..to)` (all of one length) whose words stand, unused, at position `i`. */
function formAt(
  texts: readonly string[],
  used: readonly boolean[],
  forms: readonly { words: readonly string[]; id: string }[],
  from: number,
  to: number,
  i: number,
): { words: readonly string[]; id: string } | undefined {
  if (used[i]) return undefined;
  for (let f = from; f < to; f++) {
    const words = forms[f].words;
    let ok = true;
    for (let k = 0; k < words.length && ok; k++) ok = !used[i + k] && sameWord(texts[i + k], words[k]);
    if (ok) return forms[f];
  }
  return undefined;
}

function markUsed(used: boolean[], span: { start: number; end: number }): void {
  for (let i = span.start; i < span.end; i++) used[i] = true;
}

/** Longest word split into a name and a model code (a glued "redminote13" is 11 letters). */
const MAX_GLUED = 24;

/** A name word glued to a model code ("pocox6" → poco, x6), both words of the catalogue's names. */
function gluedName(word: string, names: ReadonlySet<string>): string[] | undefined {
  if (word.length > MAX_GLUED) return undefined;
  for (let k = 3; k <= word.length - 2; k++) {
    const head = word.slice(0, k);
    const tail = word.slice(k);
    if (names.has(head) && names.has(tail) && /\d/.test(tail)) return [head, tail];
  }
  return undefined;
}

/** Equal, or one edit apart for words of 5+ letters (typos in product names). */
function sameWord(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.length < 5 || b.length < 5 || Math.abs(a.length - b.length) > 1 || /\d/.test(a) || /\d/.test(b)) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const oneEdit =
    a.length === b.length
      ? a.slice(i + 1) === b.slice(i + 1) || (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2))
      : a.length > b.length
        ? a.slice(i + 1) === b.slice(i)
        : a.slice(i) === b.slice(i + 1);
  // A real word is itself, not a misspelt name: "resmi" (official) is not "redmi", "phone" not "iphone".
  return oneEdit && !isRealWord(a);
}

const realWords = new Map<string, boolean>();
/** `isDictionaryWord`, remembered: `sameWord` asks it per name form and message position. */
function isRealWord(word: string): boolean {
  let known = realWords.get(word);
  if (known === undefined) {
    if (realWords.size > 10_000) realWords.clear();
    known = isDictionaryWord(word);
    realWords.set(word, known);
  }
  return known;
}

/** The words the normalizer turns "paling murah", "cheapest"… and "paling mahal"… into (lexicon synonyms). */
export const CHEAPEST = 'termurah';
export const DEAREST = 'termahal';
/** Words that pick a variant by price rather than by name. */
const SUPERLATIVES = new Set([CHEAPEST, DEAREST]);

/** Shade words and the English shade variant names use (lexicon `colourShades`: "muda" → light). */
const SHADES: ReadonlyMap<string, string> = new Map(Object.entries(lexicon.colourShades));

/** Words that announce a colour ("warna item", "color black"). */
const COLOUR_CUES = new Set<string>(lexicon.references.colour);

/** A variant colour's words plus their canonical colours ("Midnight Black" → midnight, black, hitam). */
function colourWords(colour: string, words: (text: string) => string[]): string[] {
  const out: string[] = [];
  for (const w of words(colour)) {
    out.push(w);
    const canonical = canonicalColour(w);
    if (canonical) out.push(canonical);
  }
  return out;
}

/**
 * The variants that best fit the size/RAM/colour words given (all of them tie), or [] when none
 * fits. "termurah"/"termahal" then keep the cheapest or dearest of those.
 */
export function matchVariants(product: Product, hints: readonly Token[]): Variant[] {
  if (hints.length === 0) return [];
  const picks = hints.filter((h) => h.kind === 'word' && SUPERLATIVES.has(h.text));
  const attributes = hints.filter((h) => !picks.includes(h));
  // Hints of one kind are alternatives ("hitam atau putih"); kinds together must all hold
  // ("512 biru" is not the 256 Biru): a variant that misses a kind named does not fit.
  const kindOf = (h: Token): string => (h.kind === 'word' ? 'colour' : h.kind === 'ram' ? 'ram' : 'size');
  const kinds = new Set(attributes.map(kindOf));
  let best: Variant[] = attributes.length === 0 ? [...product.variants] : [];
  let bestScore = 0;
  for (const variant of attributes.length > 0 ? product.variants : []) {
    const storage = variant.storage?.toLowerCase().replace(/\s/g, '');
    const ram = variant.ram?.toLowerCase().replace(/\s/g, '');
    const colours = variant.color
      ? new Set(
          colourWords(variant.color, (t) =>
            t
              .toLowerCase()
              .split(/[^\p{L}\p{N}]+/u)
              .filter(Boolean),
          ),
        )
      : undefined;
    let score = 0;
    const held = new Set<string>();
    for (const hint of attributes) {
      const t = hint.text;
      const before = score;
      if (hint.kind === 'ramstorage') {
        const [r, s] = t.split('/');
        // "12/512" names the RAM too: an 8/512 variant is not it.
        if ((storage === `${s}gb` || storage === `${Number(s) / 1024}tb`) && (!ram || ram === `${r}gb`)) score += 2;
      } else if (hint.kind === 'ram') {
        if (ram === t) score += 1;
      } else if (storage && (t === storage || `${t}gb` === storage || `${t}tb` === storage)) score += 1;
      else if (ram && (t === ram || `${t}gb` === ram)) score += 0.5;
      else if (colours?.has(t)) score += 1;
      else if (colours?.has(canonicalColour(t) ?? '')) score += 0.75;
      if (score > before) held.add(kindOf(hint));
    }
    if (held.size < kinds.size) continue;
    if (score > bestScore) {
      best = [variant];
      bestScore = score;
    } else if (score === bestScore && score > 0) {
      best.push(variant);
    }
  }
  if (picks.length === 0 || best.length === 0) return picks.length > 0 ? [] : best;
  const prices = best.map((v) => v.price);
  const target = picks[picks.length - 1].text === CHEAPEST ? Math.min(...prices) : Math.max(...prices);
  return best.filter((v) => v.price === target);
}
