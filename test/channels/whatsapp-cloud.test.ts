import type { RunningBot } from '../../src/app/run-bot';
import { hmacSha256Hex } from '../../src/server/secrets';
import type { SqliteStore } from '../../src/storage/sqlite-store';
import { startLocalServer, until, type LocalServer } from '../support/local-server';
import { startTestBot, type TestBot } from '../support/bot';

const APP_SECRET = 'meta-app-secret';
const VERIFY = 'verify-me-123';
const PHONE_ID = '1098765';

interface GraphCall {
  readonly to: string;
  readonly type: string;
  readonly body: Record<string, unknown>;
  readonly auth: string | undefined;
}

/** A local stand-in for the Graph API's messages endpoint, with injectable failures. */
class GraphStandIn {
  readonly calls: GraphCall[] = [];
  /** Answers for the next calls (status, error code), consumed in order. */
  readonly failures: { status: number; code?: number }[] = [];
  /** Recipients outside the 24-hour window (every call to them fails with 131047). */
  readonly closedWindow = new Set<string>();
  private server: LocalServer | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = await startLocalServer((req) => {
      const body = JSON.parse(req.body.toString('utf8') || '{}') as Record<string, unknown>;
      const ok = req.url === `/v21.0/${PHONE_ID}/messages` && req.method === 'POST';
      const to = String(body.to);
      const fail = this.closedWindow.has(to) ? { status: 400, code: 131047 } : this.failures.shift();
      if (!ok || fail)
        return {
          status: fail?.status ?? 404,
          json: { error: { code: fail?.code ?? 100, message: fail?.code === 131047 ? 'Re-engagement message' : 'error' } },
        };
      this.calls.push({ to, type: String(body.type), body, auth: typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined });
      return { status: 200, json: { messaging_product: 'whatsapp', messages: [{ id: `wamid.${this.calls.length}` }] } };
    });
    this.url = this.server.url;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }

  to(waId: string): GraphCall[] {
    return this.calls.filter((c) => c.to === waId);
  }
}

let seq = 0;
function inbound(from: string, message: Record<string, unknown>, name = 'Budi'): Record<string, unknown> {
  seq += 1;
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'waba',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { phone_number_id: PHONE_ID },
              contacts: [{ wa_id: from, profile: { name } }],
              messages: [{ from, id: `wamid.in.${seq}`, timestamp: '1764000000', ...message }],
            },
          },
        ],
      },
    ],
  };
}

