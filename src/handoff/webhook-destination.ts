import type { AgentDesk, DeskResult } from '../engine/agent-desk';
import type { HandoffEvent } from '../engine/handoff-events';
import type { Logger } from '../logging/logger';
import { SMALL_WEBHOOK_BODY_BYTES, type HttpRequest, type HttpResponse, type HttpServer } from '../server/http-server';
import { headerValue, hmacSha256Hex, sameSecret } from '../server/secrets';
import type { ConversationStore, HandoffTicket, TranscriptLine } from '../storage/store';
import type { AgentDestination } from './hub';

export interface WebhookDestinationOptions {
  /** The helpdesk's endpoint that receives ticket events. */
  readonly url: string;
  /** Shared secret: our posts are signed with it, and the helpdesk signs its calls back with it. */
  readonly secret: string;
  readonly store: ConversationStore;
  readonly desk: AgentDesk;
  readonly server: HttpServer;
  readonly log: Logger;
  /** Per-request timeout (default 10 s). */
  readonly timeoutMs?: number;
}

/** Header carrying `sha256=<hex HMAC-SHA256 of the signed string>`, both ways (see {@link signingString}). */
export const SIGNATURE_HEADER = 'x-tanya-signature';
/** Header carrying the time of signing in unix seconds, both ways; part of the signed string. */
export const TIMESTAMP_HEADER = 'x-tanya-timestamp';
/** Header carrying our delivery id on events we send: the same id on every retry of one event. */
export const DELIVERY_HEADER = 'x-tanya-delivery';
/** How far a call's timestamp may be from our clock, either way (5 minutes). */
export const SIGNATURE_WINDOW_SECONDS = 300;
/** Where these agents act, in the audit log. */
const VIA = 'helpdesk';
/** The `markDelivered` channel that remembers signatures already used, so a captured call cannot be replayed. */
export const USED_SIGNATURES_CHANNEL = 'helpdesk-signature';

/** What a signature covers: who sent it when, to which endpoint, with which body. */
export interface SignedCall {
  /** Unix seconds, as sent in `X-Tanya-Timestamp`. */
  readonly timestamp: string;
  /** Upper case, e.g. `POST`. */
  readonly method: string;
  /**
   * The request target exactly as in the HTTP request line: the path, plus `?query` when there is
   * one, byte for byte (no decoding, re-encoding or reordering), e.g. `/handoff/tickets/T00001/claim`.
   */
  readonly path: string;
  /** The raw body, byte for byte. */
  readonly body: string | Buffer;
}

/**
 * The string both sides sign: `${timestamp}.${METHOD}.${path}.${body}`, e.g.
 * `1767225600.POST./handoff/tickets/T00001/claim.{"agent":"Rina"}`. Binding the method, path and time
 * means a signed call is good for one endpoint, one ticket and five minutes only (and, with the
 * used-signature memory, once).
 */
export function signingString(call: SignedCall): Buffer {
  const head = `${call.timestamp}.${call.method.toUpperCase()}.${call.path}.`;
  return Buffer.concat([Buffer.from(head, 'utf8'), typeof call.body === 'string' ? Buffer.from(call.body, 'utf8') : call.body]);
}

/** The `X-Tanya-Signature` value for a call: `sha256=<hex HMAC-SHA256 of signingString(call)>`. */
export function signCall(secret: string, call: SignedCall): string {
  return `sha256=${hmacSha256Hex(secret, signingString(call))}`;
}

/** Why a helpdesk call was refused; each is answered with 401 and this text. */
export type SignatureRefusal = 'missing signature' | 'missing or malformed timestamp' | 'bad signature' | 'timestamp outside the 5-minute window' | 'replayed';

export type SignatureCheck = { readonly ok: true; readonly replayId: string } | { readonly ok: false; readonly reason: SignatureRefusal };

/**
 * Checks a helpdesk call's signature and timestamp (pure: no replay memory). On success,
 * `replayId` is what the caller must remember as used.
 */
export function checkSignedCall(
  secret: string,
  headers: { readonly signature: string | undefined; readonly timestamp: string | undefined },
  call: Omit<SignedCall, 'timestamp'>,
  nowSeconds: number,
): SignatureCheck {
  const { signature, timestamp } = headers;
  if (!signature) return { ok: false, reason: 'missing signature' };
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'missing or malformed timestamp' };
  const expected = signCall(secret, { ...call, timestamp });
  if (!sameSecret(signature.trim().toLowerCase(), expected)) return { ok: false, reason: 'bad signature' };
  if (Math.abs(nowSeconds - Number(timestamp)) > SIGNATURE_WINDOW_SECONDS) return { ok: false, reason: 'timestamp outside the 5-minute window' };
  return { ok: true, replayId: expected };
}

/** The request target of a URL as it appears in the HTTP request line (path and query). */
function requestTarget(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}

const unixSeconds = (at: Date): number => Math.floor(at.getTime() / 1000);

/** At most this many transcript lines go with an event (what the store keeps per ticket). */
export const EVENT_TRANSCRIPT_LINES = 200;
/** …and at most this many characters of their text, so no event grows past a few hundred KB. */
export const EVENT_TRANSCRIPT_CHARS = 100_000;

