import pino from 'pino';
import { runBot, type RunningBot } from '../../src/app/run-bot';
import { SqliteStore } from '../../src/storage/sqlite-store';
import { startLocalServer, until, type LocalServer } from '../support/local-server';
import { startTestBot, type TestBot } from '../support/bot';
import { sampleShop } from '../support/sample-shop';

interface Posted {
  readonly path: string;
  readonly activity: {
    type: string;
    text?: string;
    name?: string;
    value?: unknown;
    suggestedActions?: { actions: { title: string; value: string }[] };
    attachments?: { contentType: string; content: { activities?: { text?: string }[] } }[];
  };
}

/** A local Bot Connector stand-in: the bot's replies are POSTed to this serviceUrl. */
class ServiceUrlReceiver {
  readonly posted: Posted[] = [];
  private server: LocalServer | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = await startLocalServer((req) => {
      this.posted.push({ path: req.url, activity: JSON.parse(req.body.toString('utf8') || '{}') as Posted['activity'] });
      return { status: 200, json: { id: `act-${this.posted.length}` } };
    });
    this.url = this.server.url;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }

  in(conversation: string): Posted['activity'][] {
    return this.posted.filter((p) => p.path.includes(`/v3/conversations/${encodeURIComponent(conversation)}/`)).map((p) => p.activity);
  }

  messages(conversation: string): Posted['activity'][] {
    return this.in(conversation).filter((a) => a.type === 'message');
  }
}

let seq = 0;
function activity(serviceUrl: string, conversation: string, fields: Record<string, unknown>): Record<string, unknown> {
  seq += 1;
  return {
    type: 'message',
    id: `in-${seq}`,
    channelId: 'webchat',
    serviceUrl,
    timestamp: new Date().toISOString(),
    locale: 'id-ID',
    from: { id: `user-${conversation}`, name: 'Budi' },
    recipient: { id: 'tanya-bot', name: 'Tanya' },
    conversation: { id: conversation },
    ...fields,
  };
}

