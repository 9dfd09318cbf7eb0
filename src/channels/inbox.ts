import { TurnDeferred, type Engine } from '../engine/engine';
import type { GeoPoint, InboundKind, InboundMessage } from '../core/types';
import type { Logger } from '../logging/logger';
import type { ConversationStore, PendingInbound } from '../storage/store';
import { PerKeyQueue } from './serial';

/** One customer message as a channel received it, with the platform's id for the delivery. */
export interface InboxDelivery {
  /** Unique per platform delivery (dedupe key), e.g. "123456:5003" for a Telegram bot's update. */
  readonly deliveryId: string;
  readonly message: InboundMessage;
  /** The platform message the replies answer (Telegram quotes it). */
  readonly replyTo?: string;
}

/** How a message waits in the inbox table (JSON). */
interface StoredDelivery {
  readonly message: Omit<InboundMessage, 'receivedAt'> & { readonly receivedAt: string };
  readonly replyTo?: string;
}

export interface InboxOptions {
  readonly store: ConversationStore;
  readonly engine: Engine;
  readonly log: Logger;
  /** Conversations whose turns run side by side (default 64); one conversation's turns always run one at a time. */
  readonly concurrency?: number;
  /** How often the inbox is read for messages left behind (default 1 s). */
  readonly pollMs?: number;
  /** Told what each `accept` took in or why it could not (metrics, health); what it throws is ignored. */
  readonly observer?: InboxObserver;
  /**
   * With several processes on one database, each runs the turns of the messages it took in; a
   * message waiting longer than this (its process died, its turn failed) is taken by any process
   * (default 5 s).
   */
  readonly orphanMs?: number;
}

/** Sees the inbox's intake per channel (see `InboxOptions.observer`). */
export interface InboxObserver {
  /** `fresh` new messages were recorded (redeliveries not counted). */
  accepted?(channel: string, fresh: number): void;
  /** The store could not record a channel's deliveries (the channel answers the platform with an error). */
  failed?(channel: string, error: unknown): void;
}

/** Stored message texts are cut to this many characters (the engine reads far less). */
const MAX_INBOX_TEXT = 20_000;

/**
 * Crash-safe intake: a channel acknowledges a platform's delivery only after `accept` has
 * recorded the message with its dedupe key in one transaction. Turns then run from the inbox
 * (per conversation in arrival order); each turn's transaction removes the row and puts the
 * replies in the outbox, which `deliver` sends. After a crash, every row still in the inbox is
 * handled on start, and replies waiting in the outbox are sent by the hub.
 */
export class Inbox {
  private readonly queue = new PerKeyQueue();
  private readonly running = new Set<number>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly concurrency: number;
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private again = false;
  /** Conversations this process took messages of lately (id → when), see `InboxOptions.orphanMs`. */
  private readonly local = new Map<string, number>();
  /** The newest row handed to a turn; reads start after it, except the periodic full read. */
  private highest = 0;
  private fullRead = true;
  private stopped = false;
  /** Sends a conversation's waiting replies; set by the app once the outbox hub exists. */
  deliver: (conversationId: string) => Promise<void> = async () => undefined;

  constructor(private readonly options: InboxOptions) {
    this.concurrency = options.concurrency ?? 64;
  }

  /**
   * Records deliveries in one transaction; returns how many were new (a redelivery counts 0).
   * Throws when the store cannot record them: the channel must then answer with an error so
   * the platform delivers again.
   */
  async accept(channel: string, deliveries: readonly InboxDelivery[]): Promise<number> {
    let fresh: number;
    try {
      fresh = await this.record(channel, deliveries);
    } catch (error) {
      this.observe((o) => o.failed?.(channel, error));
      throw error;
    }
    this.observe((o) => o.accepted?.(channel, fresh));
    if (fresh > 0) this.kick();
    return fresh;
  }

  private observe(tell: (observer: InboxObserver) => void): void {
    if (!this.options.observer) return;
    try {
      tell(this.options.observer);
    } catch {
      // Counting must never refuse a customer's message.
    }
  }

  private record(channel: string, deliveries: readonly InboxDelivery[]): Promise<number> {
    return this.options.store.atomically(async (tx) => {
      let n = 0;
      for (const d of deliveries) {
        const stored: StoredDelivery = {
          message: { ...d.message, text: d.message.text.slice(0, MAX_INBOX_TEXT), receivedAt: d.message.receivedAt.toISOString() },
          ...(d.replyTo ? { replyTo: d.replyTo } : {}),
        };
        if (await tx.acceptInbound(channel, d.deliveryId, d.message.conversationId, stored, d.message.receivedAt)) {
          this.local.set(d.message.conversationId, Date.now());
          n++;
        }
      }
      return n;
    });
  }

