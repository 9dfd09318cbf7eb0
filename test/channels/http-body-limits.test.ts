import { connect } from 'node:net';
import { HttpServer, MAX_BODY_BYTES_CEILING, SMALL_WEBHOOK_BODY_BYTES } from '../../src/server/http-server';
import { startLocalServer, type LocalServer } from '../support/local-server';
import { startTestBot, type TestBot } from '../support/bot';

interface RawOutcome {
  readonly status: number;
  readonly body: string;
  /** Body bytes written before the server answered (or closed). */
  readonly sentBytes: number;
}

/**
 * One request over a raw socket: the head, then `chunks` written one by one (a few ms apart) until
 * the server answers, so a test sees whether the server stopped reading early.
 */
function rawExchange(port: number, head: string, chunks: readonly Buffer[] = [], gapMs = 2): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    let sentBytes = 0;
    let answered = false;
    const finish = (): void => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0);
      const [head = '', ...rest] = data.split('\r\n\r\n');
      const body = rest.join('\r\n\r\n');
      resolve({ status, body: /transfer-encoding: chunked/i.test(head) ? dechunk(body) : body, sentBytes });
    };
    socket.on('data', (d: Buffer) => {
      answered = true;
      data += d.toString('utf8');
    });
    socket.on('error', () => undefined);
    socket.on('close', finish);
    socket.write(head);
    void (async () => {
      for (const chunk of chunks) {
        if (answered || socket.destroyed) break;
        socket.write(chunk);
        sentBytes += chunk.length;
        await new Promise((r) => setTimeout(r, gapMs));
      }
      if (!answered && !socket.destroyed) socket.end();
    })();
  });
}

/** The payload of a chunked response body. */
function dechunk(body: string): string {
  let out = '';
  let rest = body;
  for (;;) {
    const line = /^([0-9a-f]+)\r\n/i.exec(rest);
    if (!line) return out;
    const size = parseInt(line[1], 16);
    if (size === 0) return out;
    out += rest.slice(line[0].length, line[0].length + size);
    rest = rest.slice(line[0].length + size + 2);
  }
}

/** A body sent with chunked transfer encoding, `size` bytes per chunk. */
function chunked(size: number, count: number): Buffer[] {
  const payload = Buffer.alloc(size, 'a');
  return [
    ...Array.from({ length: count }, () => Buffer.concat([Buffer.from(`${size.toString(16)}\r\n`), payload, Buffer.from('\r\n')])),
    Buffer.from('0\r\n\r\n'),
  ];
}

describe('HttpServer: per-route body limits, enforced while reading', () => {
  const server = new HttpServer();
  const seen: { path: string; bytes: number }[] = [];
  let port = 0;

  beforeAll(async () => {
    server.route(
      'POST',
      '/small',
      (r) => {
        seen.push({ path: r.path, bytes: r.body.length });
        return { status: 200, body: { bytes: r.body.length } };
      },
      { maxBodyBytes: 1024 },
    );
    server.route('POST', '/default', (r) => {
      seen.push({ path: r.path, bytes: r.body.length });
      return { status: 200, body: { bytes: r.body.length } };
    });
    port = await server.listen(0, '127.0.0.1');
  });
  afterAll(() => server.close());

  it('accepts a body up to the route limit', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/small`, { method: 'POST', body: 'x'.repeat(1024) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ bytes: 1024 });
  });

  it('refuses a larger declared Content-Length with 413 JSON before reading any body', async () => {
    const before = seen.length;
    const outcome = await rawExchange(port, 'POST /small HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\n\r\n');
    expect(outcome.status).toBe(413);
    expect(JSON.parse(outcome.body)).toEqual({ error: 'request body too large', limit: 1024 });
    expect(seen.length).toBe(before);
  });

  it('cuts off a chunked body that grows past the limit, without waiting for its end', async () => {
    const before = seen.length;
    // 4 MiB offered in 16 KiB chunks; the server answers after the first one.
    const outcome = await rawExchange(port, 'POST /small HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n', chunked(16 * 1024, 256));
    expect(outcome.status).toBe(413);
    expect(outcome.sentBytes).toBeLessThan(512 * 1024);
    expect(seen.length).toBe(before);
  });

  it('gives routes without their own limit the server default (1 MiB), and no route more than that', async () => {
    const under = await fetch(`http://127.0.0.1:${port}/default`, { method: 'POST', body: 'x'.repeat(MAX_BODY_BYTES_CEILING) });
    expect(under.status).toBe(200);
    const over = await rawExchange(port, `POST /default HTTP/1.1\r\nHost: t\r\nContent-Length: ${MAX_BODY_BYTES_CEILING + 1}\r\n\r\n`);
    expect(over.status).toBe(413);
    expect(() => server.route('POST', '/huge', () => ({ status: 200 }), { maxBodyBytes: MAX_BODY_BYTES_CEILING + 1 })).toThrow(RangeError);
    expect(() => new HttpServer({ maxBodyBytes: 8 << 20 })).toThrow(RangeError);
  });

  it('keeps serving other requests while refusing', async () => {
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
  });
});

