/**
 * A local Telegram Bot API emulator on 127.0.0.1 for end-to-end tests: the real telegraf client
 * talks HTTP to it. It implements the methods the channel uses, enforces Telegram's limits
 * (4,096-character texts, 64-byte callback_data), can inject errors (429 with retry_after),
 * serves getUpdates long polling and delivers updates to a registered webhook with its secret.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SentMessage {
  readonly chatId: string;
  readonly text: string;
  readonly buttons: { text: string; data: string }[];
  readonly replyTo?: number;
  readonly messageId: number;
}

type Json = Record<string, unknown>;
type Injected = { readonly code: number; readonly description: string; readonly retryAfter?: number };

export const BOT_USER = {
  id: 424242,
  is_bot: true,
  first_name: 'Tanya',
  username: 'tanya_test_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
};

export class TelegramEmulator {
  /** Each emulated bot has its own token; update_ids start at 1000 for every bot, as on Telegram. */
  constructor(readonly token = '123456:TEST-token') {}

  readonly sent: SentMessage[] = [];
  readonly calls: { method: string; payload: Json }[] = [];
  webhook: { url: string; secret?: string } | undefined;
  private server: Server | undefined;
  private readonly queue: Json[] = [];
  private nextUpdateId = 1000;
  private nextMessageId = 1;
  private readonly pollers = new Set<() => void>();
  private readonly failures = new Map<string, Injected[]>();
  private readonly listeners = new Set<() => void>();

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const wake of this.pollers) wake();
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** The next call of `method` fails like Telegram would (e.g. 429 with retry_after). */
  failNext(method: string, code: number, description: string, retryAfter?: number): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), { code, description, ...(retryAfter !== undefined ? { retryAfter } : {}) }]);
  }

  /** Queues an update for getUpdates (or posts it to the webhook); returns its update_id. */
  async push(update: Json): Promise<number> {
    const full = { update_id: this.nextUpdateId++, ...update };
    if (this.webhook) await this.postToWebhook(full, this.webhook.secret);
    else {
      this.queue.push(full);
      for (const wake of this.pollers) wake();
    }
    return full.update_id;
  }

  /** Delivers the same update twice (as after a crash before the offset was confirmed); returns its update_id. */
  async pushTwice(update: Json): Promise<number> {
    const full = { update_id: this.nextUpdateId++, ...update };
    if (this.webhook) {
      await this.postToWebhook(full, this.webhook.secret);
      await this.postToWebhook(full, this.webhook.secret);
    } else {
      this.queue.push(full, { ...full });
      for (const wake of this.pollers) wake();
    }
    return full.update_id;
  }

  /** Posts an update to the registered webhook with the given secret header; returns the HTTP status. */
  async postToWebhook(update: Json, secret: string | undefined): Promise<number> {
    if (!this.webhook) throw new Error('no webhook registered');
    const response = await fetch(this.webhook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret !== undefined ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
      body: JSON.stringify(update),
    });
    await response.text();
    return response.status;
  }

  /** Waits until `count` messages were sent to the chat (or fails after `timeoutMs`). */
  async waitForMessages(chatId: number | string, count: number, timeoutMs = 5000): Promise<SentMessage[]> {
    const mine = (): SentMessage[] => this.sent.filter((m) => m.chatId === String(chatId));
    if (mine().length >= count) return mine();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`expected ${count} message(s) to chat ${chatId}, got ${mine().length}: ${JSON.stringify(mine().map((m) => m.text))}`));
      }, timeoutMs);
      const check = (): void => {
        if (mine().length < count) return;
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve(mine());
      };
      this.listeners.add(check);
    });
  }

  callsOf(method: string): Json[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.payload);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(new URL(req.url ?? '/', 'http://x').pathname);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const reply = (status: number, body: Json): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (!match) {
      reply(404, { ok: false, error_code: 404, description: 'Not Found' });
      return;
    }
    if (match[1] !== this.token) {
      reply(401, { ok: false, error_code: 401, description: 'Unauthorized' });
      return;
    }
    const method = match[2];
    let payload: Json = {};
    const raw = Buffer.concat(chunks).toString('utf8');
    const boundary = /boundary=([^;]+)/.exec(req.headers['content-type'] ?? '')?.[1];
    if (boundary) payload = parseMultipart(raw, boundary);
    else if (raw) {
      try {
        payload = JSON.parse(raw) as Json;
      } catch {
        reply(400, { ok: false, error_code: 400, description: 'Bad Request: can not parse JSON' });
        return;
      }
    }
    this.calls.push({ method, payload });
    const injected = this.failures.get(method)?.shift();
    if (injected) {
      reply(injected.code, {
        ok: false,
        error_code: injected.code,
        description: injected.description,
        ...(injected.retryAfter !== undefined ? { parameters: { retry_after: injected.retryAfter } } : {}),
      });
      return;
    }
    const result = await this.method(method, payload);
    if (result instanceof Error) {
      reply(400, { ok: false, error_code: 400, description: result.message });
      return;
    }
    reply(200, { ok: true, result });
  }

  private async method(method: string, p: Json): Promise<unknown> {
    switch (method) {
      case 'getMe':
        return BOT_USER;
      case 'deleteWebhook':
        this.webhook = undefined;
        return true;
      case 'setWebhook':
        this.webhook = { url: String(p.url), ...(typeof p.secret_token === 'string' ? { secret: p.secret_token } : {}) };
        return true;
      case 'getUpdates':
        return this.getUpdates(Number(p.offset ?? 0), Number(p.timeout ?? 0));
      case 'sendChatAction':
      case 'answerCallbackQuery':
      case 'editMessageReplyMarkup':
        return true;
      case 'sendMessage':
        return this.sendMessage(p);
      case 'sendDocument':
        return this.sendMessage({ ...p, text: `[document ${asText(p.filename ?? 'file')}] ${asText(p.caption ?? '')}\n${asText(p.document ?? '')}` });
      default:
        return new Error(`Bad Request: method ${method} is not emulated`);
    }
  }

  private sendMessage(p: Json): unknown {
    const text = typeof p.text === 'string' ? p.text : '';
    if (!text.trim()) return new Error('Bad Request: message text is empty');
    if (text.length > 4096) return new Error('Bad Request: message is too long');
    const markup = p.reply_markup as { inline_keyboard?: { text: string; callback_data: string }[][] } | undefined;
    const buttons = (markup?.inline_keyboard ?? []).flat().map((b) => ({ text: b.text, data: b.callback_data }));
    if (buttons.some((b) => Buffer.byteLength(b.data) > 64 || b.data.length === 0)) return new Error('Bad Request: BUTTON_DATA_INVALID');
    const replyTo = (p.reply_parameters as { message_id?: number } | undefined)?.message_id;
    const message: SentMessage = { chatId: String(p.chat_id), text, buttons, messageId: this.nextMessageId++, ...(replyTo !== undefined ? { replyTo } : {}) };
    this.sent.push(message);
    for (const listener of [...this.listeners]) listener();
    return { message_id: message.messageId, date: Math.floor(Date.now() / 1000), chat: { id: Number(p.chat_id), type: 'private' }, from: BOT_USER, text };
  }

  private async getUpdates(offset: number, timeoutS: number): Promise<Json[]> {
    if (offset > 0) while (this.queue.length > 0 && Number(this.queue[0].update_id) < offset) this.queue.shift();
    if (this.queue.length === 0 && timeoutS > 0) {
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.pollers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(timeoutS, 2) * 1000);
        this.pollers.add(wake);
      });
    }
    return this.queue.filter((u) => Number(u.update_id) >= offset);
  }
}

