import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import type { Env } from '../../src/app/channels-from-env';
import { runBot, type RunningBot } from '../../src/app/run-bot';
import { loadFlows } from '../../src/flows/loader';
import { SqliteStore } from '../../src/storage/sqlite-store';
import { WORKING_HOURS } from '../support/bot';
import { sampleShop } from '../support/sample-shop';

const ROOT = resolve(__dirname, '..', '..');

export interface WebChatBot {
  readonly bot: RunningBot;
  readonly store: SqliteStore;
  /** http://127.0.0.1:<port> of the bot's server. */
  readonly base: string;
  /** The SQLite file (for `tanya reply --db`, as an agent runs it beside the bot). */
  readonly dbPath: string;
  /** Stops the bot and starts it again on the same port and database (a deploy, a crash and restart). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The sample shop with its flows (flows/), on 127.0.0.1, a SQLite database file in a fresh
 * folder, the web chat and whatever else `env` turns on; the clock in the CS team's hours.
 */
export async function startWebChatBot(env: Env): Promise<WebChatBot> {
  const dir = mkdtempSync(join(tmpdir(), 'tanya-webchat-'));
  const kb = sampleShop();
  const flows = loadFlows(join(ROOT, 'flows'), kb);
  const dbPath = join(dir, 'tanya.db');
  const start = async (port: number): Promise<{ bot: RunningBot; store: SqliteStore }> => {
    const store = new SqliteStore(dbPath);
    const bot = await runBot(kb, store, { HOST: '127.0.0.1', TANYA_DATA_DIR: join(dir, 'data'), ...env, PORT: String(port) }, pino({ level: 'silent' }), {
      now: () => WORKING_HOURS,
      hub: { pollMs: 30, maxBackoffMs: 200 },
      flows,
    });
    if (!bot) throw new Error('the web chat did not start');
    return { bot, store };
  };
  let current = await start(0);
  const port = current.bot.port ?? 0;
  const halt = async (): Promise<void> => {
    await current.bot.stop();
    await current.store.close();
  };
  return {
    get bot() {
      return current.bot;
    },
    get store() {
      return current.store;
    },
    base: `http://127.0.0.1:${port}`,
    dbPath,
    restart: async () => {
      await halt();
      current = await start(port);
    },
    stop: async () => {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
