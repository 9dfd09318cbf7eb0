import {
  ActivityTypes,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  EventFactory,
  MessageFactory,
  TurnContext,
  type Activity,
  type ConversationReference,
  type InvokeResponse,
} from 'botbuilder';
import type { AgentDesk } from '../../engine/agent-desk';
import { z } from 'zod';
import type { DeliveryContext } from '../../engine/handoff-events';
import type { InboundKind, OutboundMessage } from '../../core/types';
import type { Logger } from '../../logging/logger';
import { SMALL_WEBHOOK_BODY_BYTES, type HttpRequest, type HttpResponse, type HttpServer } from '../../server/http-server';
import { headerValue } from '../../server/secrets';
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

/** Largest activity accepted: activities are single messages, never batches. */
export const MAX_ACTIVITY_BYTES = SMALL_WEBHOOK_BODY_BYTES;

/** Ids we key storage and dedupe on: no control characters (a newline in an id is never genuine). */
const idText = (max: number): z.ZodString =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[^\u0000-\u001f\u007f]+$/);
const account = z.looseObject({ id: z.string().min(1).max(1024), name: z.string().max(512).optional(), role: z.string().max(64).optional() });

/**
 * What every activity must carry to be handled, and the shape of each field our turn code or the
 * SDK reads; other fields pass through to the SDK. Any other shape is answered 400, so a malformed
 * activity never reaches a turn (where it would fail with a TypeError behind a 200).
 */
const activityShape = z.looseObject({
  type: z.string().min(1).max(64),
  id: idText(512).optional(),
  serviceUrl: z.string().min(1).max(2048),
  channelId: z.string().min(1).max(128),
  conversation: z.looseObject({ id: idText(1024) }),
  from: account,
  recipient: account,
  text: z.string().max(65_536).optional(),
  locale: z.string().max(64).optional(),
  name: z.string().max(256).optional(),
  entities: z
    .array(z.looseObject({ type: z.string().max(128) }))
    .max(64)
    .optional(),
  attachments: z
    .array(z.looseObject({ contentType: z.string().max(256).optional() }))
    .max(64)
    .optional(),
  membersAdded: z.array(account).max(1000).optional(),
  membersRemoved: z.array(account).max(1000).optional(),
});
type ParsedActivity = z.infer<typeof activityShape>;

/** The fields authentication reads (the token's serviceUrl claim, the channel, an Emulator skill call). */
const authEnvelope = z.looseObject({
  serviceUrl: z.string().min(1).max(2048),
  channelId: z.string().max(128).optional(),
  recipient: z.looseObject({ role: z.string().max(64).optional() }).optional(),
});
type AuthEnvelope = z.infer<typeof authEnvelope>;

/** What the Bot Framework authentication grants a request (and the adapter needs to run the turn). */
type Authenticated = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>>;

/** An Authorization header worth handing to the JWT check (a bounded `Bearer <token>`). */
const BEARER = /^Bearer [A-Za-z0-9._~+/=-]{1,16384}$/;

/** CloudAdapter that runs a turn for a request we authenticated ourselves, before reading the activity. */
class PreauthenticatedAdapter extends CloudAdapter {
  runAuthenticated(authenticated: Authenticated, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(authenticated, activity, logic);
  }
}

/** True for an authentication failure of the SDK's JWT check (AuthenticationError carries a status code). */
function isAuthenticationFailure(error: unknown): boolean {
  return error instanceof Error && typeof (error as { statusCode?: unknown }).statusCode === 'number';
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** True for http(s)://localhost, 127.x.x.x and [::1] service URLs (the Emulator on this machine). */
function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
  } catch {
    return false;
  }
}

/**
 * The inbox dedupe key and stored message id of an activity. Activity ids are unique only within
 * their conversation, so the key is `${conversationId}:${activityId}`; the conversation id is
 * percent-encoded there (Teams ids hold `:`), so the first `:` always ends it and no two
 * (conversation, activity) pairs share a key.
 */
