import { productSchema, type Product } from '../../src/knowledge/schema';
import { CatalogEntities, PLACEHOLDER } from '../../src/matching/catalog-entities';
import { Normalizer } from '../../src/matching/normalize';

/**
 * Further products in one message are found in a single pass per name length: a message that
 * repeats a name hundreds of times must give the same answer as before (the product once, every
 * mention masked), and comparisons of a few products must still name them in the order written.
 */

function product(id: string, name: string, aliases: string[], brand?: string): Product {
  return productSchema.parse({
    id,
    name,
    ...(brand ? { brand } : {}),
    aliases,
    category: 'test',
    description: { id: name, en: name },
    variants: [{ id: `${id}-1`, name: 'Standar', price: 1_000_000, stock: {} }],
  });
}

const products = [
  product('buds-fe', 'Samsung Galaxy Buds FE', ['buds fe', 'galaxy buds', 'galaxy buds fe']),
  product('galaxy-a55', 'Galaxy A55', ['a55'], 'Samsung'),
  product('galaxy-a35', 'Galaxy A35', ['a35'], 'Samsung'),
  product('macbook-air-m2', 'MacBook Air M2', ['mba m2'], 'Apple'),
  product('thinkpad-e14', 'ThinkPad E14', ['thinkpad'], 'Lenovo'),
];
const normalizer = new Normalizer();
const catalog = new CatalogEntities(normalizer, products, []);
const match = (text: string) => catalog.match(normalizer.tokens(text));
const ids = (list: readonly Product[]): string[] => list.map((p) => p.id);

describe('products named several times in one message', () => {
  it('recognises a name repeated 250 times once, and masks every mention', () => {
    const m = match(Array(250).fill('budsfe').join(' '));
    expect(m.product?.id).toBe('buds-fe');
    expect(ids(m.products)).toEqual(['buds-fe']);
    expect(m.masked).toHaveLength(250);
    expect(m.masked.every((t) => t.text === PLACEHOLDER.product)).toBe(true);
  });

  it('recognises a repeated name with a typo and a repeated multi-word name the same way', () => {
    expect(ids(match(Array(250).fill('budsfw').join(' ')).products)).toEqual(['buds-fe']);
    // 80 × 3 words: within the words a message is cut to.
    const m = match(Array(80).fill('galaxy buds fe').join(' '));
    expect(ids(m.products)).toEqual(['buds-fe']);
    expect(m.masked.map((t) => t.text)).toEqual(Array(80).fill(PLACEHOLDER.product));
  });

  it('names at most three products, in the order written, however often they repeat', () => {
    const m = match(Array(500).fill('a55 vs a35 vs thinkpad vs mba m2').join(' '));
    expect(ids(m.products)).toEqual(['galaxy-a55', 'galaxy-a35', 'thinkpad-e14']);
  });

  it('still finds the longest name first in an ordinary comparison', () => {
    const m = match('harga macbook air m2 sama thinkpad e14 sama buds fe');
    expect(m.product?.id).toBe('macbook-air-m2');
    expect(ids(m.products)).toEqual(['macbook-air-m2', 'thinkpad-e14', 'buds-fe']);
    expect(m.masked.map((t) => t.text)).toEqual(['harga', PLACEHOLDER.product, 'sama', PLACEHOLDER.product, 'sama', PLACEHOLDER.product]);
  });

  it('keeps one product per mention when one name is inside a longer one ("galaxy buds" in "galaxy buds fe")', () => {
    const m = match('galaxy buds fe atau a55 atau galaxy buds');
    expect(ids(m.products)).toEqual(['buds-fe', 'galaxy-a55']);
    expect(m.masked.map((t) => t.text)).toEqual([PLACEHOLDER.product, 'atau', PLACEHOLDER.product, 'atau', PLACEHOLDER.product]);
  });
});
