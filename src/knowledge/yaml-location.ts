import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
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
