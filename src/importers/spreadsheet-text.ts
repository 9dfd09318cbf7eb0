import { parse as parseCsv, CsvError } from 'csv-parse/sync';
import { MAX_COLUMNS, MAX_TEXT_CHARS, tooLongText } from './import-files';
import type { MigrationNote } from './migrate';

/** One non-empty row of a sheet: its cells as text and the line (or Excel row) it starts on. */
export interface SheetRow {
  readonly line: number;
  readonly cells: readonly string[];
}

/** Text decoded from a file's bytes, with what the editor should know about how. */
export interface DecodedText {
  readonly text: string;
  readonly notes: readonly MigrationNote[];
}

/** Windows-1252 characters for the bytes 0x80–0x9F (Latin-1 has control codes there). */
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/** Offset of the first byte that is not part of valid UTF-8, or -1 when all of it is. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    const extra = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (extra < 0 || i + extra >= bytes.length) return i;
    for (let k = 1; k <= extra; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return i;
    // Overlong forms, surrogates and code points past U+10FFFF.
    const second = bytes[i + 1];
    if ((b === 0xe0 && second < 0xa0) || (b === 0xed && second > 0x9f) || (b === 0xf0 && second < 0x90) || (b === 0xf4 && second > 0x8f)) return i;
    i += extra + 1;
  }
  return -1;
}

function decodeCp1252(bytes: Uint8Array): string {
  return Buffer.from(bytes)
    .toString('latin1')
    .replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]);
}

/** "le"/"be" when the bytes look like UTF-16 text without a byte-order mark (every other byte zero). */
function bomlessUtf16(bytes: Uint8Array): 'le' | 'be' | undefined {
  const n = Math.min(bytes.length, 512) & ~1;
  if (n < 4) return undefined;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero > pairs * 0.6 && evenZero === 0) return 'le';
  if (evenZero > pairs * 0.6 && oddZero === 0) return 'be';
  return undefined;
}

const lineAt = (text: string, offset: number): number => {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
};

/**
 * Decodes a text export as spreadsheet programs write it: UTF-8 with or without a BOM, UTF-16
 * LE/BE (Excel's "Unicode text"), or, when the bytes are not valid UTF-8, Windows-1252 (what
 * Excel's plain "CSV" writes on Windows), with a note saying so. Line ends become "\n".
 * Throws on NUL bytes outside UTF-16: that is a binary file, not a text export.
 */
export function decodeSheetText(bytes: Uint8Array, path: string, file: string): DecodedText {
  const notes: MigrationNote[] = [];
  let text: string;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) text = Buffer.from(bytes.subarray(3)).toString('utf8');
  else if (bytes[0] === 0xff && bytes[1] === 0xfe) text = new TextDecoder('utf-16le').decode(bytes.subarray(2));
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) text = new TextDecoder('utf-16be').decode(bytes.subarray(2));
  else {
    const utf16 = bomlessUtf16(bytes);
    if (utf16) {
      text = new TextDecoder(`utf-16${utf16}`).decode(bytes);
      notes.push({ place: { file }, message: `no byte-order mark; read as UTF-16 ${utf16.toUpperCase()} (every other byte is zero)` });
    } else {
      if (bytes.includes(0))
        throw new Error(`${path}: a binary file, not a spreadsheet export; save the sheet as CSV UTF-8, as Unicode text (TSV) or as an Excel workbook (.xlsx)`);
      const bad = firstInvalidUtf8(bytes);
      if (bad < 0) text = Buffer.from(bytes).toString('utf8');
      else {
        text = decodeCp1252(bytes);
        notes.push({
          place: { file, line: lineAt(text, bad) },
          message:
            'the file is not valid UTF-8 (first odd byte on this line); read it as Windows-1252/Latin-1 — check letters like é and “quotes”, or export again as "CSV UTF-8"',
        });
      }
    }
  }
  return { text: text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n'), notes };
}

