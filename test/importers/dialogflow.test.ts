import AdmZip from 'adm-zip';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { checkFlows, type LoadedFlow } from '../../src/flows/loader';
import { advance, receive, reask, type FlowContext } from '../../src/flows/runtime';
import type { FlowState } from '../../src/core/state';
import { readDialogflowAgent, tanyaLanguage } from '../../src/importers/dialogflow';
import { isGenericFollowUp, isGenericReply } from '../../src/importers/dialogflow-followups';
import { writeMigration, type MigratedEntry, type Migration } from '../../src/importers/migrate';
import { formatProblem } from '../../src/knowledge/errors';
import { loadKnowledge } from '../../src/knowledge/loader';
import type { KnowledgeBase } from '../../src/knowledge/schema';

const fixture = (name: string): string => join('test', 'fixtures', 'import', `dialogflow-${name}`);
const temp = (): string => mkdtempSync(join(tmpdir(), 'tanya-dialogflow-'));

const entry = (m: Migration, name: string): MigratedEntry => {
  const found = m.entries.find((e) => e.name === name);
  if (!found) throw new Error(`no entry "${name}" among ${m.entries.map((e) => e.name).join(', ')}`);
  return found;
};
const messages = (m: Migration, file?: string): string[] => (m.notes ?? []).filter((n) => file === undefined || n.place?.file === file).map((n) => n.message);

/** Writes the import like `tanya import dialogflow`, then loads it as `tanya check` would. */
function written(m: Migration): { dir: string; kb: KnowledgeBase; flows: readonly LoadedFlow[] } {
  const dir = temp();
  writeMigration(dir, m, 'agent.zip', 'dialogflow');
  const kb = loadKnowledge(dir);
  const checked = checkFlows(join(dir, 'flows'), kb);
  expect(checked.problems.map(formatProblem)).toEqual([]);
  return { dir, kb, flows: checked.flows };
}

/** A customer going through a flow: each reply is what the bot says next. */
class FlowChat {
  private state: FlowState | undefined;
  private readonly ctx: FlowContext = { lang: 'id', now: new Date('2026-03-02T10:00:00Z'), timeZone: 'Asia/Jakarta', env: {} };

  constructor(private readonly flow: LoadedFlow) {}

  start(): string[] {
    const p = advance(this.flow, 0, {}, this.ctx);
    this.state = p.state;
    return p.replies.map((r) => (r.kind === 'choice' ? `${r.text} [${r.options.map((o) => o.label).join(' | ')}]` : r.text));
  }

  say(text: string): string[] {
    if (!this.state) throw new Error('the flow is over');
    const p = receive(this.flow, this.state, text, this.ctx);
    const progress = p === 'invalid' ? reask(this.flow, this.state, this.ctx) : p;
    this.state = progress.state;
    return progress.replies.map((r) => (r.kind === 'choice' ? `${r.text} [${r.options.map((o) => o.label).join(' | ')}]` : r.text));
  }

  get over(): boolean {
    return this.state === undefined;
  }
}

describe('Dialogflow ES import: an Indonesian agent (alita-kprt-flow, MIT)', () => {
  const m = readDialogflowAgent(fixture('alita'));

  it('files training phrases under the language their file names, joining entity-annotated parts', () => {
    expect(m.settings?.languages).toEqual(['id']);
    expect(entry(m, '_P2H Operator').questionsByLanguage).toEqual({ id: ['lapor P2H hari ini untuk unit', 'Lapor P2H hari ini untuk unit DT1705'] });
    expect(m.entries.every((e) => e.questions.length === 0 && e.questionsByLanguage?.en === undefined)).toBe(true);
    expect(entry(m, '_P2H Operator')).toMatchObject({
      answers: { id: 'Pelaporan P2H Operator saat ini dalam tahap developement . . .' },
      from: { file: 'intents/_P2H Operator.json' },
    });
  });

  it('fallback and welcome become settings (first variation kept, the others listed); the welcome is an entry too, having phrases', () => {
    expect(m.settings?.fallback).toEqual({ id: 'Maaf, saya tidak mengerti. Bisa diulangi?' });
    expect(m.settings?.greeting).toEqual({ id: 'Hai . . , ada yang bisa saya bantu' });
    expect(m.entries.map((e) => e.name)).toEqual([
      'Default Welcome Intent',
      '_P2H Operator',
      '_perkiraan cuaca',
      'smalltalk.agent.age',
      'smalltalk.agent.can_you_help',
    ]);
    expect(messages(m, 'intents/Default Fallback Intent.json')[0]).toMatch(
      /^"Default Fallback Intent" \(id\): Dialogflow picks one of 12 texts at random; the first is kept/,
    );
  });

  it('names the parameters an answer uses, leaves an intent without text as TODO, and keeps entity synonyms', () => {
    expect(messages(m, 'intents/_perkiraan cuaca.json')).toContain(
      '"_perkiraan cuaca" (id) uses parameters $lokasi, $date-time, which Dialogflow fills in; rewrite the answer without them',
    );
    expect(entry(m, 'smalltalk.agent.age').answers).toBeUndefined();
    expect(messages(m, 'intents/smalltalk.agent.age.json')).toContain('"smalltalk.agent.age" has no text response; its answer is left as TODO');
    expect(m.settings?.synonyms).toEqual({ '1': ['satu'], '2': ['dua'], rantau: ['tapin'], banjarmasin: ['banjarbaru'], 'kalimantan selatan': ['kal-sel'] });
  });

  it('writes a knowledge base tanya check accepts', () => {
    const { kb } = written(m);
    expect(kb.entries.find((e) => e.id === 'p2h-operator')).toMatchObject({
      questions: { id: ['lapor P2H hari ini untuk unit', 'Lapor P2H hari ini untuk unit DT1705'], en: [] },
    });
    expect(kb.settings.fallback).toEqual({ id: 'Maaf, saya tidak mengerti. Bisa diulangi?' });
    expect(kb.settings.synonyms.rantau).toEqual(['tapin']);
  });
});

