import pino from 'pino';
import { runBot } from '../../src/app/run-bot';
import { SqliteStore } from '../../src/storage/sqlite-store';
import { startLocalServer, until, type LocalServer } from '../support/local-server';
import { startTestBot, type TestBot } from '../support/bot';
import { sampleShop } from '../support/sample-shop';

/** A local Bot Connector stand-in: replies are POSTed to this serviceUrl. */
async function connector(): Promise<{ server: LocalServer; messages: (conversation: string) => string[] }> {
  const posted: { url: string; type: string; text?: string }[] = [];
  const server = await startLocalServer((req) => {
    const body = JSON.parse(req.body.toString('utf8') || '{}') as { type: string; text?: string };
    posted.push({ url: req.url, type: body.type, text: body.text });
    return { status: 200, json: { id: `act-${posted.length}` } };
  });
  return {
    server,
    messages: (conversation) =>
      posted.filter((p) => p.type === 'message' && p.url.includes(`/v3/conversations/${encodeURIComponent(conversation)}/`)).map((p) => p.text ?? ''),
  };
}

let seq = 0;
function activity(serviceUrl: string, conversation: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  seq += 1;
  return {
    type: 'message',
    id: `h-${seq}`,
    channelId: 'webchat',
    serviceUrl,
    from: { id: `user-${conversation}`, name: 'Budi' },
    recipient: { id: 'tanya-bot', name: 'Tanya' },
    conversation: { id: conversation },
    text: 'jam buka toko bandung',
    ...fields,
  };
}

function without(object: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy = { ...object };
  delete copy[key];
  return copy;
}

