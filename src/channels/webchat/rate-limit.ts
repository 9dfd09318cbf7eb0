/** How many actions a key may take: `burst` at once, then `perMinute` on average. */
export interface RateLimit {
  readonly burst: number;
  readonly perMinute: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token buckets per key (an IP address, a conversation). Idle buckets are forgotten, so the map
 * stays as small as the set of recently active keys.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private sweptAt = 0;

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one action for `key`; false when the key has none left (refuse it). */
  take(key: string): boolean {
    const now = this.now();
    this.sweep(now);
    const bucket = this.buckets.get(key) ?? { tokens: this.limit.burst, at: now };
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + ((now - bucket.at) / 60_000) * this.limit.perMinute);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Buckets that have refilled completely are the same as absent ones: drop them now and then. */
  private sweep(now: number): void {
    if (now - this.sweptAt < 60_000) return;
    this.sweptAt = now;
    const full = (this.limit.burst / this.limit.perMinute) * 60_000;
    for (const [key, bucket] of this.buckets) if (now - bucket.at >= full) this.buckets.delete(key);
  }
}
