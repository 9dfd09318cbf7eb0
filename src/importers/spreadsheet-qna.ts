import { basename } from 'node:path';
import type { MigratedEntry, Migration } from './migrate';
import { listForMessage, MAX_COLUMNS } from './import-files';
import { ImportNotes, readSheetSource, withoutRepeatedHeaders, type SheetSource } from './spreadsheet-source';
import { checkSheetRows, splitQuestionCell, tooManyColumns, type SheetRow } from './spreadsheet-text';

/** Columns of a QnA Maker / custom question answering export, by their lower-case header. */
const QNA_COLUMNS = ['question', 'answer', 'source', 'metadata', 'suggestedquestions', 'iscontextonly', 'prompts', 'qnaid'] as const;
type QnaColumn = (typeof QNA_COLUMNS)[number];
const isQnaColumn = (name: string): name is QnaColumn => (QNA_COLUMNS as readonly string[]).includes(name);

/** A follow-up prompt: the QnA it leads to and the button text. */
interface Prompt {
  readonly order: number;
  readonly qnaId: string;
  readonly text: string;
}

/** A QnA pair while its rows (one per question) are read. */
interface Pair {
  readonly line: number;
  readonly qnaId?: string;
  readonly questions: Set<string>;
  readonly answer: string;
  readonly category?: string;
  readonly prompts: readonly Prompt[];
}

/** Metadata keys that are not imported: how many pairs carry each, and the first place. */
interface DroppedMetadata {
  count: number;
  readonly line: number;
  readonly example: string;
}

/**
 * QnA Maker escapes line breaks in answers as "\n"; a field that Excel re-saved may be quoted.
 * Only a cell quoted whole, with inner quotes doubled, is unquoted.
 */
function cellText(raw: string): string {
  const t = raw.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"') && !/(^|[^"])"([^"]|$)/.test(t.slice(1, -1))) return t.slice(1, -1).replace(/""/g, '"');
  return t;
}

/** Rows of a QnA Maker TSV: plain tab-separated lines (answers keep their newlines escaped). */
function tsvRows(text: string, file: string): SheetRow[] {
  const rows: SheetRow[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    // Tabs counted before splitting: a line of a million tabs is refused, not made a million cells.
    for (let tab = lines[i].indexOf('\t'), cells = 2; tab >= 0; tab = lines[i].indexOf('\t', tab + 1), cells++)
      if (cells > MAX_COLUMNS) throw tooManyColumns(file, i + 1, 'more');
    rows.push({ line: i + 1, cells: lines[i].split('\t').map(cellText) });
  }
  checkSheetRows(rows, file);
  return rows;
}

/** "key:value|key:value" (also the JSON form `[{"name":…,"value":…}]`) as pairs, keys in lower case. */
function metadataPairs(cell: string): [string, string][] {
  const text = cell.trim();
  if (text === '' || text === '[]') return [];
  if (text.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed))
        return parsed.flatMap((m: unknown): [string, string][] =>
          typeof m === 'object' && m !== null && 'name' in m && 'value' in m ? [[String(m.name).trim().toLowerCase(), String(m.value).trim()]] : [],
        );
    } catch {
      // Not JSON: read as key:value below.
    }
  }
  return text.split('|').flatMap((part): [string, string][] => {
    const colon = part.indexOf(':');
    return colon > 0 ? [[part.slice(0, colon).trim().toLowerCase(), part.slice(colon + 1).trim()]] : [];
  });
}

/** A property of a JSON object whatever its case ("qnaId", "QnaId"). */
const field = (o: object, name: string): unknown => Object.entries(o).find(([k]) => k.toLowerCase() === name)?.[1];

/** The Prompts cell: a JSON list of {DisplayOrder, QnaId, DisplayText}; undefined when it is not JSON. */
function promptsOf(cell: string): Prompt[] | undefined {
  const text = cell.trim();
  if (text === '' || text === '[]') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  return parsed
    .flatMap((p: unknown): Prompt[] => {
      if (typeof p !== 'object' || p === null) return [];
      const qnaId = field(p, 'qnaid');
      const display = field(p, 'displaytext');
      const order = field(p, 'displayorder');
      if (typeof qnaId !== 'number' && typeof qnaId !== 'string') return [];
      return [{ qnaId: String(qnaId), text: typeof display === 'string' ? display : '', order: typeof order === 'number' ? order : 0 }];
    })
    .sort((a, b) => a.order - b.order);
}

const listLength = (cell: string): number => {
  try {
    const parsed: unknown = JSON.parse(cell);
    return Array.isArray(parsed) ? parsed.length : 0;
  } catch {
    return 0;
  }
};

/**
 * Turns the rows of a QnA Maker export (header first) into entries. Exported for `readFaqSheet`,
 * which hands over a sheet whose header is a QnA Maker one.
 */