  /** More rows than one read takes are waiting: read again right after this one. */
  private more(count: number): void {
    if (count >= this.concurrency * 8) this.again = true;
  }

  /** Handles what a previous run left in the inbox, then keeps reading it. */
  start(): void {
    this.stopped = false;
    this.kick();
    this.timer = setInterval(() => {
      // Now and then from the start: a row whose turn failed (the store was down) is tried again.
      this.fullRead = true;
      this.kick();
    }, this.options.pollMs ?? 1000);
    this.timer.unref();
  }

  /** Stops reading; turns in progress finish (their replies are sent or wait in the outbox). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.draining;
    await Promise.allSettled([...this.inFlight]);
  }

  /** Resolves when nothing is waiting or running (tests, benchmarks). */
  async idle(): Promise<void> {
    while (this.draining || this.inFlight.size > 0) {
      await this.draining;
      await Promise.allSettled([...this.inFlight]);
    }
  }

  private kick(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  private async drain(): Promise<void> {
    let rows: PendingInbound[];
    const after = this.fullRead ? 0 : this.highest;
    this.fullRead = false;
    try {
      rows = await this.options.store.pendingInbound(this.concurrency * 8, after);
    } catch (error) {
      this.options.log.error({ err: error }, 'inbox read failed; trying again');
      return;
    }
    this.more(rows.length);
    this.forgetOldLocal();
    for (const row of rows) {
      if (this.stopped) return;
      // Read past, whether taken now or not: another process's rows come back at the next full
      // read (every pollMs), when they may have become orphans; the next reads move on.
      this.highest = Math.max(this.highest, row.seq);
      if (this.running.has(row.seq) || !this.ours(row)) continue;
      // Bounded: a batch of thousands of messages waits here instead of flooding the platform.
      while (this.inFlight.size >= this.concurrency) await Promise.race(this.inFlight);
      this.running.add(row.seq);
      const work = this.queue
        .run(row.conversationId, () => this.handle(row))
        .finally(() => {
          this.running.delete(row.seq);
          this.inFlight.delete(work);
        });
      this.inFlight.add(work);
    }
  }

  /** A row this process took in, or one waiting so long that its own process is not coming for it. */
  private ours(row: PendingInbound): boolean {
    if (this.local.has(row.conversationId)) return true;
    const received = Date.parse((row.payload as Partial<StoredDelivery>).message?.receivedAt ?? '');
    return !(Date.now() - received < (this.options.orphanMs ?? 5000));
  }

  private forgetOldLocal(): void {
    const before = Date.now() - 10 * (this.options.orphanMs ?? 5000);
    for (const [id, at] of this.local) if (at < before) this.local.delete(id);
  }

  private async handle(row: PendingInbound): Promise<void> {
    const stored = row.payload as StoredDelivery;
    const message: InboundMessage = { ...stored.message, receivedAt: new Date(stored.message.receivedAt) };
    try {
      const result = await this.options.engine.handle(message, { inboxSeq: row.seq, ...(stored.replyTo ? { replyTo: stored.replyTo } : {}) });
      this.options.log.debug({ conversation: message.conversationId, text: message.text, decision: result.decision.type }, 'turn');
    } catch (error) {
      if (error instanceof TurnDeferred) {
        // Another process holds an earlier message of this conversation: this row waits its turn.
        this.options.log.debug({ conversation: message.conversationId }, 'turn waits for an earlier message');
        this.fullRead = true;
        return;
      }
      // The store is down: the row stays and is tried on a later read.
      this.options.log.error({ err: error, conversation: message.conversationId }, 'turn not recorded; will try again');
      return;
    }
    await this.deliver(message.conversationId).catch((error: unknown) =>
      this.options.log.warn({ err: error, conversation: message.conversationId }, 'reply delivery failed; the outbox retries it'),
    );
  }
}

/** Builds an inbound message (helper for channels). */
export function inbound(fields: {
  channel: string;
  conversationId: string;
  userId: string;
  userName?: string | undefined;
  messageId: string;
  text: string;
  kind: InboundKind;
  location?: GeoPoint | undefined;
  languageHint?: string | undefined;
}): InboundMessage {
  const { userName, location, languageHint, ...rest } = fields;
  return { ...rest, ...(userName ? { userName } : {}), ...(location ? { location } : {}), ...(languageHint ? { languageHint } : {}), receivedAt: new Date() };
}
