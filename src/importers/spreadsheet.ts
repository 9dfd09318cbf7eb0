import { basename } from 'node:path';
import { CONTENT_LANGUAGES } from '../core/types';
import type { MigratedEntry, Migration } from './migrate';
import { headerAndColumns, languageOf, type SheetColumns, type SheetLanguage } from './spreadsheet-columns';
import { qnaMakerMigration } from './spreadsheet-qna';
import { MAX_COLUMNS } from './import-files';
import { ImportNotes, readSheetSource, withoutRepeatedHeaders } from './spreadsheet-source';
import { DELIMITERS, delimiterName, parseDelimited, sniffDelimiter, splitQuestionCell, type SheetRow } from './spreadsheet-text';

export { readQnaMaker } from './spreadsheet-qna';

/** Options of the spreadsheet importers. */
export interface SheetImportOptions {
  /** Called now and then while rows are read, and once at the end with done === total. */
  readonly onProgress?: (done: number, total: number) => void;
  /** The worksheet of an `.xlsx` workbook to read (default: the first); case-insensitive. */
  readonly sheet?: string;
}

const LANGUAGES: readonly SheetLanguage[] = CONTENT_LANGUAGES;

/** Headers that mark a QnA Maker export, read by `readQnaMaker` instead. */
const QNA_MAKER_COLUMNS = new Set(['qnaid', 'prompts', 'iscontextonly', 'suggestedquestions', 'metadata']);

const isQnaMakerHeader = (cells: readonly string[]): boolean => {
  const header = cells.map((c) => c.trim().toLowerCase());
  return header.includes('question') && header.includes('answer') && header.some((h) => QNA_MAKER_COLUMNS.has(h));
};

export { splitQuestionCell };

/** An entry while rows are added to it. */
interface EntryDraft {
  readonly line: number;
  readonly intent?: string;
  readonly category?: string;
  readonly questions: string[];
  readonly byLanguage: Partial<Record<SheetLanguage, string[]>>;
  answer?: string;
  readonly answers: Partial<Record<SheetLanguage, string>>;
}

/** Appends one by one: `push(...items)` overflows the stack for a cell of a few hundred thousand lines. */
function pushAll(into: string[], items: readonly string[]): void {
  for (const item of items) into.push(item);
}

/**
 * The questions in a row's cells at `columns` (in increasing order). Only the row's own cells are
 * visited: a short row under a header of thousands of question columns costs its length, not the header's.
 */
function questionsIn(row: SheetRow, columns: readonly number[]): string[] {
  const out: string[] = [];
  for (const i of columns) {
    if (i >= row.cells.length) break;
    pushAll(out, splitQuestionCell(row.cells[i]));
  }
  return out;
}

/** One row's meaning. */
interface RowValues {
  readonly questions: readonly string[];
  readonly byLanguage: Readonly<Partial<Record<SheetLanguage, readonly string[]>>>;
  readonly answer?: string;
  readonly answers: Readonly<Partial<Record<SheetLanguage, string>>>;
  readonly category?: string;
  readonly intent?: string;
}

function rowValues(row: SheetRow, columns: SheetColumns, file: string, notes: ImportNotes, unknownLanguages: Set<string>): RowValues {
  const cell = (i: number | undefined): string => (i === undefined ? '' : (row.cells[i] ?? ''));
  const languageCell = cell(columns.language);
  const language = languageCell ? languageOf(languageCell) : undefined;
  if (languageCell && !language && !unknownLanguages.has(languageCell.toLowerCase())) {
    unknownLanguages.add(languageCell.toLowerCase());
    notes.info({ file, line: row.line }, `language "${languageCell}" is not one Tanya reads; its rows' language is guessed`);
  }
  const generic = questionsIn(row, columns.questions);
  const byLanguage: Partial<Record<SheetLanguage, string[]>> = {};
  const answers: Partial<Record<SheetLanguage, string>> = {};
  for (const lang of LANGUAGES) {
    const columnsOf = columns.questionsBy[lang];
    if (columnsOf) byLanguage[lang] = questionsIn(row, columnsOf);
    const text = cell(columns.answerBy[lang]);
    if (text) answers[lang] = text;
  }
  let answer: string | undefined = cell(columns.answer) || undefined;
  if (language) {
    pushAll((byLanguage[language] ??= []), generic);
    if (answer && !answers[language]) answers[language] = answer;
    answer = undefined;
  }
  return {
    questions: language ? [] : generic,
    byLanguage,
    answers,
    ...(answer ? { answer } : {}),
    ...(cell(columns.category) ? { category: cell(columns.category) } : {}),
    ...(cell(columns.intent) ? { intent: cell(columns.intent) } : {}),
  };
}

const answerKey = (v: RowValues): string =>
  [v.answer ?? '', ...LANGUAGES.map((lang) => v.answers[lang] ?? '')].map((a) => a.replace(/\s+/g, ' ')).join('\u0000');
