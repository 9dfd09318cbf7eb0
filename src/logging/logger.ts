import pino from 'pino';
import { maskLogFields } from './mask';

export { maskPersonalData, maskId } from './mask';

export type Logger = pino.Logger;

/**
 * The process logger (JSON lines on stderr, or `destination`). Every field of every line is
 * masked (texts, ids, errors) by one formatter, which runs only for lines the level lets
 * through; the level comes from LOG_LEVEL (default "info").
 */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info', destination: pino.DestinationStream = pino.destination(2)): Logger {
  return pino({ level, base: { app: 'tanya' }, formatters: { log: (fields) => maskLogFields(fields) } }, destination);
}
