/**
 * Several `tanya start` processes on one database, as an operator runs replicas behind a load
 * balancer: each on its own loopback port with the same knowledge/ and flows/, the WhatsApp Cloud
 * channel pointed at a local Graph API stand-in, and a small round-robin HTTP proxy in front that
 * skips a replica refusing connections (a load balancer's health check). Used by `npm run
 * bench:scale` and, through test/support/replicas.ts, by test/scale/multi-replica.test.ts.
 *
 * It lives in bench/ because scripts/build.mjs compiles src/ and bench/ only: the benchmark runs
 * from dist/, the tests import the same file from source.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createServer, request as httpRequest, Agent, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFile, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The WhatsApp Cloud settings every replica gets (the Graph URL is the stand-in's). */
export const WHATSAPP = {
  token: 'replica-cloud-token',
  phoneNumberId: '777000',
  appSecret: 'replica-app-secret',
  verifyToken: 'replica-verify',
} as const;

export const WEBHOOK_PATH = '/webhooks/whatsapp';
/** The proxy's answer header naming the replica port that served the request. */
export const SERVED_BY = 'x-served-by';

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A port nobody listens on right now (loopback). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Waits until `check` holds, polling every `everyMs`; false when `timeoutMs` passed first. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 50): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > end) return false;
    await sleep(everyMs);
  }
}

