import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a route sees of a request: the body is read in full (up to the size limit). */
export interface HttpRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** Values of `:name` segments in the route pattern. */
  readonly params: Readonly<Record<string, string>>;
}

export interface HttpResponse {
  readonly status: number;
  /** A string is sent as text/plain, anything else as JSON. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export type RouteHandler = (request: HttpRequest) => Promise<HttpResponse> | HttpResponse;

interface Route {
  readonly method: string;
  readonly segments: readonly string[];
  readonly handler: RouteHandler;
}

export interface HttpServerOptions {
  /** Largest request body accepted, in bytes (default 1 MiB); larger ones get 413. */
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

  constructor(private readonly options: HttpServerOptions = {}) {
    this.maxBodyBytes = options.maxBodyBytes ?? 1 << 20;
    this.route('GET', '/healthz', () => ({ status: 200, body: 'ok' }));
  }

  /** Registers a handler; `pattern` may hold `:name` segments, e.g. `/handoff/tickets/:id/resolve`. */
  route(method: string, pattern: string, handler: RouteHandler): void {
    this.routes.push({ method: method.toUpperCase(), segments: splitPath(pattern), handler });
  }

  /** Starts listening; resolves with the port (useful with port 0 in tests). */
  async listen(port: number, host = '0.0.0.0'): Promise<number> {
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const method = (req.method ?? 'GET').toUpperCase();
      const send = (response: HttpResponse): void => {
        if (res.headersSent) return;
        const isText = typeof response.body === 'string';
        const payload = response.body === undefined ? '' : isText ? String(response.body) : JSON.stringify(response.body);
        res.writeHead(response.status, {
          'content-type': isText || response.body === undefined ? 'text/plain; charset=utf-8' : 'application/json',
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
      const chunks: Buffer[] = [];
      let size = 0;
      let tooLarge = false;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > this.maxBodyBytes) {
          tooLarge = true;
          return;
        }
        chunks.push(chunk);
      });
      req.on('error', () => send({ status: 400, body: 'bad request' }));
      req.on('end', () => {
        if (tooLarge) {
          send({ status: 413, body: 'request body too large' });
          return;
        }
        const request: HttpRequest = { method, path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks), params: match.params };
        Promise.resolve()
          .then(() => match.route.handler(request))
          .then(send, (error: unknown) => {
            this.options.onError?.(error, { method, path: url.pathname });
            send({ status: 500, body: 'internal error' });
          });
      });
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
