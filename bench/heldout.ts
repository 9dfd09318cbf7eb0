/**
 * Generalization benchmark: the same pipeline a new user runs, measured on the data it was
 * built and tuned on (dev) beside messages written independently and never used to build or
 * tune anything (bench/heldout/, see its README).
 *
 *   npm run bench:heldout
 *
 * 1. tanya_cs_id: KB imported from train, thresholds from `tanya tune` on dev; evaluated on dev,
 *    on bench/dev-informal (a second informal set we read while developing) and on held-out.
 * 2. The sample shop (knowledge/, flows/): single messages (intent, and product/variant/store
 *    where the case names them) and multi-turn conversations (conversation-test format).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { orderService } from '../src/demo/order-service';
import { Engine } from '../src/engine/engine';
import { decisionEntryId } from '../src/core/types';
import { evaluateCases } from '../src/eval/evaluate';
import { importIntents, writeImportedKnowledge } from '../src/eval/import-intents';
import { readLabelledFile } from '../src/eval/labelled-file';
import type { EvalMetrics } from '../src/eval/metrics';
import { tuneThresholds, writeThresholds } from '../src/eval/tune';
import { loadFlows } from '../src/flows/loader';
import { loadKnowledge } from '../src/knowledge/loader';
import { SqliteStore } from '../src/storage/sqlite-store';
import { formatFailure, runConversationFile } from '../src/testing/conversation-tests';
import { datasetFile, hasDataset } from './datasets';

const root = resolve(__dirname, '..', '..');
const pct = (x: number): string => (x * 100).toFixed(1);

function row(name: string, m: EvalMetrics): string {
  const oos = m.outOfScope > 0 ? pct(m.falseAnswerRate).padStart(6) : '     —';
  return `| ${name.padEnd(38)} | ${String(m.n).padStart(4)} | ${pct(m.top1Accuracy).padStart(5)} | ${pct(m.inScopeAccuracy).padStart(6)} | ${pct(m.clarifiedRight).padStart(6)} | ${pct(m.wrongAnswerRate).padStart(5)} | ${oos} |`;
}
const HEADER = [
  '| set                                    |    n | top-1 | answered right | clarified right | wrong | false-answer rate |',
  '|---|---:|---:|---:|---:|---:|---:|',
];

async function intentSet(): Promise<string[]> {
  if (!hasDataset('tanya_cs_id')) return ['tanya_cs_id not found (../shared/datasets): skipped'];
  const dir = mkdtempSync(join(tmpdir(), 'tanya-heldout-'));
  try {
    writeImportedKnowledge(dir, importIntents(readLabelledFile(datasetFile('tanya_cs_id', 'train'))), datasetFile('tanya_cs_id', 'train'));
    const dev = readLabelledFile(datasetFile('tanya_cs_id', 'dev'));
    const tuned = tuneThresholds(loadKnowledge(dir), dev);
    writeThresholds(dir, tuned.thresholds);
    const kb = loadKnowledge(dir);
    const out = [
      `tanya_cs_id — KB from train (220), thresholds tuned on dev: answer ≥ ${tuned.thresholds.answerThreshold}, clarify ≥ ${tuned.thresholds.clarifyThreshold}, margin ${tuned.thresholds.clarifyMargin}`,
      '',
      ...HEADER,
    ];
    const sets: [string, string][] = [
      ['dev (tuned on)', datasetFile('tanya_cs_id', 'dev')],
      ['dev-informal (read while developing)', join(root, 'bench', 'dev-informal', 'cs-intents.jsonl')],
      ['dev-informal2 (read while developing)', join(root, 'bench', 'dev-informal2', 'cs-intents.jsonl')],
      ['dev-informal3 (read while developing)', join(root, 'bench', 'dev-informal3', 'cs-intents.jsonl')],
      ['dev-informal5 (read while developing)', join(root, 'bench', 'dev-informal5', 'cs-intents.jsonl')],
      ['dev-informal6 (read while developing)', join(root, 'bench', 'dev-informal6', 'cs-intents.jsonl')],
      ['dev-informal7 (read while developing)', join(root, 'bench', 'dev-informal7', 'cs-intents.jsonl')],
      ['dev-informal8 (not read)', join(root, 'bench', 'dev-informal8', 'cs-intents.jsonl')],
      ['dev-informal10 (read while developing)', join(root, 'bench', 'dev-informal10', 'cs-intents.jsonl')],
      ['dev-informal11 (read while developing)', join(root, 'bench', 'dev-informal11', 'cs-intents.jsonl')],
      ['dev-informal12 (read while developing)', join(root, 'bench', 'dev-informal12', 'cs-intents.jsonl')],
      ['dev-informal13 (not read)', join(root, 'bench', 'dev-informal13', 'cs-intents.jsonl')],
      ['dev-informal15 (read while developing)', join(root, 'bench', 'dev-informal15', 'cs-intents.jsonl')],
      ['dev-informal16 (read after its first run)', join(root, 'bench', 'dev-informal16', 'cs-intents.jsonl')],
      ['dev-informal17 (read after its first run)', join(root, 'bench', 'dev-informal17', 'cs-intents.jsonl')],
      ['held-out (never read)', join(root, 'bench', 'heldout', 'cs-intents.jsonl')],
    ];
    for (const [name, file] of sets) out.push(row(name, (await evaluateCases(kb, readLabelledFile(file))).metrics));
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface ShopCase {
  readonly text: string;
  readonly intent: string | null;
  readonly product?: string;
  readonly variant?: string;
  readonly store?: string;
}

async function shopSingles(name: string, file: string): Promise<string[]> {
  const kb = loadKnowledge(join(root, 'knowledge'));
  const flows = loadFlows(join(root, 'flows'), kb);
  const cases = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as ShopCase);
  const store = new SqliteStore(':memory:');
  const engine = new Engine(kb, store, { flows });
  let inScope = 0;
  let right = 0;
  let entityCases = 0;
  let entitiesRight = 0;
  let oos = 0;
  let oosAnswered = 0;
  try {
    for (const [i, c] of cases.entries()) {
      const r = await engine.handle({ channel: 'eval', conversationId: `s${i}`, userId: `s${i}`, messageId: `s${i}`, text: c.text, receivedAt: new Date() });
      const got = decisionEntryId(r.decision);
      if (c.intent === null) {
        oos++;
        if (got !== null && r.decision.type !== 'handoff') oosAnswered++;
        continue;
      }
      inScope++;
      if (got === c.intent) right++;
      if (c.product || c.store || c.variant) {
        entityCases++;
        const e = r.explanation.entities;
        if ((!c.product || e.product === c.product) && (!c.store || e.store === c.store) && (!c.variant || e.variant === c.variant)) entitiesRight++;
      }
    }
  } finally {
    await store.close();
  }
  return [
    `sample shop single messages, ${name}: ${cases.length} (${inScope} in scope, ${oos} out of scope)`,
    `  answered with the right entry: ${pct(right / inScope)} %; product/variant/store right where named: ${pct(entitiesRight / Math.max(1, entityCases))} % of ${entityCases}; out of scope answered: ${pct(oosAnswered / Math.max(1, oos))} %`,
  ];
}

async function shopConversations(): Promise<string[]> {
  const kb = loadKnowledge(join(root, 'knowledge'));
  const flows = loadFlows(join(root, 'flows'), kb);
  const orders = orderService();
  const port = await orders.listen(0, '127.0.0.1');
  try {
    const out: string[] = [];
    const files: [string, string][] = [
      ['golden (test/conversations/context.yaml, written with the code)', join(root, 'test', 'conversations', 'context.yaml')],
      ['dev-informal (read while developing)', join(root, 'bench', 'dev-informal', 'shop-conversations.yaml')],
      ['dev-informal2 (read while developing)', join(root, 'bench', 'dev-informal2', 'shop-conversations.yaml')],
      ['dev-informal3 (read while developing)', join(root, 'bench', 'dev-informal3', 'shop-conversations.yaml')],
      ['dev-informal4 (read while developing)', join(root, 'bench', 'dev-informal4', 'shop-conversations.yaml')],
      ['dev-informal7 (read while developing)', join(root, 'bench', 'dev-informal7', 'shop-conversations.yaml')],
      ['dev-informal8 (not read)', join(root, 'bench', 'dev-informal8', 'shop-conversations.yaml')],
      ['dev-informal9 (products and stores; read while developing)', join(root, 'bench', 'dev-informal9', 'shop-conversations.yaml')],
      ['dev-informal10 (read while developing)', join(root, 'bench', 'dev-informal10', 'shop-conversations.yaml')],
      ['dev-informal11 (read while developing)', join(root, 'bench', 'dev-informal11', 'shop-conversations.yaml')],
      ['dev-informal12 (read while developing)', join(root, 'bench', 'dev-informal12', 'shop-conversations.yaml')],
      ['dev-informal13 (conversations read while developing)', join(root, 'bench', 'dev-informal13', 'shop-conversations.yaml')],
      ['dev-informal14 (conversations read while developing)', join(root, 'bench', 'dev-informal14', 'shop-conversations.yaml')],
      ['dev-informal15 (read while developing)', join(root, 'bench', 'dev-informal15', 'shop-conversations.yaml')],
      ['dev-informal16 (read after its first run)', join(root, 'bench', 'dev-informal16', 'shop-conversations.yaml')],
      ['dev-informal17 (read after its first run)', join(root, 'bench', 'dev-informal17', 'shop-conversations.yaml')],
      ['held-out (bench/heldout/shop-conversations.yaml)', join(root, 'bench', 'heldout', 'shop-conversations.yaml')],
    ];
    for (const [name, file] of files) {
      const report = await runConversationFile(file, kb, file, { flows, env: { ORDER_SERVICE_URL: `http://127.0.0.1:${port}` } });
      out.push(`sample shop conversations, ${name}: ${pct((report.turns - report.failures.length) / report.turns)} % of ${report.turns} turns right`);
      if (process.argv.includes('--verbose')) for (const f of report.failures) out.push(formatFailure(f));
    }
    return out;
  } finally {
    await orders.close();
  }
}

async function main(): Promise<void> {
  const parts = [
    intentSet,
    () => shopSingles('dev-informal (read while developing)', join(root, 'bench', 'dev-informal', 'shop-single.jsonl')),
    () => shopSingles('dev-informal7 (read while developing)', join(root, 'bench', 'dev-informal7', 'shop-single.jsonl')),
    () => shopSingles('dev-informal8 (not read)', join(root, 'bench', 'dev-informal8', 'shop-single.jsonl')),
    () => shopSingles('dev-informal9 (products and stores; read while developing)', join(root, 'bench', 'dev-informal9', 'shop-single.jsonl')),
    () => shopSingles('dev-informal10 (read while developing)', join(root, 'bench', 'dev-informal10', 'shop-single.jsonl')),
    () => shopSingles('dev-informal11 (read while developing)', join(root, 'bench', 'dev-informal11', 'shop-single.jsonl')),
    () => shopSingles('dev-informal12 (read while developing)', join(root, 'bench', 'dev-informal12', 'shop-single.jsonl')),
    () => shopSingles('dev-informal13 (read while developing)', join(root, 'bench', 'dev-informal13', 'shop-single.jsonl')),
    () => shopSingles('dev-informal14 (not read)', join(root, 'bench', 'dev-informal14', 'shop-single.jsonl')),
    () => shopSingles('dev-informal15 (read while developing)', join(root, 'bench', 'dev-informal15', 'shop-single.jsonl')),
    () => shopSingles('dev-informal16 (read after its first run)', join(root, 'bench', 'dev-informal16', 'shop-single.jsonl')),
    () => shopSingles('dev-informal17 (read after its first run)', join(root, 'bench', 'dev-informal17', 'shop-single.jsonl')),
    () => shopSingles('held-out (never read)', join(root, 'bench', 'heldout', 'shop-single.jsonl')),
    shopConversations,
  ];
  for (const part of parts) {
    process.stdout.write(`${(await part()).join('\n')}\n\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