/** Stops a server, dropping its kept-alive connections so the close does not wait for them. */
export function closeServer(server: Server | undefined): Promise<void> {
  if (!server) return Promise.resolve();
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

// ---------------------------------------------------------------------------------------------
// The Graph API stand-in
// ---------------------------------------------------------------------------------------------

/** One message a replica sent to a customer through the Graph API. */
export interface GraphSend {
  readonly to: string;
  /** `biz_opaque_callback_data`: "tanya:<outbox id>:<piece>". */
  readonly tag: string;
  /** The outbox id: one per turn (or per agent message), shared by its pieces. */
  readonly outboxId: string;
  readonly piece: number;
  /** The text the customer reads (text body, or an interactive message's body and options). */
  readonly text: string;
  readonly at: number;
}

/** The sends of one outbox item at one customer, in the order they first arrived. */
export interface GraphTurn {
  readonly outboxId: string;
  readonly text: string;
  readonly firstAt: number;
  readonly pieces: number;
}

interface GraphBody {
  to?: unknown;
  biz_opaque_callback_data?: unknown;
  text?: { body?: unknown };
  interactive?: {
    body?: { text?: unknown };
    action?: { buttons?: { reply?: { title?: unknown } }[]; sections?: { rows?: { title?: unknown }[] }[] };
  };
}

function textOf(body: GraphBody): string {
  if (typeof body.text?.body === 'string') return body.text.body;
  const interactive = body.interactive;
  if (!interactive) return '';
  const options = [
    ...(interactive.action?.buttons ?? []).map((b) => b.reply?.title),
    ...(interactive.action?.sections ?? []).flatMap((s) => (s.rows ?? []).map((r) => r.title)),
  ].filter((t): t is string => typeof t === 'string');
  return [typeof interactive.body?.text === 'string' ? interactive.body.text : '', ...options].join('\n');
}

/**
 * A local stand-in for the Graph API's messages endpoint. It records every message per recipient
 * with its `biz_opaque_callback_data`, and confirms each with a signed "sent" status webhook to
 * `statusUrl()` (retried while refused), as Meta does: a replica that dies mid-send leaves a
 * confirmed tag behind, so its successor does not send the message again.
 */
export class GraphStandIn {
  readonly sends: GraphSend[] = [];
  private readonly byRecipient = new Map<string, GraphSend[]>();
  private readonly tagCounts = new Map<string, number>();
  private server: Server | undefined;
  private stopped = false;
  private count = 0;
  /** Where statuses are posted (the proxy, as Meta posts to the public address). */
  statusUrl: () => string = () => '';
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await closeServer(this.server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const expected = `/v21.0/${WHATSAPP.phoneNumberId}/messages`;
    let body: GraphBody;
    try {
      body = JSON.parse(raw.toString('utf8')) as GraphBody;
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"code":100,"message":"bad json"}}');
      return;
    }
    if (req.method !== 'POST' || req.url !== expected || req.headers.authorization !== `Bearer ${WHATSAPP.token}`) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":100,"message":"unknown endpoint or token"}}');
      return;
    }
    const to = String(body.to);
    const tag = typeof body.biz_opaque_callback_data === 'string' ? body.biz_opaque_callback_data : '';
    const [, outboxId = '', piece = '0'] = tag.split(':');
    const send: GraphSend = { to, tag, outboxId, piece: Number(piece), text: textOf(body), at: Date.now() };
    this.sends.push(send);
    const list = this.byRecipient.get(to) ?? [];
    list.push(send);
    this.byRecipient.set(to, list);
    this.tagCounts.set(tag, (this.tagCounts.get(tag) ?? 0) + 1);
    const id = `wamid.out.${++this.count}`;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ messaging_product: 'whatsapp', messages: [{ id }] }));
    if (tag) void this.confirm(id, to, tag);
  }

  private async confirm(id: string, to: string, tag: string): Promise<void> {
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: 'waba',
          changes: [
            {
              field: 'messages',
              value: { messaging_product: 'whatsapp', statuses: [{ id, status: 'sent', recipient_id: to, biz_opaque_callback_data: tag }] },
            },
          ],
        },
      ],
    });
    for (let attempt = 0; attempt < 150 && !this.stopped; attempt++) {
      if ((await postSigned(this.statusUrl(), body)).status === 200) return;
      await sleep(200);
    }
  }

  /** Everything sent to one customer, in arrival order. */
  to(recipient: string): readonly GraphSend[] {
    return this.byRecipient.get(recipient) ?? [];
  }

  /** One customer's outbox items (turns, agent messages) in the order their first piece arrived. */
  turns(recipient: string): GraphTurn[] {
    const turns = new Map<string, { text: string[]; firstAt: number; pieces: number }>();
    for (const send of this.to(recipient)) {
      const turn = turns.get(send.outboxId) ?? { text: [], firstAt: send.at, pieces: 0 };
      turn.text.push(send.text);
      turn.pieces++;
      turns.set(send.outboxId, turn);
    }
    return [...turns].map(([outboxId, t]) => ({ outboxId, text: t.text.join('\n'), firstAt: t.firstAt, pieces: t.pieces }));
  }

  /** How many customers' outbox items arrived in all (each counted once). */
  turnCount(): number {
    let n = 0;
    for (const recipient of this.byRecipient.keys()) n += new Set(this.to(recipient).map((s) => s.outboxId)).size;
    return n;
  }

  /** Tags that arrived more than once (a reply sent twice), with their count. */
  duplicates(): { tag: string; count: number }[] {
    return [...this.tagCounts].filter(([, count]) => count > 1).map(([tag, count]) => ({ tag, count }));
  }

  /** Sends without a tag (the channel always tags, so these would be a change in the contract). */
  untagged(): number {
    return this.tagCounts.get('') ?? 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Signed WhatsApp Cloud webhook deliveries
// ---------------------------------------------------------------------------------------------

/** One customer message as Meta delivers it (one message id per delivery). */
export interface WhatsAppMessage {
  /** The customer's wa_id, e.g. "6281100000001". */
  readonly from: string;
  /** The WhatsApp message id (the dedupe key). */
  readonly id: string;
  readonly text: string;
  readonly name?: string;
  /** The business number the message went to (default: the harness's). */
  readonly phoneNumberId?: string;
}

/** The webhook body Meta posts for one text message. */
export function whatsappDeliveryBody(message: WhatsAppMessage): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'waba',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { phone_number_id: message.phoneNumberId ?? WHATSAPP.phoneNumberId },
              contacts: [{ wa_id: message.from, profile: { name: message.name ?? 'Pelanggan' } }],
              messages: [{ from: message.from, id: message.id, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: message.text } }],
            },
          },
        ],
      },
    ],
  });
}

