import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { watchForChanges } from '../../src/app/live-reload';
import { runBot, type RunningBot } from '../../src/app/run-bot';
import { loadFlows } from '../../src/flows/loader';
import { loadKnowledge } from '../../src/knowledge/loader';
import type { HealthBody } from '../../src/metrics/health';
import { SqliteStore } from '../../src/storage/sqlite-store';
import { postBotFramework, postWhatsApp } from '../support/channel-posts';
import { startLocalServer, until, type LocalServer } from '../support/local-server';
import { parseMetrics, sampleValue, type Sample } from './prometheus-text';

const WORKING_HOURS = new Date('2026-11-25T03:00:00Z');
const APP_SECRET = 'metrics-app-secret';

/** A copy of the shop's knowledge/ and flows/ in a temp folder (edited by the tests). */
function copyShop(): { kbDir: string; flowsDir: string } {
  const root = mkdtempSync(join(tmpdir(), 'tanya-metrics-'));
  const kbDir = join(root, 'knowledge');
  const flowsDir = join(root, 'flows');
  cpSync('knowledge', kbDir, { recursive: true });
  cpSync('flows', flowsDir, { recursive: true });
  return { kbDir, flowsDir };
}

function memoryLogger(): { log: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: pino({ level: 'info' }, { write: (line: string) => lines.push(line) }), lines };
}

async function scrape(base: string, headers: Record<string, string> = {}): Promise<Sample[]> {
  const response = await fetch(`${base}/metrics`, { headers });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseMetrics(await response.text());
}

/** Scrapes until `check` holds (the hub delivers in the background). */
async function scrapeUntil(base: string, check: (samples: Sample[]) => boolean): Promise<Sample[]> {
  const end = Date.now() + 5000;
  for (;;) {
    const samples = await scrape(base);
    if (check(samples) || Date.now() > end) return samples;
    await new Promise((r) => setTimeout(r, 30));
  }
}

async function health(base: string): Promise<{ status: number; body: HealthBody }> {
  const response = await fetch(`${base}/healthz`);
  return { status: response.status, body: (await response.json()) as HealthBody };
}

