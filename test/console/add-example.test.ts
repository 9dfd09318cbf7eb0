import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { applyExample, planExample } from '../../src/console/add-example';
import { loadKnowledge } from '../../src/knowledge/loader';
import type { KnowledgeBase } from '../../src/knowledge/schema';

// "Add as example" on a copy of the sample knowledge base: the file keeps every byte but the new line.

let dir = '';
let kb: KnowledgeBase;
const faq = (): string => join(dir, 'faq.yaml');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tanya-example-'));
  cpSync(resolve('knowledge'), dir, { recursive: true });
  kb = loadKnowledge(dir);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The file's lines minus the ones at `added` (1-based). */
const without = (text: string, added: readonly number[]): string =>
  text
    .split('\n')
    .filter((_l, i) => !added.includes(i + 1))
    .join('\n');

describe('planExample / applyExample', () => {
  it('adds one line under the entry’s questions, indented like its siblings, leaving the rest byte for byte', () => {
    const before = readFileSync(faq(), 'utf8');
    const planned = planExample(kb, 'order-status', 'id', 'paket  ku nyangkut di gudang kurir');
    if (!planned.ok) throw new Error(planned.problem);
    const added = planned.plan.diff.filter((d) => d.kind === 'added');
    expect(added.map((d) => d.text)).toEqual(['        - paket ku nyangkut di gudang kurir']);
    expect(planned.plan.diff.filter((d) => d.kind === 'context').map((d) => d.text)).toEqual([
      '        - paketku posisinya di mana sekarang, tolong lacak dong kak',
      '        - cek resi pesanan yang udah dikirim gimana',
      '      en:',
      '        - Where is my order?',
    ]);
    expect(readFileSync(faq(), 'utf8')).toBe(before);
    const done = applyExample(kb, 'order-status', 'id', 'paket  ku nyangkut di gudang kurir', planned.plan.digest);
    expect(done.ok).toBe(true);
    const after = readFileSync(faq(), 'utf8');
    expect(
      without(
        after,
        added.map((d) => d.line),
      ),
    ).toBe(before);
    expect(loadKnowledge(dir).entries.find((e) => e.id === 'order-status')?.questions.id).toContain('paket ku nyangkut di gudang kurir');
  });

  it('quotes an example that plain YAML would read differently', () => {
    const planned = planExample(kb, 'order-status', 'en', 'order #123: where is it?');
    if (!planned.ok) throw new Error(planned.problem);
    expect(planned.plan.diff.find((d) => d.kind === 'added')?.text).toBe('        - "order #123: where is it?"');
    applyExample(kb, 'order-status', 'en', 'order #123: where is it?', planned.plan.digest);
    expect(loadKnowledge(dir).entries.find((e) => e.id === 'order-status')?.questions.en).toContain('order #123: where is it?');
  });

  it('drops control characters a customer typed (invisible on the page), so the file still loads', () => {
    const typed = 'paket\u001b[31m ku\u0000 nyangkut\u0007';
    const planned = planExample(kb, 'order-status', 'id', typed);
    if (!planned.ok) throw new Error(planned.problem);
    applyExample(kb, 'order-status', 'id', typed, planned.plan.digest);
    expect(loadKnowledge(dir).entries.find((e) => e.id === 'order-status')?.questions.id).toContain('paket [31m ku nyangkut');
  });

  it('starts a list for a language the entry has none in', () => {
    const text = readFileSync(faq(), 'utf8');
    const entry = kb.entries.find((e) => e.questions.en.length === 0 && kb.sources.get(e.id)?.file.endsWith('faq.yaml'));
    if (!entry) {
      // Every FAQ entry has English examples: make one without, as an editor may write it.
      writeFileSync(faq(), text.replace(/( {2}- id: cancel-order\n(?:.*\n)*?) {6}en:\n(?: {8}- .*\n)+/, '$1'));
      kb = loadKnowledge(dir);
    }
    const id = entry?.id ?? 'cancel-order';
    expect(kb.entries.find((e) => e.id === id)?.questions.en).toEqual([]);
    const planned = planExample(kb, id, 'en', 'please cancel what I ordered');
    if (!planned.ok) throw new Error(planned.problem);
    expect(planned.plan.diff.filter((d) => d.kind === 'added').map((d) => d.text)).toEqual(['      en:', '        - please cancel what I ordered']);
    applyExample(kb, id, 'en', 'please cancel what I ordered', planned.plan.digest);
    expect(loadKnowledge(dir).entries.find((e) => e.id === id)?.questions.en).toEqual(['please cancel what I ordered']);
  });

  it('refuses an example the entry has, an unknown entry, an empty text, and a file changed since the preview', () => {
    expect(planExample(kb, 'order-status', 'id', 'Resi tidak bisa dilacak')).toMatchObject({ ok: false, problem: 'exists' });
    expect(planExample(kb, 'no-such-entry', 'id', 'halo')).toEqual({ ok: false, problem: 'no-entry' });
    expect(planExample(kb, 'order-status', 'id', '   ')).toEqual({ ok: false, problem: 'empty' });
    const planned = planExample(kb, 'order-status', 'id', 'paket ku hilang');
    if (!planned.ok) throw new Error(planned.problem);
    writeFileSync(faq(), `${readFileSync(faq(), 'utf8')}\n# edited meanwhile\n`);
    expect(applyExample(kb, 'order-status', 'id', 'paket ku hilang', planned.plan.digest)).toMatchObject({ ok: false, problem: 'changed' });
  });
});