export function activityKey(conversationId: string, activityId: string): string {
  return `${encodeURIComponent(conversationId)}:${activityId}`;
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
  private readonly adapter: PreauthenticatedAdapter;
  private readonly auth: ConfigurationBotFrameworkAuthentication;

  constructor(private readonly options: BotFrameworkOptions) {
    this.auth = new ConfigurationBotFrameworkAuthentication(
      options.appId
        ? {
            MicrosoftAppId: options.appId,
            MicrosoftAppPassword: options.appPassword ?? '',
            MicrosoftAppTenantId: options.appTenantId ?? '',
            MicrosoftAppType: options.appType ?? 'MultiTenant',
          }
        : {},
    );
    this.adapter = new PreauthenticatedAdapter(this.auth);
    this.adapter.onTurnError = async (context, error) => {
      options.log.error({ err: error, conversation: context.activity.conversation?.id }, 'bot framework turn failed');
    };
  }

  owns(conversationId: string): boolean {
    return conversationId.startsWith(`${CHANNEL}:`);
  }

  async start(): Promise<void> {
    this.options.server.route('POST', MESSAGES_PATH, (request) => this.receive(request), { maxBodyBytes: MAX_ACTIVITY_BYTES });
    if (this.options.appId) this.options.log.info({ path: MESSAGES_PATH }, 'bot framework endpoint ready');
    else
      this.options.log.warn(
        { path: MESSAGES_PATH },
        'bot framework endpoint runs WITHOUT authentication (no MICROSOFT_APP_ID): for the Bot Framework Emulator on this machine only',
      );
  }

  async stop(): Promise<void> {
    // Requests in flight finish with the HTTP server.
  }

  /**
   * Replies go out as proactive messages through the stored conversation reference (a turn's
   * answer from the outbox, an agent's reply); a turn that opened a ticket also tells the agent hub.
   */
  async send(conversationId: string, replies: readonly OutboundMessage[], delivery?: DeliveryContext): Promise<void> {
    const reference = (await this.options.store.channelRef(conversationId)) as Partial<ConversationReference> | undefined;
    if (!reference) throw new Error(`no conversation reference for ${conversationId}`);
    // The adapter's turn-error handler swallows what the callback throws: keep the failure and
    // rethrow it, so the outbox retries instead of counting the reply as delivered.
    let failure: unknown;
    await this.adapter.continueConversationAsync(this.options.appId ?? '', reference, async (context) => {
      try {
        for (const activity of activitiesFor(replies)) await context.sendActivity(activity);
        if (delivery?.handoffTicketId) await context.sendActivity(await this.handoffEvent(context, conversationId, delivery.handoffTicketId));
      } catch (error) {
        failure = error ?? new Error('bot framework send failed');
      }
    });
    if (failure !== undefined) throw failure instanceof Error ? failure : new Error('bot framework send failed', { cause: failure });
  }

  /**
   * Authenticates the request first (the SDK's JWT check with an app id; without one, our rule
   * that replies may only go to this machine or BOT_FRAMEWORK_SERVICE_URLS), then validates the
   * activity, then runs the turn through the adapter with that authentication.
   */
  private async receive(request: HttpRequest): Promise<HttpResponse> {
    const authenticated = await this.authenticate(request);
    if ('status' in authenticated) return authenticated;
    const parsed = activityShape.safeParse(authenticated.json);
    if (!parsed.success) return { status: 400, body: 'not a Bot Framework activity' };
    // Without an id a message cannot be told from its redelivery: refused rather than guessed at.
    if (parsed.data.type === 'message' && parsed.data.id === undefined) return { status: 400, body: 'message activity without an id' };
    const activity = parsed.data as ParsedActivity & Activity;
    const response = await this.adapter.runAuthenticated(authenticated.result, activity, (context) => this.onTurn(context));
    return { status: response?.status ?? 200, ...(response?.body !== undefined ? { body: response.body } : {}) };
  }

  /** The request's authentication and its parsed body, or the answer refusing it. */
  private async authenticate(request: HttpRequest): Promise<{ result: Authenticated; json: unknown } | HttpResponse> {
    const { appId, allowedServiceUrls, log } = this.options;
    const header = headerValue(request.headers.authorization)?.trim() ?? '';
    if (appId) {
      // Nothing is read from an unauthenticated body beyond what the token is checked against.
      if (!BEARER.test(header)) return { status: 401, body: 'unauthorized' };
      const json = parseJson(request.body);
      const envelope = authEnvelope.safeParse(json);
      try {
        return { result: await this.auth.authenticateRequest(authActivity(envelope.success ? envelope.data : undefined), header), json };
      } catch (error) {
        if (!isAuthenticationFailure(error)) throw error;
        log.warn({ reason: error instanceof Error ? error.message : String(error) }, 'bot framework request with a bad token refused');
        return { status: 401, body: 'unauthorized' };
      }
    }
    const json = parseJson(request.body);
    const envelope = authEnvelope.safeParse(json);
    if (!envelope.success) return { status: 400, body: 'not a Bot Framework activity' };
    const { serviceUrl } = envelope.data;
    if (!isLoopbackUrl(serviceUrl) && !(allowedServiceUrls ?? []).includes(serviceUrl.replace(/\/+$/, ''))) {
      // Without authentication the caller is unknown: replies must not go to a server it names.
      log.warn({ serviceUrl }, 'bot framework activity with a service URL that is not allowed refused (unauthenticated mode)');
      return { status: 403, body: 'service URL not allowed without MICROSOFT_APP_ID' };
    }
    return { result: await this.auth.authenticateRequest(authActivity(envelope.data), ''), json };
  }

  private async onTurn(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const conversationId = `${CHANNEL}:${activity.conversation.id}`;
    if (activity.type === 'message') {
      const value = activity.value as { text?: unknown } | string | undefined;
      // In Teams channels the bot is addressed as "<at>Tanya</at> …": the mention is not part of the question.
      const written = activity.text !== undefined ? withoutMentionOf(activity, activity.recipient.id).trim() : undefined;
      const text = written ?? (typeof value === 'string' ? value : typeof value?.text === 'string' ? value.text : '');
      const kind: InboundKind = !text && (activity.attachments?.length ?? 0) > 0 ? attachmentKind(activity.attachments?.[0]?.contentType) : 'text';
      // receive() refuses message activities without an id; never dedupe on a missing one.
      if (activity.id === undefined) return;
      const key = activityKey(activity.conversation.id, activity.id);
      await this.take(context, conversationId, key, text, kind, key);
      return;
    }
    if (activity.type === 'conversationUpdate') {
      const someoneJoined = (activity.membersAdded ?? []).some((m) => m.id !== activity.recipient.id);
      if (someoneJoined)
        await this.take(context, conversationId, `greeting:${activity.conversation.id}`, '/start', 'text', `greet:${activity.conversation.id}`);
      return;
    }
    if (activity.type === 'event' && activity.name === 'handoff.status') await this.onHandoffStatus(conversationId, activity);
  }

  /**
   * Takes the message in durably (with the conversation reference the replies need) before the
   * connector gets its 200; the turn and its replies follow from the inbox and outbox.
   */
  private async take(context: TurnContext, conversationId: string, deliveryId: string, text: string, kind: InboundKind, messageId: string): Promise<void> {
    const activity = context.activity;
    const { store, inbox } = this.options;
    // The reference is saved first: a message taken in can always be answered.
    await store.saveChannelRef(conversationId, TurnContext.getConversationReference(activity));
    const fresh = await inbox.accept(CHANNEL, [
      {
        deliveryId,
        message: inbound({
          channel: CHANNEL,
          conversationId,
          userId: activity.from?.id ?? 'unknown',
          userName: activity.from?.name,
          messageId,
          text,
          kind,
          languageHint: activity.locale,
        }),
      },
    ]);
    if (fresh > 0) await context.sendActivity({ type: ActivityTypes.Typing }).catch(() => undefined);
  }

  /** The Bot Framework handoff event, with our ticket and the transcript, for an Azure-side agent hub. */
  private async handoffEvent(context: TurnContext, conversationId: string, ticketId: string): Promise<Partial<Activity>> {
    const ticket = await this.options.store.getTicket(ticketId);
    const activities = (ticket?.transcript ?? []).map((line): Partial<Activity> => ({
      type: ActivityTypes.Message,
      text: line.text,
      timestamp: new Date(line.at),
      from: line.direction === 'in' ? context.activity.from : context.activity.recipient,
    }));
    return EventFactory.createHandoffInitiation(
      context,
      { ticketId, reason: ticket?.reason, summary: ticket?.summary },
      { activities: activities as Activity[] },
    );
  }

  /** `handoff.status` from the agent hub: accepted → claimed, completed → resolved, failed → stays with our agents. */
  private async onHandoffStatus(conversationId: string, activity: Activity): Promise<void> {
    const value = activity.value as { state?: unknown; message?: unknown } | undefined;
    const ticket = await this.options.store.openTicketFor(conversationId);
    if (!ticket) return;
    if (value?.state === 'accepted') await this.options.desk.claim(ticket.id, 'Agent hub', CHANNEL);
    else if (value?.state === 'completed') await this.options.desk.resolve(ticket.id, 'Agent hub', CHANNEL);
    else
      this.options.log.warn(
        { ticket: ticket.id, state: value?.state, message: value?.message },
        'agent hub did not take the handoff; the ticket stays queued for our agents',
      );
  }
}

/** Only what authentication reads of an activity; the rest is not looked at before it holds. */
function authActivity(envelope: AuthEnvelope | undefined): Activity {
  const partial: Partial<Activity> = {
    ...(envelope?.serviceUrl !== undefined ? { serviceUrl: envelope.serviceUrl } : {}),
    ...(envelope?.channelId !== undefined ? { channelId: envelope.channelId } : {}),
    ...(envelope?.recipient?.role !== undefined ? { recipient: { id: '', name: '', role: envelope.recipient.role } } : {}),
  };
  return partial as Activity;
}

/**
 * The text without the first mention of `id` (what TurnContext.removeRecipientMention does, minus
 * its TypeErrors): mention entities without a string `text` and `mentioned.id` are skipped.
 */
function withoutMentionOf(activity: Activity, id: string): string {
  const text = activity.text ?? '';
  for (const entity of activity.entities ?? []) {
    const mention = entity as { type: string; text?: unknown; mentioned?: { id?: unknown } };
    if (mention.type.toLowerCase() !== 'mention' || typeof mention.text !== 'string' || !mention.text || mention.mentioned?.id !== id) continue;
    return text.replace(mention.text, '');
  }
  return text;
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
