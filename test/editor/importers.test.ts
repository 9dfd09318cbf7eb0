import AdmZip from 'adm-zip';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDialogflow, readQnaTsv, readRasa, readSpreadsheet } from '../../src/importers/formats';
import { writeMigration } from '../../src/importers/migrate';
import { loadKnowledge } from '../../src/knowledge/loader';

const fixture = (...p: string[]): string => join('test', 'fixtures', 'import', ...p);
const out = (): string => mkdtempSync(join(tmpdir(), 'tanya-import-'));

describe('importers from other tools', () => {
  it('a spreadsheet: rows with one answer become one entry; multi-line question cells split; extra columns listed', () => {
    const m = readSpreadsheet(fixture('faq.csv'));
    expect(m.entries.map((e) => e.questions)).toEqual([
      ['Apakah bisa COD?', 'bisa bayar di tempat?'],
      ['Berapa lama pengiriman?', 'Kapan barang sampai?'],
      ['How long is the warranty?'],
    ]);
    expect(m.entries[0]).toMatchObject({ answer: 'Bisa, COD tersedia untuk Jabodetabek.', category: 'pembayaran' });
    expect(m.unsupported).toEqual(['column "catatan" (kept nowhere)']);
    const dir = out();
    writeMigration(dir, m, 'faq.csv', 'csv');
    const kb = loadKnowledge(dir);
    expect(kb.entries.find((e) => e.id === 'how-long-is-the-warranty')).toMatchObject({
      questions: { id: [], en: ['How long is the warranty?'] },
      answer: { id: 'The warranty is one year.', en: 'The warranty is one year.' },
    });
  });

  it('a QnA Maker TSV: questions grouped by QnA pair; prompts and context-only pairs listed', () => {
    const m = readQnaTsv(fixture('qna.tsv'));
    expect(m.entries.map((e) => [e.name, e.questions.length])).toEqual([
      ['toko', 2],
      ['retur', 1],
      ['Siapa yang bayar ongkir retur?', 1],
    ]);
    expect(m.unsupported).toEqual([
      'follow-up prompts of "Cara retur barang?" (multi-turn; write a flow or "suggest:" instead)',
      'context-only pair "Siapa yang bayar ongkir retur?" (imported as a normal entry)',
    ]);
    const dir = out();
    writeMigration(dir, m, 'qna.tsv', 'qna');
    expect(loadKnowledge(dir).entries.map((e) => e.id)).toEqual(['toko', 'retur', 'siapa-yang-bayar-ongkir-retur']);
  });

  it('a Rasa nlu.yml with domain.yml: intents, utter_ responses, annotations stripped; synonyms, regexes and buttons listed', () => {
    const m = readRasa(fixture('rasa', 'nlu.yml'));
    expect(m.entries.find((e) => e.name === 'ask_store_hours')).toEqual({
      name: 'ask_store_hours',
      questions: ['jam buka toko Jakarta?', 'toko buka jam berapa', 'kapan toko tutup'],
      answer: 'Toko buka setiap hari 09.00–21.00 WIB.',
    });
    expect(m.entries.find((e) => e.name === 'ask_refund')?.answer).toBeUndefined();
    expect(m.unsupported).toEqual(
      expect.arrayContaining([
        'synonym "jakarta" (add it under settings.synonyms)',
        'regex "order_id"',
        'buttons/images/custom payloads of utter_ask_store_hours (only the text is kept)',
        'intent "ask_refund" has no utter_ask_refund text response (placeholder answer)',
      ]),
    );
    const dir = out();
    writeMigration(dir, m, 'nlu.yml', 'rasa');
    expect(loadKnowledge(dir).entries).toHaveLength(3);
  });

  it('a Dialogflow ES export, as a folder and as a zip: phrases joined across entity parts, text responses kept, the rest listed', () => {
    const folder = readDialogflow(fixture('dialogflow'));
    expect(folder.entries).toEqual([
      { name: 'Cek Ongkir', questions: ['berapa ongkir ke bandung', 'ongkos kirimnya berapa kak'], answer: 'Ongkir dihitung otomatis saat checkout, Kak.' },
      { name: 'Status Pesanan', questions: ['pesanan saya sampai mana', 'cek status order'], answer: 'Boleh minta nomor pesanannya?' },
    ]);
    expect(folder.unsupported).toEqual([
      'entities (use products/stores in the catalogue, or synonyms)',
      'non-text responses of intent "Cek Ongkir" (cards, quick replies, payloads)',
      'contexts of intent "Status Pesanan" (write a flow for multi-turn tasks)',
      'webhook fulfilment of intent "Status Pesanan" (use a flow\'s http action)',
    ]);
    const zip = new AdmZip();
    zip.addLocalFolder(fixture('dialogflow'), 'toko-demo');
    const zipPath = join(out(), 'agent.zip');
    zip.writeZip(zipPath);
    expect(readDialogflow(zipPath)).toEqual(folder);
    const dir = out();
    writeMigration(dir, folder, 'agent.zip', 'dialogflow');
    expect(loadKnowledge(dir).entries.map((e) => e.id)).toEqual(['cek-ongkir', 'status-pesanan']);
  });
});
