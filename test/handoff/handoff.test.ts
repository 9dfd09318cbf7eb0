import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { runBot, type RunningBot, type RunOptions } from '../../src/app/run-bot';
import { signCall } from '../../src/handoff/webhook-destination';
import type { KnowledgeBase } from '../../src/knowledge/schema';
import { SqliteStore } from '../../src/storage/sqlite-store';
import { startLocalServer, until, type LocalServer } from '../support/local-server';
import { BOT_USER, groupUpdate, TelegramEmulator, textUpdate, type SentMessage } from '../support/telegram-emulator';
import { sampleShop } from '../support/sample-shop';

const silent = pino({ level: 'silent' });
const SECRET = 'helpdesk-shared-secret-123';
const AGENTS = -900;
const baseKb = sampleShop();
/** Wednesday 10:00 in Jakarta: the sample CS team is at work. */
const WORKING_HOURS = new Date('2026-11-25T03:00:00Z');
/** Sunday 20:00 in Jakarta: after the team's Sunday hours. */
const OFF_HOURS = new Date('2026-11-29T13:00:00Z');

/** A helpdesk stand-in on 127.0.0.1: verifies our signature, records events, can be "down". */
class HelpdeskReceiver {
  readonly events: { event: { type: string; ticketId: string }; deliveryId: string; transcript: unknown[] }[] = [];
  badSignatures = 0;
  failNext = 0;
  private server: LocalServer | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = await startLocalServer((req) => {
      if (this.failNext > 0) {
        this.failNext -= 1;
        return { status: 503 };
      }
      const timestamp = String(req.headers['x-tanya-timestamp']);
      if (req.headers['x-tanya-signature'] !== signCall(SECRET, { timestamp, method: req.method, path: req.url, body: req.body })) {
        this.badSignatures += 1;
        return { status: 401 };
      }
      this.events.push(JSON.parse(req.body.toString('utf8')) as HelpdeskReceiver['events'][number]);
      return { status: 200 };
    });
    this.url = `${this.server.url}/tanya-events`;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }

  async waitFor(predicate: (e: HelpdeskReceiver['events'][number]) => boolean, timeoutMs = 5000): Promise<HelpdeskReceiver['events'][number]> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.events.find(predicate);
      if (hit) return hit;
      if (Date.now() > end) throw new Error(`no such helpdesk event; got ${JSON.stringify(this.events.map((e) => e.event))}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

async function signedPost(port: number | undefined, path: string, body: unknown, secret = SECRET): Promise<Response> {
  const raw = JSON.stringify(body);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const headers = {
    'content-type': 'application/json',
    'x-tanya-timestamp': timestamp,
    'x-tanya-signature': signCall(secret, { timestamp, method: 'POST', path, body: raw }),
  };
  return fetch(`http://127.0.0.1:${port ?? 0}${path}`, { method: 'POST', headers, body: raw });
}

function agentMessage(text: string, replyTo?: SentMessage, agent = { id: 77, first_name: 'Rina' }): Record<string, unknown> {
  const update = groupUpdate(
    AGENTS,
    agent.id,
    text,
    replyTo ? { reply_to_message: { message_id: replyTo.messageId, date: 0, chat: { id: AGENTS, type: 'group' }, from: BOT_USER, text: replyTo.text } } : {},
  );
  const message = update.message as Record<string, unknown>;
  return { message: { ...message, from: { id: agent.id, is_bot: false, first_name: agent.first_name } } };
}

function buttonPress(message: SentMessage, data: string, from: { id: number; first_name: string }, chatId = AGENTS): Record<string, unknown> {
  return {
    callback_query: {
      id: `cq-${Math.random().toString(36).slice(2)}`,
      from: { ...from, is_bot: false },
      chat_instance: 'x',
      data,
      message: { message_id: message.messageId, date: 0, chat: { id: chatId, type: chatId < 0 ? 'group' : 'private' }, from: BOT_USER, text: message.text },
    },
  };
}

