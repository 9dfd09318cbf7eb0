import { Input, type Telegram } from 'telegraf';
import type { InlineKeyboardMarkup, Message, Update } from 'telegraf/types';
import type { AgentDesk, DeskResult } from '../engine/agent-desk';
import type { HandoffEvent } from '../engine/handoff-events';
import type { Logger } from '../logging/logger';
import type { ConversationStore, HandoffTicket, TranscriptLine } from '../storage/store';
import { splitMessage } from '../channels/text';
import { telegramBotOf } from '../channels/telegram/conversation-ids';
import type { AgentDestination } from './hub';

export interface TelegramDeskOptions {
  /** The agents' group (the bot must be a member). */
  readonly chatId: string;
  readonly telegram: Telegram;
  readonly store: ConversationStore;
  readonly desk: AgentDesk;
  readonly log: Logger;
}

const DESTINATION = 'telegram-desk';
/** Where these agents act, in the audit log. */
const VIA = 'telegram';
/** Transcripts longer than this go as a .txt document instead of inline text. */
const INLINE_TRANSCRIPT_CHARS = 2500;

/**
 * The agents' Telegram group: each ticket is posted with its summary, transcript and a Claim
 * button. An agent answers a customer by replying to any of the ticket's messages (the claiming
 * agent only); the customer's further messages appear in the ticket's thread. `/resolve` (as a
 * reply, or `/resolve T00001`) or the Resolve button ends it, `/tickets` lists open tickets.
 * Agent-facing text is Indonesian first, English second.
 */
export class TelegramDesk implements AgentDestination {
  readonly name = DESTINATION;

  constructor(private readonly options: TelegramDeskOptions) {}

  /** True when an update comes from the agents' group (the channel hands those to `handle`). */
  isDeskChat(chatId: number | string): boolean {
    return String(chatId) === this.options.chatId;
  }

  async deliver(event: HandoffEvent, ticket: HandoffTicket): Promise<void> {
    switch (event.type) {
      case 'ticket-created':
        await this.postTicket(ticket);
        return;
      case 'customer-message':
        await this.post(ticket, `👤 ${customerName(ticket)}: ${event.kind === 'text' ? event.text : `[${event.kind}] ${event.text}`.trim()}`);
        return;
      case 'ticket-claimed':
        await this.post(
          ticket,
          `✅ ${ticket.id} diklaim oleh / claimed by ${event.agent}. Balas (reply) pesan tiket ini untuk menjawab pelanggan; /resolve untuk menutup.`,
          button('☑️ Selesai / Resolve', `resolve:${ticket.id}`),
        );
        return;
      case 'ticket-resolved':
        await this.post(ticket, `☑️ ${ticket.id} selesai / resolved${event.agent ? ` (${event.agent})` : ''}. Bot melayani pelanggan lagi.`);
        return;
      case 'ticket-cancelled':
        await this.post(ticket, `↩️ ${ticket.id}: pelanggan kembali ke bot / the customer went back to the bot.`);
        return;
      case 'delivery-failed':
        await this.post(
          ticket,
          `⚠️ Pesan ke pelanggan tidak terkirim / not delivered: ${event.reason}\n«${event.text.slice(0, 300)}»\nTiket tetap terbuka / the ticket stays open.`,
        );
        return;
      case 'agent-message':
        // Agents' own replies are already in the group (or came from the helpdesk): nothing to echo.
        return;
    }
  }

