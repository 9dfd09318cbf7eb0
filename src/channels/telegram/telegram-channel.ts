import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { Telegraf, TelegramError, type Telegram } from 'telegraf';
import type { Message, Update, UserFromGetMe } from 'telegraf/types';
import type { DeliveryContext } from '../../engine/handoff-events';
import type { GeoPoint, InboundKind, InboundMessage, OutboundMessage } from '../../core/types';
import type { Logger } from '../../logging/logger';
import { SMALL_WEBHOOK_BODY_BYTES, type HttpServer } from '../../server/http-server';
import { headerValue, sameSecret } from '../../server/secrets';
import type { ConversationStore } from '../../storage/store';
import { ChannelConfigError, type Channel } from '../channel';
import { DEFAULT_RETRY, isNetworkError, type RetryAdvice, type RetryOptions, withRetry } from '../retry';
import { decodeChoice, renderForTelegram } from './render';
import { conversationForInbound, knownLegacyPin, legacyConversationId, parseTelegramConversationId } from './conversation-ids';
import { inbound, type Inbox, type InboxDelivery } from '../inbox';

export interface TelegramOptions {
  readonly token: string;
  readonly inbox: Inbox;
  readonly store: ConversationStore;
  readonly log: Logger;
  /** Another Bot API server (self-hosted, or a local emulator in tests). */
  readonly apiRoot?: string;
  /** Webhook mode: Telegram POSTs updates to `url`, served by `server` at the URL's path. */
  readonly webhook?: { readonly url: string; readonly server: HttpServer; readonly secret?: string };
  readonly retry?: RetryOptions;
}

const CHANNEL = 'telegram';

/** The parts of an update this channel reads, checked at the webhook's edge (any other shape: 400, never 500). */
const user = z.looseObject({
  id: z.number(),
  is_bot: z.boolean().optional(),
  first_name: z.string().max(512).optional(),
  language_code: z.string().max(35).optional(),
});
const message = z.looseObject({
  message_id: z.number(),
  chat: z.looseObject({ id: z.number(), type: z.string().max(32) }),
  from: user.optional(),
  text: z.string().max(65_536).optional(),
  caption: z.string().max(65_536).optional(),
  location: z.looseObject({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) }).optional(),
});
const updateShape = z.looseObject({
  update_id: z.number().int().nonnegative(),
  message: message.optional(),
  callback_query: z.looseObject({ id: z.string().max(256), from: user, data: z.string().max(256).optional(), message: message.optional() }).optional(),
});

/**
 * A customer's message from one update, before it is taken into the inbox; its conversation id
 * is chosen then (see `conversationForInbound`).
 */
interface CustomerUpdate {
  readonly chatId: number;
  /** The group member, in groups (each keeps their own conversation). */
  readonly memberId?: number;
  readonly replyTo?: string;
  readonly message: Omit<InboundMessage, 'conversationId'>;
}

/** The agents' group handler (src/handoff/telegram-desk.ts), kept behind this small interface. */
export interface TelegramDeskHandler {
  isDeskChat(chatId: number | string): boolean;
  handle(update: Update): Promise<void>;
}
const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

/** Telegram's "retry after" and server errors are retried; other API errors are final. */
function classify(error: unknown): RetryAdvice {
  if (error instanceof TelegramError) {
    if (error.code === 429) return { retry: true, afterMs: (error.parameters?.retry_after ?? 1) * 1000 };
    return { retry: error.code >= 500 };
  }
  return { retry: isNetworkError(error) };
}

/** What a Telegram message carries, in engine terms. */
function contentOf(message: Message): { kind: InboundKind; text: string; location?: GeoPoint } | undefined {
  if ('text' in message) return { kind: 'text', text: message.text };
  const caption = 'caption' in message && typeof message.caption === 'string' ? message.caption : '';
  if ('location' in message) return { kind: 'location', text: '', location: { lat: message.location.latitude, lon: message.location.longitude } };
  if ('sticker' in message) return { kind: 'sticker', text: '' };
  if ('photo' in message) return { kind: 'image', text: caption };
  if ('voice' in message || 'audio' in message) return { kind: 'voice', text: caption };
  if ('video' in message || 'video_note' in message || 'animation' in message) return { kind: 'video', text: caption };
  if ('document' in message) return { kind: 'file', text: caption };
  if ('contact' in message) return { kind: 'contact', text: '' };
  // Service messages (members joined, pinned, …) are not the customer talking to us.
  return undefined;
}

