import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Logger } from '../../logging/logger';
import { headerValue } from '../../server/secrets';
import type { AllowedOrigins } from './allowed-origins';
import { clientAddress } from '../../server/client-address';
import { LogThrottle } from '../../logging/throttle';
import { MAX_FRAME_BYTES, parseClientFrame } from './frames';
import type { LiveEvents } from './live-events';
import type { ServerFrame } from './protocol';
import type { WebChatSessions } from './sessions';

/** Close codes the widget understands: refused origin (do not retry) and too many connections (retry later). */
export const CLOSE_ORIGIN_REFUSED = 4403;
export const CLOSE_TOO_MANY = 4429;
/** Frames a socket may get wrong before it is closed (a widget never sends one). */
const MAX_BAD_FRAMES = 20;
/** How often idle sockets are pinged; one that has not answered the previous ping is dropped. */
const PING_MS = 30_000;

export interface SocketTransportOptions {
  readonly sessions: WebChatSessions;
  readonly live: LiveEvents;
  readonly origins: AllowedOrigins;
  readonly trustProxy: boolean;
  /** Counts connections per IP address (shared with the long polls). */
  readonly connections: ConnectionCounter;
  readonly log: Logger;
}

/** Open connections per IP address, refused above a ceiling. */
export class ConnectionCounter {
  private readonly open = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Counts one more for `ip`; false (and nothing counted) when it already has the most allowed. */
  add(ip: string): boolean {
    const n = this.open.get(ip) ?? 0;
    if (n >= this.max) return false;
    this.open.set(ip, n + 1);
    return true;
  }

  remove(ip: string): void {
    const n = (this.open.get(ip) ?? 1) - 1;
    if (n <= 0) this.open.delete(ip);
    else this.open.set(ip, n);
  }
}

/**
 * The widget's WebSocket (`ws`): one JSON frame per message. A page on another origin is told
 * so and closed (4403), never served.
 */
export class SocketTransport {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });
  private readonly pinger: NodeJS.Timeout;
  private readonly alive = new WeakSet<WebSocket>();
  /** Refused origins are logged once a minute with a count, however many pages try. */
  private readonly logs = new LogThrottle();

  constructor(private readonly options: SocketTransportOptions) {
    this.pinger = setInterval(() => this.ping(), PING_MS);
    this.pinger.unref();
  }

  /** The HTTP server's upgrade hook for the socket path. */
  readonly upgrade = (request: IncomingMessage, socket: Socket, head: Buffer): void => {
    this.wss.handleUpgrade(request, socket, head, (ws) => this.connected(ws, request));
  };

  /** Closes every socket ("going away": the widget reconnects to the next process). */
  async stop(): Promise<void> {
    clearInterval(this.pinger);
    for (const ws of this.wss.clients) ws.close(1001, 'server stopping');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private connected(ws: WebSocket, request: IncomingMessage): void {
    const { sessions, live, origins, connections, log } = this.options;
    const send = (frame: ServerFrame): void => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
    };
    if (!origins.allows(headerValue(request.headers.origin), headerValue(request.headers.host))) {
      const heldBack = this.logs.take('origin');
      if (heldBack !== undefined)
        log.warn({ origin: headerValue(request.headers.origin), heldBack }, 'web chat from an origin that is not allowed refused (WEBCHAT_ORIGINS)');
      send({ type: 'error', code: 'origin' });
      ws.close(CLOSE_ORIGIN_REFUSED, 'origin not allowed');
      return;
    }
    const ip = clientAddress(request.headers, request.socket.remoteAddress, this.options.trustProxy);
    if (!connections.add(ip)) {
      send({ type: 'error', code: 'rate-limited' });
      ws.close(CLOSE_TOO_MANY, 'too many connections');
      return;
    }
    this.alive.add(ws);
    let key: string | undefined;
    let unlisten: (() => void) | undefined;
    let badFrames = 0;
    ws.on('pong', () => this.alive.add(ws));
    let closed = false;
    ws.on('close', () => {
      closed = true;
      unlisten?.();
      connections.remove(ip);
    });
    ws.on('error', (error) => log.debug({ err: error }, 'web chat socket error'));
    // One frame at a time, in the order they came: a message right after its hello waits for the welcome.
    let frames: Promise<void> = Promise.resolve();
    ws.on('message', (data: RawData, isBinary: boolean) => {
      // A handler of a socket event has no caller to catch what it throws (a store that is down):
      // the visitor is told to try again instead of the process ending.
      frames = frames
        .then(() => onMessage(data, isBinary))
        .catch((error: unknown) => {
          log.error({ err: error }, 'web chat message could not be handled');
          send({ type: 'error', code: 'unavailable' });
        });
    });
    const onMessage = async (data: RawData, isBinary: boolean): Promise<void> => {
      const frame = isBinary ? undefined : parseClientFrame(rawText(data));
      if (!frame) {
        send({ type: 'error', code: 'bad-frame' });
        if (++badFrames >= MAX_BAD_FRAMES) ws.close(1008, 'too many bad frames');
        return;
      }
      if (frame.type === 'hello') {
        // Listen before the history is read and hold what comes meanwhile until the welcome is
        // out: no line is missed, and the widget skips those its history already holds.
        const held: ServerFrame[] = [];
        let welcomed = false;
        let listening: (() => void) | undefined;
        let welcome: Awaited<ReturnType<WebChatSessions['hello']>>;
        try {
          welcome = await sessions.hello(frame, ip, (conversationId) => {
            listening = live.listen(conversationId, (f) => (welcomed ? send(f) : held.push(f)));
          });
        } catch (error) {
          listening?.();
          throw error;
        }
        // The socket closed while the history was read: nobody to listen for.
        if (closed || welcome.key === undefined) {
          listening?.();
          if (!closed) send(welcome.frame);
          return;
        }
        send(welcome.frame);
        welcomed = true;
        unlisten?.();
        key = welcome.key;
        unlisten = listening;
        for (const f of held) send(f);
        return;
      }
      if (key === undefined) {
        send({ type: 'error', code: 'token', id: frame.id });
        return;
      }
      send(await sessions.receive(key, frame, ip));
    };
  }

  private ping(): void {
    for (const ws of this.wss.clients) {
      if (!this.alive.has(ws)) {
        ws.terminate();
        continue;
      }
      this.alive.delete(ws);
      ws.ping();
    }
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}
