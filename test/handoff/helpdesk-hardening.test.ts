import { connect } from 'node:net';
import { signCall } from '../../src/handoff/webhook-destination';
import { startLocalServer, until, type LocalServer } from '../support/local-server';
import { startTestBot, type TestBot } from '../support/bot';

const SECRET = 'helpdesk-hardening-secret-0123';

interface HelpdeskEvent {
  readonly event: { readonly type: string; readonly ticketId: string; readonly text?: string };
  readonly transcript: readonly { readonly direction: string; readonly text: string }[];
}

/** A request written byte for byte (request line included), as a helpdesk's HTTP client might send it. */
function raw(port: number, target: string, headers: Readonly<Record<string, string>>, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    const head = [
      `POST ${target} HTTP/1.1`,
      'Host: 127.0.0.1',
      'Connection: close',
      'Content-Type: application/json',
      `Content-Length: ${Buffer.byteLength(body)}`,
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ];
    socket.write(`${head.join('\r\n')}\r\n\r\n${body}`);
    socket.on('data', (d: Buffer) => (data += d.toString('utf8')));
    socket.on('error', reject);
    socket.on('end', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0), body: data.split('\r\n\r\n').slice(1).join('') }));
  });
}

describe('helpdesk webhook: raw request target in signatures, bounded transcripts', () => {
  let helpdesk: LocalServer;
  let botConnector: LocalServer;
  let running: TestBot;
  let port = 0;
  const events: HelpdeskEvent[] = [];
  let seq = 0;

  /** A customer on the Bot Framework channel writes `text`. */
  async function say(conversation: string, text: string): Promise<void> {
    seq += 1;
    const activity = {
      type: 'message',
      id: `m-${seq}`,
      channelId: 'webchat',
      serviceUrl: botConnector.url,
      conversation: { id: conversation },
      from: { id: `u-${conversation}` },
      recipient: { id: 'bot' },
      text,
    };
    const response = await fetch(`${running.base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    expect(response.status).toBe(200);
  }

  /** Opens a ticket for `conversation`; returns its id. */
  async function openTicket(conversation: string): Promise<string> {
    await say(conversation, 'mau bicara sama admin');
    await until(() => running.store.openTicketFor(`botframework:${conversation}`) !== undefined);
    return (await running.store.openTicketFor(`botframework:${conversation}`))?.id ?? '';
  }

  /** Seeds `count` earlier customer lines of `length` characters straight into the store. */
  async function seed(conversation: string, count: number, length: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const text = `${i}:`.padEnd(length, 'x');
      await running.store.recordInbound({
        channel: 'botframework',
        conversationId: `botframework:${conversation}`,
        userId: `u-${conversation}`,
        messageId: `seed-${conversation}-${i}`,
        text,
        kind: 'text',
        at: new Date(Date.now() - (count - i) * 1000).toISOString(),
      });
    }
  }

  const eventsOf = (ticketId: string): HelpdeskEvent[] => events.filter((e) => e.event.ticketId === ticketId);
  const nowSeconds = (): string => String(Math.floor(Date.now() / 1000));

  beforeAll(async () => {
    helpdesk = await startLocalServer((req) => {
      events.push(JSON.parse(req.body.toString('utf8')) as HelpdeskEvent);
      return { status: 200 };
    });
    botConnector = await startLocalServer(() => ({ status: 200, json: { id: 'x' } }));
    running = await startTestBot({ BOT_FRAMEWORK: '1', HANDOFF_WEBHOOK_URL: `${helpdesk.url}/events`, HANDOFF_WEBHOOK_SECRET: SECRET });
    port = running.bot.port ?? 0;
  });
  afterAll(async () => {
    await running.stop();
    await helpdesk.close();
    await botConnector.close();
  });

  it("sends each event with the ticket's transcript (its latest 200 lines), not the whole, growing conversation", async () => {
    await seed('long', 250, 40);
    const ticketId = await openTicket('long');
    for (const text of ['satu lagi', 'dua lagi', 'tiga lagi']) await say('long', text);
    await until(() => eventsOf(ticketId).filter((e) => e.event.type === 'customer-message').length === 3);
    for (const e of eventsOf(ticketId)) {
      expect(e.transcript).toHaveLength(200);
      expect(e.transcript[e.transcript.length - 1]).toMatchObject({ direction: 'in', text: 'mau bicara sama admin' });
      expect(e.transcript[0].text.startsWith('51:')).toBe(true);
      expect(e.transcript.map((l) => l.text)).not.toContain('tiga lagi');
    }
    // What came after the handoff arrives as the events themselves.
    expect(
      eventsOf(ticketId)
        .filter((e) => e.event.type === 'customer-message')
        .map((e) => e.event.text),
    ).toEqual(['satu lagi', 'dua lagi', 'tiga lagi']);
  });

  it("keeps an event's transcript to about 100,000 characters however long the lines were", async () => {
    await seed('wide', 30, 19_000);
    const ticketId = await openTicket('wide');
    await until(() => eventsOf(ticketId).some((e) => e.event.type === 'ticket-created'));
    const created = eventsOf(ticketId).find((e) => e.event.type === 'ticket-created');
    const chars = created?.transcript.reduce((n, l) => n + l.text.length, 0) ?? Infinity;
    expect(chars).toBeLessThanOrEqual(100_000);
    expect(created?.transcript[created.transcript.length - 1]).toMatchObject({ text: 'mau bicara sama admin' });
  });

  it('verifies helpdesk calls over the request target exactly as received', async () => {
    const ticketId = await openTicket('signed');
    const path = `/handoff/tickets/${ticketId}/messages`;
    let n = 0;
    /** Sends to `sentTarget` a call signed over `signedTarget`. */
    const call = (sentTarget: string, signedTarget = sentTarget): Promise<{ status: number; body: string }> => {
      n += 1;
      const body = JSON.stringify({ agent: 'Rina', text: `pesan ${n}` });
      const timestamp = nowSeconds();
      return raw(
        port,
        sentTarget,
        { 'X-Tanya-Timestamp': timestamp, 'X-Tanya-Signature': signCall(SECRET, { timestamp, method: 'POST', path: signedTarget, body }) },
        body,
      );
    };

    // Genuinely signed queries that a re-serialization would have changed (`%20` → `+`, `flag` → `flag=`).
    expect((await call(`${path}?a=%20`)).status).toBe(200);
    expect((await call(`${path}?flag`)).status).toBe(200);
    expect((await call(`${path}?b=1&a=2`)).status).toBe(200);
    expect((await call(path)).status).toBe(200);
    expect((await call(path.replace('/T', '/%54'))).status).toBe(200);

    // A target other than the one signed is refused, even one that parses to the same query.
    for (const [sent, signed] of [
      [`${path}?a=%20`, `${path}?a=+`],
      [`${path}?a=+`, `${path}?a=%20`],
      [`${path}?flag=`, `${path}?flag`],
      [`${path}?`, path],
      [`${path}?a=2&b=1`, `${path}?b=1&a=2`],
      [path.replace('/T', '/%54'), path],
    ]) {
      const outcome = await call(sent, signed);
      expect([sent, outcome.status, JSON.parse(outcome.body) as unknown]).toEqual([sent, 401, { ok: false, error: 'bad signature' }]);
    }
  });
});
