import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Engine } from '../../engine/engine';
import { decisionEntryId, decisionScore, type TurnResult } from '../../core/types';
import type { Channel } from '../channel';
import { renderAsText } from '../text';

export { renderAsText };

/** One JSON line per turn for scripts and tests (`tanya chat --json`). */
export function turnToJson(result: TurnResult): string {
  return JSON.stringify({
    reply: result.replies.map((r) => renderAsText([r])).join('\n'),
    decision: result.decision.type,
    intent: decisionEntryId(result.decision),
    confidence: decisionScore(result.decision),
    entities: result.explanation.entities,
    language: result.explanation.language,
    candidates: result.explanation.candidates.slice(0, 3),
    ...(result.decision.type === 'handoff' ? { ticket: result.decision.ticketId } : {}),
    ...(result.decision.type === 'fallback' || result.decision.type === 'silent' ? { reason: result.decision.reason } : {}),
  });
}

const CONSOLE_PREFIX = 'console:';

/** A fresh terminal conversation id, e.g. `console:20261125-a1b2c3` (the date, then 6 random hex digits). */
export function newConsoleConversation(now: Date = new Date()): string {
  return `${CONSOLE_PREFIX}${now.toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex')}`;
}

/**
 * A terminal conversation id as a person typed it ("console:20261125-a1b2c3" or "20261125-a1b2c3");
 * undefined when it is empty or has characters other than letters, digits and `_ . : @ -`.
 */
export function consoleConversationId(typed: string): string | undefined {
  const id = typed.trim();
  const full = id.startsWith(CONSOLE_PREFIX) ? id : `${CONSOLE_PREFIX}${id}`;
  return /^[\w.:@-]+$/.test(full) && full.length > CONSOLE_PREFIX.length && full.length <= 120 ? full : undefined;
}

/**
 * The terminal as a channel for messages outside a turn (an agent's reply from
 * `tanya reply`, the rating question after `tanya resolve`): printed as they arrive. With a
 * conversation id, only that conversation's messages: another terminal conversation's wait in
 * the outbox until it is continued, rather than reaching the wrong person.
 */
export function consoleChannel(output: NodeJS.WritableStream, conversationId?: string): Channel {
  return {
    name: 'console',
    owns: (id) => (conversationId === undefined ? id.startsWith(CONSOLE_PREFIX) : id === conversationId),
    start: async () => undefined,
    stop: async () => undefined,
    send: async (_conversationId, replies) => {
      output.write(`\n${renderAsText(replies)}\n> `);
    },
  };
}

export interface ConsoleChatOptions {
  readonly engine: Engine;
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  readonly json: boolean;
  readonly conversationId: string;
  readonly userName: string;
}

/**
 * The terminal channel: each input line is one customer message. Interactive mode greets and
 * shows a prompt; JSON mode prints one object per line. Resolves when input ends.
 */
export async function runConsoleChat(options: ConsoleChatOptions): Promise<void> {
  const { engine, output, json } = options;
  const interactive = !json && 'isTTY' in options.input && (options.input as NodeJS.ReadStream).isTTY;
  const rl = createInterface({ input: options.input, ...(interactive ? { output } : {}), terminal: interactive });
  rl.setPrompt('> ');
  if (!json) {
    const g = engine.kb.settings.greeting;
    output.write(`${g ? g.id : `Halo! Saya ${engine.kb.settings.botName}.`}\n(ketik pertanyaan Anda; Ctrl+D untuk keluar)\n`);
  }
  const prompt = (): void => {
    if (interactive) rl.prompt();
  };
  prompt();
  let n = 0;
  for await (const line of rl) {
    n += 1;
    const result = await engine.handle({
      channel: 'console',
      conversationId: options.conversationId,
      userId: options.conversationId,
      userName: options.userName,
      messageId: `${Date.now()}-${n}`,
      text: line,
      kind: 'text',
      receivedAt: new Date(),
    });
    if (json) output.write(`${turnToJson(result)}\n`);
    else {
      const text = renderAsText(result.replies);
      if (text) output.write(`${engine.kb.settings.botName}: ${text}\n`);
      else if (result.decision.type === 'silent' && result.decision.reason === 'agent-active') {
        output.write('(pesan diteruskan ke CS / message passed to an agent)\n');
      }
    }
    prompt();
  }
}