describe('Dialogflow ES import: a two-language agent (id default, en and ms supported)', () => {
  const m = readDialogflowAgent(fixture('bilingual'));

  it('keeps questions and answers per language; other languages are a note', () => {
    expect(m.settings?.languages).toEqual(['id', 'en']);
    expect(entry(m, 'Transfer Bank')).toMatchObject({
      questionsByLanguage: { id: ['transfer bank', 'nomor rekening', 'bisa transfer?'], en: ['bank transfer', 'can I pay by bank transfer'] },
      answers: { id: 'Transfer ke BCA 123-456-7890 a.n. Toko Kita.', en: 'Transfer to BCA 123-456-7890 (Toko Kita).' },
    });
    expect(messages(m, 'agent.json')).toEqual([
      expect.stringMatching(/^language "ms" \(Malay\) is not imported: Tanya reads Indonesian \(id\) and English \(en\), and questions and answers in German/),
    ]);
    expect(JSON.stringify(m)).not.toContain('Kedai dibuka');
  });

  it('joins the text blocks of a language with a blank line; of variations the first is kept and the rest listed', () => {
    expect(entry(m, 'Jam Buka').answers).toEqual({
      id: 'Toko buka Senin–Sabtu, 09.00–21.00 WIB.\n\nHari Minggu dan tanggal merah tutup.',
      en: 'We are open Monday to Saturday, 9am to 9pm (WIB).\n\nClosed on Sundays and public holidays.',
    });
    expect(messages(m, 'intents/Jam Buka.json')).toEqual([
      '"Jam Buka" (id): Dialogflow picks one of 2 texts at random; the first is kept, not the others: "Kami buka Senin sampai Sabtu, jam 9 pagi sampai 9 malam."',
    ]);
    expect(entry(m, 'Lokasi Toko').answers).toEqual({ id: 'Toko kami di Jl. Merdeka 10, Bandung.', en: 'Our shop is at Jl. Merdeka 10, Bandung.' });
  });

  it('quick replies, chips and buttons become suggestions, linked to the intent whose phrase they send', () => {
    expect(entry(m, 'Cara Bayar').suggestions).toEqual(['Transfer Bank', 'COD']);
    expect(entry(m, 'Lokasi Toko').suggestions).toEqual(['Jam Buka', 'Cara Bayar']);
    expect(entry(m, 'Menu Telegram')).toMatchObject({ answers: { id: 'Pilih menu di bawah ini:' }, suggestions: ['Jam Buka', 'Cara Bayar', 'Lokasi Toko'] });
    expect(messages(m, 'intents/Menu Telegram.json')).toEqual(
      expect.arrayContaining([
        '"Menu Telegram": link button "🌐 Website" (https://toko.example) not imported; put the link into the answer if it is needed',
        '"Menu Telegram": an image not imported (only text and buttons are)',
      ]),
    );
  });

  it('a card without a text message answers with its title and subtitle; link buttons and other payloads are notes', () => {
    expect(entry(m, 'Promo Kartu')).toMatchObject({
      answers: {
        id: 'Promo kartu kredit\nCicilan 0% 12 bulan untuk kartu BCA dan Mandiri.',
        en: 'Credit card promo\n0% instalments over 12 months with BCA and Mandiri cards.',
      },
      suggestions: ['Syarat promo'],
    });
    expect(messages(m, 'intents/Promo Kartu.json')).toContain(
      '"Promo Kartu": link button "Lihat katalog" (https://toko.example/katalog) not imported; put the link into the answer if it is needed',
    );
    expect(messages(m, 'intents/Kirim Katalog.json')).toContain('"Kirim Katalog": a custom payload (line) not imported (only text and buttons are)');
  });

  it('an answer that is only a parameter is no answer; webhook and slot filling are notes', () => {
    expect(entry(m, 'Status Pesanan').answers).toBeUndefined();
    expect(entry(m, 'Status Pesanan').questionsByLanguage?.id).toEqual(['cek pesanan INV-12345', 'status pesanan saya']);
    expect(messages(m, 'intents/Status Pesanan.json')).toEqual(
      expect.arrayContaining([
        '"Status Pesanan" (id) uses parameter $status, which Dialogflow fills in; the answer is nothing else, so it is left as TODO',
        '"Status Pesanan" uses webhook fulfilment; what the webhook answers is not imported (a flow\'s http action can call it)',
        '"Status Pesanan" asks for required parameters (order_id); slot filling is not imported: write a flow with "ask" steps',
      ]),
    );
  });

  it('a customer-service intent hands off; an input.unknown intent is the fallback; the welcome event intent is the greeting', () => {
    expect(entry(m, 'Bicara dengan CS').action).toBe('handoff');
    expect(m.entries.filter((e) => e.action === 'handoff').map((e) => e.name)).toEqual(['Bicara dengan CS']);
    expect(m.settings?.fallback).toEqual({ id: 'Maaf Kak, belum paham. Bisa diulang?', en: 'Sorry, I did not get that. Could you say it another way?' });
    expect(m.settings?.greeting).toEqual({ id: 'Halo Kak! Ada yang bisa kami bantu?', en: 'Hi! How can we help?' });
    expect(m.entries.map((e) => e.name)).not.toEqual(expect.arrayContaining(['Fallback', 'Default Welcome Intent']));
  });

  it('entity synonyms of both languages merge; regexp and composite entities and template phrases are notes', () => {
    expect(m.settings?.synonyms).toEqual({
      'bank transfer': ['wire transfer'],
      cod: ['cash on delivery', 'bayar di tempat'],
      'transfer bank': ['tf', 'transferan'],
    });
    expect(messages(m)).toEqual(
      expect.arrayContaining([
        'entity "nomor_pesanan" is a regexp entity; not imported (a flow\'s "pattern" question checks such input)',
        'entity "alamat" is a composite entity (made of other entities); not imported',
        '1 template phrase(s) with @entity:name placeholders not imported; write them as plain examples',
      ]),
    );
    expect(entry(m, 'Isi Pulsa').questionsByLanguage).toEqual({ id: ['mau isi pulsa'] });
  });

  it('writes both languages into the knowledge base, with suggestions linked to entry ids', () => {
    const { kb } = written(m);
    expect(kb.settings).toMatchObject({ defaultLanguage: 'id', languages: ['id', 'en'] });
    expect(kb.entries.find((e) => e.id === 'jam-buka')).toMatchObject({
      questions: { id: ['jam buka', 'tokonya buka jam berapa', 'hari minggu buka?'], en: ['opening hours', 'what time do you open', 'are you open on sunday'] },
      answer: { id: 'Toko buka Senin–Sabtu, 09.00–21.00 WIB.\n\nHari Minggu dan tanggal merah tutup.' },
    });
    expect(kb.entries.find((e) => e.id === 'cara-bayar')?.suggest).toEqual(['transfer-bank', 'cod']);
    expect(kb.entries.find((e) => e.id === 'bicara-dengan-cs')?.action).toBe('handoff');
  });
});