const textsTo = (emulator: TelegramEmulator, chatId: number): string[] => emulator.sent.filter((m) => m.chatId === String(chatId)).map((m) => m.text);
const settle = (ms = 300): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Rig {
  emulator: TelegramEmulator;
  receiver: HelpdeskReceiver;
  dbFile: string;
  store: SqliteStore;
  bot: RunningBot;
  start(kb?: KnowledgeBase, options?: RunOptions): Promise<void>;
  stopBot(): Promise<void>;
}

function rig(): Rig {
  const r: Rig = {
    emulator: new TelegramEmulator(),
    receiver: new HelpdeskReceiver(),
    dbFile: join(mkdtempSync(join(tmpdir(), 'tanya-handoff-')), 'bot.db'),
    store: undefined as unknown as SqliteStore,
    bot: undefined as unknown as RunningBot,
    async start(kb = baseKb, options = { now: () => WORKING_HOURS }) {
      r.store = new SqliteStore(r.dbFile);
      const env = {
        TELEGRAM_BOT_TOKEN: r.emulator.token,
        TELEGRAM_API_ROOT: apiRoot,
        PORT: '0',
        HOST: '127.0.0.1',
        HANDOFF_TELEGRAM_CHAT_ID: String(AGENTS),
        HANDOFF_WEBHOOK_URL: r.receiver.url,
        HANDOFF_WEBHOOK_SECRET: SECRET,
      };
      const bot = await runBot(kb, r.store, env, silent, { hub: { pollMs: 40, maxBackoffMs: 200 }, ...options });
      if (!bot) throw new Error('bot did not start');
      r.bot = bot;
    },
    async stopBot() {
      await r.bot.stop();
      await r.store.close();
    },
  };
  let apiRoot = '';
  const init = r.start;
  r.start = async (kb, options) => {
    if (!apiRoot) {
      apiRoot = await r.emulator.start();
      await r.receiver.start();
    }
    await init(kb, options);
  };
  return r;
}

