import { basename, extname } from 'node:path';
import { checkImportFile, NoteBudget, readImportFile } from './import-files';
import type { MigrationNote, SourcePlace } from './migrate';
import { decodeSheetText, repeatsHeader, type SheetRow } from './spreadsheet-text';
import { readWorkbookSheet } from './spreadsheet-xlsx';

/** A file as read before its columns are known: workbook rows, or decoded text still to be split. */
export type SheetSource =
  | { readonly kind: 'workbook'; readonly rows: readonly SheetRow[]; readonly notes: readonly MigrationNote[] }
  | { readonly kind: 'text'; readonly text: string; readonly notes: readonly MigrationNote[] };

const startsWith = (bytes: Uint8Array, magic: readonly number[]): boolean => magic.every((b, i) => bytes[i] === b);
const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/**
 * Reads a spreadsheet export: an Excel workbook by its content (a zip), whatever its name says,
 * or a text export decoded (see `decodeSheetText`). Throws for an empty file, an old binary
 * `.xls` workbook and other binary files, saying how to export the sheet instead.
 */
export async function readSheetSource(file: string, sheet?: string): Promise<SheetSource> {
  const name = basename(file);
  // An ordinary file of at most 64 MB, read once: a FIFO or device named here is refused, not waited on.
  const bytes = readImportFile(checkImportFile(file, file, 'name the exported file itself'));
  const notes: MigrationNote[] = [];
  const empty = `${file}: the file is empty; export the sheet again with a header row (e.g. pertanyaan,jawaban) and one question per row`;
  if (bytes.length === 0) throw new Error(empty);
  if (startsWith(bytes, ZIP)) {
    const workbook = await readWorkbookSheet(file, bytes, sheet);
    if (!/\.xls[xm]$/i.test(file)) notes.push({ place: { file: name }, message: `the file is an Excel workbook (.xlsx) despite its name; read it as one` });
    if (workbook.sheets.length > 1 && sheet === undefined)
      notes.push({
        place: { file: name },
        message: `the workbook has ${workbook.sheets.length} sheets (${workbook.sheets.map((s) => `"${s}"`).join(', ')}); read the first, "${workbook.name}" (choose another with --sheet NAME)`,
      });
    if (workbook.rows.length === 0)
      throw new Error(`${file}: sheet "${workbook.name}" is empty; put a header row (e.g. pertanyaan, jawaban) and one question per row`);
    return { kind: 'workbook', rows: workbook.rows, notes };
  }
  if (startsWith(bytes, OLE2))
    throw new Error(`${file}: an old Excel 97-2003 workbook (.xls), which cannot be read; open it in Excel or LibreOffice and save it as .xlsx or CSV UTF-8`);
  const decoded = decodeSheetText(bytes, file, name);
  if (decoded.text.trim() === '') throw new Error(empty);
  notes.push(...decoded.notes);
  if (/^\.xls[xm]?$/i.test(extname(file)))
    notes.push({ place: { file: name }, message: `the file is named like an Excel workbook but holds text; read it as a text export` });
  if (sheet !== undefined) notes.push({ place: { file: name }, message: `--sheet "${sheet}" applies to Excel workbooks only; ignored for a text file` });
  return { kind: 'text', text: decoded.text, notes };
}

const placeText = (place: SourcePlace): string => (place.line ? `${place.file}:${place.line}` : place.file);

/**
 * Notes of one import. `dropped` ones (something not carried over) also go to the migration's
 * `unsupported` lines, which the writer lists at the top of faq.yaml.
 */
export class ImportNotes {
  readonly notes: MigrationNote[] = [];
  readonly unsupported: string[] = [];
  private readonly budget = new NoteBudget();

  constructor(initial: readonly MigrationNote[] = []) {
    for (const n of initial) this.notes.push(n);
  }

  info(place: SourcePlace, message: string): void {
    if (this.fits(message)) this.notes.push({ place, message });
  }

  dropped(place: SourcePlace, message: string): void {
    if (!this.fits(message)) return;
    this.notes.push({ place, message });
    this.unsupported.push(`${placeText(place)}: ${message}`);
  }

  /** Within the notes budget of an import; past it, one note says the rest was left out. */
  private fits(message: string): boolean {
    if (this.budget.fits(message)) {
      this.budget.charge(message);
      return true;
    }
    const leftOut = this.budget.leftOutOnce();
    if (leftOut) {
      this.notes.push({ message: leftOut });
      this.unsupported.push(leftOut);
    }
    return false;
  }
}

/** The rows without copies of the header (sheets joined with both headers kept), each noted. */
export function withoutRepeatedHeaders(rows: readonly SheetRow[], header: SheetRow, file: string, notes: ImportNotes): SheetRow[] {
  return rows.filter((row) => {
    if (!repeatsHeader(row, header)) return true;
    notes.dropped({ file, line: row.line }, 'a copy of the header row (files joined together?); skipped');
    return false;
  });
}