describe('Dialogflow ES import: generic follow-ups (yes/no) become flows', () => {
  const m = readDialogflowAgent(fixture('toko-followup'));

  it('generic follow-ups are not entries; their parents are', () => {
    expect(m.entries.map((e) => e.name)).toEqual(['Garansi', 'Pembayaran', 'Promo']);
    expect(m.flows?.map((f) => f.id)).toEqual(['garansi', 'pembayaran', 'promo']);
  });

  it('the flow asks the parent answer as a choice among the follow-ups, nested follow-ups nest, the fallback follow-up answers a reply that fits none', () => {
    const promo = m.flows?.find((f) => f.id === 'promo');
    expect(promo).toEqual({
      id: 'promo',
      title: { id: 'Promo' },
      trigger: { entries: ['Promo'] },
      steps: [
        {
          ask: { id: 'Bulan ini ada diskon 10% untuk semua casing HP. Mau kami kirimkan daftar produknya?' },
          slot: 'reply',
          type: 'choice',
          options: [
            { value: 'yes', label: { id: 'Ya' } },
            { value: 'no', label: { id: 'Tidak' } },
          ],
          invalid: { id: 'Maaf Kak, jawab *ya* atau *tidak* saja ya.' },
        },
        { if: { slot: 'reply', equals: 'yes' }, then: 'yes', else: 'no' },
        {
          id: 'yes',
          ask: { id: 'Siap Kak! Daftar produk promo ada di toko.example/promo.\n\nMau sekalian dibantu cek ongkirnya?' },
          slot: 'reply_yes',
          type: 'choice',
          options: [
            { value: 'yes', label: { id: 'Ya' } },
            { value: 'no', label: { id: 'Tidak' } },
          ],
        },
        { if: { slot: 'reply_yes', equals: 'yes' }, then: 'yes-yes', else: 'yes-no' },
        { id: 'yes-yes', say: { id: 'Silakan kirim nama kota tujuannya ya Kak.' }, action: 'end' },
        { id: 'yes-no', say: { id: 'Baik Kak, selamat berbelanja!' }, action: 'end' },
        { id: 'no', say: { id: 'Baik Kak. Kalau berubah pikiran, ketik *promo* saja ya.' }, action: 'end' },
      ],
    });
  });

  it('a parent with one follow-up gets a second option so there is a choice, with a note', () => {
    const garansi = m.flows?.find((f) => f.id === 'garansi');
    expect((garansi?.steps as { options?: unknown }[])[0].options).toEqual([
      { value: 'yes', label: { id: 'Ya' } },
      { value: 'no', label: { id: 'Tidak' } },
    ]);
    expect(messages(m, 'intents/Garansi.json')).toEqual([
      '"Garansi" has one follow-up ("Garansi - yes"); a choice needs two options, so the flow adds "Tidak", which ends the flow (add a "say" to it if it needs an answer)',
    ]);
  });

  it('the written flows pass the flow checker against the written knowledge base, and run as a conversation', () => {
    const { dir, kb, flows } = written(m);
    expect(parseYaml(readFileSync(join(dir, 'flows', 'imported.yaml'), 'utf8'))).toMatchObject({ flows: [{ trigger: { entries: ['garansi'] } }, {}, {}] });
    expect(kb.entries.map((e) => e.id)).toEqual(['garansi', 'pembayaran', 'promo']);
    const promo = flows.find((f) => f.id === 'promo');
    if (!promo) throw new Error('no promo flow');
    const chat = new FlowChat(promo);
    expect(chat.start()).toEqual(['Bulan ini ada diskon 10% untuk semua casing HP. Mau kami kirimkan daftar produknya? [Ya | Tidak]']);
    expect(chat.say('hmm gimana')).toEqual([
      'Maaf Kak, jawab *ya* atau *tidak* saja ya.',
      'Bulan ini ada diskon 10% untuk semua casing HP. Mau kami kirimkan daftar produknya? [Ya | Tidak]',
    ]);
    expect(chat.say('iya')).toEqual(['Siap Kak! Daftar produk promo ada di toko.example/promo.\n\nMau sekalian dibantu cek ongkirnya? [Ya | Tidak]']);
    expect(chat.say('tidak')).toEqual(['Baik Kak, selamat berbelanja!']);
    expect(chat.over).toBe(true);
  });

  it('reads the same from a zip as from the folder', () => {
    const zip = new AdmZip();
    zip.addLocalFolder(fixture('toko-followup'));
    const file = join(temp(), 'toko.zip');
    zip.writeZip(file);
    expect(readDialogflowAgent(file)).toEqual(m);
  });
});

