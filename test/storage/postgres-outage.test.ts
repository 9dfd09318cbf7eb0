/**
 * The database goes away mid-run and comes back: the bot (WhatsApp Cloud webhook, PostgreSQL store)
 * refuses what it cannot record (the platform delivers again), loses nothing it acknowledged, and
 * answers everything once the database is back. Real parts: a throw-away PostgreSQL cluster
 * stopped and started again, the bot's HTTP server on 127.0.0.1, a local Graph stand-in.
 */
import pino from 'pino';
import { runBot, type RunningBot } from '../../src/app/run-bot';
import { openPostgresStore } from '../../src/storage/postgres';
import type { ConversationStore } from '../../src/storage/store';
import { startLocalServer, until, type LocalServer } from '../support/local-server';
import { createTestDatabase, startPostgres, type PostgresCluster, type TestDatabase } from '../support/postgres';
import { sampleShop } from '../support/sample-shop';
import { WHATSAPP, whatsappDeliveryBody, whatsappSignature } from '../../bench/scale-harness';

let cluster: PostgresCluster | undefined;
let database: TestDatabase | undefined;
let graph: LocalServer | undefined;
const sent: { to: string; text: string; tag: string }[] = [];

beforeAll(async () => {
  cluster = await startPostgres();
  if (!cluster) return;
  database = await createTestDatabase(cluster.url);
  graph = await startLocalServer((req) => {
    const body = JSON.parse(req.body.toString('utf8') || '{}') as {
      to?: string;
      text?: { body?: string };
      interactive?: { body?: { text?: string } };
      biz_opaque_callback_data?: string;
    };
    sent.push({ to: String(body.to), text: body.text?.body ?? body.interactive?.body?.text ?? '', tag: body.biz_opaque_callback_data ?? '' });
    return { status: 200, json: { messaging_product: 'whatsapp', messages: [{ id: `wamid.out.${sent.length}` }] } };
  });
}, 60_000);

afterAll(async () => {
  await graph?.close();
  await database?.drop().catch(() => undefined);
  await cluster?.stop();
});

let seq = 0;
/** Posts one signed WhatsApp Cloud delivery; returns the HTTP status the bot answered (0: no answer). */
async function deliver(base: string, from: string, text: string): Promise<number> {
  seq += 1;
  const body = whatsappDeliveryBody({ from, id: `wamid.in.${seq}`, text });
  const response = await fetch(`${base}/webhooks/whatsapp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': whatsappSignature(body) },
    body,
    signal: AbortSignal.timeout(15_000),
  }).catch(() => undefined);
  return response?.status ?? 0;
}

describe('PostgreSQL going away mid-run', () => {
  it('refuses what it cannot record, keeps what it acknowledged, and answers everything when the database is back', async () => {
    if (!cluster || !database || !graph) return;
    const store: ConversationStore = await openPostgresStore(database.url, { onError: () => undefined });
    let bot: RunningBot | undefined;
    try {
      bot = await runBot(
        sampleShop(),
        store,
        {
          PORT: '0',
          HOST: '127.0.0.1',
          WHATSAPP_CLOUD_TOKEN: WHATSAPP.token,
          WHATSAPP_PHONE_NUMBER_ID: WHATSAPP.phoneNumberId,
          WHATSAPP_APP_SECRET: WHATSAPP.appSecret,
          WHATSAPP_VERIFY_TOKEN: WHATSAPP.verifyToken,
          WHATSAPP_GRAPH_URL: graph.url,
        },
        pino({ level: 'silent' }),
        { hub: { pollMs: 50, maxBackoffMs: 500 }, inbox: { pollMs: 200 } },
      );
      if (!bot) throw new Error('no channel started');
      const base = `http://127.0.0.1:${bot.port ?? 0}`;
      // Webhook paths: the WhatsApp Cloud channel's route.
      expect(await deliver(base, '6281000001', 'jam buka toko bandung')).toBe(200);
      await until(() => sent.some((s) => s.to === '6281000001'), 10_000);

      await cluster.halt();
      // While the database is away: every delivery is refused (Meta delivers it again later), none acknowledged.
      const during: number[] = [];
      for (let i = 0; i < 3; i++) during.push(await deliver(base, '6281000002', `ongkir ke medan brp ${i}`));
      expect(during.every((status) => status === 503)).toBe(true);
      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(503);

      await cluster.resume();
      // Back: Meta's redelivery (and new messages) are taken and answered; the first conversation goes on.
      await until(async () => (await deliver(base, '6281000002', 'ongkir ke medan brp')) === 200, 20_000);
      expect(await deliver(base, '6281000001', 'kalau surabaya?')).toBe(200);
      await until(() => sent.filter((s) => s.to === '6281000001').length >= 2 && sent.some((s) => s.to === '6281000002'), 20_000);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const transcript = await store.transcript('whatsapp:6281000001');
      expect(transcript.filter((l) => l.direction === 'in').map((l) => l.text)).toEqual(['jam buka toko bandung', 'kalau surabaya?']);
      expect(transcript.filter((l) => l.direction === 'out').length).toBeGreaterThanOrEqual(2);
      // Every piece of every reply went out once (each carries its outbox item and piece number).
      const tags = sent.map((s) => s.tag);
      expect(tags.every((t) => t.startsWith('tanya:'))).toBe(true);
      expect(new Set(tags).size).toBe(tags.length);
    } finally {
      await bot?.stop();
      await store.close();
    }
  }, 90_000);
});
