import { Engine } from '../../src/engine/engine';
import type { TurnResult } from '../../src/core/types';
import { loadFlows } from '../../src/flows/loader';
import { loadKnowledge } from '../../src/knowledge/loader';
import { SqliteStore } from '../../src/storage/sqlite-store';
import { postBotFramework, postWhatsApp } from '../support/channel-posts';
import { startTestBot, type TestBot } from '../support/bot';
import { startLocalServer, until, type LocalServer } from '../support/local-server';
import { TelegramEmulator, textUpdate } from '../support/telegram-emulator';
import { message, openShop, RINI, WATI } from './customers';

/** The sample shop with the privacy notice its settings.yaml shows (commented out there). */
const sample = loadKnowledge('knowledge');
const shop = {
  ...sample,
  settings: {
    ...sample.settings,
    privacy: {
      ...sample.settings.privacy,
      notice: {
        id: 'Info privasi Nusa Gadget: chat ini kami simpan untuk melayani Kakak (pertanyaan, pesanan, keluhan) dan kami hapus otomatis setelah 1 tahun. Mau datanya dihapus lebih cepat? Ketik "hapus data saya" atau sampaikan ke CS kami ya, Kak. 🙏',
        en: 'Nusa Gadget privacy note: we keep this chat to serve you (questions, orders, complaints) and delete it automatically after one year. Want it deleted sooner? Type "delete my data" or tell our staff.',
      },
    },
  },
};
const NOTICE_ID = /^Info privasi Nusa Gadget: chat ini kami simpan/;
const NOTICE_EN = /^Nusa Gadget privacy note: we keep this chat/;
const texts = (r: TurnResult): string[] => r.replies.map((x) => x.text);
const noticesIn = (lines: readonly string[]): number => lines.filter((t) => NOTICE_ID.test(t) || NOTICE_EN.test(t)).length;

describe('privacy notice (settings.privacy.notice)', () => {
  it('comes once per conversation, before the first answer, and never again (flows, handoff, /start, /cancel, a restart)', async () => {
    const s = await openShop(shop);
    const first = await s.engine.handle(message(WATI, 'brp harga iphone 15'));
    expect(texts(first)[0]).toMatch(NOTICE_ID);
    expect(texts(first)[1]).toContain('Rp12.999.000');
    expect(first.decision).toMatchObject({ type: 'answer', entryId: 'product-price' });
    expect((await s.store.loadState(WATI.conversationId))?.privacyNoticeAt).toEqual(expect.any(String));

    const later: TurnResult[] = [];
    for (const text of ['kalau yg 256gb?', '/start', '/feedback', '5', '/cancel', 'mau bicara sama admin'])
      later.push(await s.engine.handle(message(WATI, text)));
    const ticket = later[5].decision.type === 'handoff' ? later[5].decision.ticketId : '';
    expect((await s.desk.resolve(ticket, 'Rina')).ok).toBe(true);
    later.push(await s.engine.handle(message(WATI, '4')));
    await s.close();
    // After a restart, from the same database.
    const again = await openShop(shop, s.dbPath);
    later.push(await again.engine.handle(message(WATI, 'jam buka toko bandung', new Date(Date.now() + 3 * 3600_000))));
    expect(later.every((r) => r.replies.length > 0)).toBe(true);
    expect(noticesIn(later.flatMap(texts))).toBe(0);
    expect(noticesIn((await again.store.transcript(WATI.conversationId)).map((l) => l.text))).toBe(1);
    await again.close();
  });

  it('is sent in English to an English first message, and per conversation (another customer gets their own)', async () => {
    const s = await openShop(shop);
    const en = await s.engine.handle(message(RINI, 'what are your store hours in bandung?'));
    expect(texts(en)[0]).toMatch(NOTICE_EN);
    expect(en.explanation.language).toBe('en');
    expect(texts(await s.engine.handle(message(WATI, 'halo kak')))[0]).toMatch(NOTICE_ID);
    await s.close();
  });

  it('is not sent twice for a message delivered twice', async () => {
    const s = await openShop(shop);
    const m = message(WATI, 'cod bisa?');
    const [a, b] = [await s.engine.handle(m), await s.engine.handle(m)];
    expect(noticesIn(texts(a))).toBe(1);
    expect(b.replies).toEqual([]);
    await s.close();
  });

  it('is not sent when the settings have none', async () => {
    const s = await openShop();
    expect(noticesIn(texts(await s.engine.handle(message(WATI, 'brp harga iphone 15'))))).toBe(0);
    await s.close();
  });

  it('a deletion request ("hapus data saya", "delete my data") goes to a person, in any state', async () => {
    const s = await openShop(shop);
    await s.engine.handle(message(WATI, '/feedback'));
    const asked = await s.engine.handle(message(WATI, 'kak tolong hapus data saya ya'));
    expect(asked.decision).toMatchObject({ type: 'handoff', reason: 'data-request' });
    expect(texts(asked).join(' ')).toContain('permintaan hapus data Kakak kami teruskan ke tim CS');
    const ticket = asked.decision.type === 'handoff' ? asked.decision.ticketId : '';
    expect(await s.store.getTicket(ticket)).toMatchObject({ reason: 'data-request', status: 'queued' });
    const en = await s.engine.handle(message(RINI, 'please delete my data'));
    expect(en.decision).toMatchObject({ type: 'handoff', reason: 'data-request' });
    expect(texts(en).join(' ')).toContain('request to delete your data');
    // Talking about deleting something else is not a request.
    const other = await new Engine(shop, new SqliteStore(':memory:'), { flows: loadFlows('flows', shop) }).handle(
      message(WATI, 'cara hapus akun marketplace gimana?'),
    );
    expect(other.decision.type).not.toBe('handoff');
    await s.close();
  });
});