/** Meta's `x-hub-signature-256` of a body. */
export function whatsappSignature(body: string): string {
  return `sha256=${createHmac('sha256', WHATSAPP.appSecret).update(body).digest('hex')}`;
}

const keepAlive = new Agent({ keepAlive: true, maxSockets: 256 });

/** What a POST got: the HTTP status (0: the connection failed) and, through the proxy, which replica port served it. */
export interface PostOutcome {
  readonly status: number;
  readonly servedBy?: number;
}

/** Posts a body signed as Meta signs it. */
export function postSigned(url: string, body: string): Promise<PostOutcome> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const req = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: 'POST',
        agent: keepAlive,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-hub-signature-256': whatsappSignature(body) },
        timeout: 30_000,
      },
      (res) => {
        res.resume();
        const servedBy = Number(res.headers[SERVED_BY]);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ...(servedBy > 0 ? { servedBy } : {}) }));
        res.on('error', () => resolve({ status: 0 }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0 }));
    req.end(body);
  });
}

/**
 * Sends one signed WhatsApp Cloud delivery to `baseUrl` (the proxy or one replica) once; the HTTP
 * status (0: the connection failed).
 */
export async function sendWhatsApp(baseUrl: string, message: WhatsAppMessage): Promise<number> {
  return (await postSigned(`${baseUrl}${WEBHOOK_PATH}`, whatsappDeliveryBody(message))).status;
}

/**
 * Sends until a 200 comes back, as Meta redelivers what was not acknowledged: how many POSTs it
 * took and which replica acknowledged it (through the proxy).
 */
export async function sendUntilAcknowledged(
  baseUrl: string,
  message: WhatsAppMessage,
  timeoutMs = 120_000,
): Promise<{ readonly attempts: number; readonly servedBy?: number }> {
  const body = whatsappDeliveryBody(message);
  const end = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    const outcome = await postSigned(`${baseUrl}${WEBHOOK_PATH}`, body);
    if (outcome.status === 200) return { attempts: attempt, ...(outcome.servedBy !== undefined ? { servedBy: outcome.servedBy } : {}) };
    if (Date.now() > end) throw new Error(`message ${message.id} from ${message.from} was not acknowledged within ${timeoutMs} ms`);
    await sleep(100);
  }
}

// ---------------------------------------------------------------------------------------------
// Replicas and the proxy in front of them
// ---------------------------------------------------------------------------------------------

export interface FleetOptions {
  /** How many replicas (default 3). */
  readonly replicas?: number;
  /** The project root (bin/tanya.js, knowledge/, flows/); dist/ must be built. */
  readonly root: string;
  /** The shared PostgreSQL database; absent: SQLite at `sqlitePath` (one replica only makes sense). */
  readonly databaseUrl?: string;
  /** The SQLite file when there is no `databaseUrl` (default: a file in a new temporary folder). */
  readonly sqlitePath?: string;
  readonly graph: GraphStandIn;
  /** More environment for every replica (Telegram, helpdesk webhook, …). */
  readonly env?: Readonly<Record<string, string>>;
  /** Environment for one replica only (by index), on top of `env`. */
  readonly envFor?: (index: number) => Readonly<Record<string, string>>;
  /** LOG_LEVEL of the replicas (default "warn"; their last lines are kept for error messages). */
  readonly logLevel?: string;
}

/** One `tanya start` process. */
export class Replica {
  private child: ChildProcess | undefined;
  private readonly tail: string[] = [];
  /** Peak resident memory seen, in KB. */
  maxRssKb = 0;
  private rssTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly index: number,
    readonly port: number,
    private readonly command: { readonly args: readonly string[]; readonly env: NodeJS.ProcessEnv; readonly cwd: string },
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** True while the process runs. */
  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The process's last output lines (for failure messages). */
  lastLines(): string {
    return this.tail.join('');
  }

