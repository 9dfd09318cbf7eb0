#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { loadEnvFile } from './env-file';
import { addInitCommand } from './init';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { consoleChannel, consoleConversationId, newConsoleConversation, runConsoleChat } from '../channels/console/console-chat';
import { AgentDesk } from '../engine/agent-desk';
import { HandoffHub } from '../handoff/hub';
import { Engine } from '../engine/engine';
import { formatProblem, KnowledgeError } from '../knowledge/errors';
import { evaluateCases } from '../eval/evaluate';
import { importIntents, writeImportedKnowledge } from '../eval/import-intents';
import { LabelledFileError, readLabelledFile } from '../eval/labelled-file';
import { DEFAULT_TUNE_OPTIONS, tuneThresholds, writeThresholds } from '../eval/tune';
import { calibrateImported, noteUncalibrated } from '../eval/calibrate';
import { flowsJsonSchema, knowledgeJsonSchema } from '../knowledge/json-schema';
import { checkKnowledge, loadKnowledge } from '../knowledge/loader';
import { qualityWarnings } from '../knowledge/quality';
import { statsReport, unansweredReport } from '../eval/reports';
import { Matcher } from '../matching/matcher';
import { checkFlows, type LoadedFlow } from '../flows/loader';
import { questionsOf, type KnowledgeBase } from '../knowledge/schema';
import { orderService } from '../demo/order-service';
import { createLogger } from '../logging/logger';
import { openStore, usesPostgres } from '../storage/open-store';
import type { ConversationStore } from '../storage/store';
import { ChannelConfigError } from '../channels/channel';
import { runBot, type RunningBot } from '../app/run-bot';
import { watchForChanges } from '../app/live-reload';
import { formatEvalReport, formatStatsReport, formatTuneReport } from './reports';
import { progressBar } from './progress';
import { addTicketCommands } from './tickets';
import { addPrivacyCommands } from './privacy';
import { addBackupCommands } from './backup';
import { addDbCommands } from './db';
import { addAgentCommands } from './agents';
import { CommandError, openBotDatabase } from './open-store';
import { sinceTime } from './options';
import { RetentionSchedule } from '../privacy/retention';
import type { Migration } from '../importers/migrate';
import { runConversationTests } from '../testing/run-tests';

// Read when the command line is built, after the .env file (see loadEnvFile).
/**
 * The importers, loaded on first use: with their parsers and zip reader they add about 70 ms to
 * every command, and only `tanya import …` needs them.
 */
type Importers = typeof import('../importers/all');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const importers = (): Importers => require('../importers/all') as Importers;

const defaultKb = (): string => process.env.TANYA_KNOWLEDGE_DIR ?? 'knowledge';
const defaultDb = (): string => process.env.TANYA_DB ?? join('data', 'tanya.db');
const defaultFlows = (): string => process.env.TANYA_FLOWS_DIR ?? 'flows';
/**
 * The flows for a knowledge base when --flows is not given: TANYA_FLOWS_DIR, else a `flows`
 * folder inside it (what an import writes), else ./flows.
 */
const flowsFor = (kbDir: string | undefined, given: string | undefined): string => {
  if (given !== undefined) return given;
  if (process.env.TANYA_FLOWS_DIR !== undefined) return process.env.TANYA_FLOWS_DIR;
  return kbDir !== undefined && existsSync(join(kbDir, 'flows')) ? join(kbDir, 'flows') : defaultFlows();
};

