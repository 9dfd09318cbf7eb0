import { agentAvailability } from '../knowledge/catalog';
import { questionsOf } from '../knowledge/schema';
import type { Analysis, Matcher } from '../matching/matcher';
import { foldText } from '../matching/normalize';
import { asksForPerson } from '../matching/person-request';
import { phrasePattern } from '../matching/phrases';
import type { ConversationStore, TicketSummary } from '../storage/store';
import { handoffExpectation, HANDOFF_EVENT, type HandoffEvent } from './handoff-events';
import { say, type MessageKey } from './messages';
import type { ConversationState } from '../core/state';
import { plainReply, withoutPending, type Turn, type TurnBase } from './turn';
import type { TurnHost } from './turn-host';
import type { HandoffReason, InboundMessage, Language } from '../core/types';
import { MAX_MESSAGE_CHARS } from './turn';

const BACK_TO_BOT = new Set(['kembali ke bot', 'balik ke bot', 'back to bot', '/bot', 'bot']);

/**
 * Turns that involve a person: opening a ticket (with the queue position and when agents are
 * back), messages while the conversation is with an agent (relayed, not answered), going back to
 * the bot, and complaint words that hand off at once.
 */
export class HandoffTurns {
  constructor(private readonly host: TurnHost) {}

  /**
   * A message while the conversation is with a person: relayed to the agents, not answered;
   * "kembali ke bot" or /cancel gives it back to the bot. Outside agents' hours a queued
   * customer still gets answers to questions the bot can answer. Undefined when the ticket is
   * already closed (the bot simply takes over).
   */
  async during(
    tx: ConversationStore,
    message: InboundMessage,
    state: ConversationState,
    ticketId: string,
    lang: Language,
    folded: string,
    matcher: Matcher,
  ): Promise<Turn | undefined> {
    const ticket = await tx.getTicket(ticketId);
    if (!ticket || ticket.status === 'resolved' || ticket.status === 'cancelled') return undefined;
    const back = { ...withoutHandoff(state), fallbacks: 0 };
    if (BACK_TO_BOT.has(folded) || folded === '/cancel' || folded === 'batal' || folded === 'cancel') {
      await tx.updateTicketStatus(ticketId, 'cancelled');
      await tx.enqueue({ kind: HANDOFF_EVENT, target: ticketId, payload: { type: 'ticket-cancelled', ticketId } satisfies HandoffEvent });
      return plainReply(say('backToBot', lang), 'empty', back);
    }
    await tx.enqueue({
      kind: HANDOFF_EVENT,
      target: ticketId,
      payload: { type: 'customer-message', ticketId, text: message.text.slice(0, 4000), kind: message.kind ?? 'text' } satisfies HandoffEvent,
    });
    const silent: Turn = {
      candidates: [],
      matchedTerms: [],
      entities: {},
      usedContext: false,
      replies: [],
      decision: { type: 'silent', reason: 'agent-active' },
      state,
    };
    const hours = this.host.kb().settings.handoff;
    const queued = ticket.status === 'queued';
    const open = queued && agentAvailability(hours.hours, hours.holidays, this.host.now(), this.host.kb().settings.timezone).open;
    // Asking again for a person while the ticket still waits for one ("udah, sambungin ke admin aja")
    // is handed off again: told where the waiting ticket stands, no new ticket (`again`); once an
    // agent has it, the agent answers.
    const read = message.text.slice(0, MAX_MESSAGE_CHARS);
    const tokens = queued && (message.kind ?? 'text') === 'text' ? matcher.normalizer.tokens(read) : [];
    if (asksForPerson(tokens)) {
      const asked = matcher.analyze(read, lang, tokens).language;
      const position = await tx.queuePosition(ticket.id);
      const expectation = handoffExpectation(this.host.kb(), ticket.id, position, this.host.now(), asked);
      const text = open ? `${say('handoffWaiting', asked)} ${expectation}` : expectation;
      return { ...silent, replies: [{ kind: 'text', text }], decision: { type: 'handoff', reason: 'requested', ticketId: ticket.id, score: 0, again: true } };
    }
    if (!queued || open) return silent;
    if ((message.kind ?? 'text') !== 'text' || !/[\p{L}\p{N}]/u.test(folded)) return silent;
    const analysis = matcher.analyze(read, lang, tokens);
    const turn = await this.host.matchTurn(tx, message, { ...state, language: analysis.language }, analysis.language, analysis, matcher);
    if (turn.decision.type !== 'answer') return { ...silent, candidates: turn.candidates, entities: turn.entities };
    return { ...turn, state: { ...turn.state, handoff: { ticketId } } };
  }