  /** Starts the process and waits until GET /healthz answers 200 (60 s at most). */
  async start(): Promise<void> {
    const child = spawn(process.execPath, [...this.command.args], { cwd: this.command.cwd, env: this.command.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const keep = (chunk: Buffer): void => {
      this.tail.push(chunk.toString('utf8'));
      if (this.tail.length > 40) this.tail.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.rssTimer = setInterval(() => {
      readFile(`/proc/${child.pid}/status`, 'utf8', (error, status) => {
        if (!error) this.maxRssKb = Math.max(this.maxRssKb, Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0));
      });
    }, 500);
    this.rssTimer.unref();
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (!this.running) throw new Error(`replica ${this.index} exited with ${child.exitCode ?? child.signalCode} while starting:\n${this.lastLines()}`);
      try {
        const response = await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(2000) });
        await response.text();
        if (response.ok) return;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) throw new Error(`replica ${this.index} did not answer /healthz within 60 s:\n${this.lastLines()}`);
      await sleep(100);
    }
  }

  /** `kill -9`: no shutdown code runs; resolves once the process is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    clearInterval(this.rssTimer);
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  /** SIGTERM (a clean shutdown), SIGKILL after 10 s; resolves once the process is gone. */
  async stop(): Promise<void> {
    const child = this.child;
    clearInterval(this.rssTimer);
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * A round-robin HTTP proxy on 127.0.0.1: each request goes to the next replica; one that refuses
 * the connection is skipped (and left out for a second, as a load balancer's health check would),
 * so a killed replica costs no request. A connection that breaks after the request went out is
 * answered 502, as a load balancer does; the sender then delivers again (Meta does).
 */
export class RoundRobinProxy {
  private server: Server | undefined;
  private next = 0;
  private readonly downUntil = new Map<number, number>();
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 512 });
  /** Requests answered per replica port. */
  readonly hits = new Map<number, number>();
  url = '';

  constructor(private readonly ports: () => readonly number[]) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.agent.destroy();
    await closeServer(this.server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const ports = this.ports();
    for (let tried = 0; tried < ports.length; tried++) {
      const port = ports[this.next++ % ports.length];
      if ((this.downUntil.get(port) ?? 0) > Date.now()) continue;
      const outcome = await this.forward(port, req, body, res);
      if (outcome === 'answered') {
        this.hits.set(port, (this.hits.get(port) ?? 0) + 1);
        return;
      }
      if (outcome === 'broken') {
        if (!res.headersSent) res.writeHead(502).end('replica connection broke');
        return;
      }
      this.downUntil.set(port, Date.now() + 1000);
    }
    res.writeHead(503).end('no replica accepts connections');
  }

  /** "refused": nothing was sent (try another replica); "broken": sent, but no whole answer. */
  private forward(port: number, req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<'answered' | 'refused' | 'broken'> {
    return new Promise((resolve) => {
      const headers = { ...req.headers, 'content-length': String(body.length) };
      delete headers.connection;
      const upstream = httpRequest({ host: '127.0.0.1', port, method: req.method, path: req.url, headers, agent: this.agent }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          const headersOut = { ...answer.headers };
          delete headersOut.connection;
          delete headersOut['keep-alive'];
          delete headersOut['transfer-encoding'];
          res.writeHead(answer.statusCode ?? 502, { ...headersOut, [SERVED_BY]: String(port) }).end(Buffer.concat(chunks));
          resolve('answered');
        });
        answer.on('error', () => resolve('broken'));
      });
      upstream.on('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED' ? 'refused' : 'broken'));
      upstream.end(body);
    });
  }
}

