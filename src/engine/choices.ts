import type { Entry } from '../knowledge/schema';
import type { Matcher } from '../matching/matcher';
import { foldText } from '../matching/normalize';
import { productQuestion } from '../matching/product-cues';
import type { OfferedChoice } from '../core/state';
import type { ChoiceOption, Language, OtherLanguage } from '../core/types';

/** The part of an offered choice a channel renders (label) and sends back (value). */
export function toOption(choice: OfferedChoice): ChoiceOption {
  return { label: choice.label, value: choice.value };
}

/** The title shown for an entry in choices; falls back to its first example question (in the customer's other language when it has one). */
export function entryTitle(entry: Entry, lang: Language, other?: OtherLanguage): string {
  const own = other === undefined ? undefined : (entry.title?.[other] ?? entry.questions[other]?.[0]);
  if (own !== undefined) return own;
  if (entry.title) return lang === 'en' && entry.title.en ? entry.title.en : entry.title.id;
  return (lang === 'en' ? entry.questions.en[0] : undefined) ?? entry.questions.id[0] ?? entry.questions.en[0] ?? entry.id;
}

/** Words of a name in a reply beyond which it is more than a pick. */
const MAX_PICK_WORDS = 3;
/** Words that may stand beside a product's name in a pick ("yang air aja kak"), normalized. */
const PICK_FILLERS = new Set(['yang', 'saja', 'deh', 'dong', 'kak', 'min', 'gan', 'sis', 'itu', 'ya', 'the', 'one', 'please', 'kalau']);

/** Words that may follow an option's number or place ("nomor 2 aja kak", "the second one please"). */
const AFTER_NUMBER = '(?:\\s+(?:aja|saja|ya|yah|deh|dong|kak|min|gan|sis|please|pls|one))*';
/** "nomor 2", "no. 2", "pilihan 2", "opsi 2", "option 2", "yg ke-2", "# 2", and "yg 2". */
const NUMBERED = new RegExp(`^(?:(yang|yg)\\s+)?(?:(nomor|nomer|no|pilihan|opsi|option|number|ke)\\s*[-.:]?\\s*|#\\s*)?(\\d+)${AFTER_NUMBER}$`);
/** Places in a list, in Indonesian and English ("yang kedua", "pilihan kedua", "the second one"). */
const PLACES = ['pertama|first', 'kedua|second', 'ketiga|third', 'keempat|fourth', 'kelima|fifth'];
const PLACED = new RegExp(`^(?:(?:yang|yg|the|pilihan|opsi|option)\\s+)?(${PLACES.join('|')})${AFTER_NUMBER}$`);

/**
 * The option a reply names by its number or place in the list, if it does. A bare number is the
 * option's number always; a number or place in words ("yang kedua", "nomor 2") only for choices
 * the bot asked the customer to make, not for the suggestions after an answer ("yang kedua aja"
 * after a comparison means the second product). "yg 2" is no number where an option's name has
 * it ("yg 2" beside AirPods Pro 2).
 */
function optionNumber(folded: string, choices: readonly OfferedChoice[], labelWords: () => readonly (readonly string[])[]): number | undefined {
  if (/^\d+$/.test(folded)) return Number(folded);
  if (choices.some((c) => c.suggested)) return undefined;
  const numbered = NUMBERED.exec(folded);
  if (numbered) {
    const named = numbered[1] !== undefined && numbered[2] === undefined;
    const inName = labelWords().some((words) => words.includes(numbered[3]));
    return named && inName ? undefined : Number(numbered[3]);
  }
  const placed = PLACED.exec(folded);
  return placed ? PLACES.findIndex((p) => p.split('|').includes(placed[1])) + 1 : undefined;
}

/**
 * The offered choice a reply picks: its number ("2", "nomor 2", "yang kedua"), label or value, or the one product choice
 * whose name holds every word the reply says ("yg air" → MacBook Air M2, "yg 13c" → Redmi 13C);
 * undefined when none.
 */
export function pickChoice(choices: readonly OfferedChoice[] | undefined, text: string, matcher: Matcher): OfferedChoice | undefined {
  if (!choices || choices.length === 0) return undefined;
  const folded = foldText(text)
    .replace(/[.)!?]+$/, '')
    .trim();
  // The offered labels' words, worked out once and only when needed.
  let labels: (readonly string[])[] | undefined;
  const labelWords = (): readonly (readonly string[])[] => (labels ??= choices.map((c) => matcher.normalizer.tokens(c.label).map((t) => t.text)));
  const n = optionNumber(folded, choices, labelWords);
  if (n !== undefined && n >= 1 && n <= choices.length) return choices[n - 1];
  const norm = matcher.normalizer.text(text);
  const exact = choices.find((c, i) => foldText(c.value) === folded || foldText(c.label) === folded || labelWords()[i].join(' ') === norm);
  if (exact) return exact;
  // Every word but a filler or a product question's cue ("yang pro berapa?": the caller answers
  // that question) must be in the name: "15 pro 256 brp" asks for a variant too, "bukan yang pro"
  // turns one down.
  const words = matcher.normalizer
    .tokens(text)
    .filter((t) => !PICK_FILLERS.has(t.text) && productQuestion([t]) === undefined)
    .map((t) => t.text);
  if (words.length === 0 || words.length > MAX_PICK_WORDS) return undefined;
  const names = choices.map((c, i) => (c.kind === 'product' ? labelWords()[i] : []));
  const fits = choices.filter((_, i) => words.every((w) => names[i].includes(w)));
  // A word that begins another offered name's word ("yg 13" beside Redmi Note 13 and Redmi 13C)
  // does not tell them apart.
  const begins = choices.filter((_, i) => words.every((w) => names[i].some((n) => n.startsWith(w))));
  return fits.length === 1 && begins.length === 1 ? fits[0] : undefined;
}
