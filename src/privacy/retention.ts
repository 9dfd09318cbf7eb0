import type { Settings } from '../knowledge/schema';
import type { Logger } from '../logging/logger';
import { NO_PRIVACY_COUNTS, type ConversationStore, type PrivacyCounts } from '../storage/store';
import { addCounts, nonZero, totalOf } from './counts';

const DAY_MS = 24 * 3600_000;
/** How often the running bot purges (default hourly). */
export const DEFAULT_RETENTION_INTERVAL_MS = 3600_000;

/**
 * Days customer data is kept: `TANYA_RETENTION_DAYS` when set, else `settings.privacy.retentionDays`
 * (default 365). 0 means keep. A malformed variable is an error that says how to write it.
 */
export function retentionDays(settings: Settings, env: Readonly<Record<string, string | undefined>>): number {
  const raw = env.TANYA_RETENTION_DAYS?.trim();
  if (raw === undefined || raw === '') return settings.privacy.retentionDays;
  if (!/^\d{1,6}$/.test(raw)) throw new Error(`TANYA_RETENTION_DAYS must be a whole number of days such as 365 (0 = keep everything); got "${raw}"`);
  return Number(raw);
}

/** Data from before this time is past a retention of `days`. */
export function retentionCutoff(days: number, now: Date): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

/** What one purge removed, summed over its batches. */
export interface PurgeRun {
  readonly counts: PrivacyCounts;
  /** False when `shouldStop` ended the run before everything past the cutoff was gone. */
  readonly complete: boolean;
}

/**
 * Purges in batches (each its own short transaction) until nothing past the cutoff is left,
 * giving the event loop back between batches so turns of a running bot are not held up.
 */
export async function purgeInBatches(
  store: ConversationStore,
  cutoff: Date,
  options: { readonly batchSize?: number; readonly now?: Date; readonly shouldStop?: () => boolean } = {},
): Promise<PurgeRun> {
  let counts = NO_PRIVACY_COUNTS;
  for (;;) {
    if (options.shouldStop?.()) return { counts, complete: false };
    const batch = await store.purgeOlderThan(cutoff, {
      ...(options.batchSize ? { batchSize: options.batchSize } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
    counts = addCounts(counts, batch.counts);
    if (!batch.more) return { counts, complete: true };
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** What the running bot's retention needs; timings have defaults. */
export interface RetentionScheduleOptions {
  readonly store: ConversationStore;
  /** The knowledge base's current settings (a live reload may change the period). */
  readonly settings: () => Settings;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly log: Logger;
  /** Between purges (default 1 hour). */
  readonly intervalMs?: number;
  /** Rows per table and batch (default 500). */
  readonly batchSize?: number;
  readonly now?: () => Date;
}

/**
 * Retention while the bot runs: a purge at start, then every `intervalMs`, on a timer that does
 * not keep the process alive. Each purge that removed something leaves an audit row.
 */
export class RetentionSchedule {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly now: () => Date;

  constructor(private readonly options: RetentionScheduleOptions) {
    this.now = options.now ?? (() => new Date());
    // A malformed TANYA_RETENTION_DAYS stops the start, not the first purge an hour later.
    retentionDays(options.settings(), options.env);
  }

  start(): void {
    this.stopped = false;
    void this.run();
    this.timer = setInterval(() => void this.run(), this.options.intervalMs ?? DEFAULT_RETENTION_INTERVAL_MS);
    this.timer.unref();
  }

  /** Stops the timer; a purge in progress stops after its current batch. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One purge now (none while another runs); resolves when it is done. */
  run(): Promise<void> {
    this.running ??= this.purge().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async purge(): Promise<void> {
    const { store, log } = this.options;
    try {
      const days = retentionDays(this.options.settings(), this.options.env);
      if (days === 0) return;
      const now = this.now();
      const cutoff = retentionCutoff(days, now);
      const started = Date.now();
      const run = await purgeInBatches(store, cutoff, {
        now,
        shouldStop: () => this.stopped,
        ...(this.options.batchSize ? { batchSize: this.options.batchSize } : {}),
      });
      if (totalOf(run.counts) === 0) return;
      await store.audit({
        at: now.toISOString(),
        actor: 'tanya',
        action: 'privacy.purge',
        subject: `before ${cutoff.toISOString()}`,
        via: 'schedule',
        detail: { days, ...nonZero(run.counts), ...(run.complete ? {} : { complete: false }) },
      });
      log.info({ days, removed: nonZero(run.counts), ms: Date.now() - started }, 'retention: old customer data removed');
    } catch (error) {
      log.error({ err: error }, 'retention purge failed; trying again at the next run');
    }
  }
}
