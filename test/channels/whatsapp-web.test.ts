import { EventEmitter } from 'node:events';
import pino from 'pino';
import { WhatsAppWebChannel, type WaClient, type WaMessage } from '../../src/channels/whatsapp/whatsapp-web-channel';
import { AgentDesk } from '../../src/engine/agent-desk';
import { Engine } from '../../src/engine/engine';
import { HandoffHub } from '../../src/handoff/hub';
import { SqliteStore } from '../../src/storage/sqlite-store';
import { until } from '../support/local-server';
import { startIntake } from '../support/bot';
import { sampleShop } from '../support/sample-shop';

/**
 * A stand-in for whatsapp-web.js's Client with the surface the adapter uses (WaClient, which the
 * compiler checks against the library's own types): message and state events, sendMessage,
 * getChatById().sendStateTyping().
 */
class StandInClient extends EventEmitter implements WaClient {
  readonly sent: { chatId: string; content: string }[] = [];
  readonly typing: string[] = [];
  initialized = 0;
  destroyed = 0;

  async initialize(): Promise<void> {
    this.initialized += 1;
    this.emit('qr', 'qr-payload');
    this.emit('authenticated');
    this.emit('ready');
  }

  async destroy(): Promise<void> {
    this.destroyed += 1;
  }

  async sendMessage(chatId: string, content: string): Promise<unknown> {
    this.sent.push({ chatId, content });
    return {};
  }

  async getChatById(chatId: string): Promise<{ sendStateTyping(): Promise<unknown> }> {
    return { sendStateTyping: async () => this.typing.push(chatId) };
  }
}

const kb = sampleShop();
let seq = 0;
function incoming(from: string, body: string, extra: Partial<WaMessage> = {}): WaMessage {
  seq += 1;
  return { from, body, type: 'chat', hasMedia: false, fromMe: false, isStatus: false, id: { _serialized: `false_${from}_${seq}` }, ...extra };
}

describe('WhatsApp Web channel (whatsapp-web.js stand-in)', () => {
  const clients: StandInClient[] = [];
  const qrs: string[] = [];
  const store = new SqliteStore(':memory:');
  const engine = new Engine(kb, store, { now: () => new Date('2026-11-25T03:00:00Z') });
  const intake = startIntake(store, engine, () => [channel]);
  const channel: WhatsAppWebChannel = new WhatsAppWebChannel({
    createClient: () => {
      const c = new StandInClient();
      clients.push(c);
      return c;
    },
    onQr: (qr) => qrs.push(qr),
    inbox: intake.inbox,
    store,
    log: pino({ level: 'silent' }),
    reconnectMs: 20,
  });
  const client = (): StandInClient => clients[clients.length - 1];
  const to = (chat: string): string[] =>
    client()
      .sent.filter((m) => m.chatId === chat)
      .map((m) => m.content);

  beforeAll(async () => {
    await channel.start();
    // The session opens on the process that leads (one process here).
    await channel.listen();
  });
  afterAll(async () => {
    await channel.stop();
    await intake.stop();
    await store.close();
  });

  it('links with a QR code and answers a private chat, showing "typing…"', async () => {
    expect(qrs).toEqual(['qr-payload']);
    client().emit('message', incoming('6281111111111@c.us', 'kak hrg samsung a55 brp'));
    await until(() => to('6281111111111@c.us').length > 0);
    expect(to('6281111111111@c.us')[0]).toMatch(/Rp\d/);
    expect(client().typing).toContain('6281111111111@c.us');
  });

  it('shows choices as a numbered list and takes "2" as the pick', async () => {
    const chat = '6282222222222@c.us';
    client().emit('message', incoming(chat, 'harga iphone'));
    await until(() => to(chat).length > 0);
    expect(to(chat)[0]).toMatch(/1\) iPhone 15\n\s+2\) iPhone 15 Pro/);
    client().emit('message', incoming(chat, '2'));
    await until(() => to(chat).length > 1);
    expect(to(chat)[1]).toMatch(/iPhone 15 Pro/);
  });

  it('ignores groups, status broadcasts and its own messages', async () => {
    client().emit('message', incoming('120363000000000000@g.us', 'harga iphone 15'));
    client().emit('message', incoming('status@broadcast', 'harga iphone 15', { isStatus: true }));
    client().emit('message', incoming('6283333333333@c.us', 'harga iphone 15', { fromMe: true }));
    await new Promise((r) => setTimeout(r, 100));
    expect(client().sent.filter((m) => !m.chatId.startsWith('628111') && !m.chatId.startsWith('628222'))).toEqual([]);
  });

  it('answers stickers and voice politely, and a location with the nearest store', async () => {
    const chat = '6284444444444@c.us';
    client().emit('message', incoming(chat, '', { type: 'sticker', hasMedia: true }));
    await until(() => to(chat).length > 0);
    expect(to(chat)[0]).toMatch(/pesan teks/);
    client().emit('message', incoming(chat, '', { type: 'location', location: { latitude: '-7.2575', longitude: '112.7521' } }));
    await until(() => to(chat).length > 1);
    expect(to(chat)[1].split('\n')[1]).toMatch(/Surabaya.*km/);
  });

  it('answers a message delivered twice once', async () => {
    const chat = '6285555555555@c.us';
    const message = incoming(chat, 'bisa cod ga');
    client().emit('message', message);
    client().emit('message', message);
    await until(() => to(chat).length > 0);
    await new Promise((r) => setTimeout(r, 100));
    expect(new Set(to(chat)).size).toBe(to(chat).length);
    expect((await store.transcript(`whatsapp-web:${chat}`)).filter((l) => l.direction === 'in')).toHaveLength(1);
  });

  it('relays an agent reply after a handoff, on WhatsApp', async () => {
    const chat = '6286666666666@c.us';
    const desk = new AgentDesk(
      store,
      () => kb,
      () => new Date('2026-11-25T03:00:00Z'),
    );
    const hub = new HandoffHub({ store, desk, channels: [channel], destinations: [], log: pino({ level: 'silent' }), pollMs: 20 });
    await hub.start();
    try {
      client().emit('message', incoming(chat, 'mau bicara sama admin'));
      await until(() => to(chat).length > 0);
      const ticketId = /T\d{5}/.exec(to(chat)[0])?.[0] ?? '';
      client().emit('message', incoming(chat, 'halo?'));
      await new Promise((r) => setTimeout(r, 100));
      expect(to(chat)).toHaveLength(1);
      expect((await desk.reply(ticketId, 'Rina', 'Halo Kak, dengan Rina.')).ok).toBe(true);
      await until(() => to(chat).includes('Halo Kak, dengan Rina.'));
    } finally {
      await hub.stop();
    }
  });

  it('reconnects with a new client after a disconnect', async () => {
    const before = clients.length;
    client().emit('disconnected', 'NAVIGATION');
    await until(() => clients.length === before + 1 && client().initialized === 1);
    expect(clients[before - 1].destroyed).toBe(1);
    client().emit('message', incoming('6287777777777@c.us', 'jam buka toko bandung'));
    await until(() => to('6287777777777@c.us').length > 0);
  });
});
