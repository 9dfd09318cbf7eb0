import { RateLimiter } from '../../src/channels/webchat/rate-limit';
import { perConversationLimit, perIpLimit } from '../../src/channels/webchat/sessions';

describe('web chat rate limits (token buckets)', () => {
  it('allows a burst, then refills at the rate per minute, per key', () => {
    let now = 0;
    const limiter = new RateLimiter({ burst: 3, perMinute: 6 }, () => now);
    expect([1, 2, 3, 4].map(() => limiter.take('10.0.0.1'))).toEqual([true, true, true, false]);
    expect(limiter.take('10.0.0.2')).toBe(true);
    now += 10_000; // one token a 10 s
    expect(limiter.take('10.0.0.1')).toBe(true);
    expect(limiter.take('10.0.0.1')).toBe(false);
    now += 10 * 60_000;
    expect([1, 2, 3, 4].map(() => limiter.take('10.0.0.1'))).toEqual([true, true, true, false]);
  });

  it('WEBCHAT_IP_LIMIT gives a third of the minute at once, at least 10', () => {
    expect(perIpLimit(120)).toEqual({ perMinute: 120, burst: 40 });
    expect(perIpLimit(6)).toEqual({ perMinute: 6, burst: 10 });
  });

  it('WEBCHAT_CONVERSATION_LIMIT gives 40 % of the minute at once, at least 3', () => {
    expect(perConversationLimit(20)).toEqual({ perMinute: 20, burst: 8 });
    expect(perConversationLimit(2)).toEqual({ perMinute: 2, burst: 3 });
  });
});
