import {
  availability,
  dayName,
  distanceKm,
  formatHours,
  formatRupiah,
  isOpen,
  lowestPrice,
  storeTimeZone,
  timeZoneLabel,
  type Availability,
} from '../knowledge/catalog';
import { WEEKDAYS, type CatalogHandler, type KnowledgeBase, type Product, type Store, type Variant } from '../knowledge/schema';
import { say } from './messages';
import type { GeoPoint, Language } from '../core/types';

/** What a catalog answer is about. */
export interface CatalogSlots {
  readonly product?: Product;
  readonly variants: readonly Variant[];
  readonly store?: Store;
  /** A city where the shop has no branch, named by the customer. */
  readonly otherCity?: string;
  /** Variant words the customer wrote that no variant of the product has ("2tb", "pink"). */
  readonly unmatchedVariant?: { readonly text: string; readonly kind: 'colour' | 'size' | 'both' };
}

export type CatalogReply = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'missing'; readonly slot: 'product' };

/** Which handlers cannot answer without a product. */
export function needsProduct(handler: CatalogHandler): boolean {
  return handler === 'product-price' || handler === 'product-stock' || handler === 'product-info';
}

/** Answers a catalog question from the data (never from per-product text). */
export function answerFromCatalog(handler: CatalogHandler, slots: CatalogSlots, kb: KnowledgeBase, lang: Language, now: Date): CatalogReply {
  const reply = catalogReply(handler, slots, kb, lang, now);
  if (reply.kind === 'text' && slots.otherCity && !slots.store && handler !== 'product-price' && handler !== 'product-info') {
    return text(`${say('noBranch', lang, { city: titleCase(slots.otherCity) })}\n${reply.text}`);
  }
  return reply;
}

function titleCase(words: string): string {
  return words.replace(/\b\p{L}/gu, (c) => c.toUpperCase());
}

function catalogReply(handler: CatalogHandler, slots: CatalogSlots, kb: KnowledgeBase, lang: Language, now: Date): CatalogReply {
  if (slots.product && slots.unmatchedVariant && needsProduct(handler)) {
    // Never answer with another variant's price or stock: say what exists instead.
    const asked = slots.unmatchedVariant;
    const label = (v: Variant): string =>
      asked.kind === 'both'
        ? v.name
        : asked.kind === 'colour'
          ? (v.color ?? v.name)
          : v.ram && v.storage
            ? `${v.ram.replace(/gb$/i, '')}/${v.storage}`
            : (v.storage ?? v.name);
    // Each size with the colours it comes in ("8/256GB (Onyx Black, Marble Grey)"): the customer
    // sees every variant there is, by name.
    const colours = new Map<string, string[]>();
    for (const v of slots.product.variants) {
      const key = label(v);
      const list = colours.get(key) ?? [];
      // Only beside a size: an accessory's variant name is its colour already ("White").
      if (asked.kind !== 'colour' && asked.kind !== 'both' && v.color && key !== v.name && key !== v.color && !list.includes(v.color)) list.push(v.color);
      colours.set(key, list);
    }
    const list = [...colours].map(([key, cs]) => (cs.length > 0 ? `${key} (${cs.join(', ')})` : key));
    return text(say('noVariant', lang, { product: slots.product.name, asked: asked.text, list: list.join(', ') }));
  }
  switch (handler) {
    case 'product-price':
      return slots.product ? text(priceText(slots.product, slots.variants, lang)) : { kind: 'missing', slot: 'product' };
    case 'product-stock':
      return slots.product ? text(stockText(slots.product, slots.variants, slots.store, kb, lang)) : { kind: 'missing', slot: 'product' };
    case 'product-info':
      return slots.product ? text(infoText(slots.product, lang)) : { kind: 'missing', slot: 'product' };
    case 'store-hours':
      return text(hoursText(slots.store ? [slots.store] : kb.stores, kb.settings.timezone, lang, now));
    case 'store-location':
      return text(locationText(slots.store ? [slots.store] : kb.stores, lang));
    default: {
      const exhaustive: never = handler;
      return exhaustive;
    }
  }
}

function text(t: string): CatalogReply {
  return { kind: 'text', text: t };
}

function variantLabel(product: Product, variants: readonly Variant[]): string {
  if (variants.length === 1) return variants[0].name;
  const storages = new Set(variants.map((v) => v.storage ?? ''));
  return storages.size === 1 && variants[0].storage ? variants[0].storage : variants.map((v) => v.name).join(' / ');
}

function priceText(product: Product, matched: readonly Variant[], lang: Language): string {
  const prices = new Set(matched.map((v) => v.price));
  if (matched.length > 0 && prices.size === 1) {
    return say('priceOne', lang, { product: product.name, variant: variantLabel(product, matched), price: formatRupiah(matched[0].price) });
  }
  const list = matched.length > 0 ? matched : product.variants;
  const lines = dedupeBy(list, (v) => `${v.storage ?? v.name}|${v.price}`).map((v) =>
    say('priceLine', lang, { variant: sameStoragePrice(list, v) ? (v.storage ?? v.name) : v.name, price: formatRupiah(v.price) }),
  );
  return [say('priceHeader', lang, { product: product.name }), ...lines.map((l) => `• ${l}`)].join('\n');
}

