import lexicon = require('../matching/data/lexicon-id.json');
import { localDate } from '../knowledge/catalog';
import { foldText } from '../matching/normalize';
import type { Step } from './schema';

/** The value kept in a slot, or why the answer does not fit. */
export type SlotParse = { readonly ok: true; readonly value: string } | { readonly ok: false };

const NUMBER_WORDS: Readonly<Record<string, number>> = {
  nol: 0,
  satu: 1,
  dua: 2,
  tiga: 3,
  empat: 4,
  lima: 5,
  enam: 6,
  tujuh: 7,
  delapan: 8,
  sembilan: 9,
  sepuluh: 10,
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
};

const MONTHS: Readonly<Record<string, number>> = {
  jan: 1,
  januari: 1,
  january: 1,
  feb: 2,
  februari: 2,
  february: 2,
  mar: 3,
  maret: 3,
  march: 3,
  apr: 4,
  april: 4,
  mei: 5,
  may: 5,
  jun: 6,
  juni: 6,
  june: 6,
  jul: 7,
  juli: 7,
  july: 7,
  agu: 8,
  agt: 8,
  agustus: 8,
  aug: 8,
  august: 8,
  sep: 9,
  sept: 9,
  september: 9,
  okt: 10,
  oktober: 10,
  oct: 10,
  october: 10,
  nov: 11,
  november: 11,
  des: 12,
  desember: 12,
  dec: 12,
  december: 12,
};

const ok = (value: string): SlotParse => ({ ok: true, value });
const no: SlotParse = { ok: false };

/** Indonesian mobile and landline numbers in the forms people write them: 0812…, +62 812…, 62812…, 021-… */
export function parsePhone(text: string): SlotParse {
  const compact = text.replace(/[\s().-]/g, '');
  const m = /^(?:\+?62|0)(\d{8,12})$/.exec(compact);
  if (!m || m[1].startsWith('0')) return no;
  return ok(`+62${m[1]}`);
}

export function parseEmail(text: string): SlotParse {
  const t = text.trim();
  return /^[^\s@]+@[^\s@]+\.[a-z]{2,}$/i.test(t) ? ok(t.toLowerCase()) : no;
}

export function parseNumber(text: string): SlotParse {
  const t = foldText(text).trim();
  if (/^\d{1,3}([.,]\d{3})+$/.test(t)) return ok(t.replace(/[.,]/g, ''));
  if (/^-?\d+([.,]\d+)?$/.test(t)) return ok(t.replace(',', '.'));
  const word = NUMBER_WORDS[t];
  return word !== undefined ? ok(String(word)) : no;
}

/**
 * Dates as customers write them: "besok", "lusa", "hari ini", "12/12", "12/12/2026",
 * "12 Desember", "12 des 2026" (Indonesian and English month names), kept as YYYY-MM-DD.
 */
export function parseDate(text: string, now: Date, timeZone: string): SlotParse {
  const t = foldText(text)
    .trim()
    .replace(/^tanggal\s+|^tgl\.?\s+/, '');
  const [y, m, d] = localDate(now, timeZone).split('-').map(Number);
  const iso = (year: number, month: number, day: number): SlotParse => {
    const date = new Date(Date.UTC(year, month - 1, day));
    if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return no;
    return ok(date.toISOString().slice(0, 10));
  };
  const relative: Readonly<Record<string, number>> = { 'hari ini': 0, today: 0, besok: 1, tomorrow: 1, lusa: 2, kemarin: -1, yesterday: -1 };
  if (relative[t] !== undefined) return iso(y, m, d + relative[t]);
  const numeric = /^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?$/.exec(t);
  if (numeric) {
    const year = numeric[3] ? (numeric[3].length === 2 ? 2000 + Number(numeric[3]) : Number(numeric[3])) : y;
    return iso(year, Number(numeric[2]), Number(numeric[1]));
  }
  const named = /^(\d{1,2})\s+([a-z]+)(?:\s+(\d{4}))?$/.exec(t);
  if (named && MONTHS[named[2]] !== undefined) return iso(named[3] ? Number(named[3]) : y, MONTHS[named[2]], Number(named[1]));
  return no;
}