export function qnaMakerMigration(path: string, source: SheetSource, onProgress?: (done: number, total: number) => void): Migration {
  const file = basename(path);
  const notes = new ImportNotes(source.notes);
  const rows = source.kind === 'text' ? tsvRows(source.text, path) : source.rows;
  const [header, ...rest] = rows;
  const index = new Map<QnaColumn, number>();
  header.cells.forEach((title, i) => {
    const name = title.trim().toLowerCase();
    if (isQnaColumn(name) && !index.has(name)) index.set(name, i);
  });
  if (!index.has('question') || !index.has('answer'))
    throw new Error(
      `${path}:${header.line}: not a QnA Maker export: expected a tab-separated header with Question and Answer (and Source, Metadata, QnaId, Prompts …); found: ${listForMessage(header.cells.filter(Boolean)) || 'an empty row'}`,
    );
  const data = withoutRepeatedHeaders(rest, header, file, notes);
  const col = (row: SheetRow, name: QnaColumn): string => {
    const i = index.get(name);
    return i === undefined ? '' : (row.cells[i] ?? '');
  };
  const pairs = new Map<string, Pair>();
  const byQnaId = new Map<string, Pair>();
  const droppedMetadata = new Map<string, DroppedMetadata>();
  let suggested: { pairs: number; questions: number; line: number } | undefined;
  for (let i = 0; i < data.length; i++) {
    if (i % 500 === 0) onProgress?.(i, data.length);
    const row = data[i];
    const place = { file, line: row.line };
    const question = col(row, 'question');
    const answer = col(row, 'answer').replace(/\\n/g, '\n').trim();
    const metadata = col(row, 'metadata');
    const qnaId = col(row, 'qnaid');
    const key = qnaId ? `id\u0000${qnaId}` : `answer\u0000${answer}\u0000${metadata}`;
    // Alternatives in one cell ("Halo | hai | selamat pagi"), as `import csv` reads them.
    const questions = splitQuestionCell(question);
    const known = pairs.get(key);
    if (known) {
      for (const q of questions) known.questions.add(q);
      continue;
    }
    // The first row of a pair carries what all its rows repeat: metadata, prompts, context.
    let category: string | undefined;
    for (const [name, value] of metadataPairs(metadata)) {
      if ((name === 'category' || name === 'kategori') && value) category ??= value;
      else if (name === 'editorial' && value.toLowerCase() === 'chitchat') category ??= 'chitchat';
      else {
        const seen = droppedMetadata.get(name);
        if (seen) seen.count++;
        else droppedMetadata.set(name, { count: 1, line: row.line, example: `${name}:${value}` });
      }
    }
    const prompts = promptsOf(col(row, 'prompts'));
    if (!prompts) notes.dropped(place, 'the Prompts cell is not valid JSON; its follow-up prompts are not imported');
    if (/^true$/i.test(col(row, 'iscontextonly')))
      notes.dropped(place, `"${question}" is context-only (QnA Maker offers it only as a follow-up); imported as an ordinary entry`);
    const suggestions = listLength(col(row, 'suggestedquestions'));
    if (suggestions > 0) {
      suggested ??= { pairs: 0, questions: 0, line: row.line };
      suggested.pairs++;
      suggested.questions += suggestions;
    }
    const pair: Pair = {
      line: row.line,
      ...(qnaId ? { qnaId } : {}),
      questions: new Set(questions),
      answer,
      ...(category ? { category } : {}),
      prompts: prompts ?? [],
    };
    pairs.set(key, pair);
    if (qnaId) byQnaId.set(qnaId, pair);
  }
  for (const [name, seen] of droppedMetadata)
    notes.dropped(
      { file, line: seen.line },
      `metadata "${name}" on ${seen.count} QnA pair${seen.count === 1 ? '' : 's'} (e.g. "${seen.example}") is not imported; Tanya has no metadata filters (a "category:" key becomes the category)`,
    );
  if (suggested)
    notes.dropped(
      { file, line: suggested.line },
      `${suggested.questions} suggested question${suggested.questions === 1 ? '' : 's'} from active learning on ${suggested.pairs} QnA pair${suggested.pairs === 1 ? '' : 's'} (never accepted in QnA Maker) are not imported`,
    );
  const entries: MigratedEntry[] = [];
  for (const pair of pairs.values()) {
    const place = { file, line: pair.line };
    const [first] = pair.questions;
    if (first === undefined) {
      notes.dropped(place, `${pair.qnaId ? `QnA ${pair.qnaId}` : 'a QnA pair'} has no question; skipped`);
      continue;
    }
    if (!pair.answer) notes.info(place, `"${first}" has no answer; imported with a TODO answer`);
    const suggestions = pair.prompts.flatMap((prompt) => {
      const target = byQnaId.get(prompt.qnaId);
      const [name] = target?.questions ?? [];
      if (name !== undefined) return [name];
      notes.dropped(place, `the follow-up prompt "${prompt.text}" leads to QnA ${prompt.qnaId}, which is not in the file; kept as a suggestion by its text`);
      return prompt.text ? [prompt.text] : [];
    });
    entries.push({
      name: first,
      questions: [...pair.questions],
      ...(pair.answer ? { answer: pair.answer } : {}),
      ...(pair.category ? { category: pair.category } : {}),
      ...(suggestions.length > 0 ? { suggestions } : {}),
      from: { file, line: pair.line },
    });
  }
  onProgress?.(data.length, data.length);
  return { entries, unsupported: notes.unsupported, notes: notes.notes };
}

/**
 * A QnA Maker / Azure custom question answering export: the TSV (Question, Answer, Source,
 * Metadata, SuggestedQuestions, IsContextOnly, Prompts, QnaId; or the older Question, Answer,
 * Metadata/Source form) or the same columns in an `.xlsx`. Questions are grouped by QnaId (or by
 * answer and metadata when there is none); follow-up prompts become `suggestions` naming their
 * target's first question (which is that entry's name); `category:`/`kategori:` metadata becomes
 * the category and `editorial:chitchat` the category "chitchat". Reads in one pass, so the
 * 9,700-row chit-chat files import in well under a second.
 *
 * @example
 * const migration = await readQnaMaker('kb-export.tsv');
 * migration.entries[0]; // { name: 'Jam buka toko?', questions: [...], answer: '…', suggestions: [...] }
 */
export async function readQnaMaker(file: string, options: { onProgress?: (done: number, total: number) => void } = {}): Promise<Migration> {
  return qnaMakerMigration(file, await readSheetSource(file), options.onProgress);
}
