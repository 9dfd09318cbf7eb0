import type { IncomingHttpHeaders } from 'node:http';
import { headerValue } from '../server/secrets';

/** The session cookie: HttpOnly, SameSite=Strict, only under /console. */
export const SESSION_COOKIE = 'tanya_console';
/** A random value the login form repeats (double submit), so another site cannot log a browser in. */
export const LOGIN_COOKIE = 'tanya_console_login';

/** Cookies of a request by name (the first of each). */
export function readCookies(headers: IncomingHttpHeaders): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (headerValue(headers.cookie) ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at <= 0) continue;
    const name = part.slice(0, at).trim();
    if (!cookies.has(name)) cookies.set(name, part.slice(at + 1).trim());
  }
  return cookies;
}

/** A Set-Cookie value for the console's path; `maxAgeSeconds` 0 deletes it. */
export function cookie(name: string, value: string, maxAgeSeconds: number, secure: boolean): string {
  return [`${name}=${value}`, 'Path=/console', `Max-Age=${maxAgeSeconds}`, 'HttpOnly', 'SameSite=Strict', ...(secure ? ['Secure'] : [])].join('; ');
}
