import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Largest body any route may accept (1 MiB): WhatsApp Cloud webhooks, which batch messages, need this much. */
export const MAX_BODY_BYTES_CEILING = 1 << 20;
/** Body limit of a route that does not set its own (and of the server, unless `HttpServerOptions.maxBodyBytes` says otherwise). */
export const DEFAULT_MAX_BODY_BYTES = MAX_BODY_BYTES_CEILING;
/** Body limit for single-event webhooks: a Bot Framework activity, a Telegram update, a helpdesk call (256 KiB). */
export const SMALL_WEBHOOK_BODY_BYTES = 256 * 1024;

/** What a route sees of a request: the body is read in full (up to the route's size limit). */
export interface HttpRequest {
  readonly method: string;
  readonly path: string;
  /**
   * The request target exactly as received in the request line (path and query, undecoded and
   * unnormalized), e.g. `/handoff/tickets/T00001/claim?x=%20`. What a signature over "the
   * request target" must cover; `path` and `query` are parsed (normalized) views of it.
   */
  readonly target: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** Values of `:name` segments in the route pattern. */
  readonly params: Readonly<Record<string, string>>;
  /** The peer's IP address (a proxy's, behind one), e.g. `127.0.0.1` or `::ffff:10.0.0.5`. */
  readonly remoteAddress?: string;
}

export interface HttpResponse {
  readonly status: number;
  /** A string is sent as text/plain, a Buffer as it is (application/octet-stream unless `headers` say), anything else as JSON. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export type RouteHandler = (request: HttpRequest) => Promise<HttpResponse> | HttpResponse;

/**
 * Takes over a connection that asks to switch protocols (a WebSocket), with Node's own request,
 * socket and first bytes; it must answer on the socket or destroy it.
 */
export type UpgradeHandler = (request: IncomingMessage, socket: Socket, head: Buffer) => void;

export interface RouteOptions {
  /**
   * Largest request body this route accepts, in bytes (default: the server's `maxBodyBytes`; at
   * most MAX_BODY_BYTES_CEILING). Enforced while the body is read, before the handler runs: a
   * larger declared Content-Length is refused at once, a body that grows past it is cut off; both
   * get 413 `{"error":"request body too large"}` and the connection is closed.
   */
  readonly maxBodyBytes?: number;
}

interface Route {
  readonly method: string;
  readonly segments: readonly string[];
  readonly handler: RouteHandler;
  readonly maxBodyBytes: number;
}

export interface HttpServerOptions {
  /** Body limit of routes that do not set their own, in bytes (default and most: 1 MiB); larger ones get 413. */
  readonly maxBodyBytes?: number;
  /** Called when a handler throws (the client gets 500). */
  readonly onError?: (error: unknown, request: { method: string; path: string }) => void;
}

/**
 * One HTTP server shared by every channel of the process (Telegram webhook, WhatsApp Cloud API,
 * Bot Framework, handoff endpoints). Routes are registered before `listen`.
 */
export class HttpServer {
  private readonly routes: Route[] = [];
  private server: Server | undefined;
  private readonly maxBodyBytes: number;
  private health: RouteHandler = () => ({ status: 200, body: 'ok' });
  private readonly upgrades = new Map<string, UpgradeHandler>();
  /** Connections taken over by an upgrade handler: the HTTP server no longer closes them itself. */
  private readonly upgraded = new Set<Socket>();

