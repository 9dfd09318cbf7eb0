import type { DeliveryContext } from '../../engine/handoff-events';
import type { OutboundMessage } from '../../core/types';
import type { KnowledgeBase } from '../../knowledge/schema';
import type { Logger } from '../../logging/logger';
import type { HttpRequest, HttpResponse, HttpServer } from '../../server/http-server';
import { headerValue } from '../../server/secrets';
import type { ConversationStore } from '../../storage/store';
import type { Channel } from '../channel';
import type { Inbox } from '../inbox';
import type { AllowedOrigins } from './allowed-origins';
import type { ConversationTokens } from './conversation-token';
import { DEMO_CSP, DEMO_STYLES, demoPage } from './demo-page';
import { MAX_FRAME_BYTES } from './frames';
import { deliveryLines } from './history';
import { LiveEvents } from './live-events';
import { PollTransport } from './poll-transport';
import { WEBCHAT_PATHS } from './protocol';
import { DEFAULT_WEBCHAT_LIMITS, WEBCHAT_CHANNEL, WebChatSessions, type WebChatLimits } from './sessions';
import { ConnectionCounter, SocketTransport } from './socket-transport';
import { GzippedScript, widgetCode, widgetScript } from './widget-bundle';
import { widgetConfig, type WidgetLook } from './widget-settings';

export interface WebChatOptions {
  readonly inbox: Inbox;
  readonly store: ConversationStore;
  readonly server: HttpServer;
  readonly log: Logger;
  /** The knowledge base being served (names, greeting and languages of the widget). */
  readonly kb: () => KnowledgeBase;
  readonly tokens: ConversationTokens;
  readonly origins: AllowedOrigins;
  readonly look: WidgetLook;
  /** Rate limits by the address a reverse proxy reports (WEBCHAT_TRUST_PROXY=1; default: the peer's). */
  readonly trustProxy?: boolean;
  readonly limits?: Partial<WebChatLimits>;
  /** How long a long poll waits (default 25 s). */
  readonly pollWaitMs?: number;
}

/**
 * Web chat on the shop's own website: `<script src="https://bot.example.com/webchat/widget.js"
 * async>` shows a chat bubble that talks to this server over a WebSocket (long polling where
 * WebSockets are blocked). Conversations are `webchat:<key>`, the key inside an HMAC-signed token
 * the browser keeps, so a reload or a second tab continues the same conversation with its history.
 * Replies go to every open tab of the conversation; one that is closed sees them in the history
 * (the transcript), so a reply never waits for a visitor to come back.
 */
export class WebChatChannel implements Channel {
  readonly name = WEBCHAT_CHANNEL;
  private readonly live = new LiveEvents();
  private readonly sockets: SocketTransport;
  private readonly polls: PollTransport;
  private readonly sweeper: NodeJS.Timeout;
  private code: string | undefined;
  private readonly gzipped = new GzippedScript();

  constructor(private readonly options: WebChatOptions) {
    const limits = { ...DEFAULT_WEBCHAT_LIMITS, ...options.limits };
    const sessions = new WebChatSessions({ inbox: options.inbox, store: options.store, tokens: options.tokens, live: this.live, limits, log: options.log });
    const connections = new ConnectionCounter(limits.connectionsPerIp);
    const shared = { sessions, live: this.live, origins: options.origins, trustProxy: options.trustProxy ?? false, connections };
    this.sockets = new SocketTransport({ ...shared, log: options.log });
    this.polls = new PollTransport({ ...shared, ...(options.pollWaitMs !== undefined ? { waitMs: options.pollWaitMs } : {}) });
    this.sweeper = setInterval(() => this.live.sweep(), 60_000);
    this.sweeper.unref();
  }

  owns(conversationId: string): boolean {
    return conversationId.startsWith(`${WEBCHAT_CHANNEL}:`);
  }

  async start(): Promise<void> {
    const { server, log, origins } = this.options;
    this.code = await widgetCode();
    const small = { maxBodyBytes: 0 };
    server.route('GET', WEBCHAT_PATHS.widget, (request) => this.widget(request), small);
    server.route('GET', WEBCHAT_PATHS.demo, () => this.demo(), small);
    server.route('GET', WEBCHAT_PATHS.demoStyles, () => ({ status: 200, body: DEMO_STYLES, headers: { 'content-type': 'text/css; charset=utf-8' } }), small);
    for (const path of [WEBCHAT_PATHS.hello, WEBCHAT_PATHS.send, WEBCHAT_PATHS.poll]) server.route('OPTIONS', path, this.polls.preflight, small);
    server.route('POST', WEBCHAT_PATHS.hello, this.polls.hello, { maxBodyBytes: MAX_FRAME_BYTES });
    server.route('POST', WEBCHAT_PATHS.send, this.polls.send, { maxBodyBytes: MAX_FRAME_BYTES });
    server.route('POST', WEBCHAT_PATHS.poll, this.polls.poll, { maxBodyBytes: MAX_FRAME_BYTES });
    server.upgrade(WEBCHAT_PATHS.socket, this.sockets.upgrade);
    log.info(
      { widget: WEBCHAT_PATHS.widget, demo: WEBCHAT_PATHS.demo, origins: origins.listed },
      origins.listed.length > 0 ? 'web chat ready' : "web chat ready for this server's own pages only (set WEBCHAT_ORIGINS for the shop's site)",
    );
  }

  async stop(): Promise<void> {
    clearInterval(this.sweeper);
    this.polls.stop();
    await this.sockets.stop();
  }

  /** Shows the replies in every open tab of the conversation; they are in its transcript already. */
  async send(conversationId: string, replies: readonly OutboundMessage[], _context?: DeliveryContext): Promise<void> {
    if (!this.owns(conversationId)) throw new Error(`not a web chat conversation: ${conversationId}`);
    if (replies.length === 0) return;
    const { lines, through } = await deliveryLines(this.options.store, conversationId, replies);
    this.live.publish(conversationId, { type: 'lines', through, lines });
  }

  private widget(request: HttpRequest): HttpResponse {
    const script = widgetScript(this.code ?? '', widgetConfig(this.options.look, this.options.kb()));
    const headers = {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=300',
      etag: script.etag,
      vary: 'accept-encoding',
      'x-content-type-options': 'nosniff',
      // Pages that isolate themselves (COEP) may still load it.
      'cross-origin-resource-policy': 'cross-origin',
    };
    if (headerValue(request.headers['if-none-match']) === script.etag) return { status: 304, headers };
    if (/\bgzip\b/.test(headerValue(request.headers['accept-encoding']) ?? '')) {
      return { status: 200, body: this.gzipped.get(script), headers: { ...headers, 'content-encoding': 'gzip' } };
    }
    return { status: 200, body: script.text, headers };
  }

  private demo(): HttpResponse {
    return {
      status: 200,
      body: demoPage(this.options.kb().settings.shopName),
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': DEMO_CSP,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-store',
      },
    };
  }
}