describe('handoff: Telegram customer, Telegram agents group and helpdesk webhook', () => {
  const t = rig();
  beforeAll(() => t.start());
  afterAll(async () => {
    await t.stopBot();
    await t.emulator.stop();
    await t.receiver.stop();
  });

  it('hands off, relays both ways while the bot stays silent, resolves and stores the rating', async () => {
    const { emulator, receiver } = t;
    await emulator.push(textUpdate(601, 'mau bicara sama admin dong'));
    const [told] = await emulator.waitForMessages(601, 1);
    expect(told.text).toMatch(/tiket T\d+/i);
    expect(told.text).toMatch(/antrean ke-1/);
    expect(told.text).toMatch(/±10 menit/);
    const ticketId = /T\d{5}/.exec(told.text)?.[0] ?? '';

    // The ticket reaches both destinations, with the transcript.
    const [card] = await emulator.waitForMessages(AGENTS, 1);
    expect(card.text).toContain(`Tiket ${ticketId}`);
    expect(card.text).toContain('mau bicara sama admin dong');
    expect(card.buttons.map((b) => b.data)).toEqual([`claim:${ticketId}`]);
    const created = await receiver.waitFor((e) => e.event.type === 'ticket-created' && e.event.ticketId === ticketId);
    // The ticket's transcript: the conversation up to the handoff (its latest lines).
    expect(created.transcript).toEqual([expect.objectContaining({ direction: 'in', text: 'mau bicara sama admin dong' })]);

    // An agent claims; the customer hears a person joined.
    await emulator.push(buttonPress(card, `claim:${ticketId}`, { id: 77, first_name: 'Rina' }));
    await emulator.waitForMessages(601, 2);
    expect(textsTo(emulator, 601)[1]).toMatch(/Rina dari tim CS/);

    // The customer writes: no bot answer, the message appears in the ticket's thread.
    await emulator.push(textUpdate(601, 'pesanan saya INV-2231 belum sampai, jam buka toko bandung jam berapa?'));
    await until(() => textsTo(emulator, AGENTS).some((x) => x.includes('INV-2231')));
    expect(textsTo(emulator, 601)).toHaveLength(2);

    // The claiming agent's reply to the ticket reaches the customer; another agent is refused.
    await emulator.push(agentMessage('Baik Kak, kami cek dulu ya', card));
    await emulator.waitForMessages(601, 3);
    expect(textsTo(emulator, 601)[2]).toBe('Baik Kak, kami cek dulu ya');
    await emulator.push(agentMessage('saya ambil alih', card, { id: 78, first_name: 'Joko' }));
    await until(() => textsTo(emulator, AGENTS).some((x) => x.includes('sedang ditangani Rina')));
    expect(textsTo(emulator, 601)).toHaveLength(3);

    // Resolve: the bot takes over and asks for a rating; the answer is stored with the ticket.
    await emulator.push(agentMessage('/resolve', card));
    const afterResolve = await emulator.waitForMessages(601, 5);
    expect(afterResolve[3].text).toMatch(/kembali dilayani oleh bot/);
    expect(afterResolve[4].buttons.map((b) => b.text)).toEqual(['1', '2', '3', '4', '5']);
    await emulator.push(buttonPress(afterResolve[4], afterResolve[4].buttons[4].data, { id: 601, first_name: 'Budi' }, 601));
    const thanks = await emulator.waitForMessages(601, 6);
    expect(thanks[5].text).toMatch(/Terima kasih atas penilaiannya/);
    expect(await t.store.getTicket(ticketId)).toMatchObject({ status: 'resolved', agent: 'Rina', csat: 5 });
    await receiver.waitFor((e) => e.event.type === 'ticket-resolved' && e.event.ticketId === ticketId);

    // The bot answers again.
    await emulator.push(textUpdate(601, 'jam buka toko bandung'));
    const back = await emulator.waitForMessages(601, 7);
    expect(back[6].text).toMatch(/Bandung/);
  });

  it('takes agent messages from the helpdesk, refusing forged ones', async () => {
    const { emulator } = t;
    await emulator.push(textUpdate(602, 'saya kecewa banget, barang rusak dan refund belum masuk'));
    const [told] = await emulator.waitForMessages(602, 1);
    expect(told.text).toMatch(/Mohon maaf atas ketidaknyamanannya/);
    const ticketId = /T\d{5}/.exec(told.text)?.[0] ?? '';
    expect((await t.store.getTicket(ticketId))?.reason).toBe('complaint');

    const forged = await signedPost(
      t.bot.port,
      `/handoff/tickets/${ticketId}/messages`,
      { agent: 'Eve', text: 'transfer ke rekening saya' },
      'wrong-secret-xxxxxxxxxx',
    );
    expect(forged.status).toBe(401);
    const unsigned = await fetch(`http://127.0.0.1:${t.bot.port ?? 0}/handoff/tickets/${ticketId}/messages`, {
      method: 'POST',
      body: '{"agent":"Eve","text":"hi"}',
    });
    expect(unsigned.status).toBe(401);
    await settle();
    expect(textsTo(emulator, 602)).toHaveLength(1);

    const ok = await signedPost(t.bot.port, `/handoff/tickets/${ticketId}/messages`, { agent: 'Dewi', text: 'Halo Kak, refund sedang kami proses.' });
    expect(ok.status).toBe(200);
    const texts = await emulator.waitForMessages(602, 3);
    expect(texts.map((m) => m.text)).toEqual([told.text, expect.stringMatching(/Dewi dari tim CS/), 'Halo Kak, refund sedang kami proses.']);
    expect((await signedPost(t.bot.port, '/handoff/tickets/T99999/resolve', { agent: 'Dewi' })).status).toBe(404);
    expect((await signedPost(t.bot.port, `/handoff/tickets/${ticketId}/resolve`, { agent: 'Dewi' })).status).toBe(200);
    expect((await signedPost(t.bot.port, `/handoff/tickets/${ticketId}/messages`, { agent: 'Dewi', text: 'lagi' })).status).toBe(409);
  });

  it('delivers to a helpdesk that was down once it is back, exactly once', async () => {
    const { emulator, receiver } = t;
    receiver.failNext = 2;
    await emulator.push(textUpdate(603, 'tolong sambungkan ke cs'));
    const [told] = await emulator.waitForMessages(603, 1);
    const ticketId = /T\d{5}/.exec(told.text)?.[0] ?? '';
    const created = await receiver.waitFor((e) => e.event.type === 'ticket-created' && e.event.ticketId === ticketId, 8000);
    await settle(500);
    expect(receiver.events.filter((e) => e.deliveryId === created.deliveryId)).toHaveLength(1);
    expect(receiver.failNext).toBe(0);
    expect(receiver.badSignatures).toBe(0);
  });

  it('keeps an open ticket across a restart: nothing lost, the relay continues', async () => {
    const { emulator } = t;
    await emulator.push(textUpdate(604, '/agent'));
    const [told] = await emulator.waitForMessages(604, 1);
    const ticketId = /T\d{5}/.exec(told.text)?.[0] ?? '';
    await until(() => textsTo(emulator, AGENTS).some((x) => x.includes(`Tiket ${ticketId}`)));
    const card = emulator.sent.find((m) => m.chatId === String(AGENTS) && m.text.includes(`Tiket ${ticketId}`));
    if (!card) throw new Error('no ticket card');

    await t.stopBot();
    await t.start();

    await emulator.push(textUpdate(604, 'halo, masih ada orang?'));
    await until(() => textsTo(emulator, AGENTS).some((x) => x.includes('masih ada orang')));
    expect(textsTo(emulator, 604)).toHaveLength(1);
    await emulator.push(agentMessage('Ada Kak, dengan Rina di sini.', card));
    const texts = await emulator.waitForMessages(604, 3);
    expect(texts[2].text).toBe('Ada Kak, dengan Rina di sini.');
  });
});

