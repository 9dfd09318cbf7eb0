import type { OutboundMessage } from '../../core/types';
import type { ConversationStore, TranscriptLine } from '../../storage/store';
import type { ChatLine, ChoiceView, LineFrom } from './protocol';

/** Newest lines shown when a conversation is opened again. */
export const HISTORY_LINES = 100;

/**
 * What the channel keeps per conversation in the store's channel reference: the buttons of the
 * newest line, so they are still there after a reload (the transcript keeps choices as
 * numbered text).
 */
interface WebChatRef {
  readonly webchat: 1;
  readonly choice?: { readonly through: number; readonly text: string; readonly options: readonly ChoiceView[] };
}

function readRef(value: unknown): WebChatRef | undefined {
  if (typeof value !== 'object' || value === null || (value as { webchat?: unknown }).webchat !== 1) return undefined;
  return value as WebChatRef;
}

/** Who said a transcript line: the customer, an agent (the desk's lines), or the bot. */
export function speakerOf(line: TranscriptLine): LineFrom {
  if (line.direction === 'in') return 'customer';
  return line.decision === 'agent' ? 'agent' : 'bot';
}

/** The conversation's newest lines and how many transcript lines they cover. */
export async function historyOf(store: ConversationStore, conversationId: string): Promise<{ history: ChatLine[]; through: number }> {
  const transcript = await store.transcript(conversationId);
  const through = transcript.length;
  const history: ChatLine[] = transcript.slice(-HISTORY_LINES).map((line) => ({ from: speakerOf(line), text: line.text, at: line.at }));
  const choice = readRef(await store.channelRef(conversationId))?.choice;
  const last = history[history.length - 1];
  // Only while nothing was said after it: an old question's buttons must not come back.
  if (choice && choice.through === through && last !== undefined && last.from !== 'customer') {
    history[history.length - 1] = { ...last, text: choice.text, options: choice.options };
  }
  return { history, through };
}

/**
 * A delivery's replies as lines, with the transcript length they bring it to. Turns and agents
 * record their lines before the delivery is queued, so the replies are the newest lines.
 * Remembers the buttons of the last reply for a reload.
 */
export async function deliveryLines(
  store: ConversationStore,
  conversationId: string,
  replies: readonly OutboundMessage[],
): Promise<{ lines: ChatLine[]; through: number }> {
  const transcript = await store.transcript(conversationId);
  const through = transcript.length;
  const recorded = transcript.slice(Math.max(0, through - replies.length));
  const fallbackAt = new Date().toISOString();
  const lines = replies.map((reply, i): ChatLine => {
    const line = recorded[i] as TranscriptLine | undefined;
    const base = { from: line ? speakerOf(line) : 'bot', text: reply.text, at: line?.at ?? fallbackAt } as const;
    return reply.kind === 'choice' ? { ...base, options: reply.options.map((o) => ({ label: o.label, value: o.value })) } : base;
  });
  const last = replies[replies.length - 1];
  const ref: WebChatRef =
    last?.kind === 'choice'
      ? { webchat: 1, choice: { through, text: last.text, options: last.options.map((o) => ({ label: o.label, value: o.value })) } }
      : { webchat: 1 };
  await store.saveChannelRef(conversationId, ref);
  return { lines, through };
}