/** The newest lines of a ticket's transcript that fit both bounds, oldest first. */
function latestLines(transcript: readonly TranscriptLine[]): TranscriptLine[] {
  const kept: TranscriptLine[] = [];
  let chars = 0;
  for (let i = transcript.length - 1; i >= 0 && kept.length < EVENT_TRANSCRIPT_LINES; i--) {
    chars += transcript[i].text.length;
    if (chars > EVENT_TRANSCRIPT_CHARS && kept.length > 0) break;
    kept.push(transcript[i]);
  }
  return kept.reverse();
}

/** Body limit of the helpdesk's calls to us (an agent's message is far smaller). */
const HELPDESK_CALL_MAX_BYTES = SMALL_WEBHOOK_BODY_BYTES;

/**
 * A helpdesk reached by webhook: each ticket event (with the ticket and its transcript) is
 * POSTed as signed JSON and retried by the hub until it gets a 2xx; the helpdesk answers through
 * `POST /handoff/tickets/:id/messages`, `…/claim` and `…/resolve`, signed with the same secret.
 * Both ways the signature covers timestamp, method, path and body (see {@link signingString}); a
 * call we receive is refused when its timestamp is more than 5 minutes off or its signature was
 * already used (remembered in the store, so also across a restart).
 */
export class WebhookDestination implements AgentDestination {
  readonly name = 'webhook';

  constructor(private readonly options: WebhookDestinationOptions) {}

  async start(): Promise<void> {
    const { server } = this.options;
    const limit = { maxBodyBytes: HELPDESK_CALL_MAX_BYTES };
    server.route(
      'POST',
      '/handoff/tickets/:id/messages',
      (r) => this.inbound(r, (body, id) => this.options.desk.reply(id, agentOf(body), typeof body.text === 'string' ? body.text : '', VIA)),
      limit,
    );
    server.route('POST', '/handoff/tickets/:id/claim', (r) => this.inbound(r, (body, id) => this.options.desk.claim(id, agentOf(body), VIA)), limit);
    server.route('POST', '/handoff/tickets/:id/resolve', (r) => this.inbound(r, (body, id) => this.options.desk.resolve(id, agentOf(body), VIA)), limit);
  }

  async deliver(event: HandoffEvent, ticket: HandoffTicket, deliveryId: string): Promise<void> {
    // The ticket's own transcript (the store reads its latest lines up to the handoff), not the
    // whole conversation, which every event of a long conversation would otherwise carry again.
    // Later customer messages reach the helpdesk as their own `customer-message` events.
    const { transcript, ...rest } = ticket;
    const body = JSON.stringify({ event, ticket: rest, transcript: latestLines(transcript), deliveryId });
    // Signed per attempt: a retry goes out with a fresh timestamp and the same delivery id.
    const timestamp = String(unixSeconds(new Date()));
    const signature = signCall(this.options.secret, { timestamp, method: 'POST', path: requestTarget(this.options.url), body });
    const response = await fetch(this.options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature, [TIMESTAMP_HEADER]: timestamp, [DELIVERY_HEADER]: deliveryId },
      body,
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    });
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) throw new Error(`helpdesk webhook answered ${response.status}`);
  }

  private async inbound(request: HttpRequest, act: (body: Record<string, unknown>, ticketId: string) => Promise<DeskResult>): Promise<HttpResponse> {
    const refusal = await this.refusal(request);
    if (refusal) {
      this.options.log.warn({ path: request.path, reason: refusal }, 'helpdesk call refused');
      return { status: 401, body: { ok: false, error: refusal } };
    }
    let body: unknown;
    try {
      body = JSON.parse(request.body.toString('utf8') || '{}');
    } catch {
      return { status: 400, body: { ok: false, error: 'body is not JSON' } };
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return { status: 400, body: { ok: false, error: 'body must be a JSON object' } };
    const ticketId = request.params.id ?? '';
    const result = await act(body as Record<string, unknown>, ticketId);
    if (result.ok) return { status: 200, body: { ok: true, ticket: { id: result.ticket.id, status: result.ticket.status, agent: result.ticket.agent } } };
    const status = result.error === 'not-found' ? 404 : result.error === 'empty' ? 400 : 409;
    return { status, body: { ok: false, error: result.error, ...(result.ticket ? { status: result.ticket.status, agent: result.ticket.agent } : {}) } };
  }

  /** Why the call must be refused, or undefined when it is signed, fresh and not seen before. */
  private async refusal(request: HttpRequest): Promise<SignatureRefusal | undefined> {
    const now = new Date();
    // The raw request target, as received: a re-serialized query (`?a=%20` → `?a=+`, `?flag` →
    // `?flag=`) would fail genuine signatures and let differently written queries share one.
    const check = checkSignedCall(
      this.options.secret,
      { signature: headerValue(request.headers[SIGNATURE_HEADER]), timestamp: headerValue(request.headers[TIMESTAMP_HEADER])?.trim() },
      { method: request.method, path: request.target, body: request.body },
      unixSeconds(now),
    );
    if (!check.ok) return check.reason;
    // Remembered only once the signature holds, so unsigned junk cannot fill the table; kept for
    // days, far longer than the 5-minute window in which the signature could be accepted again.
    return (await this.options.store.markDelivered(USED_SIGNATURES_CHANNEL, check.replayId, now)) ? undefined : 'replayed';
  }
}

function agentOf(body: Record<string, unknown>): string {
  return typeof body.agent === 'string' && body.agent.trim() ? body.agent.trim().slice(0, 80) : 'CS';
}
