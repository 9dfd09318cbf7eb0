import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startWebChatBot, type WebChatBot } from './webchat-bot';
import { until } from '../support/local-server';
import { webchatSecret, WEBCHAT_SECRET_FILE } from '../../src/channels/webchat/conversation-token';
import { SocketClient } from './socket-client';

const SECRET = 'test-secret-0123456789abcdef0123456789';
const ALLOWED = 'https://shop.example.com';

/** POSTs a JSON body as the widget's fallback does (text/plain, no preflight). */
async function post(url: string, body: unknown, origin: string): Promise<{ status: number; json: unknown; headers: Headers }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8', origin }, body: JSON.stringify(body) });
  return { status: response.status, json: await response.json(), headers: response.headers };
}

describe('web chat channel (real server, WebSocket and long polling)', () => {
  let running: WebChatBot;
  let base = '';
  const clients: SocketClient[] = [];
  const open = async (origin?: string): Promise<SocketClient> => {
    const client = await SocketClient.open(base, origin);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    // Every test talks from 127.0.0.1: the per-IP limit is tested on its own (rate-limit.test.ts).
    running = await startWebChatBot({ WEBCHAT_ORIGINS: ALLOWED, WEBCHAT_SECRET: SECRET, WEBCHAT_IP_LIMIT: '6000' });
    base = running.base;
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await running.stop();
  });

  it('serves widget.js (small, with the shop settings), the demo page under a strict CSP, and /healthz', async () => {
    const widget = await fetch(`${base}/webchat/widget.js`);
    expect(widget.status).toBe(200);
    expect(widget.headers.get('content-type')).toMatch(/javascript/);
    const code = await widget.text();
    expect(code).toContain('"title":"Nusa Gadget"');
    const gzipped = gzipSync(code, { level: 9 }).length;
    process.stdout.write(`widget.js: ${code.length} bytes, ${gzipped} bytes gzipped\n`);
    expect(gzipped).toBeLessThanOrEqual(30 * 1024);
    expect(code).not.toMatch(/\beval\(|new Function\(|innerHTML/);
    // Browsers get it gzipped (fetch unpacks it); a client that takes no compression, as it is.
    expect(widget.headers.get('content-encoding')).toBe('gzip');
    const plain = await fetch(`${base}/webchat/widget.js`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe(code);
    const again = await fetch(`${base}/webchat/widget.js`, { headers: { 'if-none-match': widget.headers.get('etag') ?? '' } });
    expect(again.status).toBe(304);
    const demo = await fetch(`${base}/webchat/demo`);
    expect(demo.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(await demo.text()).toContain('<script src="/webchat/widget.js" async></script>');
    const health = (await (await fetch(`${base}/healthz`)).json()) as { channels: Record<string, unknown> };
    expect(JSON.stringify(health)).toContain('webchat');
  });

  it('answers over a WebSocket, with suggestions as choices, and a follow-up in context', async () => {
    const client = await open();
    const welcome = await client.hello();
    expect(welcome.history).toEqual([]);
    expect(welcome.token).toMatch(/^v1\./);
    const prices = await client.ask('brp hrg ip 15 kak');
    expect(prices.lines[0].text).toMatch(/Rp14\.999\.000/);
    expect(prices.lines.some((l) => (l.options ?? []).length > 0)).toBe(true);
    const one = await client.ask('yg 256');
    expect(one.lines[0].text).toMatch(/256GB Rp14\.999\.000/);
    expect(one.through).toBeGreaterThan(prices.through);
  });

  it('resumes a conversation from its token with the history and the open buttons; a forged token gets a new conversation', async () => {
    const first = await open();
    const { token } = await first.hello();
    await first.ask('brp hrg ip 15 kak');
    await first.close();
    const second = await open();
    const welcome = await second.hello(token);
    expect(welcome.token).toBe(token);
    expect(welcome.history.map((l) => l.from)).toEqual(['customer', 'bot', 'bot']);
    expect(welcome.history[0].text).toBe('brp hrg ip 15 kak');
    expect(welcome.history[1].text).toMatch(/Rp14\.999\.000/);
    expect(welcome.history[2].options?.length).toBeGreaterThan(0);
    const forged = `${token.slice(0, -3)}AAA`;
    const fresh = await second.hello(forged);
    expect(fresh.token).not.toBe(token);
    expect(fresh.history).toEqual([]);
  });

  it('shows a message from one tab in the other tabs of the conversation, and replies in all of them', async () => {
    const a = await open();
    const { token } = await a.hello();
    const b = await open();
    await b.hello(token);
    await a.ask('jam buka toko jakarta', 'tab-a-1');
    const echo = await b.next((f) => f.type === 'customer');
    expect(echo).toMatchObject({ type: 'customer', id: 'tab-a-1', text: 'jam buka toko jakarta' });
    await b.next((f) => f.type === 'lines');
  });

  it('answers a message id once, even when the widget sends it again after a reconnect', async () => {
    const client = await open();
    const { token } = await client.hello();
    await client.ask('brp hrg ip 15 kak', 'same-id');
    const before = client.frames.length;
    client.send({ type: 'message', id: 'same-id', text: 'brp hrg ip 15 kak' });
    await client.next((f) => f.type === 'ack' && f.id === 'same-id', before);
    await new Promise((r) => setTimeout(r, 300));
    expect(client.frames.slice(before).filter((f) => f.type === 'lines')).toHaveLength(0);
    const key = token.split('.')[1];
    expect((await running.store.transcript(`webchat:${key}`)).filter((l) => l.direction === 'in')).toHaveLength(1);
  });

  it('refuses a page on another origin (4403, nothing stored), and takes pages of WEBCHAT_ORIGINS and its own', async () => {
    const evil = await open('https://evil.example');
    await until(() => evil.closeCode !== undefined);
    expect(evil.closeCode).toBe(4403);
    expect(evil.frames).toEqual([{ type: 'error', code: 'origin' }]);
    const shop = await open(ALLOWED);
    expect((await shop.hello()).type).toBe('welcome');
    const refused = await post(`${base}/webchat/api/hello`, { type: 'hello' }, 'https://evil.example');
    expect(refused.status).toBe(403);
    expect(refused.json).toEqual({ type: 'error', code: 'origin' });
    const noOrigin = await fetch(`${base}/webchat/api/hello`, { method: 'POST', body: '{"type":"hello"}' });
    expect(noOrigin.status).toBe(403);
  });

  it('refuses messages that are too long, malformed frames, and messages before hello', async () => {
    const client = await open();
    client.send({ type: 'message', id: 'early', text: 'halo' });
    expect(await client.next((f) => f.type === 'error')).toEqual({ type: 'error', code: 'token', id: 'early' });
    await client.hello();
    client.send({ type: 'message', id: 'long', text: 'a'.repeat(2001) });
    expect(await client.next((f) => f.type === 'error' && f.id === 'long')).toEqual({ type: 'error', code: 'too-long', id: 'long' });
    client.send('not json');
    client.send(JSON.stringify({ type: 'message', id: '<bad id>', text: 'x' }));
    await until(() => client.frames.filter((f) => f.type === 'error' && f.code === 'bad-frame').length === 2);
  });

  it('closes a socket that keeps sending what no widget sends', async () => {
    const client = await open();
    for (let i = 0; i < 20; i++) client.send('{"type":"nonsense"}');
    await until(() => client.closeCode !== undefined);
    expect(client.closeCode).toBe(1008);
  });

  it('limits the messages of one conversation', async () => {
    const client = await open();
    await client.hello();
    for (let i = 0; i < 12; i++) client.send({ type: 'message', id: `flood-${i}`, text: `halo ${i}` });
    await until(() => client.frames.filter((f) => f.type === 'ack' || f.type === 'error').length === 12);
    const limited = client.frames.filter((f) => f.type === 'error' && f.code === 'rate-limited');
    expect(limited.length).toBeGreaterThanOrEqual(4);
    expect(client.frames.filter((f) => f.type === 'ack')).toHaveLength(8);
  });

  it('works over long polling: hello, send, poll for the replies; the cursor of another process resyncs', async () => {
    const hello = await post(`${base}/webchat/api/hello`, { type: 'hello', lang: 'en-US' }, ALLOWED);
    expect(hello.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    const welcome = hello.json as { token: string; epoch: string; seq: number };
    const polled = post(`${base}/webchat/api/poll`, { token: welcome.token, epoch: welcome.epoch, since: welcome.seq }, ALLOWED);
    const sent = await post(
      `${base}/webchat/api/send`,
      { token: welcome.token, frame: { type: 'message', id: 'p1', text: 'what are the store hours in bandung?' } },
      ALLOWED,
    );
    expect(sent.json).toEqual({ type: 'ack', id: 'p1' });
    let frames = ((await polled).json as { frames: { type: string; seq: number; lines?: { text: string }[] }[] }).frames;
    let seq = Math.max(...frames.map((f) => f.seq));
    while (!frames.some((f) => f.type === 'lines')) {
      const next = await post(`${base}/webchat/api/poll`, { token: welcome.token, epoch: welcome.epoch, since: seq }, ALLOWED);
      frames = (next.json as { frames: typeof frames }).frames;
      seq = Math.max(seq, ...frames.map((f) => f.seq));
    }
    expect(frames.find((f) => f.type === 'lines')?.lines?.[0].text).toMatch(/Bandung/);
    const stale = await post(`${base}/webchat/api/poll`, { token: welcome.token, epoch: 'other', since: 3 }, ALLOWED);
    expect(stale.json).toEqual({ frames: [], resync: true });
    const badToken = await post(`${base}/webchat/api/poll`, { token: 'v1.nope.nope', epoch: welcome.epoch, since: 0 }, ALLOWED);
    expect(badToken.status).toBe(401);
  });

  it("relays a handoff: ticket number, an agent's reply live, the bot silent, then the rating stored", async () => {
    const client = await open();
    const { token } = await client.hello();
    const handoff = await client.ask('mau bicara sama admin');
    const ticketId = /T\d{5}/.exec(handoff.lines[0].text)?.[0];
    if (!ticketId) throw new Error(`no ticket number in ${handoff.lines[0].text}`);
    const before = client.frames.length;
    expect((await running.bot.desk.reply(ticketId, 'Rina', 'Halo Kak, dengan Rina di sini', 'cli')).ok).toBe(true);
    const agent = (await client.next((f) => f.type === 'lines' && f.lines.some((l) => l.text.includes('dengan Rina')), before)) as Extract<
      (typeof client.frames)[number],
      { type: 'lines' }
    >;
    expect(agent.lines.find((l) => l.text.includes('dengan Rina'))?.from).toBe('agent');
    const silent = client.frames.length;
    client.send({ type: 'message', id: 'to-agent', text: 'oke kak ditunggu' });
    await client.next((f) => f.type === 'ack', silent);
    // The bot is silent while a person has the conversation: no "typing…", no reply.
    await new Promise((r) => setTimeout(r, 300));
    expect(client.frames.slice(silent).filter((f) => f.type === 'typing' || f.type === 'lines')).toEqual([]);
    expect((await running.bot.desk.resolve(ticketId, 'Rina', 'cli')).ok).toBe(true);
    const rating = (await client.next((f) => f.type === 'lines' && f.lines.some((l) => (l.options ?? []).length === 5), silent)) as Extract<
      (typeof client.frames)[number],
      { type: 'lines' }
    >;
    const five = rating.lines.flatMap((l) => l.options ?? []).find((o) => o.label === '5');
    await client.ask(five?.value ?? '5');
    await until(async () => (await running.store.getTicket(ticketId))?.csat === 5);
    const key = token.split('.')[1];
    expect((await running.store.transcript(`webchat:${key}`)).length).toBeGreaterThan(4);
    // The customer's key is what staff give `tanya forget --customer`.
    expect((await running.store.forgetCustomer([key])).conversations).toEqual([`webchat:${key}`]);
    expect(await running.store.transcript(`webchat:${key}`)).toEqual([]);
  });

  it('gives the conversation back to the bot on "kembali ke bot" while a ticket waits', async () => {
    const client = await open();
    await client.hello();
    const handoff = await client.ask('mau bicara sama admin');
    expect(handoff.lines[0].text).toMatch(/T\d{5}/);
    const back = await client.ask('kembali ke bot');
    expect(back.lines.map((l) => l.text).join(' ')).toMatch(/bot/i);
    const answer = await client.ask('brp hrg ip 15 kak');
    expect(answer.lines[0].text).toMatch(/Rp14\.999\.000/);
  });
});

describe('web chat limits per IP address', () => {
  it('refuses messages from one address above WEBCHAT_IP_LIMIT, whatever the conversation', async () => {
    const running = await startWebChatBot({ WEBCHAT: '1', WEBCHAT_SECRET: SECRET, WEBCHAT_IP_LIMIT: '10' });
    const clients: SocketClient[] = [];
    try {
      for (let c = 0; c < 3; c++) {
        const client = await SocketClient.open(running.base);
        clients.push(client);
        await client.hello();
        for (let i = 0; i < 4; i++) client.send({ type: 'message', id: `ip-${c}-${i}`, text: `halo ${i}` });
        await until(() => client.frames.filter((f) => f.type === 'ack' || f.type === 'error').length === 4);
      }
      const answers = clients.flatMap((client) => client.frames.filter((f) => f.type === 'ack' || f.type === 'error'));
      expect(answers.filter((f) => f.type === 'ack')).toHaveLength(10);
      expect(answers.filter((f) => f.type === 'error' && f.code === 'rate-limited')).toHaveLength(2);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
      await running.stop();
    }
  });
});

describe('web chat secret', () => {
  it('is generated once into the data folder (mode 600) and read back; a short WEBCHAT_SECRET is refused', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'tanya-webchat-')), 'data');
    const secret = webchatSecret(undefined, dir);
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(join(dir, WEBCHAT_SECRET_FILE)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, WEBCHAT_SECRET_FILE), 'utf8').trim()).toBe(secret);
    expect(webchatSecret(undefined, dir)).toBe(secret);
    expect(() => webchatSecret('short', dir)).toThrow(/WEBCHAT_SECRET must be 32 characters or more/);
  });
});
