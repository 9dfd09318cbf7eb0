import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hmacSha256Hex } from '../../src/server/secrets';
import { until } from '../support/local-server';
import { postWhatsApp } from '../support/channel-posts';
import { startTestBot, type TestBot } from '../support/bot';

const APP_SECRET = 'meta-app-secret';

/**
 * A Graph stand-in that takes a message, sends Meta's "sent" status for it to the bot, and then
 * loses its HTTP answer (the connection is reset), as a flaky network between bot and Meta would.
 */
function startLossyGraph(botBase: () => string): Promise<{ server: Server; url: string; tags: string[] }> {
  const tags: string[] = [];
  let first = true;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { to: string; biz_opaque_callback_data?: string };
      tags.push(body.biz_opaque_callback_data ?? '');
      const status = JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: 'waba',
            changes: [
              {
                field: 'messages',
                value: {
                  statuses: [{ id: `wamid.${tags.length}`, status: 'sent', recipient_id: body.to, biz_opaque_callback_data: body.biz_opaque_callback_data }],
                },
              },
            ],
          },
        ],
      });
      void fetch(`${botBase()}/webhooks/whatsapp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${hmacSha256Hex(APP_SECRET, status)}` },
        body: status,
      })
        .then((r) => r.text())
        .then(() => {
          if (first) {
            first = false;
            req.socket.destroy();
            return;
          }
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"messages":[{"id":"wamid.ok"}]}');
        });
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, tags })),
  );
}

describe('WhatsApp Cloud: an answer lost on the way', () => {
  let running: TestBot | undefined;
  let graph: Awaited<ReturnType<typeof startLossyGraph>>;

  beforeAll(async () => {
    graph = await startLossyGraph(() => running?.base ?? '');
    running = await startTestBot({
      WHATSAPP_CLOUD_TOKEN: 't',
      WHATSAPP_PHONE_NUMBER_ID: '555000',
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_VERIFY_TOKEN: 'v',
      WHATSAPP_GRAPH_URL: graph.url,
    });
  });
  afterAll(async () => {
    await running?.stop();
    await new Promise((resolve) => graph.server.close(resolve));
  });

  it('is not sent again once Meta confirmed it', async () => {
    const bot = running as TestBot;
    expect(await postWhatsApp(bot.base, APP_SECRET, '6281300000001', 'bisa cod ga min', 'wamid.in.lossy.1')).toBe(200);
    await until(() => graph.tags.length > 0);
    // The retry after the lost answer waits for Meta's status, sees it, and sends nothing more.
    await new Promise((resolve) => setTimeout(resolve, 4_500));
    expect(new Set(graph.tags).size).toBe(graph.tags.length);
    expect(await bot.store.takeDue(() => true, new Date('2100-01-01'), 1000, 50, 'whatsapp:6281300000001', 'test-owner')).toHaveLength(0);
  }, 15_000);
});
