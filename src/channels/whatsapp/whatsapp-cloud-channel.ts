import { z } from 'zod';
import type { DeliveryContext } from '../../engine/handoff-events';
import type { ChoiceOption, GeoPoint, InboundKind, OutboundMessage } from '../../core/types';
import type { Logger } from '../../logging/logger';
import type { HttpRequest, HttpResponse, HttpServer } from '../../server/http-server';
import { headerValue, hmacSha256Hex, sameSecret } from '../../server/secrets';
import type { ConversationStore } from '../../storage/store';
import { UndeliverableError, type Channel } from '../channel';
import { inbound, type Inbox, type InboxDelivery } from '../inbox';
import { DEFAULT_RETRY, isNetworkError, withRetry, type RetryAdvice, type RetryOptions } from '../retry';
import { renderAsText, splitMessage, truncateUtf8 } from '../text';

export interface WhatsAppCloudOptions {
  readonly token: string;
  readonly phoneNumberId: string;
  readonly appSecret: string;
  readonly verifyToken: string;
  /** Graph API base (default https://graph.facebook.com); tests point it at a local stand-in. */
  readonly graphUrl?: string;
  readonly graphVersion?: string;
  readonly inbox: Inbox;
  readonly store: ConversationStore;
  readonly server: HttpServer;
  readonly log: Logger;
  readonly retry?: RetryOptions;
}

const CHANNEL = 'whatsapp';
export const WEBHOOK_PATH = '/webhooks/whatsapp';
/** Our tag on each message sent ("tanya:<outbox id>:<piece>"), echoed by Meta in status webhooks. */
const TAG_PREFIX = 'tanya:';
/** Where confirmed tags are remembered (the store's delivery ids). */
const SENT_CHANNEL = 'whatsapp-sent';
/** After a crash, a message that was on its way waits this long for Meta's status before it is sent again. */
const CONFIRMATION_WAIT_MS = 10_000;
/** Meta's error for a free-form message after the 24-hour customer-service window. */
const OUTSIDE_WINDOW = 131047;
const TEXT_LIMIT = 4096;
/** Longest text field accepted from the webhook (Meta's own limit is 4,096 characters). */
const MAX_TEXT = 65_536;
/** Most messages (or entries, changes, statuses) in one webhook call. */
const MAX_BATCH = 1000;

/** An error answer from the Graph API. */
class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

function classify(error: unknown): RetryAdvice {
  if (error instanceof GraphError) return { retry: error.status === 429 || error.status >= 500 };
  if (!isNetworkError(error)) return { retry: false };
  // Refused: nothing reached Meta. Otherwise (reset, timeout) Meta may have the message: give its
  // status webhook a moment to say so before sending again.
  return isRefused(error) ? { retry: true } : { retry: true, afterMs: IN_DOUBT_WAIT_MS };
}

/** How long a retry waits when the last answer was lost on the way (statuses arrive within seconds). */
const IN_DOUBT_WAIT_MS = 3_000;

function isRefused(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 4) return false;
  const e = error as { code?: unknown; cause?: unknown };
  return e.code === 'ECONNREFUSED' || isRefused(e.cause, depth + 1);
}

/** The webhook's body as Meta sends it, checked at the edge: any other shape is answered 400, never 500. */
const caption = z.object({ caption: z.string().max(MAX_TEXT).optional() }).optional();
const pick = z.object({ id: z.string().max(512), title: z.string().max(512) });
const cloudMessage = z.object({
  from: z.string().min(1).max(64),
  id: z.string().min(1).max(512),
  type: z.string().max(64),
  text: z.object({ body: z.string().max(MAX_TEXT).optional() }).optional(),
  interactive: z.object({ button_reply: pick.optional(), list_reply: pick.optional() }).optional(),
  button: z.object({ text: z.string().max(MAX_TEXT).optional(), payload: z.string().max(MAX_TEXT).optional() }).optional(),
  location: z.object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) }).optional(),
  image: caption,
  video: caption,
  document: caption,
});
const cloudValue = z.object({
  messages: z.array(cloudMessage).max(MAX_BATCH).optional(),
  contacts: z
    .array(z.object({ wa_id: z.string().max(64).optional(), profile: z.object({ name: z.string().max(256).optional() }).optional() }))
    .max(MAX_BATCH)
    .optional(),
  statuses: z
    .array(
      z.object({
        status: z.string().optional(),
        recipient_id: z.string().optional(),
        biz_opaque_callback_data: z.string().max(512).optional(),
        errors: z.array(z.object({ code: z.number().optional(), title: z.string().optional() })).optional(),
      }),
    )
    .max(MAX_BATCH)
    .optional(),
});
const cloudPayload = z.object({
  entry: z
    .array(
      z.object({
        changes: z
          .array(z.object({ value: cloudValue.optional() }))
          .max(MAX_BATCH)
          .optional(),
      }),
    )
    .max(MAX_BATCH)
    .optional(),
});

type CloudMessage = z.infer<typeof cloudMessage>;
type CloudValue = z.infer<typeof cloudValue>;

