import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { startWebChatBot, type WebChatBot } from './webchat-bot';
import { until } from '../support/local-server';
import { browserAvailability, launchBrowser } from './browser';

// The web chat as a customer uses it: the demo page in headless Chromium (Debian's, driven by
// playwright-core), the real bot behind it (HTTP server on 127.0.0.1, a SQLite file, the sample
// shop's knowledge, flows and engine), an agent answering with `tanya reply` from another process.

// A browser on a machine busy with the rest of the suite needs more than Jest's default 20 s.
jest.setTimeout(60_000);

const availability = browserAvailability();
const describeBrowser = availability.run ? describe : describe.skip;
const ROOT = resolve(__dirname, '..', '..');
const SCREENSHOTS = join(ROOT, 'docs', 'img');
const run = promisify(execFile);
/** Bandung (Jl. Merdeka): the nearest branch is the Bandung one. */
const BANDUNG = { latitude: -6.9147, longitude: 107.6098 };

/** The newest line's text of a kind (bot, agent, customer) in the widget's shadow root. */
const lines = (page: Page, from: 'bot' | 'agent' | 'customer') => page.locator(`li.line.${from} .text`);

async function say(page: Page, text: string): Promise<void> {
  await page.locator('textarea').fill(text);
  await page.locator('textarea').press('Enter');
}

