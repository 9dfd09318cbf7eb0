/**
 * One speed measurement in its own process (so peak RSS belongs to it alone):
 *   node dist/bench/speed-run.js <tanya|nlpjs> <knowledge folder> <queries.json>
 * (bench/speed.ts prepares the folders and queries with prepareWorkload).
 * Prints one JSON line: load ms, p50/p99 latency (ms), messages per second, peak RSS (MB).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Engine } from '../src/engine/engine';
import { importIntents, writeImportedKnowledge } from '../src/eval/import-intents';
import type { LabelledMessage } from '../src/eval/labelled-file';
import { readLabelledFile } from '../src/eval/labelled-file';
import { loadKnowledge } from '../src/knowledge/loader';
import type { KnowledgeBase } from '../src/knowledge/schema';
import { SqliteStore } from '../src/storage/sqlite-store';
import { datasetFile, trainingRows } from './datasets';

export type KbName = 'sample' | 'kb1000' | 'clinc150' | 'kb10000';

let peakRss = 0;
const sampleRss = (): void => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};
const timer = require.main === module ? setInterval(sampleRss, 20) : undefined;

/** Deterministic pseudo-random numbers, so every run measures the same knowledge base. */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

/** A generated knowledge base: entries × examples built from a Zipf-like pseudo-word vocabulary. */
function generated(entries: number, perEntry: number): { rows: LabelledMessage[]; queries: string[] } {
  const random = rng(entries);
  const syllables = ['ka', 'ri', 'mo', 'ta', 'nu', 'se', 'lo', 'pa', 'di', 'gu', 'be', 'ran', 'tor', 'sin', 'mal', 'ket'];
  const vocab = Array.from({ length: 20_000 }, () =>
    Array.from({ length: 2 + Math.floor(random() * 3) }, () => syllables[Math.floor(random() * syllables.length)]).join(''),
  );
  const common = ['berapa', 'bagaimana', 'apakah', 'bisa', 'saya', 'mau', 'tanya', 'harga', 'cara', 'kapan'];
  const word = (): string => vocab[Math.floor(vocab.length * random() ** 2)];
  const rows: LabelledMessage[] = [];
  const queries: string[] = [];
  for (let e = 0; e < entries; e++) {
    const topic = [word(), word(), word()];
    for (let k = 0; k < perEntry; k++) {
      const text = [common[Math.floor(random() * common.length)], ...topic.filter(() => random() < 0.8), word(), word()].join(' ');
      rows.push({ text, intent: `entry-${e}` });
      if (k === 0) queries.push(`${topic.join(' ')} ${word()} dong kak`);
    }
  }
  return { rows, queries };
}

/** Writes a benchmark knowledge base and its queries; returns where (run once, in the parent). */
export function prepareWorkload(name: KbName, dir: string): { kbDir: string; queriesFile: string } {
  let rows: LabelledMessage[];
  let queries: string[];
  let kbDir = join(dir, 'kb');
  if (name === 'sample') {
    const kb = loadKnowledge('knowledge');
    rows = kb.entries.flatMap((e) => [...e.questions.id, ...e.questions.en].map((text) => ({ text, intent: e.id })));
    queries = [
      'brp hrg iphone 15 kak',
      'ada stok samsung a55 di bandung?',
      'gmn cara retur',
      'ongkir ke medan brp',
      'bisa cod ga',
      'jam buka toko surabaya',
      'garansi berapa lama',
      'mau bicara sama admin',
      'kalau yg 256gb?',
      'halo kak',
    ];
    kbDir = 'knowledge';
  } else if (name === 'clinc150') {
    rows = trainingRows('clinc150');
    queries = readLabelledFile(datasetFile('clinc150', 'dev')).map((r) => r.text);
  } else {
    ({ rows, queries } = generated(name === 'kb1000' ? 1000 : 10_000, name === 'kb1000' ? 10 : 5));
  }
  if (kbDir !== 'knowledge') writeImportedKnowledge(kbDir, importIntents(rows), name);
  const queriesFile = join(dir, 'queries.json');
  writeFileSync(queriesFile, JSON.stringify({ queries, rows }));
  return { kbDir, queriesFile };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const [system, kbDir, queriesFile] = process.argv.slice(2) as ['tanya' | 'nlpjs', string, string];
  const { rows, queries } = JSON.parse(readFileSync(queriesFile, 'utf8')) as { rows: LabelledMessage[]; queries: string[] };
  const messages = Array.from({ length: 5000 }, (_, i) => queries[i % queries.length]);
  global.gc?.();
  sampleRss();
  const baseRss = process.memoryUsage().rss;
  const latencies: number[] = [];
  let loadMs: number;
  let totalMs: number;
  try {
    if (system === 'tanya') {
      const t0 = process.hrtime.bigint();
      const kb: KnowledgeBase = loadKnowledge(kbDir);
      const dbDir = mkdtempSync(join(tmpdir(), 'tanya-speed-db-'));
      const store = new SqliteStore(process.env.SPEED_DB === 'memory' ? ':memory:' : join(dbDir, 'speed.db'));
      // Generated entries have placeholder answers; the benchmark measures answering, not the fallback.
      const engine = new Engine(kb, store, { unwrittenAnswers: 'answer' });
      loadMs = Number(process.hrtime.bigint() - t0) / 1e6;
      for (let i = 0; i < 200; i++)
        await engine.handle({ channel: 'bench', conversationId: `w${i % 50}`, userId: 'u', messageId: `w${i}`, text: messages[i], receivedAt: new Date() });
      const start = process.hrtime.bigint();
      for (const [i, text] of messages.entries()) {
        const t = process.hrtime.bigint();
        await engine.handle({ channel: 'bench', conversationId: `c${i % 100}`, userId: `u${i % 100}`, messageId: `m${i}`, text, receivedAt: new Date() });
        latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
      totalMs = Number(process.hrtime.bigint() - start) / 1e6;
      await store.close();
      rmSync(dbDir, { recursive: true, force: true });
    } else {
      const t0 = process.hrtime.bigint();
      const { NlpManager } = await import('node-nlp');
      const manager = new NlpManager({ languages: ['id'], forceNER: true, autoSave: false, nlu: { log: false } });
      for (const r of rows) manager.addDocument('id', r.text, r.intent ?? 'None');
      await manager.train();
      loadMs = Number(process.hrtime.bigint() - t0) / 1e6;
      const start = process.hrtime.bigint();
      for (const text of messages) {
        const t = process.hrtime.bigint();
        await manager.process('id', text);
        latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
      totalMs = Number(process.hrtime.bigint() - start) / 1e6;
    }
  } finally {
    sampleRss();
  }
  if (timer) clearInterval(timer);
  latencies.sort((a, b) => a - b);
  process.stdout.write(
    `${JSON.stringify({
      entries: new Set(rows.map((r) => r.intent)).size,
      examples: rows.length,
      loadMs,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      perSecond: (messages.length / totalMs) * 1000,
      peakRssMb: peakRss / 2 ** 20,
      baseRssMb: baseRss / 2 ** 20,
    })}\n`,
  );
}

if (require.main === module)
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