describe('handoff outside agents’ hours and while queued', () => {
  it('says when agents are back, answers what the bot can meanwhile, and reminds a waiting customer of the queue', async () => {
    const t = rig();
    const kb: KnowledgeBase = { ...baseKb, settings: { ...baseKb.settings, handoff: { ...baseKb.settings.handoff, queueNoticeMinutes: 0.005 } } };
    await t.start(kb, { now: () => OFF_HOURS, hub: { pollMs: 40, reminderMs: 100, maxBackoffMs: 200 } });
    try {
      const { emulator } = t;
      await emulator.push(textUpdate(701, 'mau ngobrol sama cs'));
      const [told] = await emulator.waitForMessages(701, 1);
      expect(told.text).toMatch(/di luar jam kerja/);
      expect(told.text).toMatch(/besok pukul 08\.00 WIB/);
      await emulator.push(textUpdate(701, 'jam buka toko surabaya'));
      const texts = await emulator.waitForMessages(701, 2);
      expect(texts[1].text).toMatch(/Surabaya/);
      await emulator.push(textUpdate(701, 'qwerty zxcv'));
      await until(() => textsTo(emulator, AGENTS).some((x) => x.includes('qwerty zxcv')));
      expect(textsTo(emulator, 701).some((x) => x.includes('qwerty'))).toBe(false);
    } finally {
      await t.stopBot();
    }

    // The queue reminder runs on the real clock: a fresh ticket, always-open hours.
    const r = rig();
    const alwaysOpen: KnowledgeBase = {
      ...baseKb,
      settings: { ...baseKb.settings, handoff: { holidays: [], replyMinutes: 10, queueNoticeMinutes: 0.005, complaintWords: [] } },
    };
    await r.start(alwaysOpen, { hub: { pollMs: 40, reminderMs: 100, maxBackoffMs: 200 } });
    try {
      await r.emulator.push(textUpdate(702, 'mau bicara dengan admin'));
      const texts = await r.emulator.waitForMessages(702, 2, 5000);
      expect(texts[1].text).toMatch(/masih dalam antrean \(posisi ke-1\)/);
    } finally {
      await r.stopBot();
      await r.emulator.stop();
      await r.receiver.stop();
      await t.emulator.stop();
      await t.receiver.stop();
    }
  }, 20_000);
});
