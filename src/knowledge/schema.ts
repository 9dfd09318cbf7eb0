import { z } from 'zod';
import { CONTENT_LANGUAGES, OTHER_LANGUAGES, type ContentLanguage, type Language, type OtherLanguage } from '../core/types';

/**
 * The knowledge-base schema. Every file under knowledge/ is a YAML mapping with any of the
 * top-level keys below; the loader merges them and checks cross-file references.
 * Documented for editors in docs/knowledge-base.md.
 */

export const id = z.string().regex(/^[a-z0-9][a-z0-9_./-]*$/, 'use lower-case letters, digits, "-", "_", "/" or "." (e.g. "return-policy")');

export const nonEmpty = z.string().trim().min(1, 'must not be empty');

/**
 * Optional fields for the other languages a knowledge base may be written in (`OTHER_LANGUAGES`:
 * `de:`, `fr:` … beside `id:` and `en:`), each of the given kind.
 */
function otherLanguageFields<T extends z.ZodType>(kind: T) {
  return {
    de: kind.optional(),
    fr: kind.optional(),
    es: kind.optional(),
    it: kind.optional(),
    nl: kind.optional(),
    pt: kind.optional(),
    sv: kind.optional(),
    no: kind.optional(),
  } satisfies Record<OtherLanguage, z.ZodOptional<T>>;
}

/** Text in Tanya's own languages: Indonesian required, English optional (flows, whose steps Tanya says itself). */
export const localizedIdEn = z.object({ id: nonEmpty, en: nonEmpty.optional() }).strict();

/** Text per language; Indonesian is required, English and the other languages optional. */
export const localized = z.object({ id: nonEmpty, en: nonEmpty.optional(), ...otherLanguageFields(nonEmpty) }).strict();

const hoursRange = z.union([z.literal('closed'), z.string().regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/, 'write "09:00-21:00" or "closed"')]);

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const weekHours = z
  .object({
    mon: hoursRange,
    tue: hoursRange,
    wed: hoursRange,
    thu: hoursRange,
    fri: hoursRange,
    sat: hoursRange,
    sun: hoursRange,
  })
  .strict();

/**
 * Indonesia's time zones by IANA name, with the label customers know. Any other IANA zone is
 * accepted too and labelled with its short name ("GMT+8").
 */
export const INDONESIAN_TIME_ZONES = {
  'Asia/Jakarta': 'WIB',
  'Asia/Pontianak': 'WIB',
  'Asia/Makassar': 'WITA',
  'Asia/Jayapura': 'WIT',
} as const;

/** Whether the runtime's time-zone data knows `name` (an IANA name such as "Asia/Makassar"). */
export function isKnownTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const INDONESIAN_ZONE_LIST = Object.entries(INDONESIAN_TIME_ZONES)
  .map(([zone, label]) => `${zone} (${label})`)
  .join(', ');

/** What to write instead of `input`: the IANA name for a label such as "WITA", else the list. */
function timeZoneProblem(input: unknown): string {
  const text = String(input);
  const byLabel = Object.entries(INDONESIAN_TIME_ZONES).find(([, label]) => label === text.trim().toUpperCase());
  if (byLabel) return `"${text}" is how customers say it, not a time-zone name; write ${byLabel[0]} (tanya prints ${byLabel[1]} for it)`;
  return `"${text}" is not a time-zone name; write an IANA name: ${INDONESIAN_ZONE_LIST} for Indonesia; any other IANA zone works too, e.g. Asia/Singapore`;
}

/** An IANA time-zone name, checked against the runtime's time-zone data (an empty one is reported once, as empty). */
export const timeZone = nonEmpty.refine((name) => name === '' || isKnownTimeZone(name), { error: (issue) => timeZoneProblem(issue.input) });

export const storeSchema = z
  .object({
    id,
    name: nonEmpty,
    city: nonEmpty,
    /** Other ways customers name the city or branch ("bdg", "kota kembang"). */
    aliases: z.array(nonEmpty).default([]),
    address: nonEmpty,
    phone: nonEmpty,
    hours: weekHours,
    map: z.url('write a full link such as "https://maps.google.com/?q=-6.2,106.8"'),
    coordinates: z.object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) }).strict(),
    /** IANA time zone of the branch's hours, e.g. "Asia/Makassar" for Bali (default: `settings.timezone`). */
    timezone: timeZone.optional(),
  })
  .strict();

