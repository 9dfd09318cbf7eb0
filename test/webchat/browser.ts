import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's Chromium (scripts/ensure-chromium.mjs installs it for `npm test`); never a downloaded browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH?.trim() || '/usr/bin/chromium';

/** Flags for a headless Chromium as root on a closed network (no sandbox, no calls home). */
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * Whether the browser tests can run. Without Chromium they are skipped with a loud notice on a
 * developer's machine, and fail under CI=true (where `npm test` must have installed it).
 */
export function browserAvailability(): { readonly run: boolean; readonly reason?: string } {
  if (existsSync(CHROMIUM_PATH)) return { run: true };
  const reason = `Chromium is missing at ${CHROMIUM_PATH} (install it: apt-get install -y chromium, or run npm test as root)`;
  if (process.env.CI === 'true') return { run: true, reason };
  process.stderr.write(`\n*** SKIPPED: web chat browser tests: ${reason} ***\n\n`);
  return { run: false, reason };
}

export interface LaunchOptions {
  readonly viewport?: { width: number; height: number };
  readonly geolocation?: { latitude: number; longitude: number };
  readonly locale?: string;
}

/** A fresh headless Chromium profile (its own user-data-dir, removed by `close`). */
export async function launchBrowser(options: LaunchOptions = {}): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium is missing at ${CHROMIUM_PATH}: apt-get install -y chromium (CI runs scripts/ensure-chromium.mjs)`);
  const profile = mkdtempSync(join(tmpdir(), 'tanya-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ARGS,
    viewport: options.viewport ?? { width: 1280, height: 800 },
    locale: options.locale ?? 'id-ID',
    ...(options.geolocation ? { geolocation: options.geolocation, permissions: ['geolocation'] } : {}),
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
