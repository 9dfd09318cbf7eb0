import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { Env } from '../../src/app/channels-from-env';
import { watchForChanges } from '../../src/app/live-reload';
import { runBot, type RunningBot } from '../../src/app/run-bot';
import { hashPassword } from '../../src/console/passwords';
import { loadFlows } from '../../src/flows/loader';
import { loadKnowledge } from '../../src/knowledge/loader';
import type { ConsoleRole } from '../../src/storage/console-store';
import { SqliteStore } from '../../src/storage/sqlite-store';

const ROOT = resolve(__dirname, '..', '..');

export interface ConsoleBot {
  readonly bot: RunningBot;
  readonly store: SqliteStore;
  readonly base: string;
  readonly dbPath: string;
  /** The bot's knowledge folder: a copy of knowledge/ (the console may write examples into it), watched by live reload. */
  readonly kbDir: string;
  /** Live reloads that went through so far. */
  readonly reloads: () => number;
  /** Every log line the bot wrote (JSON text), to check that no password is ever logged. */
  readonly logs: string[];
  addAgent(name: string, password: string, role?: ConsoleRole): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A copy of the sample shop (live reload on) with its flows, the web chat and the agent console (CONSOLE=1) on 127.0.0.1, a
 * SQLite file in a fresh folder, logging at debug level into memory.
 */
export async function startConsoleBot(env: Env = {}): Promise<ConsoleBot> {
  const dir = mkdtempSync(join(tmpdir(), 'tanya-console-'));
  const kbDir = join(dir, 'knowledge');
  cpSync(join(ROOT, 'knowledge'), kbDir, { recursive: true });
  // The CS team works round the clock here, so the real clock can run (times in transcripts and
  // screenshots agree) and a handoff opens the same ticket whenever the tests run.
  const settings = join(kbDir, 'settings.yaml');
  writeFileSync(settings, readFileSync(settings, 'utf8').replace(/^ {4}(hours|holidays): .*\n/gm, ''));
  const kb = loadKnowledge(kbDir);
  const flowsDir = join(ROOT, 'flows');
  const flows = loadFlows(flowsDir, kb);
  const dbPath = join(dir, 'tanya.db');
  const store = new SqliteStore(dbPath);
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const bot = await runBot(
    kb,
    store,
    {
      HOST: '127.0.0.1',
      PORT: '0',
      TANYA_DATA_DIR: join(dir, 'data'),
      WEBCHAT: '1',
      WEBCHAT_SECRET: 'console-test-secret-0123456789abcdef',
      WEBCHAT_CONVERSATION_LIMIT: '600',
      CONSOLE: '1',
      ...env,
    },
    pino({ level: 'debug' }, sink),
    { hub: { pollMs: 30, maxBackoffMs: 200 }, flows, consolePollMs: 50 },
  );
  if (!bot) throw new Error('the bot did not start');
  let reloads = 0;
  const watcher = watchForChanges({
    kbDir,
    flowsDir,
    engine: bot.engine,
    log: pino({ level: 'silent' }),
    terminal: false,
    chat: false,
    onReload: (ok) => {
      if (ok) reloads += 1;
    },
  });
  return {
    bot,
    store,
    base: `http://127.0.0.1:${bot.port ?? 0}`,
    dbPath,
    kbDir,
    reloads: () => reloads,
    logs,
    addAgent: async (name, password, role = 'agent') => {
      await store.consoleStore().addAgent({ name, role, passwordHash: await hashPassword(password), createdAt: new Date().toISOString() });
    },
    stop: async () => {
      watcher.close();
      await bot.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
