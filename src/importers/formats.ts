import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import AdmZip from 'adm-zip';
import { parse as parseCsv } from 'csv-parse/sync';
import { parse as parseYaml } from 'yaml';
import type { MigratedEntry, Migration } from './migrate';

type Progress = (done: number, total: number) => void;

/** Column names people use in FAQ spreadsheets (Indonesian and English). */
const COLUMN_NAMES: Readonly<Record<'question' | 'answer' | 'category' | 'language', readonly string[]>> = {
  question: ['question', 'questions', 'pertanyaan', 'q'],
  answer: ['answer', 'jawaban', 'a', 'response'],
  category: ['category', 'kategori', 'topic', 'topik'],
  language: ['language', 'bahasa', 'lang'],
};

function splitQuestions(cell: string): string[] {
  return cell
    .split(/\r?\n|\s\|\s|;;/)
    .map((q) => q.trim())
    .filter(Boolean);
}

/**
 * A spreadsheet export (CSV, or TSV by extension): question, answer, optional category and
 * language columns. Rows with the same answer become one entry with several questions; a
 * question cell may itself hold several questions (one per line, or separated by " | ").
 */
export function readSpreadsheet(file: string, onProgress?: Progress): Migration {
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const delimiter = /\.tsv$/i.test(file) || (!text.split('\n')[0].includes(',') && text.includes('\t')) ? '\t' : ',';
  const rows = parseCsv<Record<string, string>>(text, {
    columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
    delimiter,
    skip_empty_lines: true,
    relax_column_count: true,
    bom: true,
  });
  const header = Object.keys(rows[0] ?? {});
  const column = (kind: keyof typeof COLUMN_NAMES): string | undefined => header.find((h) => COLUMN_NAMES[kind].includes(h));
  const q = column('question');
  const a = column('answer');
  if (!q || !a) throw new Error(`${file}: needs a "question" and an "answer" column (found: ${header.join(', ') || 'nothing'})`);
  const c = column('category');
  const known = new Set([q, a, c, column('language')]);
  const unsupported = header.filter((h) => !known.has(h)).map((h) => `column "${h}" (kept nowhere)`);
  const byAnswer = new Map<string, { questions: string[]; answer: string; category?: string }>();
  rows.forEach((row, i) => {
    if (i % 500 === 0) onProgress?.(i, rows.length);
    const answer = (row[a] ?? '').trim();
    const key = `${(c && row[c]) || ''}|${answer}`;
    const entry = byAnswer.get(key) ?? { questions: [], answer, ...(c && row[c] ? { category: row[c].trim() } : {}) };
    for (const question of splitQuestions(row[q] ?? '')) entry.questions.push(question);
    byAnswer.set(key, entry);
  });
  onProgress?.(rows.length, rows.length);
  return { entries: [...byAnswer.values()].map((e) => ({ name: e.questions[0] ?? e.category ?? 'entry', ...e })), unsupported };
}

/**
 * A QnA Maker / Azure custom question answering TSV export (Question, Answer, Source, Metadata,
 * and in newer exports QnaId, SuggestedQuestions, IsContextOnly, Prompts). Questions of one QnA
 * pair become one entry; multi-turn prompts are listed as not imported.
 */
