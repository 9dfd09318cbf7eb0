import type { InlineKeyboardMarkup } from 'telegraf/types';
import type { ChoiceOption, OutboundMessage } from '../../core/types';
import { splitMessage, truncateUtf8 } from '../text';

/** Telegram's limits: message text and callback_data (bytes). */
export const TELEGRAM_TEXT_LIMIT = 4096;
export const CALLBACK_DATA_LIMIT = 64;

/** One sendMessage call. Text is sent without parse_mode, so `*_[]` and friends never break it. */
export interface TelegramSend {
  readonly text: string;
  readonly keyboard?: InlineKeyboardMarkup;
}

/**
 * Callback data for a choice: the option's value when it fits in 64 bytes (so a press on an
 * old message still means the same thing), otherwise its number in the list.
 */
export function encodeChoice(option: ChoiceOption, index: number): string {
  const byValue = `v:${option.value}`;
  return Buffer.byteLength(byValue) <= CALLBACK_DATA_LIMIT ? byValue : `n:${index + 1}`;
}

/** The text a button press stands for (what the customer would have typed), or undefined. */
export function decodeChoice(data: string): string | undefined {
  if (data.startsWith('v:') && data.length > 2) return data.slice(2);
  if (/^n:\d{1,2}$/.test(data)) return data.slice(2);
  return undefined;
}

/** Replies as Telegram messages: long texts split, choices as one button per row under the last piece. */
export function renderForTelegram(replies: readonly OutboundMessage[]): TelegramSend[] {
  const sends: TelegramSend[] = [];
  for (const reply of replies) {
    const pieces = splitMessage(reply.text, TELEGRAM_TEXT_LIMIT);
    if (pieces.length === 0) pieces.push(reply.kind === 'choice' ? '…' : '');
    pieces.forEach((text, i) => {
      if (!text) return;
      const last = i === pieces.length - 1;
      if (reply.kind === 'choice' && last && reply.options.length > 0) {
        sends.push({
          text,
          keyboard: { inline_keyboard: reply.options.map((o, k) => [{ text: truncateUtf8(o.label, 200), callback_data: encodeChoice(o, k) }]) },
        });
      } else {
        sends.push({ text });
      }
    });
  }
  return sends;
}
