import type { ContentLanguage } from '../core/types';
import { listForMessage } from './import-files';
import type { ImportNotes } from './spreadsheet-source';
import type { SheetRow } from './spreadsheet-text';

/** What a column of a FAQ sheet holds. `intent` names the entry its rows belong to. */
export type ColumnRole = 'question' | 'answer' | 'category' | 'intent' | 'language';

export type SheetLanguage = ContentLanguage;

export interface ColumnMeaning {
  readonly role: ColumnRole;
  /** For per-language question and answer columns ("pertanyaan (ID)", "answer_en"). */
  readonly language?: SheetLanguage;
}

/**
 * Header names people use, compared case- and space-insensitively: Indonesian and English, and the
 * words of sheets written in Malay, Spanish, Portuguese, French, German, Dutch and Italian (their
 * questions are still imported; the report says which language they read as).
 */
export const COLUMN_NAMES: Readonly<Record<ColumnRole, readonly string[]>> = {
  question: [
    ...['question', 'questions', 'pertanyaan', 'q', 'tanya', 'query', 'soalan'],
    ...['pregunta', 'preguntas', 'pergunta', 'perguntas', 'vraag', 'vragen', 'frage', 'fragen', 'domanda', 'domande'],
  ],
  answer: [
    ...['answer', 'answers', 'jawaban', 'a', 'response', 'respon', 'balasan', 'jawapan'],
    ...['respuesta', 'respuestas', 'resposta', 'respostas', 'reponse', 'réponse', 'antwoord', 'antwoorden', 'antwort', 'antworten', 'risposta', 'risposte'],
  ],
  category: ['category', 'kategori', 'topic', 'topik', 'label', 'categoria', 'categoría', 'categorie', 'catégorie', 'kategorie', 'tema', 'thema'],
  intent: ['intent', 'intent name', 'nama intent'],
  language: ['language', 'bahasa', 'lang'],
};

/** Words that name a language after a column name or in a language column. */
const LANGUAGE_WORDS: Readonly<Record<string, SheetLanguage>> = {
  id: 'id',
  ind: 'id',
  indo: 'id',
  indonesia: 'id',
  indonesian: 'id',
  'bahasa indonesia': 'id',
  en: 'en',
  eng: 'en',
  english: 'en',
  inggris: 'en',
  'bahasa inggris': 'en',
  // The other languages Tanya reads (not the bare "no" and "it": "question no" is a number, "answer it" no language).
  de: 'de',
  deu: 'de',
  ger: 'de',
  german: 'de',
  deutsch: 'de',
  jerman: 'de',
  fr: 'fr',
  fra: 'fr',
  fre: 'fr',
  french: 'fr',
  francais: 'fr',
  français: 'fr',
  perancis: 'fr',
  es: 'es',
  spa: 'es',
  spanish: 'es',
  espanol: 'es',
  español: 'es',
  spanyol: 'es',
  ita: 'it',
  italian: 'it',
  italiano: 'it',
  italia: 'it',
  nl: 'nl',
  dutch: 'nl',
  nederlands: 'nl',
  belanda: 'nl',
  pt: 'pt',
  por: 'pt',
  portuguese: 'pt',
  portugues: 'pt',
  português: 'pt',
  portugis: 'pt',
  sv: 'sv',
  swedish: 'sv',
  svenska: 'sv',
  swedia: 'sv',
  nb: 'no',
  norwegian: 'no',
  norsk: 'no',
  norwegia: 'no',
};

/** Lower case, "_", "-", "." and runs of spaces as one space. */
const fold = (s: string): string =>
  s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[_\-.:/]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/** Codes that name a language in a language column's cell, though not after a column name ("question no" is a number). */
const CELL_LANGUAGE_WORDS: Readonly<Record<string, SheetLanguage>> = { ...LANGUAGE_WORDS, it: 'it', no: 'no' };

/** The language a cell of a language column names ("Indonesia", "EN", "IT"), if any. */
export function languageOf(value: string): SheetLanguage | undefined {
  return CELL_LANGUAGE_WORDS[fold(value)];
}

/** Every (role, name) pair, longest name first, so "answer_en" is read as answer + en, not a + …. */
const NAMES_LONGEST_FIRST = (Object.entries(COLUMN_NAMES) as [ColumnRole, readonly string[]][])
  .flatMap(([role, names]) => names.map((name) => ({ role, name })))
  .sort((x, y) => y.name.length - x.name.length);

