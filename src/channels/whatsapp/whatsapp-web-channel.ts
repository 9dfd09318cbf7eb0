import type { Client, Message } from 'whatsapp-web.js';
import type { GeoPoint, InboundKind, OutboundMessage } from '../../core/types';
import type { Logger } from '../../logging/logger';
import type { ConversationStore } from '../../storage/store';
import type { Channel } from '../channel';
import { inbound, type Inbox } from '../inbox';
import type { DeliveryContext } from '../../engine/handoff-events';
import { DEFAULT_RETRY, isNetworkError, withRetry, type RetryOptions } from '../retry';
import { renderAsText, splitMessage } from '../text';

/** The fields of a whatsapp-web.js `Message` the adapter reads. */
export type WaMessage = Pick<Message, 'from' | 'body' | 'hasMedia' | 'fromMe' | 'isStatus'> & {
  /** The library's MessageTypes values ("chat", "image", "ptt", "location", …). */
  readonly type: `${Message['type']}`;
  readonly id: Pick<Message['id'], '_serialized'>;
  readonly location?: Pick<Message['location'], 'latitude' | 'longitude'>;
};

/**
 * The part of whatsapp-web.js's `Client` the adapter uses, kept small so tests can stand in for
 * it (a real WhatsApp Web session needs a phone). `assertClientFits` below makes the compiler
 * check that the library's own `Client` has this shape.
 */
export interface WaClient {
  on(event: 'qr', listener: (qr: string) => void): unknown;
  on(event: 'authenticated' | 'ready', listener: () => void): unknown;
  on(event: 'auth_failure' | 'disconnected', listener: (reason: string) => void): unknown;
  on(event: 'message', listener: (message: WaMessage) => void): unknown;
  initialize(): Promise<void>;
  destroy(): Promise<void>;
  sendMessage(chatId: string, content: string): Promise<unknown>;
  getChatById(chatId: string): Promise<{ sendStateTyping(): Promise<unknown> }>;
}

/** Compile-time check that the real client fits `WaClient` (never called). */
export function assertClientFits(client: Client): WaClient {
  return client;
}

export interface WhatsAppWebOptions {
  /** Makes a client (a new one after each disconnect). */
  readonly createClient: () => WaClient | Promise<WaClient>;
  readonly inbox: Inbox;
  readonly store: ConversationStore;
  readonly log: Logger;
  /** Shows the QR code to link the phone (printed in the terminal by default). */
  readonly onQr?: (qr: string) => void;
  /** First wait before reconnecting, doubled up to a minute (default 2 s). */
  readonly reconnectMs?: number;
  readonly retry?: RetryOptions;
}

const CHANNEL = 'whatsapp-web';
const TEXT_LIMIT = 4096;

/** A Map: the message type comes from outside, so "constructor" must be just an unknown type. */
const KINDS: ReadonlyMap<string, InboundKind> = new Map(
  Object.entries({
    chat: 'text',
    image: 'image',
    ptt: 'voice',
    audio: 'voice',
    video: 'video',
    document: 'file',
    sticker: 'sticker',
    location: 'location',
    vcard: 'contact',
    multi_vcard: 'contact',
  } satisfies Record<string, InboundKind>),
);

/**
 * WhatsApp through whatsapp-web.js (a phone number linked by QR code, the way small shops run).
 * Private chats only: groups, status broadcasts, channels and our own messages are ignored.
 * Choices are numbered lists; the customer answers "1", "2" or the option's text.
 */
export class WhatsAppWebChannel implements Channel {
  readonly name = CHANNEL;
  private client: WaClient | undefined;
  private stopped = false;
  private reconnectDelay: number;
  private readonly inFlight = new Set<Promise<void>>();
  private reconnectTimer: NodeJS.Timeout | undefined;
  /** Counts unlisten()s, so a reconnect under way when this process stops leading opens nothing. */
  private generation = 0;

  constructor(private readonly options: WhatsAppWebOptions) {
    this.reconnectDelay = options.reconnectMs ?? 2000;
  }

  /** Only the process holding the WhatsApp session (the leader) can send. */
  owns(conversationId: string): boolean {
    return this.client !== undefined && conversationId.startsWith(`${CHANNEL}:`);
  }

  /** Nothing until this process leads: the session (one browser) runs on one process only. */
  async start(): Promise<void> {
    this.stopped = false;
  }