/** True when every variant with this storage has the same price (so colours need not be listed). */
function sameStoragePrice(list: readonly Variant[], v: Variant): boolean {
  if (!v.storage) return false;
  return list.filter((o) => o.storage === v.storage).every((o) => o.price === v.price);
}

function dedupeBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function describeAvailability(a: Availability, lang: Language): string {
  switch (a.status) {
    case 'in-stock':
      return say('inStock', lang);
    case 'low':
      return say('lowStock', lang, { n: a.units });
    case 'out':
      return a.elsewhere.length > 0 ? `${say('outOfStock', lang)}, ${say('elsewhere', lang, { stores: a.elsewhere.join(', ') })}` : say('outOfStock', lang);
    default: {
      const exhaustive: never = a;
      return exhaustive;
    }
  }
}

function stockText(product: Product, matched: readonly Variant[], store: Store | undefined, kb: KnowledgeBase, lang: Language): string {
  const list = matched.length > 0 ? matched : product.variants;
  const low = kb.settings.lowStock;
  if (store) {
    const lines = list.map((v) => `• ${v.name}: ${describeAvailability(availability(v, kb.stores, low, store.id), lang)}`);
    return [say('stockAtStoreHeader', lang, { product: product.name, store: store.name }), ...lines].join('\n');
  }
  const lines = list.map((v) => {
    const where = kb.stores.filter((s) => (v.stock[s.id] ?? 0) > 0);
    if (where.length === 0) return `• ${v.name}: ${say('outEverywhere', lang)}`;
    const parts = where.map((s) => {
      const a = availability(v, kb.stores, low, s.id);
      return `${s.city} (${describeAvailability(a, lang)})`;
    });
    return `• ${v.name}: ${parts.join(', ')}`;
  });
  return [say('stockHeader', lang, { product: product.name }), ...lines].join('\n');
}

function infoText(product: Product, lang: Language): string {
  const from = lowestPrice(product);
  const description = lang === 'en' && product.description.en ? product.description.en : product.description.id;
  const price = lang === 'id' ? `Harga mulai ${formatRupiah(from)}.` : `Prices from ${formatRupiah(from)}.`;
  return `${product.name}: ${description} ${price}`;
}

/**
 * Weekly hours with consecutive days of equal hours folded, labelled with the store's time zone:
 * "Senin–Sabtu 09.00–21.00 WITA". `shopTimeZone` is `settings.timezone`, for stores without their
 * own; `now` picks the label of a zone with daylight saving time.
 */
export function weeklyHours(store: Store, lang: Language, shopTimeZone: string, now: Date): string {
  const zoneLabel = timeZoneLabel(storeTimeZone(store, shopTimeZone), now);
  const groups: { from: number; to: number; range: string }[] = [];
  WEEKDAYS.forEach((day, i) => {
    const range = store.hours[day];
    const last = groups[groups.length - 1];
    if (last && last.range === range && last.to === i - 1) last.to = i;
    else groups.push({ from: i, to: i, range });
  });
  return groups
    .map((g) => {
      const days = g.from === g.to ? dayName(WEEKDAYS[g.from], lang) : `${dayName(WEEKDAYS[g.from], lang)}–${dayName(WEEKDAYS[g.to], lang)}`;
      return `${days} ${formatHours(g.range, lang, zoneLabel)}`;
    })
    .join(', ');
}

/** Each store's week in its own time zone, and whether it is open now there. */
function hoursText(stores: readonly Store[], shopTimeZone: string, lang: Language, now: Date): string {
  return stores
    .map(
      (s) =>
        `${say('hoursHeader', lang, { store: s.name })} ${weeklyHours(s, lang, shopTimeZone, now)}. ${say(isOpen(s, now, shopTimeZone) ? 'openNow' : 'closedNow', lang)}`,
    )
    .join('\n');
}

function locationText(stores: readonly Store[], lang: Language): string {
  const lines = stores.map((s) => say('locationLine', lang, { store: s.name, address: s.address, phone: s.phone, map: s.map }));
  return stores.length === 1 ? lines[0] : [say('locationHeader', lang), ...lines.map((l) => `• ${l}`)].join('\n');
}

/**
 * The nearest stores to a shared location, with distance, weekly hours (in each store's time zone)
 * and map link. `now` (default: the current time) only picks the label of a zone with daylight saving time.
 */
export function nearestStoresText(point: GeoPoint, kb: KnowledgeBase, lang: Language, limit = 2, now: Date = new Date()): string {
  const ranked = [...kb.stores]
    .map((s) => ({ s, km: distanceKm(point, s.coordinates) }))
    .sort((a, b) => a.km - b.km)
    .slice(0, limit);
  const lines = ranked.map(
    ({ s, km }) =>
      `• ${s.name} — ${say('distance', lang, { km: km < 10 ? km.toFixed(1) : Math.round(km) })}: ${s.address}. ${weeklyHours(s, lang, kb.settings.timezone, now)}. ${s.map}`,
  );
  return [say('nearestHeader', lang), ...lines].join('\n');
}
