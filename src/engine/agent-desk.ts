import type { KnowledgeBase } from '../knowledge/schema';
import type { AuditAction, ConversationStore, HandoffTicket } from '../storage/store';
import { CUSTOMER_MESSAGE, HANDOFF_EVENT, type CustomerDelivery, type HandoffEvent } from './handoff-events';
import { say } from './messages';
import { EMPTY_STATE } from '../core/state';
import type { Language, OutboundMessage } from '../core/types';

export type DeskError = 'not-found' | 'closed' | 'claimed-by-other' | 'empty';

export type DeskResult =
  { readonly ok: true; readonly ticket: HandoffTicket } | { readonly ok: false; readonly error: DeskError; readonly ticket?: HandoffTicket };

const OPEN_STATUSES = new Set(['queued', 'claimed']);

/** What to do when another agent holds the ticket. */
export interface HolderRule {
  /**
   * Refuse with 'claimed-by-other' (default: true for `reply`; false for `resolve`, which every
   * destination may do to any open ticket). When the action goes ahead on another agent's
   * ticket, its audit row names the holder.
   */
  readonly refuseOthers?: boolean;
}

/**
 * What agents do to tickets, wherever they work (Telegram group, helpdesk webhook, terminal):
 * claim, reply, resolve, transfer. Each action is one transaction that also queues the customer's
 * messages and the ticket event in the outbox, so nothing is lost if delivery fails or the
 * process restarts; the channel that owns the conversation delivers them. Every action that
 * succeeds, and every listing an agent reads, leaves an audit row (who, what, which ticket,
 * when, `via` where: cli, telegram, helpdesk, botframework), never the message text.
 */