describe('privacy notice on every channel (real servers, sample shop with its notice turned on)', () => {
  const telegram = new TelegramEmulator();
  const graphCalls: { to: string; body: string }[] = [];
  const activities: { conversation?: string; text?: string; type: string }[] = [];
  let graph: LocalServer;
  let connector: LocalServer;
  let running: TestBot;

  beforeAll(async () => {
    const apiRoot = await telegram.start();
    graph = await startLocalServer((req) => {
      const body = JSON.parse(req.body.toString('utf8')) as { to: string };
      graphCalls.push({ to: body.to, body: req.body.toString('utf8') });
      return { status: 200, json: { messages: [{ id: `wamid.${graphCalls.length}` }] } };
    });
    connector = await startLocalServer((req) => {
      const a = JSON.parse(req.body.toString('utf8') || '{}') as { text?: string; type: string; conversation?: { id: string } };
      activities.push({ type: a.type, ...(a.text ? { text: a.text } : {}), ...(a.conversation ? { conversation: a.conversation.id } : {}) });
      return { status: 200, json: { id: 'a' } };
    });
    running = await startTestBot(
      {
        TELEGRAM_BOT_TOKEN: telegram.token,
        TELEGRAM_API_ROOT: apiRoot,
        WHATSAPP_CLOUD_TOKEN: 't',
        WHATSAPP_PHONE_NUMBER_ID: '55',
        WHATSAPP_APP_SECRET: 'app-secret',
        WHATSAPP_VERIFY_TOKEN: 'v',
        WHATSAPP_GRAPH_URL: graph.url,
        BOT_FRAMEWORK: '1',
      },
      shop,
    );
  });
  afterAll(async () => {
    await running.stop();
    await telegram.stop();
    await graph.close();
    await connector.close();
  });

  const whatsapp = async (from: string, text: string, id: string): Promise<void> => {
    await postWhatsApp(running.base, 'app-secret', from, text, id);
  };
  const botframework = async (conversation: string, text: string, id: string): Promise<void> => {
    await postBotFramework(running.base, connector.url, conversation, text, id);
  };
  const whatsappTexts = (to: string): string[] =>
    graphCalls.filter((c) => c.to === to).map((c) => (JSON.parse(c.body) as { text?: { body: string } }).text?.body ?? '');
  const botframeworkTexts = (conversation: string): string[] =>
    activities.filter((a) => a.type === 'message' && a.conversation === conversation).map((a) => a.text ?? '');

  it('Telegram, WhatsApp and Bot Framework customers each get it first, once', async () => {
    await telegram.push(textUpdate(951, 'jam buka toko bandung'));
    await whatsapp('628990051', 'jam buka toko bandung', 'n1');
    await botframework('web-51', 'jam buka toko bandung', 'nb1');
    await telegram.waitForMessages(951, 2);
    await until(() => whatsappTexts('628990051').length >= 2);
    await until(() => botframeworkTexts('web-51').length >= 2);
    for (const sent of [telegram.sent.filter((m) => m.chatId === '951').map((m) => m.text), whatsappTexts('628990051'), botframeworkTexts('web-51')]) {
      expect(sent[0]).toMatch(NOTICE_ID);
      expect(sent[1]).toMatch(/Bandung/);
    }
    await telegram.push(textUpdate(951, 'cod bisa?'));
    await whatsapp('628990051', 'cod bisa?', 'n2');
    await botframework('web-51', 'cod bisa?', 'nb2');
    await telegram.waitForMessages(951, 3);
    await until(() => whatsappTexts('628990051').length >= 3);
    await until(() => botframeworkTexts('web-51').length >= 3);
    expect(noticesIn(telegram.sent.filter((m) => m.chatId === '951').map((m) => m.text))).toBe(1);
    expect(noticesIn(whatsappTexts('628990051'))).toBe(1);
    expect(noticesIn(botframeworkTexts('web-51'))).toBe(1);
  });
});
