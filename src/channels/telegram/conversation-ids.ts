import type { ConversationState } from '../../core/state';
import type { ConversationStore } from '../../storage/store';

/**
 * Telegram conversation ids name the bot, because chat ids are per user, not per bot: one
 * customer writing to two bots (two shops, or two numbers of one shop, on one database) has the
 * same private chat id with both.
 *
 *   telegram:<bot>:<chat>          a private chat with bot <bot> (the number before ':' in its token)
 *   telegram:<bot>:<chat>:<user>   one member of a group, with bot <bot>
 *
 * Ids written before bots were told apart have no bot: `telegram:<chat>` (private) and
 * `telegram:<chat>:<user>` (group; group chat ids are negative, which tells them from a bot id).
 */
export interface TelegramAddress {
  /** Absent in a legacy id. */
  readonly botId?: string;
  readonly chatId: string;
  /** The group member, in group conversations. */
  readonly userId?: string;
}

const PREFIX = 'telegram:';
const CHAT = /^-?\d+$/;
const USER = /^\d+$/;
/** Real bot ids are numbers; any token prefix without '-' or ':' is kept apart from a chat id. */
const BOT = /^[0-9A-Za-z_]+$/;

export function telegramConversationId(botId: string, chatId: number | string, userId?: number | string): string {
  return userId === undefined ? `${PREFIX}${botId}:${chatId}` : `${PREFIX}${botId}:${chatId}:${userId}`;
}

/** The id the same chat had before conversation ids named the bot. */
export function legacyConversationId(chatId: number | string, userId?: number | string): string {
  return userId === undefined ? `${PREFIX}${chatId}` : `${PREFIX}${chatId}:${userId}`;
}

/** Reads a Telegram conversation id (current or legacy); undefined when it is not one. */
export function parseTelegramConversationId(conversationId: string): TelegramAddress | undefined {
  if (!conversationId.startsWith(PREFIX)) return undefined;
  const parts = conversationId.slice(PREFIX.length).split(':');
  const [a, b, c] = parts;
  if (parts.length === 1 && a !== undefined && CHAT.test(a)) return { chatId: a };
  if (parts.length === 2 && a !== undefined && b !== undefined) {
    // A legacy group member: the group's (negative) chat id, then the user.
    if (a.startsWith('-')) return CHAT.test(a) && USER.test(b) ? { chatId: a, userId: b } : undefined;
    return BOT.test(a) && CHAT.test(b) ? { botId: a, chatId: b } : undefined;
  }
  if (parts.length === 3 && a !== undefined && b !== undefined && c !== undefined) {
    return BOT.test(a) && CHAT.test(b) && USER.test(c) ? { botId: a, chatId: b, userId: c } : undefined;
  }
  return undefined;
}

/** The bot a Telegram conversation belongs to; undefined for a legacy id (or not a Telegram id). */
export function telegramBotOf(conversationId: string): string | undefined {
  return parseTelegramConversationId(conversationId)?.botId;
}

/**
 * Upgrade path for legacy ids. A legacy conversation that is still open when its customer writes
 * again (an open ticket, a flow, a pending rating, or activity within `LEGACY_GRACE_MS`) goes on
 * under its old id, and is pinned to the bot that received that message (a channel ref in the
 * store), so only that bot answers it from then on. Any other message starts the bot-scoped id.
 * Legacy ids nobody has pinned yet (e.g. replies queued before the upgrade) belong to every bot.
 */
export const LEGACY_GRACE_MS = 24 * 3600_000;

interface LegacyPin {
  readonly telegramBot: string;
}

function isLegacyPin(ref: unknown): ref is LegacyPin {
  return typeof ref === 'object' && ref !== null && 'telegramBot' in ref && typeof ref.telegramBot === 'string';
}

/**
 * Legacy pins this process has read or made (null: read, not pinned), so `owns` can answer at once;
 * shared by the bots of one process. A pin never moves to another bot once made.
 */
const knownPins = new WeakMap<ConversationStore, Map<string, { readonly pin: string | null; readonly at: number }>>();

/** "Not pinned" may change (another process pins it): read again after this long. A pin never moves. */
const UNPINNED_FRESH_MS = 5_000;

function pinsOf(store: ConversationStore): Map<string, { readonly pin: string | null; readonly at: number }> {
  let pins = knownPins.get(store);
  if (!pins) knownPins.set(store, (pins = new Map<string, { readonly pin: string | null; readonly at: number }>()));
  return pins;
}

/** The bot a legacy conversation was pinned to, if any. */
export async function legacyPinOf(store: ConversationStore, legacyId: string): Promise<string | undefined> {
  const ref = await store.channelRef(legacyId);
  return isLegacyPin(ref) ? ref.telegramBot : undefined;
}

/**
 * The pin of a legacy conversation as far as this process knows: a bot id, null (not pinned), or
 * undefined when not read yet (then it is read in the background, for the next ask).
 */
export function knownLegacyPin(store: ConversationStore, legacyId: string): string | null | undefined {
  const pins = pinsOf(store);
  const known = pins.get(legacyId);
  if (known === undefined || (known.pin === null && Date.now() - known.at > UNPINNED_FRESH_MS))
    void legacyPinOf(store, legacyId)
      .then((pin) => {
        if ((pins.get(legacyId)?.pin ?? null) === null) pins.set(legacyId, { pin: pin ?? null, at: Date.now() });
      })
      .catch(() => undefined);
  return known?.pin;
}

async function stillOpen(store: ConversationStore, legacyId: string, now: number): Promise<boolean> {
  const state: ConversationState | undefined = await store.loadState(legacyId);
  if (state?.handoff || state?.flow || state?.csat) return true;
  if (await store.openTicketFor(legacyId)) return true;
  if (!state?.lastActiveAt) return false;
  return now - Date.parse(state.lastActiveAt) < LEGACY_GRACE_MS;
}

/**
 * The conversation a customer's message to bot `botId` belongs to: the legacy one while it is
 * still open and not another bot's, else the bot-scoped one.
 */
export async function conversationForInbound(
  store: ConversationStore,
  botId: string,
  chatId: number,
  userId: number | undefined,
  now = Date.now(),
): Promise<string> {
  const scoped = telegramConversationId(botId, chatId, userId);
  const legacy = legacyConversationId(chatId, userId);
  const pinned = await legacyPinOf(store, legacy);
  if (pinned !== undefined && pinned !== botId) return scoped;
  if (!(await stillOpen(store, legacy, now))) return scoped;
  // Pin (or refresh the pin, so retention does not drop it while the conversation goes on);
  // checked again in the transaction so two bots never both take the same legacy conversation.
  const chosen = await store.atomically(async (tx) => {
    await tx.lockConversation(legacy);
    const holder = await legacyPinOf(tx, legacy);
    if (holder !== undefined && holder !== botId) return scoped;
    await tx.saveChannelRef(legacy, { telegramBot: botId } satisfies LegacyPin);
    return legacy;
  });
  if (chosen === legacy) pinsOf(store).set(legacy, { pin: botId, at: Date.now() });
  return chosen;
}
