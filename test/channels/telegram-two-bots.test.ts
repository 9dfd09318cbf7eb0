import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { runBot, type RunningBot } from '../../src/app/run-bot';
import {
  conversationForInbound,
  legacyConversationId,
  parseTelegramConversationId,
  telegramBotOf,
  telegramConversationId,
} from '../../src/channels/telegram/conversation-ids';
import { Inbox } from '../../src/channels/inbox';
import { TelegramChannel } from '../../src/channels/telegram/telegram-channel';
import { Engine } from '../../src/engine/engine';
import { CUSTOMER_MESSAGE } from '../../src/engine/handoff-events';
import { SqliteStore } from '../../src/storage/sqlite-store';
import { until } from '../support/local-server';
import { BOT_USER, TelegramEmulator, type SentMessage } from '../support/telegram-emulator';
import { sampleShop } from '../support/sample-shop';

const kb = sampleShop();
const silent = pino({ level: 'silent' });
/** Wednesday 10:00 in Jakarta: the sample CS team is at work. */
const WORKING_HOURS = new Date('2026-11-25T03:00:00Z');
const BOT_A = '111111';
const BOT_B = '222222';

type Json = Record<string, unknown>;

/** A private-chat text message with a message_id of our choosing (each bot counts its own from 1). */
function privateText(chatId: number, messageId: number, text: string): Json {
  return {
    message: {
      message_id: messageId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: 'private', first_name: 'Budi' },
      from: { id: chatId, is_bot: false, first_name: 'Budi' },
      text,
    },
  };
}

/** An agent's reply, in the agents' group, to one of the bot's messages there. */
function agentReply(group: number, messageId: number, to: SentMessage, text: string): Json {
  return {
    message: {
      message_id: messageId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: group, type: 'supergroup', title: 'CS' },
      from: { id: 77, is_bot: false, first_name: 'Rina' },
      text,
      reply_to_message: { message_id: to.messageId, date: 0, chat: { id: group, type: 'supergroup' }, from: BOT_USER, text: to.text },
    },
  };
}

const textsTo = (emulator: TelegramEmulator, chatId: number | string): string[] => emulator.sent.filter((m) => m.chatId === String(chatId)).map((m) => m.text);

/**
 * Two bots (two shops) as two Tanya "processes" on one SQLite file: each has its own store
 * connection, HTTP server, hub and agents' group, as two processes would.
 */
interface Shop {
  readonly emulator: TelegramEmulator;
  readonly group: number;
  store: SqliteStore;
  bot: RunningBot;
}

async function startShops(dbFile: string, seed?: (store: SqliteStore) => Promise<void>): Promise<[Shop, Shop]> {
  if (seed) {
    const store = new SqliteStore(dbFile);
    await seed(store);
    await store.close();
  }
  const shops: Shop[] = [];
  for (const [token, group] of [
    [`${BOT_A}:shop-a`, -900],
    [`${BOT_B}:shop-b`, -901],
  ] as const) {
    const emulator = new TelegramEmulator(token);
    const apiRoot = await emulator.start();
    const store = new SqliteStore(dbFile);
    const env = { TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_ROOT: apiRoot, PORT: '0', HOST: '127.0.0.1', HANDOFF_TELEGRAM_CHAT_ID: String(group) };
    const bot = await runBot(kb, store, env, silent, { now: () => WORKING_HOURS, hub: { pollMs: 40, maxBackoffMs: 200 } });
    if (!bot) throw new Error('the Telegram channel did not start');
    shops.push({ emulator, group, store, bot });
  }
  return [shops[0], shops[1]];
}

async function stopShops(shops: readonly Shop[]): Promise<void> {
  for (const shop of shops) await shop.bot.stop();
  for (const shop of shops) {
    await shop.store.close();
    await shop.emulator.stop();
  }
}

