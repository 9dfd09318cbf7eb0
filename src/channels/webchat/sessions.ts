import type { Logger } from '../../logging/logger';
import type { ConversationStore } from '../../storage/store';
import { inbound, type Inbox } from '../inbox';
import type { ConversationTokens } from './conversation-token';
import { isTooLong } from './frames';
import { historyOf } from './history';
import type { LiveEvents } from './live-events';
import type { ClientFrame, ServerFrame } from './protocol';
import { RateLimiter, type RateLimit } from './rate-limit';

export const WEBCHAT_CHANNEL = 'webchat';

/** Rate limits of the web chat (defaults in DEFAULT_WEBCHAT_LIMITS). */
export interface WebChatLimits {
  /**
   * Messages per client IP address (default 40 at once, 120 a minute: many customers of one
   * mobile carrier share an address behind its NAT; WEBCHAT_IP_LIMIT sets the minute's count).
   */
  readonly messagesPerIp: RateLimit;
  /** Messages per conversation (default 8 at once, 20 a minute; WEBCHAT_CONVERSATION_LIMIT sets the minute's count). */
  readonly messagesPerConversation: RateLimit;
  /** Conversations started or resumed per IP address (default 30 at once, 30 a minute). */
  readonly hellosPerIp: RateLimit;
  /** Open WebSockets and waiting long polls per IP address (default 30). */
  readonly connectionsPerIp: number;
}

export const DEFAULT_WEBCHAT_LIMITS: WebChatLimits = {
  messagesPerIp: { burst: 40, perMinute: 120 },
  messagesPerConversation: { burst: 8, perMinute: 20 },
  hellosPerIp: { burst: 30, perMinute: 30 },
  connectionsPerIp: 30,
};

/** Per-IP message limit of WEBCHAT_IP_LIMIT (messages a minute; a third of them at once). */
export function perIpLimit(perMinute: number): RateLimit {
  return { perMinute, burst: Math.max(10, Math.round(perMinute / 3)) };
}

/** Per-conversation message limit of WEBCHAT_CONVERSATION_LIMIT (messages a minute; 40 % of them at once, at least 3). */
export function perConversationLimit(perMinute: number): RateLimit {
  return { perMinute, burst: Math.max(3, Math.round(perMinute * 0.4)) };
}

/** The conversation id of a web chat conversation key. */
export const conversationIdOf = (key: string): string => `${WEBCHAT_CHANNEL}:${key}`;

export interface SessionsOptions {
  readonly inbox: Inbox;
  readonly store: ConversationStore;
  readonly tokens: ConversationTokens;
  readonly live: LiveEvents;
  readonly limits: WebChatLimits;
  readonly log: Logger;
}

/**
 * What both transports (WebSocket, long polling) do with a widget's frames: hello starts or
 * resumes a conversation; a message is recorded in the inbox before it is acknowledged.
 */
export class WebChatSessions {
  private readonly perIp: RateLimiter;
  private readonly perConversation: RateLimiter;
  private readonly hellos: RateLimiter;

  constructor(private readonly options: SessionsOptions) {
    this.perIp = new RateLimiter(options.limits.messagesPerIp);
    this.perConversation = new RateLimiter(options.limits.messagesPerConversation);
    this.hellos = new RateLimiter(options.limits.hellosPerIp);
  }

  /** The conversation key of a genuine token. */
  keyOf(token: string | undefined): string | undefined {
    return this.options.tokens.verify(token);
  }

  /**
   * The welcome for a hello: the conversation the token names with its history, or a new one
   * (no token, or one this server did not sign: a new secret, a forged token). A new
   * conversation is stored only when its first message arrives. `onConversation` is told the
   * conversation before its history is read (a socket starts listening there, so no line said
   * meanwhile is missed; the widget skips lines its history already holds).
   */
  async hello(
    frame: Extract<ClientFrame, { type: 'hello' }>,
    ip: string,
    onConversation?: (conversationId: string) => void,
  ): Promise<{ frame: ServerFrame; key?: string }> {
    if (!this.hellos.take(ip)) return { frame: { type: 'error', code: 'rate-limited' } };
    const { tokens, store, live } = this.options;
    const known = tokens.verify(frame.token);
    if (known !== undefined && frame.token !== undefined) {
      const conversationId = conversationIdOf(known);
      onConversation?.(conversationId);
      // The cursor before the history: a long poll then gets every line said while it is read.
      const seq = live.head(conversationId);
      const { history, through } = await historyOf(store, conversationId);
      return { key: known, frame: { type: 'welcome', token: frame.token, history, through, seq, epoch: live.epoch } };
    }
    const issued = tokens.issue();
    onConversation?.(conversationIdOf(issued.key));
    return { key: issued.key, frame: { type: 'welcome', token: issued.token, history: [], through: 0, seq: 0, epoch: live.epoch } };
  }

  /** Takes a message or a shared location in (durably) and answers `ack`, or an error. */
  async receive(key: string, frame: Extract<ClientFrame, { type: 'message' | 'location' }>, ip: string): Promise<ServerFrame> {
    const text = frame.type === 'message' ? frame.text.trim() : '';
    if (frame.type === 'message' && isTooLong(text)) return { type: 'error', code: 'too-long', id: frame.id };
    if (frame.type === 'message' && text === '') return { type: 'error', code: 'bad-frame', id: frame.id };
    const conversationId = conversationIdOf(key);
    // Both buckets are charged: a flood from one address or into one conversation is refused.
    const ipOk = this.perIp.take(ip);
    const conversationOk = this.perConversation.take(conversationId);
    if (!ipOk || !conversationOk) return { type: 'error', code: 'rate-limited', id: frame.id };
    const { inbox, store, live, log } = this.options;
    let fresh: number;
    let withPerson: boolean;
    try {
      // Read before the message is taken in (its turn starts then), so "typing…" never follows the reply.
      withPerson = (await store.openTicketFor(conversationId)) !== undefined;
      fresh = await inbox.accept(WEBCHAT_CHANNEL, [
        {
          deliveryId: `${key}:${frame.id}`,
          message: inbound({
            channel: WEBCHAT_CHANNEL,
            conversationId,
            userId: key,
            messageId: `${key}:${frame.id}`,
            text,
            kind: frame.type === 'location' ? 'location' : 'text',
            location: frame.type === 'location' ? { lat: frame.lat, lon: frame.lon } : undefined,
            languageHint: frame.lang,
          }),
        },
      ]);
    } catch (error) {
      // Not recorded: the widget keeps the message and sends it again.
      log.error({ err: error, conversation: conversationId }, 'web chat message not recorded; the widget will send it again');
      return { type: 'error', code: 'unavailable', id: frame.id };
    }
    if (fresh > 0) {
      // A shared location has no text: the widget shows it as "location shared".
      live.publish(conversationId, { type: 'customer', id: frame.id, text });
      // While a person has the conversation the bot is silent: no "typing…" from it.
      if (!withPerson) live.publish(conversationId, { type: 'typing' });
    }
    return { type: 'ack', id: frame.id };
  }
}
