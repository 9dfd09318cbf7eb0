import pino from 'pino';
import { runBot, type RunningBot } from '../../src/app/run-bot';
import type { Env } from '../../src/app/channels-from-env';
import type { KnowledgeBase } from '../../src/knowledge/schema';
import { sampleShop } from './sample-shop';
import { SqliteStore } from '../../src/storage/sqlite-store';
import type { Channel } from '../../src/channels/channel';
import { Inbox } from '../../src/channels/inbox';
import { AgentDesk } from '../../src/engine/agent-desk';
import type { Engine } from '../../src/engine/engine';
import { HandoffHub } from '../../src/handoff/hub';

/** Wednesday 10:00 in Jakarta: the sample shop's CS team is at work. */
export const WORKING_HOURS = new Date('2026-11-25T03:00:00Z');

export interface TestBot {
  readonly bot: RunningBot;
  readonly store: SqliteStore;
  /** http://127.0.0.1:<port> of the bot's server. */
  readonly base: string;
  stop(): Promise<void>;
}

/**
 * Runs the sample shop (without its privacy notice unless `kb` is given) with the channels `env`
 * turns on, on 127.0.0.1, an in-memory store and short hub timings.
 */
export async function startTestBot(env: Env, kb: KnowledgeBase = sampleShop()): Promise<TestBot> {
  const store = new SqliteStore(':memory:');
  const bot = await runBot(kb, store, { PORT: '0', HOST: '127.0.0.1', ...env }, pino({ level: 'silent' }), {
    now: () => WORKING_HOURS,
    hub: { pollMs: 30, maxBackoffMs: 200 },
  });
  if (!bot) throw new Error('no channel started');
  return {
    bot,
    store,
    base: `http://127.0.0.1:${bot.port ?? 0}`,
    stop: async () => {
      await bot.stop();
      await store.close();
    },
  };
}

/**
 * The intake a channel needs outside runBot: an inbox that runs turns and a hub that delivers
 * their replies through `channels` (for tests that build one channel by hand).
 */
export function startIntake(store: SqliteStore, engine: Engine, channels: () => readonly Channel[]): { inbox: Inbox; stop(): Promise<void> } {
  const log = pino({ level: 'silent' });
  const inbox = new Inbox({ store, engine, log, pollMs: 50 });
  let hub: HandoffHub | undefined;
  inbox.deliver = async (conversationId) => {
    hub ??= new HandoffHub({ store, desk: new AgentDesk(store, () => engine.kb), channels: channels(), destinations: [], log, pollMs: 30, maxBackoffMs: 200 });
    await hub.flush(conversationId);
  };
  inbox.start();
  return {
    inbox,
    stop: async () => {
      await inbox.stop();
      await hub?.stop();
    },
  };
}
