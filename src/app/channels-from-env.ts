import { ChannelConfigError, type Channel } from '../channels/channel';
import { existsSync } from 'node:fs';
import { TelegramChannel } from '../channels/telegram/telegram-channel';
import { createWhatsAppWebClient, printQr } from '../channels/whatsapp/real-client';
import { WhatsAppWebChannel } from '../channels/whatsapp/whatsapp-web-channel';
import { WhatsAppCloudChannel } from '../channels/whatsapp/whatsapp-cloud-channel';
import type { AgentDesk } from '../engine/agent-desk';
import type { Inbox } from '../channels/inbox';
import { BotFrameworkChannel } from '../channels/botframework/botframework-channel';
import type { Logger } from '../logging/logger';
import type { HttpServer } from '../server/http-server';
import type { ConversationStore } from '../storage/store';
import type { KnowledgeBase } from '../knowledge/schema';
import { WebChatChannel } from '../channels/webchat/webchat-channel';
import { AllowedOrigins } from '../channels/webchat/allowed-origins';
import { ConversationTokens, webchatSecret } from '../channels/webchat/conversation-token';
import { widgetLookFromEnv } from '../channels/webchat/widget-settings';
import { perConversationLimit, perIpLimit } from '../channels/webchat/sessions';

export type Env = Readonly<Record<string, string | undefined>>;

export interface ChannelDeps {
  /** Where channels take customer messages in (durably, before acknowledging them). */
  readonly inbox: Inbox;
  readonly desk: AgentDesk;
  readonly store: ConversationStore;
  readonly log: Logger;
  readonly server: HttpServer;
  /** The knowledge base being served (the web chat widget shows its names and greeting). */
  readonly kb: () => KnowledgeBase;
}

