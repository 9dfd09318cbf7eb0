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
import { evaluateCases } from '../src/eval/evaluate';
import { computeMetrics, type CaseOutcome } from '../src/eval/metrics';
import { readLabelledFile } from '../src/eval/labelled-file';
import { readDialogflowAgent } from '../src/importers/dialogflow';
import { writeMigration, type Migration } from '../src/importers/migrate';
import { calibrateImported } from '../src/eval/calibrate';
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
  // Every source's outcomes, for the figures over all of them.
  const all: CaseOutcome[] = [];
  const allWithAnswers: CaseOutcome[] = [];
  for (const set of sets) {
    const name = set.replace(/\.jsonl$/, '');
    if (!existsSync(join(fixtures, name))) continue;
    const dir = mkdtempSync(join(tmpdir(), 'tanya-migration-'));
    try {
      const { tool, migration } = await importOf(name);
      const written = writeMigration(dir, migration, name, tool);
      // As "tanya import" does: thresholds calibrated for the imported knowledge base.
      calibrateImported(dir, written.path, written.report);
      const kb = loadKnowledge(dir);
      const cases = readLabelledFile(join(root, 'bench', 'migration', set));
      const { metrics, outcomes } = await evaluateCases(kb, cases, undefined, 'fallback');
      // The same run, leaving out questions for entries the source gave no answer (they can only fall back).
      const todo = new Set(kb.entries.filter((e) => e.answer !== undefined && isPlaceholderAnswer(e.answer.id)).map((e) => e.id));
      const answerable = outcomes.filter((o) => o.expected === null || !todo.has(o.expected));
      const withAnswers = computeMetrics(answerable);
      all.push(...outcomes);
      allWithAnswers.push(...answerable);
      out.push(
        `| ${name} | ${tool} | ${written.entries} | ${written.placeholders} | ${metrics.n} | ${pct(metrics.top1Accuracy)} | ${pct(metrics.inScopeAccuracy)} | ${pct(withAnswers.inScopeAccuracy)} | ${metrics.outOfScope > 0 ? pct(metrics.falseAnswerRate) : '—'} |`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const total = computeMetrics(all);
  const totalWithAnswers = computeMetrics(allWithAnswers);
  out.push(
    '',
    `All sources, ${total.inScope} in-scope messages: best-ranked entry right ${pct(total.top1Accuracy)} %, answered right as served ${pct(total.inScopeAccuracy)} %` +
      ` (${pct(totalWithAnswers.inScopeAccuracy)} % of the ${totalWithAnswers.inScope} asking entries that have an answer); ` +
      `${Math.round(total.falseAnswerRate * total.outOfScope)} of ${total.outOfScope} out-of-scope messages answered.`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
}

void main();