describe('Dialogflow ES import: follow-ups with phrases of their own stay entries', () => {
  it('"Kota Bogor - Polisi" is an entry and a suggestion of "Kota Bogor" (payload options linked by phrase); no flow', () => {
    const m = readDialogflowAgent(fixture('hotline'));
    expect(entry(m, 'Kota Bogor - Polisi')).toMatchObject({
      questionsByLanguage: { id: ['kontak Polisi kota bogor', 'Polisi kota bogor', 'polisi'] },
      answers: { id: 'Hubungi Polisi di nomor 110.\n\nLayanan ini untuk keadaan darurat seperti kecelakaan, pencurian, atau tawuran.' },
    });
    expect(entry(m, 'Kota Bogor')).toMatchObject({
      answers: { id: 'Berikut kontak layanan darurat untuk Kota Bogor. Silakan pilih salah satu:' },
      suggestions: ['Kota Bogor - Ambulan', 'Kota Bogor - Pemadam Kebakaran', 'Kota Bogor - Polisi'],
    });
    expect(m.flows).toBeUndefined();
    expect(m.settings?.languages).toEqual(['id']);
    expect(messages(m)).toEqual(
      expect.arrayContaining([
        'no agent.json in the export: languages taken from the training phrase files (id)',
        '"Kota Bogor" only matches after context LayananKegawatdaruratan-followup in Dialogflow; in Tanya it can be asked at any time',
        'entity "Layanan" is a regexp entity; not imported (a flow\'s "pattern" question checks such input)',
      ]),
    );
    const { kb } = written(m);
    expect(kb.entries.find((e) => e.id === 'kota-bogor')?.suggest).toEqual(['kota-bogor-ambulan', 'kota-bogor-pemadam-kebakaran', 'kota-bogor-polisi']);
  });

  it('Google\'s bike shop sample (Apache-2.0): "Make Appointment - custom" is an entry offered after "Make Appointment"; chips are suggestions', () => {
    const m = readDialogflowAgent(fixture('bikeshop'));
    expect(m.settings?.languages).toEqual(['en']);
    expect(entry(m, 'Make Appointment - custom').questionsByLanguage).toEqual({ en: ['Can you service my bike?', 'I need a repair.'] });
    expect(entry(m, 'Make Appointment').suggestions).toEqual(['Make Appointment - custom']);
    expect(entry(m, 'Welcome Intent').suggestions).toEqual(['Hours', 'Location', 'Appointment']);
    expect(m.settings?.greeting).toEqual({ en: "Hi, welcome to Hogarth's bike shop.  How can I help you?" });
    expect(m.settings?.synonyms).toEqual({
      service: ['overhaul', 'maintenance', 'tune-up', 'tune up'],
      fix: ['repair', 'mend', 'broken', 'flat tire', 'fixed'],
    });
    expect(messages(m, 'intents/Make Appointment - custom.json')).toContain(
      '"Make Appointment - custom" (en) uses parameters $AppointmentType, #MakeAppointment-followup.date, #MakeAppointment-followup.time, which Dialogflow fills in; rewrite the answer without them',
    );
    expect(m.flows).toBeUndefined();
    const { kb } = written(m);
    expect(kb.entries.find((e) => e.id === 'make-appointment')?.suggest).toEqual(['make-appointment-custom']);
  });
});