describe('Bot Framework: malformed activities, ids and dedupe (unauthenticated, loopback)', () => {
  let running: TestBot;
  let bf: Awaited<ReturnType<typeof connector>>;
  const post = async (body: unknown): Promise<number> => {
    const response = await fetch(`${running.base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    await response.text();
    return response.status;
  };

  beforeAll(async () => {
    bf = await connector();
    running = await startTestBot({ BOT_FRAMEWORK: '1' });
  });
  afterAll(async () => {
    await running.stop();
    await bf.server.close();
  });

  it('refuses malformed activities with 400 before any turn runs (no TypeError behind a 200)', async () => {
    const url = bf.server.url;
    const cases: [string, Record<string, unknown>][] = [
      ['entities [null]', activity(url, 'bad-1', { entities: [null] })],
      ['entities not a list', activity(url, 'bad-2', { entities: 'x' })],
      ['entity without a type', activity(url, 'bad-3', { entities: [{ mentioned: { id: 'tanya-bot' } }] })],
      ['no recipient', without(activity(url, 'bad-4'), 'recipient')],
      ['no from', without(activity(url, 'bad-5'), 'from')],
      ['recipient without id', activity(url, 'bad-6', { recipient: { name: 'Tanya' } })],
      ['membersAdded a string', activity(url, 'bad-7', { type: 'conversationUpdate', text: undefined, membersAdded: 'abc' })],
      ['membersAdded [null]', activity(url, 'bad-8', { type: 'conversationUpdate', text: undefined, membersAdded: [null] })],
      ['membersAdded item without id', activity(url, 'bad-9', { type: 'conversationUpdate', text: undefined, membersAdded: [{ name: 'x' }] })],
      ['conversation without id', activity(url, 'bad-10', { conversation: { name: 'x' } })],
      ['conversation id empty', activity(url, 'bad-11', { conversation: { id: '' } })],
      ['conversation id with a newline', activity(url, 'bad-12\nX')],
      ['attachments [null]', activity(url, 'bad-13', { text: undefined, attachments: [null] })],
    ];
    for (const [label, body] of cases) expect([label, await post(body)]).toEqual([label, 400]);
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 1; i <= 13; i++) expect(await running.store.transcript(`botframework:bad-${i}`)).toHaveLength(0);
  });

  it('skips a mention entity it cannot use instead of failing, and still answers', async () => {
    const body = activity(bf.server.url, 'mention-odd', {
      entities: [
        { type: 'mention', mentioned: { id: 'tanya-bot' } },
        { type: 'clientInfo', locale: 'id-ID' },
      ],
    });
    expect(await post(body)).toBe(200);
    await until(() => bf.messages('mention-odd').length > 0);
    expect(bf.messages('mention-odd')[0]).toMatch(/Jam buka Nusa Gadget Bandung/);
    expect((await running.store.transcript('botframework:mention-odd'))[0].text).toBe('jam buka toko bandung');
  });

  it('refuses message activities without an id (400) instead of deduping them on one shared key', async () => {
    expect(await post(without(activity(bf.server.url, 'noid', { text: 'jam buka toko bandung' }), 'id'))).toBe(400);
    expect(await post(without(activity(bf.server.url, 'noid', { text: 'alamat toko surabaya dimana' }), 'id'))).toBe(400);
    await new Promise((r) => setTimeout(r, 200));
    expect(await running.store.transcript('botframework:noid')).toHaveLength(0);
    // With ids, both questions are taken and answered.
    expect(await post(activity(bf.server.url, 'noid', { text: 'jam buka toko bandung' }))).toBe(200);
    expect(await post(activity(bf.server.url, 'noid', { text: 'alamat toko surabaya dimana' }))).toBe(200);
    await until(() => bf.messages('noid').length >= 2);
    expect((await running.store.transcript('botframework:noid')).filter((l) => l.direction === 'in').map((l) => l.text)).toEqual([
      'jam buka toko bandung',
      'alamat toko surabaya dimana',
    ]);
  });

  it('scopes activity ids to their conversation: the same id in two conversations is two messages', async () => {
    expect(await post(activity(bf.server.url, 'same-a', { id: '1' }))).toBe(200);
    expect(await post(activity(bf.server.url, 'same-b', { id: '1' }))).toBe(200);
    await until(() => bf.messages('same-a').length > 0 && bf.messages('same-b').length > 0);
    // A redelivery within one conversation is still answered once.
    await new Promise((r) => setTimeout(r, 300));
    const answered = bf.messages('same-a').length;
    expect(await post(activity(bf.server.url, 'same-a', { id: '1' }))).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(bf.messages('same-a')).toHaveLength(answered);
    expect(bf.messages('same-b')).toEqual(bf.messages('same-a'));
    expect((await running.store.transcript('botframework:same-a')).filter((l) => l.direction === 'in')).toHaveLength(1);
    expect((await running.store.transcript('botframework:same-b')).filter((l) => l.direction === 'in')).toHaveLength(1);
    // Conversation ids holding ":" cannot make two pairs share a key: ("x:1", "2") vs ("x", "1:2").
    expect(await post(activity(bf.server.url, 'x:1', { id: '2' }))).toBe(200);
    expect(await post(activity(bf.server.url, 'x', { id: '1:2' }))).toBe(200);
    await until(() => bf.messages('x:1').length > 0 && bf.messages('x').length > 0);
  });

  it('applies the unauthenticated service-URL rule before looking at the rest of the activity', async () => {
    // A malformed activity naming a foreign server is refused as unauthorized (403), not inspected (400).
    expect(await post(activity('https://attacker.example/', 'evil', { entities: [null] }))).toBe(403);
    expect(await post(without(activity('https://attacker.example/', 'evil'), 'recipient'))).toBe(403);
  });
});

describe('Bot Framework with an app id: authentication before the body is read', () => {
  it('answers 401 to anything without a valid token, however malformed its body', async () => {
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const store = new SqliteStore(':memory:');
    const bot = await runBot(
      sampleShop(),
      store,
      { MICROSOFT_APP_ID: '00000000-0000-0000-0000-000000000001', MICROSOFT_APP_PASSWORD: 'secret', PORT: '0', HOST: '127.0.0.1' },
      pino({ level: 'silent' }),
    );
    if (!bot) throw new Error('bot did not start');
    const post = async (body: string, headers: Record<string, string> = {}): Promise<number> => {
      const response = await fetch(`http://127.0.0.1:${bot.port ?? 0}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
      await response.text();
      return response.status;
    };
    try {
      // Before: these were parsed and answered 400 without any token.
      for (const body of [
        'not json',
        '{}',
        'null',
        JSON.stringify({ type: 'message' }),
        JSON.stringify(activity('http://127.0.0.1:9', 'conv-y', { entities: [null] })),
      ]) {
        expect([body, await post(body)]).toEqual([body, 401]);
        expect([body, await post(body, { authorization: 'Bearer not.a.jwt' })]).toEqual([body, 401]);
        expect([body, await post(body, { authorization: `Bearer ${'x'.repeat(8_000)}` })]).toEqual([body, 401]);
      }
      expect(await store.transcript('botframework:conv-y')).toHaveLength(0);
    } finally {
      quiet.mockRestore();
      await bot.stop();
      await store.close();
    }
  });
});