/** The channels the environment asks for (several may run in one process). */
export function channelsFromEnv(env: Env, deps: ChannelDeps): Channel[] {
  const channels: Channel[] = [];
  const token = env.TELEGRAM_BOT_TOKEN?.trim();
  if (token) {
    const webhookUrl = env.TELEGRAM_WEBHOOK_URL?.trim();
    if (webhookUrl && !/^https?:\/\/[^/]+/.test(webhookUrl)) {
      throw new ChannelConfigError(`TELEGRAM_WEBHOOK_URL must be a full URL such as https://bot.example.com/telegram/webhook (got "${webhookUrl}")`);
    }
    const secret = env.TELEGRAM_WEBHOOK_SECRET?.trim();
    if (secret && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) {
      throw new ChannelConfigError('TELEGRAM_WEBHOOK_SECRET may hold only letters, digits, "_" and "-" (1–256 characters)');
    }
    channels.push(
      new TelegramChannel({
        token,
        inbox: deps.inbox,
        store: deps.store,
        log: deps.log.child({ channel: 'telegram' }),
        ...(env.TELEGRAM_API_ROOT?.trim() ? { apiRoot: env.TELEGRAM_API_ROOT.trim().replace(/\/+$/, '') } : {}),
        ...(webhookUrl ? { webhook: { url: webhookUrl, server: deps.server, ...(secret ? { secret } : {}) } } : {}),
      }),
    );
  }
  const cloudToken = env.WHATSAPP_CLOUD_TOKEN?.trim();
  if (cloudToken) {
    const required = ['WHATSAPP_PHONE_NUMBER_ID', 'WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN'].filter((name) => !env[name]?.trim());
    if (required.length > 0)
      throw new ChannelConfigError(
        `WHATSAPP_CLOUD_TOKEN is set, but ${required.join(', ')} ${required.length === 1 ? 'is' : 'are'} missing (from the Meta app dashboard)`,
      );
    channels.push(
      new WhatsAppCloudChannel({
        token: cloudToken,
        phoneNumberId: env.WHATSAPP_PHONE_NUMBER_ID?.trim() ?? '',
        appSecret: env.WHATSAPP_APP_SECRET?.trim() ?? '',
        verifyToken: env.WHATSAPP_VERIFY_TOKEN?.trim() ?? '',
        ...(env.WHATSAPP_GRAPH_URL?.trim() ? { graphUrl: env.WHATSAPP_GRAPH_URL.trim() } : {}),
        inbox: deps.inbox,
        store: deps.store,
        server: deps.server,
        log: deps.log.child({ channel: 'whatsapp' }),
      }),
    );
  }
  const appId = env.MICROSOFT_APP_ID?.trim();
  if (appId || env.BOT_FRAMEWORK === '1' || env.BOT_FRAMEWORK === 'true') {
    if (appId && !env.MICROSOFT_APP_PASSWORD?.trim() && (env.MICROSOFT_APP_TYPE ?? 'MultiTenant') !== 'UserAssignedMSI') {
      throw new ChannelConfigError('MICROSOFT_APP_ID is set but MICROSOFT_APP_PASSWORD is missing (the client secret from the Azure Bot registration)');
    }
    channels.push(
      new BotFrameworkChannel({
        ...(appId ? { appId, appPassword: env.MICROSOFT_APP_PASSWORD?.trim() ?? '' } : {}),
        ...(env.MICROSOFT_APP_TENANT_ID?.trim() ? { appTenantId: env.MICROSOFT_APP_TENANT_ID.trim() } : {}),
        ...(env.MICROSOFT_APP_TYPE?.trim() ? { appType: env.MICROSOFT_APP_TYPE.trim() } : {}),
        ...(env.BOT_FRAMEWORK_SERVICE_URLS?.trim()
          ? {
              allowedServiceUrls: env.BOT_FRAMEWORK_SERVICE_URLS.split(',')
                .map((u) => u.trim().replace(/\/+$/, ''))
                .filter(Boolean),
            }
          : {}),
        inbox: deps.inbox,
        store: deps.store,
        desk: deps.desk,
        server: deps.server,
        log: deps.log.child({ channel: 'botframework' }),
      }),
    );
  }
  if (env.WHATSAPP_WEB === '1' || env.WHATSAPP_WEB === 'true') {
    const chromium = env.CHROMIUM_PATH?.trim() || '/usr/bin/chromium';
    if (!existsSync(chromium)) {
      throw new ChannelConfigError(
        `WHATSAPP_WEB needs Chromium at ${chromium}: install it (Debian/Ubuntu: sudo apt-get install -y chromium) or set CHROMIUM_PATH`,
      );
    }
    const dataDir = env.TANYA_DATA_DIR?.trim() || 'data';
    channels.push(
      new WhatsAppWebChannel({
        createClient: () => createWhatsAppWebClient(dataDir, chromium),
        onQr: (qr) => void printQr(qr),
        inbox: deps.inbox,
        store: deps.store,
        log: deps.log.child({ channel: 'whatsapp-web' }),
      }),
    );
  }
  const webchatOrigins = env.WEBCHAT_ORIGINS?.trim();
  const knowledgeOrigins = (): readonly string[] => deps.kb().settings.webchat?.allowedOrigins ?? [];
  if (env.WEBCHAT === '1' || env.WEBCHAT === 'true' || webchatOrigins || knowledgeOrigins().length > 0) {
    channels.push(
      new WebChatChannel({
        inbox: deps.inbox,
        store: deps.store,
        server: deps.server,
        kb: deps.kb,
        log: deps.log.child({ channel: 'webchat' }),
        tokens: new ConversationTokens(webchatSecret(env.WEBCHAT_SECRET, env.TANYA_DATA_DIR?.trim() || 'data')),
        origins: AllowedOrigins.parse(webchatOrigins, knowledgeOrigins),
        look: widgetLookFromEnv(env),
        trustProxy: env.WEBCHAT_TRUST_PROXY === '1' || env.WEBCHAT_TRUST_PROXY === 'true',
        limits: {
          ...(env.WEBCHAT_IP_LIMIT?.trim() ? { messagesPerIp: perIpLimit(messagesAMinute('WEBCHAT_IP_LIMIT', env.WEBCHAT_IP_LIMIT)) } : {}),
          ...(env.WEBCHAT_CONVERSATION_LIMIT?.trim()
            ? { messagesPerConversation: perConversationLimit(messagesAMinute('WEBCHAT_CONVERSATION_LIMIT', env.WEBCHAT_CONVERSATION_LIMIT)) }
            : {}),
        },
      }),
    );
  }
  return channels;
}

/** WEBCHAT_IP_LIMIT, WEBCHAT_CONVERSATION_LIMIT: web chat messages a minute. */
function messagesAMinute(name: string, value: string): number {
  const n = Number(value.trim());
  if (!Number.isInteger(n) || n < 1) throw new ChannelConfigError(`${name} must be a whole number of messages a minute such as 120 (got "${value}")`);
  return n;
}
