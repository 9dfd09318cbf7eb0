/**
 * Speed benchmark: Tanya and NLP.js side by side on the sample shop, a generated 1,000-entry
 * knowledge base, clinc150's full training set (150 entries, 15k examples) and a generated
 * 10,000-entry one. Each cell runs in its own process; figures are printed, not asserted.
 *
 *   npm run bench:speed [-- --timeout 300]
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { hasDataset } from './datasets';
import { prepareWorkload, type KbName } from './speed-run';

interface Figures {
  entries: number;
  examples: number;
  loadMs: number;
  p50: number;
  p99: number;
  perSecond: number;
  peakRssMb: number;
}

const timeoutFlag = process.argv.indexOf('--timeout');
const timeoutS = timeoutFlag >= 0 ? Number(process.argv[timeoutFlag + 1]) : 300;
if (!Number.isFinite(timeoutS) || timeoutS <= 0) throw new Error('--timeout takes a number of seconds, e.g. --timeout 300');
const kbs = ['sample', 'kb1000', 'clinc150', 'kb10000'].filter((k) => k !== 'clinc150' || hasDataset('clinc150'));

function run(system: string, workload: { kbDir: string; queriesFile: string }): Figures | string {
  const r = spawnSync(process.execPath, ['--expose-gc', join(__dirname, 'speed-run.js'), system, workload.kbDir, workload.queriesFile], {
    encoding: 'utf8',
    timeout: timeoutS * 1000,
    maxBuffer: 1 << 24,
  });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') return `> ${timeoutS} s`;
  if (r.status !== 0) return `error: ${(r.stderr || '').split('\n')[0].slice(0, 80)}`;
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Figures;
}

const f = (x: number, digits = 2): string => x.toFixed(digits);
process.stdout.write('| knowledge base | system | entries / examples | load | p50 ms | p99 ms | msg/s | peak RSS MB |\n|---|---|---|---|---|---|---|---|\n');
const workDir = mkdtempSync(join(tmpdir(), 'tanya-speed-'));
for (const kb of kbs) {
  const workload = prepareWorkload(kb as KbName, mkdtempSync(join(workDir, `${kb}-`)));
  for (const system of ['tanya', 'nlpjs']) {
    const r = run(system, workload);
    if (typeof r === 'string') process.stdout.write(`| ${kb} | ${system} | | ${r} | | | | |\n`);
    else
      process.stdout.write(
        `| ${kb} | ${system} | ${r.entries} / ${r.examples} | ${r.loadMs < 1000 ? `${f(r.loadMs, 0)} ms` : `${f(r.loadMs / 1000, 1)} s`} | ${f(r.p50, 3)} | ${f(r.p99, 3)} | ${f(r.perSecond, 0)} | ${f(r.peakRssMb, 0)} |\n`,
      );
  }
}
rmSync(workDir, { recursive: true, force: true });
process.stdout.write('\nTanya: whole engine per message (normalize, match, decide, SQLite transcript in WAL mode on disk). NLP.js: manager.process only.\n');