/** Delimiters people's spreadsheet exports use, in the order ties are broken. */
export const DELIMITERS = [',', ';', '\t', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/** Delimiter counts (outside quotes) of the first records of `text`, each record a map by delimiter. */
function delimiterCounts(text: string, records: number): number[][] {
  const counts: number[][] = [];
  let row = DELIMITERS.map(() => 0);
  let quoted = false;
  let blank = true;
  for (let i = 0; i < text.length && counts.length < records; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (c === '\n' && !quoted) {
      if (!blank) counts.push(row);
      row = DELIMITERS.map(() => 0);
      blank = true;
      continue;
    } else if (!quoted) {
      const d = DELIMITERS.indexOf(c as Delimiter);
      if (d >= 0) row[d]++;
    }
    if (c.trim() !== '') blank = false;
  }
  if (!blank && counts.length < records) counts.push(row);
  return counts;
}

/**
 * The delimiter of a text export, sniffed from its header line and first rows: the one that the
 * header has and most rows have as often (a semicolon file's answers may hold unquoted commas,
 * which Excel does not quote). `preferTab` breaks ties for `.tsv` files.
 */
export function sniffDelimiter(text: string, preferTab = false): Delimiter {
  const counts = delimiterCounts(text, 30);
  // A title line above the header ("FAQ Toko Maju") has no delimiter; the header is the first that has one.
  const first = counts.findIndex((c) => c.some((n) => n > 0));
  const [header, ...rest] = first < 0 ? [] : counts.slice(first);
  if (!header) return preferTab ? '\t' : ',';
  let best: { delimiter: Delimiter; score: number } | undefined;
  DELIMITERS.forEach((delimiter, d) => {
    if (header[d] === 0) return;
    const agreeing = rest.filter((r) => r[d] === header[d]).length;
    const consistency = rest.length === 0 ? 1 : agreeing / rest.length;
    const score = consistency * 1000 + Math.min(header[d], 50) + (preferTab && delimiter === '\t' ? 0.5 : 0);
    if (!best || score > best.score) best = { delimiter, score };
  });
  return best?.delimiter ?? (preferTab ? '\t' : ',');
}

const DELIMITER_NAMES: Readonly<Record<Delimiter, string>> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' };

/** The delimiter's name for notes and errors ("semicolon"). */
export const delimiterName = (d: Delimiter): string => DELIMITER_NAMES[d];

/** The error for a row wider than a sheet can be. */
export function tooManyColumns(file: string, line: number, cells: number | 'more'): Error {
  const count = cells === 'more' ? `more than ${MAX_COLUMNS.toLocaleString('en-US')}` : cells.toLocaleString('en-US');
  return new Error(
    `${file}:${line}: a row of ${count} cells; a sheet has at most ${MAX_COLUMNS.toLocaleString('en-US')} columns (Excel's limit) — check that this is the FAQ sheet and that it is split at the right character, or export it again`,
  );
}

/** Refuses a row wider than `MAX_COLUMNS` or a cell longer than `MAX_TEXT_CHARS`, naming its line. */
export function checkSheetRows(rows: readonly SheetRow[], file: string): void {
  for (const { line, cells } of rows) {
    if (cells.length > MAX_COLUMNS) throw tooManyColumns(file, line, cells.length);
    for (const [i, cell] of cells.entries()) if (cell.length > MAX_TEXT_CHARS) throw tooLongText(`${file}:${line}`, `column ${i + 1} holds a text`, cell);
  }
}

/**
 * The first record too wide or with a cell too long, found by one scan that reads quotes as
 * csv-parse does (`unclosedQuoteLine`), before csv-parse builds anything: a million cells take it
 * many seconds and gigabytes.
 */
function checkDelimitedShape(text: string, delimiter: Delimiter, file: string): void {
  const d = delimiter.charCodeAt(0);
  const QUOTE = 34;
  const NEWLINE = 10;
  let line = 1;
  let recordLine = 1;
  let cells = 1;
  let fieldStart = 0;
  let atFieldStart = true;
  let quoted = false;
  const fieldEnds = (end: number): void => {
    if (end - fieldStart <= MAX_TEXT_CHARS) return;
    const start = text.charCodeAt(fieldStart) === QUOTE ? fieldStart + 1 : fieldStart;
    throw tooLongText(`${file}:${recordLine}`, `column ${cells} holds a text`, text.slice(start, end));
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quoted) {
      if (c === NEWLINE) line++;
      else if (c === QUOTE) {
        if (text.charCodeAt(i + 1) === QUOTE) i++;
        else {
          quoted = false;
          atFieldStart = false;
        }
      }
      continue;
    }
    if (c === QUOTE && atFieldStart) {
      quoted = true;
      continue;
    }
    if (c === d || c === NEWLINE) {
      fieldEnds(i);
      if (c === d) {
        if (++cells > MAX_COLUMNS) throw tooManyColumns(file, recordLine, 'more');
      } else {
        line++;
        recordLine = line;
        cells = 1;
      }
      fieldStart = i + 1;
      atFieldStart = true;
      continue;
    }
    atFieldStart = false;
  }
  fieldEnds(text.length);
}

