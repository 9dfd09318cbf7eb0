import { Workbook } from 'exceljs';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeMigration } from '../../src/importers/migrate';
import { readFaqSheet, readQnaMaker, splitQuestionCell } from '../../src/importers/spreadsheet';
import { loadKnowledge } from '../../src/knowledge/loader';

const fixture = (...p: string[]): string => join('test', 'fixtures', 'import', ...p);
const tmp = (): string => mkdtempSync(join(tmpdir(), 'tanya-sheet-'));

/** Writes `content` to a new temporary file named `name` and returns its path. */
function file(name: string, content: string | Uint8Array): string {
  const path = join(tmp(), name);
  writeFileSync(path, content);
  return path;
}

const messages = (m: { notes?: readonly { message: string }[] }): string[] => (m.notes ?? []).map((n) => n.message);

describe('readFaqSheet: CSV, TSV and TXT exports', () => {
  it('reads a semicolon CSV as Excel writes it with Indonesian settings: BOM, CRLF, unquoted commas, several questions per cell', async () => {
    const m = await readFaqSheet(fixture('sheet-semicolon-id', 'faq-excel-id.csv'));
    expect(m.entries.map((e) => [e.questions, e.from?.line])).toEqual([
      [['Apakah bisa COD?', 'bisa bayar di tempat?'], 2],
      [['Berapa lama pengiriman?', 'Kapan barang sampai?'], 4],
      [['Ongkir ke Bandung berapa?', 'ongkos kirim ke luar Jawa?'], 6],
      [['Boleh tukar ukuran; atau harus retur?'], 7],
      [['Garansi berapa lama?', 'ada garansi resmi?', 'How long is the warranty?'], 9],
      [['Jam buka toko?'], 11],
    ]);
    expect(m.entries[0]).toEqual({
      name: 'Apakah bisa COD?',
      questions: ['Apakah bisa COD?', 'bisa bayar di tempat?'],
      answer: 'Bisa, COD tersedia untuk Jabodetabek.',
      category: 'Pembayaran',
      from: { file: 'faq-excel-id.csv', line: 2 },
    });
    expect(m.entries[5].category).toBeUndefined();
    expect(m.unsupported).toEqual([
      'faq-excel-id.csv:1: column "Catatan" is not imported (Tanya reads question, answer, category, intent and language columns)',
    ]);
    expect(messages(m)).toContain('read as semicolon-separated (sniffed from the header and first rows)');

    const dir = tmp();
    writeMigration(dir, m, 'faq-excel-id.csv', 'csv');
    const kb = loadKnowledge(dir);
    expect(kb.entries.map((e) => e.id)).toEqual([
      'apakah-bisa-cod',
      'berapa-lama-pengiriman',
      'ongkir-ke-bandung-berapa',
      'boleh-tukar-ukuran-atau-harus-retur',
      'garansi-berapa-lama',
      'jam-buka-toko',
    ]);
    expect(kb.entries.find((e) => e.id === 'garansi-berapa-lama')).toMatchObject({
      category: 'Garansi',
      questions: { id: ['Garansi berapa lama?', 'ada garansi resmi?'], en: ['How long is the warranty?'] },
    });
  });

  it('splits a question cell on new lines, " | " and ";;" but keeps a plain ";" inside a sentence', () => {
    expect(splitQuestionCell('Bisa COD?\nbayar di tempat? | cod ada?;;COD bisa?')).toEqual(['Bisa COD?', 'bayar di tempat?', 'cod ada?', 'COD bisa?']);
    expect(splitQuestionCell('Boleh tukar ukuran; atau harus retur?')).toEqual(['Boleh tukar ukuran; atau harus retur?']);
  });

  it('reads per-language columns (q_id, a_id, q_en, a_en); a row may carry both languages or one', async () => {
    const m = await readFaqSheet(fixture('sheet-per-language', 'faq-bilingual.csv'));
    expect(m.entries).toEqual([
      {
        name: 'Apakah bisa COD?',
        questions: [],
        questionsByLanguage: { id: ['Apakah bisa COD?', 'bisa bayar di tempat?'], en: ['Can I pay cash on delivery?', 'Do you accept COD?'] },
        answers: { id: 'Bisa, COD tersedia untuk Jabodetabek.', en: 'Yes, cash on delivery is available in Greater Jakarta.' },
        category: 'pembayaran',
        from: { file: 'faq-bilingual.csv', line: 2 },
      },
      {
        name: 'Garansi berapa lama?',
        questions: [],
        questionsByLanguage: { id: ['Garansi berapa lama?'] },
        answers: { id: 'Garansi resmi 1 tahun.' },
        category: 'garansi',
        from: { file: 'faq-bilingual.csv', line: 4 },
      },
      {
        name: 'Do you ship abroad?',
        questions: [],
        questionsByLanguage: { en: ['Do you ship abroad?'] },
        answers: { en: 'No, we only ship within Indonesia.' },
        category: 'pengiriman',
        from: { file: 'faq-bilingual.csv', line: 5 },
      },
    ]);
    expect(m.settings).toEqual({ languages: ['id', 'en'] });
    expect(m.unsupported).toEqual([]);
  });

  it('reads columns of the other languages Tanya reads (q_fr, a_fr) beside English; "question no" is no language', async () => {
    const m = await readFaqSheet(fixture('sheet-per-language', 'faq-en-fr.csv'));
    expect(m.entries[0]).toMatchObject({
      questionsByLanguage: { en: ['How often is the data updated?'], fr: ['À quelle fréquence les données sont-elles mises à jour?'] },
      answers: { en: 'After each report is tabled.', fr: 'Après le dépôt de chaque rapport.' },
    });
    expect(m.settings).toEqual({ languages: ['en', 'fr'] });
    expect(m.unsupported).toEqual([
      'faq-en-fr.csv:1: column "id" is not imported (Tanya reads question, answer, category, intent and language columns)',
      'faq-en-fr.csv:1: column "question_no" is not imported (Tanya reads question, answer, category, intent and language columns)',
    ]);
  });

  it('reads IT and NO in a language column as Italian and Norwegian', async () => {
    const m = await readFaqSheet(
      file('faq-lang.csv', 'question,answer,language\nA che ora aprite?,Alle 9.,IT\nNår åpner dere?,Klokka 9.,NO\nJam buka?,Jam 9.,ID\n'),
    );
    expect(m.entries.map((e) => e.questionsByLanguage)).toEqual([{ it: ['A che ora aprite?'] }, { no: ['Når åpner dere?'] }, { id: ['Jam buka?'] }]);
    expect(m.settings).toEqual({ languages: ['id', 'it', 'no'] });
  });

  it('reads bracketed and spelled-out language headers in a pipe-separated file', async () => {
    const m = await readFaqSheet(
      file(
        'faq.txt',
        'Pertanyaan (ID)|Jawaban (ID)|Question [English]|Answer - English|Topik\n' +
          'Ada promo?|Ada, cek banner di beranda.|Any promo?|Yes, see the home page banner.|promo\n',
      ),
    );
    expect(m.entries).toEqual([
      {
        name: 'Ada promo?',
        questions: [],
        questionsByLanguage: { id: ['Ada promo?'], en: ['Any promo?'] },
        answers: { id: 'Ada, cek banner di beranda.', en: 'Yes, see the home page banner.' },
        category: 'promo',
        from: { file: 'faq.txt', line: 2 },
      },
    ]);
    expect(messages(m)).toContain('read as pipe-separated (sniffed from the header and first rows)');
  });

  it('groups rows by an intent column, joining the languages a bahasa column names', async () => {
    const m = await readFaqSheet(
      file(
        'intents.csv',
        'Intent,Bahasa,Pertanyaan,Jawaban\n' +
          'cek_ongkir,Indonesia,ongkir ke bandung berapa?,Ongkir dihitung saat checkout.\n' +
          'cek_ongkir,English,how much is shipping?,Shipping is calculated at checkout.\n' +
          'cek_ongkir,Indonesia,ongkos kirim berapa?,\n' +
          'jam_buka,,jam buka toko?,Buka 09.00–21.00.\n',
      ),
    );
    expect(m.entries).toEqual([
      {
        name: 'cek_ongkir',
        questions: [],
        questionsByLanguage: { id: ['ongkir ke bandung berapa?', 'ongkos kirim berapa?'], en: ['how much is shipping?'] },
        answers: { id: 'Ongkir dihitung saat checkout.', en: 'Shipping is calculated at checkout.' },
        from: { file: 'intents.csv', line: 2 },
      },
      { name: 'jam_buka', questions: ['jam buka toko?'], answer: 'Buka 09.00–21.00.', from: { file: 'intents.csv', line: 5 } },
    ]);
  });

  it('reads an intent column whose rows have different answers as a category', async () => {
    const m = await readFaqSheet(file('faq.csv', 'intent,question,answer\npembayaran,Bisa COD?,Bisa.\npembayaran,Bisa cicilan?,Bisa pakai kartu kredit.\n'));
    expect(m.entries.map((e) => [e.name, e.category])).toEqual([
      ['Bisa COD?', 'pembayaran'],
      ['Bisa cicilan?', 'pembayaran'],
    ]);
    expect(messages(m)).toContain('rows with the same intent "pembayaran" have different answers, so the intent column is read as a category');
  });

  it('reads grouped rows (empty answers continue the entry above) from a Windows-1252 tab-separated .txt, and says so', async () => {
    const m = await readFaqSheet(fixture('sheet-grouped-rows', 'faq-grouped.txt'));
    expect(m.entries.map((e) => [e.name, e.questions.length, e.category, e.from?.line])).toEqual([
      ['Metode pembayaran apa saja?', 3, 'Pembayaran', 2],
      ['Kurir apa saja yang tersedia?', 3, 'Pengiriman', 5],
      ['Pesanan saya belum sampai', 1, 'Pengiriman', 8],
      ['Bagaimana cara retur?', 2, 'Retur', 9],
      ['Garansi berlaku untuk apa saja?', 1, 'Garansi', 11],
    ]);
    expect(m.entries[1].questions).toEqual(['Kurir apa saja yang tersedia?', 'bisa kirim pakai gosend?', 'ada sicepat?']);
    expect(m.entries[3].answer).toBe('Isi formulir retur di menu “Pesanan Saya” – maksimal 7 hari setelah barang diterima.');
    expect(m.entries[4].answer).toBeUndefined();
    expect(m.notes).toEqual(
      expect.arrayContaining([
        {
          place: { file: 'faq-grouped.txt', line: 9 },
          message:
            'the file is not valid UTF-8 (first odd byte on this line); read it as Windows-1252/Latin-1 — check letters like é and “quotes”, or export again as "CSV UTF-8"',
        },
        { place: { file: 'faq-grouped.txt', line: 11 }, message: 'a question with no answer that starts category "Garansi"; imported with a TODO answer' },
      ]),
    );
    expect(m.unsupported).toEqual(['faq-grouped.txt:1: column "No" is not imported (Tanya reads question, answer, category, intent and language columns)']);
    const dir = tmp();
    writeMigration(dir, m, 'faq-grouped.txt', 'csv');
    expect(loadKnowledge(dir).entries).toHaveLength(5);
  });

  it('decodes UTF-16 LE and BE with a byte-order mark (Excel "Unicode text")', async () => {
    const text = 'Pertanyaan\tJawaban\r\nApa itu kartu “member”?\tKartu diskon 10% untuk pelanggan tetap.\r\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le).swap16();
    for (const bytes of [le, be]) {
      const m = await readFaqSheet(file('faq.txt', bytes));
      expect(m.entries).toEqual([
        {
          name: 'Apa itu kartu “member”?',
          questions: ['Apa itu kartu “member”?'],
          answer: 'Kartu diskon 10% untuk pelanggan tetap.',
          from: { file: 'faq.txt', line: 2 },
        },
      ]);
    }
  });

  it('reads a two-column file without a header, and says so', async () => {
    const m = await readFaqSheet(file('faq.csv', 'Apakah bisa COD?,"Bisa, untuk Jabodetabek."\nJam buka?,09.00–21.00\n'));
    expect(m.entries.map((e) => [e.questions, e.answer, e.from?.line])).toEqual([
      [['Apakah bisa COD?'], 'Bisa, untuk Jabodetabek.', 1],
      [['Jam buka?'], '09.00–21.00', 2],
    ]);
    expect(m.notes).toContainEqual({
      place: { file: 'faq.csv', line: 1 },
      message: 'no header row: the first row is a question, not a column name; read column 1 as questions and column 2 as answers',
    });
  });

  it('honours a "sep=;" first line and skips a title row above the header', async () => {
    const m = await readFaqSheet(file('faq.csv', 'sep=;\r\nFAQ Toko Maju;;\r\nPertanyaan;Jawaban;\r\nBisa COD?;Bisa, untuk Jabodetabek.;\r\n'));
    expect(m.entries).toEqual([{ name: 'Bisa COD?', questions: ['Bisa COD?'], answer: 'Bisa, untuk Jabodetabek.', from: { file: 'faq.csv', line: 4 } }]);
    expect(messages(m)).toEqual(['the row above the header (line 3) skipped: "FAQ Toko Maju"']);
  });

  it('notes numeric question_id columns, headerless columns, answers without questions and a second answer column', async () => {
    const m = await readFaqSheet(file('faq.csv', 'question_id,question,answer,jawaban,\n1,Bisa COD?,Bisa.,Ya,x\n2,,Jawaban yatim,,\n'));
    expect(m.entries.map((e) => e.questions)).toEqual([['Bisa COD?']]);
    expect(m.unsupported).toEqual([
      'faq.csv:1: column "question_id" holds only numbers, so it is read as a row id, not as questions; not imported',
      'faq.csv:1: a second answer column "jawaban"; only the first ("answer") is imported',
      'faq.csv:1: column 5 has no header; not imported',
      'faq.csv:3: an answer without a question; skipped (put the question in the same row)',
    ]);
  });

  it('hands a QnA Maker export to readQnaMaker', async () => {
    const m = await readFaqSheet(fixture('sheet-qnamaker', 'kb-export.tsv'));
    expect(m.entries).toEqual((await readQnaMaker(fixture('sheet-qnamaker', 'kb-export.tsv'))).entries);
    expect(messages(m)[0]).toBe('a QnA Maker export; read as one');
  });
});

