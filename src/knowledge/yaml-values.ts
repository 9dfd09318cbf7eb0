import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node } from 'yaml';

/** Deeper than this, lists and mappings are refused: a Tanya file needs a few levels. */
export const MAX_NESTING = 100;

/** The first list or mapping nested deeper than `MAX_NESTING` (the document's root is level 1), in file order. */
export function firstTooDeep(doc: Document.Parsed): Node | undefined {
  // A loop, not recursion: the point is to survive files nested thousands deep.
  const stack: { item: unknown; depth: number }[] = [{ item: doc.contents, depth: 1 }];
  while (stack.length > 0) {
    const top = stack.pop();
    if (!top) break;
    const { item, depth } = top;
    if (isPair(item)) {
      stack.push({ item: item.value, depth }, { item: item.key, depth });
      continue;
    }
    if (!isMap(item) && !isSeq(item)) continue;
    if (depth > MAX_NESTING) return item;
    for (let i = item.items.length - 1; i >= 0; i--) stack.push({ item: item.items[i], depth: depth + 1 });
  }
  return undefined;
}

/**
 * The document as plain values, an alias being the very object its anchor made (shared, never
 * copied: `valueHazards` measures what sharing would expand to). Written here because the `yaml`
 * library's own `toJS` looks up each alias's anchor by walking the whole document, which is
 * quadratic: 60,000 aliases took minutes. Call only after `firstTooDeep` found nothing (it recurses).
 */
export function plainValues(doc: Document.Parsed): unknown {
  const anchors = new Map<string, Node>();
  const made = new Map<Node, unknown>();
  const put = (target: Record<string, unknown>, key: string, value: unknown): void => {
    // defineProperty: a key such as "__proto__" stays an ordinary key.
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  };
  const convert = (node: unknown): unknown => {
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      return target === undefined ? null : made.has(target) ? made.get(target) : convert(target);
    }
    if (isScalar(node)) {
      if (node.anchor) anchors.set(node.anchor, node);
      made.set(node, node.value);
      return node.value;
    }
    if (isSeq(node)) {
      const out: unknown[] = [];
      if (node.anchor) anchors.set(node.anchor, node);
      made.set(node, out);
      for (const item of node.items) out.push(convert(item));
      return out;
    }
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      if (node.anchor) anchors.set(node.anchor, node);
      made.set(node, out);
      for (const pair of node.items) {
        const key = convert(pair.key);
        put(out, key === null || typeof key !== 'object' ? String(key) : JSON.stringify(key), convert(pair.value));
      }
      return out;
    }
    return null;
  };
  return convert(doc.contents);
}
