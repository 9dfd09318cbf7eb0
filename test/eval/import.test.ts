import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importIntents, writeImportedKnowledge } from '../../src/eval/import-intents';
import { entryIdForLabel, readLabelledFile } from '../../src/eval/labelled-file';
import { loadKnowledge } from '../../src/knowledge/loader';

const fixture = (name: string): string => join('test', 'fixtures', 'labelled', name);

describe('tanya import intents', () => {
  it('reads JSON Lines: one entry per label, null rows and repeats skipped, languages sorted', () => {
    const result = importIntents(readLabelledFile(fixture('shop.jsonl')));
    expect(result.entries.map((e) => e.id)).toEqual(['shipping_cost', 'cod', 'warranty']);
    expect(result.skippedNull).toBe(1);
    expect(result.skippedDuplicate).toBe(1);
    const shipping = result.entries[0];
    expect(shipping.questions).toEqual({ id: ['Berapa ongkos kirim ke Medan?', 'Ongkir ke Bandung berapa ya?'], en: ['How much is shipping to Bali?'] });
    expect(result.entries[1].id).toBe('cod');
    expect(shipping.answer.id).toMatch(/^TODO: tulis jawaban/);
  });

  it('reads dataset CSVs as they are named (text,category), keeps a question under its first label only, and files short lines by the language of the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tanya-labelled-'));
    const file = join(dir, 'train.csv');
    writeFileSync(
      file,
      [
        'text,category',
        'How do I top up my card?,top_up',
        'Where is my new card arriving?,card_arrival',
        'How do I top up my card?,top_up_failed',
        'why did my top up fail,top_up_failed',
        'ok card?,card_arrival',
      ].join('\n'),
    );
    const result = importIntents(readLabelledFile(file));
    expect(result.entries.map((e) => e.id)).toEqual(['top_up', 'card_arrival', 'top_up_failed']);
    expect(result.entries[2].questions.en).toEqual(['why did my top up fail']);
    expect(result.skippedDuplicate).toBe(1);
    expect(result.emptyLabels).toEqual([]);
    // "ok card?" decides nothing by itself; the file is English, so it goes under en.
    expect(result.entries[1].questions).toEqual({ id: [], en: ['Where is my new card arriving?', 'ok card?'] });
    writeFileSync(file, 'sentence,foo\nhalo,x\n');
    expect(() => readLabelledFile(file)).toThrow(/train\.csv:1: the CSV needs a header row with a text column \(text, utterance.*found: sentence, foo/);
  });

  it('refuses a pipe or device instead of waiting on it forever', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tanya-labelled-'));
    const fifo = join(dir, 'cases.jsonl');
    if (spawnSync('mkfifo', [fifo]).status !== 0) return; // no mkfifo on this platform
    expect(() => readLabelledFile(fifo)).toThrow(/not an ordinary file/);
  });

  it('keeps the first N examples of each label with --per-intent', () => {
    const result = importIntents(readLabelledFile(fixture('shop.jsonl')), { perIntent: 1 });
    expect(result.entries.map((e) => [...e.questions.id, ...e.questions.en])).toEqual([
      ['Berapa ongkos kirim ke Medan?'],
      ['Bisa bayar di tempat?'],
      ['Garansi HP berapa lama?'],
    ]);
    expect(result.skippedOverLimit).toBe(6);
  });

  it('reads CSV exports with quoted commas and empty intents', () => {
    const rows = readLabelledFile(fixture('shop.csv'));
    expect(rows).toEqual([
      { text: 'Berapa ongkos kirim ke Medan?', intent: 'shipping_cost' },
      { text: 'Ongkir ke Bandung, berapa ya?', intent: 'shipping_cost' },
      { text: 'Bisa bayar di tempat?', intent: 'cod' },
      { text: 'Ada lowongan kerja?', intent: null },
      { text: 'Garansi HP berapa lama?', intent: 'warranty' },
    ]);
  });

  it('writes a knowledge folder the loader accepts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tanya-import-'));
    writeImportedKnowledge(dir, importIntents(readLabelledFile(fixture('shop.jsonl'))), 'shop.jsonl');
    const kb = loadKnowledge(dir);
    expect(kb.entries.map((e) => e.id)).toEqual(['shipping_cost', 'cod', 'warranty']);
  });

  it('leaves out a label whose every example is under an earlier label, says so, and the folder still loads', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tanya-import-'));
    const file = join(dir, 'rows.jsonl');
    writeFileSync(
      file,
      [
        { text: 'Berapa ongkos kirim ke Medan?', intent: 'shipping_cost' },
        { text: 'Bisa bayar di tempat?', intent: 'cod' },
        { text: 'berapa ongkos kirim ke medan', intent: 'shipping_fee' },
      ]
        .map((row) => JSON.stringify(row))
        .join('\n'),
    );
    const result = importIntents(readLabelledFile(file));
    expect(result.entries.map((e) => e.id)).toEqual(['shipping_cost', 'cod']);
    expect(result.emptyLabels).toEqual(['shipping_fee']);
    const out = join(dir, 'kb');
    const run = spawnSync(process.execPath, ['bin/tanya.js', 'import', 'intents', file, '--out', out], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('1 label(s) not imported: each of their examples is already under an earlier label (shipping_fee)');
    expect(loadKnowledge(out).entries).toHaveLength(2);
  });

  it('names entries after labels in the id format', () => {
    expect(entryIdForLabel('Card_Arrival')).toBe('card_arrival');
    expect(entryIdForLabel('AddToPlaylist')).toBe('addtoplaylist');
    expect(entryIdForLabel('  what is: this? ')).toBe('what-is-this');
  });

  it('names the line of a broken JSON line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tanya-import-'));
    const path = join(dir, 'bad.jsonl');
    writeFileSync(path, '{"text": "a", "intent": "x"}\n{"text": oops}\n');
    expect(() => readLabelledFile(path)).toThrow(`${path}:2: not valid JSON; write one {"text": "…", "intent": "…"} object per line`);
  });
});
