import { NoteBudget } from './import-files';
import { slotReferences } from './references';
import type { MigrationNote, SourcePlace } from './migrate';

/**
 * What the Rasa readers collect from every file of a project before it becomes entries: the YAML
 * and Markdown readers both fill one `RasaProject`, so intents split over several files merge and
 * every note keeps the file and line it came from.
 */

export interface Place extends SourcePlace {
  readonly line: number;
}

export interface RasaIntent {
  readonly name: string;
  /** Where the intent is first defined (its `- intent:` item or `## intent:` heading). */
  readonly place: Place;
  readonly examples: string[];
  /** Examples seen, folded to lower case, so the same example in two files is kept once. */
  readonly seen: Set<string>;
  /** Entity names whose annotations were reduced to their text. */
  readonly entities: Set<string>;
}

export interface RasaButton {
  readonly title: string;
  readonly payload?: string;
}

/** One variation of a response, as `- text: …` in `responses:` / `templates:`. */
export interface RasaVariation {
  readonly line: number;
  readonly text?: string;
  /** `channel: facebook`: only sent on that channel. */
  readonly channel?: string;
  /** Rasa 3 conditional variation (`condition:` on slots). */
  readonly conditional: boolean;
  readonly buttons: readonly RasaButton[];
  /** Rich parts Tanya cannot send (`image: url`, `custom`, `attachment` …), as "key value" text. */
  readonly rich: readonly string[];
}

export interface RasaResponse {
  readonly name: string;
  readonly place: Place;
  readonly variations: readonly RasaVariation[];
}

/**
 * A user turn in a rule or story: the intent (several for an `or:` step) and the actions the bot
 * takes right after it, before the next user turn or other step.
 */
export interface RasaTurn {
  readonly intents: readonly string[];
  readonly actions: string[];
  readonly place: Place;
  readonly kind: 'rule' | 'story';
  /**
   * The turn depends on what happened before (not the first step of its rule or story, or a rule
   * with a `condition:`): the answer it gives may only hold in that context.
   */
  readonly contextual: boolean;
  /** The bot's last action just before this user turn in the same story or rule (its question, if it asked one). */
  readonly prompt?: string;
}

export interface RasaProject {
  readonly intents: Map<string, RasaIntent>;
  /** Synonym value → words that mean it (and those words folded, to keep each once), with the place of its first definition. */
  readonly synonyms: Map<string, { readonly words: string[]; readonly seen: Set<string>; readonly place: Place }>;
  readonly responses: Map<string, RasaResponse>;
  readonly turns: RasaTurn[];
  /** Intents the domain lists (an intent with no examples cannot be matched). */
  readonly domainIntents: Map<string, Place>;
  readonly forms: Map<string, Place>;
  readonly notes: MigrationNote[];
  /** Notes already made (file, line and message), so each is kept once and repeats cost nothing. */
  readonly noteKeys: Set<string>;
  readonly noteBudget: NoteBudget;
}

/** Name given to the text of an end-to-end `bot:` step, which is a response without a name of its own. */
export const BOT_TEXT = 'bot text at ';

export function emptyProject(): RasaProject {
  return {
    intents: new Map(),
    synonyms: new Map(),
    responses: new Map(),
    turns: [],
    domainIntents: new Map(),
    forms: new Map(),
    notes: [],
    noteKeys: new Set(),
    noteBudget: new NoteBudget(),
  };
}

/** Adds a note, once, within the notes budget of the import (measured before it is compared). */
export function note(project: RasaProject, place: Place | SourcePlace | undefined, message: string): void {
  const { noteBudget: budget } = project;
  if (!budget.fits(message)) {
    const leftOut = budget.leftOutOnce();
    if (leftOut) project.notes.push({ message: leftOut });
    return;
  }
  const line = place?.line ? place.line : undefined;
  const key = `${place?.file ?? ''}:${line ?? ''}:${message}`;
  if (project.noteKeys.has(key)) return;
  project.noteKeys.add(key);
  budget.charge(message);
  project.notes.push(place ? { place: { file: place.file, ...(line ? { line } : {}) }, message } : { message });
}

/** Adds examples to an intent, creating it on first sight; the same intent in several files becomes one. */
export function addExamples(project: RasaProject, name: string, place: Place, examples: readonly string[]): void {
  let intent = project.intents.get(name);
  if (!intent) {
    intent = { name, place, examples: [], seen: new Set(), entities: new Set() };
    project.intents.set(name, intent);
  }
  for (const raw of examples) {
    const { text, entities, synonyms } = plainExample(raw);
    for (const e of entities) intent.entities.add(e);
    for (const [value, word] of synonyms) addSynonym(project, value, [word], place);
    const key = text.toLowerCase();
    if (!text || intent.seen.has(key)) continue;
    intent.seen.add(key);
    intent.examples.push(text);
  }
}

