import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChannelConfigError } from '../channel';

/** Shortest WEBCHAT_SECRET accepted (characters). */
export const MIN_WEBCHAT_SECRET_CHARS = 32;
/** Where a generated secret is kept, inside the data folder. */
export const WEBCHAT_SECRET_FILE = 'webchat-secret';

const VERSION = 'v1';
/** 128 random bits, base64url: a conversation key cannot be guessed. */
const KEY_PATTERN = /^[A-Za-z0-9_-]{22}$/;
const MAC_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Signed conversation tokens: `v1.<key>.<mac>`, the key random (128 bits) and the MAC an
 * HMAC-SHA256 of it under the channel's secret. The browser keeps the token; the conversation
 * id is `webchat:<key>`. A token cannot be guessed, and one made up or altered is refused.
 */
export class ConversationTokens {
  constructor(private readonly secret: string) {}

  /** A new conversation: its key and the token the browser keeps. */
  issue(): { key: string; token: string } {
    const key = randomBytes(16).toString('base64url');
    return { key, token: `${VERSION}.${key}.${this.mac(key)}` };
  }

  /** The conversation key of a genuine token, else undefined. */
  verify(token: string | undefined): string | undefined {
    if (typeof token !== 'string' || token.length > 100) return undefined;
    const [version, key, mac, ...rest] = token.split('.');
    if (version !== VERSION || rest.length > 0 || !KEY_PATTERN.test(key ?? '') || !MAC_PATTERN.test(mac ?? '')) return undefined;
    const expected = Buffer.from(this.mac(key));
    const given = Buffer.from(mac);
    return given.length === expected.length && timingSafeEqual(given, expected) ? key : undefined;
  }

  private mac(key: string): string {
    return createHmac('sha256', this.secret).update(`tanya-webchat:${VERSION}:${key}`).digest('base64url');
  }
}

/**
 * The secret that signs tokens: WEBCHAT_SECRET when set (32+ characters, the same on every
 * process serving the shop), else one generated on first start and kept in
 * `<dataDir>/webchat-secret` (mode 600, folder 700), so tokens outlive restarts.
 */
export function webchatSecret(envSecret: string | undefined, dataDir: string): string {
  const given = envSecret?.trim();
  if (given) {
    if (given.length < MIN_WEBCHAT_SECRET_CHARS)
      throw new ChannelConfigError(
        `WEBCHAT_SECRET must be ${MIN_WEBCHAT_SECRET_CHARS} characters or more (e.g. from "openssl rand -hex 32"); unset it to have one generated in ${join(dataDir, WEBCHAT_SECRET_FILE)}`,
      );
    return given;
  }
  const file = join(dataDir, WEBCHAT_SECRET_FILE);
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim();
    if (stored.length >= MIN_WEBCHAT_SECRET_CHARS) return stored;
    throw new ChannelConfigError(`${file} holds no usable secret (${MIN_WEBCHAT_SECRET_CHARS}+ characters); delete it to have a new one generated`);
  }
  if (!existsSync(dataDir)) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('hex');
  // 'wx': two processes starting together never overwrite each other's secret.
  try {
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return webchatSecret(undefined, dataDir);
    throw error;
  }
  chmodSync(file, 0o600);
  return secret;
}
