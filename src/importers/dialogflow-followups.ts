import { OTHER_LANGUAGES, type ContentLanguage } from '../core/types';
import { foldedWords, foldText } from '../matching/normalize';
import type { PerLanguage } from './migrate';
import { UniqueIds } from './unique-ids';

/**
 * Dialogflow follow-up intents ("Order - yes", "Order - no", "Order - fallback") only match right
 * after their parent answered; Tanya's way to say "after this answer, the customer picks one of
 * these" is a flow with a choice step. This module decides which follow-ups are such generic
 * replies and builds the flow for a parent.
 *
 * The rule: a follow-up is GENERIC when it has no training phrases of its own, or when at least
 * half of its training phrases are generic replies — every word of the phrase is in the small
 * lexicon below (yes/no/ok/more/next/cancel/later/repeat words in Indonesian and English, the
 * filler words around them, and numbers). Dialogflow's ready-made follow-ups ("yes", "no",
 * "more" …, pre-filled with phrases like "oke lanjut", "saya tidak keberatan", "no thanks")
 * are generic. A follow-up whose phrases say something of their own ("Kota Bogor - Polisi":
 * "kontak polisi kota bogor") is not: it stays a normal entry that can be asked directly, and
 * is offered as a suggestion of its parent. Fallback follow-ups ("X - fallback") are never
 * options: their text is what the choice step says to a reply that fits no option.
 */

export type Lang = ContentLanguage;

/** Words a generic reply is made of (folded: lower case, repeated letters collapsed). */
export const GENERIC_REPLY_WORDS: ReadonlySet<string> = new Set(
  [
    // Indonesian: yes
    'ya iya iyaa iyah iye iyo yoi y ok oke okey okay okeh okee sip siap boleh bisa mau baik benar betul bener setuju pasti pastinya tentu tentunya',
    'lanjut lanjutkan lanjutin terus silakan silahkan gas ayo yuk hayuk mantap bagus kedengarannya keberatan',
    // Indonesian: no, later, cancel, more, next, previous, repeat
    'tidak tdk ga gak nggak ngga enggak engga gk g ndak kagak tak bukan jangan belum blm usah gausah nanti kapan lain lainnya kali lagi',
    'berikutnya selanjutnya sebelumnya kembali balik ulang ulangi batal batalkan berhenti sudah udah cukup selesai tertarik lakukan',
    'terima kasih makasih trims tq ty thx ada apa info',
    // Indonesian: fillers, pronouns, numbers as words
    'saya aku gue gw kak kakak min mas mbak dong deh sih kok aja saja lah kah nya yang yg itu ini juga sama sekali dulu tolong mungkin',
    'oh wah hmm eh nah nomor pertama kedua ketiga terakhir satu dua tiga empat lima',
    // English: yes, no, later, cancel, more, next, previous, repeat
    'yes yeah yea yep yup sure alright fine course exactly correct right confirm confirmed agree agreed absolutely definitely certainly',
    'please go ahead do does did sounds good great perfect no nope nah not never don dont disagree interested think mind way sorry',
    'thanks thank but maybe time later now another remind again repeat say said what pardon come once more tell show else anything',
    'something other others options option next previous back before forward cancel abort stop quit forget',
    // English: fillers, pronouns, numbers as words
    'i im m me you it is s t that this the a an of to so for will want wanna one first second third last number two three',
  ]
    .join(' ')
    .split(' '),
);

/** Dialogflow's follow-up kinds, from the name suffix it gives them ("Order - yes"). */
export const FOLLOW_UP_TYPES = ['yes', 'no', 'more', 'later', 'cancel', 'next', 'previous', 'repeat', 'select.number', 'fallback', 'custom'] as const;
export type FollowUpType = (typeof FOLLOW_UP_TYPES)[number];

/** Labels of the choice options for the kinds that have a natural one. */
const OPTION_LABELS: Readonly<Partial<Record<FollowUpType, { readonly id: string; readonly en: string }>>> = {
  yes: { id: 'Ya', en: 'Yes' },
  no: { id: 'Tidak', en: 'No' },
  more: { id: 'Lainnya', en: 'More' },
  later: { id: 'Nanti saja', en: 'Later' },
  cancel: { id: 'Batal', en: 'Cancel' },
  next: { id: 'Lanjut', en: 'Next' },
  previous: { id: 'Sebelumnya', en: 'Previous' },
  repeat: { id: 'Ulangi', en: 'Repeat' },
};