const hasAnswer = (v: RowValues): boolean => Boolean(v.answer ?? LANGUAGES.map((lang) => v.answers[lang]).find(Boolean));
const questionCount = (v: RowValues): number => LANGUAGES.reduce((n, lang) => n + (v.byLanguage[lang]?.length ?? 0), v.questions.length);

/**
 * An intent column names entries only when each intent has one answer; when rows of one intent
 * carry different answers the column is used like a category, and is read as one.
 */
function intentIsCategory(rows: readonly SheetRow[], columns: SheetColumns): SheetRow | undefined {
  if (columns.intent === undefined) return undefined;
  const intent = columns.intent;
  // One answer per intent and language: an "id" row and an "en" row of one intent may differ.
  const answerOf = new Map<string, string>();
  const answerCells = [columns.answer, ...LANGUAGES.map((lang) => columns.answerBy[lang])];
  for (const row of rows) {
    const name = row.cells[intent] ?? '';
    const cells = answerCells.map((i) => (i === undefined ? '' : (row.cells[i] ?? '')));
    if (!name || cells.every((c) => c === '')) continue;
    const language = columns.language === undefined ? '' : (row.cells[columns.language] ?? '').toLowerCase();
    const key = `${name}\u0000${language}`;
    const answers = cells.join('\u0000');
    const known = answerOf.get(key);
    if (known !== undefined && known !== answers) return row;
    answerOf.set(key, answers);
  }
  return undefined;
}

function addRow(draft: EntryDraft, values: RowValues, line: number, file: string, notes: ImportNotes): void {
  pushAll(draft.questions, values.questions);
  for (const lang of LANGUAGES) {
    const list = values.byLanguage[lang];
    if (list && list.length > 0) pushAll((draft.byLanguage[lang] ??= []), list);
  }
  if (values.answer) {
    if (draft.answer === undefined) draft.answer = values.answer;
    else if (draft.answer !== values.answer)
      notes.dropped({ file, line }, `a different answer for "${draft.intent ?? ''}"; the one from line ${draft.line} is kept`);
  }
  for (const lang of LANGUAGES) {
    const text = values.answers[lang];
    if (!text) continue;
    if (draft.answers[lang] === undefined) draft.answers[lang] = text;
    else if (draft.answers[lang] !== text)
      notes.dropped({ file, line }, `a different ${lang} answer for "${draft.intent ?? ''}"; the one from line ${draft.line} is kept`);
  }
}

const unique = (items: readonly string[]): string[] => [...new Set(items)];

function entryOf(draft: EntryDraft, file: string): MigratedEntry {
  const questions = unique(draft.questions);
  const questionsByLanguage: { [L in SheetLanguage]?: readonly string[] } = {};
  const answers: { [L in SheetLanguage]?: string } = {};
  for (const lang of LANGUAGES) {
    const list = unique(draft.byLanguage[lang] ?? []);
    if (list.length > 0) questionsByLanguage[lang] = list;
    const answer = draft.answers[lang];
    if (answer) answers[lang] = answer;
  }
  const stated = LANGUAGES.flatMap((lang) => questionsByLanguage[lang] ?? []);
  return {
    name: draft.intent ?? questions[0] ?? stated[0] ?? draft.category ?? 'entry',
    questions,
    ...(stated.length > 0 ? { questionsByLanguage } : {}),
    ...(draft.answer ? { answer: draft.answer } : {}),
    ...(Object.keys(answers).length > 0 ? { answers } : {}),
    ...(draft.category ? { category: draft.category } : {}),
    from: { file, line: draft.line },
  };
}

/** Groups the data rows of a FAQ sheet into entries. */
function entriesOf(
  data: readonly SheetRow[],
  columns: SheetColumns,
  file: string,
  notes: ImportNotes,
  onProgress?: (done: number, total: number) => void,
): MigratedEntry[] {
  const mixed = intentIsCategory(data, columns);
  let effective = columns;
  if (mixed && columns.intent !== undefined) {
    const { intent, ...rest } = columns;
    effective = rest.category === undefined ? { ...rest, category: intent } : rest;
    notes.info(
      { file, line: mixed.line },
      `rows with the same intent "${mixed.cells[intent]}" have different answers, so the intent column is read as ${rest.category === undefined ? 'a category' : 'nothing (there is a category column)'}`,
    );
  }
  const drafts: EntryDraft[] = [];
  const byKey = new Map<string, EntryDraft>();
  const unknownLanguages = new Set<string>();
  let previous: EntryDraft | undefined;
  const create = (key: string | undefined, line: number, values: RowValues): EntryDraft => {
    const draft: EntryDraft = {
      line,
      ...(values.intent ? { intent: values.intent } : {}),
      ...(values.category ? { category: values.category } : {}),
      questions: [],
      byLanguage: {},
      answers: {},
    };
    drafts.push(draft);
    if (key !== undefined) byKey.set(key, draft);
    return draft;
  };
  data.forEach((row, i) => {
    if (i % 200 === 0) onProgress?.(i, data.length);
    const values = rowValues(row, effective, file, notes, unknownLanguages);
    const place = { file, line: row.line };
    const answered = hasAnswer(values);
    if (questionCount(values) === 0 && !(answered && values.intent)) {
      if (answered) notes.dropped(place, 'an answer without a question; skipped (put the question in the same row)');
      return;
    }
    let draft: EntryDraft;
    if (values.intent) {
      const key = `intent\u0000${values.intent}`;
      draft = byKey.get(key) ?? create(key, row.line, values);
    } else if (!answered) {
      // A row with questions and no answer continues the entry above it (a common layout), unless
      // it names another category.
      if (previous && (!values.category || values.category === previous.category)) draft = previous;
      else {
        draft = create(undefined, row.line, values);
        const why = previous ? `starts category "${values.category ?? ''}"` : 'has no entry above it to belong to';
        notes.info(place, `a question with no answer that ${why}; imported with a TODO answer`);
      }
    } else {
      const key = `answer\u0000${values.category ?? ''}\u0000${answerKey(values)}`;
      draft = byKey.get(key) ?? create(key, row.line, values);
    }
    addRow(draft, values, row.line, file, notes);
    previous = draft;
  });
  onProgress?.(data.length, data.length);
  return drafts.map((d) => entryOf(d, file));
}