const rupiah = z
  .number({ error: 'write the price as a whole number of Rupiah, e.g. 12999000' })
  .int('write the price as a whole number of Rupiah, e.g. 12999000')
  .positive('a price must be above 0');

export const variantSchema = z
  .object({
    id,
    /** How the variant is shown: "128GB Hitam". */
    name: nonEmpty,
    storage: z
      .string()
      .regex(/^\d+\s?(GB|TB)$/i, 'write storage like "128GB" or "1TB"')
      .optional(),
    ram: z
      .string()
      .regex(/^\d+\s?GB$/i, 'write RAM like "8GB"')
      .optional(),
    color: nonEmpty.optional(),
    price: rupiah,
    /** Units in stock per store id. A store not listed has none. */
    stock: z.record(z.string(), z.number().int('stock is a whole number of units').min(0, 'stock cannot be negative')),
  })
  .strict();

export const productSchema = z
  .object({
    id,
    name: nonEmpty,
    brand: nonEmpty.optional(),
    aliases: z.array(nonEmpty).default([]),
    category: nonEmpty,
    description: localizedIdEn,
    variants: z.array(variantSchema).min(1, 'a product needs at least one variant with a price'),
  })
  .strict();

/** What happens when an entry is the answer. */
export const ENTRY_ACTIONS = ['answer', 'handoff'] as const;
/** Catalog handlers answer from product/store data instead of fixed text. */
export const CATALOG_HANDLERS = ['product-price', 'product-stock', 'product-info', 'store-hours', 'store-location'] as const;
export type CatalogHandler = (typeof CATALOG_HANDLERS)[number];

/** Every example question of an entry, Indonesian and English first, then its other languages'. */
export function questionsOf(entry: { readonly questions: Readonly<Partial<Record<ContentLanguage, readonly string[]>>> }): string[] {
  return CONTENT_LANGUAGES.flatMap((lang) => entry.questions[lang] ?? []);
}

/** An entry's questions by language, Indonesian and English first, then its other languages'. */
export function questionPairs(entry: Pick<Entry, 'questions'>): [ContentLanguage, string][] {
  return CONTENT_LANGUAGES.flatMap((lang) => (entry.questions[lang] ?? []).map((q): [ContentLanguage, string] => [lang, q]));
}

/** Questions grouped under their languages again (the inverse of `questionPairs`). */
export function groupQuestions(pairs: readonly (readonly [ContentLanguage, string])[]): Entry['questions'] {
  const out: Entry['questions'] = { id: [], en: [] };
  for (const [lang, q] of pairs) (out[lang] ??= []).push(q);
  return out;
}

export const entrySchema = z
  .object({
    id,
    /** Short name shown when the bot asks "Maksud Kakak: 1) … 2) …?". */
    title: localized.optional(),
    category: nonEmpty.optional(),
    questions: z
      .object({
        id: z.array(nonEmpty).default([]),
        en: z.array(nonEmpty).default([]),
        ...otherLanguageFields(z.array(nonEmpty)),
      })
      .strict(),
    keywords: z.array(nonEmpty).default([]),
    answer: localized.optional(),
    handler: z.enum(CATALOG_HANDLERS).optional(),
    action: z.enum(ENTRY_ACTIONS).default('answer'),
    /** Entry ids offered as follow-up choices after the answer. */
    suggest: z.array(id).default([]),
  })
  .strict()
  .superRefine((entry, ctx) => {
    if (questionsOf(entry).length === 0) {
      ctx.addIssue({ code: 'custom', path: ['questions'], message: 'the entry has no example questions; write at least one under "id:" (or "en:")' });
    }
    if (!entry.answer && !entry.handler && entry.action === 'answer') {
      ctx.addIssue({
        code: 'custom',
        path: ['answer'],
        message: 'the entry has no answer; add "answer: { id: …, en: … }" or a catalog "handler"',
      });
    }
  });

const weight = z.number().min(0).max(1);
export const matchingSchema = z
  .object({
    /** Nearest example against entry centroid (default 0.2). */
    exampleWeight: weight.optional(),
    /** Word pairs against single words, with few examples per entry (default 0.4). */
    bigramWeight: weight.optional(),
    /** Word pairs against single words, with many examples per entry (default 0.6). */
    bigramWeightFull: weight.optional(),
    /** Character 4-grams against single words (default 0.3). */
    charWeight: weight.optional(),
    /** Concept features from the colloquial lexicon against single words (default 0.5; 0 = off). */
    conceptWeight: weight.optional(),
    /** Weight of an entry's answer text as evidence beside its questions (default 0.8, less for entries with many examples; 0 = off). */
    answerWeight: weight.optional(),
    /** Share of the trained model's probability in the score at full data (default 0.5; 0 = off). */
    modelWeight: weight.optional(),
    /** Examples per entry from which the model and pair weights reach full strength (default 50). */
    modelFullShareExamples: z.number().int().min(1).optional(),
  })
  .strict();

