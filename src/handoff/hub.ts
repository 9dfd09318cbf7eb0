import { UndeliverableError, type Channel } from '../channels/channel';
import type { AgentDesk } from '../engine/agent-desk';
import { CUSTOMER_MESSAGE, HANDOFF_EVENT, type CustomerDelivery, type HandoffEvent } from '../engine/handoff-events';
import type { Logger } from '../logging/logger';
import { HEARTBEAT_PREFIX, isDeadLocalOwner, LEASE_OWNER, processOf, type ConversationStore, type HandoffTicket, type OutboxItem } from '../storage/store';

/** Where agents see tickets and answer them (a Telegram group, a helpdesk webhook). */
export interface AgentDestination {
  readonly name: string;
  /** Shows one ticket event to the agents; throwing means "try again later". */
  deliver(event: HandoffEvent, ticket: HandoffTicket, deliveryId: string): Promise<void>;
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

export interface HubOptions {
  readonly store: ConversationStore;
  readonly desk: AgentDesk;
  readonly channels: readonly Channel[];
  readonly destinations: readonly AgentDestination[];
  readonly log: Logger;
  /** How often the outbox is read (default 200 ms). */
  readonly pollMs?: number;
  /** How often queued tickets are checked for a "still queued" notice (default 15 s). */
  readonly reminderMs?: number;
  /** Longest wait between retries of one delivery (default 5 minutes). */
  readonly maxBackoffMs?: number;
  readonly now?: () => Date;
  /** Told how each delivery went (metrics, health); what it throws is ignored. */
  readonly observer?: DeliveryObserver;
}

/** Sees the outcome of each outbox delivery (see `HubOptions.observer`). */
export interface DeliveryObserver {
  /**
   * `via`: the channel (customer messages) or agent destination (ticket events) it went
   * through; undefined for the internal fan-out of ticket events.
   */
  delivered?(kind: string, via: string | undefined): void;
  /** `permanent`: the platform refuses it for good (not retried). */
  failed?(kind: string, via: string | undefined, error: unknown, permanent: boolean): void;
}

const destinationKind = (name: string): string => `agent:${name}`;
/** How long one delivery attempt may hold an item before another pass may take it. */
const LEASE_MS = 60_000;
/** How often the hub looks for outbox leases of processes that died. */
const REAP_MS = 3_000;
/** A heartbeat this long past its end means its process died. */
const DEAD_AFTER_MS = 5_000;

/**
 * Delivers the outbox: ticket events to every agent destination, agents' messages to customers
 * on their own channel (a WhatsApp customer can be answered from Telegram). Failed deliveries are
 * retried with backoff and never dropped; per conversation the order is kept.
 */
export class HandoffHub {
  private readonly pollMs: number;
  private readonly reminderMs: number;
  private readonly maxBackoffMs: number;
  private readonly now: () => Date;
  private pollTimer: NodeJS.Timeout | undefined;
  private reminderTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private passes = 0;
  private lastReap = 0;

  constructor(private readonly options: HubOptions) {
    this.pollMs = options.pollMs ?? 200;
    this.reminderMs = options.reminderMs ?? 15_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 5 * 60_000;
    this.now = options.now ?? (() => new Date());
  }

  async start(): Promise<void> {
    // Leases held by a process that died (a crash, kill -9) are freed at once, not after they run out.
    await this.takeOverFromTheDead();
    for (const destination of this.options.destinations) await destination.start?.();
    this.pollTimer = setInterval(() => void this.tick(), this.pollMs);
  }

  /**
   * Queue reminders (still waiting for an agent): work that runs on one process, so a bot of
   * several processes starts it on the leader only (see app/leadership.ts).
   */
  readonly reminders = {
    name: 'queue reminders',
    start: (): void => {
      clearInterval(this.reminderTimer);
      this.reminderTimer = setInterval(() => void this.remind(), this.reminderMs);
    },
    stop: (): void => {
      clearInterval(this.reminderTimer);
      this.reminderTimer = undefined;
    },
  };

