import pino from 'pino';
import { runBot, type RunningBot } from '../../src/app/run-bot';
import { decodeChoice, encodeChoice, renderForTelegram } from '../../src/channels/telegram/render';
import { SqliteStore } from '../../src/storage/sqlite-store';
import { BOT_USER, callbackUpdate, contentUpdate, groupUpdate, TelegramEmulator, textUpdate } from '../support/telegram-emulator';
import { sampleShop } from '../support/sample-shop';

const kb = sampleShop();
const silent = pino({ level: 'silent' });

async function startBot(emulator: TelegramEmulator, apiRoot: string, extra: Record<string, string> = {}): Promise<{ bot: RunningBot; store: SqliteStore }> {
  const store = new SqliteStore(':memory:');
  const bot = await runBot(kb, store, { TELEGRAM_BOT_TOKEN: emulator.token, TELEGRAM_API_ROOT: apiRoot, PORT: '0', HOST: '127.0.0.1', ...extra }, silent);
  if (!bot) throw new Error('the Telegram channel did not start');
  return { bot, store };
}

/** Texts sent to a chat; a turn delivered twice would repeat them. */
const textsTo = (emulator: TelegramEmulator, chatId: number): string[] => emulator.sent.filter((m) => m.chatId === String(chatId)).map((m) => m.text);
const noRepeats = (texts: string[]): boolean => new Set(texts).size === texts.length;