/** Runs the `tanya` command (the built one, as agents run it) on the bot's database as agent Rina. */
async function tanya(...args: string[]): Promise<string> {
  const cli = join(ROOT, 'dist', 'src', 'cli', 'main.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build (npm test does)`);
  const { stdout } = await run(process.execPath, [join(ROOT, 'bin', 'tanya.js'), ...args, '--agent', 'Rina', '--db', running.dbPath], { cwd: ROOT });
  return stdout;
}

/** Serves one HTML page from another origin (another port), embedding the bot's widget. */
async function foreignSite(widgetUrl: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html><head><title>Other site</title></head><body><h1>Not the shop</h1><script src="${widgetUrl}" async></script></body></html>`);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

let running: WebChatBot;

describeBrowser('web chat in a real browser (demo page, strict CSP)', () => {
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let demo = '';
  const dialogs: string[] = [];
  const conversations = async (): Promise<string[]> =>
    [...new Set((await running.store.messagesSince('2000-01-01T00:00:00Z')).map((m) => m.conversationId))].filter((id) => id.startsWith('webchat:'));
  /** CSP directives the page violated since it loaded (recorded by an init script before any page script). */
  const cspViolations = (): Promise<string[]> => page.evaluate(() => (window as unknown as { tanyaCsp: string[] }).tanyaCsp);
  const token = (): Promise<string | null> =>
    page.evaluate(() => {
      const key = Object.keys(localStorage).find((k) => k.startsWith('tanya-webchat:'));
      return key === undefined ? null : localStorage.getItem(key);
    });

  beforeAll(async () => {
    if (availability.reason) throw new Error(availability.reason);
    // The test types faster than a person: the per-conversation limit is tested in webchat-server.test.ts.
    running = await startWebChatBot({ WEBCHAT: '1', WEBCHAT_SECRET: 'browser-test-secret-0123456789abcdef', WEBCHAT_CONVERSATION_LIMIT: '600' });
    demo = `${running.base}/webchat/demo`;
    browser = await launchBrowser({ geolocation: BANDUNG });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { tanyaCsp: string[] }).tanyaCsp = seen;
      document.addEventListener('securitypolicyviolation', (event) => seen.push(event.effectiveDirective));
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  it('shows the bubble on the demo page within 100 ms of loading widget.js, under a strict CSP it does not break', async () => {
    const painted: number[] = [];
    for (let load = 0; load < 5; load++) {
      await (load === 0 ? page.goto(demo) : page.reload());
      await page.waitForFunction(() => performance.getEntriesByName('tanya-webchat-bubble').length > 0);
      painted.push(
        await page.evaluate(() => {
          const script = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/webchat/widget.js')) as PerformanceResourceTiming;
          return performance.getEntriesByName('tanya-webchat-bubble')[0].startTime - script.responseEnd;
        }),
      );
    }
    process.stdout.write(`web chat bubble painted ${painted.map((ms) => ms.toFixed(1)).join(', ')} ms after widget.js arrived (5 loads)\n`);
    // The target (≤ 100 ms) holds for the widget itself: the best of five loads. The median has room
    // for a machine busy with the rest of the suite, and still catches a widget that got slow.
    const sorted = [...painted].sort((a, b) => a - b);
    expect(sorted[0]).toBeLessThanOrEqual(100);
    expect(sorted[2]).toBeLessThanOrEqual(250);
    await expect(page.locator('button.bubble').isVisible()).resolves.toBe(true);
    expect(await cspViolations()).toEqual([]);
    // The policy is live: an inline script is refused (and reported), so the empty list above means something.
    expect(
      await page.evaluate(
        () => document.head.appendChild(Object.assign(document.createElement('script'), { textContent: 'window.name = "ran"' })) && window.name,
      ),
    ).not.toBe('ran');
    await page.waitForFunction(() => (window as unknown as { tanyaCsp: string[] }).tanyaCsp.includes('script-src-elem'));
    await page.reload();
  });

  it('opens with the keyboard, greets, and answers "brp hrg ip 15 kak" with the prices', async () => {
    await page.locator('button.bubble').focus();
    await page.keyboard.press('Enter');
    await expect(page.locator('section.panel').isVisible()).resolves.toBe(true);
    expect(await page.evaluate(() => document.querySelector('[data-tanya-webchat]')?.shadowRoot?.activeElement?.tagName)).toBe('TEXTAREA');
    await expect(lines(page, 'bot').first().textContent()).resolves.toMatch(/Selamat datang di Nusa Gadget/);
    await say(page, 'brp hrg ip 15 kak');
    await lines(page, 'bot').filter({ hasText: 'Rp18.999.000' }).waitFor();
    const prices = await lines(page, 'bot').filter({ hasText: 'Rp18.999.000' }).textContent();
    expect(prices).toMatch(/128GB: Rp12\.999\.000[\s\S]*256GB: Rp14\.999\.000/);
  });

  it('continues with a pressed suggestion, then "yg 256" gets one price', async () => {
    await page.locator('.choices button', { hasText: 'Cicilan' }).click();
    await lines(page, 'customer').filter({ hasText: 'Cicilan' }).waitFor();
    await lines(page, 'bot').filter({ hasText: 'Cicilan 0%' }).waitFor();
    await say(page, 'yg 256');
    const one = lines(page, 'bot').filter({ hasText: 'Harga iPhone 15 256GB Rp14.999.000' });
    await one.waitFor();
    expect(await one.last().textContent()).not.toMatch(/128GB|512GB/);
    await page.screenshot({ path: join(SCREENSHOTS, 'webchat-desktop.png') });
  });

  it('keeps the conversation after a reload: the same token, the history shown', async () => {
    const before = await token();
    expect(before).toMatch(/^v1\./);
    await page.reload();
    await page.locator('button.bubble').click();
    await lines(page, 'bot').filter({ hasText: 'Harga iPhone 15 256GB Rp14.999.000' }).waitFor();
    await lines(page, 'customer').filter({ hasText: 'brp hrg ip 15 kak' }).waitFor();
    expect(await token()).toBe(before);
    expect(await conversations()).toHaveLength(1);
  });

  it('runs a flow whose question is a choice: the store locator', async () => {
    await say(page, '/cabang');
    await page.locator('.choices button', { hasText: 'Bandung' }).click();
    await lines(page, 'bot')
      .filter({ hasText: /Jl\. Ir\. H\. Juanda/ })
      .last()
      .waitFor();
  });

  it('shows a shared location as the nearest branches', async () => {
    await page.locator('button.loc').click();
    await lines(page, 'customer').filter({ hasText: 'Lokasi dibagikan' }).waitFor();
    await lines(page, 'bot')
      .filter({ hasText: /Bandung/ })
      .last()
      .waitFor();
  });

  it('shows HTML from a customer as text and runs none of it', async () => {
    const evil = '<img src=x onerror=alert(1)>';
    await say(page, evil);
    await lines(page, 'customer').filter({ hasText: evil }).waitFor();
    await page.waitForTimeout(300);
    expect(await page.locator('li.line img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(await cspViolations()).toEqual([]);
  });

  it('hands over to a person: the ticket number, a `tanya reply` appearing live, then the rating stored', async () => {
    await say(page, 'mau bicara sama admin');
    const handoff = lines(page, 'bot').filter({ hasText: /T\d{5}/ });
    await handoff.waitFor();
    const ticketId = /T\d{5}/.exec((await handoff.textContent()) ?? '')?.[0] ?? '';
    expect((await running.store.getTicket(ticketId))?.status).toBe('queued');
    // An agent at a terminal beside the running bot: another process, the same database.
    await tanya('reply', ticketId, 'Halo Kak, dengan Rina di sini. Cek https://nusagadget.example/garansi ya.');
    await lines(page, 'agent').filter({ hasText: 'dengan Rina di sini' }).waitFor();
    const link = page.locator('li.line.agent a');
    expect(await link.getAttribute('href')).toBe('https://nusagadget.example/garansi');
    expect(await link.getAttribute('rel')).toContain('noopener');
    await say(page, 'oke ditunggu kak');
    await lines(page, 'customer').filter({ hasText: 'oke ditunggu kak' }).waitFor();
    await tanya('resolve', ticketId);
    await page.locator('.choices button', { hasText: '5' }).waitFor();
    await page.locator('.choices button', { hasText: '5' }).click();
    await until(async () => (await running.store.getTicket(ticketId))?.csat === 5);
    await lines(page, 'bot').filter({ hasText: 'Terima kasih atas penilaiannya' }).waitFor();
  });

  it('reconnects by itself when the server restarts, and the conversation goes on', async () => {
    await running.restart();
    await say(page, 'brp hrg ip 15 pro?');
    await lines(page, 'bot').filter({ hasText: 'iPhone 15 Pro' }).last().waitFor({ timeout: 15_000 });
    expect(await conversations()).toHaveLength(1);
  }, 30_000);

  it('fits a 360 px wide phone screen', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    const box = await page.locator('section.panel').boundingBox();
    expect(box?.width).toBeLessThanOrEqual(360);
    expect(box?.x).toBeGreaterThanOrEqual(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'webchat-360.png') });
    await page.locator('button.close').click();
    await expect(page.locator('section.panel').isVisible()).resolves.toBe(false);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('falls back to long polling where WebSockets do not get through', async () => {
    // A second visitor (their own browser profile) whose network lets no WebSocket through.
    const other = await launchBrowser({ locale: 'en-US' });
    try {
      const polling = other.context.pages()[0] ?? (await other.context.newPage());
      await polling.addInitScript(() => {
        Object.defineProperty(window, 'WebSocket', { value: undefined });
      });
      await polling.goto(demo);
      await polling.locator('button.bubble').click();
      // An English browser gets the English interface and greeting.
      await expect(polling.locator('textarea').getAttribute('placeholder')).resolves.toBe('Write a message…');
      await lines(polling, 'bot').filter({ hasText: 'Welcome to Nusa Gadget' }).waitFor();
      await say(polling, 'what time does the surabaya store open?');
      await lines(polling, 'bot')
        .filter({ hasText: /Surabaya/ })
        .last()
        .waitFor();
      expect(await conversations()).toHaveLength(2);
    } finally {
      await other.close();
    }
  });

  it('refuses a page on an origin that is not allowed', async () => {
    const before = (await conversations()).length;
    const site = await foreignSite(`${running.base}/webchat/widget.js`);
    const foreign = await browser.context.newPage();
    try {
      await foreign.goto(site.url);
      await foreign.locator('button.bubble').click();
      await foreign.locator('.status', { hasText: 'belum diaktifkan untuk situs ini' }).waitFor();
      expect(await foreign.locator('textarea').isDisabled()).toBe(true);
      expect(await conversations()).toHaveLength(before);
    } finally {
      await foreign.close();
      await site.close();
    }
  });
});
