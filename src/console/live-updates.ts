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
  private checking = false;
  /** The session cookie each socket opened with, to see that the session still exists. */
  private readonly cookies = new WeakMap<WebSocket, string | undefined>();

  constructor(
    private readonly auth: ConsoleAuth,
    private readonly changeMark: () => Promise<string>,
    private readonly pollMs: number = DEFAULT_LIVE_POLL_MS,
  ) {
    this.pinger = setInterval(() => {
      for (const ws of this.wss.clients) void this.stillSigned(ws).then((yes) => yes && ws.ping());
    }, PING_MS);
    this.pinger.unref();
  }

  /** The HTTP server's upgrade hook: a signed-in browser of this server's own pages only. */
  readonly upgrade = (request: IncomingMessage, socket: Socket, head: Buffer): void => {
    void this.admit(request, socket, head);
  };

  private async admit(request: IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
    const origin = headerValue(request.headers.origin);
    let signed: Awaited<ReturnType<ConsoleAuth['signed']>>;
    try {
      signed = await this.auth.signed(request);
    } catch {
      // The store is down: refuse this socket rather than let an upgrade handler throw.
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (!signed || (origin !== undefined && originHost(origin) !== headerValue(request.headers.host))) {
      socket.end(`HTTP/1.1 ${signed ? '403 Forbidden' : '401 Unauthorized'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const cookie = request.headers.cookie;
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      this.cookies.set(ws, cookie);
      this.connected(ws);
    });
  }

  /**
   * True while the socket's session still exists: logging out, a new password or a removed
   * account closes the live feed too (checked with each ping and each change).
   */
  private async stillSigned(ws: WebSocket): Promise<boolean> {
    let signed: boolean;
    try {
      signed = (await this.auth.signed({ headers: { cookie: this.cookies.get(ws) } })) !== undefined;
    } catch {
      signed = true; // the store is down for a moment: keep the socket, check again later
    }
    if (!signed) ws.close(4401, 'signed out');
    return signed;
  }

  /** Tells every open inbox now (after a change made here, without waiting for the next look). */
  poke(): void {
    void this.check(true);
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
      this.mark = '';
      void this.changeMark()
        .then((mark) => (this.mark = mark))
        .catch(() => undefined);
      this.timer = setInterval(() => void this.check(false), this.pollMs);
      this.timer.unref();
    }
    ws.send(JSON.stringify({ type: 'hello' }));
  }

  private async check(force: boolean): Promise<void> {
    // One look at a time: with a slow database, ticks do not pile up behind each other.
    if (this.checking && !force) return;
    this.checking = true;
    try {
      await this.look(force);
    } finally {
      this.checking = false;
    }
  }

  private async look(force: boolean): Promise<void> {
    let mark: string;
    try {
      mark = await this.changeMark();
    } catch {
      return; // the store is down for a moment: look again at the next tick
    }
    if (mark === this.mark && !force) return;
    this.mark = mark;
    const frame = JSON.stringify({ type: 'tickets' });
    for (const ws of this.wss.clients) if (await this.stillSigned(ws)) ws.send(frame);
  }
}