  /** Opens the WhatsApp session (QR code or the saved one) on the process that leads. */
  async listen(): Promise<void> {
    if (this.client || this.stopped) return;
    await this.connect();
  }

  async unlisten(): Promise<void> {
    this.generation++;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    await Promise.allSettled([...this.inFlight]);
    await client?.destroy().catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.unlisten();
  }

  async send(conversationId: string, replies: readonly OutboundMessage[], _context?: DeliveryContext): Promise<void> {
    if (!this.owns(conversationId)) throw new Error(`not a WhatsApp Web conversation: ${conversationId}`);
    await this.deliver(conversationId.slice(CHANNEL.length + 1), replies);
  }

  private async connect(): Promise<void> {
    const { log } = this.options;
    const client = await this.options.createClient();
    this.client = client;
    client.on('qr', (qr) => {
      log.info('whatsapp: scan the QR code with WhatsApp → Linked devices');
      this.options.onQr?.(qr);
    });
    client.on('authenticated', () => log.info('whatsapp: authenticated'));
    client.on('auth_failure', (reason) => log.error({ reason }, 'whatsapp: authentication failed; delete the session folder and link again'));
    client.on('ready', () => {
      this.reconnectDelay = this.options.reconnectMs ?? 2000;
      log.info('whatsapp: ready');
    });
    client.on('disconnected', (reason) => {
      log.warn({ reason }, 'whatsapp: disconnected');
      if (client === this.client) this.scheduleReconnect();
    });
    client.on('message', (message) => void this.track(this.onMessage(message)));
    try {
      await client.initialize();
    } catch (error) {
      // No session: this process cannot send either, and the next listen() (or reconnect) tries again.
      if (this.client === client) this.client = undefined;
      await client.destroy().catch(() => undefined);
      throw error;
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const delay = this.reconnectDelay;
    this.reconnectDelay = Math.min(60_000, delay * 2);
    this.options.log.info({ inMs: delay }, 'whatsapp: reconnecting');
    const generation = this.generation;
    this.reconnectTimer = setTimeout(() => {
      const old = this.client;
      void (async () => {
        await old?.destroy().catch(() => undefined);
        // Stopped, or no longer leading (unlisten) while the old session closed: no new session here.
        if (this.stopped || generation !== this.generation) return;
        try {
          await this.connect();
        } catch (error) {
          this.options.log.error({ err: error }, 'whatsapp: reconnect failed');
          this.scheduleReconnect();
        }
      })();
    }, delay);
  }

  private track(work: Promise<void>): Promise<void> {
    this.inFlight.add(work);
    return work.finally(() => this.inFlight.delete(work));
  }

  private async onMessage(message: WaMessage): Promise<void> {
    try {
      const from = message.from;
      if (message.fromMe || message.isStatus || !from.endsWith('@c.us')) return;
      const kind = KINDS.get(message.type);
      if (!kind) return; // calls, revoked messages, notifications: not the customer writing
      const location: GeoPoint | undefined =
        kind === 'location' && message.location ? { lat: Number(message.location.latitude), lon: Number(message.location.longitude) } : undefined;
      const conversationId = `${CHANNEL}:${from}`;
      const messageId = message.id._serialized;
      const text = kind === 'location' ? '' : typeof message.body === 'string' ? message.body : '';
      const accepted = await this.options.inbox.accept(CHANNEL, [
        { deliveryId: messageId, message: inbound({ channel: CHANNEL, conversationId, userId: from.replace(/@c\.us$/, ''), messageId, text, kind, location }) },
      ]);
      if (accepted > 0)
        void this.client
          ?.getChatById(from)
          .then((chat) => chat.sendStateTyping())
          .catch(() => undefined);
    } catch (error) {
      this.options.log.error({ err: error }, 'whatsapp message not recorded');
    }
  }

  private async deliver(chatId: string, replies: readonly OutboundMessage[]): Promise<void> {
    const client = this.client;
    if (!client) throw new Error('whatsapp is not connected');
    for (const reply of replies) {
      for (const piece of splitMessage(renderAsText([reply]), TEXT_LIMIT)) {
        await withRetry(
          () => client.sendMessage(chatId, piece),
          (e) => ({ retry: isNetworkError(e) }),
          this.options.retry ?? DEFAULT_RETRY,
        );
      }
    }
  }
}