/** The first message in either shop's agents' group that matches, with the shop that posted it. */
async function findInGroups(shops: readonly Shop[], match: (text: string) => boolean): Promise<{ shop: Shop; message: SentMessage }> {
  let found: { shop: Shop; message: SentMessage } | undefined;
  await until(() => {
    for (const shop of shops) {
      const message = shop.emulator.sent.find((m) => m.chatId === String(shop.group) && match(m.text));
      if (message) found = { shop, message };
    }
    return found !== undefined;
  }, 8000);
  if (!found) throw new Error('not posted in any agents group');
  return found;
}

const settle = (ms = 500): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const freshDb = (): string => join(mkdtempSync(join(tmpdir(), 'tanya-tg-two-')), 'bot.db');

describe('Telegram conversation ids', () => {
  it('name the bot, and still read ids from before bots were told apart', () => {
    expect(telegramConversationId(BOT_A, 880001)).toBe('telegram:111111:880001');
    expect(telegramConversationId(BOT_A, -500, 201)).toBe('telegram:111111:-500:201');
    expect(parseTelegramConversationId('telegram:111111:880001')).toEqual({ botId: BOT_A, chatId: '880001' });
    expect(parseTelegramConversationId('telegram:111111:-1001234:201')).toEqual({ botId: BOT_A, chatId: '-1001234', userId: '201' });
    expect(parseTelegramConversationId('telegram:880001')).toEqual({ chatId: '880001' });
    expect(parseTelegramConversationId('telegram:-500:201')).toEqual({ chatId: '-500', userId: '201' });
    for (const bad of ['telegram:', 'telegram:abc', 'whatsapp:628123', 'telegram:1:2:3:4', 'telegram:-5:x', 'telegram:-1:2:3'])
      expect(parseTelegramConversationId(bad)).toBeUndefined();
    expect(telegramBotOf('telegram:222222:5')).toBe(BOT_B);
    expect(telegramBotOf('telegram:5')).toBeUndefined();
  });

  it("a channel owns only its bot's conversations, and legacy ones no other bot has taken over", async () => {
    const store = new SqliteStore(':memory:');
    try {
      const inbox = new Inbox({ store, engine: new Engine(kb, store), log: silent });
      const channel = (token: string): TelegramChannel => new TelegramChannel({ token, store, log: silent, inbox });
      const a = channel(`${BOT_A}:x`);
      const b = channel(`${BOT_B}:y`);
      expect(a.owns('telegram:111111:42')).toBe(true);
      expect(a.owns('telegram:222222:42')).toBe(false);
      expect(b.owns('telegram:222222:-500:7')).toBe(true);
      // A legacy conversation's pin is read from the store first: not claimed until it is known.
      expect(a.owns('telegram:42')).toBe(false);
      await until(() => a.owns('telegram:42'));
      expect(b.owns('telegram:42')).toBe(true);
      expect(a.owns('whatsapp:42')).toBe(false);
      // The legacy conversation is still open when the customer writes to B: it stays, pinned to B.
      await store.saveState('telegram:42', { fallbacks: 0, lastActiveAt: new Date().toISOString() });
      expect(await conversationForInbound(store, BOT_B, 42, undefined)).toBe('telegram:42');
      expect(a.owns('telegram:42')).toBe(false);
      expect(b.owns('telegram:42')).toBe(true);
      // The same customer writing to A starts A's own conversation.
      expect(await conversationForInbound(store, BOT_A, 42, undefined)).toBe('telegram:111111:42');
      // A legacy conversation quiet for days is not continued.
      await store.saveState('telegram:43', { fallbacks: 0, lastActiveAt: '2020-01-01T00:00:00.000Z' });
      expect(await conversationForInbound(store, BOT_A, 43, undefined)).toBe('telegram:111111:43');
      expect(await conversationForInbound(store, BOT_A, 44, undefined)).toBe('telegram:111111:44');
      expect(legacyConversationId(-500, 7)).toBe('telegram:-500:7');
    } finally {
      await store.close();
    }
  });
});

