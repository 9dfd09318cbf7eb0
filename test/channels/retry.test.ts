import { isNetworkError, withRetry } from '../../src/channels/retry';

const fast = { attempts: 4, baseDelayMs: 10, maxDelayMs: 50 };

describe('retrying platform calls', () => {
  it('recognises a refused connection on 127.0.0.1 as a network error', async () => {
    const { createServer } = await import('node:net');
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const address = s.address();
        s.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const error = await fetch(`http://127.0.0.1:${port}/`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isNetworkError(error)).toBe(true);
    expect(isNetworkError(new Error('Bad Request: chat not found'))).toBe(false);
  });

  it('backs off and retries network errors until the call succeeds', async () => {
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls += 1;
        if (calls < 3) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        return 'sent';
      },
      (e) => ({ retry: isNetworkError(e) }),
      fast,
    );
    expect(result).toBe('sent');
    expect(calls).toBe(3);
  });

  it('gives up on final errors at once and after the last attempt otherwise', async () => {
    let calls = 0;
    const final = withRetry(
      async () => {
        calls += 1;
        throw new Error('Forbidden: bot was blocked by the user');
      },
      () => ({ retry: false }),
      fast,
    );
    await expect(final).rejects.toThrow('blocked');
    expect(calls).toBe(1);
    calls = 0;
    const always = withRetry(
      async () => {
        calls += 1;
        throw Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
      },
      (e) => ({ retry: isNetworkError(e) }),
      fast,
    );
    await expect(always).rejects.toThrow('refused');
    expect(calls).toBe(4);
  });
});
