import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import { nodesInOrder, parsedFile } from '../knowledge/yaml-location';
import { firstTooDeep, MAX_NESTING } from '../knowledge/yaml-values';
import { MAX_TEXT_CHARS, tooLongText } from './import-files';
import { relaxQuotedIndentation } from './yaml-relax';
import {
  addExamples,
  addResponse,
  addSynonym,
  BOT_TEXT,
  note,
  type Place,
  type RasaButton,
  type RasaProject,
  type RasaTurn,
  type RasaVariation,
} from './rasa-model';

/**
 * Reads Rasa 2/3 YAML files: `nlu:` (intents, synonyms, regexes, lookups), `rules:`, `stories:`,
 * `responses:` (domain or data/responses.yml, `templates:` in Rasa 1.x domains) and the domain's
 * `intents:` and `forms:`. Every file is read with the same reader, because Rasa lets any data
 * file hold any of these keys (retrieval bots keep `responses:` inside nlu.yml).
 */

/** Top-level keys that make a YAML file Rasa training data or a domain. */
export const RASA_YAML_KEYS = /^(?:nlu|rules|stories|responses|templates|intents)\s*:/m;

/** How to fix the YAML mistakes hand-edited Rasa files have most. */
const YAML_HINTS: Partial<Record<string, string>> = {
  TAB_AS_INDENT: 'indent with spaces, not tabs,',
  DUPLICATE_KEY: 'keep one of the two (or merge them)',
  MISSING_CHAR: 'close the quote or bracket',
};

/**
 * Most nodes one file may reach through aliases (1,000,000). An alias is never copied: `deref`
 * hands back the anchored node itself. But a reader walking a list of aliases to lists of aliases
 * does the work of the expanded file (the "billion laughs"), so each alias followed costs the size
 * of what it points to, and a file past this budget is refused. (The `yaml` library's own guard,
 * `maxAliasCount`, applies to `toJS`, which this reader never calls.)
 */
export const MAX_ALIAS_NODES = 1_000_000;

interface YamlFile {
  readonly rel: string;
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
  /** Anchors by name and the size of every node, built on the first alias met (Rasa files rarely use them). */
  anchors?: { readonly byName: Map<string, Node>; readonly sizes: Map<unknown, number> };
  /** Nodes reached through aliases so far. */
  aliased: number;
  /** Lines (1-based) continuing a quoted text that were indented no deeper than its key, read as PyYAML (Rasa) reads them. */
  readonly relaxed: readonly number[];
}

/**
 * Parses one YAML file, or throws an error naming the file, line and column: the `yaml` library's
 * own messages say "at line 3, column 5" without the file, which is useless across a project.
 */
export function parseRasaYaml(rel: string, text: string): YamlFile {
  const source = text.replace(/^\uFEFF/, '');
  let { doc, lines } = parsedFile(rel, source).ast();
  // Rasa reads with PyYAML, which lets a quoted text continue on lines indented no deeper than its
  // key: read such a file as Rasa does (and say so) instead of refusing a project that runs.
  let relaxed: readonly number[] = [];
  if (doc.errors.length > 0) {
    const lenient = relaxQuotedIndentation(source);
    if (lenient.moved.length > 0) {
      const again = parsedFile(rel, lenient.text).ast();
      if (again.doc.errors.length === 0) ({ doc, lines, relaxed } = { ...again, relaxed: lenient.moved });
    }
  }
  const tooDeep = (offset: number): Error => {
    const { line, col } = lines.linePos(offset);
    return new Error(
      `${rel}:${line}:${col}: lists or mappings are nested more than ${MAX_NESTING} levels deep here; Rasa files need a few levels (look for a long run of "[", "{" or "- "). Fix the file and import again`,
    );
  };
  // The parser turns a stack overflow on deep nesting into an error: said as what it is.
  const deep = doc.errors.find((e) => e.message.includes('Maximum call stack size exceeded'));
  if (deep) throw tooDeep(deep.pos[0]);
  const error = doc.errors[0];
  if (error) {
    const { line, col } = lines.linePos(error.pos[0]);
    const what = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    const hint = YAML_HINTS[error.code] ?? 'fix it';
    throw new Error(`${rel}:${line}:${col}: ${what}. This file is not valid YAML (Rasa would refuse it too); ${hint} and import again`);
  }
  const deepNode = firstTooDeep(doc);
  if (deepNode) throw tooDeep(deepNode.range?.[0] ?? 0);
  for (const node of nodesInOrder(doc)) {
    if (isScalar(node) && typeof node.value === 'string' && node.value.length > MAX_TEXT_CHARS)
      throw tooLongText(`${rel}:${lines.linePos(node.range?.[0] ?? 0).line}`, 'a text', node.value);
  }
  return { rel, doc, lines, aliased: 0, relaxed };
}