/** The line of the quote that opens a cell and is never closed, read as csv-parse reads quotes. */
function unclosedQuoteLine(text: string, delimiter: Delimiter): number | undefined {
  let fieldStart = true;
  let openedAt = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (openedAt >= 0) {
      if (c !== '"') continue;
      if (text[i + 1] === '"') i++;
      else {
        openedAt = -1;
        fieldStart = false;
      }
    } else if (c === '"' && fieldStart) openedAt = i;
    else fieldStart = c === delimiter || c === '\n';
  }
  return openedAt >= 0 ? lineAt(text, openedAt) : undefined;
}

/** csv-parse's `info: true` records, which its types do not describe. */
const isRecordWithInfo = (r: unknown): r is { record: string[]; info: { lines: number } } =>
  typeof r === 'object' &&
  r !== null &&
  'record' in r &&
  Array.isArray(r.record) &&
  r.record.every((c) => typeof c === 'string') &&
  'info' in r &&
  typeof r.info === 'object' &&
  r.info !== null &&
  'lines' in r.info &&
  typeof r.info.lines === 'number';

const countNewlines = (cells: readonly string[]): number => cells.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);

/**
 * The non-empty records of delimited text, each with the line it starts on (a quoted cell may
 * span lines). Throws `file:line: …` for an unterminated quote and other malformed input.
 */
export function parseDelimited(text: string, delimiter: Delimiter, file: string): SheetRow[] {
  checkDelimitedShape(text, delimiter, file);
  let records: unknown[];
  try {
    records = parseCsv(text, { delimiter, info: true, relax_quotes: true, relax_column_count: true, skip_empty_lines: true });
  } catch (error) {
    if (error instanceof CsvError) {
      const line = typeof error.lines === 'number' ? error.lines : undefined;
      const at = line ? `${file}:${line}` : file;
      if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
        // csv-parse reports the line where the text ended; the quote itself is found here.
        const start = unclosedQuoteLine(text, delimiter);
        throw new Error(
          `${start ? `${file}:${start}` : at}: a quoted cell that starts on this line is never closed (a " is missing; the file ends inside it${line ? ` at line ${line}` : ''}); close the quote or export the sheet again`,
          { cause: error },
        );
      }
      throw new Error(`${at}: cannot read this ${delimiterName(delimiter)}-separated file: ${error.message}`, { cause: error });
    }
    throw error;
  }
  // csv-parse reports the line a record ends on; newlines inside its quoted cells give the start.
  const rows = records
    .filter(isRecordWithInfo)
    .map(({ record, info }) => ({ line: info.lines - countNewlines(record), cells: record.map((c) => c.trim()) }))
    .filter((row) => row.cells.some((c) => c !== ''));
  checkSheetRows(rows, file);
  return rows;
}

/** Several questions in one cell: one per line, or separated by " | " or ";;" (a lone ";" stays: it is punctuation). */
export function splitQuestionCell(cell: string): string[] {
  return cell
    .split(/\n|\s\|\s|;;/)
    .map((q) => q.trim())
    .filter(Boolean);
}

/**
 * A row that repeats the header (two files joined with both headers kept): at least two of its
 * cells are the header's titles in the same columns ("Question", "Answer").
 */
export function repeatsHeader(row: SheetRow, header: SheetRow): boolean {
  // A file without a header reads its first row as both.
  if (row.line === header.line) return false;
  let same = 0;
  for (let i = 0; i < Math.min(row.cells.length, header.cells.length); i++) {
    const title = header.cells[i].trim().toLowerCase();
    if (title && row.cells[i].trim().toLowerCase() === title) same++;
  }
  return same >= 2;
}
