import { CONTENT_LANGUAGES } from '../core/types';
import { foldedWords, foldText } from '../matching/normalize';
import type { Lang } from './dialogflow-followups';
import { asArray, asObject, asString, onlyParameters, readReply, type Choice, type ReplyParts } from './dialogflow-messages';
import { parameterReferences } from './references';
import { parseExportJsonOrSkip, type ExportFiles } from './dialogflow-source';
import { jsonKind, tanyaLanguage, USERSAYS, type AgentLanguages, type Notes } from './dialogflow-agent';
import type { PerLanguage } from './migrate';

/** Dialogflow ES intents: reading one from its files, and what its responses amount to. */

type Json = Readonly<Record<string, unknown>>;

/** Live-agent handoff intents, by action or name ("handoff", "live agent", "talk to human", "cs", "operator request"). */
const HANDOFF_PATTERNS: readonly RegExp[] = [
  /\bhand ?off\b/,
  /\blive ?(agent|chat|person)\b/,
  /\b(human|manusia)\b/,
  /\bcustomer (service|support|care)\b/,
  /^(cs|operator|agent|admin|petugas)( request)?$/,
  /\b(operator|agent|cs|admin|petugas) request\b/,
];

// "talk … operator": a verb, then later a person. As one regex (verb\b.*\bperson) each verb would
// scan to the end of the text again, quadratic in a long name; the first verb is all that matters.
const HANDOFF_VERB = /\b(talk|speak|chat|connect|request|contact|hubungi|bicara|ngobrol|minta|sambungkan|panggil)\b/;
const HANDOFF_PERSON = /\b(operator|agent|cs|admin|person|petugas|manusia|human)\b/g;

function asksForPerson(folded: string): boolean {
  const verb = HANDOFF_VERB.exec(folded);
  if (!verb) return false;
  HANDOFF_PERSON.lastIndex = verb.index + verb[0].length;
  return HANDOFF_PERSON.test(folded);
}

