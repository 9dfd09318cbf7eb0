import type { HttpResponse } from '../server/http-server';

/** Where the console's actions are recorded in the audit log. */
export const CONSOLE_VIA = 'console';

/** A JSON answer of the console's API (never cached). */
export const json = (status: number, body: unknown): HttpResponse => ({
  status,
  body,
  headers: { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' },
});