export function readQnaTsv(file: string, onProgress?: Progress): Migration {
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const rows = parseCsv<Record<string, string>>(text, {
    columns: (h: string[]) => h.map((x) => x.trim().toLowerCase()),
    delimiter: '\t',
    skip_empty_lines: true,
    relax_column_count: true,
    relax_quotes: true,
    quote: false,
  });
  if (!rows[0] || !('question' in rows[0]) || !('answer' in rows[0]))
    throw new Error(`${file}: not a QnA Maker export (needs Question and Answer columns, tab-separated)`);
  const unsupported: string[] = [];
  const pairs = new Map<string, { questions: string[]; answer: string; category?: string }>();
  rows.forEach((row, i) => {
    if (i % 500 === 0) onProgress?.(i, rows.length);
    const answer = (row.answer ?? '').replace(/\\n/g, '\n').trim();
    const key = row.qnaid?.trim() || answer;
    const category = /(?:^|\|)\s*category\s*:\s*([^|]+)/i.exec(row.metadata ?? '')?.[1]?.trim();
    const pair = pairs.get(key) ?? { questions: [], answer, ...(category ? { category } : {}) };
    if (row.question?.trim()) pair.questions.push(row.question.trim());
    pairs.set(key, pair);
    const prompts = row.prompts?.trim();
    if (prompts && prompts !== '[]') unsupported.push(`follow-up prompts of "${row.question}" (multi-turn; write a flow or "suggest:" instead)`);
    if (/^true$/i.test(row.iscontextonly ?? '')) unsupported.push(`context-only pair "${row.question}" (imported as a normal entry)`);
  });
  onProgress?.(rows.length, rows.length);
  return { entries: [...pairs.values()].map((p) => ({ name: p.category ?? p.questions[0] ?? 'qna', ...p })), unsupported: [...new Set(unsupported)] };
}

interface RasaNluItem {
  intent?: string;
  examples?: string;
  synonym?: string;
  regex?: string;
  lookup?: string;
}

/** "- text" lines of a Rasa examples block, entity annotations "[Jakarta](city)" reduced to their text. */
function rasaExamples(block: string): { texts: string[]; annotated: boolean } {
  let annotated = false;
  const texts = block
    .split('\n')
    .map((l) => l.replace(/^\s*-\s?/, '').trim())
    .filter(Boolean)
    .map((t) =>
      t.replace(/\[([^\]]+)\](\([^)]*\)|\{[^}]*\})/g, (_, text: string) => {
        annotated = true;
        return text;
      }),
    );
  return { texts, annotated };
}

/**
 * A Rasa `nlu.yml` (and, when found next to it or given, `domain.yml`): each intent becomes an
 * entry with its examples; its answer is the `utter_<intent>` text response. Synonyms, regexes,
 * lookups, entity annotations, stories and rules are listed as not imported.
 */
export function readRasa(nluFile: string, domainFile?: string, onProgress?: Progress): Migration {
  const nlu = parseYaml(readFileSync(nluFile, 'utf8')) as { nlu?: RasaNluItem[] } | null;
  if (!nlu || !Array.isArray(nlu.nlu)) throw new Error(`${nluFile}: not a Rasa NLU file (needs "nlu:" with intents)`);
  const domainPath = domainFile ?? join(dirname(nluFile), 'domain.yml');
  const domain = existsSync(domainPath)
    ? (parseYaml(readFileSync(domainPath, 'utf8')) as {
        responses?: Record<string, { text?: string; buttons?: unknown; image?: unknown; custom?: unknown }[]>;
      } | null)
    : null;
  const unsupported: string[] = [];
  if (!domain) unsupported.push(`responses: no domain.yml found (answers are placeholders; pass --domain FILE)`);
  const entries: MigratedEntry[] = [];
  for (const [i, item] of nlu.nlu.entries()) {
    if (i % 50 === 0) onProgress?.(i, nlu.nlu.length);
    if (item.intent) {
      const { texts, annotated } = rasaExamples(item.examples ?? '');
      if (annotated) unsupported.push(`entity annotations in intent "${item.intent}" (kept as plain text)`);
      const responses = domain?.responses?.[`utter_${item.intent}`] ?? [];
      const text = responses.find((r) => typeof r.text === 'string')?.text;
      if (responses.some((r) => r.buttons || r.image || r.custom))
        unsupported.push(`buttons/images/custom payloads of utter_${item.intent} (only the text is kept)`);
      if (domain && !text) unsupported.push(`intent "${item.intent}" has no utter_${item.intent} text response (placeholder answer)`);
      entries.push({ name: item.intent, questions: texts, ...(text ? { answer: text } : {}) });
    } else if (item.synonym) unsupported.push(`synonym "${item.synonym}" (add it under settings.synonyms)`);
    else if (item.regex) unsupported.push(`regex "${item.regex}"`);
    else if (item.lookup) unsupported.push(`lookup table "${item.lookup}"`);
  }
  onProgress?.(nlu.nlu.length, nlu.nlu.length);
  return { entries, unsupported: [...new Set(unsupported)] };
}

