import type { CellValue, Worksheet } from 'exceljs';
import { checkDeclaredSizes, MAX_COLUMNS, MAX_FILE_BYTES, unpackEntry, zipEntries } from './import-files';
import { checkSheetRows, tooManyColumns, type SheetRow } from './spreadsheet-text';

/** The rows of one worksheet of an Excel workbook, as text. */
export interface WorkbookSheet {
  /** The worksheet read. */
  readonly name: string;
  /** Every worksheet of the workbook, in order. */
  readonly sheets: readonly string[];
  /** Non-empty rows; `line` is the Excel row number. */
  readonly rows: readonly SheetRow[];
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** A date as YYYY-MM-DD, with HH:MM when it has a time of day. ExcelJS reads dates as UTC. */
function dateText(date: Date): string {
  const day = `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
  const midnight = date.getUTCHours() === 0 && date.getUTCMinutes() === 0 && date.getUTCSeconds() === 0;
  return midnight ? day : `${day} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`;
}

/** A cell's value as the text a person sees: rich text joined, a formula's cached result, a hyperlink's text. */
function cellText(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return dateText(value);
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('formula' in value || 'sharedFormula' in value) return cellText(value.result);
  // A hyperlink's text may itself be rich text, whatever the types say; cellText reads both.
  if ('hyperlink' in value) return cellText(value.text);
  if ('error' in value) return value.error;
  return '';
}

/** The non-empty rows of a worksheet; a merged cell reads as its range's master value. */
function sheetRows(worksheet: Worksheet, file: string): SheetRow[] {
  const rows: SheetRow[] = [];
  worksheet.eachRow({ includeEmpty: false }, (row, line) => {
    // Measured before the blank cells are visited one by one.
    if (row.cellCount > MAX_COLUMNS) throw tooManyColumns(file, line, row.cellCount);
    const cells: string[] = [];
    // With includeEmpty ExcelJS visits every column from 1 to the row's last, blank ones too.
    row.eachCell({ includeEmpty: true }, (cell) => {
      cells.push(cellText(cell.isMerged ? cell.master.value : cell.value).trim());
    });
    if (cells.some((c) => c !== '')) rows.push({ line, cells });
  });
  return rows;
}

const sameName = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase();

const SAVE_AS_CSV = 'save the sheet as CSV UTF-8 instead (a CSV file is read without unpacking)';

/**
 * An .xlsx is a zip that ExcelJS unpacks whole, with every cell of every sheet made an object
 * (about 10 times the unpacked size in memory). Before it is handed over: at most `MAX_FILES`
 * entries, at most `MAX_FILE_BYTES` unpacked in all (by what the entries declare), and each entry
 * unpacked once here, where adm-zip stops at the declared size, to be sure none unpacks to more
 * (ExcelJS's zip reader would only notice after unpacking it all). Nothing is written anywhere.
 */
function checkWorkbookZip(file: string, bytes: Buffer, unreadable: (reason: string) => string): void {
  const entries = zipEntries(bytes, file, SAVE_AS_CSV, unreadable);
  checkDeclaredSizes(entries, file, { perEntry: MAX_FILE_BYTES, total: MAX_FILE_BYTES, advice: SAVE_AS_CSV });
  for (const entry of entries) if (!entry.isDirectory) unpackEntry(entry, file, SAVE_AS_CSV);
}

/**
 * Reads one worksheet of an `.xlsx` workbook (the first, or the one named `sheet`, case-insensitive)
 * with ExcelJS, every cell as text (see `cellText`; dates as YYYY-MM-DD [HH:MM]). Rejects with
 * `file: …` when the file is not a workbook or has no such sheet.
 *
 * @example
 * const { name, sheets, rows } = await readWorkbookSheet('faq.xlsx', 'FAQ Toko');
 */
export async function readWorkbookSheet(file: string, bytes: Buffer, sheet?: string): Promise<WorkbookSheet> {
  const unreadable = (reason: string): string =>
    `${file}: not a readable Excel workbook (.xlsx): ${reason}; open it in Excel or LibreOffice and save it as .xlsx or CSV UTF-8`;
  checkWorkbookZip(file, bytes, unreadable);
  // Loaded on first use: ExcelJS takes about 0.3 s to load, and only .xlsx imports need it (the
  // bot and every other command start without it).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Workbook } = require('exceljs') as typeof import('exceljs');
  const workbook = new Workbook();
  try {
    // The bytes checked, not the file again: it cannot be swapped in between.
    // A copy as an ArrayBuffer, the type ExcelJS declares.
    await workbook.xlsx.load(Uint8Array.prototype.slice.call(bytes).buffer);
  } catch (error) {
    const reason = error instanceof Error && error.message ? error.message : String(error);
    throw new Error(unreadable(reason), { cause: error });
  }
  const sheets = workbook.worksheets.map((w) => w.name);
  const wanted = sheet === undefined ? workbook.worksheets[0] : workbook.worksheets.find((w) => sameName(w.name, sheet));
  if (wanted === undefined)
    throw new Error(`${file}: no sheet named "${sheet ?? ''}"; the workbook has ${sheets.map((s) => `"${s}"`).join(', ') || 'no sheets'}`);
  const rows = sheetRows(wanted, file);
  checkSheetRows(rows, file);
  return { name: wanted.name, sheets, rows };
}