describe('WhatsApp Cloud API channel (local Graph stand-in)', () => {
  const graph = new GraphStandIn();
  const helpdeskEvents: { event: { type: string; reason?: string } }[] = [];
  let helpdesk: LocalServer;
  let running: TestBot;
  let store: SqliteStore;
  let bot: RunningBot;
  let base = '';

  const post = async (payload: unknown, secret = APP_SECRET): Promise<number> => {
    const raw = JSON.stringify(payload);
    const response = await fetch(`${base}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${hmacSha256Hex(secret, raw)}` },
      body: raw,
    });
    await response.text();
    return response.status;
  };

  beforeAll(async () => {
    await graph.start();
    helpdesk = await startLocalServer((req) => {
      helpdeskEvents.push(JSON.parse(req.body.toString('utf8')) as (typeof helpdeskEvents)[number]);
      return { status: 200 };
    });
    const env = {
      WHATSAPP_CLOUD_TOKEN: 'EAAG-token',
      WHATSAPP_PHONE_NUMBER_ID: PHONE_ID,
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_VERIFY_TOKEN: VERIFY,
      WHATSAPP_GRAPH_URL: graph.url,
      HANDOFF_WEBHOOK_URL: `${helpdesk.url}/events`,
      HANDOFF_WEBHOOK_SECRET: 'helpdesk-secret-0123456789',
    };
    running = await startTestBot(env);
    ({ bot, store, base } = running);
  });
  afterAll(async () => {
    await running.stop();
    await graph.stop();
    await helpdesk.close();
  });

  it('answers the verification handshake only with the right token', async () => {
    const ok = await fetch(`${base}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=1158201444`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    expect((await fetch(`${base}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`)).status).toBe(403);
  });

  it('answers a signed message through the Graph API', async () => {
    expect(await post(inbound('6281200000001', { type: 'text', text: { body: 'brp hrg iphone 15 kak' } }))).toBe(200);
    await until(() => graph.to('6281200000001').length > 0);
    const [call] = graph.to('6281200000001');
    expect(call.auth).toBe('Bearer EAAG-token');
    expect(call.type).toBe('text');
    expect(JSON.stringify(call.body)).toMatch(/Rp12\.999\.000/);
  });

  it('refuses a bad signature with 401 and does nothing', async () => {
    expect(await post(inbound('6281200000002', { type: 'text', text: { body: 'halo' } }), 'forged')).toBe(401);
    await new Promise((r) => setTimeout(r, 150));
    expect(graph.to('6281200000002')).toHaveLength(0);
  });

  it('refuses signed bodies of unknown shapes with 400, never 500, and keeps answering', async () => {
    const wa = '6281200000009';
    const shapes: unknown[] = [
      null,
      5,
      'text',
      [],
      { entry: 5 },
      { entry: [null] },
      { entry: [{ changes: 'x' }] },
      { entry: [{ changes: [{ value: { messages: [null] } }] }] },
      { entry: [{ changes: [{ value: { messages: 'many' } }] }] },
      inbound(wa, { type: 'text', text: { body: { toString: 'not a text' } } }),
      inbound(wa, { type: 'text', text: 'not an object' }),
      inbound(wa, { type: 'location', location: { latitude: 'north', longitude: 'east' } }),
      inbound(wa, { type: 'location', location: { latitude: 500, longitude: 0 } }),
      inbound(wa, { type: 7, text: { body: 'halo' } }),
      {
        entry: [
          {
            changes: [
              { value: { messages: Array.from({ length: 5000 }, (_, i) => ({ from: wa, id: `wamid.flood.${i}`, type: 'text', text: { body: 'halo' } })) } },
            ],
          },
        ],
      },
    ];
    for (const shape of shapes) expect(await post(shape)).toBe(400);
    await new Promise((r) => setTimeout(r, 150));
    expect(graph.to(wa)).toHaveLength(0);
    expect(await post(inbound(wa, { type: 'text', text: { body: 'bisa cod ga' } }))).toBe(200);
    await until(() => graph.to(wa).length > 0);
  });

  it('answers a duplicate delivery once and ignores status callbacks', async () => {
    const payload = inbound('6281200000003', { type: 'text', text: { body: 'bisa cod ga' } });
    await post(payload);
    await post(payload);
    await post({ entry: [{ changes: [{ value: { statuses: [{ id: 'wamid.x', status: 'delivered', recipient_id: '6281200000003' }] } }] }] });
    await until(() => graph.to('6281200000003').length > 0);
    await new Promise((r) => setTimeout(r, 200));
    const bodies = graph.to('6281200000003').map((c) => JSON.stringify(c.body));
    expect(new Set(bodies).size).toBe(bodies.length);
    expect((await store.transcript('whatsapp:6281200000003')).filter((l) => l.direction === 'in')).toHaveLength(1);
  });

  it('offers choices as reply buttons and continues with the pressed one', async () => {
    const wa = '6281200000004';
    await post(inbound(wa, { type: 'text', text: { body: 'harga iphone' } }));
    await until(() => graph.to(wa).length > 0);
    const interactive = graph.to(wa)[0].body.interactive as { type: string; action: { buttons: { reply: { id: string; title: string } }[] } };
    expect(interactive.type).toBe('button');
    const pro = interactive.action.buttons.find((b) => b.reply.title === 'iPhone 15 Pro');
    if (!pro) throw new Error('no iPhone 15 Pro button');
    await post(inbound(wa, { type: 'interactive', interactive: { type: 'button_reply', button_reply: pro.reply } }));
    await until(() => graph.to(wa).length > 1);
    expect(JSON.stringify(graph.to(wa)[1].body)).toMatch(/iPhone 15 Pro/);
  });

  it('retries a 429 from the Graph API and delivers once', async () => {
    const wa = '6281200000005';
    graph.failures.push({ status: 429, code: 130429 });
    await post(inbound(wa, { type: 'text', text: { body: 'jam buka toko surabaya' } }));
    await until(() => graph.to(wa).length > 0, 8000);
    expect(JSON.stringify(graph.to(wa)[0].body)).toMatch(/Surabaya/);
  });

  it('tells the agents when a reply falls outside the 24-hour window, keeping the ticket open', async () => {
    const wa = '6281200000006';
    await post(inbound(wa, { type: 'text', text: { body: 'mau bicara dengan admin' } }));
    await until(() => graph.to(wa).length > 0);
    const ticketId = /T\d{5}/.exec(JSON.stringify(graph.to(wa)[0].body))?.[0] ?? '';
    graph.closedWindow.add(wa);
    expect((await bot.desk.reply(ticketId, 'Rina', 'Halo Kak, maaf baru sempat membalas.')).ok).toBe(true);
    await until(() => helpdeskEvents.some((e) => e.event.type === 'delivery-failed'));
    expect(helpdeskEvents.find((e) => e.event.type === 'delivery-failed')?.event.reason).toMatch(/24-hour/);
    expect((await store.getTicket(ticketId))?.status).toBe('claimed');
  });
});
