import { placeholderAnswer } from '../knowledge/placeholder';
import { questionKey } from '../knowledge/quality';
import { writeFaqFiles } from '../importers/write-faq';
import { LanguageDetector, languagesOf } from '../matching/language';
import { foldedWords } from '../matching/normalize';
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
  /** Labels left without an example of their own (every one was under an earlier label too): no entry is written for them. */
  readonly emptyLabels: readonly string[];
}

const detector = new LanguageDetector([], []);

/**
 * Builds knowledge-base entries from labelled examples: one entry per label, its examples as
 * questions (sorted into Indonesian and English), a placeholder answer for editors to write.
 */
export function importIntents(rows: readonly LabelledMessage[], options: ImportOptions = {}): ImportResult {
  const byId = new Map<string, { label: string; texts: string[]; seen: Set<string> }>();
  // The same question under two labels would be an error in `tanya check`: the first label keeps it.
  const owner = new Map<string, string>();
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
      entry = { label: row.intent, texts: [], seen: new Set() };
      byId.set(id, entry);
    }
    const text = row.text.trim();
    const key = questionKey(text);
    const first = owner.get(key);
    if (!text || !key || entry.seen.has(key) || (first !== undefined && first !== id)) {
      skippedDuplicate++;
      return;
    }
    if (options.perIntent !== undefined && entry.seen.size >= options.perIntent) {
      skippedOverLimit++;
      return;
    }
    entry.seen.add(key);
    owner.set(key, id);
    entry.texts.push(text);
  });
  options.onProgress?.(rows.length, rows.length);
  const all = [...byId.values()].flatMap((e) => e.texts);
  const languages = languagesOf(detector, all.map(foldedWords));
  let k = 0;
  const emptyLabels = [...byId.values()].filter((e) => e.texts.length === 0).map((e) => e.label);
  const entries = [...byId.entries()]
    .filter(([, e]) => e.texts.length > 0)
    .map(([id, e]) => {
      const questions = { id: [] as string[], en: [] as string[] };
      for (const text of e.texts) questions[languages[k++]].push(text);
      // No title: a label such as "card_arrival" reads badly in choices and adds noise to
      // matching; choices show the first example question instead.
      return { id, questions, answer: placeholderAnswer(e.label) };
    });
  return { entries, rows: rows.length, skippedNull, skippedOverLimit, skippedDuplicate, emptyLabels };
}

/** Writes imported entries as `faq.yaml` (split into faq-2.yaml … when large) in a knowledge folder (created if missing). */
export function writeImportedKnowledge(outDir: string, result: ImportResult, source: string): string {
  const header = [`# Imported by "tanya import intents" from ${source}: one entry per label.`, '# Replace each placeholder answer with the real one.', ''].join(
    '\n',
  );
  return writeFaqFiles(outDir, header, result.entries)[0];
}