  /** True when the message asks for the customer's data to be deleted ("hapus data saya", `settings.privacy.deletionWords`). */
  isDeletionRequest(folded: string): boolean {
    return phrasePattern(this.host.kb().settings.privacy.deletionWords)?.test(folded) ?? false;
  }

  /** True when the message carries a complaint word from the settings (as written, or after slang is normalized). */
  isComplaint(folded: string, analysis: Analysis): boolean {
    const pattern = phrasePattern(this.host.kb().settings.handoff.complaintWords);
    if (!pattern) return false;
    return pattern.test(folded) || pattern.test(analysis.tokens.map((t) => t.text).join(' '));
  }

  /**
   * The entry an angry complaint stands for: the best-ranked one, answerable, when it is itself
   * about complaining (its own questions carry a complaint word: "kecewa, mau komplain" →
   * complaint) or a handoff entry. An answer the message would have had otherwise ("kecewa,
   * pesanan belum sampai" → order status) is not it: the customer gets a person instead.
   */
  complaintEntry(top: { readonly entryId: string; readonly score: number } | undefined, matcher: Matcher): string | undefined {
    const kb = this.host.kb();
    const pattern = phrasePattern(kb.settings.handoff.complaintWords);
    const entry = top && top.score >= kb.settings.answerThreshold ? matcher.entry(top.entryId) : undefined;
    if (!entry || !pattern) return undefined;
    const own = questionsOf(entry).some((q) => pattern.test(foldText(q)));
    return own || entry.action === 'handoff' ? entry.id : undefined;
  }

  /** Opens a ticket; `entryId` is the entry that asked for it (default: the KB's handoff entry for requests). */
  async open(
    tx: ConversationStore,
    message: InboundMessage,
    state: ConversationState,
    lang: Language,
    reason: HandoffReason,
    base: TurnBase,
    entryId?: string,
  ): Promise<Turn> {
    const flow = state.flow ? { id: state.flow.id, slots: state.flow.slots } : undefined;
    const summary: TicketSummary = {
      lastQuestion: message.text.slice(0, 500),
      candidates: base.candidates.slice(0, 3),
      entities: base.entities,
      ...(flow ? { flow } : {}),
    };
    const ticket = await tx.createTicket({
      conversationId: message.conversationId,
      channel: message.channel,
      customerId: message.userId,
      ...(message.userName ? { customerName: message.userName } : {}),
      reason,
      summary,
    });
    await tx.enqueue({ kind: HANDOFF_EVENT, target: ticket.id, payload: { type: 'ticket-created', ticketId: ticket.id } satisfies HandoffEvent });
    const score = base.candidates[0]?.score ?? 0;
    const position = await tx.queuePosition(ticket.id);
    const text = [say(HANDOFF_OPENING[reason], lang), handoffExpectation(this.host.kb(), ticket.id, position, this.host.now(), lang)].join(' ');
    // The person takes over from here: what the bot remembered (product, flow) does not outlive the ticket.
    const { topic: _t, flow: _f, ...rest } = withoutPending(state);
    entryId ??= reason === 'requested' ? this.host.matcher().entries.find((e) => e.action === 'handoff')?.id : undefined;
    return {
      ...base,
      replies: [{ kind: 'text', text }],
      decision: { type: 'handoff', reason, ticketId: ticket.id, score, ...(entryId ? { entryId } : {}) },
      state: { ...rest, fallbacks: 0, choices: undefined, handoff: { ticketId: ticket.id } },
    };
  }
}

/** The first sentence of a handoff reply, by why it happened. */
const HANDOFF_OPENING: Readonly<Record<HandoffReason, MessageKey>> = {
  requested: 'handoff',
  'repeated-fallback': 'handoffAfterFallbacks',
  complaint: 'handoffComplaint',
  flow: 'handoff',
  'data-request': 'handoffDataRequest',
};

export function withoutHandoff(state: ConversationState): ConversationState {
  const { handoff: _h, ...rest } = state;
  return rest;
}