describe('readFaqSheet: headers in other words and languages', () => {
  it('reads Portuguese, Dutch and Spanish header words, and a name with a qualifier ("Pergunta principal", "Antwoord of oplossing")', async () => {
    const pt = await readFaqSheet(file('faq.csv', 'PERGUNTA PRINCIPAL,RESPOSTA,Palavra-chave/Tema\nQuem é o coordenador?,A professora Ana.,curso\n'));
    expect(pt.entries.map((e) => [e.questions, e.answer])).toEqual([[['Quem é o coordenador?'], 'A professora Ana.']]);
    const nl = await readFaqSheet(file('faq.csv', 'ID;Vraag;Categorie;Antwoord of oplossing\nDOC-1;Hoe voeg ik een lid toe?;Leden;Via het menu Leden.\n'));
    expect(nl.entries.map((e) => [e.questions, e.answer, e.category])).toEqual([[['Hoe voeg ik een lid toe?'], 'Via het menu Leden.', 'Leden']]);
    const es = await readFaqSheet(file('faq.csv', 'Pregunta,Respuesta\n¿Dónde están?,En Madrid.\n'));
    expect(es.entries[0].answer).toBe('En Madrid.');
    // The name last, after its qualifier: "Alternative questions" holds more questions.
    const alt = await readFaqSheet(file('faq.csv', 'Question,Alternative questions,Answer\nWhen do you open?,Opening hours?,At 8.\n'));
    expect(alt.entries.map((e) => e.questions)).toEqual([['When do you open?', 'Opening hours?']]);
  });

  it('does not take a column about questions for questions ("Question number", "Jawaban benar?")', async () => {
    const m = await readFaqSheet(file('faq.csv', 'Question number,Pertanyaan,Jawaban\n1,Kapan buka?,Jam 8.\n'));
    expect(m.entries.map((e) => e.questions)).toEqual([['Kapan buka?']]);
    expect(messages(m)).toContain('column "Question number" is not imported (Tanya reads question, answer, category, intent and language columns)');
  });
});

