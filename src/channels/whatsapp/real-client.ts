import { join } from 'node:path';
import type { WaClient } from './whatsapp-web-channel';
import { assertClientFits } from './whatsapp-web-channel';

/**
 * A real whatsapp-web.js client on the system Chromium (never a downloaded browser), with the
 * session kept on disk (LocalAuth) so a restart does not ask for the QR code again. The library
 * (and Puppeteer) is loaded only when WhatsApp Web is turned on.
 */
export async function createWhatsAppWebClient(dataDir: string, chromiumPath: string): Promise<WaClient> {
  const { Client, LocalAuth } = await import('whatsapp-web.js');
  const client = new Client({
    authStrategy: new LocalAuth({ dataPath: join(dataDir, 'whatsapp-session') }),
    puppeteer: { executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] },
  });
  return assertClientFits(client);
}

/** Prints the QR code in the terminal (stderr, so JSON logs on stdout stay clean). */
export async function printQr(qr: string): Promise<void> {
  const qrcode = await import('qrcode-terminal');
  qrcode.generate(qr, { small: true }, (text: string) => process.stderr.write(`\nWhatsApp → Perangkat tertaut / Linked devices → scan:\n${text}\n`));
}
