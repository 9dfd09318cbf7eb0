import type { HttpRequest, HttpResponse } from '../../server/http-server';
import { headerValue } from '../../server/secrets';
import type { AllowedOrigins } from './allowed-origins';
import { clientAddress } from '../../server/client-address';
import { parseClientFrame, parsePollRequest, parseSendRequest } from './frames';
import type { LiveEvents } from './live-events';
import type { PollAnswer, ServerFrame } from './protocol';
import type { ConnectionCounter } from './socket-transport';
import { conversationIdOf, type WebChatSessions } from './sessions';

/** How long a poll waits for something to happen before it answers "nothing yet" (default 25 s, under most proxies' 30–60 s). */
export const DEFAULT_POLL_WAIT_MS = 25_000;

export interface PollTransportOptions {
  readonly sessions: WebChatSessions;
  readonly live: LiveEvents;
  readonly origins: AllowedOrigins;
  readonly trustProxy: boolean;
  readonly connections: ConnectionCounter;
  readonly waitMs?: number;
}

/**
 * The fallback for networks that block WebSockets: the same frames over plain HTTP. `hello` and
 * `send` answer at once; `poll` waits until the conversation has news after the widget's cursor.
 * Bodies are JSON sent as text/plain (no CORS preflight); answers carry CORS headers for
 * allowed origins only.
 */
export class PollTransport {
  private readonly waiting = new Set<() => void>();

  constructor(private readonly options: PollTransportOptions) {}

  /** Answers every waiting poll now (the server is stopping). */
  stop(): void {
    for (const wake of [...this.waiting]) wake();
  }

  readonly preflight = (request: HttpRequest): HttpResponse => {
    const origin = this.allowedOrigin(request);
    return {
      status: origin ? 204 : 403,
      headers: origin
        ? { ...cors(origin), 'access-control-allow-methods': 'POST', 'access-control-allow-headers': 'content-type', 'access-control-max-age': '600' }
        : {},
    };
  };

  readonly hello = async (request: HttpRequest): Promise<HttpResponse> => {
    const origin = this.allowedOrigin(request);
    if (!origin) return refused(request);
    const frame = parseClientFrame(request.body.toString('utf8'));
    if (frame?.type !== 'hello') return answer(origin, { type: 'error', code: 'bad-frame' }, 400);
    return answer(origin, (await this.options.sessions.hello(frame, this.ip(request))).frame);
  };

  readonly send = async (request: HttpRequest): Promise<HttpResponse> => {
    const origin = this.allowedOrigin(request);
    if (!origin) return refused(request);
    const body = parseSendRequest(request.body.toString('utf8'));
    if (!body) return answer(origin, { type: 'error', code: 'bad-frame' }, 400);
    const key = this.options.sessions.keyOf(body.token);
    if (key === undefined) return answer(origin, { type: 'error', code: 'token', id: body.frame.id }, 401);
    return answer(origin, await this.options.sessions.receive(key, body.frame, this.ip(request)));
  };

  readonly poll = async (request: HttpRequest): Promise<HttpResponse> => {
    const origin = this.allowedOrigin(request);
    if (!origin) return refused(request);
    const body = parsePollRequest(request.body.toString('utf8'));
    if (!body) return answer(origin, { type: 'error', code: 'bad-frame' }, 400);
    const key = this.options.sessions.keyOf(body.token);
    if (key === undefined) return answer(origin, { type: 'error', code: 'token' }, 401);
    const ip = this.ip(request);
    if (!this.options.connections.add(ip)) return answer(origin, { type: 'error', code: 'rate-limited' }, 429);
    try {
      return answer(origin, await this.framesAfter(conversationIdOf(key), body.epoch, body.since));
    } finally {
      this.options.connections.remove(ip);
    }
  };

  /** What happened after the cursor, waiting for it when nothing has yet. */
  private async framesAfter(conversationId: string, epoch: string, since: number): Promise<PollAnswer> {
    const { live } = this.options;
    const now = (): PollAnswer => {
      const frames = epoch === live.epoch ? live.since(conversationId, since) : undefined;
      return frames ? { frames } : { frames: [], resync: true };
    };
    const first = now();
    if (first.frames.length > 0 || first.resync) return first;
    await new Promise<void>((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        unlisten();
        this.waiting.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, this.options.waitMs ?? DEFAULT_POLL_WAIT_MS);
      timer.unref();
      const unlisten = live.listen(conversationId, wake);
      this.waiting.add(wake);
    });
    return now();
  }

  private ip(request: HttpRequest): string {
    return clientAddress(request.headers, request.remoteAddress, this.options.trustProxy);
  }

  private allowedOrigin(request: HttpRequest): string | undefined {
    const origin = headerValue(request.headers.origin);
    return this.options.origins.allows(origin, headerValue(request.headers.host)) ? origin : undefined;
  }
}

function cors(origin: string): Record<string, string> {
  return { 'access-control-allow-origin': origin, vary: 'origin', 'cache-control': 'no-store' };
}

function answer(origin: string, body: ServerFrame | PollAnswer, status = 200): HttpResponse {
  return { status, body, headers: cors(origin) };
}

/**
 * A page on an origin that is not allowed may read that it was refused (so the widget can say
 * so), and nothing else.
 */
function refused(request: HttpRequest): HttpResponse {
  const origin = headerValue(request.headers.origin);
  const readable = origin && /^https?:\/\/[^/\s]+$/.test(origin) ? cors(origin) : {};
  return { status: 403, body: { type: 'error', code: 'origin' } satisfies ServerFrame, headers: readable };
}