const settle = (ms = 300): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('Telegram channel (long polling against a local Bot API emulator)', () => {
  const emulator = new TelegramEmulator();
  let bot: RunningBot;
  let store: SqliteStore;

  beforeAll(async () => {
    const apiRoot = await emulator.start();
    ({ bot, store } = await startBot(emulator, apiRoot));
  });
  afterAll(async () => {
    await bot.stop();
    await store.close();
    await emulator.stop();
  });

  it('answers a customer question from the catalogue, as plain text', async () => {
    await emulator.push(textUpdate(101, 'brp hrg iphone 15 kak'));
    const [reply] = await emulator.waitForMessages(101, 1);
    expect(reply.text).toMatch(/iPhone 15/);
    expect(reply.text).toMatch(/Rp\s?\d/);
    const call = emulator.callsOf('sendMessage').find((p) => p.chat_id === 101 || p.chat_id === '101');
    expect(call?.parse_mode).toBeUndefined();
    expect(emulator.callsOf('sendChatAction').some((p) => String(p.chat_id) === '101' && p.action === 'typing')).toBe(true);
  });

  it('offers choices as inline buttons and continues with the pressed one', async () => {
    await emulator.push(textUpdate(102, 'harga iphone'));
    const [choice] = await emulator.waitForMessages(102, 1);
    expect(choice.buttons.map((b) => b.text)).toEqual(expect.arrayContaining(['iPhone 15 Pro']));
    const pro = choice.buttons.find((b) => b.text === 'iPhone 15 Pro');
    if (!pro) throw new Error('no iPhone 15 Pro button');
    await emulator.push(callbackUpdate(102, choice, pro.data));
    const messages = await emulator.waitForMessages(102, 2);
    expect(messages[1].text).toMatch(/iPhone 15 Pro/);
    expect(messages[1].text).toMatch(/Rp\s?\d/);
    expect(emulator.callsOf('answerCallbackQuery').length).toBeGreaterThan(0);
  });

  it('replies politely to a sticker', async () => {
    await emulator.push(
      contentUpdate(103, { sticker: { file_id: 'st1', file_unique_id: 'u1', type: 'regular', width: 512, height: 512, is_animated: false, is_video: false } }),
    );
    const [reply] = await emulator.waitForMessages(103, 1);
    expect(reply.text).toMatch(/pesan teks/);
  });

  it('answers a shared location with the nearest store, distance, hours and map link', async () => {
    await emulator.push(contentUpdate(104, { location: { latitude: -6.9147, longitude: 107.6098 } }));
    const [reply] = await emulator.waitForMessages(104, 1);
    const firstStore = reply.text.split('\n')[1];
    expect(firstStore).toMatch(/Bandung/);
    expect(firstStore).toMatch(/\d(\.\d)? km/);
    expect(firstStore).toMatch(/https?:\/\//);
    expect(firstStore).toMatch(/\d{2}[.:]\d{2}/);
  });

  it('answers the same update delivered twice only once', async () => {
    await emulator.pushTwice(textUpdate(105, 'bisa cod ga'));
    await emulator.waitForMessages(105, 1);
    await settle();
    expect(noRepeats(textsTo(emulator, 105))).toBe(true);
    expect((await store.transcript('telegram:123456:105')).filter((l) => l.direction === 'in')).toHaveLength(1);
  });

  it('waits out a 429 and delivers the reply exactly once', async () => {
    emulator.failNext('sendMessage', 429, 'Too Many Requests: retry after 1', 1);
    const started = Date.now();
    await emulator.push(textUpdate(106, 'jam buka toko surabaya'));
    const [reply] = await emulator.waitForMessages(106, 1, 8000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(reply.text).toMatch(/Surabaya/);
    await settle();
    expect(textsTo(emulator, 106).filter((t) => t === reply.text)).toHaveLength(1);
    expect(noRepeats(textsTo(emulator, 106))).toBe(true);
  });

  it('retries after a server error from the Bot API', async () => {
    emulator.failNext('sendMessage', 502, 'Bad Gateway');
    await emulator.push(textUpdate(110, 'bisa bayar pakai kartu kredit?'));
    const [reply] = await emulator.waitForMessages(110, 1, 8000);
    expect(reply.text.length).toBeGreaterThan(0);
  });

  it('greets on /start in the language Telegram reports, and explains /help', async () => {
    await emulator.push(textUpdate(107, '/start', { language_code: 'en' }));
    const [hello] = await emulator.waitForMessages(107, 1);
    expect(hello.text).toMatch(/\b(Hi|Hello)\b/);
    await emulator.push(textUpdate(108, '/start', { language_code: 'id' }));
    const [halo] = await emulator.waitForMessages(108, 1);
    expect(halo.text).toMatch(/Halo/);
    await emulator.push(textUpdate(108, '/help'));
    const help = await emulator.waitForMessages(108, 2);
    expect(help[1].text).toMatch(/\/agent/);
  });

  it('in a group answers only when mentioned, replied to, or given a command', async () => {
    await emulator.push(groupUpdate(-500, 201, 'ada yang tau jam buka toko bandung?'));
    await settle();
    expect(emulator.sent.filter((m) => m.chatId === '-500')).toHaveLength(0);
    await emulator.push(groupUpdate(-500, 201, `@${BOT_USER.username} jam buka toko bandung?`));
    const [reply] = await emulator.waitForMessages(-500, 1);
    expect(reply.text).toMatch(/Bandung/);
    expect(reply.replyTo).toBeDefined();
    await settle();
    const afterMention = textsTo(emulator, -500).length;
    await emulator.push(groupUpdate(-500, 202, '/start@another_bot'));
    await emulator.push(groupUpdate(-500, 202, 'makasih semua'));
    await settle();
    expect(textsTo(emulator, -500)).toHaveLength(afterMention);
    await emulator.push(
      groupUpdate(-500, 203, 'kalau yang jakarta?', {
        reply_to_message: { message_id: reply.messageId, date: 0, chat: { id: -500, type: 'group' }, from: BOT_USER, text: reply.text },
      }),
    );
    await emulator.waitForMessages(-500, afterMention + 1);
  });

  it('keeps going after an update it cannot use', async () => {
    await emulator.push({
      message: { message_id: 9, date: 0, chat: { id: 109, type: 'private' }, from: { id: 109, is_bot: false, first_name: 'X' }, new_chat_title: 'x' },
    });
    await emulator.push({ edited_message: { message_id: 10 } });
    await emulator.push(textUpdate(109, 'garansi berapa lama'));
    const [reply] = await emulator.waitForMessages(109, 1);
    expect(reply.text).toMatch(/garansi/i);
  });
});

describe('Telegram channel in webhook mode', () => {
  const emulator = new TelegramEmulator();
  let bot: RunningBot;
  let store: SqliteStore;

  beforeAll(async () => {
    const apiRoot = await emulator.start();
    // The webhook URL is only known once the server has a port: start on a fixed free port.
    const probe = await startProbePort();
    ({ bot, store } = await startBot(emulator, apiRoot, {
      PORT: String(probe),
      TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${probe}/telegram/hook`,
      TELEGRAM_WEBHOOK_SECRET: 'rahasia_123',
    }));
  });
  afterAll(async () => {
    await bot.stop();
    await store.close();
    await emulator.stop();
  });

  it('registers the webhook with a secret token', () => {
    expect(emulator.webhook).toEqual({ url: expect.stringMatching(/\/telegram\/hook$/), secret: 'rahasia_123' });
  });

  it('refuses a call with a wrong or missing secret (401) and sends nothing', async () => {
    expect(await emulator.postToWebhook({ update_id: 5001, ...textUpdate(301, 'halo') }, 'salah')).toBe(401);
    expect(await emulator.postToWebhook({ update_id: 5002, ...textUpdate(301, 'halo') }, undefined)).toBe(401);
    await settle();
    expect(emulator.sent.filter((m) => m.chatId === '301')).toHaveLength(0);
  });

  it('answers an update carrying the right secret, once per update_id', async () => {
    const update = { update_id: 5003, ...textUpdate(302, 'gmn cara retur barang') };
    expect(await emulator.postToWebhook(update, 'rahasia_123')).toBe(200);
    expect(await emulator.postToWebhook(update, 'rahasia_123')).toBe(200);
    const [reply] = await emulator.waitForMessages(302, 1);
    expect(reply.text).toMatch(/nomor pesanan/);
    await settle();
    expect(noRepeats(textsTo(emulator, 302))).toBe(true);
  });

  it('rejects a body that is not an update with 400, whatever its shape', async () => {
    const response = await fetch(emulator.webhook?.url ?? '', {
      method: 'POST',
      headers: { 'x-telegram-bot-api-secret-token': 'rahasia_123' },
      body: 'not json',
    });
    expect(response.status).toBe(400);
    const shapes: unknown[] = [
      null,
      5,
      [],
      {},
      { update_id: 'x' },
      { update_id: 7001, message: 5 },
      { update_id: 7002, message: { message_id: 1, chat: null } },
      { update_id: 7003, message: { message_id: 1, chat: { id: 303, type: 'private' }, text: { evil: true } } },
      { update_id: 7004, callback_query: { id: 'q', from: null } },
    ];
    for (const shape of shapes) expect(await emulator.postToWebhook(shape as Record<string, unknown>, 'rahasia_123')).toBe(400);
  });
});

describe('two Telegram bots on one database', () => {
  it("answers both bots' updates with the same update_id (dedupe is per bot)", async () => {
    const first = new TelegramEmulator('111111:first-bot');
    const second = new TelegramEmulator('222222:second-bot');
    const store = new SqliteStore(':memory:');
    const bots: RunningBot[] = [];
    try {
      for (const emulator of [first, second]) {
        const apiRoot = await emulator.start();
        const bot = await runBot(kb, store, { TELEGRAM_BOT_TOKEN: emulator.token, TELEGRAM_API_ROOT: apiRoot, PORT: '0', HOST: '127.0.0.1' }, silent);
        if (!bot) throw new Error('the Telegram channel did not start');
        bots.push(bot);
      }
      const ids = [await first.push(textUpdate(401, 'cod bisa?')), await second.push(textUpdate(402, 'cod bisa?'))];
      expect(ids[0]).toBe(ids[1]);
      expect(await first.waitForMessages(401, 1)).toHaveLength(1);
      expect(await second.waitForMessages(402, 1)).toHaveLength(1);
    } finally {
      for (const bot of bots) await bot.stop();
      await store.close();
      await first.stop();
      await second.stop();
    }
  });
});

describe('Telegram rendering', () => {
  it('splits replies over 4,096 characters and keeps buttons on the last piece', () => {
    const long = Array.from({ length: 900 }, (_, i) => `baris ${i} *tebal* _miring_ [tautan]`).join('\n');
    const sends = renderForTelegram([{ kind: 'choice', text: long, options: [{ label: 'Ya', value: 'ya' }] }]);
    expect(sends.length).toBeGreaterThan(1);
    expect(sends.every((s) => s.text.length <= 4096)).toBe(true);
    expect(sends.map((s) => s.text).join('\n')).toBe(long);
    expect(sends.slice(0, -1).every((s) => s.keyboard === undefined)).toBe(true);
    expect(sends[sends.length - 1].keyboard?.inline_keyboard).toHaveLength(1);
  });

  it('keeps callback_data within 64 bytes, by number when the value is long', () => {
    const short = encodeChoice({ label: 'iPhone 15', value: 'iPhone 15' }, 0);
    expect(decodeChoice(short)).toBe('iPhone 15');
    const long = encodeChoice({ label: 'x', value: 'Bagaimana cara mengembalikan barang yang rusak saat diterima? 😊' }, 2);
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(64);
    expect(decodeChoice(long)).toBe('3');
    expect(decodeChoice('rubbish')).toBeUndefined();
  });
});

/** A free TCP port on 127.0.0.1 (the webhook URL must name it before the server starts). */
async function startProbePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

describe('npm start with TELEGRAM_BOT_TOKEN', () => {
  it('runs the bot on Telegram until SIGTERM, and says clearly when the token is refused', async () => {
    const { spawn } = await import('node:child_process');
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const emulator = new TelegramEmulator();
    const apiRoot = await emulator.start();
    const db = join(mkdtempSync(join(tmpdir(), 'tanya-tg-')), 'bot.db');
    const env = { ...process.env, TELEGRAM_API_ROOT: apiRoot, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' };
    try {
      const child = spawn(process.execPath, [join('bin', 'tanya.js'), 'start', '--db', db], {
        env: { ...env, TELEGRAM_BOT_TOKEN: emulator.token },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await emulator.push(textUpdate(401, 'ongkir ke medan brp'));
      const [reply] = await emulator.waitForMessages(401, 1, 15_000);
      expect(reply.text.length).toBeGreaterThan(0);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);

      const refused = spawn(process.execPath, [join('bin', 'tanya.js'), 'start', '--db', db], {
        env: { ...env, TELEGRAM_BOT_TOKEN: 'wrong:token' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      refused.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => refused.on('exit', resolve));
      expect(code).toBe(1);
      expect(stderr).toMatch(/TELEGRAM_BOT_TOKEN/);
    } finally {
      await emulator.stop();
    }
  }, 30_000);
});