/** A Map: the message type comes from the webhook, so "constructor" must be just an unknown type. */
const MEDIA_KINDS: ReadonlyMap<string, InboundKind> = new Map([
  ['image', 'image'],
  ['audio', 'voice'],
  ['voice', 'voice'],
  ['video', 'video'],
  ['document', 'file'],
  ['sticker', 'sticker'],
  ['contacts', 'contact'],
]);

/**
 * The official WhatsApp Cloud API: a webhook at /webhooks/whatsapp (GET verification, POST
 * signed with X-Hub-Signature-256 and checked in constant time) and replies through the Graph
 * API. Choices become reply buttons (up to 3 short labels) or a list (up to 10), otherwise a
 * numbered text. Agent replies after the 24-hour window fail at the API; the agents are told.
 */
export class WhatsAppCloudChannel implements Channel {
  readonly name = CHANNEL;
  readonly confirmationWaitMs = CONFIRMATION_WAIT_MS;

  constructor(private readonly options: WhatsAppCloudOptions) {}

  owns(conversationId: string): boolean {
    return conversationId.startsWith(`${CHANNEL}:`);
  }

  async start(): Promise<void> {
    this.options.server.route('GET', WEBHOOK_PATH, (r) => this.verify(r));
    this.options.server.route('POST', WEBHOOK_PATH, (r) => this.receive(r));
    this.options.log.info({ path: WEBHOOK_PATH }, 'whatsapp cloud api webhook ready');
  }

  async stop(): Promise<void> {
    // Messages taken in are handled by the inbox; nothing runs here between calls.
  }

  async send(conversationId: string, replies: readonly OutboundMessage[], context?: DeliveryContext): Promise<void> {
    if (!this.owns(conversationId)) throw new Error(`not a WhatsApp conversation: ${conversationId}`);
    await this.deliver(conversationId.slice(CHANNEL.length + 1), replies, context?.deliveryId);
  }

  private verify(request: HttpRequest): HttpResponse {
    const q = request.query;
    if (q.get('hub.mode') === 'subscribe' && sameSecret(q.get('hub.verify_token') ?? undefined, this.options.verifyToken)) {
      return { status: 200, body: q.get('hub.challenge') ?? '' };
    }
    return { status: 403, body: 'verification failed' };
  }

  private async receive(request: HttpRequest): Promise<HttpResponse> {
    const signature = headerValue(request.headers['x-hub-signature-256']);
    if (!sameSecret(signature, `sha256=${hmacSha256Hex(this.options.appSecret, request.body)}`)) {
      this.options.log.warn('whatsapp webhook call with a missing or wrong signature refused');
      return { status: 401, body: 'bad signature' };
    }
    let json: unknown;
    try {
      json = JSON.parse(request.body.toString('utf8'));
    } catch {
      return { status: 400, body: 'bad json' };
    }
    const parsed = cloudPayload.safeParse(json);
    if (!parsed.success) {
      this.options.log.warn(
        { problem: parsed.error.issues[0]?.message, at: parsed.error.issues[0]?.path.join('.') },
        'whatsapp webhook body of an unknown shape refused',
      );
      return { status: 400, body: 'unexpected payload shape' };
    }
    const deliveries: InboxDelivery[] = [];
    for (const entry of parsed.data.entry ?? []) {
      for (const change of entry.changes ?? []) {
        const value = change.value;
        if (!value) continue;
        const names = new Map((value.contacts ?? []).map((c) => [c.wa_id ?? '', c.profile?.name ?? '']));
        for (const message of value.messages ?? []) {
          const delivery = deliveryOf(message, names.get(message.from));
          if (delivery) deliveries.push(delivery);
        }
        for (const status of value.statuses ?? []) await this.onStatus(status);
      }
    }
    // Meta is told "received" only once every message is recorded; if the store fails, Meta delivers again.
    try {
      await this.options.inbox.accept(CHANNEL, deliveries);
    } catch (error) {
      this.options.log.error({ err: error }, 'whatsapp messages not recorded; asking Meta to deliver again');
      return { status: 503, body: 'try again' };
    }
    return { status: 200, body: 'ok' };
  }

  /**
   * Statuses confirm what Meta received: a message we tagged is remembered as sent, so after a
   * crash it is not sent twice. A late "outside the 24-hour window" failure is logged.
   */
  private async onStatus(status: NonNullable<CloudValue['statuses']>[number]): Promise<void> {
    const tag = status.biz_opaque_callback_data;
    if (tag?.startsWith(TAG_PREFIX) && status.status !== 'failed') await this.options.store.markDelivered(SENT_CHANNEL, tag);
    if (status.status === 'failed' && status.errors?.some((e) => e.code === OUTSIDE_WINDOW)) {
      this.options.log.warn({ recipient: status.recipient_id }, 'whatsapp: message failed outside the 24-hour window');
    }
  }