  async stop(): Promise<void> {
    clearInterval(this.pollTimer);
    clearInterval(this.reminderTimer);
    await this.running;
    for (const destination of this.options.destinations) await destination.stop?.();
  }

  /** Reads the outbox once (one pass at a time); exposed for tests and the CLI. */
  tick(): Promise<void> {
    if (!this.running) {
      this.running = this.deliverDue().finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  async remind(): Promise<void> {
    try {
      const told = await this.options.desk.remindQueued();
      if (told > 0) this.options.log.info({ told }, 'told queued customers they are still waiting');
    } catch (error) {
      this.options.log.error({ err: error }, 'queue reminder failed');
    }
  }

  /**
   * Frees the outbox leases of processes that died: on this host (their pid is gone), or anywhere
   * (their heartbeat lease ran out, see app/leadership.ts), so their replies go out now rather
   * than when the leases run out. An item that was being sent waits for the platform's
   * confirmation first (WhatsApp Cloud), so it is not sent twice.
   */
  private async takeOverFromTheDead(): Promise<void> {
    const { store, log } = this.options;
    const now = this.now();
    this.lastReap = now.getTime();
    const expired = await store.expiredLeases(HEARTBEAT_PREFIX, now);
    // This process's own heartbeat ran out too (the database was away): everyone's did; wait until
    // the heartbeats are renewed rather than free leases of processes that are alive.
    if (expired.some((l) => l.name.slice(HEARTBEAT_PREFIX.length) === processOf(LEASE_OWNER))) return;
    // Dead for a while (twice a heartbeat's life), not just late with a renewal.
    const gone = new Set(expired.filter((l) => now.getTime() - Date.parse(l.until) >= DEAD_AFTER_MS).map((l) => l.name.slice(HEARTBEAT_PREFIX.length)));
    const released = await store.releaseLeases(
      (owner) => isDeadLocalOwner(owner) || gone.has(processOf(owner)),
      now,
      (item) => (item.kind === CUSTOMER_MESSAGE ? (this.options.channels.find((c) => c.owns(item.target))?.confirmationWaitMs ?? 0) : 0),
    );
    if (released > 0) log.info({ released }, 'deliveries left by a stopped process taken over');
    // Heartbeats of processes gone for a day are forgotten (their leases were freed long ago).
    for (const lease of expired) {
      if (now.getTime() - Date.parse(lease.until) > 24 * 3600_000) await store.releaseLeadership(lease.name, lease.name.slice(HEARTBEAT_PREFIX.length));
    }
  }

  private accepts(item: Pick<OutboxItem, 'kind' | 'target'>): boolean {
    if (item.kind === HANDOFF_EVENT) return true;
    if (item.kind === CUSTOMER_MESSAGE) return this.options.channels.some((c) => c.owns(item.target));
    return this.options.destinations.some((d) => destinationKind(d.name) === item.kind);
  }

  /** Sends one conversation's waiting replies now (right after its turn), in order. */
  flush(conversationId: string): Promise<void> {
    return this.deliverDue(conversationId);
  }

  private async deliverDue(target?: string): Promise<void> {
    const { store, log } = this.options;
    if (target === undefined && this.now().getTime() - this.lastReap >= REAP_MS) {
      await this.takeOverFromTheDead().catch((error: unknown) => log.warn({ err: error }, 'could not look for deliveries left by stopped processes'));
    }
    let items: OutboxItem[];
    // Each pass leases as an owner of its own: a pass that outlives its leases can tell that a
    // later pass (a flush after the customer's next message) has taken an item meanwhile.
    const owner = `${LEASE_OWNER}:${++this.passes}`;
    try {
      items = await store.takeDue((item) => this.accepts(item), this.now(), LEASE_MS, 50, target, owner);
    } catch (error) {
      log.error({ err: error }, 'outbox read failed');
      return;
    }
    const blocked = new Map<string, Date>();
    const lost = new Set<string>();
    for (const item of items) {
      const key = `${item.kind}|${item.target}`;
      if (lost.has(key)) continue;
      const wait = blocked.get(key);
      if (wait) {
        // An earlier item for the same conversation failed: keep the order.
        await store.retryItem(item.seq, wait, 'waiting for an earlier delivery');
        continue;
      }
      try {
        if (!(await store.holdLease(item.seq, owner, this.now(), LEASE_MS))) {
          // Another pass has this conversation's queue now; it keeps the order.
          lost.add(key);
          continue;
        }
        await this.deliver(item);
        await store.completeItem(item.seq, this.now());
        this.observe((o) => o.delivered?.(item.kind, this.via(item)));
      } catch (error) {
        this.observe((o) => o.failed?.(item.kind, this.via(item), error, error instanceof UndeliverableError));
        if (error instanceof UndeliverableError) {
          await this.undeliverable(item, error).catch((e: unknown) => log.error({ err: e }, 'undeliverable message not recorded'));
          continue;
        }
        const delay = Math.min(this.maxBackoffMs, 1000 * 2 ** Math.min(item.attempts, 16));
        const next = new Date(this.now().getTime() + delay);
        blocked.set(key, next);
        await store.retryItem(item.seq, next, error instanceof Error ? error.message : String(error)).catch(() => undefined);
        log.warn({ err: error, kind: item.kind, target: item.target, attempt: item.attempts + 1, retryInMs: delay }, 'delivery failed; will retry');
      }
    }
  }

  private observe(tell: (observer: DeliveryObserver) => void): void {
    if (!this.options.observer) return;
    try {
      tell(this.options.observer);
    } catch {
      // Counting must never stop a delivery.
    }
  }

  /** The channel or destination an item goes through. */
  private via(item: Pick<OutboxItem, 'kind' | 'target'>): string | undefined {
    if (item.kind === CUSTOMER_MESSAGE) return this.options.channels.find((c) => c.owns(item.target))?.name;
    return this.options.destinations.find((d) => destinationKind(d.name) === item.kind)?.name;
  }

  /** A message the platform refuses for good: not retried; the agents of the open ticket are told. */
  private async undeliverable(item: OutboxItem, error: UndeliverableError): Promise<void> {
    const { store, log } = this.options;
    const ticket = await store.openTicketFor(item.target);
    const text = ((item.payload as Partial<CustomerDelivery>).replies ?? []).map((r) => r.text).join('\n');
    await store.atomically(async (tx) => {
      await tx.retryItem(item.seq, this.now(), error.message);
      await tx.completeItem(item.seq, this.now());
      if (ticket)
        await tx.enqueue({
          kind: HANDOFF_EVENT,
          target: ticket.id,
          payload: { type: 'delivery-failed', ticketId: ticket.id, reason: `${error.message}. ${error.advice}`, text } satisfies HandoffEvent,
        });
    });
    log.warn({ target: item.target, ticket: ticket?.id, reason: error.message }, 'message cannot be delivered; agents told');
  }

  private async deliver(item: OutboxItem): Promise<void> {
    const { store, destinations, channels } = this.options;
    if (item.kind === HANDOFF_EVENT) {
      // Fan out: one item per destination, so each retries on its own.
      await store.atomically(async (tx) => {
        for (const d of destinations) await tx.enqueue({ kind: destinationKind(d.name), target: item.target, payload: item.payload });
        await tx.completeItem(item.seq, this.now());
      });
      return;
    }
    if (item.kind === CUSTOMER_MESSAGE) {
      const channel = channels.find((c) => c.owns(item.target));
      if (!channel) throw new Error(`no channel for ${item.target}`);
      const { replies, ...context } = item.payload as CustomerDelivery;
      await store.markSending(item.seq, this.now());
      await channel.send(item.target, replies, { ...context, deliveryId: String(item.seq) });
      return;
    }
    const destination = destinations.find((d) => destinationKind(d.name) === item.kind);
    const event = item.payload as HandoffEvent;
    const ticket = await store.getTicket(event.ticketId);
    if (!destination || !ticket) return;
    await destination.deliver(event, ticket, `${item.seq}`);
  }
}