describe('two Telegram bots on one database, one customer writing to both', () => {
  let shops: [Shop, Shop];
  beforeAll(async () => {
    shops = await startShops(freshDb());
  });
  afterAll(() => stopShops(shops));

  it('keeps two conversations and answers each from its own bot, even with the same message ids', async () => {
    const [a, b] = shops;
    const chat = 880_100;
    await a.emulator.push(privateText(chat, 1, 'jam buka toko bandung'));
    await b.emulator.push(privateText(chat, 1, 'alamat toko surabaya dimana'));
    const [fromA] = await a.emulator.waitForMessages(chat, 1);
    const [fromB] = await b.emulator.waitForMessages(chat, 1);
    expect(fromA.text).toMatch(/Bandung/);
    expect(fromB.text).toMatch(/Surabaya/);
    await settle();
    // Nothing of one bot's conversation went out through the other bot.
    expect(textsTo(a.emulator, chat).join('\n')).not.toMatch(/Surabaya/);
    expect(textsTo(b.emulator, chat).join('\n')).not.toMatch(/Bandung/);
    const inbound = async (id: string): Promise<string[]> => (await a.store.transcript(id)).filter((l) => l.direction === 'in').map((l) => l.text);
    expect(await inbound(`telegram:${BOT_A}:${chat}`)).toEqual(['jam buka toko bandung']);
    expect(await inbound(`telegram:${BOT_B}:${chat}`)).toEqual(['alamat toko surabaya dimana']);
    expect(await inbound(`telegram:${chat}`)).toEqual([]);
  });

  it("sends an agent's reply on a ticket through the bot the customer wrote to, whichever bot posted the ticket", async () => {
    const [a, b] = shops;
    const chat = 880_200;
    // The customer asks each bot for a person: two tickets, one per bot.
    await b.emulator.push(privateText(chat, 5, 'mau bicara sama admin dong'));
    const [toldB] = await b.emulator.waitForMessages(chat, 1);
    const ticketB = /T\d{5}/.exec(toldB.text)?.[0] ?? '';
    await a.emulator.push(privateText(chat, 5, 'tolong sambungkan ke cs'));
    const [toldA] = await a.emulator.waitForMessages(chat, 1);
    const ticketA = /T\d{5}/.exec(toldA.text)?.[0] ?? '';
    expect(ticketB).toMatch(/^T\d{5}$/);
    expect(ticketA).toMatch(/^T\d{5}$/);
    expect(ticketA).not.toBe(ticketB);
    expect((await a.store.getTicket(ticketB))?.conversationId).toBe(`telegram:${BOT_B}:${chat}`);
    expect((await a.store.getTicket(ticketA))?.conversationId).toBe(`telegram:${BOT_A}:${chat}`);

    for (const [ticketId, own, other, text] of [
      [ticketB, b, a, 'Halo Kak, dari toko B ya'],
      [ticketA, a, b, 'Halo Kak, dari toko A ya'],
    ] as const) {
      const card = await findInGroups(shops, (t) => t.includes(`Tiket ${ticketId}`));
      expect(card.message.text).toContain(`telegram (bot ${ticketId === ticketB ? BOT_B : BOT_A})`);
      await card.shop.emulator.push(agentReply(card.shop.group, 10_000 + card.message.messageId, card.message, text));
      await until(() => textsTo(own.emulator, chat).includes(text), 8000);
      await settle();
      expect(textsTo(other.emulator, chat)).not.toContain(text);
    }
    // Each customer-facing message went out once, from its own bot.
    expect(textsTo(b.emulator, chat).filter((t) => t === 'Halo Kak, dari toko B ya')).toHaveLength(1);
    expect(textsTo(a.emulator, chat).filter((t) => t === 'Halo Kak, dari toko A ya')).toHaveLength(1);
  });
});