describe('Bot Framework channel (CloudAdapter, local serviceUrl)', () => {
  const receiver = new ServiceUrlReceiver();
  let running: TestBot;
  let store: SqliteStore;
  let bot: RunningBot;
  let base = '';
  const post = async (body: unknown, headers: Record<string, string> = {}): Promise<number> => {
    const response = await fetch(`${base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    await response.text();
    return response.status;
  };

  beforeAll(async () => {
    await receiver.start();
    running = await startTestBot({ BOT_FRAMEWORK: '1' });
    ({ bot, store, base } = running);
  });
  afterAll(async () => {
    await running.stop();
    await receiver.stop();
  });

  it('answers an activity posted to /api/messages at the serviceUrl', async () => {
    expect(await post(activity(receiver.url, 'conv-1', { text: 'brp hrg iphone 15 kak' }))).toBe(200);
    await until(() => receiver.messages('conv-1').length > 0);
    expect(receiver.messages('conv-1')[0].text).toMatch(/Rp12\.999\.000/);
    expect(receiver.in('conv-1').some((a) => a.type === 'typing')).toBe(true);
  });

  it("refuses bodies that are not activities with 400, and other servers' service URLs without authentication with 403", async () => {
    for (const body of [
      {},
      null,
      [],
      { type: 'message' },
      { type: 'message', serviceUrl: receiver.url, channelId: 'webchat', conversation: {} },
      activity(receiver.url, 'conv-x', { text: { evil: true } }),
    ]) {
      expect(await post(body)).toBe(400);
    }
    expect(await post(activity('https://attacker.example/', 'conv-evil', { text: 'halo' }))).toBe(403);
    expect(await post(activity('http://10.0.0.5:8080/', 'conv-evil', { text: 'halo' }))).toBe(403);
    await new Promise((r) => setTimeout(r, 150));
    expect(await store.transcript('botframework:conv-evil')).toHaveLength(0);
  });

  it('offers suggested actions and continues with the picked one', async () => {
    await post(activity(receiver.url, 'conv-2', { text: 'harga iphone' }));
    await until(() => receiver.messages('conv-2').length > 0);
    const actions = receiver.messages('conv-2')[0].suggestedActions?.actions ?? [];
    const pro = actions.find((a) => a.title === 'iPhone 15 Pro');
    if (!pro) throw new Error(`no iPhone 15 Pro action in ${JSON.stringify(actions)}`);
    await post(activity(receiver.url, 'conv-2', { text: pro.value }));
    await until(() => receiver.messages('conv-2').length > 1);
    expect(receiver.messages('conv-2')[1].text).toMatch(/iPhone 15 Pro/);
  });

  it('reads a Teams message without the @mention of the bot', async () => {
    await post(
      activity(receiver.url, 'conv-teams', {
        channelId: 'msteams',
        text: '<at>Tanya</at> jam buka toko bandung',
        entities: [{ type: 'mention', text: '<at>Tanya</at>', mentioned: { id: 'tanya-bot', name: 'Tanya' } }],
      }),
    );
    await until(() => receiver.messages('conv-teams').length > 0);
    expect(receiver.messages('conv-teams')[0].text).toMatch(/Jam buka Nusa Gadget Bandung/);
    expect((await store.transcript('botframework:conv-teams'))[0].text).toBe('jam buka toko bandung');
  });

  it('greets once when the customer joins the conversation', async () => {
    const joined = activity(receiver.url, 'conv-3', { type: 'conversationUpdate', membersAdded: [{ id: 'user-conv-3' }, { id: 'tanya-bot' }] });
    await post(joined);
    await post({ ...joined, id: 'again' });
    await until(() => receiver.messages('conv-3').length > 0);
    await new Promise((r) => setTimeout(r, 150));
    expect(receiver.messages('conv-3')).toHaveLength(1);
    expect(receiver.messages('conv-3')[0].text).toMatch(/Halo|Selamat datang/);
  });

  it('sends handoff.initiate with the transcript, relays an agent reply proactively, and honours handoff.status', async () => {
    await post(activity(receiver.url, 'conv-4', { text: 'garansi iphone berapa lama' }));
    await until(() => receiver.messages('conv-4').length > 0);
    await post(activity(receiver.url, 'conv-4', { text: 'mau bicara sama admin' }));
    await until(() => receiver.in('conv-4').some((a) => a.type === 'event' && a.name === 'handoff.initiate'));
    const initiate = receiver.in('conv-4').find((a) => a.name === 'handoff.initiate');
    const transcript = initiate?.attachments?.[0]?.content.activities?.map((a) => a.text) ?? [];
    expect(transcript).toEqual(expect.arrayContaining(['garansi iphone berapa lama', 'mau bicara sama admin']));
    const ticketId = (initiate?.value as { ticketId: string }).ticketId;

    const before = receiver.messages('conv-4').length;
    expect((await bot.desk.reply(ticketId, 'Rina', 'Halo Kak, dengan Rina dari CS.')).ok).toBe(true);
    await until(() => receiver.messages('conv-4').some((a) => a.text === 'Halo Kak, dengan Rina dari CS.'));
    expect(receiver.messages('conv-4').length).toBeGreaterThan(before);

    await post(activity(receiver.url, 'conv-4', { type: 'event', name: 'handoff.status', value: { state: 'completed' } }));
    await until(async () => (await store.getTicket(ticketId))?.status === 'resolved');
  });
});

describe('Bot Framework channel with an app id', () => {
  it('refuses a request without a valid token (401)', async () => {
    // The SDK may report refused requests on console.error; expected here.
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const store = new SqliteStore(':memory:');
    const bot = await runBot(
      sampleShop(),
      store,
      { MICROSOFT_APP_ID: '00000000-0000-0000-0000-000000000001', MICROSOFT_APP_PASSWORD: 'secret', PORT: '0', HOST: '127.0.0.1' },
      pino({ level: 'silent' }),
    );
    if (!bot) throw new Error('bot did not start');
    try {
      const body = activity('http://127.0.0.1:9', 'conv-x', { text: 'halo' });
      const plain = await fetch(`http://127.0.0.1:${bot.port ?? 0}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(plain.status).toBe(401);
      const forged = await fetch(`http://127.0.0.1:${bot.port ?? 0}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer not.a.jwt' },
        body: JSON.stringify(body),
      });
      expect(forged.status).toBe(401);
      expect(await store.transcript('botframework:conv-x')).toHaveLength(0);
    } finally {
      quiet.mockRestore();
      await bot.stop();
      await store.close();
    }
  });
});

describe('Bot Framework replies when the service URL is down', () => {
  it('keeps the reply in the outbox for a retry instead of counting it delivered', async () => {
    const running = await startTestBot({ BOT_FRAMEWORK: '1' });
    try {
      const closed = 'http://127.0.0.1:9';
      const body = activity(closed, 'conv-down', { text: 'bisa cod ga' });
      const response = await fetch(`${running.base}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(200);
      await until(async () => (await running.store.transcript('botframework:conv-down')).some((l) => l.direction === 'out'));
      await new Promise((r) => setTimeout(r, 500));
      const pending = await running.store.takeDue(() => true, new Date(Date.now() + 3_600_000), 1000, 50, 'botframework:conv-down', 'test-owner');
      expect(pending.length).toBeGreaterThan(0);
    } finally {
      await running.stop();
    }
  });
});