  constructor(private readonly options: HttpServerOptions = {}) {
    this.maxBodyBytes = checkedLimit(options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
    this.route('GET', '/healthz', (request) => this.health(request), { maxBodyBytes: 0 });
  }

  /** Replaces what `GET /healthz` answers (default: 200 `ok`). */
  setHealthCheck(handler: RouteHandler): void {
    this.health = handler;
  }

  /**
   * Registers a handler; `pattern` may hold `:name` segments, e.g. `/handoff/tickets/:id/resolve`.
   * `options.maxBodyBytes` sets the route's own body limit (see {@link RouteOptions}).
   */
  route(method: string, pattern: string, handler: RouteHandler, options: RouteOptions = {}): void {
    const maxBodyBytes = checkedLimit(options.maxBodyBytes ?? this.maxBodyBytes);
    this.routes.push({ method: method.toUpperCase(), segments: splitPath(pattern), handler, maxBodyBytes });
  }

  /**
   * Hands connections that ask for an upgrade on `path` (exact) to `handler`, e.g. a WebSocket
   * server. Upgrades on other paths are answered 404. Taken-over connections are destroyed by
   * `close`.
   */
  upgrade(path: string, handler: UpgradeHandler): void {
    this.upgrades.set(path, handler);
  }

  /** Starts listening; resolves with the port (useful with port 0 in tests). */
  async listen(port: number, host = '0.0.0.0'): Promise<number> {
    const server = createServer((req, res) => {
      const url = parseTarget(req.url);
      if (!url) {
        // A target no URL parser takes (e.g. "//"): refused here, never thrown out of the listener.
        res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
        res.end('bad request');
        req.resume();
        return;
      }
      const method = (req.method ?? 'GET').toUpperCase();
      const send = (response: HttpResponse): void => {
        if (res.headersSent) return;
        const { body } = response;
        const isText = typeof body === 'string';
        const isBytes = Buffer.isBuffer(body);
        const payload = body === undefined ? '' : isText || isBytes ? body : JSON.stringify(body);
        res.writeHead(response.status, {
          'content-type': isBytes ? 'application/octet-stream' : isText || body === undefined ? 'text/plain; charset=utf-8' : 'application/json',
          'content-length': String(Buffer.byteLength(payload)),
          ...response.headers,
        });
        res.end(payload);
      };
      const match = this.match(method, url.pathname);
      if (!match) {
        send({ status: this.routes.some((r) => matchSegments(r.segments, splitPath(url.pathname))) ? 405 : 404, body: 'not found' });
        req.resume();
        return;
      }
      const limit = match.route.maxBodyBytes;
      const tooLarge = (): void => {
        // Answered before the rest is read; closing the connection drops whatever is still coming.
        send({ status: 413, body: { error: 'request body too large', limit }, headers: { connection: 'close' } });
      };
      const declared = req.headers['content-length'];
      if (declared !== undefined && Number(declared) > limit) {
        tooLarge();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let finished = false;
      const onData = (chunk: Buffer): void => {
        size += chunk.length;
        if (size <= limit) {
          chunks.push(chunk);
          return;
        }
        finished = true;
        chunks.length = 0;
        req.off('data', onData);
        req.resume();
        tooLarge();
      };
      req.on('data', onData);
      req.on('error', () => {
        if (finished) return;
        finished = true;
        send({ status: 400, body: 'bad request' });
      });
      req.on('end', () => {
        if (finished) return;
        finished = true;
        const request: HttpRequest = {
          method,
          path: url.pathname,
          target: req.url ?? '/',
          query: url.searchParams,
          headers: req.headers,
          body: Buffer.concat(chunks, size),
          params: match.params,
          ...(req.socket.remoteAddress ? { remoteAddress: req.socket.remoteAddress } : {}),
        };
        Promise.resolve()
          .then(() => match.route.handler(request))
          .then(send, (error: unknown) => {
            this.options.onError?.(error, { method, path: url.pathname });
            send({ status: 500, body: 'internal error' });
          });
      });
    });
    server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      // A client that drops the connection must not take the process down with an unheard error.
      socket.on('error', () => socket.destroy());
      const url = parseTarget(req.url);
      const handler = url && this.upgrades.get(url.pathname);
      if (!handler) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      this.upgraded.add(socket);
      socket.once('close', () => this.upgraded.delete(socket));
      handler(req, socket, head);
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
      for (const socket of this.upgraded) socket.destroy();
    });
  }

  private match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    const parts = splitPath(path);
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const params = matchSegments(route.segments, parts);
      if (params) return { route, params };
    }
    return undefined;
  }
}

/** The request target as a URL, or undefined when it is not one (`//`, `//a:b@/x`). */
function parseTarget(target: string | undefined): URL | undefined {
  try {
    return new URL(target ?? '/', 'http://localhost');
  } catch {
    return undefined;
  }
}

/** A body limit must be a whole number of bytes, at most MAX_BODY_BYTES_CEILING. */
function checkedLimit(bytes: number): number {
  if (!Number.isInteger(bytes) || bytes < 0 || bytes > MAX_BODY_BYTES_CEILING) {
    throw new RangeError(`body limit must be a whole number of bytes from 0 to ${MAX_BODY_BYTES_CEILING}, not ${bytes}`);
  }
  return bytes;
}

function splitPath(path: string): string[] {
  return path.split('/').filter(Boolean);
}

function matchSegments(pattern: readonly string[], parts: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i].startsWith(':')) {
      try {
        params[pattern[i].slice(1)] = decodeURIComponent(parts[i]);
      } catch {
        return undefined;
      }
    } else if (pattern[i] !== parts[i]) return undefined;
  }
  return params;
}
