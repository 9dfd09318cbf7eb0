import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isMap, isScalar, isSeq, parse, parseDocument, type Document, type Node as YamlNode, type YAMLMap } from 'yaml';
import { questionsOf, type KnowledgeBase } from '../knowledge/schema';

export type ExampleLanguage = 'id' | 'en';

/** One line of the change shown before it is written. */
export interface DiffLine {
  readonly kind: 'context' | 'added';
  /** 1-based line number in the new file. */
  readonly line: number;
  readonly text: string;
}

/** What adding the example would do: the file, the new text and the lines around the change. */
export interface ExamplePlan {
  readonly entryId: string;
  readonly lang: ExampleLanguage;
  readonly example: string;
  readonly file: string;
  /** SHA-256 of the file as read: the write is refused when the file changed since the preview. */
  readonly digest: string;
  readonly after: string;
  readonly diff: readonly DiffLine[];
}

export type ExampleProblem = 'no-entry' | 'empty' | 'exists' | 'layout' | 'changed';

export type PlanResult = { readonly ok: true; readonly plan: ExamplePlan } | { readonly ok: false; readonly problem: ExampleProblem; readonly file?: string };

/** Longest example accepted (characters). */
export const MAX_EXAMPLE_CHARS = 300;

const digestOf = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * Plans adding `example` to the `questions.<lang>` list of entry `entryId`, in the YAML file that
 * defines it. The yaml library's Document API finds the entry and its list; the new item is
 * inserted as one line after the list's last item, with the same indentation, so every other
 * byte of the file (comments, quoting, blank lines, flow maps) stays as its author wrote it.
 * A list written inline (`id: [a, b]`) is left alone ('layout': edit it by hand).
 */
export function planExample(kb: KnowledgeBase, entryId: string, lang: ExampleLanguage, example: string): PlanResult {
  // Control characters (invisible in the dashboard) would make the file one the loader refuses.
  const text = example
    .replace(/\p{Cc}/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_EXAMPLE_CHARS);
  if (!text) return { ok: false, problem: 'empty' };
  const source = kb.sources.get(entryId);
  const entry = kb.entries.find((e) => e.id === entryId);
  if (!source || !entry) return { ok: false, problem: 'no-entry' };
  const fold = (s: string): string => s.toLowerCase().replace(/\s+/g, ' ').trim();
  if (questionsOf(entry).some((q) => fold(q) === fold(text))) return { ok: false, problem: 'exists', file: source.file };
  const before = readFileSync(source.file, 'utf8');
  const doc = parseDocument(before);
  const questions = findEntry(doc, entryId)?.get('questions', true);
  if (!isMap(questions) || questions.flow) return { ok: false, problem: 'layout', file: source.file };
  const list: unknown = questions.get(lang, true);
  const item = yamlItem(text);
  let at: number;
  let insert: string;
  if (isSeq(list) && !list.flow && list.items.length > 0) {
    const last = list.items[list.items.length - 1] as YamlNode;
    const first = list.items[0] as YamlNode;
    const [start] = first.range ?? [0];
    const lineStart = before.lastIndexOf('\n', start - 1) + 1;
    const prefix = before.slice(lineStart, start);
    if (!/^\s*-\s+$/.test(prefix)) return { ok: false, problem: 'layout', file: source.file };
    at = lineEnd(before, (last.range ?? [0, 0])[1]);
    insert = `${prefix}${item}\n`;
  } else if (list === undefined || (isScalar(list) && list.value === null)) {
    // No list in this language yet: a new key after the questions' last line, indented like its siblings.
    const key = questions.items[0]?.key;
    if (!isScalar(key) || !key.range) return { ok: false, problem: 'layout', file: source.file };
    const keyStart = key.range[0];
    const indent = before.slice(before.lastIndexOf('\n', keyStart - 1) + 1, keyStart);
    if (!/^ *$/.test(indent) || list !== undefined) return { ok: false, problem: 'layout', file: source.file };
    at = lineEnd(before, (questions.range ?? [0, 0])[1] - 1);
    insert = `${indent}${lang}:\n${indent}  - ${item}\n`;
  } else return { ok: false, problem: 'layout', file: source.file };
  const after = before.slice(0, at) + insert + before.slice(at);
  // The result must still be sound YAML and hold the example where it was meant to go.
  const check = findEntry(parseDocument(after), entryId)?.getIn(['questions', lang]);
  const added = (check as { toJSON?: () => unknown } | undefined)?.toJSON?.();
  if (!Array.isArray(added) || added[added.length - 1] !== text) return { ok: false, problem: 'layout', file: source.file };
  return { ok: true, plan: { entryId, lang, example: text, file: source.file, digest: digestOf(before), after, diff: diffAround(after, at, insert) } };
}

/**
 * Writes a planned example when the file is still as it was at the preview (else 'changed': show
 * the new preview). Live reload (when the bot watches its knowledge folder) then serves it.
 */
export function applyExample(kb: KnowledgeBase, entryId: string, lang: ExampleLanguage, example: string, digest: string): PlanResult {
  const planned = planExample(kb, entryId, lang, example);
  if (!planned.ok) return planned;
  if (planned.plan.digest !== digest) return { ok: false, problem: 'changed', file: planned.plan.file };
  // Written beside it and renamed over it, so live reload never reads half a file.
  const temp = join(dirname(planned.plan.file), `.${basename(planned.plan.file)}.${process.pid}.tmp`);
  writeFileSync(temp, planned.plan.after);
  renameSync(temp, planned.plan.file);
  return planned;
}

function findEntry(doc: Document, entryId: string): YAMLMap | undefined {
  if (!isMap(doc.contents)) return undefined;
  for (const pair of doc.contents.items) {
    if (!isSeq(pair.value)) continue;
    for (const item of pair.value.items) if (isMap(item) && item.get('id') === entryId) return item;
  }
  return undefined;
}

/** The example as a YAML list item's value: plain when it reads back unchanged, else double-quoted. */
function yamlItem(text: string): string {
  try {
    const back: unknown = parse(`- ${text}\n`);
    if (Array.isArray(back) && back.length === 1 && back[0] === text) return text;
  } catch {
    // Not plain YAML: quoted below.
  }
  return JSON.stringify(text);
}

/** The index just after the newline ending the line that holds `index`. */
function lineEnd(text: string, index: number): number {
  const newline = text.indexOf('\n', Math.max(0, index));
  return newline === -1 ? text.length : newline + 1;
}

/** The inserted lines with two lines of context on each side. */
function diffAround(after: string, at: number, insert: string): DiffLine[] {
  const lines = after.split('\n');
  const first = after.slice(0, at).split('\n').length - 1;
  const count = insert.split('\n').length - 1;
  const out: DiffLine[] = [];
  for (let i = Math.max(0, first - 2); i < Math.min(lines.length, first + count + 2); i++) {
    out.push({ kind: i >= first && i < first + count ? 'added' : 'context', line: i + 1, text: lines[i] });
  }
  return out;
}
