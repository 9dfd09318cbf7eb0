import type { z } from 'zod';
import diceCoefficient = require('natural/lib/natural/distance/dice_coefficient');
import { CONTENT_LANGUAGES, contentLanguageOf } from '../core/types';
import { MAX_PROBLEMS_PER_FILE, moreProblems, type KbProblem } from './errors';
import { hazardProblem, tagProblems, valueBudget, valueHazards } from './yaml-hazards';
import { firstTooDeep, plainValues } from './yaml-values';
import { position, problemAt, type ParsedFile, type Path, parsedFile } from './yaml-location';

export { locate, parsedFile, position, problemAt, type ParsedFile, type Path } from './yaml-location';

/**
 * Parsing and validating editors' YAML files (knowledge and flows) with messages that say where
 * (file:line:col) and how to fix it.
 */

/** The keys allowed at a path, to suggest a fix for a misspelled field. */
export type AllowedKeys = (path: Path) => string[] | undefined;

function describePath(path: Path): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
    .join('')
    .replace(/^\./, '');
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
    // A map of texts per language ("questions", "answer"): name the languages, or the code meant ("DE", "de-CH", "nb").
    if (allowed.length > 0 && allowed.every((k) => (CONTENT_LANGUAGES as readonly string[]).includes(k))) {
      const meant = contentLanguageOf(key);
      if (meant && allowed.includes(meant) && meant !== key) return problemAt(parsed, path, `"${key}" in ${where} is written "${meant}:"; rename it`, key);
      // Texts Tanya says itself (a product's description, the privacy notice) are Indonesian and English only.
      const why = meant ? `${where} is said in ${allowed.join(' or ')} only` : `"${key}" is not a language Tanya reads`;
      return problemAt(parsed, path, `"${key}" in ${where}: ${why}; write one of: ${allowed.join(', ')}`, key);
    }
    const close = allowed.map((a) => ({ a, score: diceCoefficient(a, key) })).sort((x, y) => y.score - x.score)[0];
    const hint =
      close && close.score >= 0.5 ? `; did you mean "${close.a}"?` : allowed.length > 0 ? `; remove it or use one of: ${allowed.join(', ')}` : '; remove it';
    return problemAt(parsed, path, `unknown field "${key}" in ${where}${hint}`, key);
  }
  if (issue.code === 'invalid_type' && valueAt(data, path) === undefined) {
    const parent = path.slice(0, -1);
    return problemAt(parsed, parent, `${describePath(parent) || 'the file'} is missing "${String(path[path.length - 1])}"; add it`);
  }
  if (issue.code === 'invalid_type') {
    const actual = valueAt(data, path);
    const was = Array.isArray(actual)
      ? 'a list'
      : actual === null
        ? 'empty'
        : typeof actual === 'object'
          ? 'a mapping'
          : `${typeof actual} ${JSON.stringify(actual)}`;
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

/** Turns the first `MAX_PROBLEMS_PER_FILE` findings into problems (locating each costs time) and counts the rest. */
function capped<T>(items: readonly T[], toProblem: (item: T) => KbProblem): KbProblem[] {
  const out: KbProblem[] = [];
  for (let i = 0; i < items.length && i < MAX_PROBLEMS_PER_FILE; i++) out.push(toProblem(items[i]));
  if (items.length > MAX_PROBLEMS_PER_FILE) out.push(moreProblems(toProblem(items[MAX_PROBLEMS_PER_FILE]), items.length - MAX_PROBLEMS_PER_FILE));
  return out;
}

const TOO_DEEP = 'lists or mappings are nested too deeply here; a Tanya file needs only a few levels (look for a long run of "[", "{" or "- ")';

/** Syntax errors, and deep nesting once: where a list or mapping first goes past `MAX_NESTING` (`deepAt`), else where the parser ran out of stack. */
function syntaxProblems(parsed: ParsedFile, deepAt: number | undefined): KbProblem[] {
  // The locating parser turns a stack overflow on deep nesting into one error per level: report it once.
  const isDeep = (message: string): boolean => message.includes('Maximum call stack size exceeded');
  const errors = parsed.ast().doc.errors;
  const problems = capped(
    errors.filter((err) => !isDeep(err.message)),
    (err) => ({
      file: parsed.file,
      ...position(parsed, err.pos[0]),
      message:
        err.code === 'MULTIPLE_DOCS'
          ? 'a second document starts here (after a "---" line); a Tanya file holds one: remove the "---" line or move what follows into its own file'
          : `YAML syntax error: ${err.message.split('\n')[0]}; check the indentation and quotes on this line`,
      severity: 'error' as const,
    }),
  );
  const deepest = deepAt ?? errors.reduce((min, err) => (isDeep(err.message) ? Math.min(min, err.pos[0]) : min), Number.POSITIVE_INFINITY);
  if (deepest !== Number.POSITIVE_INFINITY) problems.push({ file: parsed.file, ...position(parsed, deepest), message: TOO_DEEP, severity: 'error' });
  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Parses and validates one file; returns its content or the problems found, each located
 * (file:line:col) with the position-keeping `yaml` parser. Beyond the schema, a file is refused
 * for tags other than the YAML core ones, aliases that multiply its size or refer to themselves,
 * and text with NUL characters or lone surrogates.
 *
 * One parse serves both the content and the positions. `yaml` is the project's only YAML library
 * (it keeps positions and comments, which error messages and edits written back need); it is
 * about ten times slower than js-yaml was on a 10,000-entry catalogue (see CHANGELOG.md).
 */
export function parseYamlFile<T>(
  file: string,
  text: string,
  schema: z.ZodType<T>,
  allowedKeys: AllowedKeys,
  what = 'a knowledge file must be a mapping with keys such as "faq:" or "products:"',
): { parsed?: ParsedFile; data?: T; problems: KbProblem[] } {
  const parsed = parsedFile(file, text);
  const { doc } = parsed.ast();
  const deepAt = firstTooDeep(doc)?.range?.[0];
  if (doc.errors.length > 0 || deepAt !== undefined) return { problems: syntaxProblems(parsed, deepAt) };
  const tags = tagProblems(parsed);
  if (tags.length > 0) return { problems: capped(tags, (p) => p) };
  // Aliases stay shared objects (no expansion); the walk below measures them.
  const raw: unknown = plainValues(doc) ?? {};
  const hazards = valueHazards(raw, valueBudget(text));
  if (hazards.length > 0) return { problems: capped(hazards, (h) => hazardProblem(parsed, h)) };
  if (!isMapping(raw)) return { problems: [problemAt(parsed, [], what)] };
  const result = schema.safeParse(raw);
  if (!result.success) return { problems: capped(result.error.issues, (i) => issueToProblem(parsed, raw, i, allowedKeys)) };
  return { parsed, data: result.data, problems: [] };
}
