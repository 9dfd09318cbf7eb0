import type { Language, OtherLanguage } from './types';

/** A choice the customer was offered and may pick by number, label or value. */
export interface OfferedChoice {
  readonly label: string;
  readonly value: string;
  readonly kind: 'entry' | 'product';
  readonly id: string;
  /** Offered after an answer ("Mungkin Kakak juga ingin tahu"), not as the answer to a question of the bot's. */
  readonly suggested?: true;
}

/** What the conversation is about, for follow-ups such as "kalau yang 256GB?". */
export interface Topic {
  readonly entryId: string;
  readonly productId?: string;
  /** The last product question asked (price, stock…), kept while other questions come between. */
  readonly productEntryId?: string;
  /** Products talked about lately, newest first, for "balik ke redmi tadi". */
  readonly recentIds?: readonly string[];
  /** Products compared in one question ("a55 sama a35"), for "the cheaper one?". */
  readonly comparedIds?: readonly string[];
  readonly variantIds?: readonly string[];
  readonly storeId?: string;
}

/** A flow in progress, stored in the conversation state (so it survives a restart). */
export interface FlowState {
  readonly id: string;
  /** Index of the step waiting for an answer (or the http step waiting for its result). */
  readonly step: number;
  readonly slots: Readonly<Record<string, string>>;
  /** Wrong answers to the current question so far. */
  readonly retries: number;
  /** ISO time of the customer's last answer, for the idle timeout. */
  readonly lastAt: string;
  /** The flow's version and the waiting step's id, to resume safely after the flow is edited. */
  readonly version?: string;
  readonly stepId?: string;
}

/** Per-conversation state, stored as JSON so it survives a restart. */
export interface ConversationState {
  readonly language?: Language;
  /** The knowledge base's other language (German, French …) the customer last wrote in, for replies that say none ("1"). */
  readonly otherLanguage?: OtherLanguage;
  readonly topic?: Topic;
  /** An entry waiting for a missing slot ("Produk yang mana, Kak?"). */
  readonly pending?: { readonly entryId: string; readonly slot: 'product' };
  readonly choices?: readonly OfferedChoice[];
  readonly fallbacks: number;
  /** Set while a person has the conversation. */
  readonly handoff?: { readonly ticketId: string };
  /** Set after a ticket is resolved: the next message may be the 1–5 satisfaction answer. */
  readonly csat?: { readonly ticketId: string };
  /** A multi-turn flow in progress (complaint intake, order status, …). */
  readonly flow?: FlowState;
  /** ISO time of the last customer message; context older than the setting is dropped. */
  readonly lastActiveAt?: string;
  /** When the privacy notice (`settings.privacy.notice`) was sent: once per conversation. */
  readonly privacyNoticeAt?: string;
}

export const EMPTY_STATE: ConversationState = { fallbacks: 0 };
