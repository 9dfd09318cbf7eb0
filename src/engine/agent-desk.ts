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
  async openTickets(store: ConversationStore = this.store): Promise<HandoffTicket[]> {
    const [queued, claimed] = [await store.listTickets('queued'), await store.listTickets('claimed')];
    return [...queued, ...claimed].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  /** Tickets for an agent to read (open ones, or all with `all`); each one read is audited. */
  viewTickets(agent: string, options: { readonly all?: boolean; readonly via?: string } = {}): Promise<HandoffTicket[]> {
    return this.store.atomically(async (tx) => {
      const tickets = options.all ? await tx.listTickets() : await this.openTickets(tx);
      for (const t of tickets) await this.audit(tx, 'ticket.read', agent, t.id, options.via);
      return tickets;
    });
  }

  claim(ticketId: string, agent: string, via?: string): Promise<DeskResult> {
    return this.store.atomically(async (tx): Promise<DeskResult> => {
      const ticket = await lockedTicket(tx, ticketId);
      if (!ticket) return { ok: false, error: 'not-found' };
      if (!OPEN_STATUSES.has(ticket.status)) return { ok: false, error: 'closed', ticket };
      if (ticket.status === 'claimed') return ticket.agent === agent ? { ok: true, ticket } : { ok: false, error: 'claimed-by-other', ticket };
      return { ok: true, ticket: await this.claimNow(tx, ticket, agent, via) };
    });
  }

  /**
   * Hands an open ticket to another agent (`to`), who is introduced to the customer. Only the
   * agent holding it may pass it on; a queued ticket is simply assigned.
   */
  transfer(ticketId: string, agent: string, to: string, via?: string): Promise<DeskResult> {
    const next = to.trim();
    return this.store.atomically(async (tx): Promise<DeskResult> => {
      const found = await lockedTicket(tx, ticketId);
      if (!found) return { ok: false, error: 'not-found' };
      if (!OPEN_STATUSES.has(found.status)) return { ok: false, error: 'closed', ticket: found };
      if (!next) return { ok: false, error: 'empty', ticket: found };
      if (found.status === 'claimed' && found.agent && found.agent !== agent) return { ok: false, error: 'claimed-by-other', ticket: found };
      if (found.agent === next) return { ok: true, ticket: found };
      const ticket = (await tx.updateTicketStatus(ticketId, 'claimed', next)) ?? found;
      await this.toCustomer(tx, ticket, [{ kind: 'text', text: say('agentJoined', await this.language(tx, ticket), { agent: next }) }], 'agent');
      await this.event(tx, { type: 'ticket-claimed', ticketId, agent: next });
      await this.audit(tx, 'ticket.transfer', agent, ticketId, via, { to: next });
      return { ok: true, ticket };
    });
  }

  /** Relays an agent's message to the customer (claiming a queued ticket on the way). */
  reply(ticketId: string, agent: string, text: string, via?: string, rule: HolderRule = {}): Promise<DeskResult> {
    const body = text.trim();
    return this.store.atomically(async (tx): Promise<DeskResult> => {
      const found = await lockedTicket(tx, ticketId);
      if (!found) return { ok: false, error: 'not-found' };
      if (!OPEN_STATUSES.has(found.status)) return { ok: false, error: 'closed', ticket: found };
      if (!body) return { ok: false, error: 'empty', ticket: found };
      const other = heldByOther(found, agent);
      if (other && (rule.refuseOthers ?? true)) return { ok: false, error: 'claimed-by-other', ticket: found };
      const ticket = found.status === 'queued' ? await this.claimNow(tx, found, agent, via) : found;
      await this.toCustomer(tx, ticket, [{ kind: 'text', text: body }], 'agent');
      await this.event(tx, { type: 'agent-message', ticketId, agent, text: body });
      await this.audit(tx, 'ticket.reply', agent, ticketId, via, other ? { holder: other } : undefined);
      return { ok: true, ticket };
    });
  }

  /** Closes the ticket, gives the conversation back to the bot and asks for a 1–5 rating. */
  resolve(ticketId: string, agent?: string, via?: string, rule: HolderRule = {}): Promise<DeskResult> {
    return this.store.atomically(async (tx): Promise<DeskResult> => {
      const found = await lockedTicket(tx, ticketId);
      if (!found) return { ok: false, error: 'not-found' };
      if (!OPEN_STATUSES.has(found.status)) return { ok: false, error: 'closed', ticket: found };
      const other = agent === undefined ? undefined : heldByOther(found, agent);
      if (other && (rule.refuseOthers ?? false)) return { ok: false, error: 'claimed-by-other', ticket: found };
      const ticket = (await tx.updateTicketStatus(ticketId, 'resolved', found.agent ? undefined : agent)) ?? found;
      const state = (await tx.loadState(ticket.conversationId)) ?? EMPTY_STATE;
      const { handoff: _h, ...rest } = state;
      await tx.saveState(ticket.conversationId, { ...rest, fallbacks: 0, csat: { ticketId } });
      const lang = await this.language(tx, ticket);
      await this.toCustomer(
        tx,
        ticket,
        [
          { kind: 'text', text: say('resolved', lang) },
          { kind: 'choice', text: say('csatQuestion', lang), options: ['1', '2', '3', '4', '5'].map((n) => ({ label: n, value: n })) },
        ],
        'resolved',
      );
      await this.event(tx, { type: 'ticket-resolved', ticketId, ...(agent ? { agent } : {}) });
      await this.audit(tx, 'ticket.resolve', agent ?? ticket.agent ?? 'unknown', ticketId, via, other ? { holder: other } : undefined);
      return { ok: true, ticket };
    });
  }

  /**
   * Tells customers whose tickets wait unclaimed longer than the setting that they are still
   * queued (with their position), at most once per that interval. Returns how many were told.
   */
  async remindQueued(): Promise<number> {
    const minutes = this.kb().settings.handoff.queueNoticeMinutes;
    const now = this.now();
    const due = now.getTime() - minutes * 60_000;
    let told = 0;
    for (const listed of await this.store.listTickets('queued')) {
      if (!(Date.parse(listed.notifiedAt ?? listed.createdAt) <= due)) continue;
      // One transaction per ticket, holding its conversation (another process may remind too).
      const sent = await this.store.atomically(async (tx) => {
        const ticket = await lockedTicket(tx, listed.id);
        if (ticket?.status !== 'queued' || !(Date.parse(ticket.notifiedAt ?? ticket.createdAt) <= due)) return false;
        const lang = await this.language(tx, ticket);
        const position = await tx.queuePosition(ticket.id);
        await this.toCustomer(tx, ticket, [{ kind: 'text', text: say('stillQueued', lang, { ticket: ticket.id, position }) }], 'queue-notice');
        await tx.markTicketNotified(ticket.id, now);
        return true;
      });
      if (sent) told += 1;
    }
    return told;
  }

  private async claimNow(tx: ConversationStore, ticket: HandoffTicket, agent: string, via: string | undefined): Promise<HandoffTicket> {
    const claimed = (await tx.updateTicketStatus(ticket.id, 'claimed', agent)) ?? ticket;
    await this.toCustomer(tx, claimed, [{ kind: 'text', text: say('agentJoined', await this.language(tx, ticket), { agent }) }], 'agent');
    await this.event(tx, { type: 'ticket-claimed', ticketId: ticket.id, agent });
    await this.audit(tx, 'ticket.claim', agent, ticket.id, via);
    return claimed;
  }

  private audit(
    tx: ConversationStore,
    action: AuditAction,
    actor: string,
    ticketId: string,
    via: string | undefined,
    detail?: Readonly<Record<string, string>>,
  ): Promise<void> {
    return tx.audit({ at: this.now().toISOString(), actor, action, subject: ticketId, ...(via ? { via } : {}), ...(detail ? { detail } : {}) });
  }

  private async language(tx: ConversationStore, ticket: HandoffTicket): Promise<Language> {
    return (await tx.loadState(ticket.conversationId))?.language ?? this.kb().settings.defaultLanguage;
  }

  private async toCustomer(tx: ConversationStore, ticket: HandoffTicket, replies: OutboundMessage[], decision: string): Promise<void> {
    const at = this.now().toISOString();
    for (const reply of replies) {
      const text = reply.kind === 'choice' ? `${reply.text}\n${reply.options.map((o, i) => `${i + 1}) ${o.label}`).join('\n')}` : reply.text;
      await tx.recordOutbound(ticket.conversationId, { text, at, decision, entryId: null });
    }
    await tx.enqueue({ kind: CUSTOMER_MESSAGE, target: ticket.conversationId, payload: { replies } satisfies CustomerDelivery });
  }

  private event(tx: ConversationStore, event: HandoffEvent): Promise<number> {
    return tx.enqueue({ kind: HANDOFF_EVENT, target: event.ticketId, payload: event });
  }
}

/**
 * The ticket, read again after its conversation is held: an agent's action and the customer's
 * turn (or two agents on two processes) never change the same conversation at once.
 */
async function lockedTicket(tx: ConversationStore, ticketId: string): Promise<HandoffTicket | undefined> {
  const first = await tx.getTicket(ticketId);
  if (!first) return undefined;
  await tx.lockConversation(first.conversationId);
  return tx.getTicket(ticketId);
}

/** The agent holding a claimed ticket when it is not `agent`. */
function heldByOther(ticket: HandoffTicket, agent: string): string | undefined {
  return ticket.status === 'claimed' && ticket.agent && ticket.agent !== agent ? ticket.agent : undefined;
}
