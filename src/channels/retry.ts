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

/** True for errors of the network itself (refused, reset, timed out, DNS). */
export function isNetworkError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  return (
    error.name === 'FetchError' ||
    error.name === 'AbortError' ||
    (typeof code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET'].includes(code)) ||
    (error.cause !== undefined && isNetworkError(error.cause))
  );
}
