import type { Engine } from '../../engine/engine';
import type { ChoiceOption, GeoPoint, InboundKind, OutboundMessage } from '../../engine/types';
import type { Logger } from '../../logging/logger';
import type { HttpRequest, HttpResponse, HttpServer } from '../../server/http-server';
import { headerValue, hmacSha256Hex, sameSecret } from '../../server/secrets';
import type { ConversationStore } from '../../storage/store';
import { UndeliverableError, type Channel } from '../channel';
import { PerKeyQueue } from '../serial';
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
  readonly engine: Engine;
  readonly store: ConversationStore;
  readonly server: HttpServer;
  readonly log: Logger;
  readonly retry?: RetryOptions;
}

const CHANNEL = 'whatsapp';
export const WEBHOOK_PATH = '/webhooks/whatsapp';
/** Meta's error for a free-form message after the 24-hour customer-service window. */
const OUTSIDE_WINDOW = 131047;
const TEXT_LIMIT = 4096;

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
  return { retry: isNetworkError(error) };
}

interface CloudMessage {
  readonly from: string;
  readonly id: string;
  readonly type: string;
  readonly text?: { readonly body?: string };
  readonly interactive?: { readonly button_reply?: { readonly id: string; readonly title: string }; readonly list_reply?: { readonly id: string; readonly title: string } };
  readonly button?: { readonly text?: string; readonly payload?: string };
  readonly location?: { readonly latitude: number; readonly longitude: number };
  readonly image?: { readonly caption?: string };
  readonly video?: { readonly caption?: string };
  readonly document?: { readonly caption?: string };
}

interface CloudValue {
  readonly messages?: readonly CloudMessage[];
  readonly contacts?: readonly { readonly wa_id?: string; readonly profile?: { readonly name?: string } }[];
  readonly statuses?: readonly { readonly status?: string; readonly recipient_id?: string; readonly errors?: readonly { readonly code?: number; readonly title?: string }[] }[];
}

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
  private readonly inFlight = new Set<Promise<void>>();
  private readonly queue = new PerKeyQueue();

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
    await Promise.allSettled([...this.inFlight]);
  }

  async send(conversationId: string, replies: readonly OutboundMessage[]): Promise<void> {
    if (!this.owns(conversationId)) throw new Error(`not a WhatsApp conversation: ${conversationId}`);
    await this.deliver(conversationId.slice(CHANNEL.length + 1), replies);
  }

  private verify(request: HttpRequest): HttpResponse {
    const q = request.query;
    if (q.get('hub.mode') === 'subscribe' && sameSecret(q.get('hub.verify_token') ?? undefined, this.options.verifyToken)) {
      return { status: 200, body: q.get('hub.challenge') ?? '' };
    }
    return { status: 403, body: 'verification failed' };
  }

  private receive(request: HttpRequest): HttpResponse {
    const signature = headerValue(request.headers['x-hub-signature-256']);
    if (!sameSecret(signature, `sha256=${hmacSha256Hex(this.options.appSecret, request.body)}`)) {
      this.options.log.warn('whatsapp webhook call with a missing or wrong signature refused');
      return { status: 401, body: 'bad signature' };
    }
    let payload: { entry?: { changes?: { value?: CloudValue }[] }[] };
    try {
      payload = JSON.parse(request.body.toString('utf8')) as typeof payload;
    } catch {
      return { status: 400, body: 'bad json' };
    }
    // Meta wants a quick 200; the turns run after it (a redelivery is recognised by message id).
    for (const entry of payload.entry ?? []) {
      for (const change of entry.changes ?? []) {
        const value = change.value;
        if (!value) continue;
        const names = new Map((value.contacts ?? []).map((c) => [c.wa_id ?? '', c.profile?.name ?? '']));
        for (const message of value.messages ?? []) this.track(this.onMessage(message, names.get(message.from)));
        for (const status of value.statuses ?? []) this.onStatus(status);
      }
    }
    return { status: 200, body: 'ok' };
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  /** Delivery statuses are ignored, except a late "outside the 24-hour window" failure, which is logged. */
  private onStatus(status: NonNullable<CloudValue['statuses']>[number]): void {
    if (status.status === 'failed' && status.errors?.some((e) => e.code === OUTSIDE_WINDOW)) {
      this.options.log.warn({ recipient: status.recipient_id }, 'whatsapp: message failed outside the 24-hour window');
    }
  }

  private async onMessage(message: CloudMessage, name: string | undefined): Promise<void> {
    try {
      if (!message.from || !message.id) return;
      if (!this.options.store.markDelivered(CHANNEL, message.id)) return;
      const content = contentOf(message);
      if (!content) return;
      const conversationId = `${CHANNEL}:${message.from}`;
      await this.queue.run(conversationId, async () => {
        const result = await this.options.engine.handle({
          channel: CHANNEL,
          conversationId,
          userId: message.from,
          ...(name ? { userName: name } : {}),
          messageId: message.id,
          text: content.text,
          kind: content.kind,
          ...(content.location ? { location: content.location } : {}),
          receivedAt: new Date(),
        });
        this.options.log.debug({ conversation: conversationId, text: content.text, decision: result.decision.type }, 'whatsapp cloud turn');
        await this.deliver(message.from, result.replies);
      });
    } catch (error) {
      this.options.log.error({ err: error }, 'whatsapp cloud message failed');
    }
  }


  private async deliver(to: string, replies: readonly OutboundMessage[]): Promise<void> {
    for (const reply of replies) {
      for (const body of payloadsFor(reply)) await this.post(to, body);
    }
  }

  private async post(to: string, body: Record<string, unknown>): Promise<void> {
    const { graphUrl = 'https://graph.facebook.com', graphVersion = 'v21.0', phoneNumberId, token } = this.options;
    const url = `${graphUrl.replace(/\/+$/, '')}/${graphVersion}/${encodeURIComponent(phoneNumberId)}/messages`;
    try {
      await withRetry(
        async () => {
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
          interactive: { type: 'button', body: { text: reply.text }, action: { buttons: reply.options.map((o, i) => ({ type: 'reply', reply: { id: id(o, i), title: o.label } })) } },
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
            action: { button: 'Pilih / Choose', sections: [{ title: truncateUtf8('Pilihan', 24), rows: reply.options.map((o, i) => ({ id: id(o, i), title: o.label })) }] },
          },
        },
      ];
    }
  }
  return splitMessage(renderAsText([reply]), TEXT_LIMIT).map((body) => ({ type: 'text', text: { body, preview_url: false } }));
}
