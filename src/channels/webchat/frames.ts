import { z } from 'zod';
import { MAX_MESSAGE_CHARS, type ClientFrame, type PollRequest, type SendRequest } from './protocol';

/** Largest frame or request body the server reads (bytes): a message of MAX_MESSAGE_CHARS in any script, and its envelope. */
export const MAX_FRAME_BYTES = 16 * 1024;

const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);
const lang = z.string().max(35).optional();
const token = z.string().max(100);

/** Text is checked for length separately, so an overlong message gets its own answer ("too long"). */
const message = z.strictObject({ type: z.literal('message'), id, text: z.string().max(MAX_FRAME_BYTES), lang });
const location = z.strictObject({
  type: z.literal('location'),
  id,
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  lang,
});
const hello = z.strictObject({ type: z.literal('hello'), token: token.optional(), lang });

const clientFrame = z.discriminatedUnion('type', [hello, message, location]);
const sendRequest = z.strictObject({ token, frame: z.discriminatedUnion('type', [message, location]) });
const pollRequest = z.strictObject({ token, epoch: z.string().max(32), since: z.number().int().min(0) });

function json(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A frame from the widget, or undefined for anything else (answered with `bad-frame`). */
export function parseClientFrame(text: string): ClientFrame | undefined {
  const parsed = clientFrame.safeParse(json(text));
  return parsed.success ? parsed.data : undefined;
}

export function parseSendRequest(text: string): SendRequest | undefined {
  const parsed = sendRequest.safeParse(json(text));
  return parsed.success ? parsed.data : undefined;
}

export function parsePollRequest(text: string): PollRequest | undefined {
  const parsed = pollRequest.safeParse(json(text));
  return parsed.success ? parsed.data : undefined;
}

/** Too long for the bot: more than MAX_MESSAGE_CHARS characters (code points, as the customer counts them). */
export function isTooLong(text: string): boolean {
  if (text.length <= MAX_MESSAGE_CHARS) return false;
  let n = 0;
  for (const _ of text) if (++n > MAX_MESSAGE_CHARS) return true;
  return false;
}
