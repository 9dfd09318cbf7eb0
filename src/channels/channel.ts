import type { DeliveryContext } from '../engine/handoff-events';
import type { OutboundMessage } from '../core/types';

/**
 * A messaging platform adapter. Channels depend on the engine, never the other way round;
 * each one turns platform updates into `InboundMessage`s and renders `OutboundMessage`s.
 */
export interface Channel {
  /** The channel id used in conversation ids and transcripts ("telegram", "whatsapp", …). */
  readonly name: string;
  start(): Promise<void>;
  /** Stops taking new updates and waits for the ones in progress. */
  stop(): Promise<void>;
  /** Sends messages to a customer: a turn's replies from the outbox, an agent's reply, a queue notice. */
  send(conversationId: string, replies: readonly OutboundMessage[], context?: DeliveryContext): Promise<void>;
  /**
   * How long a message that was on its way when the bot died waits before it is sent again,
   * for platforms that confirm what they received (WhatsApp Cloud's status webhooks); 0 or
   * absent: sent again at once (it may then arrive twice).
   */
  readonly confirmationWaitMs?: number;
  /** True when the conversation id belongs to this channel (and this process can send to it now). */
  owns(conversationId: string): boolean;
  /**
   * For channels that fetch their updates themselves (Telegram long polling, the WhatsApp Web
   * session): starts fetching. Of several processes sharing a database, only the leader does
   * (see app/leadership.ts); `unlisten` stops when it no longer leads. Channels that are pushed
   * to (webhooks) leave both out: every process takes their deliveries.
   */
  listen?(): Promise<void>;
  unlisten?(): Promise<void>;
}

/** A channel setting that cannot work (bad token, malformed URL), worded for the person starting the bot. */
export class ChannelConfigError extends Error {}

/**
 * A message the platform refuses for good (e.g. WhatsApp's 24-hour customer-service window has
 * closed): retrying will not help, so the agents are told instead.
 */
export class UndeliverableError extends Error {
  constructor(
    message: string,
    /** What the agent can do about it, in the agents' words. */
    readonly advice: string,
  ) {
    super(message);
    this.name = 'UndeliverableError';
  }
}
