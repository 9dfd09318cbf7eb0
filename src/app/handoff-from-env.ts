import { ChannelConfigError, type Channel } from '../channels/channel';
import { TelegramChannel } from '../channels/telegram/telegram-channel';
import type { AgentDesk } from '../engine/agent-desk';
import type { AgentDestination } from '../handoff/hub';
import { TelegramDesk } from '../handoff/telegram-desk';
import { WebhookDestination } from '../handoff/webhook-destination';
import type { Logger } from '../logging/logger';
import type { HttpServer } from '../server/http-server';
import type { ConversationStore } from '../storage/store';
import type { Env } from './channels-from-env';

export interface HandoffDeps {
  readonly store: ConversationStore;
  readonly desk: AgentDesk;
  readonly server: HttpServer;
  readonly channels: readonly Channel[];
  readonly log: Logger;
}

/** The agents' destinations the environment configures (none: tickets are handled with `tanya tickets`). */
export function destinationsFromEnv(env: Env, deps: HandoffDeps): AgentDestination[] {
  const destinations: AgentDestination[] = [];
  const chatId = env.HANDOFF_TELEGRAM_CHAT_ID?.trim();
  if (chatId) {
    if (!/^-?\d+$/.test(chatId)) throw new ChannelConfigError(`HANDOFF_TELEGRAM_CHAT_ID must be a numeric chat id such as -1001234567890 (got "${chatId}")`);
    const telegram = deps.channels.find((c): c is TelegramChannel => c instanceof TelegramChannel);
    if (!telegram) throw new ChannelConfigError('HANDOFF_TELEGRAM_CHAT_ID needs the Telegram channel: set TELEGRAM_BOT_TOKEN too');
    const desk = new TelegramDesk({
      chatId,
      telegram: telegram.telegram,
      store: deps.store,
      desk: deps.desk,
      log: deps.log.child({ destination: 'telegram-desk' }),
    });
    telegram.attachDesk(desk);
    destinations.push(desk);
  }
  const url = env.HANDOFF_WEBHOOK_URL?.trim();
  if (url) {
    const secret = env.HANDOFF_WEBHOOK_SECRET?.trim();
    if (!/^https?:\/\/[^/]+/.test(url))
      throw new ChannelConfigError(`HANDOFF_WEBHOOK_URL must be a full URL such as https://helpdesk.example.com/tanya (got "${url}")`);
    if (!secret || secret.length < 16)
      throw new ChannelConfigError('HANDOFF_WEBHOOK_SECRET must be set (16 characters or more) when HANDOFF_WEBHOOK_URL is set');
    destinations.push(
      new WebhookDestination({ url, secret, store: deps.store, desk: deps.desk, server: deps.server, log: deps.log.child({ destination: 'webhook' }) }),
    );
  }
  return destinations;
}
