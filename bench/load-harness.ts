/**
 * Load and crash harness: the real bot (`node bin/tanya.js start`, a SQLite file) behind its
 * signed WhatsApp Cloud webhook, a local Graph API stand-in on 127.0.0.1, and customers who each
 * send their messages one after another, waiting for the answer like people do. Optionally the bot
 * is killed with SIGKILL mid-run and started again on the same database; customers resend what
 * was not acknowledged, as Meta does.
 *
 * Counts come from the stand-in: each reply carries `biz_opaque_callback_data` "tanya:<outbox
 * id>:<piece>", so a turn answered is a new outbox id at that customer, a reply sent twice is the
 * same tag twice. Used by `npm run bench:load` and by test/crash/kill-restart.test.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { whatsappDeliveryBody } from './scale-harness';

export interface LoadOptions {
  readonly conversations: number;
  readonly messagesPerConversation: number;
  /** Kill the bot with SIGKILL once this many messages were acknowledged (undefined: no kill). */
  readonly killAfterAcks?: number;
  readonly dbPath: string;
  /** The project root (bin/tanya.js, knowledge/, flows/). */
  readonly root: string;
  /** How long one customer waits for an answer before writing again (default 60 s). */
  readonly replyTimeoutMs?: number;
  /** A customer reads the answer and types the next message for a random time in this range, in ms (default none). */
  readonly thinkMs?: readonly [number, number];
  /** Customers start spread over this many ms (default all at once). */
  readonly rampMs?: number;
}

export interface LoadResult {
  readonly sent: number;
  readonly acknowledged: number;
  /** Acknowledged messages whose turn never got an answer. */
  readonly lost: number;
  /** Replies the stand-in received more than once (same outbox id and piece). */
  readonly duplicates: number;
  readonly killed: boolean;
  readonly seconds: number;
  readonly messagesPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxRssMb: number;
  readonly dbBytes: number;
}

const SECRET = 'load-app-secret';
const PHONE_ID = '555000';

/** Questions a shop's customers ask that the sample shop answers without a person. */
const QUESTIONS = [
  'brp hrg iphone 15 kak',
  'bisa cod ga min',
  'jam buka toko bandung',
  'ongkir ke surabaya brp',
  'garansi samsung a55 brp lama',
  'cicilan 0 persen ada?',
  'alamat toko jakarta dmn',
  'cara retur barang gmn',
  'promo bulan ini apa aja',
  'stok poco x6 pro ada?',
];

interface Waiter {
  readonly after: number;
  readonly resolve: (at: number | undefined) => void;
}

/** The Graph API stand-in: records every message and wakes the customer waiting for it. */
class GraphStandIn {
  private server: Server | undefined;
  readonly tags = new Map<string, number>();
  private sentCount = 0;
  private stopped = false;
  /** The bot's webhook, where Meta posts "sent" statuses (echoing the tag), retrying while it is down. */
  webhookUrl: () => string = () => '';
  readonly log: string[] = [];
  /** Outbox ids seen per customer, in arrival order, with their arrival time. */
  readonly turns = new Map<string, Map<string, number>>();
  private readonly waiters = new Map<string, Waiter[]>();
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { to?: string; biz_opaque_callback_data?: string };
          const to = String(body.to);
          const tag = body.biz_opaque_callback_data ?? '';
          this.tags.set(tag, (this.tags.get(tag) ?? 0) + 1);
          if (process.env.LOAD_DEBUG) this.log.push(`${Date.now()} ${to} ${tag}`);
          const outboxId = tag.split(':')[1] ?? '';
          const seen = this.turns.get(to) ?? new Map<string, number>();
          this.turns.set(to, seen);
          if (!seen.has(outboxId)) {
            seen.set(outboxId, Date.now());
            const list = this.waiters.get(to) ?? [];
            this.waiters.set(to, []);
            for (const w of list) w.resolve(Date.now());
          }
        } catch {
          // A body we cannot read still gets an answer.
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        const id = `wamid.out.${++this.sentCount}`;
        res.end(JSON.stringify({ messaging_product: 'whatsapp', messages: [{ id }] }));
        this.confirm(id, chunks);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private confirm(id: string, chunks: Buffer[]): void {
    let tag: string | undefined;
    let to: string;
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { to?: string; biz_opaque_callback_data?: string };
      tag = body.biz_opaque_callback_data;
      to = String(body.to);
    } catch {
      return;
    }
    const status = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: 'waba',
          changes: [
            {
              field: 'messages',
              value: { messaging_product: 'whatsapp', statuses: [{ id, status: 'sent', recipient_id: to, ...(tag ? { biz_opaque_callback_data: tag } : {}) }] },
            },
          ],
        },
      ],
    });
    const signature = `sha256=${createHmac('sha256', SECRET).update(status).digest('hex')}`;
    void (async () => {
      for (let attempt = 0; attempt < 100 && !this.stopped; attempt++) {
        try {
          const response = await fetch(this.webhookUrl(), {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
            body: status,
          });
          await response.text();
          if (response.ok) return;
        } catch {
          // The bot is down: Meta tries again.
        }
        await sleep(200);
      }
    })();
  }

  /** Resolves with the time the next new turn reaches `to`, or undefined after `timeoutMs`. */
  nextTurn(to: string, timeoutMs: number): Promise<number | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeoutMs);
      const list = this.waiters.get(to) ?? [];
      list.push({
        after: Date.now(),
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
      });
      this.waiters.set(to, list);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