/**
 * The Telegram channel on telegraf: long polling by default, webhook mode with a secret token.
 * Conversation ids name the bot: `telegram:<bot>:<chat>` in private chats and
 * `telegram:<bot>:<chat>:<user>` in groups (each group member keeps their own context), so
 * several bots on one database never share a conversation. This channel sends only its own bot's
 * conversations (and legacy `telegram:<chat>` ones not pinned to another bot; see
 * conversation-ids.ts); the other bots' processes send theirs.
 */
export class TelegramChannel implements Channel {
  readonly name = CHANNEL;
  private readonly bot: Telegraf;
  /** The number before ':' in the token: scopes conversation ids, message ids and update ids. */
  readonly botId: string;
  private readonly retry: RetryOptions;
  private readonly inFlight = new Set<Promise<void>>();
  private polling: Promise<void> | undefined;
  private listening = false;
  private stopped = false;
  private me: UserFromGetMe | undefined;
  private desk: TelegramDeskHandler | undefined;

  constructor(private readonly options: TelegramOptions) {
    this.botId = botIdOf(options.token);
    this.bot = new Telegraf(options.token, { telegram: { ...(options.apiRoot ? { apiRoot: options.apiRoot } : {}), webhookReply: false } });
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.bot.use((ctx) => this.track(this.onUpdate(ctx.update)));
    this.bot.catch((error) => this.options.log.error({ err: error }, 'telegram update failed'));
  }

  /** The Bot API client (the agents' group desk posts through the same bot). */
  get telegram(): Telegram {
    return this.bot.telegram;
  }

  /** Routes updates from the agents' group to the desk instead of treating them as customers. */
  attachDesk(desk: TelegramDeskHandler): void {
    this.desk = desk;
  }

  /** This bot's conversations, and legacy (bot-less) ones unless another bot has taken them over. */
  owns(conversationId: string): boolean {
    const address = parseTelegramConversationId(conversationId);
    if (!address) return false;
    if (address.botId !== undefined) return address.botId === this.botId;
    // Not read yet: not claimed now; the outbox asks again on its next pass, when the pin is known.
    const pinned = knownLegacyPin(this.options.store, legacyConversationId(address.chatId, address.userId));
    return pinned === null || pinned === this.botId;
  }

  async start(): Promise<void> {
    try {
      this.me = await this.call(() => this.bot.telegram.getMe());
    } catch (error) {
      if (error instanceof TelegramError && (error.code === 401 || error.code === 404)) {
        throw new ChannelConfigError(`Telegram refused the bot token (${error.code} ${error.description}); check TELEGRAM_BOT_TOKEN (from @BotFather)`);
      }
      throw error;
    }
    this.bot.botInfo = this.me;
    const { webhook, log } = this.options;
    if (webhook) {
      const secret = webhook.secret ?? randomBytes(32).toString('base64url');
      const path = new URL(webhook.url).pathname;
      webhook.server.route(
        'POST',
        path,
        async (request) => {
          if (!sameSecret(headerValue(request.headers['x-telegram-bot-api-secret-token']), secret)) {
            log.warn({ path }, 'telegram webhook call without the right secret token refused');
            return { status: 401, body: 'unauthorized' };
          }
          let update: Update;
          try {
            update = JSON.parse(request.body.toString('utf8')) as Update;
          } catch {
            return { status: 400, body: 'bad json' };
          }
          if (!updateShape.safeParse(update).success) return { status: 400, body: 'not an update' };
          try {
            await this.track(this.onUpdate(update));
          } catch (error) {
            // Not recorded (the store is down): Telegram delivers the update again.
            log.error({ err: error, update: update.update_id }, 'telegram update not recorded; Telegram will deliver it again');
            return { status: 503, body: 'try again' };
          }
          return { status: 200, body: 'ok' };
        },
        { maxBodyBytes: SMALL_WEBHOOK_BODY_BYTES },
      );
      await this.call(() => this.bot.telegram.setWebhook(webhook.url, { secret_token: secret, allowed_updates: [...ALLOWED_UPDATES] }));
      log.info({ url: webhook.url, bot: this.me.username }, 'telegram webhook registered');
    }
  }