/** A reply any question could get: "iya", "oke lanjut", "no thanks", "2". */
export function isGenericReply(phrase: string): boolean {
  const ws = foldedWords(phrase);
  return ws.length > 0 && ws.length <= 8 && ws.every((w) => GENERIC_REPLY_WORDS.has(w) || /^\d+$/.test(w));
}

/** See the rule at the top of this module. */
export function isGenericFollowUp(phrases: readonly string[]): boolean {
  if (phrases.length === 0) return true;
  return phrases.filter(isGenericReply).length * 2 >= phrases.length;
}

/** Order of options in a choice: yes before no before more …; other follow-ups after, as found. */
export function optionRank(name: string): number {
  const type = followUpType(name);
  const rank = type ? FOLLOW_UP_TYPES.indexOf(type) : -1;
  return rank === -1 ? FOLLOW_UP_TYPES.length : rank;
}

/** The kind named by the suffix of a follow-up's name ("Order - yes" → yes), if any. */
export function followUpType(name: string): FollowUpType | undefined {
  const parts = name.split(' - ');
  if (parts.length < 2) return undefined;
  const tail = parts[parts.length - 1].trim().toLowerCase();
  return FOLLOW_UP_TYPES.find((t) => t === tail);
}

/** A parent or follow-up as the flow builder sees it. */
export interface FlowNode {
  readonly name: string;
  readonly file: string;
  readonly answers: PerLanguage<string>;
  readonly phrases: PerLanguage<readonly string[]>;
  readonly handoff: boolean;
  /** Generic follow-ups: the options offered after this node's answer. */
  readonly options: readonly FlowNode[];
  /** The fallback follow-up: said when a reply fits no option. */
  readonly fallback?: FlowNode;
}

interface Localized {
  readonly id: string;
  readonly en?: string;
}

type Step = Readonly<Record<string, unknown>>;

/** Notes the builder leaves for the editor: (file, message). */
export type NoteSink = (file: string, message: string) => void;

/** Template braces would be read as flow slots ("{name}"); Dialogflow text means them literally. */
function literal(text: string, file: string, note: NoteSink): string {
  if (!/\{[a-z][a-z0-9_.]*\}|\{env:/i.test(text)) return text;
  note(file, `"{…}" in the text was changed to "(…)": in a flow, braces name slots`);
  return text.replace(/\{([^{}]*)\}/g, '($1)');
}

function localized(per: PerLanguage<string>, languages: readonly Lang[], file: string, note: NoteSink): Localized | undefined {
  const id = per.id ?? per.en ?? OTHER_LANGUAGES.map((lang) => per[lang]).find((text) => text !== undefined);
  if (!id) return undefined;
  const en = languages.includes('en') ? per.en : undefined;
  return { id: literal(id, file, note), ...(en ? { en: literal(en, file, note) } : {}) };
}

/** `{ id, en }` for the agent's languages (an English-only agent gets its English text under `id` too). */
function label(id: string, en: string | undefined, languages: readonly Lang[]): Localized {
  if (!languages.includes('id')) return { id: en ?? id, en: en ?? id };
  return languages.includes('en') && en ? { id, en } : { id };
}

const slug = (text: string): string =>
  foldText(text)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 32);

interface Option {
  readonly value: string;
  readonly label: Localized;
  /** Undefined for the "no, thanks" option added when Dialogflow offered one follow-up only. */
  readonly node?: FlowNode;
}

function optionOf(node: FlowNode, languages: readonly Lang[]): { value: string; label: Localized } {
  const type = followUpType(node.name);
  const canned = type ? OPTION_LABELS[type] : undefined;
  if (canned && type) return { value: slug(type), label: label(canned.id, canned.en, languages) };
  const tail = node.name.split(' - ').pop()?.trim() || node.name;
  const id = node.phrases.id?.[0] ?? node.phrases.en?.[0] ?? tail;
  return { value: slug(tail) || 'option', label: label(id, node.phrases.en?.[0] ?? (languages.includes('id') ? undefined : tail), languages) };
}

/** Unique values and labels: the customer answers by label or number, so two alike would be ambiguous. */
function distinct(options: { value: string; label: Localized; node?: FlowNode }[]): Option[] {
  const values = new UniqueIds();
  const labels = new Set<string>();
  // Label → the number to try next: many options with one label stay linear.
  const nextNumber = new Map<string, number>();
  return options.map((o) => {
    const value = values.take(o.value);
    let lab = o.label;
    if (labels.has(foldText(lab.id))) {
      let n = nextNumber.get(o.label.id) ?? 2;
      const numbered = (k: number): Localized => ({ id: `${o.label.id} (${k})`, ...(o.label.en ? { en: `${o.label.en} (${k})` } : {}) });
      while (labels.has(foldText(numbered(n).id))) n++;
      lab = numbered(n);
      nextNumber.set(o.label.id, n + 1);
    }
    labels.add(foldText(lab.id));
    return { ...o, value, label: lab };
  });
}

