import type { Channel } from '../channels/channel';
import { ChannelConfigError } from '../channels/channel';
import { Engine } from '../engine/engine';
import type { LoadedFlow } from '../flows/loader';
import type { KnowledgeBase } from '../knowledge/schema';
import { type Logger } from '../logging/logger';
import { HttpServer } from '../server/http-server';
import type { ConversationStore } from '../storage/store';
import { AgentDesk } from '../engine/agent-desk';
import { HandoffHub, type HubOptions } from '../handoff/hub';
import { Inbox, type InboxOptions } from '../channels/inbox';
import { channelsFromEnv, type Env } from './channels-from-env';
import { destinationsFromEnv } from './handoff-from-env';
import { RetentionSchedule, type RetentionScheduleOptions } from '../privacy/retention';
import { CUSTOMER_MESSAGE } from '../engine/handoff-events';
import { BotMetrics } from '../metrics/bot-metrics';
import { ComponentHealth } from '../metrics/component-health';
import { healthCheck } from '../metrics/health';
import { KnowledgeStatus, trackKnowledge } from '../metrics/knowledge-status';
import { MIN_METRICS_TOKEN_CHARS, refuseMetrics } from '../metrics/access';
import type { AgentConsole } from '../console/agent-console';
import { consoleFromEnv } from '../console/console-from-env';
import { Leadership, type LeadershipOptions } from './leadership';

export interface RunningBot {
  readonly engine: Engine;
  readonly channels: readonly Channel[];
  readonly server: HttpServer;
  /** The HTTP port, when some channel needed the server. */
  readonly port?: number;
  readonly hub: HandoffHub;
  readonly desk: AgentDesk;
  readonly inbox: Inbox;
  /** Deletes customer data past the retention period, at start and hourly. */
  readonly retention: RetentionSchedule;
  /** What GET /metrics serves (its own registry). */
  readonly metrics: BotMetrics;
  /** The knowledge being served and how its live reloads went (the same object as `knowledgeStatus(engine)`). */
  readonly knowledge: KnowledgeStatus;
  /** The agent console at /console, when CONSOLE=1. */
  readonly console?: AgentConsole;
  /** Whether this process runs the work that runs once (Telegram polling, reminders, retention). */
  readonly leadership: Leadership;
  stop(): Promise<void>;
}

/**
 * Starts every channel the environment configures over one engine and one HTTP server.
 * Returns undefined when no channel is configured (the caller runs the terminal chat).
 */
export interface RunOptions {
  /** Hub timings (tests use short ones). */
  readonly hub?: Pick<HubOptions, 'pollMs' | 'reminderMs' | 'maxBackoffMs' | 'now'>;
  /** Engine clock (tests). */
  readonly now?: () => Date;
  /** Inbox timings (tests, benchmarks). */
  readonly inbox?: Pick<InboxOptions, 'concurrency' | 'pollMs'>;
  /** Flows from flows/*.yaml. */
  readonly flows?: readonly LoadedFlow[];
  /** Retention timings (tests). */
  readonly retention?: Pick<RetentionScheduleOptions, 'intervalMs' | 'batchSize'>;
  /** How often the agent console's live inbox looks for changes (tests; default 300 ms). */
  readonly consolePollMs?: number;
  /** Leader lease timings (tests). */
  readonly leadership?: Pick<LeadershipOptions, 'ttlMs' | 'renewMs'>;
}

