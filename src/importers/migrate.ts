import { writeFaqFiles } from './write-faq';
import { LanguageDetector } from '../matching/language';
import { foldText } from '../matching/normalize';

/** One entry read from another tool's export, before it becomes YAML. */
export interface MigratedEntry {
  /** A name to derive the entry id from (intent name, category, first question). */
  readonly name: string;
  readonly questions: readonly string[];
  /** The answer as the source has it (may be missing: a placeholder is written). */
  readonly answer?: string;
  readonly category?: string;
}

/** What an importer read, and what it could not carry over (listed for the editor, never silently dropped). */
export interface Migration {
  readonly entries: readonly MigratedEntry[];
  readonly unsupported: readonly string[];
}

const detector = new LanguageDetector([], []);

const words = (text: string): string[] =>
  foldText(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

/** A valid, unique entry id from a name: lower case, "-" between words. */
function idFor(name: string, taken: Set<string>): string {
  const base =
    foldText(name)
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 48) || 'entry';
  let id = /^[a-z0-9]/.test(base) ? base : `e-${base}`;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}

export interface WrittenKnowledge {
  readonly path: string;
  readonly entries: number;
  readonly questions: number;
  readonly skipped: readonly string[];
}

/**
 * Writes migrated entries as `faq.yaml`: questions sorted into Indonesian and English, answers
 * kept (an English-only answer is put under both languages for the editor to translate), and the
 * unsupported parts listed at the top of the file as well as returned.
 */
export function writeMigration(outDir: string, migration: Migration, source: string, tool: string): WrittenKnowledge {
  const taken = new Set<string>();
  const skipped: string[] = [];
  const faq = migration.entries.flatMap((e) => {
    const questions = [...new Set(e.questions.map((q) => q.trim()).filter(Boolean))];
    if (questions.length === 0) {
      skipped.push(`"${e.name}": no questions, so the bot could never match it`);
      return [];
    }
    const id = idFor(e.name, taken);
    const split = { id: [] as string[], en: [] as string[] };
    for (const q of questions) (detector.detect(words(q), 'id') === 'en' ? split.en : split.id).push(q);
    const answer = e.answer?.trim();
    const answerLang = answer ? detector.detect(words(answer), 'id') : 'id';
    return [
      {
        id,
        ...(e.category ? { category: e.category } : {}),
        questions: split,
        answer: !answer
          ? { id: `(Jawaban untuk "${e.name}" belum ditulis.)`, en: `(The answer for "${e.name}" is not written yet.)` }
          : answerLang === 'en'
            ? { id: answer, en: answer }
            : { id: answer },
      },
    ];
  });
  const notes = [...migration.unsupported, ...skipped];
  const header = [
    `# Imported by "tanya import ${tool}" from ${source}.`,
    '# Check the answers (English-only answers are also under "id:"; translate them), then run "tanya check".',
    ...(notes.length > 0 ? ['# Not imported:', ...notes.map((n) => `#   - ${n.replace(/\n/g, ' ')}`)] : []),
    '',
  ].join('\n');
  const [path] = writeFaqFiles(outDir, header, faq);
  return { path, entries: faq.length, questions: faq.reduce((n, e) => n + e.questions.id.length + e.questions.en.length, 0), skipped: notes };
}
