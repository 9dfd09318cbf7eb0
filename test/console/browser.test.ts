import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { AgentDesk } from '../../src/engine/agent-desk';
import { SqliteStore } from '../../src/storage/sqlite-store';
import { sampleShop } from '../support/sample-shop';
import { browserAvailability, launchBrowser } from '../webchat/browser';
import { SocketClient } from '../webchat/socket-client';
import { until } from '../support/local-server';
import { startConsoleBot, type ConsoleBot } from './console-bot';

// Two agents in two headless Chromiums (Debian's, driven by playwright-core) on the real bot:
// HTTP on 127.0.0.1, a SQLite file, the sample shop's engine, knowledge and flows; the customer
// writes through the web chat's WebSocket.

jest.setTimeout(90_000);
/**
 * How long a change may take to show live in another agent's browser. Generous: CI runs this
 * suite beside the multi-replica and crash tests on two cores; a change that never arrives
 * still fails.
 */
const LIVE = { timeout: 15_000 };

const availability = browserAvailability();
const describeBrowser = availability.run ? describe : describe.skip;
const SCREENSHOTS = join(resolve(__dirname, '..', '..'), 'docs', 'img');

type Browser = Awaited<ReturnType<typeof launchBrowser>>;

async function signIn(browser: Browser, base: string, name: string, password: string): Promise<Page> {
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { tanyaCsp: string[] }).tanyaCsp = seen;
    document.addEventListener('securitypolicyviolation', (event) => seen.push(event.effectiveDirective));
  });
  await page.goto(`${base}/console`);
  await page.waitForURL(/\/console\/login$/);
  await page.fill('input[name="name"]', name);
  await page.fill('input[name="password"]', password);
  await page.click('button[type="submit"]');
  await page.waitForURL(/\/console\/inbox/);
  await page.locator('#live', { hasText: 'live' }).waitFor();
  return page;
}

const row = (page: Page, id: string) => page.locator(`#tickets li[data-id="${id}"]`);
const cspViolations = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as { tanyaCsp: string[] }).tanyaCsp);

