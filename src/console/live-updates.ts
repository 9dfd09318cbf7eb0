import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { headerValue } from '../server/secrets';
import { originHost, type ConsoleAuth } from './console-auth';

/** How often the database is looked at for changes while someone has the inbox open (default 300 ms). */
export const DEFAULT_LIVE_POLL_MS = 300;
/** Pings keep proxies from closing an idle inbox. */
const PING_MS = 30_000;

/**
 * The inbox's live feed at `/console/live`: a WebSocket per open inbox that gets `{"type":"tickets"}`
 * whenever tickets change, whoever changed them (this console, `tanya reply` in a terminal, the
 * Telegram group, the helpdesk webhook, a customer's new message): it watches a cheap mark of the
 * database rather than this process's own actions, so every desk's work shows at once.
 */
export class LiveUpdates {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024, perMessageDeflate: false });
  private timer: NodeJS.Timeout | undefined;
  private readonly pinger: NodeJS.Timeout;
  private mark = '';

  constructor(
    private readonly auth: ConsoleAuth,
    private readonly changeMark: () => string,
    private readonly pollMs: number = DEFAULT_LIVE_POLL_MS,
  ) {
    this.pinger = setInterval(() => {
      for (const ws of this.wss.clients) ws.ping();
    }, PING_MS);
    this.pinger.unref();
  }

  /** The HTTP server's upgrade hook: a signed-in browser of this server's own pages only. */
  readonly upgrade = (request: IncomingMessage, socket: Socket, head: Buffer): void => {
    const origin = headerValue(request.headers.origin);
    const signed = this.auth.signed(request);
    if (!signed || (origin !== undefined && originHost(origin) !== headerValue(request.headers.host))) {
      socket.end(`HTTP/1.1 ${signed ? '403 Forbidden' : '401 Unauthorized'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => this.connected(ws));
  };

  /** Tells every open inbox now (after a change made here, without waiting for the next look). */
  poke(): void {
    this.check(true);
  }

  async stop(): Promise<void> {
    clearInterval(this.pinger);
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const ws of this.wss.clients) ws.close(1001, 'server stopping');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private connected(ws: WebSocket): void {
    ws.on('message', () => undefined);
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      if (this.wss.clients.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    });
    if (!this.timer) {
      this.mark = this.changeMark();
      this.timer = setInterval(() => this.check(false), this.pollMs);
      this.timer.unref();
    }
    ws.send(JSON.stringify({ type: 'hello' }));
  }

  private check(force: boolean): void {
    const mark = this.changeMark();
    if (mark === this.mark && !force) return;
    this.mark = mark;
    const frame = JSON.stringify({ type: 'tickets' });
    for (const ws of this.wss.clients) ws.send(frame);
  }
}
