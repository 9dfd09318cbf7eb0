import { isAlias, type Alias, type Node, type Range } from 'yaml';
import type { KbProblem } from './errors';
import { nodesInOrder, position, problemAt, type ParsedFile, type Path } from './yaml-location';

/**
 * YAML features editors never need and attackers like: tags (`!!js/function`, `!foo`), aliases
 * that repeat a part of the file until it fills the memory (an "alias bomb"), and text that
 * cannot be sent to a customer (NUL characters, half of an emoji pair). All checks are loops,
 * not recursion, so a deeply nested or huge file cannot overflow the stack.
 */

/** Tags of the YAML 1.2 core schema, and "!" (which only makes a value text). */
const CORE_TAGS: ReadonlySet<string> = new Set(['!', ...['str', 'int', 'float', 'bool', 'null', 'seq', 'map'].map((t) => `tag:yaml.org,2002:${t}`)]);

/** Where the tag of a node starts (the node's range begins after it), and how it is written. */
function tagInSource(parsed: ParsedFile, node: Node): { offset: number; written: string } {
  const start = node.range?.[0] ?? 0;
  let at = parsed.text.lastIndexOf('!', start);
  // Back to the start of the tag: "!!js/function", "!e!foo", "!<tag:…>".
  while (at > 0 && /[^\s,[\]{}]/.test(parsed.text[at - 1])) at--;
  const written = at >= 0 ? /^![^\s,[\]{}]*/.exec(parsed.text.slice(at, at + 200))?.[0] : undefined;
  if (at < 0 || written === undefined) return { offset: start, written: (node.tag ?? '').replace(/^tag:yaml\.org,2002:/, '!!') };
  return { offset: at, written };
}

/** A problem for every tag outside the YAML core schema (the fast parser refuses them, the locating one only warns). */
export function tagProblems(parsed: ParsedFile): KbProblem[] {
  const problems: KbProblem[] = [];
  for (const node of nodesInOrder(parsed.ast().doc)) {
    if (node.tag === undefined || isAlias(node) || CORE_TAGS.has(node.tag)) continue;
    const { offset, written } = tagInSource(parsed, node);
    problems.push({
      file: parsed.file,
      ...position(parsed, offset),
      message: `unknown tag ${written}; remove it (tags starting with "!" are not used in Tanya files: write the value as plain text)`,
      severity: 'error',
    });
  }
  return problems;
}

/** A problem in the values of a file, found without the syntax tree. */
export type ValueHazard =
  | { readonly kind: 'expands' }
  | { readonly kind: 'cycle' }
  | { readonly kind: 'text'; readonly path: Path; readonly key?: string; readonly what: 'nul' | 'surrogate'; readonly where: string };

const NUL = '\u0000';
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function badText(s: string): 'nul' | 'surrogate' | undefined {
  if (s.includes(NUL)) return 'nul';
  return LONE_SURROGATE.test(s) ? 'surrogate' : undefined;
}

function describe(path: Path): string {
  return (
    path
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
      .join('')
      .replace(/^\./, '') || 'the file'
  );
}

/**
 * Walks the loaded values once, as a validator would. Aliases make parts of the value shared;
 * visiting more than `budget` values means the aliases multiply the file far beyond its size
 * (a file without aliases has fewer values than characters), and a value that contains itself
 * would never end. Also finds text with NUL characters or lone surrogates (from "\0" or
 * "\ud800" escapes), which no channel can send.
 */
export function valueHazards(data: unknown, budget: number): ValueHazard[] {
  const found: ValueHazard[] = [];
  const onPath = new Set<object>();
  // Paths are kept as links to the parent and spelled out only for a problem.
  type Step = { readonly key: string | number; readonly up: Step | undefined } | undefined;
  const pathOf = (step: Step): Path => {
    const path: (string | number)[] = [];
    for (let s = step; s; s = s.up) path.push(s.key);
    return path.reverse();
  };
  type Frame = { readonly value: unknown; readonly at: Step } | { readonly leave: object };
  const stack: Frame[] = [{ value: data, at: undefined }];
  let visited = 0;
  while (stack.length > 0) {
    const frame = stack.pop() as Frame;
    if ('leave' in frame) {
      onPath.delete(frame.leave);
      continue;
    }
    if (++visited > budget) return [{ kind: 'expands' }];
    const { value, at } = frame;
    if (typeof value === 'string') {
      const what = badText(value);
      if (what) found.push({ kind: 'text', path: pathOf(at), what, where: describe(pathOf(at)) });
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (onPath.has(value)) return [{ kind: 'cycle' }];
    onPath.add(value);
    stack.push({ leave: value });
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i] as unknown, at: { key: i, up: at } });
      continue;
    }
    const keys = Object.keys(value);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i];
      const what = badText(key);
      if (what) found.push({ kind: 'text', path: pathOf(at), key, what, where: `a field name in ${describe(pathOf(at))}` });
      stack.push({ value: (value as Record<string, unknown>)[key], at: { key, up: at } });
    }
  }
  return found;
}

