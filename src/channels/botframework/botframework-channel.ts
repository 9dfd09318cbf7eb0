import {
  ActivityTypes,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  EventFactory,
  MessageFactory,
  TurnContext,
  type Activity,
  type ConversationReference,
  type Request,
  type Response,
} from 'botbuilder';
import type { AgentDesk } from '../../engine/agent-desk';
import { z } from 'zod';
import type { DeliveryContext } from '../../engine/handoff-events';
import type { InboundKind, OutboundMessage } from '../../engine/types';
import type { Logger } from '../../logging/logger';
import type { HttpRequest, HttpResponse, HttpServer } from '../../server/http-server';
import type { ConversationStore } from '../../storage/store';
import type { Channel } from '../channel';
import { inbound, type Inbox } from '../inbox';

export interface BotFrameworkOptions {
  /** Empty: unauthenticated, for the Bot Framework Emulator on a local machine. */
  readonly appId?: string;
  readonly appPassword?: string;
  readonly appTenantId?: string;
  /** MultiTenant (default), SingleTenant or UserAssignedMSI. */
  readonly appType?: string;
  readonly inbox: Inbox;
  readonly store: ConversationStore;
  readonly desk: AgentDesk;
  /**
   * Service URLs the bot may post replies to without authentication (BOT_FRAMEWORK_SERVICE_URLS).
   * Unauthenticated, anyone can call the endpoint, so by default only loopback ones (the Emulator).
   */
  readonly allowedServiceUrls?: readonly string[];
  readonly server: HttpServer;
  readonly log: Logger;
}

const CHANNEL = 'botframework';

/** What every activity must carry to be handled; other fields pass through to the SDK. Any other shape is answered 400. */
const activityShape = z.looseObject({
  type: z.string().min(1).max(64),
  id: z.string().max(512).optional(),
  serviceUrl: z.string().min(1).max(2048),
  channelId: z.string().min(1).max(128),
  conversation: z.looseObject({ id: z.string().min(1).max(1024) }),
  from: z.looseObject({ id: z.string().max(1024), name: z.string().max(512).optional() }).optional(),
  recipient: z.looseObject({ id: z.string().max(1024) }).optional(),
  text: z.string().max(65_536).optional(),
  locale: z.string().max(64).optional(),
});

/** True for http(s)://localhost, 127.x.x.x and [::1] service URLs (the Emulator on this machine). */
function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
  } catch {
    return false;
  }
}
export const MESSAGES_PATH = '/api/messages';

/**
 * Microsoft Bot Framework channels (Web Chat, Direct Line, Teams) through botbuilder's
 * CloudAdapter, behind our own Channel interface so the SDK can be swapped (Microsoft names the
 * 365 Agents SDK as its successor) without touching the engine. Choices are suggested actions;
 * a handoff also sends the Bot Framework `handoff.initiate` event with the transcript, and
 * `handoff.status` events coming back are honoured.
 */
export class BotFrameworkChannel implements Channel {
  readonly name = CHANNEL;
  private readonly adapter: CloudAdapter;

  constructor(private readonly options: BotFrameworkOptions) {
    const auth = new ConfigurationBotFrameworkAuthentication(
      options.appId
        ? { MicrosoftAppId: options.appId, MicrosoftAppPassword: options.appPassword ?? '', MicrosoftAppTenantId: options.appTenantId ?? '', MicrosoftAppType: options.appType ?? 'MultiTenant' }
        : {},
    );
    this.adapter = new CloudAdapter(auth);
    this.adapter.onTurnError = async (context, error) => {
      options.log.error({ err: error, conversation: context.activity.conversation?.id }, 'bot framework turn failed');
    };
  }

  owns(conversationId: string): boolean {
    return conversationId.startsWith(`${CHANNEL}:`);
  }