describe('readFaqSheet: errors say where and how to fix', () => {
  it('no question column', async () => {
    const path = file('faq.csv', 'Soal,Kunci\nApa?,Itu.\n');
    await expect(readFaqSheet(path)).rejects.toThrow(
      `no question column found in ${path}:1: expected a header like pertanyaan,jawaban or question,answer; found: Soal, Kunci`,
    );
  });

  it('labelled examples without answers (text,category) point to tanya import intents', async () => {
    const path = file('train.csv', 'text,category\nI am still waiting on my card?,card_arrival\n');
    await expect(readFaqSheet(path)).rejects.toThrow(
      `found: text, category. This looks like labelled examples without answers: use "tanya import intents ${path} --out DIR"`,
    );
  });

  it('an empty file, or one of blank lines', async () => {
    for (const content of ['', '\uFEFF\r\n\r\n']) {
      const path = file('faq.csv', content);
      await expect(readFaqSheet(path)).rejects.toThrow(`${path}: the file is empty; export the sheet again with a header row (e.g. pertanyaan,jawaban)`);
    }
  });

  it('a header without rows', async () => {
    const path = file('faq.csv', 'pertanyaan,jawaban\n');
    await expect(readFaqSheet(path)).rejects.toThrow(`${path}:1: only a header row; put one question and its answer on each row below it`);
  });

  it('an unterminated quote, at the line csv-parse reports', async () => {
    const path = file('faq.csv', 'pertanyaan,jawaban\nBisa COD?,Bisa.\n"Jam buka?,09.00\nRetur?,7 hari\n');
    await expect(readFaqSheet(path)).rejects.toThrow(
      `${path}:3: a quoted cell that starts on this line is never closed (a " is missing; the file ends inside it at line 4); close the quote or export the sheet again`,
    );
  });

  it('a binary file, an old .xls and a broken .xlsx', async () => {
    const binary = file('faq.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]));
    await expect(readFaqSheet(binary)).rejects.toThrow(`${binary}: a binary file, not a spreadsheet export; save the sheet as CSV UTF-8`);
    const xls = file('faq.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]));
    await expect(readFaqSheet(xls)).rejects.toThrow(
      `${xls}: an old Excel 97-2003 workbook (.xls), which cannot be read; open it in Excel or LibreOffice and save it as .xlsx`,
    );
    const broken = file('faq.xlsx', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(64, 7)]));
    await expect(readFaqSheet(broken)).rejects.toThrow(`${broken}: not a readable Excel workbook (.xlsx)`);
  });
});