/** Every child started by some fleet in this process: killed if the process exits without `stop()`. */
const everyReplica = new Set<Replica>();
let exitHookSet = false;
function killLeftoversOnExit(): void {
  if (exitHookSet) return;
  exitHookSet = true;
  process.once('exit', () => {
    for (const replica of everyReplica) {
      if (replica.running && replica.pid !== undefined) {
        try {
          process.kill(replica.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }
  });
}

/** N replicas on one database behind a round-robin proxy, with the Graph stand-in's statuses going through the proxy. */
export class ReplicaFleet {
  private constructor(
    readonly replicas: Replica[],
    readonly proxy: RoundRobinProxy,
    private readonly dataDir: string,
  ) {}

  /** Starts the proxy and every replica (side by side) and waits until each answers /healthz. */
  static async start(options: FleetOptions): Promise<ReplicaFleet> {
    killLeftoversOnExit();
    const count = options.replicas ?? 3;
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      let port = await freePort();
      while (ports.includes(port)) port = await freePort();
      ports.push(port);
    }
    const { root } = options;
    const dataDir = mkdtempSync(join(tmpdir(), 'tanya-replicas-'));
    const sqlitePath = options.sqlitePath ?? join(dataDir, 'tanya.db');
    const replicas = ports.map(
      (port, index) =>
        new Replica(index, port, {
          cwd: root,
          args: [join(root, 'bin', 'tanya.js'), 'start', '--kb', join(root, 'knowledge'), '--flows', join(root, 'flows'), '--db', sqlitePath],
          env: {
            PATH: process.env.PATH ?? '',
            HOME: process.env.HOME ?? '',
            ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
            WHATSAPP_CLOUD_TOKEN: WHATSAPP.token,
            WHATSAPP_PHONE_NUMBER_ID: WHATSAPP.phoneNumberId,
            WHATSAPP_APP_SECRET: WHATSAPP.appSecret,
            WHATSAPP_VERIFY_TOKEN: WHATSAPP.verifyToken,
            WHATSAPP_GRAPH_URL: options.graph.url,
            TANYA_DATA_DIR: dataDir,
            PORT: String(port),
            HOST: '127.0.0.1',
            LOG_LEVEL: options.logLevel ?? 'warn',
            ...options.env,
            ...options.envFor?.(index),
          },
        }),
    );
    const proxy = new RoundRobinProxy(() => ports);
    await proxy.start();
    options.graph.statusUrl = () => `${proxy.url}${WEBHOOK_PATH}`;
    const fleet = new ReplicaFleet(replicas, proxy, dataDir);
    for (const replica of replicas) everyReplica.add(replica);
    try {
      await Promise.all(replicas.map((r) => r.start()));
    } catch (error) {
      await fleet.stop();
      throw error;
    }
    return fleet;
  }

  /** The proxy's address (what Meta would call). */
  get url(): string {
    return this.proxy.url;
  }

  /** `kill -9` of one replica; the proxy skips it from then on. */
  kill(index: number): Promise<void> {
    return this.replicas[index].kill();
  }

  /** Starts a killed or stopped replica again on its port. */
  restart(index: number): Promise<void> {
    return this.replicas[index].start();
  }

  /** Stops every replica and the proxy; afterwards no replica process runs. */
  async stop(): Promise<void> {
    await Promise.all(this.replicas.map((r) => r.stop()));
    await this.proxy.stop();
    for (const replica of this.replicas) everyReplica.delete(replica);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// The workload: customers asking the sample shop
// ---------------------------------------------------------------------------------------------

/**
 * Informal Indonesian questions the sample shop (knowledge/) answers without a person, each with a
 * piece of text only its own answer holds, so each reply can be told from the others.
 */
export const SHOP_QUESTIONS: readonly { readonly text: string; readonly answer: string }[] = [
  { text: 'brp hrg iphone 15 kak', answer: 'Harga iPhone 15:' },
  { text: 'stok poco x6 pro ada ga min', answer: 'Stok POCO X6 Pro:' },
  { text: 'jam buka toko bandung jam brp', answer: 'Jam buka Nusa Gadget Bandung' },
  { text: 'alamat toko surabaya dmn ya', answer: 'Nusa Gadget Surabaya: Jl.' },
  { text: 'bisa cod ga', answer: 'COD tersedia' },
  { text: 'ongkir ke medan brp', answer: 'Ongkir dihitung' },
  { text: 'garansi samsung a55 brp lama', answer: 'bergaransi resmi' },
  { text: 'harga macbook air m2 brp', answer: 'Harga MacBook Air M2:' },
  { text: 'stok galaxy s24 ready?', answer: 'Stok Samsung Galaxy S24:' },
  { text: 'toko jakarta buka sampai jam brp', answer: 'Jam buka Nusa Gadget Jakarta' },
  { text: 'alamat cabang jakarta', answer: 'Nusa Gadget Jakarta: Jl.' },
  { text: 'cicilan 0 persen ada?', answer: 'Cicilan 0%' },
  { text: 'harga redmi note 13 brp kak', answer: 'Harga Xiaomi Redmi Note 13:' },
];

/** The m-th question of conversation c: within one conversation (up to 13 messages) all differ. */
export function questionFor(c: number, m: number): { readonly text: string; readonly answer: string } {
  return SHOP_QUESTIONS[(c * 5 + m * 3) % SHOP_QUESTIONS.length];
}

/** The customer's wa_id of conversation c in a run named `run` (a digit or two keeps runs apart). */
export function customerNumber(run: number, c: number): string {
  return `628${String(run).padStart(2, '0')}${String(c).padStart(7, '0')}`;
}

export interface ConversationLoadOptions {
  /** Where the deliveries go (the proxy). */
  readonly url: string;
  readonly run: number;
  readonly conversations: number;
  readonly messagesPerConversation: number;
  /** Conversations in progress at once (default all). */
  readonly concurrency?: number;
  /** Told after each acknowledgement (the test kills a replica from here). */
  readonly onAcknowledged?: (acknowledged: number) => void | Promise<void>;
}

export interface SentMessage {
  readonly from: string;
  readonly id: string;
  readonly index: number;
  readonly text: string;
  readonly answer: string;
  /** When the first POST of it started. */
  readonly postedAt: number;
  /** How many POSTs it took to get a 200. */
  readonly attempts: number;
  /** The replica port that acknowledged it. */
  readonly servedBy?: number;
}

/**
 * Each conversation sends its messages one after another through the signed webhook, waiting for
 * the 200 (Meta's order of delivery) but not for the reply, so its messages land on different
 * replicas while earlier turns are still running. Returns every acknowledged message, per customer
 * in send order.
 */
export async function sendConversations(options: ConversationLoadOptions): Promise<Map<string, SentMessage[]>> {
  const sent = new Map<string, SentMessage[]>();
  let acknowledged = 0;
  let nextConversation = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const c = nextConversation++;
      if (c >= options.conversations) return;
      const from = customerNumber(options.run, c);
      const mine: SentMessage[] = [];
      sent.set(from, mine);
      for (let m = 0; m < options.messagesPerConversation; m++) {
        const question = questionFor(c, m);
        const id = `wamid.scale.${options.run}.${c}.${m}`;
        const postedAt = Date.now();
        const ack = await sendUntilAcknowledged(options.url, { from, id, text: question.text });
        mine.push({ from, id, index: m, text: question.text, answer: question.answer, postedAt, ...ack });
        acknowledged++;
        await options.onAcknowledged?.(acknowledged);
      }
    }
  };
  const workers = Math.min(options.concurrency ?? options.conversations, options.conversations);
  await Promise.all(Array.from({ length: workers }, () => worker()));
  return sent;
}

/** Waits until every acknowledged message has its own outbox item at the Graph stand-in (or the time is up). */
export function waitForReplies(graph: GraphStandIn, sent: ReadonlyMap<string, readonly SentMessage[]>, timeoutMs: number): Promise<boolean> {
  return waitFor(() => [...sent].every(([from, messages]) => graph.turns(from).length >= messages.length), timeoutMs, 200);
}

/** p-th percentile of sorted numbers. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * Turn latencies: from the POST of a customer's k-th message to the first piece of the k-th reply
 * at the Graph stand-in (replies of one conversation arrive in order), in ms, sorted.
 */
export function turnLatencies(graph: GraphStandIn, sent: ReadonlyMap<string, readonly SentMessage[]>): number[] {
  const latencies: number[] = [];
  for (const [from, messages] of sent) {
    const turns = graph.turns(from);
    messages.forEach((m, k) => {
      if (turns[k]) latencies.push(turns[k].firstAt - m.postedAt);
    });
  }
  return latencies.sort((a, b) => a - b);
}