  /** Handles an update from the agents' group: Claim/Resolve buttons, replies to tickets, commands. */
  async handle(update: Update): Promise<void> {
    if ('callback_query' in update) {
      const query = update.callback_query;
      const data = 'data' in query ? query.data : '';
      const [action, ticketId] = data.split(':');
      const agent = agentName(query.from);
      const result =
        action === 'claim'
          ? await this.options.desk.claim(ticketId ?? '', agent, VIA)
          : action === 'resolve'
            ? await this.options.desk.resolve(ticketId ?? '', agent, VIA)
            : undefined;
      await this.options.telegram
        .answerCbQuery(query.id, result ? outcomeText(result, action === 'claim' ? 'claim' : 'resolve') : undefined)
        .catch(() => undefined);
      return;
    }
    if (!('message' in update)) return;
    const message = update.message;
    if (!message.from || message.from.is_bot) return;
    const agent = agentName(message.from);
    const text = 'text' in message ? message.text.trim() : '';
    const replyTo = 'reply_to_message' in message ? message.reply_to_message : undefined;
    const referenced = replyTo ? await this.options.store.ticketForRef(DESTINATION, `${message.chat.id}:${replyTo.message_id}`) : undefined;
    const command = /^\/(\w+)(?:@\w+)?\s*(.*)$/s.exec(text);
    if (command) {
      const [, name, rest] = command;
      const ticketId = rest.trim().split(/\s+/)[0]?.toUpperCase() || referenced;
      if (name === 'tickets') return this.listTickets(message, agent);
      if (name === 'resolve' || name === 'claim') {
        if (!ticketId) return this.say(message, 'Sebutkan tiketnya: balas pesan tiket dengan /resolve, atau tulis /resolve T00001.');
        const result = name === 'resolve' ? await this.options.desk.resolve(ticketId, agent, VIA) : await this.options.desk.claim(ticketId, agent, VIA);
        return this.say(message, outcomeText(result, name));
      }
      return;
    }
    if (!referenced) return; // Agents talking among themselves.
    if (!text) return this.say(message, 'Hanya pesan teks yang bisa diteruskan ke pelanggan / only text can be relayed.');
    const result = await this.options.desk.reply(referenced, agent, text, VIA);
    if (result.ok) await this.options.store.saveTicketRef(DESTINATION, `${message.chat.id}:${message.message_id}`, referenced);
    else await this.say(message, outcomeText(result, 'reply'));
  }

  private async postTicket(ticket: HandoffTicket): Promise<void> {
    const transcript = await this.options.store.transcript(ticket.conversationId);
    const lines = transcript.map(formatLine).join('\n');
    const s = ticket.summary;
    const card = [
      `🎫 Tiket ${ticket.id} · ${channelLabel(ticket)} · ${customerName(ticket)}`,
      `Alasan / reason: ${ticket.reason}`,
      `Pertanyaan terakhir / last question: ${s.lastQuestion || '—'}`,
      s.candidates.length > 0 ? `Kandidat / candidates: ${s.candidates.map((c) => `${c.entryId} (${c.score.toFixed(2)})`).join(', ')}` : '',
      s.flow
        ? `Alur / flow: ${s.flow.id} ${Object.entries(s.flow.slots)
            .filter(([k, v]) => v !== '' && k !== 'channel')
            .map(([k, v]) => `${k}=${String(v)}`)
            .join(', ')}`
        : '',
      Object.entries(s.entities).filter(([, v]) => v).length > 0
        ? `Entitas / entities: ${Object.entries(s.entities)
            .filter(([, v]) => v)
            .map(([k, v]) => `${k}=${String(v)}`)
            .join(', ')}`
        : '',
      lines.length <= INLINE_TRANSCRIPT_CHARS ? `\nTranskrip / transcript:\n${lines}` : '\nTranskrip terlampir / transcript attached (.txt).',
      '\nKlaim tiket ini, lalu balas (reply) pesannya untuk menjawab pelanggan.',
    ]
      .filter(Boolean)
      .join('\n');
    const pieces = splitMessage(card, 4096);
    for (const [i, piece] of pieces.entries()) {
      await this.post(ticket, piece, i === pieces.length - 1 ? button('🙋 Klaim / Claim', `claim:${ticket.id}`) : undefined);
    }
    if (lines.length > INLINE_TRANSCRIPT_CHARS) {
      const sent = await this.options.telegram.sendDocument(
        this.options.chatId,
        Input.fromBuffer(Buffer.from(`${lines}\n`, 'utf8'), `${ticket.id}-transcript.txt`),
        { caption: `Transkrip ${ticket.id}` },
      );
      await this.remember(ticket, sent);
    }
  }

