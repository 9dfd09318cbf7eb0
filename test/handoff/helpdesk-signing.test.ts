import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { runBot, type RunningBot } from '../../src/app/run-bot';
import { signCall } from '../../src/handoff/webhook-destination';
import { SqliteStore } from '../../src/storage/sqlite-store';
import { startLocalServer, until, type LocalServer, type ReceivedRequest } from '../support/local-server';
import { TelegramEmulator, textUpdate } from '../support/telegram-emulator';
import { sampleShop } from '../support/sample-shop';

const silent = pino({ level: 'silent' });
const SECRET = 'helpdesk-signing-secret-0123';
const kb = sampleShop();
/** Wednesday 10:00 in Jakarta: the sample CS team is at work (engine clock only; signatures use the real one). */
const WORKING_HOURS = new Date('2026-11-25T03:00:00Z');

/** A signed call as the helpdesk sends it, or as an attacker captured it. */
interface Call {
  readonly timestamp: string;
  readonly signature: string;
  readonly body: string;
}

const nowSeconds = (offsetSeconds = 0): string => String(Math.floor(Date.now() / 1000) + offsetSeconds);

function sign(path: string, body: unknown, offsetSeconds = 0): Call {
  const raw = JSON.stringify(body);
  const timestamp = nowSeconds(offsetSeconds);
  return { timestamp, body: raw, signature: signCall(SECRET, { timestamp, method: 'POST', path, body: raw }) };
}

/**
 * The recipe from docs/handoff.md, written out with node:crypto alone:
 * HMAC-SHA256(secret, `${timestamp}.${METHOD}.${path}.${body}`) as `sha256=<hex>`.
 */
