import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { writeMigration, type MigratedEntry, type Migration } from '../../src/importers/migrate';
import { readRasaProject } from '../../src/importers/rasa';
import { loadKnowledge } from '../../src/knowledge/loader';
import { Matcher } from '../../src/matching/matcher';

const fixture = (...p: string[]): string => join('test', 'fixtures', 'import', ...p);
const tmp = (): string => mkdtempSync(join(tmpdir(), 'tanya-rasa-'));

/** A small Rasa project in a temporary folder, from relative path → file content. */
function project(files: Record<string, string>): string {
  const root = tmp();
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

function entry(m: Migration, name: string): MigratedEntry {
  const found = m.entries.find((e) => e.name === name);
  if (!found) throw new Error(`no entry "${name}" among ${m.entries.map((e) => e.name).join(', ')}`);
  return found;
}

/** Notes as the editor reads them: "file:line: message". */
const notes = (m: Migration): string[] =>
  (m.notes ?? []).map((n) => `${n.place ? `${n.place.file}${n.place.line ? `:${n.place.line}` : ''}: ` : ''}${n.message}`);

describe('readRasaProject: a Rasa 3 project (RasaHQ/helpdesk-assistant)', () => {
  const m = readRasaProject(fixture('rasa-helpdesk'));

  it('makes one entry per intent with examples, in English as config.yml says; out_of_scope is no entry', () => {
    expect(m.entries.map((e) => e.name)).toEqual([
      'greet',
      'goodbye',
      'thank',
      'bot_challenge',
      'password_reset',
      'open_incident',
      'help',
      'problem_email',
      'inform',
      'incident_status',
      'affirm',
      'deny',
      'human_handoff',
    ]);
    expect(entry(m, 'greet')).toMatchObject({ questions: [], from: { file: 'data/nlu.yml', line: 3 } });
    expect(entry(m, 'greet').questionsByLanguage?.en).toEqual(expect.arrayContaining(['hey', 'hello', 'Well hello there ;)']));
    expect(m.settings?.languages).toEqual(['en']);
  });

  it('answers from the utter_<intent> convention, rules and stories', () => {
    expect(entry(m, 'bot_challenge').answers).toEqual({ en: 'I am a bot, powered by Rasa.' });
    // No utter_thank: the story "thank" (thank → utter_welcome) answers it.
    expect(entry(m, 'thank').answers).toEqual({ en: "You're welcome!" });
    expect(entry(m, 'goodbye').answers).toEqual({ en: 'Goodbye!' });
    expect(entry(m, 'inform').answers).toBeUndefined();
    expect(notes(m)).toContain(
      'data/nlu.yml:265: intent "inform" has no answer: no utter_inform response and no rule or story answers it (answer left as TODO)',
    );
  });

  it('human_handoff is a handoff entry with its examples; nlu_fallback → utter_default is the fallback; greet is the greeting', () => {
    expect(entry(m, 'human_handoff')).toMatchObject({ action: 'handoff', answers: { en: 'It looks like you want to be transferred to a human agent.' } });
    expect(entry(m, 'human_handoff').questionsByLanguage?.en).toContain('I want a human');
    expect(m.settings?.fallback).toEqual({ en: "I didn't quite understand that. Could you rephrase?" });
    // The story greet → utter_greet, utter_help: what the bot says next is part of its greeting.
    expect(m.settings?.greeting?.en).toMatch(/^Hallo! I'm your IT Helpdesk Assistant\.\n\nI can help you open a service request ticket/);
    expect(notes(m)).toContain('data/nlu.yml:290: intent "out_of_scope" (27 examples) is not an entry: Tanya falls back on its own when no entry matches');
  });

  it('the synonym and JSON entity annotations become synonyms, the annotations noted once per intent', () => {
    expect(m.settings?.synonyms).toEqual({ high: ['urgent', 'really important', 'escalated', 'escalate', 'critical'] });
    expect(entry(m, 'inform').questionsByLanguage?.en).toEqual(expect.arrayContaining(['escalated', 'it should be a low priority', 'the priority is high']));
    expect(notes(m).filter((n) => n.includes('"inform": entity annotations'))).toEqual([
      'data/nlu.yml:265: intent "inform": entity annotations reduced to their text (priority); Tanya does not extract Rasa entities',
    ]);
  });

  it('lists forms, `or:` rules that start them, follow-up actions and unreached responses, with file:line', () => {
    expect(notes(m)).toEqual(
      expect.arrayContaining([
        'data/rules.yml:20: intent "password_reset" starts the form open_incident_form (questions asked one by one): not imported; write a flow (docs/flows.md)',
        'data/rules.yml:20: intent "problem_email" starts the form open_incident_form (questions asked one by one): not imported; write a flow (docs/flows.md)',
        'domain.yml:201: form "open_incident_form" not imported: Tanya answers questions and does not fill Rasa forms; write a flow (docs/flows.md)',
        expect.stringMatching(
          /^data\/stories\.yml:21: after utter_greet for "greet" the bot also says utter_help \("I can help you open.*\): joined into one answer$/,
        ),
        expect.stringMatching(/^domain\.yml:169: responses no intent leads to .*utter_no_priority.*utter_wouldve_handed_off/),
        'domain.yml:18: intents in the domain without examples (sent by buttons or other bots): restart, trigger_handoff, handoff; not imported',
      ]),
    );
    // A story turn in the middle of a form (help → utter_help → back to the form) is not the help answer's follow-up.
    expect(notes(m).some((n) => /for "help" the bot also (runs|says)/.test(n))).toBe(false);
  });

  it('reads data/ only: tests/, actions/ and endpoints.yml are not training data', () => {
    expect(notes(m).some((n) => /^(tests|actions)\/|endpoints/.test(n))).toBe(false);
    expect(m.unsupported).toEqual([]);
  });
});

describe('readRasaProject: Rasa 1.x Markdown (the rasa init moodbot)', () => {
  const m = readRasaProject(fixture('rasa-moodbot-1x'));

  it('reads ## intent: sections, templates: responses and * intent / - utter_x stories', () => {
    expect(m.entries.map((e) => [e.name, e.answers?.en])).toEqual([
      ['greet', 'Hey! How are you?'],
      ['goodbye', 'Bye'],
      ['affirm', 'Great, carry on!'],
      ['deny', 'Bye'],
      ['mood_great', 'Great, carry on!'],
      ['mood_unhappy', 'Here is something to cheer you up:\n\nDid that help you?'],
      ['bot_challenge', undefined],
    ]);
    expect(entry(m, 'greet')).toMatchObject({
      questionsByLanguage: { en: ['hey', 'hello', 'hi', 'good morning', 'good evening', 'hey there'] },
      from: { file: 'data/nlu.md', line: 1 },
    });
  });

  it('says what it could not decide: answers only after earlier turns, the image, the unanswered intent, the unused response', () => {
    expect(notes(m)).toEqual([
      `data/nlu.md:1: intent "greet" is answered with utter_greet, which a story follows with the customer's "mood_great", "mood_unhappy": Tanya sends it as the answer and matches the reply on its own; check both read well alone, or write a flow (docs/flows.md)`,
      'data/stories.md:13: intent "affirm" is answered with utter_happy only after earlier turns of a story or rule; check that the answer makes sense on its own',
      'data/stories.md:22: intent "deny" is answered with utter_goodbye only after earlier turns of a story or rule; check that the answer makes sense on its own',
      'data/stories.md:4: intent "mood_great" is answered with utter_happy only after earlier turns of a story or rule; check that the answer makes sense on its own',
      'data/stories.md:10: intent "mood_unhappy" is answered with utter_cheer_up only after earlier turns of a story or rule; check that the answer makes sense on its own',
      'domain.yml:22: response "utter_cheer_up": image https://i.imgur.com/nGF1K8f.jpg not imported (Tanya sends text; link or describe it in the answer)',
      'data/stories.md:10: after utter_cheer_up for "mood_unhappy" the bot also says utter_did_that_help ("Did that help you?"): joined into one answer',
      // Only tests/conversation_tests.md answers bot_challenge; conversation tests are not training data.
      'data/nlu.md:52: intent "bot_challenge" has no answer: no utter_bot_challenge response and no rule or story answers it (answer left as TODO)',
      'domain.yml:35: responses no intent leads to (sent by custom actions or forms, or unused): utter_iamabot; not imported',
    ]);
  });
});

describe('readRasaProject: retrieval intents (RasaHQ responseselectorbot)', () => {
  const m = readRasaProject(fixture('rasa-responseselector'));

  it('faq-style intents chitchat/x are answered by utter_chitchat/x from data/responses.yml, in category "chitchat"', () => {
    expect(entry(m, 'chitchat/ask_name')).toEqual({
      name: 'chitchat/ask_name',
      questions: [],
      questionsByLanguage: { en: ['What is your name?', 'May I know your name?', 'What do people call you?', 'Do you have a name for yourself?'] },
      answers: { en: 'hello, my name is retrieval bot.' },
      category: 'chitchat',
      from: { file: 'data/nlu.yml', line: 93 },
    });
    expect(entry(m, 'chitchat/ask_weather').answers).toEqual({ en: 'Oh, it does look sunny right now in Berlin.' });
  });

  it('other variations and images are noted, never dropped silently; the same responses in two files are no conflict', () => {
    expect(notes(m)).toEqual(
      expect.arrayContaining([
        'data/nlu.yml:109: response "utter_chitchat/ask_name" has 1 more variation (Tanya answers with the first): "Oh yeah, I am called the retrieval bot."',
        'data/nlu.yml:108: response "utter_chitchat/ask_name": image https://i.imgur.com/zTvA58i.jpeg not imported (Tanya sends text; link or describe it in the answer)',
      ]),
    );
    expect(notes(m).some((n) => n.includes('defined again'))).toBe(false);
    // "chitchat" is the retrieval group, listed in the domain without examples of its own.
    expect(notes(m).some((n) => n.includes('intents in the domain without examples'))).toBe(false);
  });

  it('buttons become suggestions: a "/intent" payload names the intent', () => {
    expect(entry(m, 'greet').suggestions).toEqual(['mood_great', 'mood_unhappy']);
  });
});

describe('readRasaProject: an Indonesian Rasa 3 project (domain/ folder, language: id)', () => {
  const m = readRasaProject(fixture('rasa-toko-id'));

  it('files questions and answers under Indonesian and merges an intent split over two files', () => {
    expect(m.settings?.languages).toEqual(['id']);
    expect(entry(m, 'tanya_cod')).toEqual({
      name: 'tanya_cod',
      questions: [],
      questionsByLanguage: { id: ['bisa bayar di tempat kak?', 'bayar pas barang sampai bisa?', 'cod ke bandung bisa tidak', 'bisa COD?'] },
      answers: { id: 'Bisa, Kak. COD tersedia untuk Jabodetabek, Bandung, dan Surabaya.' },
      from: { file: 'data/nlu/pembayaran.yml', line: 4 },
    });
  });

  it('reads examples written as mappings with metadata and as a plain list', () => {
    expect(entry(m, 'tanya_pembayaran').questionsByLanguage?.id).toEqual(['bisa bayar pakai apa saja?', 'bayarnya lewat apa kak', 'bisa transfer BCA?']);
    expect(entry(m, 'tanya_retur').questionsByLanguage?.id).toEqual(['barang bisa dikembalikan?', 'cara retur gimana kak', 'mau tukar ukuran bisa?']);
  });

  it('strips both annotation syntaxes and keeps their values as synonyms next to the synonym: item', () => {
    expect(entry(m, 'tanya_ongkir').questionsByLanguage?.id).toEqual([
      'berapa ongkir ke jkt?',
      'ongkos kirim ke sby berapa kak',
      'biaya kirim ke Bandung berapa',
      'ongkirnya mahal tidak',
    ]);
    expect(m.settings?.synonyms).toEqual({ Jakarta: ['jkt', 'jakarta pusat', 'DKI'], Surabaya: ['sby'] });
  });

  it('handoff by intent name (minta_cs) and by the action its rule runs (komplain → action_handoff)', () => {
    expect(entry(m, 'minta_cs')).toMatchObject({ action: 'handoff', answers: { id: 'Baik Kak, kami sambungkan ke CS kami. Mohon tunggu sebentar ya.' } });
    expect(entry(m, 'komplain').action).toBe('handoff');
    expect(entry(m, 'tanya_cod').action).toBeUndefined();
  });

  it('the nlu_fallback rule gives the fallback, greet the greeting; out_of_scope is no entry', () => {
    expect(m.settings?.fallback).toEqual({ id: 'Maaf Kak, saya belum paham. Boleh diulangi dengan kata lain?' });
    expect(m.settings?.greeting).toEqual({ id: 'Halo Kak! Selamat datang di Toko Sepatu Nusantara. Ada yang bisa kami bantu?' });
    expect(entry(m, 'greet').suggestions).toEqual(['tanya_jam_buka', 'tanya_ongkir', 'minta_cs']);
    expect(m.entries.some((e) => e.name === 'out_of_scope' || e.name === 'nlu_fallback')).toBe(false);
    expect(notes(m)).toContain(
      'domain/cs.yml:13: utter_default ("Maaf, saya tidak mengerti.") is not imported: the fallback text is what the nlu_fallback rule says (utter_mohon_ulangi)',
    );
  });

  it('prefers the text for every channel; slot texts, slot-only texts, custom payloads and custom actions are noted', () => {
    expect(entry(m, 'tanya_jam_buka').answers).toEqual({ id: 'Toko buka Senin-Sabtu pukul 09.00-21.00 WIB, Minggu pukul 10.00-18.00 WIB.' });
    expect(entry(m, 'tanya_promo').answers).toBeUndefined();
    expect(entry(m, 'tanya_ukuran').answers).toBeUndefined();
    expect(notes(m)).toEqual(
      expect.arrayContaining([
        'domain/responses.yml:27: response "utter_tanya_jam_buka" has 1 more variation (Tanya answers with the first): "*Jam buka toko*: Senin-Sabtu 09.00-21.00 WIB, Minggu 10.00-18.00 WIB." (channel whatsapp)',
        'domain/responses.yml:30: response "utter_tanya_ongkir" uses slot {kota}: Tanya cannot fill Rasa slots; the text is kept as it is, rewrite it',
        'domain/responses.yml:46: response "utter_tanya_promo" is only slot values ({info_promo}), filled by the Rasa bot at run time; Tanya cannot fill Rasa slots: write the answer',
        'domain/responses.yml:48: response "utter_tanya_ukuran": custom not imported (Tanya sends text; link or describe it in the answer)',
        'data/rules.yml:33: intent "tanya_status_pesanan" is answered by the custom action action_cek_pesanan (Python code, not imported): write its answer or a flow',
        'data/nlu/toko.yml:46: regex "nomor_pesanan" (1 pattern) not imported: Tanya has no regex entities; write the words people use as examples instead',
        'data/nlu/toko.yml:50: lookup table "kota" (4 entries) not imported: add the values to the catalogue or as synonyms',
      ]),
    );
    // tests/test_stories.yml answers greet with utter_goodbye: it must not count.
    expect(notes(m).some((n) => n.includes('tests/'))).toBe(false);
  });
});

describe('readRasaProject: an Indonesian Rasa 1.x project in many Markdown files', () => {
  const m = readRasaProject(fixture('rasa-kredit-id-1x'));

  it('does not trust "language: en" left by rasa init when the examples are Indonesian', () => {
    expect(m.settings?.languages).toBeUndefined();
    expect(entry(m, 'syarat_kredit').questions).toContain('apa saja syarat kredit motor?');
    expect(entry(m, 'syarat_kredit').questionsByLanguage).toBeUndefined();
    expect(notes(m)).toContain('config.yml:3: "language: en", but most examples look Indonesian (29 against 0); the language of each question is guessed');
  });

  it('reads "##intent:x", "## intent: x", headings with comments and unindented "- utter_x" lines', () => {
    expect(m.entries.map((e) => [e.name, e.answer])).toEqual([
      ['sapaan', 'Halo, selamat datang di layanan pelanggan Kredit Motor Maju.'],
      ['selamat_tinggal', 'Bye, hubungi kami lagi ya!'],
      ['terima_kasih', 'Sama-sama, senang bisa membantu.'],
      ['konfirmasi', undefined],
      ['tolak', 'Bye, hubungi kami lagi ya!'],
      ['bicara_dengan_cs', 'Anda akan segera dihubungkan ke live agent kami. Mohon menunggu'],
      ['faq/jam_operasional', 'Kantor cabang buka Senin-Jumat 08.00-16.00 dan Sabtu 08.00-12.00.'],
      ['faq/lokasi_cabang', 'Daftar cabang ada di menu "Lokasi" aplikasi Maju Mobile.'],
      ['cek_informasi_tenor', 'Tenor kredit tersedia 12, 18, 24, dan 36 bulan. Sebutkan nomor kontrak untuk cek tenor Anda.'],
      ['syarat_kredit', 'Syaratnya: KTP, KK, slip gaji 3 bulan terakhir, dan rekening listrik. Mau mengajukan sekarang?'],
    ]);
    expect(entry(m, 'terima_kasih').from).toEqual({ file: 'data/nlu/nlu_chitchat.md', line: 13 });
  });

  it('a greeting that needs a slot gives way to one that does not; the other is listed', () => {
    expect(m.settings?.greeting).toEqual({ id: 'Halo, selamat datang di layanan pelanggan Kredit Motor Maju.' });
    expect(notes(m)).toContain(
      'domain.yml:35: response "utter_sapaan" has 1 more variation (Tanya answers with the first): "Hai {customer_name}, ada yang bisa saya bantu?"',
    );
  });

  it('Rasa 1.x retrieval responses (responses.md), live-agent handoff, slot-setting buttons, forms, synonyms and utter_default', () => {
    expect(entry(m, 'faq/jam_operasional').category).toBe('faq');
    expect(entry(m, 'bicara_dengan_cs').action).toBe('handoff');
    expect(entry(m, 'syarat_kredit').suggestions).toEqual(['konfirmasi', 'tolak']);
    expect(m.settings?.synonyms).toEqual({ KTP: ['e-ktp', 'kartu tanda penduduk'], '5': ['lima'] });
    expect(m.settings?.fallback).toEqual({ id: 'Maaf, saya belum belajar tentang ini. Bisa diulangi dengan kalimat lain?' });
    expect(notes(m)).toEqual(
      expect.arrayContaining([
        'domain.yml:44: response "utter_syarat_kredit": button "Ya, ajukan sekarang" also sets {"is_ajukan": true}; only its intent is kept',
        'data/stories/stories_kredit.md:9: intent "konfirmasi" starts the form pengajuan_form (questions asked one by one): not imported; write a flow (docs/flows.md)',
        'data/nlu/nlu_kredit.md:21: lookup table "cabang" (values in a separate .txt file) not imported: add the values to the catalogue or as synonyms',
        'data/nlu/nlu_kredit.md:1: intent "cek_informasi_tenor": entity annotations reduced to their text (nomor_kontrak, jumlah_bulan); Tanya does not extract Rasa entities',
      ]),
    );
  });
});

describe('readRasaProject: what the user names', () => {
  it('a single nlu.yml in data/: the domain is found in the parent, rules and stories next to it; places are relative to the file', () => {
    const m = readRasaProject(fixture('rasa-helpdesk', 'data', 'nlu.yml'));
    expect(entry(m, 'thank')).toMatchObject({ answers: { en: "You're welcome!" }, from: { file: 'nlu.yml', line: 77 } });
    expect(notes(m)).toContain(
      '../domain.yml:201: form "open_incident_form" not imported: Tanya answers questions and does not fill Rasa forms; write a flow (docs/flows.md)',
    );
  });

  it('the data folder gives the same entries as the project folder', () => {
    const fromData = readRasaProject(fixture('rasa-toko-id', 'data'));
    const fromRoot = readRasaProject(fixture('rasa-toko-id'));
    expect(fromData.entries.map((e) => [e.name, e.answers])).toEqual(fromRoot.entries.map((e) => [e.name, e.answers]));
    expect(entry(fromData, 'tanya_cod').from).toEqual({ file: 'nlu/pembayaran.yml', line: 4 });
  });

  it('a single Rasa 1.x nlu.md', () => {
    const m = readRasaProject(fixture('rasa-moodbot-1x', 'data', 'nlu.md'));
    expect(entry(m, 'goodbye').answers).toEqual({ en: 'Bye' });
  });

  it('options.domain replaces the project domain (a file, or a Rasa 3 domain folder)', () => {
    const m = readRasaProject(fixture('rasa-moodbot-1x', 'data', 'nlu.md'), { domain: fixture('rasa-responseselector', 'domain.yml') });
    expect(entry(m, 'greet').suggestions).toEqual(['mood_great', 'mood_unhappy']);
    const folder = readRasaProject(fixture('rasa-toko-id', 'data', 'nlu'), { domain: fixture('rasa-toko-id', 'domain') });
    expect(entry(folder, 'tanya_cod').answers).toEqual({ id: 'Bisa, Kak. COD tersedia untuk Jabodetabek, Bandung, dan Surabaya.' });
    expect(() => readRasaProject(fixture('rasa-toko-id'), { domain: 'no/such/domain.yml' })).toThrow('--domain no/such/domain.yml: no such file or folder');
  });

  it('without a domain, entries keep their examples and the missing domain is noted', () => {
    const root = project({ 'data/nlu.yml': 'nlu:\n- intent: ask_hours\n  examples: |\n    - when are you open\n' });
    const m = readRasaProject(root);
    expect(m.entries).toEqual([{ name: 'ask_hours', questions: ['when are you open'], from: { file: 'data/nlu.yml', line: 2 } }]);
    expect(notes(m)[0]).toMatch(/^no domain found \(looked for domain\.yml, domain\/ and data\/domain\/\): answers are left as TODO; pass --domain FILE$/);
  });

  it('an old project with nlu.md and stories.md at its root (no data/ folder); README, models/ and tests/ are not read', () => {
    const root = project({
      'nlu.md': '## intent:tanya_saldo\n- cek saldo\n- saldo saya berapa\n',
      'stories.md': '## saldo\n* tanya_saldo\n  - utter_saldo\n',
      'domain.yml': 'templates:\n  utter_saldo:\n  - text: Saldo bisa dicek di aplikasi.\n',
      'README.md': '## intent:readme\n- not an example\n',
      'models/nlu.md': '## intent:model\n- not an example\n',
      'tests/nlu.md': '## intent:test\n- not an example\n',
    });
    const m = readRasaProject(root);
    expect(m.entries).toEqual([
      { name: 'tanya_saldo', questions: ['cek saldo', 'saldo saya berapa'], answer: 'Saldo bisa dicek di aplikasi.', from: { file: 'nlu.md', line: 1 } },
    ]);
  });

  it('reports progress file by file', () => {
    const calls: [number, number][] = [];
    readRasaProject(fixture('rasa-helpdesk'), { onProgress: (done, total) => calls.push([done, total]) });
    // domain.yml and the four data files.
    expect(calls).toEqual([
      [0, 5],
      [1, 5],
      [2, 5],
      [3, 5],
      [4, 5],
      [5, 5],
    ]);
  });
});

describe('readRasaProject: rules and stories decide the answer', () => {
  const root = project({
    'domain.yml': [
      'version: "3.1"',
      'responses:',
      '  utter_thank_you:',
      '  - text: Thank you too!',
      '  utter_you_are_welcome:',
      "  - text: You're welcome!",
      '  utter_info:',
      '  - text: We are open 9 to 5 at Main Street 1.',
      '  utter_handoff:',
      '  - text: Let me get a colleague.',
      '  utter_default:',
      '  - text: Sorry, I did not get that.',
      '  utter_facebook_only:',
      '  - text: Only on Facebook',
      '    channel: facebook',
      '  utter_vip:',
      '  - condition:',
      '    - type: slot',
      '      name: vip',
      '      value: true',
      '    text: Hello VIP',
      '  - text: Hello',
      '',
    ].join('\n'),
    'data/nlu.yml': [
      'version: "3.1"',
      'nlu:',
      ...['thank_you', 'ask_hours', 'ask_location', 'ask_price', 'request_refund', 'talk_to_human', 'facebook_only', 'vip', 'track_order', 'restart'].flatMap(
        (i) => [`- intent: ${i}`, '  examples: |', `    - example of ${i}`],
      ),
      '',
    ].join('\n'),
    'data/rules.yml': [
      'version: "3.1"',
      'rules:',
      '- rule: thanks',
      '  steps:',
      '  - intent: thank_you',
      '  - action: utter_you_are_welcome',
      '- rule: hours or location',
      '  steps:',
      '  - or:',
      '    - intent: ask_hours',
      '    - intent: ask_location',
      '  - action: utter_info',
      '- rule: price, end-to-end style',
      '  steps:',
      '  - intent: ask_price',
      '  - bot: It costs 10 euros.',
      '- rule: refunds go to a person',
      '  steps:',
      '  - intent: request_refund',
      '  - action: utter_handoff',
      '- rule: fallback',
      '  steps:',
      '  - intent: nlu_fallback',
      '  - action: action_default_fallback',
      '- rule: facebook',
      '  steps:',
      '  - intent: facebook_only',
      '  - action: utter_facebook_only',
      '- rule: vip',
      '  steps:',
      '  - intent: vip',
      '  - action: utter_vip',
      '- rule: start over',
      '  steps:',
      '  - intent: restart',
      '  - action: action_restart',
      '',
    ].join('\n'),
    'data/stories.yml': [
      'version: "3.1"',
      'stories:',
      '- story: order tracking',
      '  steps:',
      '  - intent: track_order',
      '  - slot_was_set:',
      '    - order_id: "123"',
      '  - action: utter_info',
      '',
    ].join('\n'),
  });
  const m = readRasaProject(root);

  it('a rule beats the utter_<intent> convention, which is noted', () => {
    expect(entry(m, 'thank_you').answer).toBe("You're welcome!");
    expect(notes(m)).toContain(
      'data/rules.yml:5: intent "thank_you" is answered with utter_you_are_welcome; elsewhere also with utter_thank_you, depending on the conversation (Tanya keeps the first)',
    );
  });

  it('`or:` steps, `bot:` text steps and slot_was_set between intent and action', () => {
    expect(entry(m, 'ask_hours').answer).toBe('We are open 9 to 5 at Main Street 1.');
    expect(entry(m, 'ask_location').answer).toBe('We are open 9 to 5 at Main Street 1.');
    expect(entry(m, 'ask_price').answer).toBe('It costs 10 euros.');
    expect(entry(m, 'track_order').answer).toBe('We are open 9 to 5 at Main Street 1.');
  });

  it('handoff by the action a rule runs (utter_handoff) and by intent name (talk_to_human); fallback through action_default_fallback', () => {
    expect(entry(m, 'request_refund')).toMatchObject({ action: 'handoff', answer: 'Let me get a colleague.' });
    expect(entry(m, 'talk_to_human').action).toBe('handoff');
    expect(m.settings?.fallback).toEqual({ en: 'Sorry, I did not get that.' });
    expect(notes(m)).toContain('data/rules.yml:35: intent "restart" runs Rasa\'s built-in action_restart: nothing to import (answer left as TODO)');
  });

  it('a channel-only text is used and noted; a variation without condition wins over a conditional one', () => {
    expect(entry(m, 'facebook_only').answer).toBe('Only on Facebook');
    expect(entry(m, 'vip').answer).toBe('Hello');
    expect(notes(m)).toEqual(
      expect.arrayContaining([
        'domain.yml:14: response "utter_facebook_only": only channel-specific texts; the one for "facebook" is used',
        'domain.yml:22: response "utter_vip" has 1 more variation (Tanya answers with the first): "Hello VIP" (with a condition)',
      ]),
    );
  });

  it('without a stated language, questions and answers are left for the writer to sort', () => {
    expect(entry(m, 'vip')).toEqual({ name: 'vip', questions: ['example of vip'], answer: 'Hello', from: { file: 'data/nlu.yml', line: 24 } });
    expect(m.settings?.languages).toBeUndefined();
  });
});

describe('readRasaProject: files as people have them', () => {
  it('examples as mappings with metadata, strings and numbers do not crash ("block.split is not a function")', () => {
    const root = project({
      'data/nlu.yml': [
        'version: "3.1"',
        'nlu:',
        '- intent: check_balance',
        '  metadata:',
        '    sentiment: neutral',
        '  examples:',
        '  - text: |',
        '      how much money is on my account?',
        '    metadata:',
        '      sentiment: neutral',
        '  - text: what is my balance',
        '  - show my balance',
        '  - 1234',
        '  - foo: bar',
        '- intent: empty',
        '- intent: commented',
        '  examples: |',
        '    # asked in the shop',
        '    - where is the shop',
        '',
      ].join('\n'),
    });
    const m = readRasaProject(root);
    expect(m.entries).toEqual([
      {
        name: 'check_balance',
        questions: ['how much money is on my account?', 'what is my balance', 'show my balance', '1234'],
        from: { file: 'data/nlu.yml', line: 3 },
      },
      { name: 'commented', questions: ['where is the shop'], from: { file: 'data/nlu.yml', line: 16 } },
    ]);
    expect(notes(m)).toEqual(
      expect.arrayContaining([
        'data/nlu.yml:14: intent "check_balance": an example that is neither text nor "text: …" was skipped',
        'data/nlu.yml:15: intent "empty" has no examples, so it could never be matched; skipped',
        'data/nlu.yml:17: intent "commented": 1 line not starting with "- " skipped, as Rasa does',
      ]),
    );
  });

  it('broken YAML: an error naming the file, line and column', () => {
    // A tab before "examples" is the classic hand-edited Rasa file.
    const root = project({ 'data/nlu.yml': 'version: "3.1"\nnlu:\n- intent: greet\n\texamples: |\n    - halo\n', 'domain.yml': 'responses: {}\n' });
    expect(() => readRasaProject(root)).toThrow(
      'data/nlu.yml:4:1: Tabs are not allowed as indentation. This file is not valid YAML (Rasa would refuse it too); indent with spaces, not tabs, and import again',
    );
    const badDomain = project({
      'data/nlu.yml': 'nlu:\n- intent: greet\n  examples: |\n    - halo\n',
      'domain.yml': 'responses:\n  utter_greet:\n  - text: "Halo\n',
    });
    expect(() => readRasaProject(badDomain)).toThrow(/^domain\.yml:\d+:\d+: .+not valid YAML/);
  });

  it('a quoted text continued on a line indented no deeper than its key is read as Rasa (PyYAML) reads it, and said', () => {
    const root = project({
      'data/nlu.yml': 'nlu:\n- intent: programmes\n  examples: |\n    - what can I study\n    - which programmes are there\n',
      'domain.yml': [
        'intents: [programmes]',
        'responses:',
        '  utter_programmes:',
        '    - text:  "We have two undergraduate programmes. ',
        '    Former are Mathematics and Computer Science"',
        '',
      ].join('\n'),
      'data/rules.yml': 'rules:\n- rule: programmes\n  steps:\n  - intent: programmes\n  - action: utter_programmes\n',
    });
    const m = readRasaProject(root);
    expect(entry(m, 'programmes').answer).toBe('We have two undergraduate programmes. Former are Mathematics and Computer Science');
    expect(notes(m)).toEqual(
      expect.arrayContaining([
        'domain.yml:5: a quoted text continues on a line (5) indented no deeper than its key; strict YAML refuses that, Rasa accepts it, and it was read as Rasa reads it (indent those lines under the key to make the file valid YAML)',
      ]),
    );
  });

  it('no NLU data: a clear error, never EISDIR', () => {
    const noNlu = project({ 'config.yml': 'language: id\n', 'domain.yml': 'responses:\n  utter_greet:\n  - text: Halo\n', 'data/rules.yml': 'rules: []\n' });
    expect(() => readRasaProject(noNlu)).toThrow(
      `no Rasa NLU data found in ${noNlu}: expected data/nlu.yml with "nlu:" and "- intent:" items (Rasa 2/3) or data/nlu.md with "## intent:name" sections (Rasa 1.x); looked in data/rules.yml`,
    );
    const empty = tmp();
    expect(() => readRasaProject(empty)).toThrow(/^no Rasa NLU data found in .+; found no Rasa training files there\.$/);
    // Another tool's export: the message names the command that reads it.
    const dialogflow = project({ 'agent.json': '{"language": "id"}', 'intents/Halo.json': '{"name": "Halo"}' });
    expect(() => readRasaProject(dialogflow)).toThrow(
      `looks like a Dialogflow ES export (agent.json, intents/): run "tanya import dialogflow ${dialogflow} --out DIR".`,
    );
    expect(() => readRasaProject(join(empty, 'missing'))).toThrow(/missing: no such file or folder/);
    expect(() => readRasaProject(join(noNlu, 'domain.yml'))).toThrow(/^no Rasa NLU data found in .+domain\.yml: .+; looked in domain\.yml\.$/);
    // A folder named like a data file, and a domain.yml that is a folder.
    const odd = project({ 'data/nlu.yml/keep.txt': '', 'data/real.yml': 'nlu:\n- intent: greet\n  examples: |\n    - halo\n', 'domain.yml/x.txt': '' });
    expect(readRasaProject(odd).entries.map((e) => e.name)).toEqual(['greet']);
  });

  it('ignores YAML that is not Rasa data, even when broken, and Rasa JSON data is noted', () => {
    const root = project({
      'data/nlu.yml': 'nlu:\n- intent: greet\n  examples: |\n    - halo\n',
      'data/flows.yml': 'flows:\n  greet:\n    steps: []\n',
      'data/notes.yml': 'this: is: not: yaml: [\n',
      'data/nlu.json': '{"rasa_nlu_data": {"common_examples": []}}',
      'docker-compose.yml': 'services: [\n',
    });
    const m = readRasaProject(root);
    expect(m.entries.map((e) => e.name)).toEqual(['greet']);
    expect(notes(m)).toContain('data/nlu.json: Rasa JSON training data is not read: convert it with "rasa data convert nlu -f yaml" and import again');
  });

  it('stays linear: a project of 3,000 intents, responses and rules (about 2 MB) imports in seconds', () => {
    const n = 3000;
    const intents = Array.from({ length: n }, (_, i) => `faq_${i}`);
    const root = project({
      'data/nlu.yml': `nlu:\n${intents.map((i) => `- intent: ${i}\n  examples: |\n${Array.from({ length: 12 }, (_, k) => `    - how do I do thing number ${i} in way ${k} [here](place)\n`).join('')}`).join('')}`,
      'data/rules.yml': `rules:\n${intents.map((i) => `- rule: ${i}\n  steps:\n  - intent: ${i}\n  - action: utter_answer_${i}\n`).join('')}`,
      'domain.yml': `responses:\n${intents.map((i) => `  utter_answer_${i}:\n  - text: The answer to ${i}.\n  - text: Another answer to ${i}.\n`).join('')}`,
    });
    const started = Date.now();
    const m = readRasaProject(root);
    expect(m.entries).toHaveLength(n);
    expect(entry(m, 'faq_2999').answer).toBe('The answer to faq_2999.');
    expect(Date.now() - started).toBeLessThan(8000);
  });
});

describe('readRasaProject → writeMigration → loadKnowledge', () => {
  it.each([
    ['rasa-helpdesk', 'human-handoff'],
    ['rasa-moodbot-1x', 'mood-great'],
    ['rasa-responseselector', 'chitchat-ask-name'],
    ['rasa-toko-id', 'tanya-cod'],
    ['rasa-kredit-id-1x', 'faq-jam-operasional'],
  ])('%s imports into a knowledge base that loads', (name, someId) => {
    const m = readRasaProject(fixture(name));
    const out = join(tmp(), 'knowledge');
    const written = writeMigration(out, m, fixture(name), 'rasa');
    const kb = loadKnowledge(out);
    expect(written.entries).toBeGreaterThan(0);
    expect(kb.entries).toHaveLength(written.entries);
    expect(kb.entries.map((e) => e.id)).toContain(someId);
  });
});

describe('readRasaProject: one NLU file deep inside a project', () => {
  it('finds the project above data/nlu/ (config.yml) and its domain kept in data/domain/', () => {
    const root = project({
      'config.yml': 'language: en\npipeline: []\n',
      'data/domain/domain.yml': 'version: "3.1"\nresponses:\n  utter_ask_hours:\n    - text: We are open 9 to 5.\n',
      'data/nlu/faq.yml': 'version: "3.1"\nnlu:\n  - intent: ask_hours\n    examples: |\n      - when are you open\n      - opening hours\n',
    });
    const m = readRasaProject(join(root, 'data', 'nlu', 'faq.yml'));
    expect(entry(m, 'ask_hours')).toMatchObject({ answers: { en: 'We are open 9 to 5.' } });
  });
});

describe('readRasaProject: a project in another language Tanya reads', () => {
  it('files a German project\'s examples and answers under "de:" and declares the language', () => {
    const root = project({
      'config.yml': 'language: de\npipeline: []\n',
      'domain.yml': 'version: "3.1"\nresponses:\n  utter_oeffnungszeiten:\n    - text: Wir haben von 9 bis 18 Uhr geöffnet.\n',
      'data/nlu.yml': 'version: "3.1"\nnlu:\n  - intent: oeffnungszeiten\n    examples: |\n      - Wann habt ihr geöffnet?\n      - Öffnungszeiten\n',
      'data/rules.yml': 'version: "3.1"\nrules:\n  - rule: r\n    steps:\n      - intent: oeffnungszeiten\n      - action: utter_oeffnungszeiten\n',
    });
    const m = readRasaProject(root);
    expect(entry(m, 'oeffnungszeiten')).toMatchObject({
      questionsByLanguage: { de: ['Wann habt ihr geöffnet?', 'Öffnungszeiten'] },
      answers: { de: 'Wir haben von 9 bis 18 Uhr geöffnet.' },
    });
    expect(m.settings?.languages).toEqual(['de']);
    const out = tmp();
    writeMigration(out, m, root, 'rasa');
    const kb = loadKnowledge(out);
    expect(kb.settings).toMatchObject({ languages: ['de'], defaultLanguage: 'en' });
    expect(kb.entries[0].answer?.de).toBe('Wir haben von 9 bis 18 Uhr geöffnet.');
    // With no Indonesian or English questions at all, every message is read as German.
    const matcher = new Matcher(kb);
    expect(matcher.rank(matcher.analyze('öffnungszeiten?'), 1)[0]?.entryId).toBe('oeffnungszeiten');
  });
});

describe('readRasaProject: a stated other language is checked against the examples', () => {
  it('guesses each question\'s language when "language: de" heads English examples; "nb" is Norwegian', () => {
    const nlu = (examples: string[]): string => `version: "3.1"\nnlu:\n  - intent: hours\n    examples: |\n${examples.map((e) => `      - ${e}\n`).join('')}`;
    const english = readRasaProject(
      project({ 'config.yml': 'language: de\n', 'data/nlu.yml': nlu(['when are you open today', 'what are your opening hours', 'are you open on sunday']) }),
    );
    expect(entry(english, 'hours').questionsByLanguage).toBeUndefined();
    expect(notes(english)).toContain(
      'config.yml:1: "language: de", but 3 of 3 examples read as Indonesian or English; the language of each question is guessed',
    );
    const norwegian = readRasaProject(
      project({ 'config.yml': 'language: nb\n', 'data/nlu.yml': nlu(['når har dere åpent i dag', 'hva er åpningstidene deres', 'har dere åpent på søndag']) }),
    );
    expect(entry(norwegian, 'hours').questionsByLanguage).toEqual({
      no: ['når har dere åpent i dag', 'hva er åpningstidene deres', 'har dere åpent på søndag'],
    });
  });
});

describe('readRasaProject: what a story says before an intent is its question, not its answer', () => {
  const stories = (steps: string): string => `version: "3.1"\nstories:\n- story: s\n  steps:\n${steps}`;

  it('never answers an intent with the utter_<intent> the bot asks it with', () => {
    const m = readRasaProject(
      project({
        'config.yml': 'language: id\n',
        'data/nlu.yml': 'nlu:\n- intent: greet\n  examples: |\n    - halo\n- intent: tanya_nama\n  examples: |\n    - nama saya Budi\n',
        'data/stories.yml': stories(
          '  - intent: greet\n  - action: utter_greet\n  - action: utter_tanya_nama\n  - intent: tanya_nama\n  - action: utter_salam_kenal\n',
        ),
        'domain.yml':
          'responses:\n  utter_greet:\n  - text: Halo!\n  utter_tanya_nama:\n  - text: Boleh tahu namanya kak?\n  utter_salam_kenal:\n  - text: Salam kenal kak!\n',
      }),
    );
    expect(entry(m, 'tanya_nama').answers).toEqual({ id: 'Salam kenal kak!' });
  });

  it('notes an answer that is a question the story goes on with', () => {
    const m = readRasaProject(
      project({
        'config.yml': 'language: id\n',
        'data/nlu.yml':
          'nlu:\n- intent: tanya_biaya\n  examples: |\n    - berapa biaya kuliahnya?\n- intent: pilih_gelombang\n  examples: |\n    - gelombang 1\n',
        'data/stories.yml': stories('  - intent: tanya_biaya\n  - action: utter_tanya_gelombang\n  - intent: pilih_gelombang\n  - action: utter_biaya\n'),
        'domain.yml': 'responses:\n  utter_tanya_gelombang:\n  - text: Gelombang berapa kak?\n  utter_biaya:\n  - text: Gelombang 1 Rp5.000.000.\n',
      }),
    );
    expect(entry(m, 'tanya_biaya').answers).toEqual({ id: 'Gelombang berapa kak?' });
    expect(entry(m, 'pilih_gelombang').answers).toEqual({ id: 'Gelombang 1 Rp5.000.000.' });
    expect(notes(m)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^data\/stories\.yml:5: intent "tanya_biaya" is answered with utter_tanya_gelombang, which a story follows with the customer's "pilih_gelombang"/,
        ),
      ]),
    );
  });
});

