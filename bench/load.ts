/**
 * `npm run bench:load`: 1,000 conversations × 5 messages through the signed WhatsApp Cloud
 * webhook of the real bot (its own process, a SQLite file), without and with a `kill -9` in the
 * middle. Prints throughput, POST→reply p50/p99, lost and duplicate replies, peak RSS and the
 * database size. Options: --conversations N --messages N.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runLoad, type LoadResult } from './load-harness';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

function row(label: string, r: LoadResult): string {
  return [
    label.padEnd(22),
    `${r.acknowledged}/${r.sent} acked`.padEnd(16),
    `${r.messagesPerSecond.toFixed(0)} msg/s`.padEnd(10),
    `p50 ${r.p50Ms} ms`.padEnd(12),
    `p99 ${r.p99Ms} ms`.padEnd(14),
    `lost ${r.lost}`.padEnd(8),
    `duplicates ${r.duplicates}`.padEnd(14),
    `RSS ${r.maxRssMb} MB`.padEnd(12),
    `db ${(r.dbBytes / 1024 / 1024).toFixed(1)} MB`,
  ].join(' ');
}

async function main(): Promise<void> {
  const conversations = option('conversations', 1000);
  const messagesPerConversation = option('messages', 5);
  const root = resolve(__dirname, '..', '..');
  console.log(`load: ${conversations} conversations × ${messagesPerConversation} messages, WhatsApp Cloud webhook, SQLite (node ${process.version})`);
  const total = conversations * messagesPerConversation;
  // People read the answer and type the next message (2–6 s); conversations start over 10 s.
  const customers = { thinkMs: [2000, 6000] as const, rampMs: 10_000 };
  const runs = [
    { label: 'no crash', options: customers },
    { label: 'kill -9 at half way', options: { ...customers, killAfterAcks: Math.floor(total / 2) } },
    { label: 'saturation (no pause)', options: {} },
  ];
  for (const run of runs) {
    const dir = mkdtempSync(join(tmpdir(), 'tanya-load-'));
    const result = await runLoad({ conversations, messagesPerConversation, dbPath: join(dir, 'tanya.db'), root, ...run.options });
    console.log(row(run.label, result));
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    'p50/p99: from the webhook POST to the first reply at the Graph stand-in (which confirms each message with a signed status webhook, as Meta does).',
  );
  console.log('Customers pause 2–6 s between an answer and their next message; "saturation" sends the next message at once (the most this machine handles).');
  console.log(
    "After a kill, replies that were on the wire wait up to 10 s for Meta's status before they are sent again, so the kill row's p99 includes that wait.",
  );
}

void main();