  async start(): Promise<void> {
    this.options.server.route('POST', MESSAGES_PATH, (request) => this.receive(request));
    if (this.options.appId) this.options.log.info({ path: MESSAGES_PATH }, 'bot framework endpoint ready');
    else this.options.log.warn({ path: MESSAGES_PATH }, 'bot framework endpoint runs WITHOUT authentication (no MICROSOFT_APP_ID): for the Bot Framework Emulator on this machine only');
  }

  async stop(): Promise<void> {
    // Requests in flight finish with the HTTP server.
  }

  /**
   * Replies go out as proactive messages through the stored conversation reference (a turn's
   * answer from the outbox, an agent's reply); a turn that opened a ticket also tells the agent hub.
   */
  async send(conversationId: string, replies: readonly OutboundMessage[], delivery?: DeliveryContext): Promise<void> {
    const reference = this.options.store.channelRef(conversationId) as Partial<ConversationReference> | undefined;
    if (!reference) throw new Error(`no conversation reference for ${conversationId}`);
    // The adapter's turn-error handler swallows what the callback throws: keep the failure and
    // rethrow it, so the outbox retries instead of counting the reply as delivered.
    let failure: unknown;
    await this.adapter.continueConversationAsync(this.options.appId ?? '', reference, async (context) => {
      try {
        for (const activity of activitiesFor(replies)) await context.sendActivity(activity);
        if (delivery?.handoffTicketId) await context.sendActivity(this.handoffEvent(context, conversationId, delivery.handoffTicketId));
      } catch (error) {
        failure = error ?? new Error('bot framework send failed');
      }
    });
    if (failure !== undefined) throw failure instanceof Error ? failure : new Error(String(failure));
  }

  /** Runs the adapter on our HTTP server's request, translating to the shapes it expects. */
  private async receive(request: HttpRequest): Promise<HttpResponse> {
    let json: unknown;
    try {
      json = JSON.parse(request.body.toString('utf8'));
    } catch {
      return { status: 400, body: 'body is not JSON' };
    }
    const parsed = activityShape.safeParse(json);
    if (!parsed.success) return { status: 400, body: 'not a Bot Framework activity' };
    const body: Record<string, unknown> = parsed.data;
    if (!this.options.appId && !isLoopbackUrl(parsed.data.serviceUrl) && !(this.options.allowedServiceUrls ?? []).includes(parsed.data.serviceUrl.replace(/\/+$/, ''))) {
      // Without authentication the caller is unknown: replies must not go to a server it names.
      this.options.log.warn({ serviceUrl: parsed.data.serviceUrl }, 'bot framework activity with a service URL that is not allowed refused (unauthenticated mode)');
      return { status: 403, body: 'service URL not allowed without MICROSOFT_APP_ID' };
    }
    let status = 200;
    let payload: unknown;
    const headers: Record<string, string> = {};
    const req: Request = { body, headers: request.headers as Record<string, string | string[] | undefined>, method: request.method };
    const res: Response = {
      socket: undefined,
      status: (code: number) => {
        status = code;
      },
      header: (name: string, value: unknown) => {
        headers[name.toLowerCase()] = String(value);
      },
      send: (data?: unknown) => {
        payload = data;
      },
      end: () => undefined,
    };
    await this.adapter.process(req, res, (context) => this.onTurn(context));
    return { status, ...(payload !== undefined ? { body: payload } : {}), headers };
  }

