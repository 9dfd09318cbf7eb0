import { placeholderAnswer } from '../knowledge/placeholder';
import { writeFaqFiles } from '../importers/write-faq';
import { LanguageDetector } from '../matching/language';
import { foldText } from '../matching/normalize';
import { entryIdForLabel, type LabelledMessage } from './labelled-file';

export interface ImportOptions {
  /** Keep only the first N examples of each label, in file order. */
  readonly perIntent?: number;
  /** Called every few hundred rows, for a progress bar. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface ImportedEntry {
  readonly id: string;
  readonly questions: { readonly id: string[]; readonly en: string[] };
  readonly answer: { readonly id: string; readonly en: string };
}

export interface ImportResult {
  readonly entries: readonly ImportedEntry[];
  readonly rows: number;
  readonly skippedNull: number;
  readonly skippedOverLimit: number;
  readonly skippedDuplicate: number;
}

const detector = new LanguageDetector([], []);

/**
 * Builds knowledge-base entries from labelled examples: one entry per label, its examples as
 * questions (sorted into Indonesian and English), a placeholder answer for editors to write.
 */
export function importIntents(rows: readonly LabelledMessage[], options: ImportOptions = {}): ImportResult {
  const byId = new Map<string, { label: string; id: string[]; en: string[]; seen: Set<string> }>();
  let skippedNull = 0;
  let skippedOverLimit = 0;
  let skippedDuplicate = 0;
  rows.forEach((row, i) => {
    if (i % 500 === 0) options.onProgress?.(i, rows.length);
    if (row.intent === null) {
      skippedNull++;
      return;
    }
    const id = entryIdForLabel(row.intent);
    let entry = byId.get(id);
    if (!entry) {
      entry = { label: row.intent, id: [], en: [], seen: new Set() };
      byId.set(id, entry);
    }
    const text = row.text.trim();
    const key = text.toLowerCase();
    if (!text || entry.seen.has(key)) {
      skippedDuplicate++;
      return;
    }
    if (options.perIntent !== undefined && entry.seen.size >= options.perIntent) {
      skippedOverLimit++;
      return;
    }
    entry.seen.add(key);
    const words = foldText(text)
      .split(/[^\p{L}\p{N}]+/u)
      .filter(Boolean);
    (detector.detect(words, 'id') === 'en' ? entry.en : entry.id).push(text);
  });
  options.onProgress?.(rows.length, rows.length);
  const entries = [...byId.entries()].map(([id, e]) => ({
    id,
    // No title: a label such as "card_arrival" reads badly in choices and adds noise to
    // matching; choices show the first example question instead.
    questions: { id: e.id, en: e.en },
    answer: placeholderAnswer(e.label),
  }));
  return { entries, rows: rows.length, skippedNull, skippedOverLimit, skippedDuplicate };
}

/** Writes imported entries as `faq.yaml` (split into faq-2.yaml … when large) in a knowledge folder (created if missing). */
export function writeImportedKnowledge(outDir: string, result: ImportResult, source: string): string {
  const header = [`# Imported by "tanya import intents" from ${source}: one entry per label.`, '# Replace each placeholder answer with the real one.', ''].join(
    '\n',
  );
  return writeFaqFiles(outDir, header, result.entries)[0];
}
