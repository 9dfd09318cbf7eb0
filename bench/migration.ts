/**
 * Moving in from other tools: each export under test/fixtures/import/ that has a paraphrase set in
 * bench/migration/ (messages written from each entry's meaning, not from the source's examples)
 * is imported the way a migrating user does it, then scored through the engine as customers are
 * served: an answer the import left as "TODO" is not sent, so its questions count as not answered.
 *
 *   npm run bench:migration
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { evaluateCases, expectedEntry } from '../src/eval/evaluate';
import { readLabelledFile } from '../src/eval/labelled-file';
import { readDialogflowAgent } from '../src/importers/dialogflow';
import { writeMigration, type Migration } from '../src/importers/migrate';
import { readRasaProject } from '../src/importers/rasa';
import { readFaqSheet, readQnaMaker } from '../src/importers/spreadsheet';
import { loadKnowledge } from '../src/knowledge/loader';
import { isPlaceholderAnswer } from '../src/knowledge/placeholder';

const root = resolve(__dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'import');
const pct = (x: number): string => (x * 100).toFixed(1);

/** The export a fixture folder holds and how its owner would import it. */
async function importOf(name: string): Promise<{ tool: string; migration: Migration }> {
  const dir = join(fixtures, name);
  if (name.startsWith('rasa-')) return { tool: 'rasa', migration: readRasaProject(dir) };
  if (name.startsWith('dialogflow-')) return { tool: 'dialogflow', migration: readDialogflowAgent(dir) };
  const file = readdirSync(dir).find((f) => /\.(csv|tsv|txt|xlsx)$/i.test(f) && !f.startsWith('LICENSE'));
  if (file === undefined) throw new Error(`${dir}: no spreadsheet`);
  const path = join(dir, file);
  return /qnamaker|chitchat/.test(name) ? { tool: 'qna', migration: await readQnaMaker(path) } : { tool: 'csv', migration: await readFaqSheet(path) };
}

async function main(): Promise<void> {
  const sets = readdirSync(join(root, 'bench', 'migration'))
    .filter((f) => f.endsWith('.jsonl'))
    .sort();
  const out = [
    '| source | tool | entries | TODO answers | messages | best-ranked entry right | answered right (as served) | answered right, entries with an answer | false-answer rate |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  let right = 0;
  let inScope = 0;
  let rightWritten = 0;
  let inScopeWritten = 0;
  let top = 0;
  let falseAnswers = 0;
  let outOfScope = 0;
  for (const set of sets) {
    const name = set.replace(/\.jsonl$/, '');
    if (!existsSync(join(fixtures, name))) continue;
    const dir = mkdtempSync(join(tmpdir(), 'tanya-migration-'));
    try {
      const { tool, migration } = await importOf(name);
      const written = writeMigration(dir, migration, name, tool);
      const kb = loadKnowledge(dir);
      const cases = readLabelledFile(join(root, 'bench', 'migration', set));
      const { metrics } = await evaluateCases(kb, cases, undefined, 'fallback');
      // The same, leaving out questions for entries the source gave no answer (they can only fall back).
      const todo = new Set(kb.entries.filter((e) => e.answer !== undefined && isPlaceholderAnswer(e.answer.id)).map((e) => e.id));
      const withAnswers = (
        await evaluateCases(
          kb,
          cases.filter((c) => c.intent === null || !todo.has(expectedEntry(kb, c.intent) ?? '')),
          undefined,
          'fallback',
        )
      ).metrics;
      right += metrics.inScopeAccuracy * metrics.inScope;
      inScope += metrics.inScope;
      rightWritten += withAnswers.inScopeAccuracy * withAnswers.inScope;
      inScopeWritten += withAnswers.inScope;
      top += metrics.top1Accuracy * metrics.inScope;
      falseAnswers += metrics.falseAnswerRate * metrics.outOfScope;
      outOfScope += metrics.outOfScope;
      out.push(
        `| ${name} | ${tool} | ${written.entries} | ${written.placeholders} | ${metrics.n} | ${pct(metrics.top1Accuracy)} | ${pct(metrics.inScopeAccuracy)} | ${pct(withAnswers.inScopeAccuracy)} | ${metrics.outOfScope > 0 ? pct(metrics.falseAnswerRate) : '—'} |`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const share = (a: number, b: number): string => pct(b === 0 ? 0 : a / b);
  out.push(
    '',
    `All sources, ${inScope} in-scope messages: best-ranked entry right ${share(top, inScope)} %, answered right as served ${share(right, inScope)} %` +
      ` (${share(rightWritten, inScopeWritten)} % of the ${inScopeWritten} asking entries that have an answer); ` +
      `${Math.round(falseAnswers)} of ${outOfScope} out-of-scope messages answered.`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
}

void main();