describe('Dialogflow ES import: older exports, zips and platform-only agents', () => {
  it("Google's human-handoff sample (Apache-2.0), zipped inside a folder: inline phrases, an operator intent that hands off", () => {
    const zip = new AdmZip();
    zip.addLocalFolder(fixture('handoff'), 'HumanHandoffDemonstrationAgent');
    const file = join(temp(), 'handoff.zip');
    zip.writeZip(file);
    const progress: [number, number][] = [];
    const m = readDialogflowAgent(file, { onProgress: (done, total) => progress.push([done, total]) });
    expect(progress[progress.length - 1]).toEqual([5, 5]);
    expect(m.entries.map((e) => [e.name, e.action ?? 'answer'])).toEqual([
      ['Operator Request', 'handoff'],
      ["What's My Purpose?", 'answer'],
    ]);
    expect(entry(m, 'Operator Request').questionsByLanguage?.en).toContain('talk to a human');
    expect(entry(m, 'Operator Request').from).toEqual({ file: 'intents/Operator Request.json' });
    expect(m.settings?.fallback).toEqual({ en: 'You can ask me about my purpose, or ask to speak with a person. How can I help you?' });
    expect(messages(m, 'intents/Default Fallback Intent - fallback.json')).toEqual([
      'follow-up "Default Fallback Intent - fallback" not imported: it follows the fallback, and Tanya hands the chat to a person after settings.fallbacksBeforeHandoff (default 2) fallbacks in a row',
    ]);
  });

  it('an agent whose messages are all for Telegram: that text is used, and card buttons link to the intents they trigger', () => {
    const m = readDialogflowAgent(fixture('haji-menu'));
    expect(entry(m, 'Default Welcome Intent')).toMatchObject({
      answers: { id: 'Assalamualaikum, selamat datang di layanan informasi haji. Silakan pilih menu di bawah ini.' },
      suggestions: ['btn_daftar', 'btn_biaya'],
    });
    expect(entry(m, 'btn_daftar').suggestions).toEqual(['Default Welcome Intent']);
    expect(messages(m)).toEqual(
      expect.arrayContaining([
        'the text of 4 intent(s) comes from their telegram responses, as they have none for every platform: "Default Fallback Intent", "Default Welcome Intent", "btn_biaya", "btn_daftar"',
        '"Default Welcome Intent": link button "🗃 Cek Status" (https://haji.example/cek-status) not imported; put the link into the answer if it is needed',
      ]),
    );
  });
});

describe('Dialogflow ES import: button labels', () => {
  it('a button label becomes a question of the intent it starts, unless another intent has it or it leads to several', () => {
    const dir = temp();
    cpSync(fixture('haji-menu'), dir, { recursive: true });
    // Like many Telegram menus, btn_daftar is trained on its payload alone.
    const phrases = join(dir, 'intents', 'btn_daftar_usersays_id.json');
    writeFileSync(phrases, JSON.stringify([{ id: 'x', data: [{ text: 'btn_daftar', userDefined: false }], isTemplate: false, count: 0, lang: 'id' }]));
    const m = readDialogflowAgent(dir);
    expect(entry(m, 'btn_daftar').questionsByLanguage).toEqual({ id: ['btn_daftar', 'Daftar Haji'] });
    // "💵 Biaya Haji" is already a phrase of btn_biaya: not added twice.
    expect(entry(m, 'btn_biaya').questionsByLanguage?.id?.filter((q) => q.toLowerCase() === 'biaya haji')).toHaveLength(1);
  });
});