describe('readFaqSheet: Excel workbooks', () => {
  async function workbook(): Promise<string> {
    const book = new Workbook();
    const notes = book.addWorksheet('Catatan');
    notes.addRow(['bukan FAQ']);
    const faq = book.addWorksheet('FAQ Toko');
    faq.addRow(['Pertanyaan', 'Jawaban', 'Kategori']);
    faq.addRow(['Bisa COD?', { richText: [{ text: 'Bisa', font: { bold: true } }, { text: ', untuk Jabodetabek.' }] }, 'Pembayaran']);
    faq.addRow(['bayar di tempat bisa?', null, null]);
    faq.addRow([]);
    faq.addRow([{ formula: '"Garansi"&" berapa lama?"', result: 'Garansi berapa lama?' }, 'Satu tahun.', 'Garansi']);
    faq.addRow([{ text: 'Link katalog?', hyperlink: 'https://toko.example' }, { formula: 'B5', result: 'Satu tahun.' }, 'Garansi']);
    faq.mergeCells('C2:C3');
    const path = join(tmp(), 'faq.xlsx');
    await book.xlsx.writeFile(path);
    return path;
  }

  it('reads the sheet named with options.sheet: rich text, formula results, hyperlinks and merged cells as text; empty rows skipped', async () => {
    const path = await workbook();
    const m = await readFaqSheet(path, { sheet: 'faq toko' });
    expect(m.entries).toEqual([
      {
        name: 'Bisa COD?',
        questions: ['Bisa COD?', 'bayar di tempat bisa?'],
        answer: 'Bisa, untuk Jabodetabek.',
        category: 'Pembayaran',
        from: { file: 'faq.xlsx', line: 2 },
      },
      {
        name: 'Garansi berapa lama?',
        questions: ['Garansi berapa lama?', 'Link katalog?'],
        answer: 'Satu tahun.',
        category: 'Garansi',
        from: { file: 'faq.xlsx', line: 5 },
      },
    ]);
    const dir = tmp();
    writeMigration(dir, m, 'faq.xlsx', 'csv');
    expect(loadKnowledge(dir).entries.map((e) => e.id)).toEqual(['bisa-cod', 'garansi-berapa-lama']);
  });

  it('reads the first sheet by default, and names the others; an unknown sheet is an error listing them', async () => {
    const path = await workbook();
    await expect(readFaqSheet(path)).rejects.toThrow(
      `no question column found in ${path}:1: expected a header like pertanyaan,jawaban or question,answer; found: bukan FAQ`,
    );
    await expect(readFaqSheet(path, { sheet: 'Sheet9' })).rejects.toThrow(`${path}: no sheet named "Sheet9"; the workbook has "Catatan", "FAQ Toko"`);
  });

  it('notes the other sheets when reading the first', async () => {
    const book = new Workbook();
    book.addWorksheet('FAQ').addRows([
      ['question', 'answer'],
      ['Bisa COD?', 'Bisa.'],
    ]);
    book.addWorksheet('Arsip');
    const path = join(tmp(), 'faq.xlsx');
    await book.xlsx.writeFile(path);
    const m = await readFaqSheet(path);
    expect(m.entries).toHaveLength(1);
    expect(messages(m)).toEqual(['the workbook has 2 sheets ("FAQ", "Arsip"); read the first, "FAQ" (choose another with --sheet NAME)']);
  });
  it('reads dates as YYYY-MM-DD (with HH:MM when they have a time), numbers, booleans and formula errors as text; a blank first column stays a column', async () => {
    const book = new Workbook();
    const sheet = book.addWorksheet('FAQ');
    sheet.getCell('B1').value = 'question';
    sheet.getCell('C1').value = 'answer';
    sheet.addRow([null, 'Kapan promo mulai?', new Date(Date.UTC(2026, 11, 1))]);
    sheet.addRow([null, 'Jam berapa flash sale?', new Date(Date.UTC(2026, 11, 12, 19, 30))]);
    sheet.addRow([null, 'Berapa minimal belanja?', 150000]);
    sheet.addRow([null, 'Gratis ongkir?', true]);
    sheet.addRow([
      null,
      { text: { richText: [{ text: 'Katalog' }, { text: ' lengkap?' }] }, hyperlink: 'https://toko.example' },
      { formula: '1/0', result: { error: '#DIV/0!' } },
    ]);
    const path = join(tmp(), 'faq.xlsx');
    await book.xlsx.writeFile(path);
    const m = await readFaqSheet(path);
    expect(m.entries.map((e) => [e.questions, e.answer, e.from?.line])).toEqual([
      [['Kapan promo mulai?'], '2026-12-01', 2],
      [['Jam berapa flash sale?'], '2026-12-12 19:30', 3],
      [['Berapa minimal belanja?'], '150000', 4],
      [['Gratis ongkir?'], 'true', 5],
      [['Katalog lengkap?'], '#DIV/0!', 6],
    ]);
  });
});