/**
 * What a header cell means: a known name alone ("Pertanyaan", "Q"), or a question/answer name
 * followed by a language, bare or bracketed ("question_id", "q id", "Pertanyaan (ID)",
 * "jawaban [inggris]", "Answer - English").
 */
export function columnMeaning(header: string): ColumnMeaning | undefined {
  const h = fold(header);
  for (const { role, name } of NAMES_LONGEST_FIRST) {
    if (h === name) return { role };
    if ((role !== 'question' && role !== 'answer') || !h.startsWith(name)) continue;
    const rest = h
      .slice(name.length)
      .trim()
      .replace(/^[([{]\s*(.*?)\s*[)\]}]$/, '$1')
      .trim();
    if (h[name.length] !== ' ' && h[name.length] !== '(' && h[name.length] !== '[') continue;
    const language = LANGUAGE_WORDS[rest];
    if (language) return { role, language };
  }
  return qualifiedName(h);
}

/** Words after a question or answer name that say which one, not what else ("Pergunta principal", "Antwoord of oplossing"). */
const QUALIFIERS = new Set(
  [
    'utama',
    'lengkap',
    'lain',
    'lainnya',
    'alternatif',
    'main',
    'primary',
    'text',
    'full',
    'alternative',
    'other',
    'or',
    'atau',
    'of',
    'ou',
    'o',
    'oder',
  ].concat([
    'principal',
    'texto',
    'tekst',
    'completa',
    'completo',
    'alternativa',
    'solution',
    'solucion',
    'solução',
    'solucao',
    'oplossing',
    'lösung',
    'loesung',
    'alternatives',
    'alternativas',
    'alternativos',
  ]),
);

/**
 * A question or answer name followed only by qualifier words ("Pertanyaan utama", "Jawaban
 * lengkap", "Antwoord of oplossing"): the column holds questions or answers all the same.
 */
function qualifiedName(h: string): ColumnMeaning | undefined {
  const words = h.split(' ');
  if (words.length < 2) return undefined;
  // The name first ("Pergunta principal") or last ("Alternative questions").
  for (const [name, rest] of [
    [words[0], words.slice(1)],
    [words[words.length - 1], words.slice(0, -1)],
  ] as const) {
    if (name.length < 4 || !rest.every((w) => QUALIFIERS.has(w))) continue;
    for (const role of ['question', 'answer'] as const) if (COLUMN_NAMES[role].includes(name)) return { role };
  }
  return undefined;
}

/** A first row reads as a header when its cells are short labels rather than questions and answers. */
export function looksLikeHeader(cells: readonly string[]): boolean {
  const filled = cells.filter((c) => c !== '');
  if (filled.some((c) => columnMeaning(c))) return true;
  return filled.length > 0 && filled.every((c) => c.length <= 30 && c.split(/\s+/).length <= 3 && !/[?.!,;]$/.test(c) && !/\n/.test(c));
}

/** Which columns hold what; every index is a 0-based cell position. */
export interface SheetColumns {
  readonly questions: readonly number[];
  readonly questionsBy: Readonly<Partial<Record<SheetLanguage, readonly number[]>>>;
  readonly answer?: number;
  readonly answerBy: Readonly<Partial<Record<SheetLanguage, number>>>;
  readonly category?: number;
  readonly intent?: number;
  readonly language?: number;
}

/**
 * What each column holds, in one pass over the cells: whether any row fills it, and whether all it
 * holds are numbers. (Asking each column in turn went over every row once per column: a header of
 * thousands of columns above a million short rows took hours.)
 */
function columnContents(rows: readonly SheetRow[]): { filled: (column: number) => boolean; onlyNumbers: (column: number) => boolean } {
  const filled = new Set<number>();
  const notNumber = new Set<number>();
  for (const { cells } of rows) {
    for (let i = 0; i < cells.length; i++) {
      if (cells[i] === '') continue;
      filled.add(i);
      if (!notNumber.has(i) && !/^\d+$/.test(cells[i])) notNumber.add(i);
    }
  }
  return { filled: (i) => filled.has(i), onlyNumbers: (i) => filled.has(i) && !notNumber.has(i) };
}