/** Words and phrases that mean an upset customer or a complaint a person should take. */
export const DEFAULT_COMPLAINT_WORDS = [
  'kecewa',
  'sangat kecewa',
  'penipuan',
  'penipu',
  'nipu',
  'ditipu',
  'mau lapor',
  'saya laporkan',
  'lapor polisi',
  'lapor ylki',
  // "refund belum masuk" is not here: it asks the refund's status, which an FAQ answers; anger
  // beside it ("kecewa", "penipuan") still hands off.
  'tidak profesional',
  'parah banget',
  'komplain keras',
  'scam',
  'fraud',
  'very disappointed',
  'disappointed',
  'unacceptable',
  'report you',
];

export const handoffSettingsSchema = z
  .object({
    /** When agents work (local time in `timezone`); leave out for "always". */
    hours: weekHours.optional(),
    /** Days without agents, "YYYY-MM-DD". */
    holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'write dates as "2026-12-25"')).default([]),
    /** How soon the customer is told to expect a reply, in minutes (default 15). */
    replyMinutes: z.number().int().min(1).default(15),
    /** Minutes unclaimed before the customer hears the ticket is still queued, and between such notices (default 5). */
    queueNoticeMinutes: z.number().positive().default(5),
    /** Words that hand the conversation to a person at once (complaints, anger). */
    complaintWords: z.array(nonEmpty).default(DEFAULT_COMPLAINT_WORDS),
  })
  .strict();

/** Phrases that ask for one's data to be deleted (UU 27/2022 right to erasure): handed to a person who verifies and runs `tanya forget`. */
export const DEFAULT_DELETION_WORDS = [
  'hapus data saya',
  'hapus data aku',
  'hapus dataku',
  'hapus semua data saya',
  'hapus data pribadi saya',
  'hapus data diri saya',
  'hapus nomor saya',
  'hapus chat saya',
  'hapus riwayat chat saya',
  'hapus percakapan saya',
  'data saya dihapus',
  'data aku dihapus',
  'delete my data',
  'delete my personal data',
  'erase my data',
  'remove my data',
  'delete my chat history',
  'delete my conversation',
];

export const privacySettingsSchema = z
  .object({
    /** Days transcripts, conversation state and flow answers are kept (default 365; 0 = keep). */
    retentionDays: z.number().int('write a whole number of days, e.g. 365').min(0, 'write 0 (keep) or a number of days').default(365),
    /** Sent once per conversation, before the first answer, on every channel. */
    notice: localizedIdEn.optional(),
    /** Phrases that ask for the customer's data to be deleted; the conversation goes to a person. */
    deletionWords: z.array(nonEmpty).default(DEFAULT_DELETION_WORDS),
  })
  .strict();

/** An origin as browsers send it: scheme and host (and port), nothing after. */
const webOrigin = nonEmpty.refine((text) => {
  try {
    const url = new URL(text);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.pathname === '/' && !url.search && !url.hash && !text.endsWith('/');
  } catch {
    return false;
  }
}, 'write an origin such as "https://shop.example.com" (scheme and host, no path or slash at the end)');

/** The web chat widget on the shop's site (environment variables WEBCHAT_* override these). */
export const webchatSettingsSchema = z
  .object({
    /** Header title (default: shopName). */
    title: z.string().min(1).max(80).optional(),
    /** Brand colour (default #0f766e). */
    color: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, 'write a colour such as "#0f766e"')
      .optional(),
    /** Logo in the header, an http(s) address. */
    logoUrl: z
      .string()
      .regex(/^https?:\/\/[^\s]+$/, 'write an http(s) address such as "https://shop.example.com/logo.png"')
      .optional(),
    /** Corner of the chat bubble (default right). */
    position: z.enum(['right', 'left']).optional(),
    /** Sites that may embed the chat, besides the bot's own pages; listing one turns the web chat on. */
    allowedOrigins: z.array(webOrigin).optional(),
  })
  .strict();

