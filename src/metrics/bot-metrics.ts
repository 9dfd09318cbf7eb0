import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { TurnObservation } from '../engine/engine';
import type { DecisionType, HandoffReason } from '../core/types';
import type { ConversationStore } from '../storage/store';
import type { ComponentHealth } from './component-health';
import type { KnowledgeStatus } from './knowledge-status';

/** Every decision a turn can end in (each gets a series from the start, so rates work at once); the compiler checks the list is whole. */
export const DECISIONS = Object.keys({ answer: 0, clarify: 0, fallback: 0, handoff: 0, flow: 0, silent: 0 } satisfies Record<
  DecisionType,
  0
>) as readonly DecisionType[];

/** Why tickets open (each gets a series from the start). */
const HANDOFF_REASONS = Object.keys({ requested: 0, 'repeated-fallback': 0, complaint: 0, flow: 0, 'data-request': 0 } satisfies Record<
  HandoffReason,
  0
>) as readonly HandoffReason[];

/** Turn latency buckets in seconds: 1 ms (a cached answer) to 5 s (a flow's slow service call). */
export const TURN_SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Outbox kinds shown even when nothing of that kind waits. */
const BASE_OUTBOX_KINDS = ['customer-message', 'handoff-event'];

let processRegistry: Registry | undefined;

/**
 * Node's process metrics (CPU, memory, event loop lag, GC) in a private registry of their own,
 * created once per process on the first scrape: they describe the process, not one bot, and
 * prom-client's collectors (a GC observer, an event-loop monitor) cannot be stopped, so one set
 * serves every bot of the process. prom-client's global registry is never used.
 */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

export interface BotMetricsOptions {
  readonly store: ConversationStore;
  readonly knowledge: KnowledgeStatus;
  /** The bot's channels' states (for `tanya_channel_up`). */
  readonly channels: ComponentHealth;
}

/**
 * One bot's Prometheus metrics in its own registry (tests and several bots in one process do not
 * clash). Counters are fed by the engine, inbox and hub observers; gauges (queues, open tickets,
 * knowledge, channels) are read when scraped.
 */
export class BotMetrics {
  readonly registry = new Registry();
  private readonly messages: Counter<'channel'>;
  private readonly turns: Counter<'channel' | 'decision'>;
  private readonly turnSeconds: Histogram<'channel'>;
  private readonly handoffs: Counter<'reason'>;
  private readonly deliveries: Counter<'kind'>;
  private readonly deliveryFailures: Counter<'kind' | 'outcome'>;
  private readonly storeUp: Gauge;
  private readonly openTickets: Gauge<'status'>;
  private readonly outboxWaiting: Gauge<'kind'>;
  private readonly inboxWaiting: Gauge;
  private readonly reloads: Counter<'result'>;
  private readonly lastReload: Gauge;
  private readonly lastReloadFailed: Gauge;
  private readonly loadedAt: Gauge;
  private readonly entries: Gauge;
  private readonly flows: Gauge;
  private readonly channelUp: Gauge<'channel'>;