/** Reads the header row into columns, noting the columns that are not imported. */
function sheetColumns(header: SheetRow, rows: readonly SheetRow[], file: string, notes: ImportNotes): SheetColumns {
  const questions: number[] = [];
  const questionsBy: Partial<Record<SheetLanguage, number[]>> = {};
  const answerBy: Partial<Record<SheetLanguage, number>> = {};
  let answer: number | undefined;
  const single: Partial<Record<'category' | 'intent' | 'language', number>> = {};
  const at = { file, line: header.line };
  const width = rows.reduce((w, r) => Math.max(w, r.cells.length), header.cells.length);
  const contents = columnContents(rows);
  for (let i = 0; i < width; i++) {
    const title = header.cells[i] ?? '';
    const meaning = title ? columnMeaning(title) : undefined;
    if (!meaning) {
      if (title) notes.dropped(at, `column "${title}" is not imported (Tanya reads question, answer, category, intent and language columns)`);
      else if (contents.filled(i)) notes.dropped(at, `column ${i + 1} has no header; not imported`);
      continue;
    }
    const { role, language } = meaning;
    if (role === 'question') {
      if (language && contents.onlyNumbers(i))
        notes.dropped(at, `column "${title}" holds only numbers, so it is read as a row id, not as questions; not imported`);
      else if (language) (questionsBy[language] ??= []).push(i);
      else questions.push(i);
    } else if (role === 'answer') {
      const taken = language ? answerBy[language] : answer;
      if (taken !== undefined) notes.dropped(at, `a second answer column "${title}"; only the first ("${header.cells[taken]}") is imported`);
      else if (language) answerBy[language] = i;
      else answer = i;
    } else if (single[role] !== undefined) notes.dropped(at, `a second ${role} column "${title}"; only the first is imported`);
    else single[role] = i;
  }
  return { questions, questionsBy, answer, answerBy, ...single };
}

/** How many rows from the top may come before the header (a title, a date, an empty-looking row). */
const HEADER_SEARCH_ROWS = 10;

/**
 * The header row and columns (rows above it, such as a title, are skipped with a note), or
 * question/answer columns for a two-column file without a header.
 */
export function headerAndColumns(
  rows: readonly SheetRow[],
  path: string,
  file: string,
  notes: ImportNotes,
): { header: SheetRow; data: readonly SheetRow[]; columns: SheetColumns } {
  const at = rows.slice(0, HEADER_SEARCH_ROWS).findIndex((r) => r.cells.some((c) => columnMeaning(c)?.role === 'question'));
  if (at >= 0) {
    const header = rows[at];
    const data = rows.slice(at + 1);
    if (at > 0)
      notes.info(
        { file, line: rows[0].line },
        `${at === 1 ? 'the row' : `${at} rows`} above the header (line ${header.line}) skipped: ${rows
          .slice(0, at)
          .map((r) => `"${r.cells.filter(Boolean).join(' ')}"`)
          .join(', ')}`,
      );
    return { header, data, columns: sheetColumns(header, data, file, notes) };
  }
  const [first] = rows;
  const filled = (r: SheetRow): number => r.cells.reduce((n, c, i) => (c ? i + 1 : n), 0);
  const width = rows.slice(0, 50).reduce((w, r) => Math.max(w, filled(r)), 0);
  if (!looksLikeHeader(first.cells) && width === 2) {
    notes.info({ file, line: first.line }, 'no header row: the first row is a question, not a column name; read column 1 as questions and column 2 as answers');
    return { header: first, data: rows, columns: { questions: [0], questionsBy: {}, answer: 1, answerBy: {} } };
  }
  const found = first.cells.filter(Boolean).map((c) => c.replace(/\s+/g, ' '));
  // Labelled examples without answers (a dataset such as banking77: text,category) are another import.
  const labelled = found.some((c) => /^(text|utterance|sentence|query)$/i.test(c)) && found.some((c) => /^(intent|label|category|kategori|class)$/i.test(c));
  throw new Error(
    `no question column found in ${path}:${first.line}: expected a header like pertanyaan,jawaban or question,answer; found: ${listForMessage(found) || 'an empty row'}` +
      (labelled ? `. This looks like labelled examples without answers: use "tanya import intents ${path} --out DIR"` : ''),
  );
}
