import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TurnResult } from '../../src/core/types';
import { Engine } from '../../src/engine/engine';
import { checkFlows } from '../../src/flows/loader';
import { writeMigration, type Migration } from '../../src/importers/migrate';
import { loadKnowledge } from '../../src/knowledge/loader';
import { checkKnowledge } from '../../src/knowledge/loader';
import { qualityWarnings } from '../../src/knowledge/quality';
import { SqliteStore } from '../../src/storage/sqlite-store';

const out = (): string => mkdtempSync(join(tmpdir(), 'tanya-write-'));

/** What every importer relies on: the writer turns a Migration into a knowledge base that loads and passes `tanya check`. */
describe('writing an import', () => {
  const migration: Migration = {
    entries: [
      {
        name: 'cek_ongkir',
        questions: [],
        questionsByLanguage: { id: ['berapa ongkir ke bandung', 'ongkos kirimnya berapa kak'], en: ['how much is shipping'] },
        answers: { id: 'Ongkir dihitung saat checkout, Kak.', en: 'Shipping is computed at checkout.' },
        suggestions: ['status_pesanan', 'Bisa COD?', 'no such thing'],
        from: { file: 'data/nlu.yml', line: 3 },
      },
      { name: 'status_pesanan', questions: ['pesanan saya sampai mana', 'Berapa ongkir ke Bandung?'], from: { file: 'data/nlu.yml', line: 9 } },
      { name: 'cod', questions: ['Bisa COD?'], answer: 'Bisa, Kak.' },
      { name: 'human_handoff', questions: ['mau bicara sama admin'], answer: 'Baik, kami sambungkan.', action: 'handoff' },
      { name: 'empty', questions: ['  '] },
    ],
    unsupported: ['data/nlu.yml:20: regex "order_id"'],
    notes: [{ place: { file: 'data/nlu.yml', line: 20 }, message: 'regex "order_id"' }],
    settings: {
      fallback: { id: 'Maaf, belum paham.', en: 'Sorry, I did not get that.' },
      greeting: { id: 'Halo!' },
      synonyms: { jakarta: ['jkt', 'Jakarta', 'dki'] },
      languages: ['id', 'en'],
    },
    flows: [
      {
        id: 'ongkir-lanjut',
        trigger: { entries: ['cek_ongkir', 'missing_intent'] },
        steps: [{ id: 'done', say: { id: 'Ada lagi?' } }],
      },
    ],
  };

  it('keeps languages, answers, links suggestions, hands off, carries settings and flows, and reports the rest with places', () => {
    const dir = out();
    const w = writeMigration(dir, migration, 'nlu.yml', 'rasa');
    const kb = loadKnowledge(dir);
    expect(kb.entries.map((e) => e.id)).toEqual(['cek-ongkir', 'status-pesanan', 'cod', 'human-handoff']);
    const ongkir = kb.entries[0];
    expect(ongkir.questions).toEqual({ id: ['berapa ongkir ke bandung', 'ongkos kirimnya berapa kak'], en: ['how much is shipping'] });
    expect(ongkir.answer).toEqual({ id: 'Ongkir dihitung saat checkout, Kak.', en: 'Shipping is computed at checkout.' });
    // By source name and by one of the target's questions; an unknown one is reported.
    expect(ongkir.suggest).toEqual(['status-pesanan', 'cod']);
    // The same question under two entries stays with the first (tanya check would refuse it twice).
    expect(kb.entries[1].questions.id).toEqual(['pesanan saya sampai mana']);
    expect(kb.entries[1].answer?.id).toMatch(/^TODO: tulis jawaban untuk "status_pesanan"/);
    expect(kb.entries[3]).toMatchObject({ action: 'handoff' });
    expect(kb.settings).toMatchObject({
      fallback: { id: 'Maaf, belum paham.', en: 'Sorry, I did not get that.' },
      greeting: { id: 'Halo!' },
      synonyms: { jakarta: ['jkt', 'dki'] },
      defaultLanguage: 'id',
      languages: ['id', 'en'],
    });
    expect(w).toMatchObject({ entries: 4, placeholders: 1, flows: 1 });

    const flows = checkFlows(join(dir, 'flows'), kb);
    expect(flows.problems).toEqual([]);
    expect(flows.flows[0].trigger.entries).toEqual(['cek-ongkir']);

    const report = readFileSync(w.report, 'utf8');
    expect(report).toContain('data/nlu.yml:9: entry "status-pesanan" ("status_pesanan")');
    expect(report).toContain('data/nlu.yml:3: suggestion "no such thing" of "cek_ongkir" matches no imported entry');
    expect(report).toContain('"Berapa ongkir ke Bandung?" of "status_pesanan" is also an example of entry "cek-ongkir"');
    expect(report).toContain('"empty": no questions');
    expect(report).toContain('flow "ongkir-lanjut": trigger "missing_intent" names no imported entry');
    expect(report.match(/regex "order_id"/g)).toHaveLength(1);

    const checked = checkKnowledge([dir]);
    expect(checked.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(qualityWarnings(kb).filter((p) => p.severity === 'error')).toEqual([]);
    expect(qualityWarnings(kb).some((p) => p.message.includes('entry "status-pesanan" has no answer yet'))).toBe(true);
  });

  it('never lets a value the other tool would fill in reach a customer: such answers become TODO, hashtags and money stay', () => {
    const dir = out();
    writeMigration(
      dir,
      {
        entries: [
          { name: 'jalur', questions: ['info jalur pendaftaran'], answer: 'Berikut informasi mengenai $JalurPendaftaran.' },
          { name: 'nama', questions: ['siapa nama saya'], answers: { en: 'Hi {customer_name}!' } },
          { name: 'promo', questions: ['ada promo apa'], answer: 'Ikuti #HarbolnasNusa, diskon sampai US$5.' },
          {
            name: 'snbp',
            questions: ['info jalur snbp'],
            answer: `Berikut adalah informasi mengenai $JalurPendaftaran: ${'pendaftaran dibuka bulan Januari. '.repeat(7)}`,
          },
          { name: 'lisensi', questions: ['lisensi data'], answer: 'Lihat https://wiki.example.org/wiki/Licence#What_is_the_license.2C_how_can_I_use_it.3F' },
          {
            name: 'lacak',
            questions: ['lacak pesanan'],
            answer: `Lacak di https://toko.example/track?id=$order_id ya. ${'Kurir mengantar setiap hari kerja. '.repeat(2)}`,
          },
        ],
        unsupported: [],
      },
      'agent',
      'dialogflow',
    );
    const kb = loadKnowledge(dir);
    // A long answer with one reference keeps its text, the reference taken out and reported; a link's anchor is no reference.
    expect(kb.entries[3].answer?.id).toMatch(/^pendaftaran dibuka bulan Januari\./);
    expect(readFileSync(join(dir, 'IMPORT-REPORT.md'), 'utf8')).toContain(
      'the sentence with $JalurPendaftaran (filled in by Dialogflow) taken out of its answer',
    );
    expect(kb.entries[4].answer?.id).toBe('Lihat https://wiki.example.org/wiki/Licence#What_is_the_license.2C_how_can_I_use_it.3F');
    // A "$param" in a link is still one: its sentence is taken out, the rest kept.
    expect(kb.entries[5].answer?.id).toBe('Kurir mengantar setiap hari kerja. Kurir mengantar setiap hari kerja.');
    expect(kb.entries[0].answer?.id).toMatch(/^TODO: \$JalurPendaftaran is filled in by Dialogflow, not by Tanya; rewrite this answer: Berikut/);
    expect(kb.entries[1].answer?.en).toMatch(/^TODO: \{customer_name\} is filled in/);
    expect(kb.entries[2].answer?.id).toBe('Ikuti #HarbolnasNusa, diskon sampai US$5.');
    expect(
      qualityWarnings(kb)
        .filter((w) => w.message.includes('has no answer yet'))
        .map((w) => w.message.slice(0, 14)),
    ).toEqual(['entry "jalur" ', 'entry "nama" h']);
  });

  it('files short questions the words cannot decide in the language most of the source is in', () => {
    const dir = out();
    writeMigration(
      dir,
      {
        entries: [
          { name: 'evening', questions: ['Good evening'], answer: 'Good evening to you too!' },
          { name: 'test', questions: ['Testing'], answer: 'I am here and working.' },
          { name: 'hours', questions: ['What time do you open on weekdays?'], answer: 'We open at nine in the morning every weekday.' },
          { name: 'thanks', questions: ['Thank you so much for the help'], answer: 'You are very welcome, glad to help.' },
        ],
        unsupported: [],
      },
      'chitchat.tsv',
      'qna',
    );
    const kb = loadKnowledge(dir);
    expect(kb.entries.map((e) => [e.questions.id.length, e.questions.en.length])).toEqual([
      [0, 1],
      [0, 1],
      [0, 1],
      [0, 1],
    ]);
    expect(kb.settings.languages).toEqual(['en']);
    expect(kb.entries[1].answer?.en).toBe('I am here and working.');
  });

  it('takes references out of flow texts (a flow cannot wait behind TODO) and says so', () => {
    const dir = out();
    const w = writeMigration(
      dir,
      {
        entries: [{ name: 'jalur', questions: ['info jalur pendaftaran'], answer: 'Pilih jalurnya ya.' }],
        unsupported: [],
        flows: [
          {
            id: 'jalur-lanjut',
            trigger: { entries: ['jalur'] },
            steps: [{ id: 'info', say: { id: 'Berikut informasi mengenai $JalurPendaftaran .\nAda lagi?' } }],
          },
        ],
      },
      'agent',
      'dialogflow',
    );
    const kb = loadKnowledge(dir);
    const flows = checkFlows(join(dir, 'flows'), kb);
    expect(flows.problems).toEqual([]);
    expect(JSON.stringify(flows.flows[0].steps)).toContain('Berikut informasi mengenai.\\nAda lagi?');
    expect(readFileSync(w.report, 'utf8')).toContain('flow "jalur-lanjut": $JalurPendaftaran (filled in by Dialogflow) taken out of');
  });

  it('declares the one language of a source that does not say its languages', () => {
    const id = out();
    writeMigration(
      id,
      { entries: [{ name: 'jam', questions: ['Kapan toko buka?', 'jam buka toko jam berapa'], answer: 'Toko buka pukul 08.00–21.00.' }], unsupported: [] },
      'faq.tsv',
      'qna',
    );
    const idKb = loadKnowledge(id);
    expect(idKb.settings.languages).toEqual(['id']);
    // No entry "lacks" an English answer in an Indonesian-only knowledge base.
    expect(qualityWarnings(idKb).map((w) => w.message)).not.toEqual(expect.arrayContaining([expect.stringMatching(/English answer/)]));
    const en = out();
    writeMigration(
      en,
      { entries: [{ name: 'hours', questions: ['When do you open?', 'What are your opening hours?'], answer: 'We open at 8.' }], unsupported: [] },
      'faq.tsv',
      'qna',
    );
    expect(loadKnowledge(en).settings).toMatchObject({ defaultLanguage: 'en', languages: ['en'] });
    expect(readFileSync(join(en, 'IMPORT-REPORT.md'), 'utf8')).toContain('settings.languages: en only');
  });

  it('fails, writing nothing, when no entry has questions (a bot that would hand every customer off)', () => {
    const dir = join(out(), 'kb');
    expect(() =>
      writeMigration(
        dir,
        { entries: [{ name: 'pelatihan', questions: [], answer: 'Jadwal di web.' }], unsupported: ['intents/pelatihan.json: started by an event only'] },
        'agent',
        'dialogflow',
      ),
    ).toThrow(/^agent: nothing to import: no intent has example questions a customer could type\n {2}- intents\/pelatihan\.json: started by an event only/);
    expect(existsSync(dir)).toBe(false);
  });

  it('keeps accented letters in entry ids, without their accents', () => {
    const dir = out();
    writeMigration(
      dir,
      { entries: [{ name: 'Área parkir', questions: ['¿Dónde está el área de parqueo?'], answer: 'Sótano.' }], unsupported: [] },
      'faq.csv',
      'csv',
    );
    expect(loadKnowledge(dir).entries.map((e) => e.id)).toEqual(['area-parkir']);
  });

  it('turns HTML answers into plain text and says so', () => {
    const dir = out();
    const answer =
      'Kafe buka <strong>08.00&ndash;21.00</strong><br>Lihat <a href="https://contoh.id/jadwal">jadwal</a> &amp; menu.<ul><li>Senin</li><li>Selasa</li></ul>';
    writeMigration(dir, { entries: [{ name: 'jam', questions: ['Jam buka kafe?'], answer }], unsupported: [] }, 'faq.csv', 'csv');
    expect(loadKnowledge(dir).entries[0].answer?.id).toBe('Kafe buka 08.00–21.00\nLihat jadwal (https://contoh.id/jadwal) & menu.\n- Senin\n- Selasa');
    expect(readFileSync(join(dir, 'IMPORT-REPORT.md'), 'utf8')).toContain('1 answer in HTML');
    // A lone "<" is no markup.
    writeMigration(out(), { entries: [{ name: 'x', questions: ['a < b?'], answer: 'Ya, a < b.' }], unsupported: [] }, 'faq.csv', 'csv');
  });

  it("labels an entry a button leads to with the button's words, not with an intent name", () => {
    const dir = out();
    writeMigration(
      dir,
      {
        entries: [
          { name: 'Menu', questions: ['menu'], answer: 'Silakan pilih:', suggestions: ['Pengiriman', 'ask_payment'] },
          { name: 'Pengiriman', questions: ['berapa ongkir ke bandung'], answer: 'JNE dan J&T.' },
          { name: 'ask_payment', questions: ['bisa bayar cod'], answer: 'Bisa.' },
        ],
        unsupported: [],
      },
      'agent',
      'dialogflow',
    );
    const titles = Object.fromEntries(loadKnowledge(dir).entries.map((e) => [e.id, e.title?.id]));
    expect(titles).toEqual({ menu: undefined, pengiriman: 'Pengiriman', 'ask-payment': undefined });
  });

  it('writes no flows folder when there are none', () => {
    const dir = out();
    writeMigration(dir, { entries: [{ name: 'x', questions: ['apa itu x'], answer: 'X.' }], unsupported: [] }, 'faq.csv', 'csv');
    expect(existsSync(join(dir, 'flows'))).toBe(false);
    expect(loadKnowledge(dir).entries).toHaveLength(1);
  });
});

describe('complaint words that are the subject of an imported bot', () => {
  // A public hotline: reporting to the police is what customers ask about, not a threat to a shop.
  const hotline: Migration = {
    entries: [
      { name: 'polisi_garut', questions: ['nomor polisi garut', 'mau lapor polisi di garut', 'kantor polisi garut dimana'], answer: 'Polres Garut: 110.' },
      { name: 'ambulans', questions: ['nomor ambulans', 'ambulans gratis ada?', 'panggil ambulans'], answer: 'Ambulans: 119.' },
    ],
    unsupported: [],
  };

  it('are left out of the written complaint words, with a note, and such questions are answered', async () => {
    const dir = out();
    writeMigration(dir, hotline, 'faq.csv', 'csv');
    const kb = loadKnowledge(dir);
    expect(kb.settings.handoff.complaintWords).not.toContain('lapor polisi');
    expect(kb.settings.handoff.complaintWords).toContain('kecewa');
    expect(readFileSync(join(dir, 'IMPORT-REPORT.md'), 'utf8')).toMatch(/complaintWords: .*"lapor polisi".* left out/);
    const store = new SqliteStore(':memory:');
    const engine = new Engine(kb, store);
    const turn = (text: string): Promise<TurnResult> =>
      engine.handle({ channel: 'test', conversationId: text, userId: 'u', messageId: text, text, receivedAt: new Date('2026-11-23T03:00:00Z') });
    expect((await turn('lapor polisi di garut nomornya apa')).decision).toMatchObject({ type: 'answer', entryId: 'polisi-garut' });
    expect((await turn('kecewa banget sama pelayanannya')).decision).toMatchObject({ type: 'handoff', reason: 'complaint' });
    await store.close();
  });

  it('leave too when each word is used by some question, apart', () => {
    const dir = out();
    const apart: Migration = {
      entries: [
        { name: 'polisi', questions: ['nomor polisi garut', 'kantor polisi dimana'], answer: '110.' },
        { name: 'aduan', questions: ['cara lapor jalan rusak', 'lapor lampu mati'], answer: 'Lewat aplikasi.' },
      ],
      unsupported: [],
    };
    writeMigration(dir, apart, 'faq.csv', 'csv');
    const words = loadKnowledge(dir).settings.handoff.complaintWords;
    expect(words).not.toContain('lapor polisi');
    expect(words).not.toContain('mau lapor');
    // A word none of its questions use stays a complaint.
    expect(words).toContain('kecewa');
  });

  it('stay as they are for a bot whose questions do not use them', () => {
    const dir = out();
    writeMigration(dir, { entries: [{ name: 'ongkir', questions: ['berapa ongkir'], answer: 'Rp10.000.' }], unsupported: [] }, 'faq.csv', 'csv');
    expect(loadKnowledge(dir).settings.handoff.complaintWords).toContain('lapor polisi');
  });
});