/**
 * A FAQ spreadsheet as people export it: `.csv`, `.tsv`, `.txt` (comma, semicolon, tab or pipe,
 * sniffed; UTF-8, UTF-16 or Windows-1252) or `.xlsx` (the first sheet, or `options.sheet`).
 * Columns are found by their Indonesian or English names (pertanyaan/question, jawaban/answer,
 * kategori/category, intent, bahasa/language, and per-language ones such as `q_id`, `a_en`,
 * `Pertanyaan (ID)`). Several questions of one answer may share a cell (one per line, " | ",
 * ";;"), follow in rows with the same answer, follow in rows whose answer is empty, or share an
 * intent. A QnA Maker export is handed to `readQnaMaker`.
 *
 * @example
 * const migration = await readFaqSheet('faq.csv');
 * writeMigration('knowledge', migration, 'faq.csv', 'csv');
 */
export async function readFaqSheet(file: string, options: SheetImportOptions = {}): Promise<Migration> {
  const name = basename(file);
  const source = await readSheetSource(file, options.sheet);
  const notes = new ImportNotes(source.notes);
  // At most one cell more than a sheet may have: a first line of a million tabs is not split a million times.
  const firstRow =
    source.kind === 'text'
      ? source.text
          .trimStart()
          .split('\n', 1)[0]
          .split('\t', MAX_COLUMNS + 1)
      : (source.rows[0]?.cells ?? []);
  if (isQnaMakerHeader(firstRow)) {
    const qna = qnaMakerMigration(file, source, options.onProgress);
    return { ...qna, notes: [{ place: { file: name }, message: 'a QnA Maker export; read as one' }, ...(qna.notes ?? [])] };
  }
  let rows: readonly SheetRow[];
  if (source.kind === 'text') {
    // Excel honours (and some tools write) a first line "sep=;" naming the delimiter. It is
    // blanked rather than cut so that line numbers stay those of the file.
    const hint = /^sep=(.)\n/i.exec(source.text)?.[1];
    const hinted = DELIMITERS.find((d) => d === hint);
    const text = hinted ? source.text.replace(/^[^\n]*/, '') : source.text;
    const delimiter = hinted ?? sniffDelimiter(text, /\.tsv$/i.test(file));
    if (!hinted && delimiter !== ',')
      notes.info({ file: name, line: 1 }, `read as ${delimiterName(delimiter)}-separated (sniffed from the header and first rows)`);
    rows = parseDelimited(text, delimiter, file);
  } else rows = source.rows;
  if (rows.length === 0) throw new Error(`${file}: no rows; export the sheet again with a header row (e.g. pertanyaan,jawaban)`);
  const { header, data: all, columns } = headerAndColumns(rows, file, name, notes);
  const data = withoutRepeatedHeaders(all, header, name, notes);
  if (data.length === 0) throw new Error(`${file}:${header.line}: only a header row; put one question and its answer on each row below it`);
  if (columns.answer === undefined && LANGUAGES.every((lang) => columns.answerBy[lang] === undefined))
    notes.dropped({ file: name, line: header.line }, 'no answer column (jawaban/answer); every entry gets a TODO answer');
  const entries = entriesOf(data, columns, name, notes, options.onProgress);
  const languages = LANGUAGES.filter(
    (lang) => (columns.questionsBy[lang]?.length ?? 0) > 0 || columns.answerBy[lang] !== undefined || entries.some((e) => e.questionsByLanguage?.[lang]),
  );
  return {
    entries,
    unsupported: notes.unsupported,
    notes: notes.notes,
    ...(languages.length > 0 ? { settings: { languages } } : {}),
  };
}
