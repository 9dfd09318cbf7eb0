import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, YAMLParseError, type Document, type Node } from 'yaml';
import type { KbProblem } from './errors';

/** Pointing at a place in an editor's YAML file: file:line:col for any value, key or offset. */

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
        // The parser's own duplicate-key check compares each key with every earlier one (40,000
        // keys took 13 s): it is off here and done in one pass by `addStructureErrors`.
        const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
        addStructureErrors(doc, text);
        ast = { doc, lines };
      }
      return ast;
    },
  };
}

/** Every node of the document in file order, keys included (a loop, so deep nesting cannot overflow the stack). */
export function nodesInOrder(doc: Document.Parsed): Node[] {
  const out: Node[] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const item = stack.pop();
    if (isPair(item)) {
      stack.push(item.value, item.key);
      continue;
    }
    if (!isScalar(item) && !isMap(item) && !isSeq(item) && !isAlias(item)) continue;
    out.push(item);
    if (isMap(item) || isSeq(item)) for (let i = item.items.length - 1; i >= 0; i--) stack.push(item.items[i]);
  }
  return out;
}

/** An error as the parser reports it: at one offset. */
function errorAt(offset: number, code: 'DUPLICATE_KEY' | 'BAD_ALIAS', message: string): YAMLParseError {
  return new YAMLParseError([offset, offset + 1], code, message);
}

/** Where a key starts; an empty key (": x") is shown at its ":", as the parser does. */
function keyOffset(key: Node, text: string): number {
  const [start, end] = key.range ?? [0, 0];
  if (start !== end) return start;
  let at = start;
  while (text[at] === ' ' || text[at] === '\t') at++;
  return at;
}

/**
 * A key written twice in one mapping, as the parser's `uniqueKeys` option finds it: scalar keys
 * with the same value (`1` and `1.0` are the same, `1` and `"1"` are not; NaN never equals
 * itself). A set per mapping keeps it linear.
 */
function duplicateKeyErrors(nodes: readonly Node[], text: string): YAMLParseError[] {
  const errors: YAMLParseError[] = [];
  for (const node of nodes) {
    if (!isMap(node) || node.items.length < 2) continue;
    const seen = new Set<unknown>();
    for (const { key } of node.items) {
      if (!isScalar(key) || Number.isNaN(key.value)) continue;
      if (seen.has(key.value)) errors.push(errorAt(keyOffset(key, text), 'DUPLICATE_KEY', 'Map keys must be unique'));
      else seen.add(key.value);
    }
  }
  return errors;
}

/**
 * Aliases with no anchor of that name before them. The parser finds these only when it builds
 * the values, looking each alias up from the start of the file (minutes for a file of many
 * aliases); reported here, the file is refused as a syntax error before that.
 */
function unresolvedAliasErrors(nodes: readonly Node[]): YAMLParseError[] {
  const errors: YAMLParseError[] = [];
  const anchors = new Set<string>();
  for (const node of nodes) {
    if (isAlias(node)) {
      if (!anchors.has(node.source)) {
        errors.push(errorAt(node.range?.[0] ?? 0, 'BAD_ALIAS', `*${node.source} is used before any &${node.source} defines it`));
      }
    } else if (node.anchor) anchors.add(node.anchor);
  }
  return errors;
}

/**
 * Adds the checks above to the parser's errors, each in its place in file order (the first
 * errors are the ones shown). Missing anchors are only looked for in a file without other
 * errors: a broken file is never turned into values, and its anchors may be in the broken part.
 */
function addStructureErrors(doc: Document.Parsed, text: string): void {
  const nodes = nodesInOrder(doc);
  const unresolved = doc.errors.length === 0 ? unresolvedAliasErrors(nodes) : [];
  const added = [...duplicateKeyErrors(nodes, text), ...unresolved].sort((a, b) => a.pos[0] - b.pos[0]);
  if (added.length === 0) return;
  const merged: typeof doc.errors = [];
  let next = 0;
  for (const error of doc.errors) {
    while (next < added.length && added[next].pos[0] <= error.pos[0]) merged.push(added[next++]);
    merged.push(error);
  }
  while (next < added.length) merged.push(added[next++]);
  doc.errors = merged;
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