describe('readRasaProject: retrieval out_of_scope and answers that are only a follow-up', () => {
  const root = project({
    'domain.yml': [
      'version: "3.1"',
      'intents: [faq, out_of_scope]',
      'responses:',
      '  utter_faq/licence:',
      '    - text: "Data is ODbL: https://wiki.example.org/wiki/Licence#What_is_the_license.2C_how_can_I_use_it.3F"',
      '  utter_out_of_scope/other:',
      '    - text: "I cannot help you with that."',
      '  utter_did_that_help:',
      '    - text: "Was it helpful?"',
      '',
    ].join('\n'),
    'data/nlu.yml': [
      'version: "3.1"',
      'nlu:',
      '- intent: faq/licence',
      '  examples: |',
      '    - what is the licence of the data',
      '    - can i use the map data',
      '- intent: faq/counts',
      '  examples: |',
      '    - how many contributors are there',
      '    - number of mappers',
      '- intent: out_of_scope/other',
      '  examples: |',
      '    - order me a pizza',
      '    - what is the weather',
      '',
    ].join('\n'),
    'data/rules.yml': [
      'version: "3.1"',
      'rules:',
      '- rule: faq',
      '  steps:',
      '  - intent: faq',
      '  - action: utter_faq',
      '  - action: utter_did_that_help',
      '',
    ].join('\n'),
  });
  const m = readRasaProject(root);

  it('an out_of_scope/* retrieval intent is no entry, and its answer to one kind of message is not the fallback for all', () => {
    expect(m.entries.some((e) => e.name.startsWith('out_of_scope'))).toBe(false);
    expect(m.settings?.fallback).toBeUndefined();
    expect(notes(m).some((n) => n.includes('the answer to "out_of_scope/other" ("I cannot help you with that.") is not imported'))).toBe(true);
  });

  it('keeps an answer whose link has an anchor, and never sends a follow-up alone for an intent without its own response', () => {
    const dir = tmp();
    writeMigration(dir, m, root, 'rasa');
    const kb = loadKnowledge(dir);
    expect(kb.entries.find((e) => e.id === 'faq-licence')?.answer?.en).toMatch(/^Data is ODbL: https:\/\/wiki\.example\.org\/wiki\/Licence#What_is/);
    expect(kb.entries.find((e) => e.id === 'faq-counts')?.answer?.en).toMatch(/^TODO/);
    expect(notes(m).some((n) => n.includes('"faq/counts": utter_faq/counts says nothing Tanya can send'))).toBe(true);
  });
});
