import type { AgentDesk, DeskResult } from '../engine/agent-desk';
import type { KnowledgeBase } from '../knowledge/schema';
import type { HttpRequest, HttpResponse } from '../server/http-server';
import type { ConsoleStore } from '../storage/console-store';
import type { ConversationStore, HandoffTicket, TicketStatus } from '../storage/store';
import { CONSOLE_VIA, json } from './console-http';
import type { Signed } from './console-auth';
import { ticketDetail, ticketRow } from './ticket-view';

/** Longest reply or note an agent may send (characters). */
const MAX_TEXT = 4000;
/** Most tickets in one listing (newest first). */
const MAX_LISTED = 200;
const TICKET_STATUSES: readonly string[] = ['queued', 'claimed', 'resolved', 'cancelled'] satisfies readonly TicketStatus[];
const isTicketStatus = (s: string): s is TicketStatus => TICKET_STATUSES.includes(s);

export interface InboxApiOptions {
  readonly store: ConversationStore;
  readonly accounts: ConsoleStore;
  readonly desk: AgentDesk;
  readonly kb: () => KnowledgeBase;
  readonly now: () => Date;
  /** Called after a change made here, so open inboxes hear of it at once. */
  readonly changed: () => void;
}

/**
 * The inbox's JSON routes (the console's guards run first): the ticket list, one ticket, and the
 * actions, which go through the same `AgentDesk` as the Telegram group, the helpdesk and the terminal.
 */
export class InboxApi {
  constructor(private readonly options: InboxApiOptions) {}

  async list(request: HttpRequest): Promise<HttpResponse> {
    const { store, kb } = this.options;
    const status = request.query.get('status') ?? 'open';
    const channel = request.query.get('channel') ?? '';
    const agent = request.query.get('agent') ?? '';
    // Open tickets are read by status (each ticket carries its transcript): never all of history for the usual view.
    const statuses: readonly TicketStatus[] = status === 'open' ? ['queued', 'claimed'] : isTicketStatus(status) ? [status] : [];
    if (statuses.length === 0 && status !== 'all') return json(400, { error: 'status is open, queued, claimed, resolved, cancelled or all' });
    const listed = statuses.length > 0 ? (await Promise.all(statuses.map((s) => store.listTickets(s)))).flat() : await store.listTickets();
    const picked = listed
      .filter((t) => (!channel || t.channel === channel) && (!agent || t.agent === agent))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id))
      .slice(0, MAX_LISTED);
    const now = this.options.now();
    return json(200, { tickets: picked.map((t) => ticketRow(t, kb(), now)), channels: [...new Set(listed.map((t) => t.channel))].sort() });
  }

  async show(request: HttpRequest, signed: Signed): Promise<HttpResponse> {
    const { store, accounts, kb } = this.options;
    const ticket = await store.getTicket(request.params.id ?? '');
    if (!ticket) return json(404, { error: 'no such ticket' });
    await store.audit({ actor: signed.agent, action: 'ticket.read', subject: ticket.id, via: CONSOLE_VIA });
    return json(200, ticketDetail(ticket, await store.transcript(ticket.conversationId), await accounts.notes(ticket.id), kb(), this.options.now()));
  }

  async act(request: HttpRequest, signed: Signed): Promise<HttpResponse> {
    const { desk, accounts, store } = this.options;
    const id = request.params.id ?? '';
    const body = parseBody(request.body);
    const text = typeof body.text === 'string' ? body.text.slice(0, MAX_TEXT) : '';
    const action = request.params.action;
    let result: DeskResult;
    switch (action) {
      case 'claim':
        result = await desk.claim(id, signed.agent, CONSOLE_VIA);
        break;
      case 'reply':
        result = await desk.reply(id, signed.agent, text, CONSOLE_VIA);
        break;
      case 'resolve':
        result = await desk.resolve(id, signed.agent, CONSOLE_VIA);
        break;
      case 'transfer': {
        const to = typeof body.to === 'string' ? await accounts.agent(body.to) : undefined;
        if (!to) return json(400, { error: 'no such agent' });
        result = await desk.transfer(id, signed.agent, to.name, CONSOLE_VIA);
        break;
      }
      case 'note': {
        const ticket = await store.getTicket(id);
        if (!ticket) return json(404, { error: 'no such ticket' });
        if (!text.trim()) return json(400, { error: 'empty' });
        await accounts.addNote({ ticketId: ticket.id, agent: signed.agent, text: text.trim(), at: this.options.now().toISOString() });
        this.options.changed();
        return json(200, { ok: true });
      }
      default:
        return json(404, { error: 'no such action' });
    }
    this.options.changed();
    return deskResponse(result);
  }
}

function parseBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const DESK_STATUS = { 'not-found': 404, closed: 409, 'claimed-by-other': 409, empty: 400 } as const;

function deskResponse(result: DeskResult): HttpResponse {
  if (result.ok) return json(200, { ok: true, ticket: summary(result.ticket) });
  return json(DESK_STATUS[result.error], { error: result.error, ...(result.ticket ? { ticket: summary(result.ticket) } : {}) });
}

const summary = (t: HandoffTicket): { id: string; status: string; agent: string | null } => ({ id: t.id, status: t.status, agent: t.agent ?? null });
