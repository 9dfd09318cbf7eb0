import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadedFlow } from '../flows/loader';
import { LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { z } from 'zod';
import { Engine } from '../engine/engine';
import { renderAsText } from '../channels/console/console-chat';
import { decisionEntryId, type InboundKind, type TurnResult } from '../core/types';
import type { KnowledgeBase } from '../knowledge/schema';
import { SqliteStore } from '../storage/sqlite-store';

/**
 * YAML conversation tests: customer turns with expectations, run through the real engine
 * with an in-memory SQLite store. Format documented in docs/conversation-tests.md.
 */

function validPattern(pattern: string): boolean {
  try {
    new RegExp(pattern, 'iu');
    return true;
  } catch {
    return false;
  }
}

const oneOrMany = z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v]));

const expectSchema = z
  .object({
    decision: z.enum(['answer', 'clarify', 'fallback', 'handoff', 'flow', 'silent']).optional(),
    intent: z.string().nullable().optional(),
    replyContains: oneOrMany.optional(),
    replyNotContains: oneOrMany.optional(),
    replyMatches: z
      .string()
      .refine(validPattern, {
        error: (issue) => `"${String(issue.input)}" is not a valid regular expression (JavaScript syntax, matched ignoring case; no inline flags such as (?i))`,
      })
      .optional(),
    choices: z.array(z.string()).optional(),
    entities: z.object({ product: z.string().optional(), variant: z.string().optional(), store: z.string().optional() }).strict().optional(),
    language: z.enum(['id', 'en']).optional(),
  })
  .strict();

const turnSchema = z
  .object({
    say: z.string(),
    kind: z.enum(['text', 'sticker', 'image', 'voice', 'video', 'file', 'location', 'contact']).optional(),
    location: z.object({ lat: z.number(), lon: z.number() }).strict().optional(),
    /** Minutes since the previous turn (to test context expiry). */
    after: z.number().optional(),
    /** Restart the bot before this turn (a new engine over the same database file). */
    restart: z.boolean().optional(),
    expect: expectSchema.default({}),
  })
  .strict();

const singleSchema = z
  .object({
    say: z.string(),
    intent: z.string().nullable().optional(),
    decision: z.enum(['answer', 'clarify', 'fallback', 'handoff', 'flow', 'silent']).optional(),
    replyContains: oneOrMany.optional(),
  })
  .strict()
  .refine((s) => s.intent !== undefined || s.decision !== undefined, { error: 'give the expected intent, the decision, or both' });

const fileSchema = z
  .object({
    /** Clock for every conversation in the file (ISO time), e.g. a Monday morning. */
    at: z.string().optional(),
    conversations: z
      .array(
        z
          .object({
            name: z.string(),
            /** Environment for flow templates in this conversation, e.g. a service URL that is down. */
            env: z.record(z.string(), z.string()).optional(),
            turns: z.array(turnSchema).min(1),
          })
          .strict(),
      )
      .default([]),
    /** Shorthand: each line is its own one-turn conversation. */
    single: z.array(singleSchema).default([]),
  })
  .strict();

type Expect = z.infer<typeof expectSchema>;

export interface TurnFailure {
  readonly file: string;
  readonly line: number;
  readonly conversation: string;
  readonly said: string;
  readonly problems: readonly string[];
  readonly candidates: string;
}

export interface ConversationTestReport {
  readonly turns: number;
  readonly failures: readonly TurnFailure[];
}

interface PlannedTurn {
  readonly line: number;
  readonly restart?: boolean;
  readonly say: string;
  readonly kind?: InboundKind;
  readonly location?: { lat: number; lon: number };
  readonly after?: number;
  readonly expect: Expect;
}