  /** Long polling (without a webhook), on the process that leads. */
  async listen(): Promise<void> {
    if (this.options.webhook || this.polling || this.stopped) return;
    const { log } = this.options;
    this.listening = true;
    // launch() deletes any webhook and polls; it resolves only when polling stops.
    const polling = this.bot
      .launch({ allowedUpdates: [...ALLOWED_UPDATES] })
      .catch((error: unknown) => {
        if (this.listening) log.error({ err: error }, 'telegram polling stopped');
      })
      .finally(() => {
        // Stopped for good (a 409 from another poller, a network failure): the next listen() starts again.
        if (this.polling === polling) this.polling = undefined;
      });
    this.polling = polling;
    log.info({ bot: this.me?.username }, 'telegram long polling started');
  }

  async unlisten(): Promise<void> {
    this.listening = false;
    const polling = this.polling;
    if (!polling) return;
    try {
      this.bot.stop('shutdown');
    } catch {
      // Not running (yet): nothing to stop.
    }
    await polling;
    this.polling = undefined;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.unlisten();
    await Promise.allSettled([...this.inFlight]);
  }

  async send(conversationId: string, replies: readonly OutboundMessage[], context?: DeliveryContext): Promise<void> {
    const address = parseTelegramConversationId(conversationId);
    // Never through this bot's token for another bot's customer.
    if (!address || !this.owns(conversationId)) throw new Error(`not a conversation of Telegram bot ${this.botId}: ${conversationId}`);
    const replyTo = context?.replyTo !== undefined && /^\d+$/.test(context.replyTo) ? Number(context.replyTo) : undefined;
    await this.deliver(address.chatId, replies, replyTo);
  }

  private track(work: Promise<void>): Promise<void> {
    this.inFlight.add(work);
    return work.finally(() => this.inFlight.delete(work));
  }

  private call<T>(fn: () => Promise<T>): Promise<T> {
    return withRetry(fn, classify, this.retry);
  }

  private async onUpdate(update: Update): Promise<void> {
    // update_id counts per bot: two bots on one database must not take each other's updates for duplicates.
    const deliveryId = `${this.botId}:${update.update_id}`;
    const chatId = 'message' in update ? update.message.chat.id : 'callback_query' in update ? update.callback_query.message?.chat.id : undefined;
    if (this.desk && chatId !== undefined && this.desk.isDeskChat(chatId)) {
      // Several bots in one agents' group all see an agent's message: it is handled once (a
      // group's message ids are the same for every bot in it).
      const deskId = 'message' in update ? `desk:${update.message.chat.id}:${update.message.message_id}` : deliveryId;
      if (!(await this.options.store.markDelivered(CHANNEL, deskId))) return;
      try {
        await this.desk.handle(update);
      } catch (error) {
        // One bad update never stops the bot.
        this.options.log.error({ err: error, update: update.update_id }, 'telegram desk update failed');
      }
      return;
    }
    let customer: CustomerUpdate | undefined;
    if ('callback_query' in update) customer = await this.onCallback(update.callback_query);
    else if ('message' in update) customer = this.onMessage(update.message);
    if (!customer) return;
    await this.acceptDurably({ deliveryId, ...customer });
    void this.bot.telegram.sendChatAction(customer.chatId, 'typing').catch(() => undefined);
  }

