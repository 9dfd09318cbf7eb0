import pino from 'pino';

/** Masks personal data (phone numbers, e-mail addresses, card-like numbers) before it reaches a log. */
export function maskPersonalData(text: string): string {
  return text
    .replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, (m) => `${m[0]}***@***`)
    .replace(/(\+?62[\s-]?|0)8[\d\s-]{7,13}\d/g, (m) => `${m.slice(0, 4)}****${m.slice(-2)}`)
    .replace(/\b\d{12,19}\b/g, (m) => `****${m.slice(-4)}`);
}

export type Logger = pino.Logger;

/**
 * The process logger (JSON lines on stderr). Message texts are masked by callers with
 * `maskPersonalData`; the level comes from LOG_LEVEL (default "info").
 */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { app: 'tanya' } }, pino.destination(2));
}
