import { postBotFramework, postWhatsApp } from '../support/channel-posts';
import { startTestBot, type TestBot } from '../support/bot';
import { startLocalServer, until, type LocalServer } from '../support/local-server';
import { BOT_USER, groupUpdate, TelegramEmulator, textUpdate } from '../support/telegram-emulator';

/**
 * Every channel in one process over one engine: Telegram (with its agents group), WhatsApp Cloud
 * API and Bot Framework. An agent in the Telegram group answers a WhatsApp customer and a Bot
 * Framework customer, each on their own channel.
 */
describe('all channels in one process', () => {
  const telegram = new TelegramEmulator();
  const graphCalls: { to: string; body: string }[] = [];
  const activities: { path: string; text?: string; type: string }[] = [];
  let graph: LocalServer;
  let connector: LocalServer;
  let running: TestBot;
  const AGENTS = -777;

  beforeAll(async () => {
    const apiRoot = await telegram.start();
    graph = await startLocalServer((req) => {
      const body = JSON.parse(req.body.toString('utf8')) as { to: string };
      graphCalls.push({ to: body.to, body: req.body.toString('utf8') });
      return { status: 200, json: { messages: [{ id: 'wamid.x' }] } };
    });
    connector = await startLocalServer((req) => {
      const a = JSON.parse(req.body.toString('utf8') || '{}') as { text?: string; type: string };
      activities.push({ path: req.url, ...a });
      return { status: 200, json: { id: 'a' } };
    });
    running = await startTestBot({
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: apiRoot,
      HANDOFF_TELEGRAM_CHAT_ID: String(AGENTS),
      WHATSAPP_CLOUD_TOKEN: 't',
      WHATSAPP_PHONE_NUMBER_ID: '55',
      WHATSAPP_APP_SECRET: 'app-secret',
      WHATSAPP_VERIFY_TOKEN: 'v',
      WHATSAPP_GRAPH_URL: graph.url,
      BOT_FRAMEWORK: '1',
    });
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

  it('answers on each channel', async () => {
    expect(running.bot.channels.map((c) => c.name).sort()).toEqual(['botframework', 'telegram', 'whatsapp']);
    await telegram.push(textUpdate(901, 'jam buka toko bandung'));
    await whatsapp('628990001', 'jam buka toko bandung', 'w1');
    await botframework('web-1', 'jam buka toko bandung', 'b1');
    await telegram.waitForMessages(901, 1);
    await until(() => graphCalls.some((c) => c.to === '628990001'));
    await until(() => activities.some((a) => a.type === 'message' && /Bandung/.test(a.text ?? '')));
    expect(telegram.sent.find((m) => m.chatId === '901')?.text).toMatch(/Bandung/);
    expect(graphCalls.find((c) => c.to === '628990001')?.body).toMatch(/Bandung/);
  });

  it('relays replies from the Telegram agents group to WhatsApp and Bot Framework customers', async () => {
    await whatsapp('628990002', 'mau bicara sama admin', 'w2');
    await botframework('web-2', 'mau bicara sama admin', 'b2');
    await until(() => telegram.sent.filter((m) => m.chatId === String(AGENTS) && m.text.startsWith('🎫')).length >= 2);
    const cards = telegram.sent.filter((m) => m.chatId === String(AGENTS) && m.text.startsWith('🎫'));
    const waCard = cards.find((c) => c.text.includes('whatsapp'));
    const bfCard = cards.find((c) => c.text.includes('botframework'));
    if (!waCard || !bfCard) throw new Error('ticket cards missing');
    const reply = (card: typeof waCard, text: string): Record<string, unknown> =>
      groupUpdate(AGENTS, 55, text, {
        reply_to_message: { message_id: card.messageId, date: 0, chat: { id: AGENTS, type: 'group' }, from: BOT_USER, text: card.text },
      });
    await telegram.push(reply(waCard, 'Halo Kak Wati, dengan Rina dari CS.'));
    await telegram.push(reply(bfCard, 'Halo Kak Dewi, dengan Rina dari CS.'));
    await until(() => graphCalls.some((c) => c.to === '628990002' && c.body.includes('Halo Kak Wati, dengan Rina dari CS.')));
    await until(() => activities.some((a) => a.text === 'Halo Kak Dewi, dengan Rina dari CS.' && a.path.includes('web-2')));
  });
});