  constructor(private readonly options: BotMetricsOptions) {
    const registers = [this.registry];
    this.messages = new Counter({
      name: 'tanya_messages_received_total',
      help: 'Customer messages taken in, by channel (redeliveries not counted)',
      labelNames: ['channel'],
      registers,
    });
    this.turns = new Counter({ name: 'tanya_turns_total', help: 'Turns handled, by channel and decision', labelNames: ['channel', 'decision'], registers });
    this.turnSeconds = new Histogram({
      name: 'tanya_turn_duration_seconds',
      help: 'Time to handle one message (flow service calls included)',
      labelNames: ['channel'],
      buckets: TURN_SECONDS_BUCKETS,
      registers,
    });
    this.handoffs = new Counter({ name: 'tanya_handoffs_created_total', help: 'Tickets opened for a person, by reason', labelNames: ['reason'], registers });
    this.deliveries = new Counter({ name: 'tanya_deliveries_total', help: 'Outbox items delivered, by kind', labelNames: ['kind'], registers });
    this.deliveryFailures = new Counter({
      name: 'tanya_delivery_failures_total',
      help: 'Failed outbox deliveries, by kind; outcome "retry" (tried again later) or "undeliverable" (refused for good, agents told)',
      labelNames: ['kind', 'outcome'],
      registers,
    });
    this.storeUp = new Gauge({ name: 'tanya_store_up', help: '1 when the database answered the last scrape, else 0', registers });
    this.openTickets = new Gauge({ name: 'tanya_open_tickets', help: 'Tickets not closed yet, by status', labelNames: ['status'], registers });
    this.outboxWaiting = new Gauge({
      name: 'tanya_outbox_waiting',
      help: 'Outbox items not delivered yet (due or waiting for a retry), by kind',
      labelNames: ['kind'],
      registers,
    });
    this.inboxWaiting = new Gauge({ name: 'tanya_inbox_waiting', help: 'Messages taken in whose turn has not run yet', registers });
    this.reloads = new Counter({
      name: 'tanya_knowledge_reloads_total',
      help: 'Live reloads of the knowledge and flows folders, by result (ok, failed)',
      labelNames: ['result'],
      registers,
    });
    this.lastReload = new Gauge({
      name: 'tanya_knowledge_last_reload_timestamp_seconds',
      help: 'Time of the last reload attempt (Unix seconds; 0: none since start)',
      registers,
    });
    this.lastReloadFailed = new Gauge({
      name: 'tanya_knowledge_last_reload_failed',
      help: '1 when the last reload was refused (the previous version keeps serving), else 0',
      registers,
    });
    this.loadedAt = new Gauge({
      name: 'tanya_knowledge_loaded_timestamp_seconds',
      help: 'When the knowledge being served was loaded (Unix seconds)',
      registers,
    });
    this.entries = new Gauge({ name: 'tanya_knowledge_entries', help: 'Entries of the knowledge being served', registers });
    this.flows = new Gauge({ name: 'tanya_knowledge_flows', help: 'Flows being served', registers });
    this.channelUp = new Gauge({
      name: 'tanya_channel_up',
      help: '1 when the channel is started and its last send and intake worked, else 0',
      labelNames: ['channel'],
      registers,
    });
    for (const result of ['ok', 'failed']) this.reloads.inc({ result }, 0);
    for (const reason of HANDOFF_REASONS) this.handoffs.inc({ reason }, 0);
  }

  /** Zero series for the bot's channels, so rates and alerts work before the first message. */
  channels(names: readonly string[]): void {
    for (const channel of names) {
      this.messages.inc({ channel }, 0);
      for (const decision of DECISIONS) this.turns.inc({ channel, decision }, 0);
    }
  }

  received(channel: string, count: number): void {
    if (count > 0) this.messages.inc({ channel }, count);
  }

  turn(turn: TurnObservation): void {
    this.turns.inc({ channel: turn.channel, decision: turn.decision.type });
    this.turnSeconds.observe({ channel: turn.channel }, turn.durationMs / 1000);
    if (turn.decision.type === 'handoff' && !turn.decision.again) this.handoffs.inc({ reason: turn.decision.reason });
  }

  delivered(kind: string): void {
    this.deliveries.inc({ kind });
  }

  deliveryFailed(kind: string, permanent: boolean): void {
    this.deliveryFailures.inc({ kind, outcome: permanent ? 'undeliverable' : 'retry' });
  }

  /** The metrics in Prometheus text format (this bot's, then the process's). */
  async render(): Promise<{ readonly contentType: string; readonly text: string }> {
    await this.refresh();
    const [bot, process] = await Promise.all([this.registry.metrics(), processMetrics().metrics()]);
    return { contentType: this.registry.contentType, text: `${bot}\n${process}` };
  }

  /** Reads the gauges: one short query for the queues and tickets, the rest from memory. */
  private async refresh(): Promise<void> {
    this.openTickets.reset();
    this.outboxWaiting.reset();
    this.inboxWaiting.reset();
    try {
      const depths = await this.options.store.queueDepths();
      this.storeUp.set(1);
      this.openTickets.set({ status: 'queued' }, depths.openTickets.queued);
      this.openTickets.set({ status: 'claimed' }, depths.openTickets.claimed);
      for (const kind of BASE_OUTBOX_KINDS) this.outboxWaiting.set({ kind }, 0);
      for (const [kind, n] of Object.entries(depths.outbox)) this.outboxWaiting.set({ kind }, n);
      this.inboxWaiting.set(depths.inbox);
    } catch {
      // Queue figures are left out rather than shown stale; /healthz says what is wrong.
      this.storeUp.set(0);
    }
    const k = this.options.knowledge;
    this.reloads.reset();
    this.reloads.inc({ result: 'ok' }, k.reloads.ok);
    this.reloads.inc({ result: 'failed' }, k.reloads.failed);
    this.lastReload.set(k.lastReloadAt ? k.lastReloadAt.getTime() / 1000 : 0);
    this.lastReloadFailed.set(k.lastFailure ? 1 : 0);
    this.loadedAt.set(k.loadedAt.getTime() / 1000);
    this.entries.set(k.entries);
    if (k.flows !== undefined) this.flows.set(k.flows);
    this.channelUp.reset();
    for (const report of this.options.channels.reports()) this.channelUp.set({ channel: report.name }, report.state === 'started' ? 1 : 0);
  }
}