describe('sheets joined together, alternatives in one cell', () => {
  it('skips a copy of the header row, with its line, in QnA Maker and plain sheets', async () => {
    const tsv = 'Question\tAnswer\tSource\tMetadata\nKapan toko buka?\tSetiap hari.\tkb1\t\nQuestion\tAnswer\tkb2\tSource\nBisa COD?\tBisa.\tkb2\t\n';
    const qna = await readQnaMaker(file('merged.tsv', tsv));
    expect(qna.entries.flatMap((e) => e.questions)).toEqual(['Kapan toko buka?', 'Bisa COD?']);
    expect(qna.notes?.map((n) => `${n.place?.line}: ${n.message}`)).toContain('3: a copy of the header row (files joined together?); skipped');
    const csv = await readFaqSheet(file('merged.csv', 'pertanyaan,jawaban\nKapan buka?,Jam 8.\npertanyaan,jawaban\nBisa COD?,Bisa.\n'));
    expect(csv.entries.flatMap((e) => e.questions)).toEqual(['Kapan buka?', 'Bisa COD?']);
  });

  it('reads " | " alternatives in a QnA Maker question cell as several questions, like a plain sheet', async () => {
    const tsv = 'Question\tAnswer\tSource\tMetadata\nHalo | hai | selamat pagi\tHalo kak!\tEditorial\t\n';
    expect((await readQnaMaker(file('kb.tsv', tsv))).entries[0].questions).toEqual(['Halo', 'hai', 'selamat pagi']);
  });
});

