import type { AgentDesk, DeskResult } from '../engine/agent-desk';
import type { HandoffEvent } from '../engine/handoff-events';
import type { Logger } from '../logging/logger';
import type { HttpRequest, HttpResponse, HttpServer } from '../server/http-server';
import { headerValue, hmacSha256Hex, sameSecret } from '../server/secrets';
import type { ConversationStore, HandoffTicket } from '../storage/store';
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

/** Header carrying `sha256=<hex HMAC-SHA256 of the raw body>`, both ways. */
export const SIGNATURE_HEADER = 'x-tanya-signature';

export function signBody(secret: string, body: string | Buffer): string {
  return `sha256=${hmacSha256Hex(secret, body)}`;
}

/**
 * A helpdesk reached by webhook: each ticket event (with the ticket and the full transcript) is
 * POSTed as signed JSON and retried by the hub until it gets a 2xx; the helpdesk answers through
 * `POST /handoff/tickets/:id/messages`, `…/claim` and `…/resolve`, signed with the same secret.
 */
export class WebhookDestination implements AgentDestination {
  readonly name = 'webhook';

  constructor(private readonly options: WebhookDestinationOptions) {}

  async start(): Promise<void> {
    const { server } = this.options;
    server.route('POST', '/handoff/tickets/:id/messages', (r) => this.inbound(r, (body, id) => this.options.desk.reply(id, agentOf(body), typeof body.text === 'string' ? body.text : '')));
    server.route('POST', '/handoff/tickets/:id/claim', (r) => this.inbound(r, (body, id) => this.options.desk.claim(id, agentOf(body))));
    server.route('POST', '/handoff/tickets/:id/resolve', (r) => this.inbound(r, (body, id) => this.options.desk.resolve(id, agentOf(body))));
  }

  async deliver(event: HandoffEvent, ticket: HandoffTicket, deliveryId: string): Promise<void> {
    const body = JSON.stringify({
      event,
      ticket: { ...ticket, transcript: undefined },
      transcript: this.options.store.transcript(ticket.conversationId),
      deliveryId,
    });
    const response = await fetch(this.options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signBody(this.options.secret, body), 'x-tanya-delivery': deliveryId },
      body,
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    });
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) throw new Error(`helpdesk webhook answered ${response.status}`);
  }

  private inbound(request: HttpRequest, act: (body: Record<string, unknown>, ticketId: string) => DeskResult): HttpResponse {
    const signature = headerValue(request.headers[SIGNATURE_HEADER]);
    if (!sameSecret(signature, signBody(this.options.secret, request.body))) {
      this.options.log.warn({ path: request.path }, 'handoff call with a missing or wrong signature refused');
      return { status: 401, body: { ok: false, error: 'bad signature' } };
    }
    let body: unknown;
    try {
      body = JSON.parse(request.body.toString('utf8') || '{}');
    } catch {
      return { status: 400, body: { ok: false, error: 'body is not JSON' } };
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return { status: 400, body: { ok: false, error: 'body must be a JSON object' } };
    const ticketId = request.params.id ?? '';
    const result = act(body as Record<string, unknown>, ticketId);
    if (result.ok) return { status: 200, body: { ok: true, ticket: { id: result.ticket.id, status: result.ticket.status, agent: result.ticket.agent } } };
    const status = result.error === 'not-found' ? 404 : result.error === 'empty' ? 400 : 409;
    return { status, body: { ok: false, error: result.error, ...(result.ticket ? { status: result.ticket.status, agent: result.ticket.agent } : {}) } };
  }
}

function agentOf(body: Record<string, unknown>): string {
  return typeof body.agent === 'string' && body.agent.trim() ? body.agent.trim().slice(0, 80) : 'CS';
}