  /**
   * A message in the ticket's thread (a reply to its first message in this group: with several
   * bots on one database, another bot's desk may have posted earlier events in its own group).
   */
  private async post(ticket: HandoffTicket, text: string, keyboard?: InlineKeyboardMarkup): Promise<void> {
    const first = (await this.options.store.ticketRefs(ticket.id, DESTINATION)).find((ref) => ref.startsWith(`${this.options.chatId}:`))?.split(':')[1];
    const sent = await this.options.telegram.sendMessage(this.options.chatId, text.slice(0, 4096), {
      ...(keyboard ? { reply_markup: keyboard } : {}),
      ...(first ? { reply_parameters: { message_id: Number(first), allow_sending_without_reply: true } } : {}),
      link_preview_options: { is_disabled: true },
    });
    await this.remember(ticket, sent);
  }

  private async remember(ticket: HandoffTicket, sent: Message): Promise<void> {
    await this.options.store.saveTicketRef(DESTINATION, `${sent.chat.id}:${sent.message_id}`, ticket.id);
  }

  private async listTickets(message: Message, agent: string): Promise<void> {
    const open = await this.options.desk.viewTickets(agent, { via: VIA });
    const text =
      open.length === 0
        ? 'Tidak ada tiket terbuka / no open tickets.'
        : [
            `Tiket terbuka / open tickets (${open.length}):`,
            ...open.map(
              (t) =>
                `• ${t.id} · ${t.status}${t.agent ? ` (${t.agent})` : ''} · ${channelLabel(t)} · ${customerName(t)} · ${t.summary.lastQuestion.slice(0, 60)}`,
            ),
          ].join('\n');
    await this.say(message, text);
  }

  private async say(message: Message, text: string): Promise<void> {
    await this.options.telegram.sendMessage(message.chat.id, text, { reply_parameters: { message_id: message.message_id, allow_sending_without_reply: true } });
  }
}

function button(text: string, data: string): InlineKeyboardMarkup {
  return { inline_keyboard: [[{ text, callback_data: data }]] };
}

function agentName(from: { first_name: string; last_name?: string; username?: string }): string {
  return [from.first_name, from.last_name].filter(Boolean).join(' ') || from.username || 'CS';
}

/** The ticket's channel; for Telegram also the bot the customer wrote to (several bots may share the agents). */
function channelLabel(ticket: Pick<HandoffTicket, 'channel' | 'conversationId'>): string {
  const bot = telegramBotOf(ticket.conversationId);
  return bot === undefined ? ticket.channel : `${ticket.channel} (bot ${bot})`;
}

function customerName(ticket: HandoffTicket): string {
  return ticket.customerName ?? ticket.customerId;
}

function formatLine(line: TranscriptLine): string {
  const who = line.direction === 'in' ? 'Pelanggan' : line.decision === 'agent' ? 'CS' : 'Bot';
  return `[${line.at.slice(11, 16)}] ${who}: ${line.text}`;
}

/** What an agent is told after an action, Indonesian first. */
export function outcomeText(result: DeskResult, action: 'claim' | 'reply' | 'resolve' | 'transfer'): string {
  if (result.ok) {
    if (action === 'claim') return `✅ ${result.ticket.id} sekarang milik Anda / is yours.`;
    if (action === 'transfer') return `↪️ ${result.ticket.id} sekarang ditangani ${result.ticket.agent ?? ''} / now handled by ${result.ticket.agent ?? ''}.`;
    if (action === 'resolve') return `☑️ ${result.ticket.id} ditutup / resolved.`;
    return `✉️ Terkirim / sent (${result.ticket.id}).`;
  }
  switch (result.error) {
    case 'not-found':
      return 'Tiket tidak ditemukan / no such ticket.';
    case 'closed':
      return `Tiket ${result.ticket?.id ?? ''} sudah ditutup (${result.ticket?.status ?? ''}) / already closed.`;
    case 'claimed-by-other':
      return `Tiket ${result.ticket?.id ?? ''} sedang ditangani ${result.ticket?.agent ?? 'agen lain'} / handled by another agent.`;
    case 'empty':
      return 'Pesannya kosong / the message is empty.';
  }
}