/** Builds the `tanya` command line. Exported for tests. */
export function buildCli(): Command {
  const program = new Command();
  program.name('tanya').description('Tanya — FAQ chatbot for Indonesian shops').showHelpAfterError();

  program
    .command('check')
    .description('validate knowledge-base folders or files; exit 1 on errors')
    .argument('[paths...]', 'folders or YAML files', [defaultKb()])
    .option('--flows <dir>', 'flows folder to check with the knowledge base (default: a flows folder inside it, else ./flows)')
    .option('--strict', 'treat quality warnings as errors (exit 1)', false)
    .action((paths: string[], opts: { flows?: string; strict: boolean }) => {
      const result = checkKnowledge(paths);
      const flowsDir = flowsFor(paths.length === 1 ? paths[0] : undefined, opts.flows);
      const flows = checkFlows(flowsDir, result.kb);
      const problems = [...result.problems, ...flows.problems];
      for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
      const flowErrors = flows.problems.filter((p) => p.severity === 'error' || opts.strict);
      if (!result.kb || flowErrors.length > 0) {
        process.stderr.write(`✗ ${problems.length} problem(s) found\n`);
        process.exitCode = 1;
        return;
      }
      const warnings = qualityWarnings(result.kb);
      for (const w of warnings) process.stderr.write(`${formatProblem(opts.strict ? { ...w, severity: 'error' } : w)}\n`);
      // Some quality problems are errors (the same example under two entries); --strict fails on all.
      const failing = opts.strict ? warnings : warnings.filter((w) => w.severity === 'error');
      if (failing.length > 0) {
        process.stderr.write(`✗ ${failing.length} quality problem(s) found${opts.strict ? ' (--strict)' : ''}\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(
        `✓ ${paths.join(', ')}: ${result.kb.entries.length} entries, ${result.kb.products.length} products, ${result.kb.stores.length} stores` +
          `${flows.flows.length > 0 ? `; ${flowsDir}: ${flows.flows.length} flows` : ''}${warnings.length > 0 ? ` (${warnings.length} warning${warnings.length === 1 ? '' : 's'})` : ''}\n`,
      );
    });

  const importCmd = program.command('import').description('build a knowledge base from data made elsewhere');
  importCmd
    .command('intents')
    .description('one entry per label from labelled examples (JSON Lines {"text","intent"} or CSV with text,intent columns)')
    .argument('<file>', 'labelled examples (.jsonl or .csv)')
    .requiredOption('--out <dir>', 'knowledge folder to write (faq.yaml)')
    .option('--per-intent <n>', 'keep the first N examples of each label', parsePositiveInt)
    .option('--force', 'replace the faq files of a folder that already has a knowledge base', false)
    .action((file: string, opts: { out: string; perIntent?: number; force: boolean }) => {
      importers().prepareImportFolder(opts.out, opts.force);
      const bar = progressBar('import');
      const result = importIntents(readLabelledFile(file), { ...(opts.perIntent ? { perIntent: opts.perIntent } : {}), onProgress: bar.update });
      bar.stop();
      const path = writeImportedKnowledge(opts.out, result, file);
      const examples = result.entries.reduce((n, e) => n + questionsOf(e).length, 0);
      process.stdout.write(
        `✓ ${path}: ${result.entries.length} entries, ${examples} example questions` +
          ` (skipped: ${result.skippedNull} without intent, ${result.skippedOverLimit} over --per-intent, ${result.skippedDuplicate} empty or repeated)\n`,
      );
      if (result.emptyLabels.length > 0) {
        const shown = result.emptyLabels.slice(0, 10).join(', ');
        process.stdout.write(
          `! ${result.emptyLabels.length} label(s) not imported: each of their examples is already under an earlier label (${shown}${result.emptyLabels.length > 10 ? ', …' : ''})\n`,
        );
      }
    });

  program
    .command('eval')
    .description('run labelled cases through the engine and report accuracy and hand-off figures')
    .requiredOption('--cases <file>', 'labelled cases (.jsonl or .csv); intent null = should not be answered')
    .option('--kb <dir>', 'knowledge-base folder', defaultKb())
    .option('--json', 'print one JSON object', false)
    .action(async (opts: { cases: string; kb: string; json: boolean }) => {
      const kb = loadKnowledge(opts.kb);
      const bar = progressBar('eval');
      const run = await evaluateCases(kb, readLabelledFile(opts.cases), bar.update);
      bar.stop();
      process.stdout.write(
        opts.json ? `${JSON.stringify({ ...run.metrics, msPerCase: round3(run.msPerCase) })}\n` : formatEvalReport(run.metrics, run.msPerCase),
      );
    });

  program
    .command('tune')
    .description('calibrate the answer/clarify thresholds on labelled cases and write them into the KB settings')
    .requiredOption('--cases <file>', 'labelled cases (.jsonl or .csv), ideally with out-of-scope (null) cases')
    .requiredOption('--kb <dir>', 'knowledge-base folder to update')
    .option('--max-false-answer-rate <rate>', 'highest acceptable share of out-of-scope cases answered', parseRate, DEFAULT_TUNE_OPTIONS.maxFalseAnswerRate)
    .option(
      '--wrong-cost <cost>',
      'cost of a wrong answer (or an out-of-scope question answered) against a right one',
      parseRate,
      DEFAULT_TUNE_OPTIONS.wrongAnswerCost,
    )
    .option(
      '--clarify-value <value>',
      'worth of a clarification that offers the right entry against a right answer',
      parseRate,
      DEFAULT_TUNE_OPTIONS.clarifyValue,
    )
    .option(
      '--folds <n>',
      "folds of the knowledge base's own examples scored out of fold and pooled with the cases (0 = the cases alone)",
      parseCount,
      DEFAULT_TUNE_OPTIONS.folds,
    )
    .option(
      '--confidence <z>',
      'check the false-answer limit against the upper bound of the measured rate, this many standard deviations up (0 = the measured rate)',
      parseRate,
      DEFAULT_TUNE_OPTIONS.confidence,
    )
    .option(
      '--no-near-misses',
      'do not also hold the thresholds to the built-in near misses (questions about other organizations) when the cases have few out-of-scope questions; for a bot that answers such questions itself',
    )
    .option('--dry-run', 'print the figures without writing the settings', false)
    .action(
      (opts: {
        cases: string;
        kb: string;
        maxFalseAnswerRate: number;
        wrongCost: number;
        clarifyValue: number;
        folds: number;
        confidence: number;
        nearMisses: boolean;
        dryRun: boolean;
      }) => {
        const kb = loadKnowledge(opts.kb);
        const result = tuneThresholds(kb, readLabelledFile(opts.cases), {
          maxFalseAnswerRate: opts.maxFalseAnswerRate,
          wrongAnswerCost: opts.wrongCost,
          clarifyValue: opts.clarifyValue,
          folds: opts.folds,
          confidence: opts.confidence,
          nearMisses: opts.nearMisses,
        });
        process.stdout.write(formatTuneReport(kb.settings, result));
        if (!opts.dryRun) process.stdout.write(`✓ written to ${writeThresholds(opts.kb, result.thresholds)}\n`);
      },
    );

  /** Reads another tool's export with a progress bar, writes faq.yaml and says what was left out. */
  const migrate = async (
    tool: string,
    source: string,
    opts: { out: string; force: boolean },
    read: (onProgress: (done: number, total: number) => void) => Migration | Promise<Migration>,
  ): Promise<void> => {
    const out = opts.out;
    importers().prepareImportFolder(out, opts.force);
    const bar = progressBar('import');
    let migration: Migration;
    try {
      migration = await read(bar.update);
    } finally {
      bar.stop();
    }
    const w = importers().writeMigration(out, migration, source, tool);
    process.stdout.write(
      `✓ ${w.path}: ${w.entries} entries, ${w.questions} example questions${w.flows > 0 ? `; ${w.flows} flow(s) in ${join(out, 'flows')}` : ''}\n`,
    );
    const shown = w.skipped.slice(0, 20);
    if (shown.length > 0)
      process.stdout.write(
        `Not carried over, or changed (${w.skipped.length}; all in ${w.report}):\n${shown.map((n) => `  - ${n}`).join('\n')}${w.skipped.length > shown.length ? '\n  …' : ''}\n`,
      );
    if (w.placeholders > 0) process.stdout.write(`${w.placeholders} answer(s) say "TODO" (never sent until written; listed in ${w.report}).\n`);
    try {
      const c = calibrateImported(out, w.path, w.report);
      process.stdout.write(
        c.thresholds
          ? `Thresholds for this knowledge base (its ${c.examples} examples cross-validated, ${c.outOfScope} built-in out-of-scope messages): answer ≥ ${c.thresholds.answerThreshold}, clarify ≥ ${c.thresholds.clarifyThreshold} (in ${c.path ?? w.path}).\n`
          : `Thresholds left at their defaults (why: ${w.report}).\n`,
      );
    } catch (error) {
      if (!(error instanceof KnowledgeError)) throw error;
      noteUncalibrated(out, w.report);
      // The import itself is written; "tanya check" names what to fix, then "tanya tune" can run.
      process.stdout.write(`Thresholds left at their defaults: the imported knowledge base does not load yet (run "tanya check ${out}").\n`);
    }
    process.stdout.write(
      w.placeholders > 0
        ? `Next: write the answers, then "tanya check ${out}" and "tanya chat --kb ${out}".\n`
        : `Next: "tanya check ${out}", then "tanya chat --kb ${out}".\n`,
    );
  };
  const outOption = (cmd: Command): Command =>
    cmd
      .requiredOption('--out <dir>', 'knowledge folder to write (faq.yaml)')
      .option('--force', 'replace the faq files of a folder that already has a knowledge base', false);
  outOption(
    importCmd
      .command('csv')
      .description(
        'a FAQ spreadsheet (.csv, .tsv, .txt or .xlsx; comma, semicolon, tab or pipe): question and answer columns, per language (q_id, a_en …), optional category',
      )
      .argument('<file>', 'the spreadsheet')
      .option('--sheet <name>', 'the worksheet of an .xlsx to read (default: the first)'),
  ).action(async (file: string, opts: { out: string; force: boolean; sheet?: string }) => {
    await migrate('csv', file, opts, (onProgress) =>
      importers().readFaqSheet(file, { onProgress, ...(opts.sheet !== undefined ? { sheet: opts.sheet } : {}) }),
    );
  });
  outOption(
    importCmd.command('qna').description('a QnA Maker / Azure custom question answering export (.tsv or .xlsx)').argument('<file>', 'the exported file'),
  ).action(async (file: string, opts: { out: string; force: boolean }) => {
    await migrate('qna', file, opts, (onProgress) => importers().readQnaMaker(file, { onProgress }));
  });
  outOption(
    importCmd
      .command('rasa')
      .description(
        'a Rasa project (1.x Markdown or 2.x/3.x YAML): all NLU files, domain responses, rules and stories, retrieval intents, synonyms, fallback and handoff',
      )
      .argument('<path>', 'the project folder (or its data/ folder, or one NLU file)')
      .option('--domain <path>', 'domain.yml or a domain/ folder (default: found in the project)'),
  ).action((path: string, opts: { out: string; force: boolean; domain?: string }) =>
    migrate('rasa', path, opts, (onProgress) =>
      importers().readRasaProject(path, { onProgress, ...(opts.domain !== undefined ? { domain: opts.domain } : {}) }),
    ),
  );
  outOption(
    importCmd
      .command('dialogflow')
      .description(
        'a Dialogflow ES agent export (folder or .zip): every language, text responses, quick replies as choices, follow-up intents as flows, entity synonyms',
      )
      .argument('<path>', 'the export folder or zip'),
  ).action((path: string, opts: { out: string; force: boolean }) =>
    migrate('dialogflow', path, opts, (onProgress) => importers().readDialogflowAgent(path, { onProgress })),
  );

  program
    .command('schema')
    .description('print the JSON Schema of knowledge files (schema/knowledge.schema.json), or of flow files with --flows (schema/flows.schema.json)')
    .option('--flows', 'the schema of flow files', false)
    .action((opts: { flows: boolean }) => {
      process.stdout.write(`${JSON.stringify(opts.flows ? flowsJsonSchema() : knowledgeJsonSchema(), null, 2)}\n`);
    });

  program
    .command('demo')
    .description('sample services for trying the bot')
    .command('orders')
    .description('run the demo order-status service the order-status flow calls (ORDER_SERVICE_URL)')
    .option('--port <n>', 'port', parsePositiveInt, 4010)
    .action(async (opts: { port: number }) => {
      const server = orderService();
      const port = await server.listen(opts.port, '127.0.0.1');
      process.stdout.write(`demo order service on http://127.0.0.1:${port}/orders/INV-12345 (Ctrl+C to stop)\n`);
      await new Promise<void>((resolve) => process.once('SIGINT', () => void server.close().then(resolve)));
    });

  program
    .command('test')
    .description('run conversation tests (YAML) against the knowledge base and flows; exit 1 on failure')
    .argument('[paths...]', 'test files or folders', [join(defaultKb(), 'tests')])
    .option('--kb <dir>', 'knowledge-base folder', defaultKb())
    .option('--flows <dir>', 'flows folder (default: a flows folder inside the knowledge base, else ./flows)')
    .action(async (paths: string[], opts: { kb: string; flows?: string }) => {
      const kb = loadKnowledge(opts.kb);
      const flows = loadFlowsTelling(flowsFor(opts.kb, opts.flows), kb);
      const summary = await runConversationTests(paths, kb, flows);
      process.stdout.write(summary.output);
      if (!summary.passed) process.exitCode = 1;
    });

  const report = program.command('report').description('what the bot did: unanswered questions, figures');
  const reportOptions = (cmd: Command): Command =>
    cmd
      .option('--kb <dir>', 'knowledge-base folder', defaultKb())
      .option('--db <path>', 'SQLite file of the bot', defaultDb())
      .option('--since <date>', 'from this date (YYYY-MM-DD or ISO time); default: everything', '1970-01-01')
      .option('--json', 'JSON output', false);
  reportOptions(
    report
      .command('unanswered')
      .description('questions the bot could not answer, grouped by similarity, most frequent first (not requests for a person, deletion requests or commands)'),
  ).action(async (opts: { kb: string; db: string; since: string; json: boolean }) => {
    const since = sinceTime(opts.since);
    const store = await openBotDatabase(opts.db, 'read');
    try {
      const clusters = await unansweredReport(store, new Matcher(loadKnowledge(opts.kb)), since);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(clusters, null, 2)}\n`);
        return;
      }
      if (clusters.length === 0) process.stdout.write('Semua pertanyaan terjawab / nothing unanswered.\n');
      clusters.forEach((c, i) => {
        const near = c.nearestEntry
          ? `entri terdekat / nearest entry: ${c.nearestEntry.id} (${c.nearestEntry.score.toFixed(2)})`
          : 'tidak ada entri mirip / no similar entry';
        process.stdout.write(`${i + 1}. ${c.count}× — ${near}\n${c.examples.map((e) => `   "${e}"`).join('\n')}\n`);
      });
    } finally {
      await store.close();
    }
  });
  reportOptions(
    report.command('stats').description('conversations, containment and handoff rates, top entries, clarification rate, CSAT; rates per customer question'),
  ).action(async (opts: { db: string; since: string; json: boolean }) => {
    const since = sinceTime(opts.since);
    const store = await openBotDatabase(opts.db, 'read');
    try {
      const s = await statsReport(store, since);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
        return;
      }
      process.stdout.write(formatStatsReport(s));
    } finally {
      await store.close();
    }
  });

  addTicketCommands(program, { kb: defaultKb(), db: defaultDb(), ...(process.env.TANYA_AGENT ? { agent: process.env.TANYA_AGENT } : {}) });
  addInitCommand(program);
  addPrivacyCommands(program, { kb: defaultKb(), db: defaultDb(), operator: safeUserName() });
  addBackupCommands(program, { db: defaultDb(), operator: safeUserName() });
  addAgentCommands(program, { db: defaultDb() });
  addDbCommands(program);

  program
    .command('chat')
    .description('chat with the bot in the terminal')
    .option('--kb <dir>', 'knowledge-base folder', defaultKb())
    .option('--flows <dir>', 'flows folder (default: a flows folder inside the knowledge base, else ./flows)')
    .option('--db <path>', 'SQLite file for transcripts (default: in memory); each run is a new conversation', ':memory:')
    .option('--conversation <id>', 'continue this conversation (its id is printed when a chat with --db starts)', parseConversationId)
    .option('--json', 'read one message per line, print one JSON object per line', false)
    .action(async (opts: { kb: string; flows?: string; db: string; json: boolean; conversation?: string }) => {
      if (opts.conversation !== undefined && opts.db === ':memory:') {
        throw new CommandError(
          '--conversation perlu --db FILE: tanpa database tidak ada percakapan untuk dilanjutkan. / --conversation needs --db FILE: without a database there is no conversation to continue.',
        );
      }
      await chat(opts.kb, flowsFor(opts.kb, opts.flows), opts.db, opts.json, opts.conversation);
    });

  program
    .command('start', { isDefault: true })
    .description('run the bot: the terminal chat when no channel token is set')
    .option('--kb <dir>', 'knowledge-base folder', defaultKb())
    .option('--flows <dir>', 'flows folder (default: a flows folder inside the knowledge base, else ./flows)')
    .option('--db <path>', 'SQLite file', defaultDb())
    .action(async (opts: { kb: string; flows?: string; db: string }) => {
      await start(opts.kb, flowsFor(opts.kb, opts.flows), opts.db);
    });
  return program;
}

/** Loads the flows (throws on errors) and writes their warnings, e.g. a trigger naming an entry this knowledge base lacks. */
function loadFlowsTelling(flowsDir: string, kb: KnowledgeBase): readonly LoadedFlow[] {
  const result = checkFlows(flowsDir, kb);
  if (result.problems.some((p) => p.severity === 'error')) throw new KnowledgeError(result.problems);
  for (const p of result.problems) process.stderr.write(`${formatProblem(p)}\n`);
  return result.flows;
}

/**
 * The bot's own store: the PostgreSQL of DATABASE_URL (schema brought up to date; several bot
 * processes may share it), else the SQLite file (created when missing).
 */
async function openBotStore(dbPath: string): Promise<ConversationStore> {
  try {
    return await openStore({ databaseUrl: process.env.DATABASE_URL, sqlitePath: dbPath });
  } catch (error) {
    if (usesPostgres({ databaseUrl: process.env.DATABASE_URL }) && error instanceof Error) throw new CommandError(error.message);
    throw error;
  }
}

/** Runs the configured channels until SIGINT/SIGTERM, or the terminal chat when none is configured. */
async function start(kbDir: string, flowsDir: string, dbPath: string): Promise<void> {
  const log = createLogger(process.env.LOG_LEVEL ?? 'info');
  const kb = loadKnowledge(kbDir);
  const flows = loadFlowsTelling(flowsDir, kb);
  const store = await openBotStore(dbPath);
  let bot: RunningBot | undefined;
  try {
    bot = await runBot(kb, store, process.env, log, { flows });
  } catch (error) {
    await store.close();
    throw error;
  }
  if (!bot) {
    await store.close();
    await chat(kbDir, flowsDir, dbPath, false);
    return;
  }
  const running = bot;
  const watcher = watchForChanges({ kbDir, flowsDir, engine: running.engine, log });
  log.info({ channels: running.channels.map((c) => c.name), entries: kb.entries.length }, 'tanya is running');
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string): void => {
      log.info({ signal }, 'shutting down');
      void running
        .stop()
        .catch((error: unknown) => log.error({ err: error }, 'shutdown failed'))
        .finally(async () => {
          watcher.close();
          await store.close();
          resolve();
        });
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
}

async function chat(kbDir: string, flowsDir: string, dbPath: string, json: boolean, continueId?: string): Promise<void> {
  const log = createLogger(process.env.LOG_LEVEL ?? (json ? 'silent' : 'warn'));
  const kb = loadKnowledge(kbDir);
  const flows = loadFlowsTelling(flowsDir, kb);
  const store = await openBotStore(dbPath);
  const user = safeUserName();
  // A database outlives the run: each run is a new conversation (no state or open ticket carried
  // over) unless --conversation names one to continue. In memory, nothing outlives it anyway.
  const persistent = dbPath !== ':memory:';
  const conversationId = continueId !== undefined ? continueId : persistent ? newConsoleConversation() : `console:${user}`;
  if (persistent) {
    const open = await store.openTicketFor(conversationId);
    const line =
      continueId === undefined
        ? `Percakapan baru / new conversation: ${conversationId} (lanjutkan / continue: --conversation ${conversationId})`
        : (await store.loadState(conversationId)) === undefined
          ? `Percakapan baru / new conversation: ${conversationId}`
          : `Melanjutkan percakapan / continuing conversation: ${conversationId}${open ? ` (tiket / ticket ${open.id} ${open.status})` : ''}`;
    // JSON lines stay parseable: the note goes to stderr there.
    (json ? process.stderr : process.stdout).write(`${line}\n`);
  }
  const engine = new Engine(kb, store, {
    flows,
    onError: (error, message) => log.error({ err: error, conversation: message.conversationId, text: message.text }, 'turn failed'),
  });
  // In the interactive chat, agents' replies (tanya reply) and ticket notices for this conversation are printed as they come.
  const hub = json
    ? undefined
    : new HandoffHub({ store, desk: new AgentDesk(store, () => kb), channels: [consoleChannel(process.stdout, conversationId)], destinations: [], log });
  await hub?.start();
  hub?.reminders.start();
  const watcher = json ? undefined : watchForChanges({ kbDir, flowsDir, engine, log });
  // A terminal bot with a database file keeps to the retention period like any other.
  const retention = json || !persistent ? undefined : new RetentionSchedule({ store, settings: () => engine.kb.settings, env: process.env, log });
  retention?.start();
  try {
    await runConsoleChat({ engine, input: process.stdin, output: process.stdout, json, conversationId, userName: user });
  } finally {
    await retention?.stop();
    watcher?.close();
    await hub?.stop();
    await store.close();
  }
}

function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('write a whole number of 1 or more');
  return n;
}

function parseConversationId(value: string): string {
  const id = consoleConversationId(value);
  if (!id)
    throw new InvalidArgumentError(
      'tulis id percakapan yang dicetak saat chat dimulai, mis. console:20261125-a1b2c3 / write the id printed when the chat started, e.g. console:20261125-a1b2c3',
    );
  return id;
}

function parseRate(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('write a number such as 0.1');
  return n;
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 50) throw new InvalidArgumentError('write a whole number from 0 to 50');
  return n;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
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
  // Output piped into a reader that stops early (`tanya tickets | head`) is not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  try {
    loadEnvFile();
    await buildCli().parseAsync([...argv]);
  } catch (error) {
    if (error instanceof LabelledFileError || error instanceof ChannelConfigError || error instanceof CommandError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 1;
      return;
    }
    if (error instanceof KnowledgeError) {
      for (const p of error.problems) process.stderr.write(`${formatProblem(p)}\n`);
      process.exitCode = 1;
      return;
    }
    process.stderr.write(`tanya: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