  private async onTurn(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const conversationId = `${CHANNEL}:${activity.conversation.id}`;
    if (activity.type === ActivityTypes.Message) {
      const value = activity.value as { text?: unknown } | string | undefined;
      // In Teams channels the bot is addressed as "<at>Tanya</at> …": the mention is not part of the question.
      const written = activity.text !== undefined ? TurnContext.removeRecipientMention(activity).trim() : undefined;
      const text = written ?? (typeof value === 'string' ? value : typeof value?.text === 'string' ? value.text : '');
      const kind: InboundKind = !text && (activity.attachments?.length ?? 0) > 0 ? attachmentKind(activity.attachments?.[0]?.contentType) : 'text';
      await this.take(context, conversationId, `${activity.conversation.id}:${activity.id ?? ''}`, text, kind, activity.id ?? `${Date.now()}`);
      return;
    }
    if (activity.type === ActivityTypes.ConversationUpdate) {
      const someoneJoined = (activity.membersAdded ?? []).some((m) => m.id !== activity.recipient.id);
      if (someoneJoined) await this.take(context, conversationId, `greeting:${activity.conversation.id}`, '/start', 'text', `greet:${activity.conversation.id}`);
      return;
    }
    if (activity.type === ActivityTypes.Event && activity.name === 'handoff.status') this.onHandoffStatus(conversationId, activity);
  }

  /**
   * Takes the message in durably (with the conversation reference the replies need) before the
   * connector gets its 200; the turn and its replies follow from the inbox and outbox.
   */
  private async take(context: TurnContext, conversationId: string, deliveryId: string, text: string, kind: InboundKind, messageId: string): Promise<void> {
    const activity = context.activity;
    const { store, inbox } = this.options;
    const fresh = store.atomically(() => {
      store.saveChannelRef(conversationId, TurnContext.getConversationReference(activity));
      return inbox.accept(CHANNEL, [
        {
          deliveryId,
          message: inbound({ channel: CHANNEL, conversationId, userId: activity.from?.id ?? 'unknown', userName: activity.from?.name, messageId, text, kind, languageHint: activity.locale }),
        },
      ]);
    });
    if (fresh > 0) await context.sendActivity({ type: ActivityTypes.Typing }).catch(() => undefined);
  }

  /** The Bot Framework handoff event, with our ticket and the transcript, for an Azure-side agent hub. */
  private handoffEvent(context: TurnContext, conversationId: string, ticketId: string): Partial<Activity> {
    const ticket = this.options.store.getTicket(ticketId);
    const activities = (ticket?.transcript ?? []).map(
      (line): Partial<Activity> => ({
        type: ActivityTypes.Message,
        text: line.text,
        timestamp: new Date(line.at),
        from: line.direction === 'in' ? context.activity.from : context.activity.recipient,
      }),
    );
    return EventFactory.createHandoffInitiation(context, { ticketId, reason: ticket?.reason, summary: ticket?.summary }, { activities: activities as Activity[] });
  }

  /** `handoff.status` from the agent hub: accepted → claimed, completed → resolved, failed → stays with our agents. */
  private onHandoffStatus(conversationId: string, activity: Activity): void {
    const value = activity.value as { state?: unknown; message?: unknown } | undefined;
    const ticket = this.options.store.openTicketFor(conversationId);
    if (!ticket) return;
    if (value?.state === 'accepted') this.options.desk.claim(ticket.id, 'Agent hub', CHANNEL);
    else if (value?.state === 'completed') this.options.desk.resolve(ticket.id, 'Agent hub', CHANNEL);
    else this.options.log.warn({ ticket: ticket.id, state: value?.state, message: value?.message }, 'agent hub did not take the handoff; the ticket stays queued for our agents');
  }
}

function attachmentKind(contentType: string | undefined): InboundKind {
  if (!contentType) return 'file';
  if (contentType.startsWith('image/')) return 'image';
  if (contentType.startsWith('audio/')) return 'voice';
  if (contentType.startsWith('video/')) return 'video';
  return 'file';
}

/** Our replies as activities: text, and choices as suggested actions (imBack posts the value back). */
export function activitiesFor(replies: readonly OutboundMessage[]): Partial<Activity>[] {
  return replies.map((reply) =>
    reply.kind === 'choice'
      ? MessageFactory.suggestedActions(
          reply.options.map((o) => ({ type: 'imBack', title: o.label, value: o.value })),
          reply.text,
        )
      : MessageFactory.text(reply.text),
  );
}