/** The bot as an operator runs it, in its own process. */
class BotProcess {
  private child: ChildProcess | undefined;
  maxRssKb = 0;
  private rssTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: LoadOptions,
    private readonly graphUrl: string,
    readonly port: number,
  ) {}

  async start(): Promise<void> {
    const { root, dbPath } = this.options;
    const profile = process.env.LOAD_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.LOAD_PROFILE}`] : [];
    this.child = spawn(
      process.execPath,
      [...profile, join(root, 'bin', 'tanya.js'), 'start', '--kb', join(root, 'knowledge'), '--flows', join(root, 'flows'), '--db', dbPath],
      {
        cwd: root,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          WHATSAPP_CLOUD_TOKEN: 'load-token',
          WHATSAPP_PHONE_NUMBER_ID: PHONE_ID,
          WHATSAPP_APP_SECRET: SECRET,
          WHATSAPP_VERIFY_TOKEN: 'load-verify',
          WHATSAPP_GRAPH_URL: this.graphUrl,
          PORT: String(this.port),
          HOST: '127.0.0.1',
          LOG_LEVEL: 'error',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    this.child.stderr?.resume();
    const pid = this.child.pid;
    this.rssTimer = setInterval(() => {
      try {
        const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
        this.maxRssKb = Math.max(this.maxRssKb, kb);
      } catch {
        // Not running (any more).
      }
    }, 200);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (this.child.exitCode !== null) throw new Error(`the bot exited with ${this.child.exitCode} while starting`);
      try {
        if ((await fetch(`http://127.0.0.1:${this.port}/healthz`)).ok) return;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) throw new Error('the bot did not start within 60 s');
      await sleep(100);
    }
  }

  kill(): void {
    this.child?.kill('SIGKILL');
    clearInterval(this.rssTimer);
  }

  async stop(): Promise<void> {
    clearInterval(this.rssTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(10_000).then(() => child.kill('SIGKILL'))]);
  }
}

/** A seeded generator, so runs are comparable. */
let seed = 20261201;
function random(): number {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const graph = new GraphStandIn();
  await graph.start();
  let bot = new BotProcess(options, graph.url, await freePort());
  graph.webhookUrl = () => `http://127.0.0.1:${bot.port}/webhooks/whatsapp`;
  await bot.start();
  let acknowledged = 0;
  let sent = 0;
  let killed = false;
  let restarting: Promise<void> | undefined;
  const latencies: number[] = [];
  const started = Date.now();
  const timeout = options.replyTimeoutMs ?? 60_000;

  /** Posts until the bot answers 200 (Meta redelivers what was not acknowledged). */
  const deliver = async (from: string, id: string, text: string): Promise<void> => {
    const body = whatsappDeliveryBody({ from, id, text, name: 'Pelanggan', phoneNumberId: PHONE_ID });
    const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
    for (;;) {
      await restarting;
      try {
        const response = await fetch(`http://127.0.0.1:${bot.port}/webhooks/whatsapp`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
          body,
        });
        await response.text();
        if (response.status === 200) break;
      } catch {
        // Connection refused or reset: the bot is down; try again.
      }
      await sleep(100);
    }
    acknowledged++;
    if (options.killAfterAcks !== undefined && !killed && acknowledged >= options.killAfterAcks) {
      killed = true;
      if (process.env.LOAD_DEBUG) graph.log.push(`${Date.now()} KILL`);
      bot.kill();
      const maxRss = bot.maxRssKb;
      bot = new BotProcess(options, graph.url, bot.port);
      bot.maxRssKb = maxRss;
      restarting = bot.start();
      await restarting;
      restarting = undefined;
    }
  };

  const customer = async (c: number): Promise<void> => {
    const from = `62811${String(c).padStart(7, '0')}`;
    const [thinkMin, thinkMax] = options.thinkMs ?? [0, 0];
    if (options.rampMs) await sleep(random() * options.rampMs);
    for (let m = 0; m < options.messagesPerConversation; m++) {
      if (m > 0 && thinkMax > 0) await sleep(thinkMin + random() * (thinkMax - thinkMin));
      const text = QUESTIONS[(c + m) % QUESTIONS.length];
      const waiting = graph.nextTurn(from, timeout);
      const at = Date.now();
      sent++;
      await deliver(from, `wamid.load.${c}.${m}`, text);
      const answered = await waiting;
      if (answered !== undefined) latencies.push(answered - at);
    }
  };

  await Promise.all(Array.from({ length: options.conversations }, (_, c) => customer(c)));
  const seconds = (Date.now() - started) / 1000;
  // Replies still on their way (a retry after the restart) get a last chance to arrive.
  const expected = acknowledged;
  const answeredTurns = (): number => [...graph.turns.values()].reduce((n, m) => n + m.size, 0);
  for (let waited = 0; answeredTurns() < expected && waited < 30_000; waited += 200) await sleep(200);
  await bot.stop();
  await graph.stop();
  if (process.env.LOAD_DEBUG) (await import('node:fs')).writeFileSync('/tmp/load-debug.log', graph.log.join('\n'));
  const { statSync } = await import('node:fs');
  const dbBytes = ['', '-wal'].reduce((n, suffix) => {
    try {
      return n + statSync(`${options.dbPath}${suffix}`).size;
    } catch {
      return n;
    }
  }, 0);
  latencies.sort((a, b) => a - b);
  return {
    sent,
    acknowledged,
    lost: Math.max(0, expected - answeredTurns()),
    duplicates: [...graph.tags.values()].reduce((n, count) => n + count - 1, 0),
    killed,
    seconds,
    messagesPerSecond: acknowledged / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxRssMb: Math.round(bot.maxRssKb / 1024),
    dbBytes,
  };
}