describe('a source in a language Tanya does not read', () => {
  const report = async (tsv: string): Promise<string> => {
    const out = tmp();
    writeMigration(out, await readQnaMaker(file('kb.tsv', tsv)), 'kb.tsv', 'qna');
    return readFileSync(join(out, 'IMPORT-REPORT.md'), 'utf8');
  };

  it('says a Spanish QnA file reads as Spanish, and how to have Tanya read it as Spanish', async () => {
    const text = await report(
      [
        'Question\tAnswer',
        '¿Cuál es el horario de atención?\tDe lunes a viernes de 9 a 18.',
        '¿Dónde están ubicados?\tEn la calle Mayor 12, Madrid.',
        '¿Aceptan tarjetas de crédito?\tSí, todas.',
        '¿Cuánto cuesta el envío a Sevilla?\tEl envío cuesta 5 euros.',
        '¿Puedo devolver un producto usado?\tSí, durante 14 días.',
        '¿Tienen tienda en Barcelona?\tSí, en la calle Aragó 30.',
      ].join('\n'),
    );
    expect(text).toMatch(/the questions read as Spanish \(\d+ % of them\), which the source does not say/);
    expect(text).toContain('name the columns q_es/a_es (or add a language column saying es) and import again');
    expect(text).toContain('every question is filed under "id:"');
  });

  it('says nothing of the kind for a few short Indonesian questions the detector misreads', async () => {
    for (const rows of [
      ['mba m2 512 space grey brp\tRp19.999.000.', 'voucher belanja ada ga\tAda.', 'harga laptop bekas di kaskus brp ya\tKami tidak jual bekas.'],
      ['email cs nya apa\tcs@contoh.id', 'thinkpad e14 price?\tRp12.000.000', 'jam operasional\t08.00-21.00', 'cara klaim garansi gmn\tBawa nota.'],
    ])
      expect(await report(['Question\tAnswer', ...rows].join('\n'))).not.toContain('the questions read as');
  });

  it('says nothing of the kind for informal Indonesian or English questions', async () => {
    const text = await report(
      [
        'Question\tAnswer',
        'kak hrg iphone 15 brp?\tRp12.999.000.',
        'gak bisa login min\tReset kata sandi di aplikasi.',
        'ongkir ke bandung berapa ya\tRp15.000.',
        'where is my order?\tCek resi di aplikasi.',
        'bisa bayar cod ga\tBisa.',
      ].join('\n'),
    );
    expect(text).not.toContain('the questions read as');
  });
});