function looksLikeHandoff(...names: string[]): boolean {
  return names.some((n) => {
    const folded = foldText(n)
      .replace(/[._\-/]+/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    return folded !== '' && (HANDOFF_PATTERNS.some((p) => p.test(folded)) || asksForPerson(folded));
  });
}

/** A phrase as buttons and training phrases are compared: folded, words only. */
export const phraseKey = (text: string): string => foldedWords(text).join(' ');

/** One intent as read from its files. */
export interface Intent {
  readonly file: string;
  readonly id?: string;
  readonly parentId?: string;
  readonly name: string;
  readonly raw: Json;
  readonly phrases: Partial<Record<Lang, string[]>>;
  readonly replies: Partial<Record<Lang, ReplyParts>>;
  readonly fallback: boolean;
  readonly welcome: boolean;
  readonly handoff: boolean;
  /** Events that start it (upper case), as a menu item's `event.name` names them. */
  readonly events: readonly string[];
  /**
   * Its training phrases that are only a parameter's value ("tuesday", "2", "on Friday"): what a
   * customer types when the bot has just asked for that value, not a question of its own.
   */
  readonly valuePhrases: readonly string[];
  /** Its events that a menu item of the agent fires (that item's words are its questions). */
  readonly menuEvents?: readonly string[];
}

const short = (text: string, max = 120): string => {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
};

/** Training phrases of one usersays file, and which of them are only a parameter's value. */
interface ReadPhrases {
  /** Parts joined (entity-annotated parts keep their text). */
  readonly texts: string[];
  /** The texts that are a parameter's value and nothing else (see `isValueOnly`). */
  readonly values: readonly string[];
}

/** Words around a value that ask nothing ("on" Friday, "for" 3 "people", "jam" 7): a phrase of a value and these is still only the value. */
const VALUE_FRAME_WORDS: ReadonlySet<string> = new Set(
  'on at in for by from to of around about until till the a an my me i it is its just only please untuk pada di ke dari jam pukul tanggal tgl hari sekitar sampai aja saja ya kak night nights people person persons adult adults child children kids pax orang malam'.split(
    ' ',
  ),
);

/**
 * Dialogflow's system entities for values a customer gives when asked (dates, times, amounts,
 * names, contact details, free text). Places (`@sys.geo-city`: "Kabupaten Bandung") and the
 * agent's own entities ("Luxury" of @room-type, "more towels") name a topic and are not here.
 */
const VALUE_ENTITY =
  /^@sys\.(date|time|date-time|date-period|time-period|number|number-integer|number-sequence|cardinal|ordinal|duration|age|percentage|temperature|unit-[\w-]+|given-name|last-name|person|phone-number|email|url|any|ignore)$/;

/**
 * True when a phrase is the value of one of those (`VALUE_ENTITY`) and at most framing words:
 * "tuesday", "on Friday", "2", "for 5 people". Such a phrase is the answer to the bot's question
 * for that value; on its own it asks nothing.
 */
function isValueOnly(parts: readonly Json[]): boolean {
  let annotated = false;
  for (const part of parts) {
    const text = typeof part.text === 'string' ? part.text : '';
    if (VALUE_ENTITY.test(asString(part.meta) ?? '')) {
      if (foldedWords(text).length > 0) annotated = true;
      continue;
    }
    if (!foldedWords(text).every((w) => VALUE_FRAME_WORDS.has(w) || /^\d+$/.test(w))) return false;
  }
  return annotated;
}

function readPhrases(value: unknown, file: string, notes: Notes): ReadPhrases {
  const texts: string[] = [];
  const values: string[] = [];
  let templates = 0;
  for (const item of asArray(value)) {
    const o = asObject(item);
    if (!o) continue;
    const parts = asArray(o.data).flatMap((part) => {
      const p = asObject(part);
      return p ? [p] : [];
    });
    const text = parts
      .map((part) => (typeof part.text === 'string' ? part.text : ''))
      .join('')
      .replace(/\s+/g, ' ')
      .trim();
    if (!text) continue;
    if (o.isTemplate === true && /@[\w.-]+:[\w-]+/.test(text)) {
      templates++;
      continue;
    }
    texts.push(text);
    if (isValueOnly(parts)) values.push(text);
  }
  if (templates > 0) notes.add(file, `${templates} template phrase(s) with @entity:name placeholders not imported; write them as plain examples`);
  return { texts, values };
}

/** The keys of the phrases already in a list: kept between calls, as an intent's phrases may come from many files. */
const phraseKeys = new WeakMap<string[], Set<string>>();

const addPhrases = (into: Partial<Record<Lang, string[]>>, lang: Lang, phrases: readonly string[]): void => {
  const list = (into[lang] ??= []);
  let seen = phraseKeys.get(list);
  if (!seen) {
    seen = new Set(list.map(phraseKey));
    phraseKeys.set(list, seen);
  }
  for (const p of phrases) {
    const key = phraseKey(p);
    if (seen.has(key)) continue;
    seen.add(key);
    list.push(p);
  }
};

const ranks = new WeakMap<AgentLanguages, Map<string, number>>();

/** Each language code of the agent → its place in the agent's list (first place when listed twice). */
function codeRanks(langs: AgentLanguages): Map<string, number> {
  let rank = ranks.get(langs);
  if (!rank) {
    rank = new Map();
    for (const [i, c] of langs.codes.entries()) if (!rank.has(c)) rank.set(c, i);
    ranks.set(langs, rank);
  }
  return rank;
}

/** Messages of one intent grouped by Tanya language, one Dialogflow locale per language. */
function messagesByLanguage(raw: Json, langs: AgentLanguages, skippedLocales: Set<string>): Partial<Record<Lang, Json[]>> {
  const response = asObject(asArray(raw.responses)[0]);
  const messages = asArray(response?.messages).flatMap((m) => {
    const o = asObject(m);
    return o ? [o] : [];
  });
  const byLang: Partial<Record<Lang, Json[]>> = {};
  for (const lang of langs.languages) {
    const mine = messages.filter((m) => tanyaLanguage(asString(m.lang) ?? asString(m.languageCode) ?? langs.defaultCode) === lang);
    const codeOf = (m: Json): string => (asString(m.lang) ?? asString(m.languageCode) ?? langs.defaultCode).toLowerCase();
    const present = [...new Set(mine.map(codeOf))];
    // The present code that comes first in the agent's list (looked up, not searched: the list may be long).
    const rank = codeRanks(langs);
    let preferred: string | undefined;
    for (const c of present) if (rank.has(c) && (preferred === undefined || (rank.get(c) ?? 0) < (rank.get(preferred) ?? 0))) preferred = c;
    preferred ??= present[0];
    for (const c of present) if (c !== preferred) skippedLocales.add(`${c} (${lang} answers come from "${preferred}")`);
    const chosen = mine.filter((m) => codeOf(m) === preferred);
    if (chosen.length > 0) byLang[lang] = chosen;
  }
  return byLang;
}

/** Training phrase files by intent file stem ("Order" → Order_usersays_id.json, Order_usersays_en.json). */
export function phraseFiles(paths: Iterable<string>): Map<string, { file: string; code: string }[]> {
  const out = new Map<string, { file: string; code: string }[]>();
  for (const file of paths) {
    const m = USERSAYS.exec(file);
    if (!m) continue;
    const list = out.get(m[1]);
    if (list) list.push({ file, code: m[2] });
    else out.set(m[1], [{ file, code: m[2] }]);
  }
  return out;
}

/**
 * Everything about one intent: `phrases` is `phraseFiles` of the export. Undefined, with a note,
 * when the file holds no intent (a list or a number where Dialogflow writes an object).
 */
export function readIntent(
  exp: ExportFiles,
  file: string,
  context: { langs: AgentLanguages; phrases: ReadonlyMap<string, readonly { file: string; code: string }[]>; notes: Notes; skippedLocales: Set<string> },
): Intent | undefined {
  const { langs, notes, skippedLocales } = context;
  const skip = (f: string, message: string): void => notes.add(f, message);
  const json = parseExportJsonOrSkip(exp, file, skip);
  if (json === undefined) return undefined;
  const raw = asObject(json);
  if (raw === undefined) {
    notes.add(
      file,
      `not an intent: the file holds ${jsonKind(json)}, where Dialogflow writes an object with the intent's name and responses; skipped (export the agent again)`,
    );
    return undefined;
  }
  const stem = file.slice('intents/'.length, -'.json'.length);
  const name = asString(raw.name)?.trim() ?? stem;
  const phrases: Partial<Record<Lang, string[]>> = {};
  const values = new Map<string, string>();
  for (const { file: f, code } of [...(context.phrases.get(stem) ?? [])].sort((a, b) => a.file.localeCompare(b.file))) {
    const lang = tanyaLanguage(code);
    if (!lang) continue;
    const said = parseExportJsonOrSkip(exp, f, skip);
    if (said === undefined) continue;
    if (!Array.isArray(said)) notes.add(f, `the file holds ${jsonKind(said)}, where Dialogflow writes a list of training phrases; none read from it`);
    const read = readPhrases(said, f, notes);
    addPhrases(phrases, lang, read.texts);
    for (const v of read.values) values.set(phraseKey(v), v);
  }
  // Older exports keep the phrases inside the intent ("userSays"), in the agent's default language.
  const inline = asArray(raw.userSays);
  const defaultLang = tanyaLanguage(langs.defaultCode);
  if (inline.length > 0 && defaultLang) {
    const read = readPhrases(inline, file, notes);
    addPhrases(phrases, defaultLang, read.texts);
    for (const v of read.values) values.set(phraseKey(v), v);
  }
  const replies: Partial<Record<Lang, ReplyParts>> = {};
  for (const [lang, messages] of Object.entries(messagesByLanguage(raw, langs, skippedLocales)) as [Lang, Json[]][]) replies[lang] = readReply(messages);
  const response = asObject(asArray(raw.responses)[0]);
  const action = asString(response?.action) ?? '';
  const events = asArray(raw.events).map((e) => asString(asObject(e)?.name) ?? '');
  const parentId = asString(raw.parentId);
  return {
    file,
    ...(asString(raw.id) ? { id: asString(raw.id) } : {}),
    ...(parentId ? { parentId } : {}),
    name,
    raw,
    phrases,
    replies,
    fallback: raw.fallbackIntent === true || raw.isFallback === true || action === 'input.unknown' || name === 'Default Fallback Intent',
    welcome: name === 'Default Welcome Intent' || events.includes('WELCOME') || action === 'input.welcome',
    handoff: looksLikeHandoff(action, name) || Object.values(replies).some((r) => r.handoff),
    events: events.filter(Boolean).map((e) => e.toUpperCase()),
    valuePhrases: [...values.values()],
  };
}

export const allPhrases = (i: Intent): string[] => CONTENT_LANGUAGES.flatMap((lang) => i.phrases[lang] ?? []);

/** The answer per language with parameter references noted (an answer that is only parameters is none). */
export function answersOf(intent: Intent, notes: Notes): PerLanguage<string> {
  const out: Partial<Record<Lang, string>> = {};
  for (const [lang, reply] of Object.entries(intent.replies) as [Lang, ReplyParts][]) {
    const answer = reply.answer;
    if (!answer) continue;
    const refs = parameterReferences(answer);
    if (refs.length > 0)
      notes.add(
        intent.file,
        `"${intent.name}" (${lang}) uses parameter${refs.length > 1 ? 's' : ''} ${refs.join(', ')}, which Dialogflow fills in; ${
          onlyParameters(answer) ? 'the answer is nothing else, so it is left as TODO' : `rewrite the answer without ${refs.length > 1 ? 'them' : 'it'}`
        }`,
      );
    if (onlyParameters(answer)) continue;
    // With webhook fulfilment, Dialogflow sends this text only when the webhook fails ("Webhook
    // Failed" in many agents): kept for the editor behind TODO, never sent as the answer.
    out[lang] =
      intent.raw.webhookUsed === true ? `TODO: in Dialogflow the webhook wrote this answer; the text it had for when the webhook fails was: ${answer}` : answer;
  }
  return out;
}

/** Notes on what an intent's responses and settings had that Tanya does not carry over. */
export function noteResponses(intent: Intent, notes: Notes, platformText: Map<string, Set<string>>): void {
  const { file, name, raw } = intent;
  for (const [lang, reply] of Object.entries(intent.replies) as [Lang, ReplyParts][]) {
    for (const v of reply.variations)
      notes.add(
        file,
        `"${name}" (${lang}): Dialogflow picks one of ${v.length} texts at random; the first is kept, not the others: ${v
          .slice(1)
          .map((t) => `"${short(t)}"`)
          .join('; ')}`,
      );
    if (reply.fromPlatform) {
      const names = platformText.get(reply.fromPlatform);
      if (names) names.add(name);
      else platformText.set(reply.fromPlatform, new Set([name]));
    }
    for (const l of reply.links)
      notes.add(file, `"${name}": link button "${short(l.label, 60)}" (${l.url}) not imported; put the link into the answer if it is needed`);
    for (const d of reply.dropped) notes.add(file, `"${name}": ${d} not imported (only text and buttons are)`);
  }
  if (raw.webhookUsed === true)
    notes.add(file, `"${name}" uses webhook fulfilment; what the webhook answers is not imported (a flow's http action can call it)`);
  const response = asObject(asArray(raw.responses)[0]);
  const required = asArray(response?.parameters).filter((p) => asObject(p)?.required === true);
  if (required.length > 0)
    notes.add(
      file,
      `"${name}" asks for required parameters (${required.map((p) => asString(asObject(p)?.name) ?? '?').join(', ')}); slot filling is not imported: write a flow with "ask" steps`,
    );
  if (asArray(raw.conditionalResponses).length > 0) notes.add(file, `"${name}" has conditional responses; only its plain responses are imported`);
  const events = asArray(raw.events)
    .map((e) => asString(asObject(e)?.name) ?? '')
    .filter((e) => e && !/WELCOME$/.test(e) && !(intent.menuEvents ?? []).includes(e.toUpperCase()));
  if (events.length > 0) notes.add(file, `"${name}" is also started by event(s) ${events.join(', ')}; events are not imported`);
}

/** Picks the suggestion a button stands for: the intent whose phrase (or name) it sends, else its label. */
export class ChoiceResolver {
  /** Phrase key → the intents that have it, and the same grouped by their parent (looked up, never filtered per button). */
  private readonly byPhrase = new Map<string, { readonly all: Set<Intent>; readonly byParent: Map<Intent, Intent[]> }>();

  constructor(intents: readonly Intent[], parentOf: (i: Intent) => Intent | undefined) {
    for (const intent of intents) {
      const parent = parentOf(intent);
      for (const p of [...allPhrases(intent), intent.name]) {
        const key = phraseKey(p);
        if (!key) continue;
        let found = this.byPhrase.get(key);
        if (!found) {
          found = { all: new Set(), byParent: new Map() };
          this.byPhrase.set(key, found);
        }
        if (found.all.has(intent)) continue;
        found.all.add(intent);
        if (!parent) continue;
        const siblings = found.byParent.get(parent);
        if (siblings) siblings.push(intent);
        else found.byParent.set(parent, [intent]);
      }
    }
  }

  /**
   * The intent a button of `shownBy` leads to: the one intent that has its text as a phrase, or,
   * when several have ("Polisi" under every city), the one among the follow-ups of `shownBy`.
   */
  target(choice: Choice, shownBy: Intent): Intent | undefined {
    for (const text of [choice.sends, choice.label]) {
      const found = this.byPhrase.get(phraseKey(text));
      if (!found) continue;
      if (found.all.size === 1) return found.all.values().next().value;
      const mine = found.byParent.get(shownBy) ?? [];
      if (mine.length === 1) return mine[0];
    }
    return undefined;
  }
}