/** How many values a file may expand to: more than any file without aliases can hold. */
export function valueBudget(text: string): number {
  return 4 * text.length + 1000;
}

/** Every alias in file order, with the node its anchor named at that point (an anchor may be redefined later). */
function aliasesWithTargets(parsed: ParsedFile): { alias: Alias; target?: Node }[] {
  const anchors = new Map<string, Node>();
  const aliases: { alias: Alias; target?: Node }[] = [];
  for (const node of nodesInOrder(parsed.ast().doc)) {
    if (isAlias(node)) aliases.push({ alias: node, target: anchors.get(node.source) });
    else if (node.anchor) anchors.set(node.anchor, node);
  }
  return aliases;
}

/** Index of the first value in sorted `values` that is at least `x`. */
function lowerBound(values: Float64Array, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function within(outer: Node | undefined, inner: Node): boolean {
  return !!outer?.range && !!inner.range && outer.range[0] <= inner.range[0] && inner.range[0] < outer.range[1];
}

/**
 * The first alias whose anchored value holds another alias (a bomb's multiplying step).
 * Counting the aliases inside a value by binary search over their sorted offsets keeps this
 * O(n log n): comparing every alias with every other froze `tanya check` and live reload on a
 * file with tens of thousands of aliases.
 */
function aliasHoldingAliases(aliases: readonly { alias: Alias; target?: Node }[]): { alias: Alias; target?: Node } | undefined {
  const starts = Float64Array.from(aliases.flatMap((a) => (a.alias.range ? [a.alias.range[0]] : []))).sort();
  // Many aliases share one anchor: count the aliases inside each anchored value once.
  const inside = new Map<Node, number>();
  const countInside = (target: Node, range: Range): number => {
    let n = inside.get(target);
    if (n === undefined) {
      n = lowerBound(starts, range[1]) - lowerBound(starts, range[0]);
      inside.set(target, n);
    }
    return n;
  };
  return aliases.find(({ alias, target }) => {
    if (!target?.range) return false;
    // The alias itself does not count when it sits inside its own anchor (a cycle).
    return countInside(target, target.range) - (within(target, alias) ? 1 : 0) > 0;
  });
}

/** The alias to blame: one used inside its own anchor, else one whose anchor holds more aliases, else the first. */
function blamedAlias(parsed: ParsedFile, cycle: boolean): { alias?: Alias; inside: boolean } {
  const aliases = aliasesWithTargets(parsed);
  if (cycle) {
    const self = aliases.find((a) => within(a.target, a.alias));
    if (self) return { alias: self.alias, inside: true };
  }
  const nested = aliasHoldingAliases(aliases);
  return { alias: (nested ?? aliases[0])?.alias, inside: false };
}

/** The located problem for a hazard found in the values. */
export function hazardProblem(parsed: ParsedFile, hazard: ValueHazard): KbProblem {
  switch (hazard.kind) {
    case 'expands':
    case 'cycle': {
      const { alias, inside } = blamedAlias(parsed, hazard.kind === 'cycle');
      const at = alias?.range ? position(parsed, alias.range[0]) : { line: 1, column: 1 };
      const name = alias ? `*${alias.source}` : 'an alias';
      const message = inside
        ? `${name} is used inside &${alias?.source ?? ''} itself, so the value would repeat forever; write the values out instead of using an alias`
        : hazard.kind === 'cycle'
          ? `the aliases here (${name}) make a value contain itself, so it would repeat forever; write the values out instead of using aliases`
          : `the aliases here (${name}) repeat parts of the file so often that it would grow far beyond its size (an "alias bomb"); write the values out instead of using aliases`;
      return { file: parsed.file, ...at, message, severity: 'error' };
    }
    case 'text': {
      const what =
        hazard.what === 'nul'
          ? 'a NUL character (written "\\0", "\\x00" or "\\u0000")'
          : 'half of a character pair (an escape such as "\\ud800" without its partner), which cannot be shown';
      const fix = hazard.what === 'nul' ? 'remove it' : 'write the character itself (e.g. 😀) instead of its \\u code';
      return problemAt(parsed, hazard.path, `${hazard.where} contains ${what}; ${fix}`, hazard.key);
    }
    default: {
      const exhaustive: never = hazard;
      return exhaustive;
    }
  }
}
