import { parse } from 'csv-parse/sync';
import { checkImportFile, readImportFile } from '../importers/import-files';

/** One labelled customer message; `intent` null means the bot should not answer it. */
export interface LabelledMessage {
  readonly text: string;
  readonly intent: string | null;
}

/** A problem in a labelled file, with its line. */
export class LabelledFileError extends Error {
  constructor(file: string, line: number, message: string) {
    super(`${file}:${line}: ${message}`);
    this.name = 'LabelledFileError';
  }
}

/**
 * Reads labelled messages from JSON Lines (`{"text": …, "intent": …}` per line) or CSV with
 * `text` and `intent` columns (an exported FAQ spreadsheet). The format follows the file
 * extension; `.csv` is CSV, anything else JSON Lines. An empty CSV intent cell means null.
 */
export function readLabelledFile(path: string): LabelledMessage[] {
  // Read like an import: an ordinary file within the size limit (a FIFO would block forever).
  const content = readImportFile(checkImportFile(path, path, 'name the labelled file itself'))
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  return path.toLowerCase().endsWith('.csv') ? parseCsv(path, content) : parseJsonLines(path, content);
}

function parseJsonLines(file: string, content: string): LabelledMessage[] {
  const out: LabelledMessage[] = [];
  content.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new LabelledFileError(file, i + 1, 'not valid JSON; write one {"text": "…", "intent": "…"} object per line');
    }
    out.push(toMessage(file, i + 1, value));
  });
  return out;
}

/** Column names of labelled-example files as datasets name them (banking77: text,category). */
const TEXT_COLUMNS = ['text', 'utterance', 'query', 'sentence', 'question', 'pertanyaan', 'kalimat'];
const INTENT_COLUMNS = ['intent', 'label', 'category', 'kategori', 'class', 'topic'];

function parseCsv(file: string, content: string): LabelledMessage[] {
  let rows: Record<string, string>[];
  try {
    rows = parse(content, {
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
    });
  } catch (error) {
    throw new LabelledFileError(file, 1, `not valid CSV (${error instanceof Error ? error.message : String(error)})`);
  }
  const header = rows.length > 0 ? Object.keys(rows[0]) : [];
  const textColumn = TEXT_COLUMNS.find((c) => header.includes(c));
  const intentColumn = INTENT_COLUMNS.find((c) => header.includes(c));
  if (rows.length > 0 && (textColumn === undefined || intentColumn === undefined)) {
    throw new LabelledFileError(
      file,
      1,
      `the CSV needs a header row with a text column (${TEXT_COLUMNS.join(', ')}) and a label column (${INTENT_COLUMNS.join(', ')}); found: ${header.join(', ')}`,
    );
  }
  return rows.map((row, i) => {
    const intent = intentColumn !== undefined ? row[intentColumn] : undefined;
    return toMessage(file, i + 2, { text: textColumn !== undefined ? row[textColumn] : undefined, intent: intent ? intent : null });
  });
}

function toMessage(file: string, line: number, value: unknown): LabelledMessage {
  if (value === null || typeof value !== 'object') throw new LabelledFileError(file, line, 'expected an object with "text" and "intent"');
  const { text, intent } = value as { text?: unknown; intent?: unknown };
  if (typeof text !== 'string') throw new LabelledFileError(file, line, '"text" must be a string');
  if (intent !== null && intent !== undefined && typeof intent !== 'string') throw new LabelledFileError(file, line, '"intent" must be a string or null');
  return { text, intent: typeof intent === 'string' && intent.trim() ? intent.trim() : null };
}

/** The knowledge-base entry id for a dataset label ("Card_Arrival" → "card_arrival"). */
export function entryIdForLabel(label: string): string {
  const id = label
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_./-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .replace(/-+$/, '');
  return id || 'intent';
}