  /**
   * Each Graph message carries `biz_opaque_callback_data` "tanya:<outbox id>:<piece>": Meta echoes
   * it in status webhooks, so a message sent twice after a crash can be told from two answers.
   */
  private async deliver(to: string, replies: readonly OutboundMessage[], deliveryId?: string): Promise<void> {
    let piece = 0;
    for (const reply of replies) {
      for (const body of payloadsFor(reply)) {
        const tag = deliveryId ? `${TAG_PREFIX}${deliveryId}:${piece++}` : undefined;
        // Meta confirmed this piece before a crash: it is not sent again.
        if (tag && (await this.options.store.wasDelivered(SENT_CHANNEL, tag))) continue;
        await this.post(to, tag ? { ...body, biz_opaque_callback_data: tag } : body, tag);
      }
    }
  }

  private async post(to: string, body: Record<string, unknown>, tag?: string): Promise<void> {
    const { graphUrl = 'https://graph.facebook.com', graphVersion = 'v21.0', phoneNumberId, token } = this.options;
    const url = `${graphUrl.replace(/\/+$/, '')}/${graphVersion}/${encodeURIComponent(phoneNumberId)}/messages`;
    try {
      await withRetry(
        async () => {
          // A retry after a lost answer: Meta may have taken the piece and said so in a status.
          if (tag && (await this.options.store.wasDelivered(SENT_CHANNEL, tag))) return;
          const response = await fetch(url, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', to, ...body }),
            signal: AbortSignal.timeout(15_000),
          });
          const answer = (await response.json().catch(() => ({}))) as { error?: { code?: number; message?: string } };
          if (!response.ok) throw new GraphError(response.status, answer.error?.code, answer.error?.message ?? `graph api answered ${response.status}`);
        },
        classify,
        this.options.retry ?? DEFAULT_RETRY,
      );
    } catch (error) {
      if (error instanceof GraphError && error.code === OUTSIDE_WINDOW) {
        throw new UndeliverableError(
          'WhatsApp 24-hour customer-service window is closed',
          'Kirim template message yang disetujui Meta, atau tunggu pelanggan menulis lagi / send an approved template message, or wait for the customer to write again',
        );
      }
      throw error;
    }
  }
}

/** A message as the inbox takes it in; undefined for kinds with nothing to answer (reactions, system). */
function deliveryOf(message: CloudMessage, name: string | undefined): InboxDelivery | undefined {
  const content = contentOf(message);
  if (!content) return undefined;
  const conversationId = `${CHANNEL}:${message.from}`;
  return {
    deliveryId: message.id,
    message: inbound({
      channel: CHANNEL,
      conversationId,
      userId: message.from,
      userName: name,
      messageId: message.id,
      text: content.text,
      kind: content.kind,
      location: content.location,
    }),
  };
}

/** What the customer sent, in engine terms; a button or list pick is the text it stands for. */
function contentOf(message: CloudMessage): { kind: InboundKind; text: string; location?: GeoPoint } | undefined {
  switch (message.type) {
    case 'text':
      return { kind: 'text', text: message.text?.body ?? '' };
    case 'interactive': {
      const pick = message.interactive?.button_reply ?? message.interactive?.list_reply;
      return pick ? { kind: 'text', text: pick.id.startsWith('v:') ? pick.id.slice(2) : pick.title } : undefined;
    }
    case 'button':
      return { kind: 'text', text: message.button?.payload ?? message.button?.text ?? '' };
    case 'location':
      return message.location ? { kind: 'location', text: '', location: { lat: message.location.latitude, lon: message.location.longitude } } : undefined;
    case 'reaction':
    case 'system':
    case 'unsupported':
      return undefined;
    default: {
      const kind = MEDIA_KINDS.get(message.type);
      if (!kind) return undefined;
      const caption = message.image?.caption ?? message.video?.caption ?? message.document?.caption ?? '';
      return { kind, text: caption };
    }
  }
}

/** Graph API message bodies for one reply: text pieces, or interactive buttons/list for choices. */
export function payloadsFor(reply: OutboundMessage): Record<string, unknown>[] {
  if (reply.kind === 'choice' && reply.options.length > 0 && reply.text.length <= 1024) {
    const id = (o: ChoiceOption, i: number): string => (Buffer.byteLength(`v:${o.value}`) <= 200 ? `v:${o.value}` : `n:${i + 1}`);
    if (reply.options.length <= 3 && reply.options.every((o) => o.label.length <= 20)) {
      return [
        {
          type: 'interactive',
          interactive: {
            type: 'button',
            body: { text: reply.text },
            action: { buttons: reply.options.map((o, i) => ({ type: 'reply', reply: { id: id(o, i), title: o.label } })) },
          },
        },
      ];
    }
    if (reply.options.length <= 10 && reply.options.every((o) => o.label.length <= 24)) {
      return [
        {
          type: 'interactive',
          interactive: {
            type: 'list',
            body: { text: reply.text },
            action: {
              button: 'Pilih / Choose',
              sections: [{ title: truncateUtf8('Pilihan', 24), rows: reply.options.map((o, i) => ({ id: id(o, i), title: o.label })) }],
            },
          },
        },
      ];
    }
  }
  return splitMessage(renderAsText([reply]), TEXT_LIMIT).map((body) => ({ type: 'text', text: { body, preview_url: false } }));
}