describe('Dialogflow ES import: errors say what is wrong and how to fix it', () => {
  it('no intents', () => {
    const dir = temp();
    writeFileSync(join(dir, 'agent.json'), '{"language": "id"}');
    expect(() => readDialogflowAgent(dir)).toThrow(
      `${dir}: no intents found (no intents/*.json); export the agent from the Dialogflow ES console: Settings → Export and Import → Export as ZIP, and name that zip or the folder it unpacks to.`,
    );
    // A Rasa project named by mistake: the message names the command that reads it.
    const rasa = temp();
    mkdirSync(join(rasa, 'data'));
    writeFileSync(join(rasa, 'domain.yml'), 'responses: {}\n');
    writeFileSync(join(rasa, 'data', 'nlu.yml'), 'nlu: []\n');
    expect(() => readDialogflowAgent(rasa)).toThrow(`This folder looks like a Rasa project (domain.yml, data/): run "tanya import rasa ${rasa} --out DIR".`);
  });

  it('a broken JSON file: an error with its line and column for agent.json; an intent or entity file is skipped with a note', () => {
    const dir = temp();
    cpSync(fixture('toko-followup'), dir, { recursive: true });
    writeFileSync(join(dir, 'intents', 'Promo.json'), '{\n  "id": "x",\n  "name": "Promo"\n  "auto": true\n}\n');
    writeFileSync(join(dir, 'intents', 'Empty.json'), '');
    const m = readDialogflowAgent(dir);
    // One broken file among many does not stop the import, and every one is listed at once.
    expect(m.entries.length).toBeGreaterThan(0);
    expect(messages(m, 'intents/Promo.json')).toEqual([expect.stringMatching(/^line 4: not valid JSON \(.*; skipped$/)]);
    expect(messages(m, 'intents/Empty.json')).toEqual([expect.stringMatching(/^line 1: not valid JSON \(the file is empty\).*; skipped$/)]);
    writeFileSync(join(dir, 'agent.json'), '{\n  "language": "id",\n');
    expect(() => readDialogflowAgent(dir)).toThrow(
      new RegExp(`^${join(dir, 'agent.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: not valid JSON \\(`),
    );
  });

  it('a Dialogflow CX export', () => {
    const dir = temp();
    mkdirSync(join(dir, 'flows', 'Default Start Flow', 'pages'), { recursive: true });
    mkdirSync(join(dir, 'intents', 'Default Welcome Intent', 'trainingPhrases'), { recursive: true });
    writeFileSync(join(dir, 'agent.json'), '{"displayName": "toko", "defaultLanguageCode": "id"}');
    writeFileSync(join(dir, 'flows', 'Default Start Flow', 'Default Start Flow.json'), '{}');
    writeFileSync(join(dir, 'flows', 'Default Start Flow', 'pages', 'Cek Pesanan.json'), '{}');
    writeFileSync(join(dir, 'intents', 'Default Welcome Intent', 'trainingPhrases', 'id.json'), '{}');
    expect(() => readDialogflowAgent(dir)).toThrow(
      /this is a Dialogflow CX agent \(it has flows\/, pages\/ or entityTypes\/\); only Dialogflow ES exports are supported/,
    );
  });

  it('an agent in languages Tanya does not read; with English among them, only English is read', () => {
    const agent = (language: string, supported: string[], phraseFile: string): string => {
      const dir = temp();
      mkdirSync(join(dir, 'intents'));
      writeFileSync(join(dir, 'agent.json'), JSON.stringify({ language, supportedLanguages: supported }));
      writeFileSync(
        join(dir, 'intents', 'Horario.json'),
        JSON.stringify({ id: 'h', name: 'Horario', responses: [{ messages: [{ type: 0, lang: 'en', speech: 'We open at 9.' }] }] }),
      );
      writeFileSync(join(dir, 'intents', `Horario_usersays_${phraseFile}.json`), JSON.stringify([{ data: [{ text: 'opening hours' }], isTemplate: false }]));
      return dir;
    };
    const ja = agent('ja', [], 'ja');
    expect(() => readDialogflowAgent(ja)).toThrow(
      `${join(ja, 'agent.json')}: the agent's languages (ja) are not ones Tanya reads; it reads Indonesian (id) and English (en)`,
    );
    const m = readDialogflowAgent(agent('ja', ['en-gb'], 'en-gb'));
    expect(m.settings?.languages).toEqual(['en']);
    expect(m.entries).toEqual([
      {
        name: 'Horario',
        questions: [],
        questionsByLanguage: { en: ['opening hours'] },
        answers: { en: 'We open at 9.' },
        from: { file: 'intents/Horario.json' },
      },
    ]);
    expect(messages(m, 'agent.json')).toEqual([
      expect.stringMatching(
        /^language "ja" \(Japanese\) is not imported: Tanya reads Indonesian \(id\) and English \(en\), and questions and answers in German \(de\), French \(fr\)/,
      ),
    ]);
  });

  it("an agent in English, German and French keeps every language: questions and answers under de: and fr:, English for Tanya's own sentences", () => {
    const dir = temp();
    mkdirSync(join(dir, 'intents'));
    writeFileSync(join(dir, 'agent.json'), JSON.stringify({ language: 'de', supportedLanguages: ['en', 'fr'] }));
    const speech = (lang: string, text: string): { type: number; lang: string; speech: string } => ({ type: 0, lang, speech: text });
    writeFileSync(
      join(dir, 'intents', 'Maske.json'),
      JSON.stringify({
        id: 'm',
        name: 'Maske',
        responses: [
          {
            messages: [
              speech('de', 'Nein, gesunde Personen brauchen keine Maske.'),
              speech('en', 'No, healthy people need no mask.'),
              speech('fr', 'Non, pas besoin de masque.'),
            ],
          },
        ],
      }),
    );
    const phrases = (texts: string[]): string => JSON.stringify(texts.map((text) => ({ data: [{ text }], isTemplate: false })));
    writeFileSync(join(dir, 'intents', 'Maske_usersays_de.json'), phrases(['Soll ich eine Maske tragen?']));
    writeFileSync(join(dir, 'intents', 'Maske_usersays_en.json'), phrases(['Should I wear a mask?']));
    writeFileSync(join(dir, 'intents', 'Maske_usersays_fr.json'), phrases(['Dois-je porter un masque ?']));
    const m = readDialogflowAgent(dir);
    expect(m.settings?.languages).toEqual(['de', 'en', 'fr']);
    expect(m.entries[0]).toMatchObject({
      questionsByLanguage: { de: ['Soll ich eine Maske tragen?'], en: ['Should I wear a mask?'], fr: ['Dois-je porter un masque ?'] },
      answers: { de: 'Nein, gesunde Personen brauchen keine Maske.', en: 'No, healthy people need no mask.', fr: 'Non, pas besoin de masque.' },
    });
    expect(messages(m, 'agent.json')).toEqual([]);
  });
});

describe('Dialogflow ES import: the generic-reply lexicon and language codes', () => {
  it.each([
    'oke lanjut',
    'kedengarannya bagus',
    'saya tidak keberatan',
    'tidak terima kasih',
    'saya nggak mau',
    'iyaaa',
    'no thanks',
    "I don't think so",
    'yes please',
    'tell me more',
    '2',
  ])('"%s" is a generic reply', (phrase) => {
    expect(isGenericReply(phrase)).toBe(true);
  });

  it.each(['kontak polisi kota bogor', 'ambulan', 'Can you service my bike?', 'cek ongkir ke bandung'])('"%s" is not', (phrase) => {
    expect(isGenericReply(phrase)).toBe(false);
  });

  it('a follow-up is generic when it has no phrases or at least half are generic replies', () => {
    expect(isGenericFollowUp([])).toBe(true);
    expect(isGenericFollowUp(['ya', 'boleh', 'mau dong', 'kirim ke alamat rumah'])).toBe(true);
    expect(isGenericFollowUp(['kontak polisi kota bogor', 'polisi', 'ya'])).toBe(false);
  });

  it('maps Dialogflow language codes to Tanya languages', () => {
    expect(['id', 'en', 'en-us', 'en-GB', 'ms', 'pt-br', 'de', 'fr-CA', 'nb', 'ja'].map(tanyaLanguage)).toEqual([
      'id',
      'en',
      'en',
      'en',
      undefined,
      'pt',
      'de',
      'fr',
      'no',
      undefined,
    ]);
  });
});

describe('Dialogflow ES import: agents as real people left them', () => {
  /** A minimal ES export in a temp folder: agent.json and intents with their phrase files. */
  function agent(
    language: string,
    intents: { name: string; id?: string; parentId?: string; phrases: string[]; text: string; webhook?: boolean; welcome?: boolean }[],
  ): string {
    const dir = temp();
    mkdirSync(join(dir, 'intents'));
    writeFileSync(join(dir, 'agent.json'), JSON.stringify({ language, supportedLanguages: [] }));
    for (const i of intents) {
      writeFileSync(
        join(dir, 'intents', `${i.name}.json`),
        JSON.stringify({
          name: i.name,
          ...(i.id ? { id: i.id } : {}),
          ...(i.parentId ? { parentId: i.parentId } : {}),
          webhookUsed: i.webhook === true,
          events: i.welcome ? [{ name: 'WELCOME' }] : [],
          responses: [{ messages: [{ type: '0', lang: language, speech: [i.text] }] }],
        }),
      );
      if (i.phrases.length > 0)
        writeFileSync(join(dir, 'intents', `${i.name}_usersays_${language}.json`), JSON.stringify(i.phrases.map((p) => ({ data: [{ text: p }] }))));
    }
    return dir;
  }

  it('never sends the text a webhook intent had for when its webhook fails, nor makes it the greeting', () => {
    const m = readDialogflowAgent(
      agent('en', [
        { name: 'Default Welcome Intent', phrases: ['hello there'], text: 'Webhook Failed', webhook: true, welcome: true },
        { name: 'Order status', phrases: ['where is my order', 'track my package'], text: 'Webhook Failed', webhook: true },
        { name: 'Opening hours', phrases: ['when are you open', 'opening hours please'], text: 'We are open 9 to 5.' },
      ]),
    );
    expect(m.settings?.greeting).toBeUndefined();
    expect(entry(m, 'Order status').answers?.en).toMatch(/^TODO: in Dialogflow the webhook wrote this answer/);
    expect(entry(m, 'Opening hours').answers?.en).toBe('We are open 9 to 5.');
    const { kb } = written(m);
    expect(kb.settings.greeting).toBeUndefined();
  });

  it('files an agent declared English but written in Indonesian as Indonesian, and says so', () => {
    const m = readDialogflowAgent(
      agent('en', [
        { name: 'Jam buka', phrases: ['jam berapa tokonya buka', 'kapan buka kak', 'hari minggu buka tidak'], text: 'Buka setiap hari jam 9 pagi.' },
        {
          name: 'Ongkir',
          phrases: ['berapa ongkos kirim ke bandung', 'ongkirnya berapa ya', 'biaya pengiriman ke medan'],
          text: 'Ongkir dihitung saat checkout.',
        },
      ]),
    );
    expect(m.settings?.languages).toEqual(['id']);
    expect(entry(m, 'Jam buka').questionsByLanguage).toEqual({ id: ['jam berapa tokonya buka', 'kapan buka kak', 'hari minggu buka tidak'] });
    expect(entry(m, 'Jam buka').answers).toEqual({ id: 'Buka setiap hari jam 9 pagi.' });
    expect(messages(m, 'agent.json').join(' ')).toMatch(/declared English, but \d+ of \d+ training phrases are clearly Indonesian/);
  });

  it('makes a menu item that fires an event the question of the intent the event starts (agents built as menus)', () => {
    const dir = temp();
    mkdirSync(join(dir, 'intents'));
    writeFileSync(join(dir, 'agent.json'), JSON.stringify({ language: 'id', supportedLanguages: [] }));
    const item = (label: Record<string, string>, event: string): object => ({
      type: 'list',
      ...label,
      event: { name: event, languageCode: 'id', parameters: {} },
    });
    const intent = (name: string, events: string[], messages: object[]): void =>
      writeFileSync(join(dir, 'intents', `${name}.json`), JSON.stringify({ name, events: events.map((e) => ({ name: e })), responses: [{ messages }] }));
    intent(
      'menu',
      [],
      [
        {
          type: '4',
          lang: 'id',
          payload: { richContent: [[item({ title: '📚 Pelatihan' }, 'PELATIHAN'), { type: 'divider' }, item({ subtitle: 'Jadwal kelas' }, 'JADWAL')]] },
        },
      ],
    );
    writeFileSync(join(dir, 'intents', 'menu_usersays_id.json'), JSON.stringify(['menu', 'info dong', 'mau tanya'].map((p) => ({ data: [{ text: p }] }))));
    intent('pelatihan', ['PELATIHAN'], [{ type: '0', lang: 'id', speech: ['Ada pelatihan dasar dan lanjutan.'] }]);
    intent('jadwal', ['JADWAL'], [{ type: '0', lang: 'id', speech: ['Kelas mulai jam 9 pagi.'] }]);
    intent('orphan', ['NOBODY_FIRES_THIS'], [{ type: '0', lang: 'id', speech: ['Tidak pernah ditanya.'] }]);
    const m = readDialogflowAgent(dir);
    expect(entry(m, 'pelatihan').questionsByLanguage).toEqual({ id: ['Pelatihan'] });
    expect(entry(m, 'jadwal').questionsByLanguage).toEqual({ id: ['Jadwal kelas'] });
    expect(entry(m, 'menu').suggestions).toEqual(['pelatihan', 'jadwal']);
    expect(m.entries.map((e) => e.name)).not.toContain('orphan');
    expect(messages(m, 'intents/pelatihan.json').join(' ')).toMatch(/menu item "Pelatihan" of "menu" starts it \(event PELATIHAN\)/);
    expect(messages(m, 'intents/pelatihan.json').join(' ')).not.toMatch(/events are not imported/);
    expect(messages(m, 'intents/orphan.json').join(' ')).toMatch(/no training phrases/);
    const { kb } = written(m);
    expect(kb.entries.find((e) => e.id === 'jadwal')?.answer?.id).toBe('Kelas mulai jam 9 pagi.');
  });

  it('leaves out intents reached after another step whose phrases are bare values (a date, a number), and says so', () => {
    const dir = temp();
    mkdirSync(join(dir, 'intents'));
    writeFileSync(join(dir, 'agent.json'), JSON.stringify({ language: 'en', supportedLanguages: [] }));
    type Part = { text: string; meta?: string };
    const intent = (name: string, contexts: string[], text: string, phrases: Part[][]): void => {
      writeFileSync(
        join(dir, 'intents', `${name}.json`),
        JSON.stringify({ name, contexts, responses: [{ messages: [{ type: '0', lang: 'en', speech: [text] }] }] }),
      );
      writeFileSync(join(dir, 'intents', `${name}_usersays_en.json`), JSON.stringify(phrases.map((data) => ({ data }))));
    };
    intent('book-room', [], 'When do you want to check in?', [[{ text: 'book a room' }], [{ text: 'I want to book a room' }]]);
    intent('book-room-date', ['book-room'], 'For how many adults?', [
      [{ text: 'tuesday', meta: '@sys.date' }],
      [{ text: 'on ' }, { text: 'Friday', meta: '@sys.date' }],
      [{ text: 'I want to book a room ' }, { text: 'on Monday', meta: '@sys.date' }],
    ]);
    intent('book-room-people', ['book-room-date'], 'Which room type?', [
      [{ text: 'for ' }, { text: 'three', meta: '@sys.number' }, { text: ' people' }],
      [{ text: '2', meta: '@sys.number' }],
    ]);
    // A place or the agent's own entity names a topic, not a value: these stay entries.
    intent('region', ['menu'], 'Emergency numbers of Bandung: 112.', [
      [{ text: 'Kabupaten Bandung', meta: '@sys.geo-city' }],
      [{ text: 'kab bandung', meta: '@sys.geo-city' }],
    ]);
    intent('suite', ['rooms'], 'The suite has two bathrooms.', [[{ text: 'Queen suite', meta: '@room-type' }], [{ text: 'suite details' }]]);
    // Bare values without a context: Dialogflow matches them anywhere, so Tanya does too.
    intent('lucky-number', [], 'Seven it is.', [[{ text: '7', meta: '@sys.number' }], [{ text: 'seven', meta: '@sys.number' }]]);
    const m = readDialogflowAgent(dir);
    expect(m.entries.map((e) => e.name).sort()).toEqual(['book-room', 'lucky-number', 'region', 'suite']);
    expect(messages(m, 'intents/book-room-date.json')).toEqual([
      expect.stringMatching(
        /^"book-room-date" not imported: 2 of its 3 training phrases are only a value \("tuesday", "on Friday"\).*its answer was "For how many adults\?"/,
      ),
    ]);
    expect(messages(m, 'intents/book-room-people.json').join(' ')).toMatch(/2 of its 2 training phrases are only a value \("for three people", "2"\)/);
    written(m);
  });

  it('keeps a question a parent shares with its follow-up under the parent, whatever the file names sort as', () => {
    const m = readDialogflowAgent(
      agent('id', [
        {
          name: 'Pajak - Cara Lepas Kepemilikan',
          id: 'p1',
          phrases: ['cara lepas kepemilikan kendaraan', 'lepas kepemilikan motor gimana'],
          text: 'Lepas kepemilikan: datang ke Samsat.',
        },
        {
          name: 'Pajak - Cara Lepas Kepemilikan - A Lepas',
          parentId: 'p1',
          phrases: ['cara lepas kepemilikan kendaraan', 'syarat dokumen lepas kepemilikan'],
          text: 'Bawa KTP dan BPKB.',
        },
      ]),
    );
    const { kb } = written(m);
    expect(kb.entries[0].id).toBe('pajak-cara-lepas-kepemilikan');
    expect(kb.entries[0].questions.id).toContain('cara lepas kepemilikan kendaraan');
    expect(kb.entries.find((e) => e.id !== kb.entries[0].id)?.questions.id).not.toContain('cara lepas kepemilikan kendaraan');
  });
});

describe('Dialogflow ES import: what the user names', () => {
  it('the export’s own intents/ folder stands for the export around it', () => {
    const fromIntents = readDialogflowAgent(join(fixture('toko-followup'), 'intents'));
    expect(fromIntents.entries.map((e) => e.name)).toEqual(readDialogflowAgent(fixture('toko-followup')).entries.map((e) => e.name));
  });
});
