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
import type { Engine } from '../../engine/engine';
import type { InboundKind, OutboundMessage, TurnResult } from '../../engine/types';
import type { Logger } from '../../logging/logger';
import type { HttpRequest, HttpResponse, HttpServer } from '../../server/http-server';
import type { ConversationStore } from '../../storage/store';
import type { Channel } from '../channel';

export interface BotFrameworkOptions {
  /** Empty: unauthenticated, for the Bot Framework Emulator on a local machine. */
  readonly appId?: string;
  readonly appPassword?: string;
  readonly appTenantId?: string;
  /** MultiTenant (default), SingleTenant or UserAssignedMSI. */
  readonly appType?: string;
  readonly engine: Engine;
  readonly store: ConversationStore;
  readonly desk: AgentDesk;
  readonly server: HttpServer;
  readonly log: Logger;
}

const CHANNEL = 'botframework';
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

  /** A proactive message (an agent's reply) through the stored conversation reference. */
  async send(conversationId: string, replies: readonly OutboundMessage[]): Promise<void> {
    const reference = this.options.store.channelRef(conversationId) as Partial<ConversationReference> | undefined;
    if (!reference) throw new Error(`no conversation reference for ${conversationId}`);
    await this.adapter.continueConversationAsync(this.options.appId ?? '', reference, async (context) => {
      for (const activity of activitiesFor(replies)) await context.sendActivity(activity);
    });
  }

  /** Runs the adapter on our HTTP server's request, translating to the shapes it expects. */
  private async receive(request: HttpRequest): Promise<HttpResponse> {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(request.body.toString('utf8')) as Record<string, unknown>;
    } catch {
      return { status: 400, body: 'body is not JSON' };
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
    this.options.store.saveChannelRef(conversationId, TurnContext.getConversationReference(activity));
    if (activity.type === ActivityTypes.Message) {
      if (!this.options.store.markDelivered(CHANNEL, `${activity.conversation.id}:${activity.id ?? ''}`)) return;
      const value = activity.value as { text?: unknown } | string | undefined;
      // In Teams channels the bot is addressed as "<at>Tanya</at> …": the mention is not part of the question.
      const written = activity.text !== undefined ? TurnContext.removeRecipientMention(activity).trim() : undefined;
      const text = written ?? (typeof value === 'string' ? value : typeof value?.text === 'string' ? value.text : '');
      const kind: InboundKind = !text && (activity.attachments?.length ?? 0) > 0 ? attachmentKind(activity.attachments?.[0]?.contentType) : 'text';
      await this.turn(context, conversationId, text, kind, activity.id ?? `${Date.now()}`);
      return;
    }
    if (activity.type === ActivityTypes.ConversationUpdate) {
      const someoneJoined = (activity.membersAdded ?? []).some((m) => m.id !== activity.recipient.id);
      if (someoneJoined && this.options.store.markDelivered(`${CHANNEL}-greeting`, activity.conversation.id)) {
        await this.turn(context, conversationId, '/start', 'text', `greet:${activity.conversation.id}`);
      }
      return;
    }
    if (activity.type === ActivityTypes.Event && activity.name === 'handoff.status') this.onHandoffStatus(conversationId, activity);
  }

  private async turn(context: TurnContext, conversationId: string, text: string, kind: InboundKind, messageId: string): Promise<void> {
    const activity = context.activity;
    await context.sendActivity({ type: ActivityTypes.Typing });
    const result = await this.options.engine.handle({
      channel: CHANNEL,
      conversationId,
      userId: activity.from?.id ?? 'unknown',
      ...(activity.from?.name ? { userName: activity.from.name } : {}),
      messageId,
      text,
      kind,
      ...(activity.locale ? { languageHint: activity.locale } : {}),
      receivedAt: new Date(),
    });
    this.options.log.debug({ conversation: conversationId, text, decision: result.decision.type }, 'bot framework turn');
    for (const reply of activitiesFor(result.replies)) await context.sendActivity(reply);
    if (result.decision.type === 'handoff') await context.sendActivity(this.handoffEvent(context, conversationId, result));
  }

  /** The Bot Framework handoff event, with our ticket and the transcript, for an Azure-side agent hub. */
  private handoffEvent(context: TurnContext, conversationId: string, result: TurnResult): Partial<Activity> {
    const ticketId = result.decision.type === 'handoff' ? result.decision.ticketId : '';
    const ticket = this.options.store.getTicket(ticketId);
    const activities = this.options.store.transcript(conversationId).map(
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
    if (value?.state === 'accepted') this.options.desk.claim(ticket.id, 'Agent hub');
    else if (value?.state === 'completed') this.options.desk.resolve(ticket.id, 'Agent hub');
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
