/**
 * `npm run bench:scale`: the same WhatsApp Cloud workload against one process on SQLite and 1, 2
 * and 3 replicas on one PostgreSQL behind a round-robin proxy (each replica a real `tanya start`).
 * Every conversation sends its messages one after another through the signed webhook, waiting for
 * the 200 but not for the reply; all conversations at once. Prints msg/s (messages answered per
 * second, first POST to last reply) and p50/p99 turn latency (webhook POST → the reply reaching the
 * Graph API stand-in), with the machine's core count: on a machine with fewer cores than replicas
 * plus PostgreSQL, more replicas share the same CPUs.
 *
 * Options: --conversations N (300) --messages N (5) --replicas 1,2,3 --concurrency N (all)
 * --database-url postgres://… (an existing server to create the databases on; default: a
 * throw-away cluster).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GraphStandIn, percentile, ReplicaFleet, sendConversations, sendUntilAcknowledged, turnLatencies, waitFor, waitForReplies } from './scale-harness';
import { createBenchDatabase, startBenchPostgres, type BenchPostgres } from './scale-postgres';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

function count(name: string, fallback: number): number {
  const raw = option(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a whole number of 1 or more (got "${raw}")`);
  return value;
}

function replicaCounts(): number[] {
  const raw = option('replicas') ?? '1,2,3';
  const counts = raw.split(',').map((s) => Number(s.trim()));
  if (counts.some((n) => !Number.isInteger(n) || n < 1 || n > 16))
    throw new Error(`--replicas takes counts from 1 to 16 separated by commas, e.g. 1,2,3 (got "${raw}")`);
  return counts;
}

interface Row {
  readonly label: string;
  readonly answered: number;
  readonly sent: number;
  readonly seconds: number;
  readonly p50: number;
  readonly p99: number;
  readonly duplicates: number;
  readonly maxRssMb: number;
}

interface Workload {
  readonly conversations: number;
  readonly messages: number;
  readonly concurrency: number;
}

/** One configuration: start the replicas, warm them up, run the workload, stop everything. */
async function measure(label: string, replicas: number, store: { databaseUrl?: string; sqlitePath?: string }, workload: Workload, run: number): Promise<Row> {
  const root = resolve(__dirname, '..', '..');
  const graph = new GraphStandIn();
  await graph.start();
  const fleet = await ReplicaFleet.start({ root, replicas, graph, logLevel: 'error', ...store });
  try {
    // A first message per replica, so knowledge loading and the first compilations are not timed.
    const warm = fleet.replicas.map((r, i) => ({ url: r.url, from: `62899${run}${String(i).padStart(6, '0')}`, id: `wamid.warm.${run}.${i}` }));
    await Promise.all(warm.map((w) => sendUntilAcknowledged(w.url, { from: w.from, id: w.id, text: 'bisa cod ga' })));
    await waitFor(() => warm.every((w) => graph.turns(w.from).length >= 1), 30_000);
    const started = Date.now();
    const sent = await sendConversations({
      url: fleet.url,
      run,
      conversations: workload.conversations,
      messagesPerConversation: workload.messages,
      concurrency: workload.concurrency,
    });
    await waitForReplies(graph, sent, 120_000);
    const latencies = turnLatencies(graph, sent);
    const lastReply = Math.max(started, ...[...sent.keys()].flatMap((from) => graph.turns(from).map((t) => t.firstAt)));
    return {
      label,
      answered: latencies.length,
      sent: [...sent.values()].reduce((n, m) => n + m.length, 0),
      seconds: (lastReply - started) / 1000,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      duplicates: graph.duplicates().length,
      maxRssMb: Math.round(Math.max(...fleet.replicas.map((r) => r.maxRssKb)) / 1024),
    };
  } finally {
    await fleet.stop();
    await graph.stop();
  }
}

function format(rows: readonly Row[]): string {
  const header = ['setup', 'answered', 'msg/s', 'p50 ms', 'p99 ms', 'dup', 'max RSS/replica'];
  const body = rows.map((r) => [
    r.label,
    `${r.answered}/${r.sent}`,
    (r.answered / r.seconds).toFixed(0),
    String(r.p50),
    String(r.p99),
    String(r.duplicates),
    `${r.maxRssMb} MB`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  const workload: Workload = {
    conversations: count('conversations', 300),
    messages: count('messages', 5),
    concurrency: count('concurrency', count('conversations', 300)),
  };
  const replicas = replicaCounts();
  const cores = typeof availableParallelism === 'function' ? availableParallelism() : cpus().length;
  console.log(
    `scale: ${workload.conversations} conversations × ${workload.messages} messages (${workload.concurrency} at once), WhatsApp Cloud webhook; ` +
      `${cores} CPU core${cores === 1 ? '' : 's'} (${cpus()[0]?.model ?? 'unknown'}), node ${process.version}`,
  );
  const rows: Row[] = [];
  let run = 10;
  const dir = mkdtempSync(join(tmpdir(), 'tanya-bench-scale-'));
  try {
    rows.push(await measure('1 process, SQLite', 1, { sqlitePath: join(dir, 'tanya.db') }, workload, run++));
    console.log(format(rows));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const existing = option('database-url');
  let server: BenchPostgres | undefined;
  try {
    server = existing ? { url: existing, stop: async () => undefined } : await startBenchPostgres();
    for (const n of replicas) {
      const database = await createBenchDatabase(server.url);
      try {
        rows.push(await measure(`${n} replica${n === 1 ? '' : 's'}, PostgreSQL`, n, { databaseUrl: database.url }, workload, run++));
      } finally {
        await database.drop();
      }
      console.log(`\n${format(rows)}`);
    }
  } finally {
    await server?.stop();
  }
  console.log(
    '\nmsg/s: messages answered per second, from the first POST to the last reply at the Graph stand-in. ' +
      'p50/p99: webhook POST → first piece of its reply at the stand-in (which confirms each with a signed status webhook, as Meta does).',
  );
  console.log(
    `Everything runs on this machine: the replicas, PostgreSQL (fsync on) and the load generator share ${cores} core${cores === 1 ? '' : 's'}; ` +
      'replicas beyond the core count add no CPU, only coordination.',
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