describe('readQnaMaker', () => {
  it('groups questions by QnaId; prompts become suggestions naming their target; category metadata kept, the rest noted', async () => {
    const m = await readQnaMaker(fixture('sheet-qnamaker', 'kb-export.tsv'));
    expect(m.entries.map((e) => [e.name, e.questions.length, e.category, e.from?.line])).toEqual([
      ['Bagaimana cara retur barang?', 2, 'retur', 2],
      ['Mau tukar ukuran', 1, 'retur', 4],
      ['Barang datang rusak', 1, 'retur', 5],
      ['Jam buka toko?', 2, 'toko', 6],
      ['Halo', 2, 'chitchat', 8],
      ['Apakah kamu robot?', 1, 'chitchat', 10],
    ]);
    expect(m.entries[0]).toEqual({
      name: 'Bagaimana cara retur barang?',
      questions: ['Bagaimana cara retur barang?', 'Cara mengembalikan barang?'],
      answer: 'Retur bisa dalam 7 hari setelah barang diterima.\n\nPilih alasan retur di bawah ini:',
      category: 'retur',
      suggestions: ['Mau tukar ukuran', 'Barang datang rusak'],
      from: { file: 'kb-export.tsv', line: 2 },
    });
    expect(m.entries[2].suggestions).toEqual(['Hubungi CS']);
    expect(m.unsupported).toEqual([
      'kb-export.tsv:4: "Mau tukar ukuran" is context-only (QnA Maker offers it only as a follow-up); imported as an ordinary entry',
      'kb-export.tsv:5: "Barang datang rusak" is context-only (QnA Maker offers it only as a follow-up); imported as an ordinary entry',
      'kb-export.tsv:4: metadata "prioritas" on 1 QnA pair (e.g. "prioritas:tinggi") is not imported; Tanya has no metadata filters (a "category:" key becomes the category)',
      'kb-export.tsv:5: 2 suggested questions from active learning on 1 QnA pair (never accepted in QnA Maker) are not imported',
      'kb-export.tsv:5: the follow-up prompt "Hubungi CS" leads to QnA 9, which is not in the file; kept as a suggestion by its text',
    ]);
    const dir = tmp();
    writeMigration(dir, m, 'kb-export.tsv', 'qna');
    expect(loadKnowledge(dir).entries.map((e) => e.id)).toEqual([
      'bagaimana-cara-retur-barang',
      'mau-tukar-ukuran',
      'barang-datang-rusak',
      'jam-buka-toko',
      'halo',
      'apakah-kamu-robot',
    ]);
  });

  it("reads the older three-column form (Microsoft's Personality Chat data set) grouping by answer and metadata", async () => {
    const m = await readQnaMaker(fixture('sheet-chitchat-personality', 'Queries_Responses_Friendly_QnAMaker.tsv'));
    expect(m.entries).toHaveLength(36);
    expect(m.entries[0]).toEqual({
      name: 'Go to hell',
      questions: ['Go to hell', 'You are stupid'],
      answer: "Let's move on.",
      from: { file: 'Queries_Responses_Friendly_QnAMaker.tsv', line: 2 },
    });
    // One scenario split across the file is one entry; the same answer in another scenario is another.
    expect(m.entries.find((e) => e.name === 'Cook me something')?.questions).toEqual([
      'Cook me something',
      'Have you any dreams?',
      'Dont you ever sleep?',
      'Do you play games?',
      'Can you fly?',
    ]);
    expect(m.entries.filter((e) => e.answer === 'Cool.').map((e) => e.questions.length)).toEqual([5]);
    expect(m.unsupported).toEqual([
      'Queries_Responses_Friendly_QnAMaker.tsv:2: metadata "scenario" on 36 QnA pairs (e.g. "scenario:Criticism_Abusive") is not imported; Tanya has no metadata filters (a "category:" key becomes the category)',
    ]);
    const dir = tmp();
    writeMigration(dir, m, 'Queries_Responses_Friendly_QnAMaker.tsv', 'qna');
    expect(loadKnowledge(dir).entries).toHaveLength(36);
  });

  it('imports a 10,000-row chit-chat export in one linear pass, well under a few seconds', async () => {
    const header = 'Question\tAnswer\tSource\tMetadata\tSuggestedQuestions\tIsContextOnly\tPrompts\tQnaId';
    const lines = [header];
    for (let i = 0; i < 10_000; i++) {
      const id = Math.floor(i / 10) + 1;
      lines.push(`Pertanyaan ${i} untuk topik ${id}?\tJawaban ${id}.\tqna_chitchat_Friendly.tsv\teditorial:chitchat\t[]\tfalse\t[]\t${id}`);
    }
    const path = file('qna_chitchat_friendly.tsv', lines.join('\r\n'));
    const progress: [number, number][] = [];
    const started = performance.now();
    const m = await readQnaMaker(path, { onProgress: (done, total) => progress.push([done, total]) });
    expect(performance.now() - started).toBeLessThan(1500);
    expect(m.entries).toHaveLength(1000);
    expect(m.entries[999]).toMatchObject({ questions: expect.arrayContaining(['Pertanyaan 9999 untuk topik 1000?']), category: 'chitchat' });
    expect(m.unsupported).toEqual([]);
    expect(progress.at(-1)).toEqual([10_000, 10_000]);
  });

  it('says what it needs when the file is not a QnA Maker export', async () => {
    const path = file('qna.tsv', 'Pertanyaan\tJawaban\nBisa COD?\tBisa.\n');
    await expect(readQnaMaker(path)).rejects.toThrow(
      `${path}:1: not a QnA Maker export: expected a tab-separated header with Question and Answer (and Source, Metadata, QnaId, Prompts …); found: Pertanyaan, Jawaban`,
    );
  });
});