/** Anchors by name (the last of a name wins, as before) and the size of every node, children counted before parents. */
function anchorsOf(doc: Document.Parsed): NonNullable<YamlFile['anchors']> {
  const byName = new Map<string, Node>();
  const sizes = new Map<unknown, number>();
  const nodes = nodesInOrder(doc);
  for (const n of nodes) if (!isAlias(n) && n.anchor) byName.set(n.anchor, n);
  // In file order every node comes before what it holds: backwards, children are sized first.
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i];
    let size = 1;
    if (isSeq(n)) for (const item of n.items) size += sizes.get(item) ?? 0;
    else if (isMap(n)) for (const p of n.items) if (isPair(p)) size += (sizes.get(p.key) ?? 0) + (sizes.get(p.value) ?? 0);
    sizes.set(n, size);
  }
  return { byName, sizes };
}

function deref(file: YamlFile, node: unknown): unknown {
  if (!isAlias(node)) return node;
  file.anchors ??= anchorsOf(file.doc);
  const target = file.anchors.byName.get(node.source);
  file.aliased += file.anchors.sizes.get(target) ?? 1;
  if (file.aliased > MAX_ALIAS_NODES)
    throw new Error(
      `${file.rel}:${lineOf(file, node)}: the aliases of this file (here *${node.source}) repeat its parts more than ${MAX_ALIAS_NODES.toLocaleString('en-US')} times over, like a "billion laughs" attack; write the parts out instead of aliasing them, or export the data again`,
    );
  return target;
}

function lineOf(file: YamlFile, node: unknown): number {
  const range = node && typeof node === 'object' && 'range' in node && Array.isArray(node.range) ? (node.range as number[]) : undefined;
  return range ? file.lines.linePos(range[0]).line : 1;
}

function placeOf(file: YamlFile, node: unknown): Place {
  return { file: file.rel, line: lineOf(file, node) };
}

/** The pairs of a mapping with scalar keys, in file order. */
function pairs(file: YamlFile, node: unknown): [string, unknown, unknown][] {
  const map = deref(file, node);
  if (!isMap(map)) return [];
  return map.items.flatMap((p): [string, unknown, unknown][] => {
    const key = text(file, p.key);
    return key !== undefined ? [[key, deref(file, p.value), p.key]] : [];
  });
}

function field(file: YamlFile, node: unknown, key: string): unknown {
  return pairs(file, node).find(([k]) => k === key)?.[1];
}