describeBrowser('agent console in real browsers, two agents at once', () => {
  let running: ConsoleBot;
  let a: Browser;
  let b: Browser;
  let rina: Page;
  let budi: Page;
  let customer: SocketClient;
  let ticketId = '';

  beforeAll(async () => {
    if (availability.reason) throw new Error(availability.reason);
    running = await startConsoleBot();
    await running.addAgent('Rina', 'rina-sandi-rahasia-123', 'agent');
    await running.addAgent('Budi', 'budi-sandi-rahasia-456', 'admin');
    mkdirSync(SCREENSHOTS, { recursive: true });
    a = await launchBrowser({ viewport: { width: 1280, height: 800 } });
    b = await launchBrowser({ viewport: { width: 1280, height: 800 } });
    rina = await signIn(a, running.base, 'Rina', 'rina-sandi-rahasia-123');
    budi = await signIn(b, running.base, 'Budi', 'budi-sandi-rahasia-456');
    customer = await SocketClient.open(running.base);
    await customer.hello();
  }, 60_000);
  afterAll(async () => {
    await customer?.close();
    await a?.close();
    await b?.close();
    await running?.stop();
  });

  it('shows a new handoff in both inboxes without a reload, with the title count', async () => {
    await customer.ask('brp hrg iphone 15 kak');
    await customer.ask('saya mau bicara dengan CS');
    ticketId = (await running.store.listTickets())[0]?.id ?? '';
    expect(ticketId).toMatch(/^T\d+/);
    await row(rina, ticketId).waitFor(LIVE);
    await row(budi, ticketId).waitFor(LIVE);
    await expect(row(budi, ticketId).locator('.badge').textContent()).resolves.toContain('queued');
    await rina.waitForFunction(() => document.title.startsWith('(1) '));
  });

  it('opens the whole transcript with the bot’s entry; A claims and B sees it claimed at once', async () => {
    await row(budi, ticketId).click();
    await budi.locator('#ticket-title', { hasText: ticketId }).waitFor();
    await row(rina, ticketId).click();
    const transcript = rina.locator('.transcript');
    await transcript.locator('li.customer', { hasText: 'brp hrg iphone 15 kak' }).waitFor();
    await expect(transcript.locator('li.bot .info').first().textContent()).resolves.toMatch(/^Bot · \d{4}-\d\d-\d\d \d\d:\d\d WIB · product-price/);
    await expect(transcript.locator('li.bot .info', { hasText: 'product' }).count()).resolves.toBeGreaterThan(0);
    const clicked = Date.now();
    await rina.click('button[data-action="claim"]');
    await rina.locator('#ticket-status', { hasText: 'claimed' }).waitFor();
    await row(budi, ticketId).locator('.badge', { hasText: 'claimed' }).waitFor(LIVE);
    process.stdout.write(`agent B saw the claim ${Date.now() - clicked} ms after agent A clicked\n`);
    await budi.locator('#ticket-agent', { hasText: 'Rina' }).waitFor(LIVE);
    // B may not answer Rina's ticket: the send button is off for B.
    await expect(budi.locator('button[data-action="send"], button[data-action="reply"]').isDisabled()).resolves.toBe(true);
    expect((await running.store.getTicket(ticketId))?.agent).toBe('Rina');
    // Filters: by assignee.
    await budi.selectOption('#f-agent', 'Budi');
    await row(budi, ticketId).waitFor({ state: 'detached' });
    await budi.selectOption('#f-agent', 'Rina');
    await row(budi, ticketId).waitFor();
    await budi.selectOption('#f-agent', '');
    await budi.screenshot({ path: join(SCREENSHOTS, 'console-inbox.png') });
  });

  it('delivers A’s reply on the customer’s own channel; a note stays inside; a reply from the terminal desk shows live', async () => {
    const before = customer.frames.length;
    await rina.fill('#reply', 'Halo Kak, dengan Rina. iPhone 15 128GB ready di Jakarta ya.');
    await rina.click('button[data-action="reply"]');
    await customer.next((f) => f.type === 'lines' && f.lines.some((l) => l.text.includes('dengan Rina')), before);
    await rina.fill('#reply', 'Pelanggan minta dikirim hari ini');
    await rina.click('button[data-action="note"]');
    await budi.locator('.notes', { hasText: 'Pelanggan minta dikirim hari ini' }).waitFor(LIVE);
    expect(customer.frames.some((f) => f.type === 'lines' && f.lines.some((l) => l.text.includes('dikirim hari ini')))).toBe(false);
    // Another process on the same database (the terminal desk, `tanya reply`): one ticket, whichever desk acts.
    const other = new SqliteStore(running.dbPath, { mustExist: true });
    try {
      expect((await new AgentDesk(other, sampleShop).reply(ticketId, 'Rina', 'Dari terminal: ongkir gratis ya Kak.', 'cli')).ok).toBe(true);
    } finally {
      await other.close();
    }
    await budi.locator('.transcript li.agent', { hasText: 'Dari terminal' }).waitFor(LIVE);
    await customer.next((f) => f.type === 'lines' && f.lines.some((l) => l.text.includes('Dari terminal')), before);
    await rina.locator('.transcript li.agent', { hasText: 'Dari terminal' }).waitFor(LIVE);
    await rina.screenshot({ path: join(SCREENSHOTS, 'console-ticket.png') });
  });

  it('resolves: the customer gets the rating question, and the rating shows in the dashboard’s CSAT chart', async () => {
    const before = customer.frames.length;
    await rina.click('button[data-action="resolve"]');
    await customer.next((f) => f.type === 'lines' && f.lines.some((l) => (l.options ?? []).length === 5), before);
    await row(rina, ticketId).waitFor({ ...LIVE, state: 'detached' });
    await customer.ask('5');
    expect((await running.store.getTicket(ticketId))?.csat).toBe(5);
    await budi.click('a[href="/console/dashboard"]');
    await budi.waitForURL(/\/console\/dashboard/);
    const csat = budi.locator('#csat-chart');
    await expect(csat.textContent()).resolves.toContain('★★★★★1');
    await expect(budi.locator('.figure', { hasText: 'CSAT' }).textContent()).resolves.toContain('5.00 / 5');
    await budi.screenshot({ path: join(SCREENSHOTS, 'console-dashboard.png'), fullPage: true });
  });

  it('adds an unanswered question as an example (preview with diff, confirmation); live reload answers it next time', async () => {
    const question = 'kak hp saya jatuh ke air bisa diservis?';
    const first = await SocketClient.open(running.base);
    try {
      await first.hello();
      await first.ask(question);
    } finally {
      await first.close();
    }
    await budi.goto(`${running.base}/console/dashboard`);
    const form = budi.locator('tr', { hasText: question }).locator('form.add-example');
    await form.locator('select[name="entry"]').selectOption('service-repair');
    await form.locator('button[type="submit"]').click();
    await budi.waitForURL(/\/console\/examples\/preview/);
    await expect(budi.locator('#diff .added').textContent()).resolves.toContain(question);
    await budi.screenshot({ path: join(SCREENSHOTS, 'console-add-example.png') });
    const reloads = running.reloads();
    await budi.click('form.confirm button[type="submit"]');
    await budi.locator('#added', { hasText: 'service-repair' }).waitFor();
    await until(() => running.reloads() > reloads, 10_000);
    const next = await SocketClient.open(running.base);
    try {
      await next.hello();
      await next.ask(question);
    } finally {
      await next.close();
    }
    // The two conversations that asked it, oldest first: clarified before, answered after.
    const all = await running.store.messagesSince('2000-01-01T00:00:00Z');
    const asked = all.filter((m) => m.direction === 'in' && m.text === question).sort((x, y) => x.at.localeCompare(y.at));
    const reply = (conversationId: string) => all.find((m) => m.conversationId === conversationId && m.direction === 'out');
    expect(asked.map((m) => [reply(m.conversationId)?.decision, reply(m.conversationId)?.entryId])).toEqual([
      ['clarify', undefined],
      ['answer', 'service-repair'],
    ]);
  });

  it('playground: shows the decision and candidates for a message; nothing is stored', async () => {
    const messages = (await running.store.messagesSince('2000-01-01T00:00:00Z')).length;
    await budi.click('a[href="/console/playground"]');
    await budi.waitForURL(/\/console\/playground/);
    await budi.fill('input[name="text"]', 'brp hrg iphone 15 kak');
    await budi.click('form.playground button[type="submit"]');
    await budi.locator('#decision', { hasText: 'answer' }).waitFor();
    await expect(budi.locator('.result table').textContent()).resolves.toContain('product');
    expect((await running.store.messagesSince('2000-01-01T00:00:00Z')).length).toBe(messages);
    // A Rina (agent) has no dashboard link.
    await expect(rina.locator('a[href="/console/dashboard"]').count()).resolves.toBe(0);
    expect(await cspViolations(rina)).toEqual([]);
    expect(await cspViolations(budi)).toEqual([]);
  });

  it('logs out with the header’s button (a form post with the CSRF token)', async () => {
    await rina.click('.logout button[type="submit"]');
    await rina.waitForURL(/\/console\/login$/);
    await rina.goto(`${running.base}/console/inbox`);
    await rina.waitForURL(/\/console\/login$/);
  });
});
