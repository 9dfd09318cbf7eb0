import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Compares a secret from a request with the configured one in constant time. Both sides are
 * hashed first, so neither the content nor the length leaks through timing.
 */
export function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Hex HMAC-SHA256 of a body, as webhook signatures carry it. */
export function hmacSha256Hex(secret: string, body: Buffer | string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** The first value of a header that may be repeated. */
export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