/** The option a customer picked: by number, by value, or by (part of) its label. */
export function parseChoice(text: string, step: Step): SlotParse {
  const options = step.options ?? [];
  const t = foldText(text).trim().replace(/[.)]$/, '');
  if (/^\d+$/.test(t)) {
    const picked = options[Number(t) - 1];
    return picked ? ok(picked.value) : no;
  }
  const exact = options.find((o) => foldText(o.value) === t || foldText(o.label.id) === t || (o.label.en !== undefined && foldText(o.label.en) === t));
  if (exact) return ok(exact.value);
  // A label inside the answer counts as whole words only: "Ya" is not in "saya" or "maksudnya".
  const spaced = ` ${t
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .join(' ')} `;
  const inAnswer = (label: string): boolean => {
    const phrase = foldText(label)
      .split(/[^\p{L}\p{N}]+/u)
      .filter(Boolean)
      .join(' ');
    return phrase !== '' && spaced.includes(` ${phrase} `);
  };
  const partial = options.filter((o) => [o.label.id, o.label.en ?? '', o.value].some((l) => l && (inAnswer(l) || (t.length >= 3 && foldText(l).includes(t)))));
  if (partial.length === 1) return ok(partial[0].value);
  // A word of the answer that names exactly one option ("yg email aja").
  const words = new Set(t.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 3));
  const byWord = options.filter((o) =>
    [o.label.id, o.label.en ?? '', o.value].some((l) =>
      foldText(l)
        .split(/[^\p{L}\p{N}]+/u)
        .some((w) => words.has(w)),
    ),
  );
  if (byWord.length === 1) return ok(byWord[0].value);
  return yesOrNo(t, options) ?? no;
}

const YES = new Set<string>(lexicon.yesNo.yes);
const NO = new Set<string>(lexicon.yesNo.no);

/**
 * "iya", "gas", "gausah" to a question whose options are a yes and a no (Ya/Tidak, Yes/No):
 * the option of that kind, when the answer says only one of the two.
 */
function yesOrNo(answer: string, options: readonly { value: string; label: { id: string; en?: string } }[]): SlotParse | undefined {
  const kindOf = (o: { value: string; label: { id: string; en?: string } }): 'yes' | 'no' | undefined => {
    const names = [o.value, o.label.id, o.label.en ?? ''].map((l) => foldText(l).trim());
    if (names.some((n) => YES.has(n))) return 'yes';
    if (names.some((n) => NO.has(n))) return 'no';
    return undefined;
  };
  const words = answer.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const saysYes = words.some((w) => YES.has(w));
  const saysNo = words.some((w) => NO.has(w));
  if (saysYes === saysNo) return undefined;
  const wanted = options.filter((o) => kindOf(o) === (saysYes ? 'yes' : 'no'));
  return wanted.length === 1 ? ok(wanted[0].value) : undefined;
}

/** Reads an answer for an `ask` step. */
export function parseSlot(step: Step, text: string, now: Date, timeZone: string): SlotParse {
  const trimmed = text.trim();
  switch (step.type) {
    case 'number':
      return parseNumber(trimmed);
    case 'choice':
      return parseChoice(trimmed, step);
    case 'phone':
      return parsePhone(trimmed);
    case 'email':
      return parseEmail(trimmed);
    case 'date':
      return parseDate(trimmed, now, timeZone);
    case 'pattern': {
      const re = new RegExp(step.pattern ?? '.', 'iu');
      return re.test(trimmed) ? ok(trimmed.toUpperCase()) : no;
    }
    case 'text':
    case undefined:
      return /[\p{L}\p{N}]/u.test(trimmed) ? ok(trimmed.slice(0, 1000)) : no;
  }
}