export async function runBot(kb: KnowledgeBase, store: ConversationStore, env: Env, log: Logger, options: RunOptions = {}): Promise<RunningBot | undefined> {
  const knowledge = new KnowledgeStatus(kb);
  knowledge.started(kb, options.flows?.length ?? 0);
  knowledge.served = true;
  const channelHealth = new ComponentHealth();
  const destinationHealth = new ComponentHealth();
  const metrics = new BotMetrics({ store, knowledge, channels: channelHealth });
  const engine = new Engine(kb, store, {
    ...(options.now ? { now: options.now } : {}),
    ...(options.flows ? { flows: options.flows, env } : {}),
    onError: (error, message) => log.error({ err: error, conversation: message.conversationId, text: message.text }, 'turn failed'),
    onTurn: (turn) => metrics.turn(turn),
  });
  trackKnowledge(engine, knowledge);
  const server = new HttpServer({ onError: (error, request) => log.error({ err: error, ...request }, 'http handler failed') });
  const desk = new AgentDesk(store, () => engine.kb, options.now);
  const inbox = new Inbox({
    store,
    engine,
    log: log.child({ part: 'inbox' }),
    ...options.inbox,
    observer: {
      accepted: (channel, fresh) => {
        metrics.received(channel, fresh);
        channelHealth.received(channel);
      },
      failed: (channel, error) => channelHealth.receiveFailed(channel, error),
    },
  });
  const channels = channelsFromEnv(env, { inbox, desk, store, log, server, kb: () => engine.kb });
  if (channels.length === 0) return undefined;
  const metricsToken = env.METRICS_TOKEN?.trim() || undefined;
  if (metricsToken !== undefined && metricsToken.length < MIN_METRICS_TOKEN_CHARS) {
    throw new ChannelConfigError(
      `METRICS_TOKEN must be ${MIN_METRICS_TOKEN_CHARS} characters or more (e.g. from "openssl rand -hex 24"); unset it to serve /metrics to this host and private networks only`,
    );
  }
  const retention = new RetentionSchedule({ store, settings: () => engine.kb.settings, env, log: log.child({ part: 'retention' }), ...options.retention });
  const destinations = destinationsFromEnv(env, { store, desk, server, channels, log });
  const hub = new HandoffHub({
    store,
    desk,
    channels,
    destinations,
    log: log.child({ part: 'handoff' }),
    ...options.hub,
    observer: {
      delivered: (kind, via) => {
        metrics.delivered(kind);
        if (via) (kind === CUSTOMER_MESSAGE ? channelHealth : destinationHealth).sent(via);
      },
      failed: (kind, via, error, permanent) => {
        metrics.deliveryFailed(kind, permanent);
        // A message refused for good (one customer's closed window) says nothing about the channel.
        if (via && !permanent) (kind === CUSTOMER_MESSAGE ? channelHealth : destinationHealth).sendFailed(via, error);
      },
    },
  });
  inbox.deliver = (conversationId) => hub.flush(conversationId);
  const agentConsole = consoleFromEnv(env, {
    store,
    desk,
    server,
    log,
    kb: () => engine.kb,
    flows: () => options.flows ?? [],
    ...(options.now ? { now: options.now } : {}),
    ...(options.consolePollMs !== undefined ? { livePollMs: options.consolePollMs } : {}),
  });
  for (const channel of channels) channelHealth.starting(channel.name);
  for (const destination of destinations) destinationHealth.starting(destination.name);
  metrics.channels(channels.map((c) => c.name));
  server.setHealthCheck(() => healthCheck({ store, knowledge, channels: channelHealth, destinations: destinationHealth }));
  server.route(
    'GET',
    '/metrics',
    async (request) => {
      const refused = refuseMetrics(request, metricsToken);
      if (refused) return refused;
      const { contentType, text } = await metrics.render();
      return { status: 200, body: text, headers: { 'content-type': contentType, 'cache-control': 'no-store' } };
    },
    { maxBodyBytes: 0 },
  );
  // Work that must run once among processes sharing the database runs on the leader.
  const leadership = new Leadership({ store, log: log.child({ part: 'leader' }), ...options.leadership });
  for (const channel of channels) {
    if (channel.listen && channel.unlisten)
      leadership.add({ name: `${channel.name} updates`, start: () => channel.listen?.(), stop: () => channel.unlisten?.() });
  }
  leadership.add(hub.reminders);
  leadership.add({ name: 'retention', start: () => retention.start(), stop: () => retention.stop() });
  const started: Channel[] = [];
  let hubStarted = false;
  let port: number | undefined;
  const stop = async (): Promise<void> => {
    await leadership.stop();
    await retention.stop();
    await agentConsole?.stop();
    await server.close();
    await Promise.allSettled(started.map((c) => c.stop()));
    for (const channel of started) channelHealth.stopped(channel.name);
    await inbox.stop();
    if (hubStarted) await hub.stop();
  };
  try {
    // Webhook routes are registered by channel.start(), so the server listens first
    // (Telegram checks the URL as soon as the webhook is set).
    const wanted = Number(env.PORT ?? 3000);
    if (!Number.isInteger(wanted) || wanted < 0 || wanted > 65535)
      throw new ChannelConfigError(`PORT must be a port number such as 3000 (got "${env.PORT ?? ''}")`);
    port = await server.listen(wanted, env.HOST ?? '0.0.0.0').catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
        throw new ChannelConfigError(`port ${wanted} is already in use; stop the other program or set PORT to a free port`);
      throw error;
    });
    log.info({ port }, 'http server listening');
    await agentConsole?.start();
    for (const channel of channels) {
      await channel.start();
      started.push(channel);
      channelHealth.started(channel.name);
    }
    await hub.start();
    hubStarted = true;
    for (const destination of destinations) destinationHealth.started(destination.name);
    // After the hub: replies of turns left by a crash are sent as soon as they are recorded.
    inbox.start();
    await leadership.start();
    log.info(
      { destinations: destinations.map((d) => d.name) },
      destinations.length > 0
        ? 'handoff destinations ready'
        : agentConsole
          ? 'tickets are answered in the agent console (/console), or with "tanya tickets" / "tanya reply"'
          : 'no handoff destination: answer tickets with "tanya tickets" / "tanya reply"',
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    engine,
    channels: started,
    server,
    port,
    hub,
    desk,
    inbox,
    retention,
    metrics,
    knowledge,
    leadership,
    ...(agentConsole ? { console: agentConsole } : {}),
    stop,
  };
}