describe('upgrading: conversations from before ids named the bot', () => {
  const chatOpen = 880_300;
  const chatStale = 880_301;
  const chatQueued = 880_302;
  let shops: [Shop, Shop];
  let ticketId = '';

  beforeAll(async () => {
    shops = await startShops(freshDb(), async (store) => {
      // As a previous version left them: an open ticket, an old finished chat, a reply not yet sent.
      const ticket = await store.createTicket({
        conversationId: `telegram:${chatOpen}`,
        channel: 'telegram',
        customerId: String(chatOpen),
        customerName: 'Budi',
        reason: 'requested',
        summary: { lastQuestion: 'mau bicara sama admin', candidates: [], entities: {} },
      });
      ticketId = ticket.id;
      await store.saveState(`telegram:${chatOpen}`, { fallbacks: 0, handoff: { ticketId }, lastActiveAt: new Date().toISOString() });
      await store.saveState(`telegram:${chatStale}`, { fallbacks: 0, language: 'id', lastActiveAt: '2020-01-01T00:00:00.000Z' });
      await store.enqueue({
        kind: CUSTOMER_MESSAGE,
        target: `telegram:${chatQueued}`,
        payload: { replies: [{ kind: 'text', text: 'balasan lama yang tertunda' }] },
      });
    });
  });
  afterAll(() => stopShops(shops));

  it('still sends a reply queued before the upgrade, once', async () => {
    const [a, b] = shops;
    await until(() => [...textsTo(a.emulator, chatQueued), ...textsTo(b.emulator, chatQueued)].length > 0, 8000);
    await settle();
    expect([...textsTo(a.emulator, chatQueued), ...textsTo(b.emulator, chatQueued)]).toEqual(['balasan lama yang tertunda']);
  });

  it('keeps an open legacy ticket going with the bot the customer writes to, and answers the agent through it', async () => {
    const [a, b] = shops;
    await b.emulator.push(privateText(chatOpen, 3, 'halo, masih ada orang?'));
    const thread = await findInGroups(shops, (t) => t.includes('masih ada orang'));
    expect(textsTo(b.emulator, chatOpen)).toHaveLength(0);
    expect((await b.store.transcript(`telegram:${chatOpen}`)).some((l) => l.text === 'halo, masih ada orang?')).toBe(true);
    expect(await b.store.transcript(`telegram:${BOT_B}:${chatOpen}`)).toHaveLength(0);
    expect(await b.store.channelRef(`telegram:${chatOpen}`)).toEqual({ telegramBot: BOT_B });

    await thread.shop.emulator.push(agentReply(thread.shop.group, 20_000, thread.message, 'Ada Kak, dengan Rina di sini.'));
    await until(() => textsTo(b.emulator, chatOpen).includes('Ada Kak, dengan Rina di sini.'), 8000);
    await settle();
    expect(textsTo(a.emulator, chatOpen)).toHaveLength(0);
    expect((await a.store.getTicket(ticketId))?.status).toBe('claimed');

    // The same customer writing to bot A gets A's own conversation, answered by A.
    await a.emulator.push(privateText(chatOpen, 4, 'jam buka toko bandung'));
    const [fromA] = await a.emulator.waitForMessages(chatOpen, 1);
    expect(fromA.text).toMatch(/Bandung/);
    expect((await a.store.transcript(`telegram:${BOT_A}:${chatOpen}`)).filter((l) => l.direction === 'in')).toHaveLength(1);
    expect((await a.store.openTicketFor(`telegram:${chatOpen}`))?.id).toBe(ticketId);
  });

  it("moves a customer whose legacy conversation is over to the bot's own conversation", async () => {
    const [a] = shops;
    await a.emulator.push(privateText(chatStale, 9, 'bisa cod ga'));
    await a.emulator.waitForMessages(chatStale, 1);
    expect((await a.store.transcript(`telegram:${BOT_A}:${chatStale}`)).filter((l) => l.direction === 'in')).toHaveLength(1);
    expect(await a.store.transcript(`telegram:${chatStale}`)).toHaveLength(0);
  });
});