const MAX_DEPTH = 8;

/**
 * The steps for a node: its answer and, when it has follow-ups, a choice among them with one
 * branch per option (`if` steps jump to the branch; every branch ends the flow). `key` prefixes
 * step ids and names the slot, so nested choices never clash.
 */
function nodeSteps(node: FlowNode, key: string, languages: readonly Lang[], note: NoteSink, depth: number): Step[] {
  const say = localized(node.answers, languages, node.file, note);
  const ending = node.handoff ? 'handoff' : 'end';
  if (node.options.length === 0 || depth >= MAX_DEPTH) {
    if (node.options.length > 0) note(node.file, `follow-ups of "${node.name}" nested deeper than ${MAX_DEPTH} levels are not imported`);
    return [{ ...(key ? { id: key } : {}), ...(say ? { say } : {}), action: ending }];
  }
  if (node.handoff) note(node.file, `"${node.name}" hands over to a person in Dialogflow but also has follow-ups; the flow offers the follow-ups`);
  if (!say) note(node.file, `"${node.name}" has no text answer; its flow asks "Silakan pilih:" / "Please choose:" instead`);
  let options = distinct(node.options.map((n) => ({ ...optionOf(n, languages), node: n })));
  if (options.length === 1) {
    const only = options[0];
    const type = followUpType(only.node?.name ?? '');
    const other =
      type === 'yes'
        ? { value: 'no', label: label('Tidak', 'No', languages) }
        : type === 'no'
          ? { value: 'yes', label: label('Ya', 'Yes', languages) }
          : { value: 'none', label: label('Tidak, terima kasih', 'No, thanks', languages) };
    options = distinct([only, other]);
    note(
      node.file,
      `"${node.name}" has one follow-up ("${only.node?.name ?? ''}"); a choice needs two options, so the flow adds "${options[1].label.id}", which ends the flow (add a "say" to it if it needs an answer)`,
    );
  }
  for (const o of options) {
    if (o.node && followUpType(o.node.name) === 'cancel')
      note(
        o.node.file,
        `"${o.node.name}" is offered as the option "${o.label.id}"; typing "batal"/"cancel" leaves a Tanya flow at once, so only its number picks it`,
      );
  }
  const slot = key ? `reply_${key.replace(/-/g, '_')}` : 'reply';
  const target = (o: Option): string => (key ? `${key}-${o.value}` : o.value);
  const invalid = node.fallback ? localized(node.fallback.answers, languages, node.fallback.file, note) : undefined;
  if (node.fallback && (node.fallback.options.length > 0 || node.fallback.handoff))
    note(
      node.fallback.file,
      `only the text of "${node.fallback.name}" is kept (said to a reply that fits no option); after the retries Tanya hands the chat to a person`,
    );
  const ask: Step = {
    ...(key ? { id: key } : {}),
    ask: say ?? label('Silakan pilih:', 'Please choose:', languages),
    slot,
    type: 'choice',
    options: options.map((o) => ({ value: o.value, label: o.label })),
    ...(invalid ? { invalid } : {}),
  };
  const jumps: Step[] = options.slice(0, -1).map((o, i) => ({
    if: { slot, equals: o.value },
    then: target(o),
    ...(i === options.length - 2 ? { else: target(options[options.length - 1]) } : {}),
  }));
  const branches = options.flatMap((o) => (o.node ? nodeSteps(o.node, target(o), languages, note, depth + 1) : [{ id: target(o), action: 'end' }]));
  return [ask, ...jumps, ...branches];
}

/**
 * A flow in Tanya's format (docs/flows.md) for a parent intent and its generic follow-ups:
 * started by the parent's entry, it asks the parent's answer as a choice among the follow-ups and
 * says the chosen one's answer (nested follow-ups make nested choices). `trigger.entries` holds the
 * parent's intent name; the writer turns it into the entry id.
 */
export function buildFollowUpFlow(root: FlowNode, flowId: string, languages: readonly Lang[], note: NoteSink): Readonly<Record<string, unknown>> {
  return {
    id: flowId,
    title: { id: root.name },
    trigger: { entries: [root.name] },
    steps: nodeSteps(root, '', languages, note, 0),
  };
}

/** A flow id from a name: lower case, "-" between words, unique among `taken`. */
export function flowIdFor(name: string, taken: UniqueIds): string {
  return taken.take(slug(name) || 'follow-up');
}