describe('the bot: 256 KiB for Bot Framework activities and helpdesk calls', () => {
  let connector: LocalServer;
  let running: TestBot;
  let port = 0;

  beforeAll(async () => {
    connector = await startLocalServer(() => ({ status: 200, json: { id: 'x' } }));
    running = await startTestBot({ BOT_FRAMEWORK: '1', HANDOFF_WEBHOOK_URL: `${connector.url}/events`, HANDOFF_WEBHOOK_SECRET: 'helpdesk-limit-secret-0123' });
    port = running.bot.port ?? 0;
  });
  afterAll(async () => {
    await running.stop();
    await connector.close();
  });

  const activity = (text: string): string =>
    JSON.stringify({
      type: 'message',
      id: 'big-1',
      channelId: 'webchat',
      serviceUrl: connector.url,
      conversation: { id: 'conv-big' },
      from: { id: 'u' },
      recipient: { id: 'bot' },
      text,
    });

  it('refuses a Bot Framework activity over 256 KiB with 413, and takes one under it', async () => {
    const big = activity('a'.repeat(SMALL_WEBHOOK_BODY_BYTES));
    const refused = await rawExchange(
      port,
      `POST /api/messages HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(big)}\r\n\r\n`,
      [Buffer.from(big)],
    );
    expect(refused.status).toBe(413);
    expect(JSON.parse(refused.body)).toMatchObject({ error: 'request body too large' });
    // Streamed without a length, it is cut off as it crosses the limit.
    const streamed = await rawExchange(
      port,
      'POST /api/messages HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
      chunked(32 * 1024, 64),
    );
    expect(streamed.status).toBe(413);
    expect(streamed.sentBytes).toBeLessThan(SMALL_WEBHOOK_BODY_BYTES + 128 * 1024);
    expect(await running.store.transcript('botframework:conv-big')).toHaveLength(0);

    const fits = await fetch(`http://127.0.0.1:${port}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: activity('jam buka toko bandung'),
    });
    expect(fits.status).toBe(200);
  });

  it('refuses a helpdesk call over 256 KiB with 413 (before its signature is even checked)', async () => {
    const body = JSON.stringify({ agent: 'Rina', text: 'x'.repeat(SMALL_WEBHOOK_BODY_BYTES) });
    const response = await fetch(`http://127.0.0.1:${port}/handoff/tickets/T00001/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tanya-timestamp': '1', 'x-tanya-signature': 'sha256=00' },
      body,
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: 'request body too large', limit: SMALL_WEBHOOK_BODY_BYTES });
    // A small unsigned call still gets the signature check.
    const small = await fetch(`http://127.0.0.1:${port}/handoff/tickets/T00001/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"agent":"Rina","text":"hi"}',
    });
    expect(small.status).toBe(401);
  });
});
