import { agentAvailability, dayName, formatTime, timeZoneLabel } from '../knowledge/catalog';
import type { KnowledgeBase } from '../knowledge/schema';
import { say } from './messages';
import type { Language, OutboundMessage } from '../core/types';

/** Outbox kind of ticket events, fanned out to the agents' destinations. */
export const HANDOFF_EVENT = 'handoff-event';
/** Outbox kind of messages to a customer (target: the conversation id). */
export const CUSTOMER_MESSAGE = 'customer-message';

/** What happened to a ticket; destinations (Telegram agents group, helpdesk webhook) show these. */
export type HandoffEvent =
  | { readonly type: 'ticket-created'; readonly ticketId: string }
  | { readonly type: 'customer-message'; readonly ticketId: string; readonly text: string; readonly kind: string }
  | { readonly type: 'ticket-claimed'; readonly ticketId: string; readonly agent: string }
  | { readonly type: 'agent-message'; readonly ticketId: string; readonly agent: string; readonly text: string }
  | { readonly type: 'ticket-resolved'; readonly ticketId: string; readonly agent?: string }
  | { readonly type: 'ticket-cancelled'; readonly ticketId: string }
  /** A message to the customer could not be delivered (the ticket stays open). */
  | { readonly type: 'delivery-failed'; readonly ticketId: string; readonly reason: string; readonly text: string };

/** Payload of a CUSTOMER_MESSAGE outbox item. */
export interface CustomerDelivery extends DeliveryContext {
  readonly replies: readonly OutboundMessage[];
}

/** What a channel may use beside the replies when it delivers a turn's answer. */
export interface DeliveryContext {
  /** The platform message being answered (Telegram quotes it). */
  readonly replyTo?: string;
  /** The turn opened this ticket (Bot Framework tells its agent hub). */
  readonly handoffTicketId?: string;
  /** This delivery's id in the outbox, the same on every retry (for platforms that carry a tracking field). */
  readonly deliveryId?: string;
}

/** The second half of a handoff reply: queue position and when to expect an answer. */
export function handoffExpectation(kb: KnowledgeBase, ticketId: string, position: number, now: Date, lang: Language): string {
  const settings = kb.settings.handoff;
  const availability = agentAvailability(settings.hours, settings.holidays, now, kb.settings.timezone);
  if (availability.open) return say('handoffEta', lang, { ticket: ticketId, position, minutes: settings.replyMinutes });
  const next = availability.next;
  // Agents work in the shop's zone (settings.timezone), whatever the branches' zones are.
  const time = next ? formatTime(next.time, lang) : '';
  const zone = timeZoneLabel(kb.settings.timezone, now);
  const when = !next
    ? say('whenLater', lang)
    : next.inDays === 0
      ? say('whenToday', lang, { time, zone })
      : next.inDays === 1
        ? say('whenTomorrow', lang, { time, zone })
        : say('whenDay', lang, { day: dayName(next.day, lang), time, zone });
  return say('handoffClosed', lang, { ticket: ticketId, when });
}