  /**
   * Telegram is told "received" (the webhook's 200, or the next getUpdates offset) only after the
   * message is recorded; a store that fails briefly is tried again before the update is given back.
   */
  private async acceptDurably(delivery: CustomerUpdate & { readonly deliveryId: string }): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const conversationId = await conversationForInbound(this.options.store, this.botId, delivery.chatId, delivery.memberId);
        const accepted: InboxDelivery = {
          deliveryId: delivery.deliveryId,
          message: { ...delivery.message, conversationId },
          ...(delivery.replyTo !== undefined ? { replyTo: delivery.replyTo } : {}),
        };
        await this.options.inbox.accept(CHANNEL, [accepted]);
        return;
      } catch (error) {
        if (attempt >= 4) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
      }
    }
  }

  private async onCallback(query: Update.CallbackQueryUpdate['callback_query']): Promise<CustomerUpdate | undefined> {
    await this.call(() => this.bot.telegram.answerCbQuery(query.id)).catch((error: unknown) =>
      this.options.log.warn({ err: error }, 'answerCallbackQuery failed'),
    );
    const data = 'data' in query ? decodeChoice(query.data) : undefined;
    const message = query.message;
    if (!data || !message) return undefined;
    // The choice is made: take the buttons away so an old list is not pressed again.
    void this.call(() => this.bot.telegram.editMessageReplyMarkup(message.chat.id, message.message_id, undefined, { inline_keyboard: [] })).catch(
      () => undefined,
    );
    return this.customerUpdate(message.chat, query.from, { kind: 'text', text: data }, `${this.botId}:cb:${query.id}`);
  }

  private onMessage(message: Message): CustomerUpdate | undefined {
    const from = message.from;
    if (!from || from.is_bot) return undefined;
    const content = contentOf(message);
    if (!content) return undefined;
    const group = message.chat.type === 'group' || message.chat.type === 'supergroup';
    let text = content.text;
    const username = this.me?.username ?? '';
    if (group) {
      const isCommand = text.startsWith('/');
      const mentioned = username !== '' && new RegExp(`@${username}\\b`, 'i').test(text);
      const repliedToMe = 'reply_to_message' in message && message.reply_to_message?.from?.id === this.me?.id;
      if (!isCommand && !mentioned && !repliedToMe) return undefined;
      // "/start@other_bot" is for another bot in the group.
      const addressee = /^\/\w+@(\w+)/.exec(text)?.[1];
      if (isCommand && addressee !== undefined && addressee.toLowerCase() !== username.toLowerCase()) return undefined;
    }
    if (username)
      text = text
        .replace(new RegExp(`@${username}\\b`, 'gi'), ' ')
        .replace(/\s+/g, ' ')
        .trim();
    text = text.replace(/^(\/\w+)@\w+/, '$1');
    // Message ids count per chat and bot: the bot's id keeps two bots' messages in one chat apart.
    return this.customerUpdate(
      message.chat,
      from,
      { ...content, text },
      `${this.botId}:${message.chat.id}:${message.message_id}`,
      group ? message.message_id : undefined,
    );
  }

  private customerUpdate(
    chat: { id: number; type: string },
    from: { id: number; first_name: string; last_name?: string; username?: string; language_code?: string },
    content: { kind: InboundKind; text: string; location?: GeoPoint },
    messageId: string,
    replyTo?: number,
  ): CustomerUpdate {
    const group = chat.type === 'group' || chat.type === 'supergroup';
    const { conversationId: _chosenLater, ...message } = inbound({
      channel: CHANNEL,
      conversationId: '',
      userId: String(from.id),
      userName: [from.first_name, from.last_name].filter(Boolean).join(' ') || from.username,
      messageId,
      text: content.text,
      kind: content.kind,
      location: content.location,
      languageHint: from.language_code,
    });
    return {
      chatId: chat.id,
      ...(group ? { memberId: from.id } : {}),
      ...(replyTo !== undefined ? { replyTo: String(replyTo) } : {}),
      message,
    };
  }

  private async deliver(chatId: string, replies: readonly OutboundMessage[], replyTo?: number): Promise<void> {
    for (const [i, send] of renderForTelegram(replies).entries()) {
      await this.call(() =>
        this.bot.telegram.sendMessage(chatId, send.text, {
          ...(send.keyboard ? { reply_markup: send.keyboard } : {}),
          ...(replyTo !== undefined && i === 0 ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } } : {}),
          link_preview_options: { is_disabled: true },
        }),
      );
    }
  }
}

/** The bot's numeric id: the part of its token before the colon ("123456:ABC…" → "123456"). */
export function botIdOf(token: string): string {
  const colon = token.indexOf(':');
  return colon > 0 ? token.slice(0, colon) : token;
}
