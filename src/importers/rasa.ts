import { statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { decidedLanguage, LanguageDetector } from '../matching/language';
import { contentLanguageOf, OTHER_LANGUAGES, type ContentLanguage, type OtherLanguage } from '../core/types';
import { detect as detectLanguage } from 'tinyld';
import { foldedWords } from '../matching/normalize';
import { checkImportFile, checkImportTotal, checkLineLengths, decodeImportText, readImportFile, statImportFile, type ImportFile } from './import-files';
import type { MigratedEntry, MigratedSettings, Migration, MigrationNote, PerLanguage, SourcePlace } from './migrate';
import { actionText, isHandoffIntent, resolveIntent, responseText, turnsByIntent } from './rasa-answers';
import { findRasaLayout, shownPath, type RasaLayout } from './rasa-files';
import { readRasaMarkdown } from './rasa-markdown';
import { BOT_TEXT, emptyProject, note, type Place, type RasaProject } from './rasa-model';
import { otherFormatHint } from './format-hint';
import { configLanguage, parseRasaYaml, RASA_YAML_KEYS, readRasaYaml } from './rasa-yaml';

/** Options of {@link readRasaProject}. */
export interface RasaImportOptions {
  /** A domain file (or Rasa 3 domain folder) to use instead of the project's own (the CLI's `--domain FILE`). */
  readonly domain?: string;
  /** Called after each file read, with the files done and the total. */
  readonly onProgress?: (done: number, total: number) => void;
}

type Lang = ContentLanguage;

/** Intents that are Rasa's "I did not understand": they become the fallback, not entries. */
const FALLBACK_INTENTS = new Set(['nlu_fallback', 'out_of_scope']);

/** A fallback intent, or a retrieval intent of its group ("out_of_scope/others", "out_of_scope/non_english"). */
const isFallbackIntent = (name: string): boolean =>
  FALLBACK_INTENTS.has(name) || (name.includes('/') && FALLBACK_INTENTS.has(name.slice(0, name.indexOf('/'))));

/** Intents whose answer is also the knowledge base's greeting. */
const GREETING_INTENTS = new Set(['greet', 'greeting', 'greetings', 'hello', 'salam', 'sapa', 'sapaan']);

/** Larger files are not training data anyone wrote by hand (a model dump, a log): noted and skipped, never read. */
const MAX_DATA_FILE_BYTES = 32 * 1024 * 1024;

const NOT_A_FILE = 'keep only the project’s own files in its folders';

/**
 * Imports a Rasa project (Rasa 1.x Markdown, Rasa 2/3 YAML) as FAQ entries: every intent with its
 * examples merged over all NLU files, answered by the response its rules and stories (or the
 * `utter_<intent>` convention) give it. `nlu_fallback`/`out_of_scope` become the fallback text,
 * handoff intents become `action: 'handoff'` entries, synonyms become settings, and everything
 * Tanya cannot carry over (forms, custom actions, slots, images, regexes, response variations)
 * is listed in `notes` with its file and line.
 *
 * `path` is the project folder, its data folder (or a subfolder), or one NLU file; the domain is
 * found next to it (domain.yml or a domain/ folder) unless `options.domain` names one.
 *
 * @example
 * const migration = readRasaProject('my-bot');               // my-bot/data/**, my-bot/domain.yml
 * writeMigration('knowledge', migration, 'my-bot', 'rasa');
 */
/** "a", "a and b", "a, b and c". */
const listed = (items: readonly string[]): string => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`);

export function readRasaProject(path: string, options: RasaImportOptions = {}): Migration {
  const layout = findRasaLayout(path, options.domain);
  const project = emptyProject();
  const files = [
    ...layout.domainFiles.map((file) => ({ file, nlu: false })),
    ...layout.nluFiles.map((file) => ({ file, nlu: true })),
    ...layout.otherFiles.map((file) => ({ file, nlu: false })),
  ];
  const domainSet = new Set(layout.domainFiles);
  for (const folder of layout.linkedFolders)
    note(
      project,
      { file: shownPath(layout, folder) },
      'a link to a folder, not followed (a link can lead back into the project forever); copy the files in instead',
    );
  // Every file is checked (an ordinary file, sizes within the limits) before any is read.
  const checked = files.map((f) => ({ ...f, target: statImportFile(f.file, shownPath(layout, f.file), NOT_A_FILE) }));
  const tooLarge = (target: ImportFile): boolean => target.size > MAX_DATA_FILE_BYTES;
  checkImportTotal(
    checked.flatMap((c) => (tooLarge(c.target) ? [] : [c.target])),
    path,
  );
  options.onProgress?.(0, files.length);
  checked.forEach(({ file, nlu, target }, i) => {
    if (tooLarge(target)) note(project, { file: target.shown }, `skipped: ${Math.round(target.size / 1024 / 1024)} MB is too large for training data`);
    else readOneFile(target, nlu, domainSet.has(file), project);
    options.onProgress?.(i + 1, files.length);
  });
  if (project.intents.size === 0) {
    const named = statSync(path).isFile() ? [resolve(path)] : [];
    const read = (layout.nluFiles.length > 0 ? layout.nluFiles : named).map((f) => shownPath(layout, f));
    throw new Error(
      `no Rasa NLU data found in ${path}: expected data/nlu.yml with "nlu:" and "- intent:" items (Rasa 2/3) ` +
        `or data/nlu.md with "## intent:name" sections (Rasa 1.x)` +
        (read.length > 0 ? `; looked in ${read.slice(0, 5).join(', ')}${read.length > 5 ? ', …' : ''}` : '; found no Rasa training files there') +
        `.${otherFormatHint(path, 'rasa')}`,
    );
  }
  if (layout.domainFiles.length === 0) {
    note(
      project,
      undefined,
      `no domain found (looked for ${listed(layout.domainLooked.map((d) => `${shownPath(layout, d.path)}${d.folder ? '/' : ''}`))})` +
        (project.responses.size === 0 ? ': answers are left as TODO; pass --domain FILE' : ': only responses in the data files are used'),
    );
  }
  const language = statedLanguage(layout, project);
  return assemble(project, language);
}

/** The text of one project file; bytes that are not UTF-8 are read as "�" and noted. */
function projectText(file: ImportFile, project: RasaProject): string {
  const { text, note: odd } = decodeImportText(readImportFile(file), file.shown);
  if (odd) note(project, { file: file.shown, line: odd.line }, odd.message);
  return text;
}

function readOneFile(file: ImportFile, nlu: boolean, isDomain: boolean, project: RasaProject): void {
  const rel = file.shown;
  const text = projectText(file, project);
  const ext = extname(file.path).toLowerCase();
  if (ext === '.md') {
    // Markdown examples are lines: one over the text limit is refused before any pattern reads it.
    checkLineLengths(text, rel);
    readRasaMarkdown(rel, text, project, nlu);
  } else if (ext === '.json') {
    if (text.slice(0, 4096).includes('rasa_nlu_data'))
      note(project, { file: rel }, 'Rasa JSON training data is not read: convert it with "rasa data convert nlu -f yaml" and import again');
  } else if (isDomain || RASA_YAML_KEYS.test(text)) readRasaYaml(parseRasaYaml(rel, text), project, nlu);
}

const detector = new LanguageDetector([], []);
function guessLanguage(text: string): Lang {
  return detector.detect(foldedWords(text), 'id');
}

/**
 * The language config.yml states, when it is Indonesian or English and the examples agree. Many
 * Indonesian bots keep the `language: en` that `rasa init` wrote; trusting it would file every
 * question under English, so a clear majority of examples in the other language wins.
 */
function statedLanguage(layout: RasaLayout, project: RasaProject): Lang | undefined {
  if (!layout.configFile) return undefined;
  const rel = shownPath(layout, layout.configFile);
  let stated: ReturnType<typeof configLanguage>;
  try {
    stated = configLanguage(parseRasaYaml(rel, projectText(checkImportFile(layout.configFile, rel, NOT_A_FILE), project)));
  } catch (error) {
    note(project, { file: rel }, `not read (${(error as Error).message}); the language of each question is guessed`);
    return undefined;
  }
  if (!stated) return undefined;
  const { language, place } = stated;
  const code = contentLanguageOf(language);
  if (code === undefined) {
    note(
      project,
      place,
      `language "${language}": Tanya reads Indonesian and English, and ${OTHER_LANGUAGES.join(', ')}; the language of each question is guessed`,
    );
    return undefined;
  }
  if (code !== 'id' && code !== 'en') return otherLanguageStated(project, code, language, place);
  const counts = { id: 0, en: 0 };
  let seen = 0;
  for (const intent of project.intents.values()) {
    for (const example of intent.examples) {
      if (seen++ > 5000) break;
      const decided = decidedLanguage(detector, foldedWords(example));
      if (decided !== undefined) counts[decided]++;
    }
  }
  const other: Lang = code === 'id' ? 'en' : 'id';
  if (counts[other] >= 5 && counts[other] > 2 * counts[code]) {
    note(
      project,
      place,
      `"language: ${language}", but most examples look ${other === 'id' ? 'Indonesian' : 'English'} (${counts[other]} against ${counts[code]}); the language of each question is guessed`,
    );
    return undefined;
  }
  return code;
}

/**
 * Another language config.yml states (German, French …), when the examples are written in it:
 * `tinyld` reads each of the first 200 and at least half of those it decides must be in it.
 */
function otherLanguageStated(project: RasaProject, code: OtherLanguage, language: string, place: SourcePlace): Lang | undefined {
  let inIt = 0;
  let decided = 0;
  for (const intent of project.intents.values()) {
    for (const example of intent.examples) {
      if (decided >= 200) break;
      const found = detectLanguage(example, { only: [code, 'en', 'id'] });
      if (!found) continue;
      decided++;
      if (found === code) inIt++;
    }
  }
  if (decided === 0 || inIt * 2 >= decided) return code;
  note(
    project,
    place,
    `"language: ${language}", but ${decided - inIt} of ${decided} examples read as Indonesian or English; the language of each question is guessed`,
  );
  return undefined;
}

function perLanguage(text: string, language: Lang | undefined): PerLanguage<string> {
  return { [language ?? guessLanguage(text)]: text };
}

function assemble(project: RasaProject, language: Lang | undefined): Migration {
  const turns = turnsByIntent(project);
  const entries: MigratedEntry[] = [];
  const used = new Set<string>(project.turns.flatMap((t) => t.actions));
  let greeting: string | undefined;
  for (const intent of project.intents.values()) {
    const { name, place, examples } = intent;
    if (isFallbackIntent(name)) continue;
    if (intent.entities.size > 0)
      note(
        project,
        place,
        `intent "${name}": entity annotations reduced to their text (${[...intent.entities].join(', ')}); Tanya does not extract Rasa entities`,
      );
    if (examples.length === 0) {
      note(project, place, `intent "${name}" has no examples, so it could never be matched; skipped`);
      continue;
    }
    const resolved = resolveIntent(name, project, turns, place);
    if (resolved.action) used.add(resolved.action);
    const handoff = isHandoffIntent(name) || resolved.handoff;
    const slash = name.indexOf('/');
    const text = resolved.text;
    if (text && greeting === undefined && GREETING_INTENTS.has(name)) greeting = text;
    entries.push({
      name,
      questions: language ? [] : [...examples],
      ...(language ? { questionsByLanguage: { [language]: [...examples] } } : {}),
      ...(text ? (language ? { answers: { [language]: text } } : { answer: text }) : {}),
      ...(slash > 0 ? { category: name.slice(0, slash) } : {}),
      ...(resolved.suggestions.length > 0 ? { suggestions: resolved.suggestions } : {}),
      ...(handoff ? { action: 'handoff' as const } : {}),
      from: { file: place.file, line: place.line },
    });
  }
  const fallback = fallbackText(project, turns, used);
  noteLeftovers(project, used);
  const synonyms = Object.fromEntries([...project.synonyms].filter(([, s]) => s.words.length > 0).map(([value, s]) => [value, s.words]));
  const settings: MigratedSettings = {
    ...(fallback ? { fallback: perLanguage(fallback, language) } : {}),
    ...(greeting ? { greeting: perLanguage(greeting, language) } : {}),
    ...(Object.keys(synonyms).length > 0 ? { synonyms } : {}),
    ...(language ? { languages: [language] } : {}),
  };
  const notes = uniqueNotes(project.notes);
  return {
    entries,
    // Everything is in `notes`, with its place; writeMigration lists `unsupported` and `notes`
    // one after the other, so repeating the notes here would print each of them twice.
    unsupported: [],
    notes,
    ...(Object.keys(settings).length > 0 ? { settings } : {}),
  };
}

/**
 * The bot's "I did not understand": what the rule for `nlu_fallback` says, else `utter_default`
 * (what Rasa's default fallback action sends), else the answer to `out_of_scope`.
 */
function fallbackText(project: RasaProject, turns: ReturnType<typeof turnsByIntent>, used: Set<string>): string | undefined {
  let text: string | undefined;
  const rule = (turns.get('nlu_fallback') ?? []).find((t) => !t.contextual) ?? turns.get('nlu_fallback')?.[0];
  if (rule) {
    used.add(rule.actions[0]);
    text = actionText(rule.actions[0], project, rule.place, 'nlu_fallback').text;
  }
  const byDefault = project.responses.get('utter_default');
  if (byDefault) {
    used.add('utter_default');
    if (!text) text = responseText(byDefault, project).text;
    else if (rule) {
      const own = byDefault.variations.find((v) => v.text?.trim())?.text?.trim();
      if (own && own !== text)
        note(project, byDefault.place, `utter_default ("${own}") is not imported: the fallback text is what the nlu_fallback rule says (${rule.actions[0]})`);
    }
  }
  for (const name of [...FALLBACK_INTENTS, ...[...project.intents.keys()].filter((n) => n.includes('/') && isFallbackIntent(n))]) {
    const intent = project.intents.get(name);
    const place: Place | undefined = intent?.place ?? turns.get(name)?.[0]?.place;
    if (!place || (name === 'nlu_fallback' && !intent)) continue;
    const answered = turns.has(name) || project.responses.has(`utter_${name}`);
    const own = answered ? resolveIntent(name, project, turns, place) : { text: undefined, action: undefined };
    if (own.action) used.add(own.action);
    // A retrieval answer of the out-of-scope group ("out_of_scope/non_english": "I only understand
    // English") answers one kind of message, not every one the bot does not understand.
    if (!text && own.text && !name.includes('/')) {
      text = own.text;
      note(project, place, `the fallback text is the answer to "${name}" (no nlu_fallback rule and no utter_default)`);
    } else if (own.text && own.text !== text)
      note(project, place, `the answer to "${name}" ("${own.text}") is not imported; Tanya answers with the fallback text`);
    if (intent)
      note(project, place, `intent "${name}" (${intent.examples.length} examples) is not an entry: Tanya falls back on its own when no entry matches`);
  }
  return text;
}

/** Domain parts no intent reaches: responses only custom actions send, intents without examples, forms. */
function noteLeftovers(project: RasaProject, used: Set<string>): void {
  const unused = [...project.responses.values()].filter(
    (r) => !used.has(r.name) && !r.name.startsWith('utter_ask_') && !r.name.startsWith(BOT_TEXT) && !project.intents.has(r.name.replace(/^utter_/, '')),
  );
  if (unused.length > 0)
    note(
      project,
      unused[0].place,
      `responses no intent leads to (sent by custom actions or forms, or unused): ${unused.map((r) => r.name).join(', ')}; not imported`,
    );
  // A retrieval group ("chitchat" for chitchat/ask_name) is listed in the domain without examples of its own.
  const groups = new Set([...project.intents.keys()].filter((n) => n.includes('/')).map((n) => n.slice(0, n.indexOf('/'))));
  const silent = [...project.domainIntents].filter(([name]) => !project.intents.has(name) && !isFallbackIntent(name) && !groups.has(name));
  if (silent.length > 0)
    note(project, silent[0][1], `intents in the domain without examples (sent by buttons or other bots): ${silent.map(([n]) => n).join(', ')}; not imported`);
  for (const [form, place] of project.forms)
    note(project, place, `form "${form}" not imported: Tanya answers questions and does not fill Rasa forms; write a flow (docs/flows.md)`);
}

function uniqueNotes(notes: readonly MigrationNote[]): MigrationNote[] {
  const seen = new Set<string>();
  return notes.filter((n) => {
    const key = `${n.place?.file ?? ''}:${n.place?.line ?? ''}:${n.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
