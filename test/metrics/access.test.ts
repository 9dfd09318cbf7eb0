import pino from 'pino';
import { runBot } from '../../src/app/run-bot';
import { ChannelConfigError } from '../../src/channels/channel';
import { isPrivateAddress, refuseMetrics } from '../../src/metrics/access';
import { safeErrorText } from '../../src/metrics/error-text';
import type { HttpRequest } from '../../src/server/http-server';
import { SqliteStore } from '../../src/storage/sqlite-store';
import { startTestBot, type TestBot } from '../support/bot';
import { sampleShop } from '../support/sample-shop';
import { parseMetrics, sampleValue } from './prometheus-text';

const TOKEN = 'metrics-token-0123456789abcdef';

function request(remoteAddress: string | undefined, headers: Record<string, string> = {}): HttpRequest {
  return {
    method: 'GET',
    path: '/metrics',
    target: '/metrics',
    query: new URLSearchParams(),
    headers,
    body: Buffer.alloc(0),
    params: {},
    ...(remoteAddress ? { remoteAddress } : {}),
  };
}

describe('who may read /metrics', () => {
  it('without METRICS_TOKEN: this host and private networks, connecting directly', () => {
    for (const ip of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '10.2.3.4', '172.17.0.2', '192.168.1.20', '::ffff:192.168.1.20', 'fd12:3456::1']) {
      expect([ip, isPrivateAddress(ip)]).toEqual([ip, true]);
      expect(refuseMetrics(request(ip), undefined)).toBeUndefined();
    }
    for (const ip of ['203.0.113.5', '8.8.8.8', '::ffff:8.8.8.8', '172.32.0.1', '2001:db8::1', 'nonsense', undefined]) {
      expect(refuseMetrics(request(ip), undefined)?.status).toBe(403);
    }
    // Through a reverse proxy on the same host the client may be anyone: refused.
    expect(refuseMetrics(request('127.0.0.1', { 'x-forwarded-for': '203.0.113.5' }), undefined)?.status).toBe(403);
    expect(refuseMetrics(request('127.0.0.1', { forwarded: 'for=203.0.113.5' }), undefined)?.status).toBe(403);
  });

  it('with METRICS_TOKEN: a matching bearer token from anywhere, nothing else', () => {
    expect(refuseMetrics(request('203.0.113.5', { authorization: `Bearer ${TOKEN}` }), TOKEN)).toBeUndefined();
    expect(refuseMetrics(request('203.0.113.5', { authorization: `bearer ${TOKEN}` }), TOKEN)).toBeUndefined();
    const refused = refuseMetrics(request('127.0.0.1'), TOKEN);
    expect(refused?.status).toBe(401);
    expect(refused?.headers?.['www-authenticate']).toMatch(/^Bearer/);
    expect(refuseMetrics(request('127.0.0.1', { authorization: `Bearer ${TOKEN}x` }), TOKEN)?.status).toBe(401);
    expect(refuseMetrics(request('127.0.0.1', { authorization: TOKEN }), TOKEN)?.status).toBe(401);
    expect(refuseMetrics(request('127.0.0.1', { authorization: 'Bearer ' }), TOKEN)?.status).toBe(401);
  });

  it('refuses a METRICS_TOKEN too short to protect anything', async () => {
    const store = new SqliteStore(':memory:');
    await expect(
      runBot(sampleShop(), store, { PORT: '0', HOST: '127.0.0.1', BOT_FRAMEWORK: '1', METRICS_TOKEN: 'short' }, pino({ level: 'silent' })),
    ).rejects.toThrow(ChannelConfigError);
    await store.close();
  });

  it('hides tokens and personal data in errors shown by /healthz', () => {
    const text = safeErrorText(
      new Error('request to https://api.telegram.org/bot123456:AAHk-secret_token_value_123/sendMessage failed for 081234567890, Authorization: Bearer abc.def'),
    );
    expect(text).not.toContain('AAHk');
    expect(text).not.toContain('081234567890');
    expect(text).not.toContain('abc.def');
    expect(safeErrorText('x'.repeat(1000)).length).toBeLessThan(260);
  });
});

describe('METRICS_TOKEN over real HTTP', () => {
  let running: TestBot;
  let open: TestBot;
  beforeAll(async () => {
    running = await startTestBot({ BOT_FRAMEWORK: '1', METRICS_TOKEN: TOKEN });
    open = await startTestBot({ BOT_FRAMEWORK: '1' });
  });
  afterAll(async () => {
    await running.stop();
    await open.stop();
  });

  it('asks for the token, and serves with it', async () => {
    expect((await fetch(`${running.base}/metrics`)).status).toBe(401);
    expect((await fetch(`${running.base}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789abcdef' } })).status).toBe(401);
    const ok = await fetch(`${running.base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(sampleValue(parseMetrics(await ok.text()), 'tanya_messages_received_total', { channel: 'botframework' })).toBe(0);
    // /healthz stays open for load balancers.
    expect((await fetch(`${running.base}/healthz`)).status).toBe(200);
  });

  it('without a token serves loopback clients, not proxied requests', async () => {
    expect((await fetch(`${open.base}/metrics`)).status).toBe(200);
    expect((await fetch(`${open.base}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.5' } })).status).toBe(403);
  });
});
