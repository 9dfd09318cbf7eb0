/**
 * Replicas for end-to-end tests: N real `tanya start` processes on one PostgreSQL behind a
 * round-robin proxy, a Graph API stand-in, signed WhatsApp deliveries (the core lives in
 * bench/scale-harness.ts, which `npm run bench:scale` runs from dist/), plus what only tests need:
 * a tap in front of the Telegram emulator that tells which replica calls it, a helpdesk stand-in
 * and signed helpdesk calls. Run `npm run build` first (the replicas run dist/).
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SIGNATURE_HEADER, signCall, TIMESTAMP_HEADER } from '../../src/handoff/webhook-destination';
import { closeServer } from '../../bench/scale-harness';

export * from '../../bench/scale-harness';

/** One call a replica made to the Telegram Bot API. */
export interface TelegramCall {
  readonly replica: number;
  readonly method: string;
  readonly startedAt: number;
  /** When the answer went back (undefined while a long poll is open). */
  endedAt?: number;
}

/**
 * A forwarder in front of the Telegram emulator: replica i gets `apiRoot(i)` as its
 * TELEGRAM_API_ROOT, so every Bot API call says which replica made it (the emulator alone cannot
 * tell its callers apart). Long polls stay open exactly as long as the emulator holds them.
 */
export class TelegramTap {
  readonly calls: TelegramCall[] = [];
  private readonly servers: Server[] = [];
  private readonly urls: string[] = [];

  constructor(private readonly emulatorUrl: string) {}

  /**
   * One listening port per replica: telegraf resolves its methods against the root of the API
   * URL (a path like /r1 is dropped, and the channel strips a trailing slash), so the port tells.
   */
  async start(replicas: number): Promise<void> {
    for (let index = 0; index < replicas; index++) {
      const server = createServer((req, res) => this.forward(index, req, res));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      this.servers.push(server);
      this.urls.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.servers.map(closeServer));
  }

  /** The TELEGRAM_API_ROOT of replica `index`. */
  apiRoot(index: number): string {
    const url = this.urls[index];
    if (!url) throw new Error(`the Telegram tap listens for ${this.urls.length} replicas; start(${index + 1}) or more for replica ${index}`);
    return url;
  }

  /**
   * The replicas that polled (a getUpdates call open at some moment) between `from` and `to`.
   */
  pollersBetween(from: number, to: number): Set<number> {
    return new Set(
      this.calls.filter((c) => c.method === 'getUpdates' && c.startedAt <= to && (c.endedAt === undefined || c.endedAt >= from)).map((c) => c.replica),
    );
  }

  private forward(replica: number, req: IncomingMessage, res: ServerResponse): void {
    const path = req.url ?? '/';
    const call: TelegramCall = { replica, method: /^\/bot[^/]+\/(\w+)/.exec(path)?.[1] ?? '', startedAt: Date.now() };
    this.calls.push(call);
    const target = new URL(this.emulatorUrl);
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path, headers: { ...req.headers, host: target.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', () => {
          call.endedAt = Date.now();
        });
      },
    );
    upstream.on('error', () => {
      call.endedAt = Date.now();
      if (!res.headersSent) res.writeHead(502).end();
    });
    // The caller died (kill -9): its long poll ends here too.
    res.on('close', () => {
      call.endedAt ??= Date.now();
      upstream.destroy();
    });
    req.pipe(upstream);
  }
}

/** One ticket event the bot posted to the helpdesk. */
export interface HelpdeskEvent {
  readonly event: { readonly type: string; readonly reason?: string };
  readonly ticket: { readonly id: string; readonly conversationId: string; readonly status: string };
  readonly deliveryId: string;
}

/** A helpdesk stand-in receiving the bot's ticket events (HANDOFF_WEBHOOK_URL), answering 200. */
export class HelpdeskStandIn {
  readonly events: HelpdeskEvent[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          this.events.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as HelpdeskEvent);
        } catch {
          // Recorded or not, the bot gets its 200; the test asserts on what it finds.
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/tanya`;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }
}

/** A helpdesk's signed call to one replica (`POST /handoff/tickets/:id/…`); the status and JSON answer. */
export async function helpdeskCall(
  replicaUrl: string,
  secret: string,
  path: string,
  body: Record<string, unknown>,
): Promise<{ status: number; json: unknown }> {
  const raw = JSON.stringify(body);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const response = await fetch(`${replicaUrl}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [SIGNATURE_HEADER]: signCall(secret, { timestamp, method: 'POST', path, body: raw }),
      [TIMESTAMP_HEADER]: timestamp,
    },
    body: raw,
  });
  return { status: response.status, json: await response.json().catch(() => undefined) };
}