describe('GET /metrics and /healthz of a running bot', () => {
  const { kbDir, flowsDir } = copyShop();
  const kb = loadKnowledge(kbDir);
  const flows = loadFlows(flowsDir, kb);
  const store = new SqliteStore(':memory:');
  const { log, lines } = memoryLogger();
  /** Recipients whose messages the Graph stand-in refuses as with an expired access token. */
  const graphDown = new Set<string>();
  const graphCalls: string[] = [];
  const terminal: string[] = [];
  const reloads: boolean[] = [];
  let graph: LocalServer;
  let connector: LocalServer;
  let bot: RunningBot;
  let base = '';
  let watcher: { close(): void } | undefined;

  const nextReload = async (): Promise<boolean> => {
    const count = reloads.length;
    await until(() => reloads.length > count, 5000);
    return reloads[reloads.length - 1];
  };

  beforeAll(async () => {
    graph = await startLocalServer((req) => {
      const to = String((JSON.parse(req.body.toString('utf8') || '{}') as { to?: string }).to);
      if (graphDown.has(to)) return { status: 401, json: { error: { code: 190, message: 'Error validating access token: Session has expired' } } };
      graphCalls.push(to);
      return { status: 200, json: { messages: [{ id: `wamid.${graphCalls.length}` }] } };
    });
    connector = await startLocalServer(() => ({ status: 200, json: { id: 'a' } }));
    const env = {
      PORT: '0',
      HOST: '127.0.0.1',
      WHATSAPP_CLOUD_TOKEN: 't',
      WHATSAPP_PHONE_NUMBER_ID: '55',
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_VERIFY_TOKEN: 'v',
      WHATSAPP_GRAPH_URL: graph.url,
      BOT_FRAMEWORK: '1',
    };
    const started = await runBot(kb, store, env, log, { flows, now: () => WORKING_HOURS, hub: { pollMs: 30, maxBackoffMs: 200 } });
    if (!started) throw new Error('no channel started');
    bot = started;
    base = `http://127.0.0.1:${bot.port ?? 0}`;
    watcher = watchForChanges({
      kbDir,
      flowsDir,
      engine: bot.engine,
      log,
      terminal: { write: (t: string) => terminal.push(t), isTTY: true },
      onReload: (ok) => reloads.push(ok),
    });
  });
  afterAll(async () => {
    watcher?.close();
    await bot.stop();
    await store.close();
    await graph.close();
    await connector.close();
  });

  it('counts messages by channel, turns by decision and channel, latency and handoffs', async () => {
    const before = await scrape(base);
    expect(sampleValue(before, 'tanya_messages_received_total', { channel: 'whatsapp' })).toBe(0);
    expect(sampleValue(before, 'tanya_turns_total', { channel: 'botframework', decision: 'flow' })).toBe(0);

    expect(await postWhatsApp(base, APP_SECRET, '628990001', 'jam buka toko bandung', 'w1')).toBe(200);
    expect(await postWhatsApp(base, APP_SECRET, '628990001', 'jam buka toko bandung', 'w1')).toBe(200); // redelivered: counted once
    expect(await postWhatsApp(base, APP_SECRET, '628990002', 'xqzv plormp', 'w2')).toBe(200);
    expect(await postWhatsApp(base, APP_SECRET, '628990003', 'cek', 'w3')).toBe(200);
    expect(await postBotFramework(base, connector.url, 'web-1', 'mau bicara sama admin', 'b1')).toBe(200);
    expect(await postBotFramework(base, connector.url, 'web-2', '/keluhan', 'b2')).toBe(200);
    // Asked again while the ticket waits: a handoff turn, but no second ticket.
    expect(await postBotFramework(base, connector.url, 'web-1', 'tolong sambungkan ke orang cs nya', 'b3')).toBe(200);
    await bot.inbox.idle();
    await until(() => graphCalls.length >= 3);

    const m = await scrape(base);
    expect(sampleValue(m, 'tanya_messages_received_total', { channel: 'whatsapp' })).toBe(3);
    expect(sampleValue(m, 'tanya_messages_received_total', { channel: 'botframework' })).toBe(3);
    expect(sampleValue(m, 'tanya_turns_total', { channel: 'whatsapp', decision: 'answer' })).toBe(1);
    expect(sampleValue(m, 'tanya_turns_total', { channel: 'whatsapp', decision: 'fallback' })).toBe(1);
    expect(sampleValue(m, 'tanya_turns_total', { channel: 'whatsapp', decision: 'clarify' })).toBe(1);
    expect(sampleValue(m, 'tanya_turns_total', { channel: 'botframework', decision: 'handoff' })).toBe(2);
    expect(sampleValue(m, 'tanya_turns_total', { channel: 'botframework', decision: 'flow' })).toBe(1);
    expect(sampleValue(m, 'tanya_turns_total', { channel: 'whatsapp', decision: 'handoff' })).toBe(0);
    expect(sampleValue(m, 'tanya_handoffs_created_total', { reason: 'requested' })).toBe(1);
    expect(sampleValue(m, 'tanya_open_tickets', { status: 'queued' })).toBe(1);
    expect(sampleValue(m, 'tanya_open_tickets', { status: 'claimed' })).toBe(0);
    expect(sampleValue(m, 'tanya_inbox_waiting')).toBe(0);
    expect(sampleValue(m, 'tanya_store_up')).toBe(1);
    // The latency histogram: every turn observed, all of them well under the 5 s bucket.
    expect(sampleValue(m, 'tanya_turn_duration_seconds_count', { channel: 'whatsapp' })).toBe(3);
    expect(sampleValue(m, 'tanya_turn_duration_seconds_bucket', { channel: 'whatsapp', le: '5' })).toBe(3);
    expect(sampleValue(m, 'tanya_turn_duration_seconds_bucket', { channel: 'whatsapp', le: '0.001' })).toBeDefined();
    expect(sampleValue(m, 'tanya_turn_duration_seconds_sum', { channel: 'whatsapp' })).toBeGreaterThan(0);
    // Knowledge, channels and the process.
    expect(sampleValue(m, 'tanya_knowledge_entries')).toBe(kb.entries.length);
    expect(sampleValue(m, 'tanya_knowledge_flows')).toBe(flows.length);
    expect(sampleValue(m, 'tanya_knowledge_reloads_total', { result: 'failed' })).toBe(0);
    expect(sampleValue(m, 'tanya_channel_up', { channel: 'whatsapp' })).toBe(1);
    expect(sampleValue(m, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(m.some((s) => s.name.startsWith('nodejs_'))).toBe(true);
  });

  it('counts delivery failures by kind and shows the failing channel in /healthz until it recovers', async () => {
    graphDown.add('628990009');
    await postWhatsApp(base, APP_SECRET, '628990009', 'jam buka toko bandung', 'w9');
    await bot.inbox.idle();
    const m = await scrapeUntil(base, (s) => (sampleValue(s, 'tanya_delivery_failures_total', { kind: 'customer-message', outcome: 'retry' }) ?? 0) >= 1);
    expect(sampleValue(m, 'tanya_delivery_failures_total', { kind: 'customer-message', outcome: 'retry' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(m, 'tanya_outbox_waiting', { kind: 'customer-message' })).toBe(1);
    expect(sampleValue(m, 'tanya_channel_up', { channel: 'whatsapp' })).toBe(0);
    const failing = await health(base);
    expect(failing.status).toBe(200);
    expect(failing.body.status).toBe('degraded');
    const wa = failing.body.channels.find((c) => c.name === 'whatsapp');
    expect(wa?.state).toBe('failing');
    expect(wa?.lastError?.message).toMatch(/^send: .*access token/);
    expect(JSON.stringify(failing.body)).not.toContain('628990009');

    graphDown.clear();
    await until(() => graphCalls.includes('628990009'));
    await until(async () => (await store.queueDepths()).outbox['customer-message'] === undefined);
    const recovered = await health(base);
    expect(recovered.body.channels.find((c) => c.name === 'whatsapp')).toEqual({ name: 'whatsapp', state: 'started' });
    const after = await scrape(base);
    expect(sampleValue(after, 'tanya_outbox_waiting', { kind: 'customer-message' })).toBe(0);
    expect(sampleValue(after, 'tanya_channel_up', { channel: 'whatsapp' })).toBe(1);
  });

  it('reports store, channels and knowledge in /healthz (small JSON, no customer data)', async () => {
    const { status, body } = await health(base);
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.store).toEqual({ ok: true });
    expect(body.channels).toEqual([
      { name: 'whatsapp', state: 'started' },
      { name: 'botframework', state: 'started' },
    ]);
    expect(body.knowledge.entries).toBe(kb.entries.length);
    expect(body.knowledge.flows).toBe(flows.length);
    expect(Number.isNaN(Date.parse(body.knowledge.loadedAt))).toBe(false);
    expect(body.knowledge.lastReloadError).toBeUndefined();
    const text = JSON.stringify(body);
    expect(text.length).toBeLessThan(1000);
    expect(text).not.toMatch(/6289900|bandung|admin/i);
  });

  it('shows a broken edit in /healthz, /metrics, the log (JSON) and the terminal (plain, file:line:col)', async () => {
    const file = join(kbDir, 'faq.yaml');
    const good = readFileSync(file, 'utf8');
    terminal.length = 0;
    writeFileSync(file, `${good}\n  - id: broken\n    questions: { id: [halo] }\n    answer: 12\n`);
    expect(await nextReload()).toBe(false);

    const { status, body } = await health(base);
    expect(status).toBe(200);
    expect(body.status).toBe('degraded');
    expect(body.knowledge.entries).toBe(kb.entries.length);
    expect(body.knowledge.lastReloadError?.problemCount).toBe(1);
    expect(body.knowledge.lastReloadError?.problems[0]).toMatch(/faq\.yaml:\d+:\d+: faq\[\d+\]\.answer should be a mapping/);
    const m = await scrape(base);
    expect(sampleValue(m, 'tanya_knowledge_last_reload_failed')).toBe(1);
    expect(sampleValue(m, 'tanya_knowledge_reloads_total', { result: 'failed' })).toBe(1);
    expect(sampleValue(m, 'tanya_knowledge_last_reload_timestamp_seconds')).toBeGreaterThan(Date.now() / 1000 - 60);

    const printed = terminal.join('');
    expect(printed).toMatch(/knowledge NOT reloaded/);
    expect(printed).toMatch(/faq\.yaml:\d+:\d+: faq\[\d+\]\.answer should be a mapping/);
    expect(printed).toContain(`keeps answering with the previous version (${kb.entries.length} entries)`);
    expect(printed.trim().split('\n').length).toBeGreaterThan(2);
    expect(printed).not.toMatch(/[{}]"|"level"/);
    // Servers get the same as JSON log lines.
    const logged = lines.map((l) => JSON.parse(l) as { msg: string; level: number });
    expect(logged.some((l) => l.level === 50 && /^not reloaded: .*faq\.yaml:\d+:\d+/.test(l.msg))).toBe(true);

    terminal.length = 0;
    writeFileSync(file, good);
    expect(await nextReload()).toBe(true);
    expect(terminal).toHaveLength(1);
    expect(terminal[0]).toMatch(
      new RegExp(`^✓ Pengetahuan dimuat ulang / knowledge reloaded: ${kb.entries.length} entri, ${flows.length} alur \\(.*faq\\.yaml\\)\\n$`),
    );
    const fixed = await health(base);
    expect(fixed.body.status).toBe('ok');
    expect(fixed.body.knowledge.lastReloadError).toBeUndefined();
    expect(fixed.body.knowledge.lastReloadAt).toBeDefined();
    const again = await scrape(base);
    expect(sampleValue(again, 'tanya_knowledge_last_reload_failed')).toBe(0);
    expect(sampleValue(again, 'tanya_knowledge_reloads_total', { result: 'ok' })).toBe(1);
    expect(lines.some((l) => (JSON.parse(l) as { msg: string }).msg === 'knowledge base reloaded')).toBe(true);
  });

  it('answers 503 from /healthz when the store does not work', async () => {
    await store.close();
    const { status, body } = await health(base);
    expect(status).toBe(503);
    expect(body.status).toBe('down');
    expect(body.store.ok).toBe(false);
    const m = await scrape(base);
    expect(sampleValue(m, 'tanya_store_up')).toBe(0);
    expect(sampleValue(m, 'tanya_open_tickets', { status: 'queued' })).toBeUndefined();
  });
});
