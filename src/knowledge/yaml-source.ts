import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import diceCoefficient = require('natural/lib/natural/distance/dice_coefficient');
import type { KbProblem } from './errors';

/**
 * Parsing and validating editors' YAML files (knowledge and flows) with messages that say where
 * (file:line:col) and how to fix it.
 */

/** The keys allowed at a path, to suggest a fix for a misspelled field. */
export type AllowedKeys = (path: Path) => string[] | undefined;

export type Path = readonly (string | number)[];

/** One YAML file; its syntax tree (to point at any node) is built only when a message needs it. */
export interface ParsedFile {
  readonly file: string;
  readonly text: string;
  ast(): { readonly doc: Document.Parsed; readonly lines: LineCounter };
}

export function parsedFile(file: string, text: string): ParsedFile {
  let ast: { doc: Document.Parsed; lines: LineCounter } | undefined;
  return {
    file,
    text,
    ast() {
      if (!ast) {
        const lines = new LineCounter();
        ast = { doc: parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true }), lines };
      }
      return ast;
    },
  };
}

/** Where a value sits in a file: the node at `path`, or its nearest existing parent. */
export function locate(parsed: ParsedFile, path: Path, keyOf?: string): { line: number; column: number } {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = parsed.ast().doc.getIn(path.slice(0, depth), true);
    if (keyOf !== undefined && depth === path.length && isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === keyOf);
      if (pair && isScalar(pair.key) && pair.key.range) return position(parsed, pair.key.range[0]);
    }
    if (node && typeof node === 'object' && 'range' in node && Array.isArray(node.range)) {
      return position(parsed, node.range[0] as number);
    }
  }
  return { line: 1, column: 1 };
}

export function position(parsed: ParsedFile, offset: number): { line: number; column: number } {
  const pos = parsed.ast().lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}

export function problemAt(parsed: ParsedFile, path: Path, message: string, keyOf?: string): KbProblem {
  return { file: parsed.file, ...locate(parsed, path, keyOf), message, severity: 'error' };
}

function describePath(path: Path): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');
}

function valueAt(data: unknown, path: Path): unknown {
  let cur: unknown = data;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

/** Turns a zod issue into an editor-facing message: what is wrong and how to fix it. */
function issueToProblem(parsed: ParsedFile, data: unknown, issue: z.core.$ZodIssue, allowedKeys: AllowedKeys): KbProblem {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const where = describePath(path) || 'the file';
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const allowed = allowedKeys(path) ?? [];
    const close = allowed.map((a) => ({ a, score: diceCoefficient(a, key) })).sort((x, y) => y.score - x.score)[0];
    const hint = close && close.score >= 0.5 ? `; did you mean "${close.a}"?` : allowed.length > 0 ? `; remove it or use one of: ${allowed.join(', ')}` : '; remove it';
    return problemAt(parsed, path, `unknown field "${key}" in ${where}${hint}`, key);
  }
  if (issue.code === 'invalid_type' && valueAt(data, path) === undefined) {
    const parent = path.slice(0, -1);
    return problemAt(parsed, parent, `${describePath(parent) || 'the file'} is missing "${String(path[path.length - 1])}"; add it`);
  }
  if (issue.code === 'invalid_type') {
    const actual = valueAt(data, path);
    const was = Array.isArray(actual) ? 'a list' : actual === null ? 'empty' : typeof actual === 'object' ? 'a mapping' : `${typeof actual} ${JSON.stringify(actual)}`;
    const how = issue.message.startsWith('Invalid input') ? `it is ${was}` : issue.message;
    return problemAt(parsed, path, `${where} should be ${articleFor(issue.expected)}; ${how}`);
  }
  if (issue.code === 'invalid_value') {
    const options = issue.values.map((v) => JSON.stringify(v)).join(', ');
    return problemAt(parsed, path, `${where} has an unknown value; use one of ${options}`);
  }
  return problemAt(parsed, path, `${where}: ${issue.message}`);
}

function articleFor(expected: string): string {
  switch (expected) {
    case 'array':
      return 'a list (lines starting with "- ")';
    case 'object':
      return 'a mapping (key: value lines)';
    case 'number':
      return 'a number';
    case 'string':
      return 'text';
    default:
      return expected;
  }
}

/**
 * Parses and validates one file; returns its content or the problems found. Valid files take
 * the fast path (js-yaml, about ten times faster on large catalogues); any problem is then
 * located precisely with the position-keeping `yaml` parser.
 */
export function parseYamlFile<T>(
  file: string,
  text: string,
  schema: z.ZodType<T>,
  allowedKeys: AllowedKeys,
  what = 'a knowledge file must be a mapping with keys such as "faq:" or "products:"',
): { parsed?: ParsedFile; data?: T; problems: KbProblem[] } {
  const parsed = parsedFile(file, text);
  try {
    const fast: unknown = loadYaml(text, { schema: CORE_SCHEMA }) ?? {};
    if (fast !== null && typeof fast === 'object' && !Array.isArray(fast)) {
      const result = schema.safeParse(fast);
      if (result.success) return { parsed, data: result.data, problems: [] };
    }
  } catch {
    // Reported below with the line and column.
  }
  const { doc } = parsed.ast();
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((err) => ({
        file,
        ...position(parsed, err.pos[0]),
        message: `YAML syntax error: ${err.message.split('\n')[0]}; check the indentation and quotes on this line`,
        severity: 'error' as const,
      })),
    };
  }
  const raw: unknown = doc.toJS() ?? {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { problems: [problemAt(parsed, [], what)] };
  }
  const result = schema.safeParse(raw);
  if (!result.success) return { problems: result.error.issues.map((i) => issueToProblem(parsed, raw, i, allowedKeys)) };
  return { parsed, data: result.data, problems: [] };
}