export class AgentDesk {
  constructor(
    private readonly store: ConversationStore,
    private readonly kb: () => KnowledgeBase,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Tickets still waiting or being handled, oldest first. */
  openTickets(): HandoffTicket[] {
    return [...this.store.listTickets('queued'), ...this.store.listTickets('claimed')].sort(
      (a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
    );
  }

  /** Tickets for an agent to read (open ones, or all with `all`); each one read is audited. */
  viewTickets(agent: string, options: { readonly all?: boolean; readonly via?: string } = {}): HandoffTicket[] {
    return this.store.atomically(() => {
      const tickets = options.all ? this.store.listTickets() : this.openTickets();
      for (const t of tickets) this.audit('ticket.read', agent, t.id, options.via);
      return tickets;
    });
  }

  claim(ticketId: string, agent: string, via?: string): DeskResult {
    return this.store.atomically(() => {
      const ticket = this.store.getTicket(ticketId);
      if (!ticket) return { ok: false, error: 'not-found' };
      if (!OPEN_STATUSES.has(ticket.status)) return { ok: false, error: 'closed', ticket };
      if (ticket.status === 'claimed') return ticket.agent === agent ? { ok: true, ticket } : { ok: false, error: 'claimed-by-other', ticket };
      return { ok: true, ticket: this.claimNow(ticket, agent, via) };
    });
  }

  /**
   * Hands an open ticket to another agent (`to`), who is introduced to the customer. Only the
   * agent holding it may pass it on; a queued ticket is simply assigned.
   */
  transfer(ticketId: string, agent: string, to: string, via?: string): DeskResult {
    const next = to.trim();
    return this.store.atomically(() => {
      const found = this.store.getTicket(ticketId);
      if (!found) return { ok: false, error: 'not-found' };
      if (!OPEN_STATUSES.has(found.status)) return { ok: false, error: 'closed', ticket: found };
      if (!next) return { ok: false, error: 'empty', ticket: found };
      if (found.status === 'claimed' && found.agent && found.agent !== agent) return { ok: false, error: 'claimed-by-other', ticket: found };
      if (found.agent === next) return { ok: true, ticket: found };
      const ticket = this.store.updateTicketStatus(ticketId, 'claimed', next) ?? found;
      this.toCustomer(ticket, [{ kind: 'text', text: say('agentJoined', this.language(ticket), { agent: next }) }], 'agent');
      this.event({ type: 'ticket-claimed', ticketId, agent: next });
      this.audit('ticket.transfer', agent, ticketId, via, { to: next });
      return { ok: true, ticket };
    });
  }

  /** Relays an agent's message to the customer (claiming a queued ticket on the way). */
  reply(ticketId: string, agent: string, text: string, via?: string, rule: HolderRule = {}): DeskResult {
    const body = text.trim();
    return this.store.atomically(() => {
      const found = this.store.getTicket(ticketId);
      if (!found) return { ok: false, error: 'not-found' };
      if (!OPEN_STATUSES.has(found.status)) return { ok: false, error: 'closed', ticket: found };
      if (!body) return { ok: false, error: 'empty', ticket: found };
      const other = heldByOther(found, agent);
      if (other && (rule.refuseOthers ?? true)) return { ok: false, error: 'claimed-by-other', ticket: found };
      const ticket = found.status === 'queued' ? this.claimNow(found, agent, via) : found;
      this.toCustomer(ticket, [{ kind: 'text', text: body }], 'agent');
      this.event({ type: 'agent-message', ticketId, agent, text: body });
      this.audit('ticket.reply', agent, ticketId, via, other ? { holder: other } : undefined);
      return { ok: true, ticket };
    });
  }

  /** Closes the ticket, gives the conversation back to the bot and asks for a 1–5 rating. */
  resolve(ticketId: string, agent?: string, via?: string, rule: HolderRule = {}): DeskResult {
    return this.store.atomically(() => {
      const found = this.store.getTicket(ticketId);
      if (!found) return { ok: false, error: 'not-found' };
      if (!OPEN_STATUSES.has(found.status)) return { ok: false, error: 'closed', ticket: found };
      const other = agent === undefined ? undefined : heldByOther(found, agent);
      if (other && (rule.refuseOthers ?? false)) return { ok: false, error: 'claimed-by-other', ticket: found };
      const ticket = this.store.updateTicketStatus(ticketId, 'resolved', found.agent ? undefined : agent) ?? found;
      const state = this.store.loadState(ticket.conversationId) ?? EMPTY_STATE;
      const { handoff: _h, ...rest } = state;
      this.store.saveState(ticket.conversationId, { ...rest, fallbacks: 0, csat: { ticketId } });
      const lang = this.language(ticket);
      this.toCustomer(
        ticket,
        [
          { kind: 'text', text: say('resolved', lang) },
          { kind: 'choice', text: say('csatQuestion', lang), options: ['1', '2', '3', '4', '5'].map((n) => ({ label: n, value: n })) },
        ],
        'resolved',
      );
      this.event({ type: 'ticket-resolved', ticketId, ...(agent ? { agent } : {}) });
      this.audit('ticket.resolve', agent ?? ticket.agent ?? 'unknown', ticketId, via, other ? { holder: other } : undefined);
      return { ok: true, ticket };
    });
  }

  /**
   * Tells customers whose tickets wait unclaimed longer than the setting that they are still
   * queued (with their position), at most once per that interval. Returns how many were told.
   */
  remindQueued(): number {
    const minutes = this.kb().settings.handoff.queueNoticeMinutes;
    const now = this.now();
    const due = now.getTime() - minutes * 60_000;
    let told = 0;
    this.store.atomically(() => {
      for (const ticket of this.store.listTickets('queued')) {
        const last = Date.parse(ticket.notifiedAt ?? ticket.createdAt);
        if (!(last <= due)) continue;
        const lang = this.language(ticket);
        this.toCustomer(
          ticket,
          [{ kind: 'text', text: say('stillQueued', lang, { ticket: ticket.id, position: this.store.queuePosition(ticket.id) }) }],
          'queue-notice',
        );
        this.store.markTicketNotified(ticket.id, now);
        told += 1;
      }
    });
    return told;
  }

  private claimNow(ticket: HandoffTicket, agent: string, via: string | undefined): HandoffTicket {
    const claimed = this.store.updateTicketStatus(ticket.id, 'claimed', agent) ?? ticket;
    this.toCustomer(claimed, [{ kind: 'text', text: say('agentJoined', this.language(ticket), { agent }) }], 'agent');
    this.event({ type: 'ticket-claimed', ticketId: ticket.id, agent });
    this.audit('ticket.claim', agent, ticket.id, via);
    return claimed;
  }

  private audit(action: AuditAction, actor: string, ticketId: string, via: string | undefined, detail?: Readonly<Record<string, string>>): void {
    this.store.audit({ at: this.now().toISOString(), actor, action, subject: ticketId, ...(via ? { via } : {}), ...(detail ? { detail } : {}) });
  }

  private language(ticket: HandoffTicket): Language {
    return this.store.loadState(ticket.conversationId)?.language ?? this.kb().settings.defaultLanguage;
  }

  private toCustomer(ticket: HandoffTicket, replies: OutboundMessage[], decision: string): void {
    const at = this.now().toISOString();
    for (const reply of replies) {
      const text = reply.kind === 'choice' ? `${reply.text}\n${reply.options.map((o, i) => `${i + 1}) ${o.label}`).join('\n')}` : reply.text;
      this.store.recordOutbound(ticket.conversationId, { text, at, decision, entryId: null });
    }
    this.store.enqueue({ kind: CUSTOMER_MESSAGE, target: ticket.conversationId, payload: { replies } satisfies CustomerDelivery });
  }

  private event(event: HandoffEvent): void {
    this.store.enqueue({ kind: HANDOFF_EVENT, target: event.ticketId, payload: event });
  }
}

/** The agent holding a claimed ticket when it is not `agent`. */
function heldByOther(ticket: HandoffTicket, agent: string): string | undefined {
  return ticket.status === 'claimed' && ticket.agent && ticket.agent !== agent ? ticket.agent : undefined;
}
