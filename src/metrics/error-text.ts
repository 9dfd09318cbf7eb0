import { maskPersonalData } from '../logging/mask';

/** Longest error text kept for /healthz. */
const MAX_ERROR_CHARS = 200;

/**
 * An error as a short line safe to show on an unauthenticated endpoint: credentials in URLs
 * (a Telegram bot token in `/bot<token>/`, `user:pass@`, `?access_token=`), bearer tokens and
 * personal data (phone numbers and the like, as in logs) are hidden, and it is cut short.
 */
export function safeErrorText(error: unknown, limit = MAX_ERROR_CHARS): string {
  const raw = error instanceof Error ? error.message : typeof error === 'string' ? error : String(error);
  const hidden = raw
    .replace(/\s+/g, ' ')
    .replace(/\/bot\d+:[\w-]+/g, '/bot<hidden>')
    .replace(/\b\d{6,}:[\w-]{20,}/g, '<hidden>')
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, '$1<hidden>@')
    .replace(/([?&](?:access_token|token|key|secret|sig|signature|code|password)=)[^&\s]+/gi, '$1<hidden>')
    .replace(/\b(bearer|basic)\s+[\w.~+/-]+=*/gi, '$1 <hidden>')
    .trim();
  return maskPersonalData(hidden, limit);
}
