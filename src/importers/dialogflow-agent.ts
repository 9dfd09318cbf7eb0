import { contentLanguageOf, languageName, OTHER_LANGUAGES } from '../core/types';
import { foldText } from '../matching/normalize';
import type { Lang } from './dialogflow-followups';
import { asArray, asObject, asString } from './dialogflow-messages';
import { parseExportJson, parseExportJsonOrSkip, type ExportFiles } from './dialogflow-source';
import { NoteBudget } from './import-files';
import type { MigrationNote } from './migrate';

/** The agent-wide parts of a Dialogflow ES export: its languages (agent.json) and entities. */

type Json = Readonly<Record<string, unknown>>;

export const USERSAYS = /^intents\/(.+)_usersays_([a-z]{2,3}(?:[-_][a-z0-9]+)?)\.json$/i;
export const ENTRIES = /^entities\/(.+)_entries_([a-z]{2,3}(?:[-_][a-z0-9]+)?)\.json$/i;

/** Notes in the order they were found, each once, within the notes budget of an import. */
export class Notes {
  readonly list: MigrationNote[] = [];
  private readonly seen = new Set<string>();
  private readonly budget = new NoteBudget();

  add(file: string | undefined, message: string, line?: number): void {
    if (!this.budget.fits(message)) {
      const leftOut = this.budget.leftOutOnce();
      if (leftOut) this.list.push({ message: leftOut });
      return;
    }
    const key = `${file ?? ''}\u0000${line ?? ''}\u0000${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.budget.charge(message);
    this.list.push({ ...(file ? { place: { file, ...(line ? { line } : {}) } } : {}), message });
  }
}

/** Tanya's language for a Dialogflow language code ("id", "en", "en-us", "de", "pt-br", "no" …), if it reads it. */
export function tanyaLanguage(code: string): Lang | undefined {
  return contentLanguageOf(code);
}

/** The languages Tanya reads, for messages. */
const READ_LANGUAGES = `Indonesian (id) and English (en), and questions and answers in ${OTHER_LANGUAGES.map((l) => `${languageName(l)} (${l})`).join(', ')}`;

/** A code as the agent writes it, with its language's name when there is one: "ms" (Malay). */
const quotedLanguage = (code: string): string => {
  const base = code.toLowerCase().split('-')[0];
  const name = languageName(base);
  return name !== base ? `"${code}" (${name})` : `"${code}"`;
};

/** The agent's languages: codes in Dialogflow's order (default first) and the Tanya languages they give. */
export interface AgentLanguages {
  readonly defaultCode: string;
  readonly codes: readonly string[];
  readonly languages: readonly Lang[];
}

export function agentLanguages(exp: ExportFiles, notes: Notes): AgentLanguages {
  const raw = exp.files.has('agent.json') ? parseExportJson(exp, 'agent.json') : undefined;
  const agent = asObject(raw);
  if (raw !== undefined && agent === undefined)
    notes.add('agent.json', `agent.json holds ${jsonKind(raw)}, not an agent's settings (an object); its languages are not read`);
  const fileCodes = [...exp.files.keys()].flatMap((f) => {
    const m = USERSAYS.exec(f);
    return m ? [m[2].toLowerCase()] : [];
  });
  let codes: string[];
  if (agent) {
    codes = [asString(agent.language) ?? 'en', ...asArray(agent.supportedLanguages).flatMap((c) => (typeof c === 'string' ? [c] : []))];
  } else {
    codes = fileCodes.includes('id') ? ['id', ...fileCodes] : fileCodes.length > 0 ? fileCodes : ['id'];
    notes.add(undefined, `no agent.json in the export: languages taken from the training phrase files (${[...new Set(codes)].join(', ')})`);
  }
  // Phrase files of a language agent.json does not list still say which language they are in.
  codes = [...new Set([...codes, ...fileCodes].map((c) => c.toLowerCase().replace(/_/g, '-')))];
  const languages: Lang[] = [];
  for (const code of codes) {
    const lang = tanyaLanguage(code);
    if (lang && !languages.includes(lang)) languages.push(lang);
    if (!lang) notes.add('agent.json', `language ${quotedLanguage(code)} is not imported: Tanya reads ${READ_LANGUAGES}`);
  }
  if (languages.length === 0)
    throw new Error(`${exp.locate('agent.json')}: the agent's languages (${codes.join(', ')}) are not ones Tanya reads; it reads ${READ_LANGUAGES}`);
  return { defaultCode: codes[0], codes, languages };
}

/** Entities: synonyms of list entities → settings.synonyms; regexp and composite entities → notes. */
export function readEntities(exp: ExportFiles, notes: Notes): Record<string, string[]> {
  // A Map, not an object: an entity value such as "__proto__" is data, not a property to look up.
  const synonyms = new Map<string, { list: string[]; folded: Set<string> }>();
  const meta = new Map<string, Json>();
  for (const f of exp.files.keys()) {
    const m = /^entities\/([^/]+)\.json$/.exec(f);
    if (m && !ENTRIES.test(f)) meta.set(m[1], asObject(parseExportJsonOrSkip(exp, f, (file, message) => notes.add(file, message))) ?? {});
  }
  for (const f of [...exp.files.keys()].sort()) {
    const m = ENTRIES.exec(f);
    if (!m || !tanyaLanguage(m[2])) continue;
    const entity = meta.get(m[1]) ?? {};
    const name = asString(entity.name) ?? m[1];
    const entries = asArray(parseExportJsonOrSkip(exp, f, (file, message) => notes.add(file, message))).flatMap((e) => {
      const o = asObject(e);
      return o ? [o] : [];
    });
    if (entity.isRegexp === true) {
      notes.add(f, `entity "${name}" is a regexp entity; not imported (a flow's "pattern" question checks such input)`);
      continue;
    }
    if (entries.some((e) => /@[\w.-]+:[\w-]+/.test(asString(e.value) ?? ''))) {
      notes.add(f, `entity "${name}" is a composite entity (made of other entities); not imported`);
      continue;
    }
    for (const e of entries) {
      const value = asString(e.value)?.trim();
      if (!value) continue;
      const others = asArray(e.synonyms)
        .flatMap((s) => (typeof s === 'string' && s.trim() ? [s.trim()] : []))
        .filter((s) => foldText(s) !== foldText(value));
      if (others.length === 0) continue;
      let known = synonyms.get(value);
      if (!known) {
        known = { list: [], folded: new Set() };
        synonyms.set(value, known);
      }
      // A set of folded words: comparing each new one with every earlier one was quadratic.
      for (const s of others) {
        const key = foldText(s);
        if (known.folded.has(key)) continue;
        known.folded.add(key);
        known.list.push(s);
      }
    }
  }
  return Object.fromEntries([...synonyms].map(([value, { list }]) => [value, list]));
}

/** What a JSON value is, for a message: "a list", "a number" … */
export function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