export function addSynonym(project: RasaProject, value: string, words: readonly string[], place: Place): void {
  const key = value.trim();
  if (!key) return;
  let synonym = project.synonyms.get(key);
  if (!synonym) {
    synonym = { words: [], seen: new Set([key.toLowerCase()]), place };
    project.synonyms.set(key, synonym);
  }
  for (const w of words.map((x) => x.trim()).filter(Boolean)) {
    if (synonym.seen.has(w.toLowerCase())) continue;
    synonym.seen.add(w.toLowerCase());
    synonym.words.push(w);
  }
}

/**
 * A response read twice (domain and data/responses.yml, or two domain files) keeps its first
 * definition; a different second one is noted, as Rasa warns about it too.
 */
export function addResponse(project: RasaProject, response: RasaResponse): void {
  const first = project.responses.get(response.name);
  if (!first) {
    project.responses.set(response.name, response);
    return;
  }
  const texts = (r: RasaResponse): string => r.variations.map((v) => v.text ?? '').join('\u0000');
  if (texts(first) !== texts(response))
    note(project, response.place, `response "${response.name}" is defined again (first at ${first.place.file}:${first.place.line}); the first one is used`);
}

/** A function giving the first index at or after `from` of one of `stops` (or the text's length); `from` must never go back. */
function nextStop(text: string, stops: string): (from: number) => number {
  let scanned = 0;
  let found = -1;
  return (from) => {
    if (from <= found) return found;
    let i = Math.max(from, scanned);
    while (i < text.length && !stops.includes(text[i])) i++;
    scanned = i;
    found = i;
    return i;
  };
}

/**
 * [text](entity), [text](entity:value), [text]{"entity": "e", "value": "v"}: Rasa's inline entity
 * annotations, each replaced by `replace(shown, paren, json)`. The same matches as
 * `raw.replace(/\[([^\]\n]+)\](?:\(([^)\n]*)\)|(\{[^}\n]*\}))/g, …)`, found in one pass: that regex
 * looked for the closing bracket again from every "[" (quadratic on "[[[[…"). From any "[" the
 * only candidate is the first "]" after it, and the searches only move forward.
 */
function replaceAnnotations(raw: string, replace: (shown: string, paren: string | undefined, json: string | undefined) => string): string {
  const closeBracket = nextStop(raw, ']\n');
  const closeParen = nextStop(raw, ')\n');
  const closeBrace = nextStop(raw, '}\n');
  let out = '';
  let last = 0;
  let at = raw.indexOf('[');
  while (at >= 0) {
    const close = closeBracket(at + 1);
    let end = -1;
    let paren: string | undefined;
    let json: string | undefined;
    if (close < raw.length && raw[close] === ']' && close > at + 1) {
      const after = close + 1;
      if (raw[after] === '(') {
        const p = closeParen(after + 1);
        if (raw[p] === ')') {
          end = p + 1;
          paren = raw.slice(after + 1, p);
        }
      } else if (raw[after] === '{') {
        const b = closeBrace(after + 1);
        if (raw[b] === '}') {
          end = b + 1;
          json = raw.slice(after, b + 1);
        }
      }
    }
    if (end < 0) {
      at = raw.indexOf('[', at + 1);
      continue;
    }
    out += raw.slice(last, at) + replace(raw.slice(at + 1, close), paren, json);
    last = end;
    at = raw.indexOf('[', end);
  }
  return out + raw.slice(last);
}

/**
 * A training example as a user would type it: entity annotations reduced to their text, with the
 * entity names (for the note) and the synonyms they declare (`[jkt](city:Jakarta)` says "jkt"
 * means "Jakarta", as a `synonym:` item would).
 */
export function plainExample(raw: string): { text: string; entities: string[]; synonyms: [string, string][] } {
  const entities: string[] = [];
  const synonyms: [string, string][] = [];
  const text = replaceAnnotations(raw, (shown, paren, json) => {
    let entity: string | undefined;
    let value: string | undefined;
    if (paren !== undefined) {
      const colon = paren.indexOf(':');
      entity = (colon < 0 ? paren : paren.slice(0, colon)).trim();
      value = colon < 0 ? undefined : paren.slice(colon + 1).trim();
    } else if (json !== undefined) {
      entity = /"entity"\s*:\s*"([^"]*)"/.exec(json)?.[1];
      value = /"value"\s*:\s*"([^"]*)"/.exec(json)?.[1];
    }
    if (entity) entities.push(entity);
    if (value && value.toLowerCase() !== shown.trim().toLowerCase()) synonyms.push([value, shown.trim()]);
    return shown;
  })
    .replace(/\s+/g, ' ')
    .trim();
  return { text, entities, synonyms };
}

/** A response text that is nothing but slot references ("{answer}"): without the slots there is nothing to say. */
export function onlySlots(text: string): boolean {
  return slotReferences(text).length > 0 && !/[\p{L}\p{N}]/u.test(text.replace(/\{[A-Za-z_][\w-]*\}/g, ''));
}