interface DialogflowIntent {
  name?: string;
  webhookUsed?: boolean;
  events?: unknown[];
  contexts?: unknown[];
  responses?: { messages?: { type?: number | string; lang?: string; speech?: string | string[] }[]; affectedContexts?: unknown[]; parameters?: unknown[] }[];
}

/**
 * A Dialogflow ES agent export (the folder, or the .zip as downloaded): `intents/<name>.json`
 * with text responses and `intents/<name>_usersays_<lang>.json` with training phrases. Other
 * response types (cards, quick replies, payloads), contexts, events, webhooks and entities are
 * listed as not imported.
 */
export function readDialogflow(path: string, onProgress?: Progress): Migration {
  const files = new Map<string, string>();
  if (statSync(path).isDirectory()) {
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const full = join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (name.endsWith('.json')) files.set(full.slice(path.length + 1).replace(/\\/g, '/'), readFileSync(full, 'utf8'));
      }
    };
    walk(path);
  } else {
    for (const entry of new AdmZip(path).getEntries()) {
      if (!entry.isDirectory && entry.entryName.endsWith('.json')) files.set(entry.entryName, entry.getData().toString('utf8'));
    }
  }
  const intentFiles = [...files.keys()].filter((f) => /(^|\/)intents\/[^/]+\.json$/.test(f) && !/_usersays_[a-z-]+\.json$/i.test(f)).sort();
  if (intentFiles.length === 0)
    throw new Error(`${path}: no intents/*.json found; export the agent from the Dialogflow ES console (Settings → Export and Import)`);
  const unsupported: string[] = [];
  if ([...files.keys()].some((f) => /(^|\/)entities\//.test(f))) unsupported.push('entities (use products/stores in the catalogue, or synonyms)');
  const entries: MigratedEntry[] = [];
  for (const [i, file] of intentFiles.entries()) {
    if (i % 50 === 0) onProgress?.(i, intentFiles.length);
    const intent = JSON.parse(files.get(file) ?? '{}') as DialogflowIntent;
    const name = intent.name ?? basename(file, '.json');
    const stem = file.replace(/\.json$/, '');
    const questions = [...files.keys()]
      .filter((f) => f.startsWith(`${stem}_usersays_`))
      .flatMap((f) =>
        (JSON.parse(files.get(f) ?? '[]') as { data?: { text?: string }[] }[]).map((u) =>
          (u.data ?? [])
            .map((d) => d.text ?? '')
            .join('')
            .trim(),
        ),
      );
    const texts: string[] = [];
    for (const response of intent.responses ?? []) {
      for (const message of response.messages ?? []) {
        if (String(message.type ?? '0') !== '0') {
          unsupported.push(`non-text responses of intent "${name}" (cards, quick replies, payloads)`);
          continue;
        }
        const speech = Array.isArray(message.speech) ? message.speech[0] : message.speech;
        if (speech) texts.push(speech);
      }
      if ((response.affectedContexts?.length ?? 0) > 0 || (intent.contexts?.length ?? 0) > 0)
        unsupported.push(`contexts of intent "${name}" (write a flow for multi-turn tasks)`);
    }
    if (intent.webhookUsed) unsupported.push(`webhook fulfilment of intent "${name}" (use a flow's http action)`);
    if ((intent.events?.length ?? 0) > 0) unsupported.push(`events of intent "${name}"`);
    if (questions.length === 0) unsupported.push(`intent "${name}" has no training phrases`);
    entries.push({ name, questions, ...(texts[0] ? { answer: texts[0] } : {}) });
  }
  onProgress?.(intentFiles.length, intentFiles.length);
  return { entries, unsupported: [...new Set(unsupported)] };
}