function text(file: YamlFile, node: unknown): string | undefined {
  const scalar = deref(file, node);
  if (!isScalar(scalar) || scalar.value == null) return undefined;
  const value: unknown = scalar.value;
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

function items(file: YamlFile, node: unknown): unknown[] {
  const seq = deref(file, node);
  return isSeq(seq) ? seq.items.map((i) => deref(file, i)) : [];
}

/**
 * The examples of an NLU item in any form Rasa accepts: the usual block string of "- text" lines,
 * a list of strings, or a list of mappings `- text: … metadata: …` (a list is not a string:
 * treating it as one was the "block.split is not a function" crash).
 */
function examplesOf(file: YamlFile, node: unknown, owner: string, project: RasaProject): string[] {
  const value = deref(file, node);
  if (value == null) return [];
  const block = text(file, value);
  if (block !== undefined) {
    // Rasa reads only the "- " lines of a block and warns about the rest; so does this.
    const lines = block.split(/\r?\n/).filter((l) => l.trim());
    const examples = lines.filter((l) => /^\s*-/.test(l)).map((l) => l.replace(/^\s*-\s?/, '').trim());
    const other = lines.length - examples.length;
    if (other > 0) note(project, placeOf(file, value), `${owner}: ${other} line${other === 1 ? '' : 's'} not starting with "- " skipped, as Rasa does`);
    return examples.filter(Boolean);
  }
  if (isSeq(value)) {
    return items(file, value).flatMap((item) => {
      const t = text(file, item) ?? text(file, field(file, item, 'text'));
      if (t === undefined) note(project, placeOf(file, item), `${owner}: an example that is neither text nor "text: …" was skipped`);
      return t === undefined ? [] : [t.trim()];
    });
  }
  note(project, placeOf(file, value), `${owner}: "examples" is neither a block of "- text" lines nor a list; skipped`);
  return [];
}

function readNlu(file: YamlFile, node: unknown, project: RasaProject): void {
  for (const item of items(file, node)) {
    const place = placeOf(file, item);
    const intent = text(file, field(file, item, 'intent'));
    const examples = field(file, item, 'examples');
    if (intent !== undefined) {
      addExamples(project, intent.trim(), place, examplesOf(file, examples, `intent "${intent}"`, project));
      continue;
    }
    const synonym = text(file, field(file, item, 'synonym'));
    if (synonym !== undefined) {
      addSynonym(project, synonym, examplesOf(file, examples, `synonym "${synonym}"`, project), place);
      continue;
    }
    const regex = text(file, field(file, item, 'regex'));
    if (regex !== undefined) {
      const n = examplesOf(file, examples, `regex "${regex}"`, project).length;
      note(
        project,
        place,
        `regex "${regex}" (${n} pattern${n === 1 ? '' : 's'}) not imported: Tanya has no regex entities; write the words people use as examples instead`,
      );
      continue;
    }
    const lookup = text(file, field(file, item, 'lookup'));
    if (lookup !== undefined) {
      const n = examplesOf(file, examples, `lookup "${lookup}"`, project).length;
      note(project, place, `lookup table "${lookup}" (${n} entr${n === 1 ? 'y' : 'ies'}) not imported: add the values to the catalogue or as synonyms`);
      continue;
    }
    note(project, place, 'an nlu item with neither intent, synonym, regex nor lookup was skipped');
  }
}

/**
 * Rules and stories as user turns: each `intent:` step (or `or:` of intents) with the actions
 * (and end-to-end `bot:` texts) that directly follow it. `slot_was_set` steps are passed over;
 * other steps (`active_loop`, `checkpoint`, a `user:` text without intent) end the turn.
 */
function readSteps(file: YamlFile, node: unknown, kind: 'rule' | 'story', project: RasaProject): void {
  for (const block of items(file, node)) {
    const conditional = kind === 'rule' && field(file, block, 'condition') !== undefined;
    let turn: RasaTurn | undefined;
    let stepIndex = 0;
    for (const step of items(file, field(file, block, 'steps'))) {
      const intent = text(file, field(file, step, 'intent'));
      const alternatives = items(file, field(file, step, 'or'))
        .map((s) => text(file, field(file, s, 'intent')))
        .filter((s): s is string => s !== undefined);
      const action = text(file, field(file, step, 'action'));
      const bot = text(file, field(file, step, 'bot'));
      if (intent !== undefined || alternatives.length > 0) {
        const prompt = turn?.actions[turn.actions.length - 1];
        turn = {
          intents: intent !== undefined ? [intent.trim()] : alternatives.map((a) => a.trim()),
          actions: [],
          place: placeOf(file, step),
          kind,
          contextual: conditional || stepIndex > 0,
          ...(prompt !== undefined ? { prompt } : {}),
        };
        project.turns.push(turn);
      } else if (action !== undefined && turn) {
        turn.actions.push(action.trim());
      } else if (field(file, step, 'slot_was_set') !== undefined) {
        // Rasa 2/3 stories set slots between the intent and the bot's answer: not a new turn.
      } else if (bot !== undefined && turn) {
        // End-to-end stories may say the bot's words directly (`- bot: text`): a response of its own.
        const name = `${BOT_TEXT}${file.rel}:${lineOf(file, step)}`;
        addResponse(project, {
          name,
          place: placeOf(file, step),
          variations: [{ line: lineOf(file, step), text: bot, conditional: false, buttons: [], rich: [] }],
        });
        turn.actions.push(name);
      } else {
        turn = undefined;
      }
      stepIndex++;
    }
  }
}

const RICH_KEYS = ['image', 'custom', 'attachment', 'elements', 'quick_replies', 'json_message'] as const;

function readVariation(file: YamlFile, node: unknown): RasaVariation {
  const line = lineOf(file, node);
  const plain = text(file, node);
  if (plain !== undefined) return { line, text: plain, conditional: false, buttons: [], rich: [] };
  const buttons: RasaButton[] = items(file, field(file, node, 'buttons')).flatMap((b) => {
    const title = text(file, field(file, b, 'title'));
    const payload = text(file, field(file, b, 'payload'));
    return title !== undefined ? [{ title, ...(payload !== undefined ? { payload } : {}) }] : [];
  });
  const rich = RICH_KEYS.flatMap((key) => {
    const value = field(file, node, key);
    if (value === undefined) return [];
    const shown = text(file, value);
    return [shown !== undefined ? `${key} ${shown}` : key];
  });
  const t = text(file, field(file, node, 'text'));
  const channel = text(file, field(file, node, 'channel'));
  return {
    line,
    ...(t !== undefined ? { text: t } : {}),
    ...(channel !== undefined ? { channel } : {}),
    conditional: field(file, node, 'condition') !== undefined,
    buttons,
    rich,
  };
}

function readResponses(file: YamlFile, node: unknown, project: RasaProject): void {
  for (const [name, value, key] of pairs(file, node)) {
    const place = placeOf(file, key);
    const variations = isSeq(value) ? items(file, value).map((v) => readVariation(file, v)) : value != null ? [readVariation(file, value)] : [];
    addResponse(project, { name, place, variations });
  }
}

/** Names from a list of names or of one-key mappings (`- open_incident: {use_entities: []}`), or a mapping's keys. */
function names(file: YamlFile, node: unknown): [string, Place][] {
  const fromList = items(file, node).flatMap((item): [string, Place][] => {
    const name = text(file, item) ?? pairs(file, item)[0]?.[0];
    return name !== undefined ? [[name, placeOf(file, item)]] : [];
  });
  return fromList.length > 0 ? fromList : pairs(file, node).map(([name, , key]) => [name, placeOf(file, key)]);
}

/**
 * Reads one parsed YAML file into the project. `withNlu` is false for files read only for their
 * rules, stories and responses (when the user named a single NLU file or folder).
 */
export function readRasaYaml(file: YamlFile, project: RasaProject, withNlu: boolean): void {
  if (file.relaxed.length > 0)
    note(
      project,
      { file: file.rel, line: file.relaxed[0] },
      `a quoted text continues on ${file.relaxed.length === 1 ? 'a line' : `${file.relaxed.length} lines`} (${file.relaxed.slice(0, 5).join(', ')}${file.relaxed.length > 5 ? ', …' : ''}) indented no deeper than its key; strict YAML refuses that, Rasa accepts it, and it was read as Rasa reads it (indent those lines under the key to make the file valid YAML)`,
    );
  for (const [key, value] of pairs(file, file.doc.contents)) {
    switch (key) {
      case 'nlu':
        if (withNlu) readNlu(file, value, project);
        break;
      case 'rules':
        readSteps(file, value, 'rule', project);
        break;
      case 'stories':
        readSteps(file, value, 'story', project);
        break;
      case 'responses':
      case 'templates':
        readResponses(file, value, project);
        break;
      case 'intents':
        for (const [name, place] of names(file, value)) if (!project.domainIntents.has(name)) project.domainIntents.set(name, place);
        break;
      case 'forms':
        for (const [name, place] of names(file, value)) if (!project.forms.has(name)) project.forms.set(name, place);
        break;
      default:
        break;
    }
  }
}

/** `language:` of a config.yml, or undefined (a broken config is noted by the caller, not fatal: only the language is wanted). */
export function configLanguage(file: YamlFile): { language: string; place: Place } | undefined {
  const node = field(file, file.doc.contents, 'language');
  const language = text(file, node)?.trim().toLowerCase();
  return language ? { language, place: placeOf(file, node) } : undefined;
}