export const settingsSchema = z
  .object({
    botName: nonEmpty.default('Tanya'),
    shopName: nonEmpty.default('Toko'),
    defaultLanguage: z.enum(['id', 'en']).default('id'),
    /** Languages of the questions and answers (Tanya's own sentences are in Indonesian or English; `OTHER_LANGUAGES` get English ones). */
    languages: z.array(z.enum(['id', 'en', ...OTHER_LANGUAGES])).default(['id', 'en']),
    greeting: localized.optional(),
    /** The shop's own "I did not understand" reply (default: Tanya's, which also says how to reach a person). */
    fallback: localized.optional(),
    /** IANA time zone of the agents' hours and of stores without their own (default Asia/Jakarta). */
    timezone: timeZone.default('Asia/Jakarta'),
    /** Minimum confidence to answer (default 0.2). */
    answerThreshold: z.number().min(0).max(1).default(0.2),
    /** Minimum confidence to offer a clarification instead of a fallback (default 0.12). */
    clarifyThreshold: z.number().min(0).max(1).default(0.12),
    /** The top candidate must lead the second by this much to answer outright (default 0.03). */
    clarifyMargin: z.number().min(0).max(1).default(0.03),
    /** Fallbacks in a row before handing off to a person (default 2). */
    fallbacksBeforeHandoff: z.number().int().min(1).default(2),
    /** Minutes of silence after which the previous topic is forgotten (default 30). */
    contextMinutes: z.number().positive().default(30),
    /** Units at or below which stock is reported as "stok tinggal N" (default 3). */
    lowStock: z.number().int().min(0).default(3),
    /** Extra chat slang: written form → standard word(s), e.g. { "brg": "barang" }. */
    slang: z.record(z.string(), z.string()).default({}),
    /** Phrases that mean the same, e.g. { "ongkir": ["ongkos kirim", "biaya kirim"] }. */
    synonyms: z.record(z.string(), z.array(nonEmpty)).default({}),
    /** Matcher weights (docs/matching.md); the defaults fit most knowledge bases, so leave them out unless measured. */
    matching: matchingSchema.default({}),
    /** Handing conversations to people: agents' hours, holidays, what counts as a complaint. */
    handoff: handoffSettingsSchema.prefault({}),
    /** Customers' data (UU 27/2022): how long it is kept, the first-contact notice, deletion requests. */
    privacy: privacySettingsSchema.prefault({}),
    /** The web chat widget: title, colour, logo, position, allowed sites. */
    webchat: webchatSettingsSchema.optional(),
  })
  .strict();

export const knowledgeFileSchema = z
  .object({
    settings: settingsSchema.partial().optional(),
    stores: z.array(storeSchema).optional(),
    products: z.array(productSchema).optional(),
    policies: z.array(entrySchema).optional(),
    faq: z.array(entrySchema).optional(),
  })
  .strict();

export type Localized = z.infer<typeof localized>;

/** A text in the reader's language: their other language's (German, French …) when written, else English for English, else Indonesian. */
export function inLanguage(text: Localized, lang: Language, other?: OtherLanguage): string {
  return (other !== undefined ? text[other] : undefined) ?? (lang === 'en' && text.en ? text.en : text.id);
}
export type Store = z.infer<typeof storeSchema>;
export type Variant = z.infer<typeof variantSchema>;
export type Product = z.infer<typeof productSchema>;
export type Entry = z.infer<typeof entrySchema>;
export type Settings = z.infer<typeof settingsSchema>;
export type HandoffSettings = z.infer<typeof handoffSettingsSchema>;
export type PrivacySettings = z.infer<typeof privacySettingsSchema>;
export type WeekHours = z.infer<typeof weekHours>;
export type KnowledgeFile = z.infer<typeof knowledgeFileSchema>;

/** A validated, merged knowledge base. */
export interface KnowledgeBase {
  readonly settings: Settings;
  readonly stores: readonly Store[];
  readonly products: readonly Product[];
  readonly entries: readonly Entry[];
  /** Where each entry was defined, for messages to editors ("knowledge/faq.yaml:12"). */
  readonly sources: ReadonlyMap<string, SourceRef>;
  /** The files that hold settings (for messages about settings). */
  readonly settingsFiles?: readonly string[];
}

export interface SourceRef {
  readonly file: string;
  readonly line: number;
}

export function defaultSettings(): Settings {
  return settingsSchema.parse({});
}