/** Runs one YAML test file against a knowledge base. */
export interface ConversationTestOptions {
  readonly flows?: readonly LoadedFlow[];
  /** Environment for flow templates (default: process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export async function runConversationFile(
  path: string,
  kb: KnowledgeBase,
  displayName: string = path,
  options: ConversationTestOptions = {},
): Promise<ConversationTestReport> {
  const text = readFileSync(path, 'utf8');
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    const pos = lines.linePos(err.pos[0]);
    return {
      turns: 0,
      failures: [
        { file: displayName, line: pos.line, conversation: '-', said: '', problems: [`YAML syntax error: ${err.message.split('\n')[0]}`], candidates: '' },
      ],
    };
  }
  const lineOf = (path: readonly PropertyKey[]): number => {
    // The deepest node of the path the file has (a missing key points at its parent).
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(
        path.slice(0, n).map((k) => (typeof k === 'symbol' ? String(k) : k)),
        true,
      ) as YamlNode | undefined;
      if (node?.range) return lines.linePos(node.range[0]).line;
    }
    return 1;
  };
  const parsed = fileSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      turns: 0,
      failures: [
        {
          file: displayName,
          line: lineOf(issue.path),
          conversation: '-',
          said: '',
          problems: [`invalid test file at ${issue.path.map(String).join('.')}: ${issue.message}`],
          candidates: '',
        },
      ],
    };
  }
  const plans: { name: string; env?: Record<string, string>; turns: PlannedTurn[] }[] = [];
  parsed.data.conversations.forEach((c, i) => {
    plans.push({
      name: c.name,
      ...(c.env ? { env: c.env } : {}),
      turns: c.turns.map((t, j) => ({
        line: lineOf(['conversations', i, 'turns', j]),
        say: t.say,
        kind: t.kind,
        location: t.location,
        after: t.after,
        restart: t.restart,
        expect: t.expect,
      })),
    });
  });
  parsed.data.single.forEach((s, i) => {
    plans.push({
      name: `single #${i + 1}`,
      turns: [
        {
          line: lineOf(['single', i]),
          say: s.say,
          expect: {
            decision: s.decision ?? (s.intent === null || s.intent === undefined ? undefined : 'answer'),
            ...(s.intent !== undefined ? { intent: s.intent } : {}),
            replyContains: s.replyContains,
          },
        },
      ],
    });
  });

  const failures: TurnFailure[] = [];
  let turns = 0;
  const start = parsed.data.at ? new Date(parsed.data.at) : new Date('2026-11-23T10:00:00+07:00');
  for (const [ci, plan] of plans.entries()) {
    // Conversations that restart need a database file that outlives the engine.
    const dbFile = plan.turns.some((t) => t.restart) ? join(mkdtempSync(join(tmpdir(), 'tanya-convtest-')), 'bot.db') : ':memory:';
    let store = new SqliteStore(dbFile);
    let clock = start.getTime();
    const env = { ...(options.env ?? process.env), ...plan.env };
    const makeEngine = (): Engine => new Engine(kb, store, { now: () => new Date(clock), flows: options.flows ?? [], env });
    let engine = makeEngine();
    try {
      for (const [ti, turn] of plan.turns.entries()) {
        clock += (turn.after ?? 0.1) * 60_000;
        if (turn.restart) {
          await store.close();
          store = new SqliteStore(dbFile);
          engine = makeEngine();
        }
        const result = await engine.handle({
          channel: 'test',
          conversationId: `c${ci}`,
          userId: `u${ci}`,
          messageId: `m${ci}-${ti}`,
          text: turn.say,
          kind: turn.kind ?? 'text',
          ...(turn.location ? { location: turn.location } : {}),
          receivedAt: new Date(clock),
        });
        turns++;
        const problems = checkTurn(turn.expect, result);
        if (problems.length > 0) {
          failures.push({
            file: displayName,
            line: turn.line,
            conversation: plan.name,
            said: turn.say,
            problems,
            candidates: result.explanation.candidates.map((c) => `${c.entryId} ${c.score.toFixed(2)}`).join(', '),
          });
        }
      }
    } finally {
      await store.close();
    }
  }
  return { turns, failures };
}

function checkTurn(expect: Expect, result: TurnResult): string[] {
  const problems: string[] = [];
  const reply = renderAsText(result.replies);
  const got = result.decision.type;
  // An entry that starts a flow has answered it (the flow is its answer).
  const same = expect.decision === got || (expect.decision === 'answer' && got === 'flow' && decisionEntryId(result.decision) !== null);
  if (expect.decision && !same) problems.push(`expected decision ${expect.decision}, got ${got}`);
  if (expect.intent !== undefined) {
    const intent = decisionEntryId(result.decision) ?? (result.decision.type === 'clarify' ? `clarify:${result.decision.entryIds.join('|')}` : null);
    if (expect.intent !== intent) problems.push(`expected entry ${expect.intent ?? 'none'}, got ${intent ?? 'none'}`);
  }
  for (const piece of expect.replyContains ?? []) {
    if (!reply.toLowerCase().includes(piece.toLowerCase())) problems.push(`expected the reply to contain "${piece}"; reply was: ${oneLine(reply)}`);
  }
  for (const piece of expect.replyNotContains ?? []) {
    if (reply.toLowerCase().includes(piece.toLowerCase())) problems.push(`expected the reply not to contain "${piece}"; reply was: ${oneLine(reply)}`);
  }
  if (expect.replyMatches && !new RegExp(expect.replyMatches, 'iu').test(reply))
    problems.push(`expected the reply to match /${expect.replyMatches}/; reply was: ${oneLine(reply)}`);
  if (expect.choices) {
    const offered = result.replies.flatMap((r) => (r.kind === 'choice' ? r.options.map((o) => o.label) : []));
    for (const c of expect.choices) if (!offered.includes(c)) problems.push(`expected choice "${c}", offered: ${offered.join(', ') || 'none'}`);
  }
  for (const [key, value] of Object.entries(expect.entities ?? {})) {
    const actual = result.explanation.entities[key as keyof typeof result.explanation.entities];
    if (actual !== value) problems.push(`expected ${key} ${value}, got ${actual ?? 'none'}`);
  }
  if (expect.language && expect.language !== result.explanation.language)
    problems.push(`expected language ${expect.language}, got ${result.explanation.language}`);
  return problems;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s*\n\s*/g, ' / ');
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

/** Formats a failure the way editors read it: file:line, what was said, expected vs got. */
export function formatFailure(f: TurnFailure): string {
  return `${f.file}:${f.line}: [${f.conversation}] "${f.said}"\n  ${f.problems.join('\n  ')}\n  top candidates: ${f.candidates || 'none'}`;
}
