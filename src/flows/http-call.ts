import type { HttpRequest } from './runtime';

/**
 * Calls a flow's service (e.g. order status). Never throws: a refused connection, a timeout, a
 * non-2xx answer or a body that is not JSON all come back as `{ ok: false }` for the error branch.
 */
export async function callService(request: HttpRequest): Promise<{ ok: true; json: unknown } | { ok: false }> {
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: { accept: 'application/json', ...(request.body ? { 'content-type': 'application/json' } : {}) },
      ...(request.body ? { body: request.body } : {}),
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    if (!response.ok) {
      await response.arrayBuffer().catch(() => undefined);
      return { ok: false };
    }
    const text = await response.text();
    return { ok: true, json: text ? (JSON.parse(text) as unknown) : {} };
  } catch {
    return { ok: false };
  }
}
