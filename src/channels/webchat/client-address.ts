import type { IncomingHttpHeaders } from 'node:http';
import { headerValue } from '../../server/secrets';

/**
 * The visitor's IP address for rate limits: the peer's, or behind a reverse proxy that says so
 * (WEBCHAT_TRUST_PROXY=1), the last address in X-Forwarded-For (the one the proxy saw; earlier
 * ones are the client's own claims).
 */
export function clientAddress(headers: IncomingHttpHeaders, peer: string | undefined, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = headerValue(headers['x-forwarded-for'])
      ?.split(',')
      .map((part) => part.trim())
      .filter(Boolean);
    const last = forwarded?.[forwarded.length - 1];
    if (last) return last.slice(0, 64);
  }
  return peer ?? 'unknown';
}
