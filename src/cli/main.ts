#!/usr/bin/env node
import { Command } from 'commander';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { runConsoleChat } from '../channels/console/console-chat';
import { Engine } from '../engine/engine';
import { formatProblem, KnowledgeError } from '../knowledge/errors';
import { knowledgeJsonSchema } from '../knowledge/json-schema';
import { checkKnowledge, loadKnowledge } from '../knowledge/loader';
import { createLogger, maskPersonalData } from '../logging/logger';
import { SqliteStore } from '../storage/sqlite';

const DEFAULT_KB = process.env.TANYA_KNOWLEDGE_DIR ?? 'knowledge';
const DEFAULT_DB = process.env.TANYA_DB ?? join('data', 'tanya.db');

/** Builds the `tanya` command line. Exported for tests. */
export function buildCli(): Command {
  const program = new Command();
  program.name('tanya').description('Tanya — FAQ chatbot for Indonesian shops').showHelpAfterError();

  program
    .command('check')
    .description('validate knowledge-base folders or files; exit 1 on errors')
    .argument('[paths...]', 'folders or YAML files', [DEFAULT_KB])
    .action((paths: string[]) => {
      const result = checkKnowledge(paths);
      for (const p of result.problems) process.stderr.write(`${formatProblem(p)}\n`);
      if (!result.kb) {
        process.stderr.write(`✗ ${result.problems.length} problem(s) found\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`✓ ${paths.join(', ')}: ${result.kb.entries.length} entries, ${result.kb.products.length} products, ${result.kb.stores.length} stores\n`);
    });

  program
    .command('schema')
    .description('print the JSON Schema of knowledge files (kept in schema/knowledge.schema.json)')
    .action(() => {
      process.stdout.write(`${JSON.stringify(knowledgeJsonSchema(), null, 2)}\n`);
    });

  program
    .command('chat')
    .description('chat with the bot in the terminal')
    .option('--kb <dir>', 'knowledge-base folder', DEFAULT_KB)
    .option('--flows <dir>', 'flows folder (reserved for flows)', 'flows')
    .option('--db <path>', 'SQLite file for transcripts (default: in memory)', ':memory:')
    .option('--json', 'read one message per line, print one JSON object per line', false)
    .action(async (opts: { kb: string; db: string; json: boolean }) => {
      await chat(opts.kb, opts.db, opts.json);
    });

  program
    .command('start', { isDefault: true })
    .description('run the bot: the terminal chat when no channel token is set')
    .option('--kb <dir>', 'knowledge-base folder', DEFAULT_KB)
    .option('--db <path>', 'SQLite file', DEFAULT_DB)
    .action(async (opts: { kb: string; db: string }) => {
      await chat(opts.kb, opts.db, false);
    });
  return program;
}

async function chat(kbDir: string, dbPath: string, json: boolean): Promise<void> {
  const log = createLogger(process.env.LOG_LEVEL ?? (json ? 'silent' : 'warn'));
  const kb = loadKnowledge(kbDir);
  const store = new SqliteStore(dbPath);
  const engine = new Engine(kb, store, {
    onError: (error, message) => log.error({ err: error, conversation: message.conversationId, text: maskPersonalData(message.text) }, 'turn failed'),
  });
  const user = safeUserName();
  try {
    await runConsoleChat({ engine, input: process.stdin, output: process.stdout, json, conversationId: `console:${user}`, userName: user });
  } finally {
    store.close();
  }
}

function safeUserName(): string {
  try {
    return userInfo().username || 'customer';
  } catch {
    return 'customer';
  }
}

/** Runs the CLI; a knowledge-base error prints its file:line list and exits 1. */
export async function main(argv: readonly string[] = process.argv): Promise<void> {
  try {
    await buildCli().parseAsync([...argv]);
  } catch (error) {
    if (error instanceof KnowledgeError) {
      for (const p of error.problems) process.stderr.write(`${formatProblem(p)}\n`);
      process.exitCode = 1;
      return;
    }
    process.stderr.write(`tanya: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
