import type { Logger } from '../logging/logger';
import { heartbeatName, isDeadLocalOwner, LEASE_OWNER, type ConversationStore } from '../storage/store';

/** Something that must run on exactly one process of those sharing a database. */
export interface LeaderWork {
  readonly name: string;
  start(): Promise<void> | void;
  stop(): Promise<void> | void;
}

export interface LeadershipOptions {
  readonly store: ConversationStore;
  readonly log: Logger;
  /** The lease's name in the store (default "leader"). */
  readonly lease?: string;
  /** Who this process is (default: host, pid and a random id of this start). */
  readonly owner?: string;
  /** How long a lease lasts without renewal (default 10 s): another process takes over after it. */
  readonly ttlMs?: number;
  /** How often the lease is renewed, or tried for (default 3 s). */
  readonly renewMs?: number;
  readonly now?: () => Date;
}

/**
 * Leader election through the database: the process holding the lease runs the work that must
 * run once (Telegram long polling, the WhatsApp Web session, queue reminders, retention). It
 * renews the lease every `renewMs`; when it dies, another process takes over once the lease runs
 * out (within `ttlMs + renewMs`, 13 s by default), or at once when the holder was a process on
 * this host that is gone. A leader that cannot renew (the database is unreachable) stops its work
 * before its lease can run out, so two processes never run it at once.
 */
export class Leadership {
  private readonly work: LeaderWork[] = [];
  /** Each work's starts and stops, one after the other (a slow start, such as a WhatsApp session, never holds up the renewals). */
  private readonly changes = new Map<LeaderWork, Promise<void>>();
  private readonly ttlMs: number;
  private readonly renewMs: number;
  private readonly owner: string;
  private readonly lease: string;
  private readonly now: () => Date;
  private leading = false;
  private renewing = false;
  /** Work whose last start failed, started again at the next renewal. */
  private readonly failed = new Set<LeaderWork>();
  private heldUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private step: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: LeadershipOptions) {
    this.ttlMs = options.ttlMs ?? 10_000;
    this.renewMs = options.renewMs ?? 3_000;
    this.owner = options.owner ?? LEASE_OWNER;
    this.lease = options.lease ?? 'leader';
    this.now = options.now ?? (() => new Date());
    if (this.renewMs * 2 >= this.ttlMs) throw new RangeError('leadership: renew at least twice per lease (renewMs < ttlMs / 2)');
  }

  /** Registers work to run while this process leads (started at once when it already does). */
  add(work: LeaderWork): void {
    this.work.push(work);
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /** Tries for the lease now (so a lone process leads at once), then every `renewMs`. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.tick();
    if (this.stopped) return;
    this.timer = setInterval(() => {
      // A renewal that hangs (a half-open connection) must not keep this process leading past its lease.
      if (this.leading && this.now().getTime() >= this.heldUntil - this.renewMs) this.resign('lease could not be renewed in time');
      if (!this.renewing) void this.tick();
    }, this.renewMs);
    this.timer.unref();
  }

  /** Stops the work and gives the lease up, so another process takes over without waiting. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    // A hung renewal does not hold the shutdown up for long.
    await Promise.race([this.step, new Promise((resolve) => setTimeout(resolve, this.renewMs).unref())]);
    if (this.leading) {
      this.resign('stopping');
      await this.settled();
      await this.options.store.releaseLeadership(this.lease, this.owner).catch(() => undefined);
    }
    await this.settled();
    await this.options.store.releaseLeadership(heartbeatName(this.owner), this.owner).catch(() => undefined);
  }

  /** Resolves when every start and stop asked for so far is done (tests). */
  async settled(): Promise<void> {
    await Promise.all([...this.changes.values()]);
  }

  private tick(): Promise<void> {
    this.renewing = true;
    this.step = this.step
      .then(() => this.renew())
      .finally(() => {
        this.renewing = false;
      });
    return this.step;
  }

  private async renew(): Promise<void> {
    if (this.stopped) return;
    const now = this.now();
    let held: boolean;
    try {
      // This process's heartbeat: when it runs out, the others free what it was sending (see HandoffHub).
      await this.options.store.holdLeadership(heartbeatName(this.owner), this.owner, this.ttlMs, now);
      held = await this.options.store.holdLeadership(this.lease, this.owner, this.ttlMs, now, isDeadLocalOwner);
      if (held) this.heldUntil = now.getTime() + this.ttlMs;
    } catch (error) {
      // Unreachable database: keep leading only while the lease surely still runs (the clock read
      // again: the failure may have taken seconds), with a renewal's time to stop the work.
      held = this.leading && this.now().getTime() + this.renewMs < this.heldUntil;
      this.options.log.warn({ err: error, leading: held }, 'leader lease could not be renewed');
    }
    if (held && !this.leading && !this.stopped) {
      this.leading = true;
      this.options.log.info({ work: this.work.map((w) => w.name) }, 'this process leads: running the work that runs once');
      for (const work of this.work) this.change(work, 'start');
    } else if (!held && this.leading) {
      this.resign('lease lost');
    } else if (held && this.leading) {
      // Work whose start failed (Telegram refused, the browser did not open) is tried again.
      for (const work of this.failed) this.change(work, 'start');
    }
  }

  private resign(why: string): void {
    this.leading = false;
    this.failed.clear();
    this.heldUntil = 0;
    this.options.log.warn({ why }, 'this process no longer leads: stopping the work that runs once');
    for (const work of [...this.work].reverse()) this.change(work, 'stop');
  }

  private change(work: LeaderWork, how: 'start' | 'stop'): void {
    if (how === 'start') this.failed.delete(work);
    const previous = this.changes.get(work) ?? Promise.resolve();
    this.changes.set(
      work,
      previous.then(async () => {
        if (how === 'start' && !this.leading) return;
        try {
          await (how === 'start' ? work.start() : work.stop());
        } catch (error) {
          this.options.log.error({ err: error, work: work.name }, `leader work failed to ${how}`);
          if (how === 'start' && this.leading) this.failed.add(work);
        }
      }),
    );
  }
}
