/**
 * Accuracy benchmark: for each shared dataset and two regimes (all training examples; the first
 * 10 per intent), Tanya imports train with `tanya import intents`, tunes its thresholds on dev
 * with `tanya tune`, and is evaluated on dev through the real engine. NLP.js and natural's
 * classifiers are trained on the same rows and scored on the same dev cases.
 *
 *   npm run bench:accuracy [-- --only tanya_cs_id,banking77] [--systems tanya,nlpjs] [--peer-timeout 600]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateCases } from '../src/eval/evaluate';
import { importIntents, writeImportedKnowledge } from '../src/eval/import-intents';
import { readLabelledFile } from '../src/eval/labelled-file';
import { tuneThresholds, writeThresholds } from '../src/eval/tune';
import { loadKnowledge } from '../src/knowledge/loader';
import { Matcher } from '../src/matching/matcher';
import { DATASETS, datasetFile, datasetsDir, hasDataset, trainingRows, type DatasetName } from './datasets';
import type { PeerName } from './peer';

interface Cell {
  readonly inScopeAccuracy: number;
  /** Best-ranked entry right, ignoring refusals (Tanya only; peers without refusals equal their accuracy). */
  readonly top1Accuracy?: number;
  readonly oosRecall: number;
  readonly falseAnswerRate: number;
  readonly outOfScope: number;
  readonly trainMs: number;
}
type Result = Cell | { readonly failed: string };

const SYSTEMS = ['tanya', 'nlpjs', 'natural-bayes', 'natural-lr'] as const;
type SystemName = (typeof SYSTEMS)[number];

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function runTanya(dataset: DatasetName, perIntent: number | undefined): Promise<Cell> {
  const dir = mkdtempSync(join(tmpdir(), `tanya-bench-${dataset}-`));
  try {
    writeImportedKnowledge(dir, importIntents(trainingRows(dataset, perIntent)), datasetFile(dataset, 'train'));
    const dev = readLabelledFile(datasetFile(dataset, 'dev'));
    writeThresholds(dir, tuneThresholds(loadKnowledge(dir), dev).thresholds);
    const t0 = process.hrtime.bigint();
    const kb = loadKnowledge(dir);
    new Matcher(kb);
    const trainMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const { metrics } = await evaluateCases(kb, dev);
    return {
      inScopeAccuracy: metrics.inScopeAccuracy,
      top1Accuracy: metrics.top1Accuracy,
      oosRecall: metrics.oosRecall,
      falseAnswerRate: metrics.falseAnswerRate,
      outOfScope: metrics.outOfScope,
      trainMs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runPeer(system: PeerName, dataset: DatasetName, perIntent: number | undefined, timeoutS: number): Result {
  const args = [join(__dirname, 'peer.js'), system, dataset, ...(perIntent ? [String(perIntent)] : [])];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: timeoutS * 1000, maxBuffer: 1 << 24 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') return { failed: `> ${timeoutS} s` };
  if (r.status !== 0) return { failed: `error (${(r.stderr || '').split('\n')[0].slice(0, 60)})` };
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as Cell;
}

const pct = (x: number): string => (x * 100).toFixed(1);

function formatCell(r: Result | undefined): string {
  if (!r) return '—';
  if ('failed' in r) return r.failed;
  const oos = r.outOfScope > 0 ? ` / ${pct(r.oosRecall)} / ${pct(r.falseAnswerRate)}` : '';
  const top1 = r.top1Accuracy !== undefined ? `, top-1 ${pct(r.top1Accuracy)}` : '';
  return `${pct(r.inScopeAccuracy)}${oos} (${r.trainMs < 1000 ? `${Math.round(r.trainMs)} ms` : `${(r.trainMs / 1000).toFixed(1)} s`}${top1})`;
}

async function main(): Promise<void> {
  const only = flag('only')?.split(',') as DatasetName[] | undefined;
  const systems = (flag('systems')?.split(',') as SystemName[] | undefined) ?? [...SYSTEMS];
  const timeoutS = Number(flag('peer-timeout') ?? 600);
  const datasets = DATASETS.filter((d) => !only || only.includes(d));
  const missing = datasets.filter((d) => !hasDataset(d));
  if (missing.length === datasets.length) {
    process.stdout.write(`No shared datasets found in ${datasetsDir()} (set TANYA_DATASETS to their folder); nothing to measure.\n`);
    return;
  }
  for (const m of missing) process.stdout.write(`(skipping ${m}: not found in ${datasetsDir()})\n`);
  const present = datasets.filter((d) => hasDataset(d));
  for (const regime of [
    { name: 'all training examples', perIntent: undefined },
    { name: 'first 10 examples per intent', perIntent: 10 },
  ]) {
    process.stdout.write(`\n## ${regime.name} — dev split; cells: in-scope accuracy % [/ OOS recall % / false-answer rate %] (train/load time)\n\n`);
    process.stdout.write(`| dataset | ${systems.join(' | ')} |\n|---|${systems.map(() => '---').join('|')}|\n`);
    for (const dataset of present) {
      const cells: string[] = [];
      for (const system of systems) {
        const result: Result = system === 'tanya' ? await runTanya(dataset, regime.perIntent) : runPeer(system, dataset, regime.perIntent, timeoutS);
        cells.push(formatCell(result));
      }
      process.stdout.write(`| ${dataset} | ${cells.join(' | ')} |\n`);
    }
  }
  process.stdout.write(
    `\nTanya's thresholds were tuned on each dev split with "tanya tune" (false-answer rate ≤ 10 %; without OOS cases, wrong answers cost 0.5). Peers use their own defaults; natural's classifiers always answer. A peer over ${timeoutS} s is reported as such.\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
