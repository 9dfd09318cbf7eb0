import type { Entry } from '../knowledge/schema';
import type { Matcher } from '../matching/matcher';
import { foldText } from '../matching/normalize';
import type { OfferedChoice } from '../core/state';
import type { ChoiceOption, Language } from '../core/types';

/** The part of an offered choice a channel renders (label) and sends back (value). */
export function toOption(choice: OfferedChoice): ChoiceOption {
  return { label: choice.label, value: choice.value };
}

/** The title shown for an entry in choices; falls back to its first example question. */
export function entryTitle(entry: Entry, lang: Language): string {
  if (entry.title) return lang === 'en' && entry.title.en ? entry.title.en : entry.title.id;
  return (lang === 'en' ? entry.questions.en[0] : undefined) ?? entry.questions.id[0] ?? entry.questions.en[0] ?? entry.id;
}

/** The offered choice a reply picks: its number ("2"), label or value; undefined when none. */
export function pickChoice(choices: readonly OfferedChoice[] | undefined, text: string, matcher: Matcher): OfferedChoice | undefined {
  if (!choices || choices.length === 0) return undefined;
  const folded = foldText(text)
    .replace(/[.)!?]+$/, '')
    .trim();
  const n = Number(folded);
  if (Number.isInteger(n) && n >= 1 && n <= choices.length) return choices[n - 1];
  const norm = matcher.normalizer.text(text);
  return choices.find((c) => foldText(c.value) === folded || foldText(c.label) === folded || matcher.normalizer.text(c.label) === norm);
}
