import { pickChoice } from '../../src/engine/choices';
import type { OfferedChoice } from '../../src/core/state';
import { Matcher } from '../../src/matching/matcher';
import { sampleShop } from '../support/sample-shop';

const matcher = new Matcher(sampleShop());
const product = (id: string, label: string): OfferedChoice => ({ kind: 'product', id, label, value: label });
const entry = (id: string, label: string, suggested?: true): OfferedChoice => ({ kind: 'entry', id, label, value: label, ...(suggested ? { suggested } : {}) });
const picked = (choices: readonly OfferedChoice[], text: string): string | undefined => pickChoice(choices, text, matcher)?.id;

describe('picking an offered option', () => {
  const earbuds = [product('airpods-pro-2', 'AirPods Pro 2'), product('galaxy-buds-fe', 'Galaxy Buds FE')];
  const asked = [entry('product-price', 'Harga produk'), entry('installment', 'Cicilan')];

  it('takes its number or place, in words too, when the bot asked which one', () => {
    for (const text of ['2', 'nomor 2', 'No. 2', 'pilihan 2', 'opsi 2 aja kak', 'yg ke-2', '# 2', 'yang kedua', 'pilihan kedua', 'the second one']) {
      expect(picked(asked, text)).toBe('installment');
    }
    expect(picked(asked, 'yang pertama aja')).toBe('product-price');
    expect(picked(asked, 'nomor 3')).toBeUndefined();
  });

  it('reads "yg 2" as a name where an option is named with it', () => {
    expect(picked(earbuds, 'yg 2')).toBe('airpods-pro-2');
    expect(picked(earbuds, 'nomor 2')).toBe('galaxy-buds-fe');
  });

  it('takes suggestions after an answer by their number only: "yang kedua" there means something the answer named', () => {
    const suggested = [entry('installment', 'Cicilan', true), entry('warranty', 'Garansi', true)];
    expect(picked(suggested, '2')).toBe('warranty');
    expect(picked(suggested, 'yang kedua aja')).toBeUndefined();
    expect(picked(suggested, 'nomor 2')).toBeUndefined();
  });
});
