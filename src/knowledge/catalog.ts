import type { Language } from '../core/types';
import { INDONESIAN_TIME_ZONES, WEEKDAYS, type Product, type Store, type Variant, type WeekHours, type Weekday } from './schema';

/** Formats Rupiah the Indonesian way: 15999000 → "Rp15.999.000". */
export function formatRupiah(amount: number): string {
  return `Rp${Math.round(amount).toLocaleString('id-ID').replace(/,/g, '.')}`;
}

export type Availability =
  | { readonly status: 'in-stock'; readonly units: number }
  | { readonly status: 'low'; readonly units: number }
  | { readonly status: 'out'; readonly elsewhere: readonly string[] };

/** Availability of a variant at one store, or across all stores when `storeId` is omitted. */
export function availability(variant: Variant, stores: readonly Store[], lowStock: number, storeId?: string): Availability {
  const units = storeId === undefined ? Object.values(variant.stock).reduce((a, b) => a + b, 0) : (variant.stock[storeId] ?? 0);
  if (units > lowStock) return { status: 'in-stock', units };
  if (units > 0) return { status: 'low', units };
  const elsewhere = storeId === undefined ? [] : stores.filter((s) => s.id !== storeId && (variant.stock[s.id] ?? 0) > 0).map((s) => s.city);
  return { status: 'out', elsewhere };
}

/** Total units of a product across variants and stores. */
/** The product's lowest variant price (a loop: a catalogue may hold more variants than a spread allows). */
export function lowestPrice(product: Product): number {
  let lowest = Infinity;
  for (const v of product.variants) if (v.price < lowest) lowest = v.price;
  return lowest;
}

export function totalStock(product: Product): number {
  return product.variants.reduce((sum, v) => sum + Object.values(v.stock).reduce((a, b) => a + b, 0), 0);
}

const DAY_NAMES: Record<Language, Record<Weekday, string>> = {
  id: { mon: 'Senin', tue: 'Selasa', wed: 'Rabu', thu: 'Kamis', fri: 'Jumat', sat: 'Sabtu', sun: 'Minggu' },
  en: { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' },
};

export function dayName(day: Weekday, lang: Language): string {
  return DAY_NAMES[lang][day];
}

/** Weekday and minutes since midnight of `at` in a time zone (an IANA name such as Asia/Jakarta). */
export function localTime(at: Date, timeZone: string): { day: Weekday; minutes: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  const day = get('weekday').toLowerCase().slice(0, 3) as Weekday;
  return { day: WEEKDAYS.includes(day) ? day : 'mon', minutes: Number(get('hour')) * 60 + Number(get('minute')) };
}

/** The time zone of a store's hours: its own, or the shop's (`settings.timezone`). */
export function storeTimeZone(store: Store, shopTimeZone: string): string {
  return store.timezone ?? shopTimeZone;
}

/**
 * How customers name a time zone at a moment: "WIB", "WITA" or "WIT" for Indonesia's zones (in
 * either language), otherwise the zone's short name ("GMT+8", "GMT"). The moment matters only for
 * zones with daylight saving time.
 */
export function timeZoneLabel(timeZone: string, at: Date): string {
  const format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' });
  // Aliases such as "Asia/Ujung_Pandang" or "asia/makassar" resolve to the canonical name.
  const canonical = format.resolvedOptions().timeZone;
  const indonesian = lookupIndonesian(timeZone) ?? lookupIndonesian(canonical);
  if (indonesian) return indonesian;
  return format.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? canonical;
}

function lookupIndonesian(name: string): string | undefined {
  return Object.entries(INDONESIAN_TIME_ZONES).find(([zone]) => zone === name)?.[1];
}

/** Whether a store is open at a moment, by its hours in its own time zone (or the shop's, `shopTimeZone`). */
export function isOpen(store: Store, at: Date, shopTimeZone: string): boolean {
  const { day, minutes } = localTime(at, storeTimeZone(store, shopTimeZone));
  const range = store.hours[day];
  if (range === 'closed') return false;
  const [open, close] = range.split('-').map((t) => {
    const [h, m] = t.split(':').map(Number);
    return h * 60 + m;
  });
  return minutes >= open && minutes < close;
}

/** A clock time the Indonesian way in Indonesian ("08.00"), as written in English ("08:00"). */
export function formatTime(time: string, lang: Language): string {
  return lang === 'id' ? time.replace(':', '.') : time;
}

/** "09:00-21:00" → "09.00–21.00 WITA" (the Indonesian way of writing times), labelled with `zoneLabel`. */
export function formatHours(range: string, lang: Language, zoneLabel: string): string {
  if (range === 'closed') return lang === 'id' ? 'tutup' : 'closed';
  const [a, b] = range.split('-');
  return `${formatTime(a, lang)}–${formatTime(b, lang)} ${zoneLabel}`;
}

/** Great-circle distance in kilometres. */
export function distanceKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = (d: number): number => (d * Math.PI) / 180;
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

/** The calendar date of `at` in a time zone, "YYYY-MM-DD". */
export function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

function minutesOf(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return h * 60 + m;
}

/** When agents are next at work: now, or a later day and time (local). */
export type AgentAvailability =
  { readonly open: true } | { readonly open: false; readonly next?: { readonly inDays: number; readonly day: Weekday; readonly time: string } };

/**
 * Whether agents work at `at` by their weekly hours and holidays (no hours set: always), and
 * if not, when they are back (looking up to two weeks ahead).
 */
export function agentAvailability(hours: WeekHours | undefined, holidays: readonly string[], at: Date, timeZone: string): AgentAvailability {
  if (!hours) return { open: true };
  const { day, minutes } = localTime(at, timeZone);
  const today = localDate(at, timeZone);
  const [y, mo, d] = today.split('-').map(Number);
  const start = WEEKDAYS.indexOf(day);
  for (let offset = 0; offset <= 14; offset++) {
    const date = new Date(Date.UTC(y, mo - 1, d + offset)).toISOString().slice(0, 10);
    const weekday = WEEKDAYS[(start + offset) % 7];
    const range = hours[weekday];
    if (range === 'closed' || holidays.includes(date)) continue;
    const [from, to] = range.split('-');
    if (offset === 0 && minutes >= minutesOf(to)) continue;
    if (offset === 0 && minutes >= minutesOf(from)) return { open: true };
    return { open: false, next: { inDays: offset, day: weekday, time: from } };
  }
  return { open: false };
}