function documentedSignature(secret: string, timestamp: string, method: string, path: string, body: Buffer): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.${method}.${path}.`).update(body).digest('hex');
}

interface Outcome {
  readonly status: number;
  readonly error?: string;
}

describe('helpdesk webhook: signed over timestamp, method, path and body; replays refused', () => {
  const emulator = new TelegramEmulator();
  const events: ReceivedRequest[] = [];
  const dbFile = join(mkdtempSync(join(tmpdir(), 'tanya-signing-')), 'bot.db');
  let helpdesk: LocalServer;
  let apiRoot = '';
  let store: SqliteStore;
  let bot: RunningBot;
  let customer = 900;

  async function startBot(): Promise<void> {
    store = new SqliteStore(dbFile);
    const env = {
      TELEGRAM_BOT_TOKEN: emulator.token,
      TELEGRAM_API_ROOT: apiRoot,
      PORT: '0',
      HOST: '127.0.0.1',
      HANDOFF_WEBHOOK_URL: `${helpdesk.url}/tanya/events?shop=toko-maju`,
      HANDOFF_WEBHOOK_SECRET: SECRET,
    };
    const running = await runBot(kb, store, env, silent, { now: () => WORKING_HOURS, hub: { pollMs: 40, maxBackoffMs: 200 } });
    if (!running) throw new Error('bot did not start');
    bot = running;
  }

  async function stopBot(): Promise<void> {
    await bot.stop();
    await store.close();
  }

  async function post(path: string, call: Call, headers: Record<string, string> = {}): Promise<Outcome> {
    const response = await fetch(`http://127.0.0.1:${bot.port ?? 0}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tanya-timestamp': call.timestamp, 'x-tanya-signature': call.signature, ...headers },
      body: call.body,
    });
    const json = (await response.json().catch(() => ({}))) as { error?: string };
    return { status: response.status, ...(json.error ? { error: json.error } : {}) };
  }

  /** A customer asks for a person; returns the new ticket's id. */
  async function openTicket(): Promise<{ chatId: number; ticketId: string }> {
    customer += 1;
    await emulator.push(textUpdate(customer, 'mau bicara sama admin dong'));
    const [told] = await emulator.waitForMessages(customer, 1);
    const ticketId = /T\d{5}/.exec(told.text)?.[0];
    if (!ticketId) throw new Error(`no ticket number in "${told.text}"`);
    return { chatId: customer, ticketId };
  }

  const textsTo = (chatId: number): string[] => emulator.sent.filter((m) => m.chatId === String(chatId)).map((m) => m.text);
  const settle = (ms = 300): Promise<void> => new Promise((r) => setTimeout(r, ms));

  beforeAll(async () => {
    apiRoot = await emulator.start();
    helpdesk = await startLocalServer((req) => {
      events.push(req);
      return { status: 200 };
    });
    await startBot();
  });

  afterAll(async () => {
    await stopBot();
    await emulator.stop();
    await helpdesk.close();
  });

  it('accepts a correctly signed call, also with a few minutes of clock skew', async () => {
    const { ticketId } = await openTicket();
    const path = `/handoff/tickets/${ticketId}/claim`;
    expect(await post(path, sign(path, { agent: 'Rina' }))).toEqual({ status: 200 });
    expect(await store.getTicket(ticketId)).toMatchObject({ status: 'claimed', agent: 'Rina' });

    const { ticketId: other } = await openTicket();
    const skewed = `/handoff/tickets/${other}/claim`;
    expect(await post(skewed, sign(skewed, { agent: 'Rina' }, -240))).toEqual({ status: 200 });
  });

  it('refuses a signed claim replayed on another ticket, and replayed as resolve', async () => {
    const a = await openTicket();
    const b = await openTicket();
    const claimA = `/handoff/tickets/${a.ticketId}/claim`;
    const captured = sign(claimA, { agent: 'Rina' });
    expect((await post(claimA, captured)).status).toBe(200);

    expect(await post(`/handoff/tickets/${b.ticketId}/claim`, captured)).toEqual({ status: 401, error: 'bad signature' });
    expect((await store.getTicket(b.ticketId))?.status).toBe('queued');

    expect(await post(`/handoff/tickets/${a.ticketId}/resolve`, captured)).toEqual({ status: 401, error: 'bad signature' });
    expect((await store.getTicket(a.ticketId))?.status).toBe('claimed');

    // The identical call again: the signature holds but was already used.
    expect(await post(claimA, captured)).toEqual({ status: 401, error: 'replayed' });
  });

  it('delivers a signed agent message once: a replay to the same or another customer is refused', async () => {
    const a = await openTicket();
    const b = await openTicket();
    const toA = `/handoff/tickets/${a.ticketId}/messages`;
    const captured = sign(toA, { agent: 'Dewi', text: 'Halo Kak, pesanan sedang kami cek.' });
    expect((await post(toA, captured)).status).toBe(200);
    await until(() => textsTo(a.chatId).includes('Halo Kak, pesanan sedang kami cek.'));

    expect(await post(toA, captured)).toEqual({ status: 401, error: 'replayed' });
    expect(await post(`/handoff/tickets/${b.ticketId}/messages`, captured)).toEqual({ status: 401, error: 'bad signature' });
    await settle();
    expect(textsTo(a.chatId).filter((t) => t === 'Halo Kak, pesanan sedang kami cek.')).toHaveLength(1);
    expect(textsTo(b.chatId)).toHaveLength(1);
    expect((await store.getTicket(b.ticketId))?.status).toBe('queued');

    // Two genuine messages with the same text in the same second differ by an extra body field.
    const body = JSON.stringify({ agent: 'Dewi', text: 'Halo Kak, pesanan sedang kami cek.', id: 'm-2' });
    const { timestamp } = captured;
    expect((await post(toA, { timestamp, body, signature: signCall(SECRET, { timestamp, method: 'POST', path: toA, body }) })).status).toBe(200);
    await until(() => textsTo(a.chatId).filter((t) => t === 'Halo Kak, pesanan sedang kami cek.').length === 2);
  });

  it('refuses timestamps more than 5 minutes old or ahead, even when correctly signed', async () => {
    const { ticketId } = await openTicket();
    const path = `/handoff/tickets/${ticketId}/claim`;
    expect(await post(path, sign(path, { agent: 'Rina' }, -360))).toEqual({ status: 401, error: 'timestamp outside the 5-minute window' });
    expect(await post(path, sign(path, { agent: 'Rina' }, -3600))).toEqual({ status: 401, error: 'timestamp outside the 5-minute window' });
    expect(await post(path, sign(path, { agent: 'Rina' }, 360))).toEqual({ status: 401, error: 'timestamp outside the 5-minute window' });
    expect((await store.getTicket(ticketId))?.status).toBe('queued');
  });

  it('refuses a changed body, a changed timestamp and missing headers', async () => {
    const { chatId, ticketId } = await openTicket();
    const path = `/handoff/tickets/${ticketId}/messages`;
    const signed = sign(path, { agent: 'Dewi', text: 'Halo Kak' });
    expect(await post(path, { ...signed, body: JSON.stringify({ agent: 'Eve', text: 'transfer ke rekening saya' }) })).toEqual({
      status: 401,
      error: 'bad signature',
    });
    expect(await post(path, { ...signed, timestamp: String(Number(signed.timestamp) + 1) })).toEqual({ status: 401, error: 'bad signature' });
    expect(await post(path, { ...signed, signature: '' })).toEqual({ status: 401, error: 'missing signature' });
    expect(await post(path, { ...signed, timestamp: '' })).toEqual({ status: 401, error: 'missing or malformed timestamp' });
    expect(await post(path, { ...signed, timestamp: '2026-11-25T03:00:00Z' })).toEqual({ status: 401, error: 'missing or malformed timestamp' });
    const bodyOnly = 'sha256=' + createHmac('sha256', SECRET).update(signed.body).digest('hex');
    expect(await post(path, { ...signed, signature: bodyOnly })).toEqual({ status: 401, error: 'bad signature' });
    await settle();
    expect(textsTo(chatId)).toHaveLength(1);
    expect((await store.getTicket(ticketId))?.status).toBe('queued');
    // The untouched call still works: refused attempts do not use up its signature.
    expect((await post(path, signed)).status).toBe(200);
  });

  it('still refuses a replay after a restart', async () => {
    const { ticketId } = await openTicket();
    const path = `/handoff/tickets/${ticketId}/claim`;
    const captured = sign(path, { agent: 'Rina' });
    expect((await post(path, captured)).status).toBe(200);
    await stopBot();
    await startBot();
    expect(await post(path, captured)).toEqual({ status: 401, error: 'replayed' });
  });

  it('signs the events it sends by the documented recipe, with a fresh timestamp and the delivery id', async () => {
    const { ticketId } = await openTicket();
    await until(() => events.some((e) => e.body.toString('utf8').includes(`"ticketId":"${ticketId}"`)));
    const event = events.find((e) => e.body.toString('utf8').includes(`"ticketId":"${ticketId}"`));
    if (!event) throw new Error('no event');
    expect(event.method).toBe('POST');
    expect(event.url).toBe('/tanya/events?shop=toko-maju');
    const timestamp = String(event.headers['x-tanya-timestamp']);
    expect(timestamp).toMatch(/^\d{10}$/);
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
    const expected = Buffer.from(documentedSignature(SECRET, timestamp, 'POST', event.url, event.body));
    const given = Buffer.from(String(event.headers['x-tanya-signature']));
    expect(given.length === expected.length && timingSafeEqual(given, expected)).toBe(true);
    const parsed = JSON.parse(event.body.toString('utf8')) as { deliveryId: string };
    expect(event.headers['x-tanya-delivery']).toBe(parsed.deliveryId);
  });

  it('matches the worked example in docs/handoff.md', () => {
    const example = { timestamp: '1767225600', method: 'POST', path: '/handoff/tickets/T00001/claim', body: '{"agent":"Rina"}' };
    const secret = 'change-me-to-a-long-random-secret';
    expect(signCall(secret, example)).toBe(documentedSignature(secret, example.timestamp, example.method, example.path, Buffer.from(example.body)));
    expect(signCall(secret, example)).toBe(DOCUMENTED_EXAMPLE_SIGNATURE);
  });
});

/** The signature printed in docs/handoff.md for the worked example. */
const DOCUMENTED_EXAMPLE_SIGNATURE = 'sha256=7e9dd4135b891a239dfac8c99f0aa9efd77f03f8ef81a18aa508bc209b7844ce';