/** Form fields of a multipart body (file parts keep their text content and filename). */
/** A Bot API parameter as the text a document message shows. */
const asText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

function parseMultipart(raw: string, boundary: string): Json {
  const fields: Json = {};
  for (const part of raw.split(`--${boundary}`)) {
    const name = /name="([^"]+)"/.exec(part)?.[1];
    if (!name) continue;
    const body = part.slice(part.indexOf('\r\n\r\n') + 4).replace(/\r\n$/, '');
    fields[name] = body;
    const filename = /filename="([^"]+)"/.exec(part)?.[1];
    if (filename) fields.filename = filename;
  }
  return fields;
}

let nextMessageId = 1;

/** A private-chat text message update body. */
export function textUpdate(chatId: number, text: string, from: Partial<{ language_code: string; first_name: string }> = {}): Json {
  return {
    message: {
      message_id: nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: 'private', first_name: 'Budi' },
      from: { id: chatId, is_bot: false, first_name: 'Budi', ...from },
      text,
    },
  };
}

/** A message update with other content (sticker, location, …) in a private chat. */
export function contentUpdate(chatId: number, content: Json): Json {
  return {
    message: {
      message_id: nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: 'private', first_name: 'Budi' },
      from: { id: chatId, is_bot: false, first_name: 'Budi' },
      ...content,
    },
  };
}

/** A group message from a member. */
export function groupUpdate(groupId: number, userId: number, text: string, extra: Json = {}): Json {
  return {
    message: {
      message_id: nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat: { id: groupId, type: 'group', title: 'Grup Belanja' },
      from: { id: userId, is_bot: false, first_name: 'Sari' },
      text,
      ...extra,
    },
  };
}

/** A press on an inline button of a message the bot sent. */
export function callbackUpdate(chatId: number, message: SentMessage, data: string): Json {
  return {
    callback_query: {
      id: `cq${nextMessageId++}`,
      from: { id: chatId, is_bot: false, first_name: 'Budi' },
      chat_instance: 'ci',
      data,
      message: {
        message_id: message.messageId,
        date: Math.floor(Date.now() / 1000),
        chat: { id: chatId, type: 'private' },
        from: BOT_USER,
        text: message.text,
      },
    },
  };
}
