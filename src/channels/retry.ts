/** How a failed platform call is retried. */
export interface RetryOptions {
  /** Attempts in all, the first included (default 5). */
  readonly attempts: number;
  /** First backoff for network and server errors, doubled each time (default 500 ms). */
  readonly baseDelayMs: number;
  /** Longest single wait, also for a platform's own retry-after (default 60 s). */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 5, baseDelayMs: 500, maxDelayMs: 60_000 };

/**
 * What to do with an error: wait the platform's retry-after (a 429), back off (network
 * trouble, 5xx), or give up (a 4xx such as "bot was blocked by the user").
 */
export type RetryAdvice = { readonly retry: false } | { readonly retry: true; readonly afterMs?: number };

/** Runs `call`, retrying as `classify` advises; the last error is rethrown. */
export async function withRetry<T>(call: () => Promise<T>, classify: (error: unknown) => RetryAdvice, options: RetryOptions = DEFAULT_RETRY): Promise<T> {
  let backoff = options.baseDelayMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const advice = classify(error);
      if (!advice.retry || attempt >= options.attempts) throw error;
      const jitter = 1 + Math.random() * 0.25;
      const wait = Math.min(options.maxDelayMs, advice.afterMs ?? backoff * jitter);
      backoff *= 2;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * True for errors of the network itself (refused, reset, timed out, DNS), whichever HTTP client
 * raised them: node-fetch's FetchError, undici's "fetch failed" with the socket error as its
 * cause, or an AggregateError of several attempts. Checked by shape, not class, so errors from
 * another realm count too.
 */
export function isNetworkError(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 4) return false;
  const e = error as { name?: unknown; code?: unknown; cause?: unknown; errors?: unknown };
  if (e.name === 'FetchError' || e.name === 'AbortError') return true;
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return true;
  if (Array.isArray(e.errors) && e.errors.some((inner) => isNetworkError(inner, depth + 1))) return true;
  return e.cause !== undefined && isNetworkError(e.cause, depth + 1);
}
