/**
 * Shapes that cross the channel boundary. Channels translate platform updates into
 * `InboundMessage` and render `OutboundMessage`; the engine never sees a platform SDK.
 */

/** Channel identifiers known to the engine (free-form so new channels need no engine change). */
export type ChannelId = string;

/** What kind of content the customer sent. Non-text kinds may carry no text. */
export type InboundKind = 'text' | 'sticker' | 'image' | 'voice' | 'video' | 'file' | 'location' | 'contact';

export interface GeoPoint {
  readonly lat: number;
  readonly lon: number;
}

export interface InboundMessage {
  readonly channel: ChannelId;
  readonly conversationId: string;
  readonly userId: string;
  readonly userName?: string;
  /** Platform message id; the same id delivered twice is answered once. */
  readonly messageId: string;
  readonly text: string;
  readonly kind?: InboundKind;
  readonly location?: GeoPoint;
  /** Language the platform reports for the user (e.g. Telegram's language_code). */
  readonly languageHint?: string;
  readonly receivedAt: Date;
}

export interface ChoiceOption {
  readonly label: string;
  /** Sent back as the message text when the customer picks the option. */
  readonly value: string;
}

export type OutboundMessage =
  { readonly kind: 'text'; readonly text: string } | { readonly kind: 'choice'; readonly text: string; readonly options: readonly ChoiceOption[] };

export type Language = 'id' | 'en';

/**
 * Languages a knowledge base may hold questions and answers in beside Indonesian and English
 * (an imported German/French Dialogflow agent, a CSV with `q_fr`/`a_fr` columns). Each has a
 * stemmer in natural; Tanya matches their questions and answers in them, while its own sentences
 * (fallbacks, clarifications) are in English.
 */
export const OTHER_LANGUAGES = ['de', 'fr', 'es', 'it', 'nl', 'pt', 'sv', 'no'] as const;
export type OtherLanguage = (typeof OTHER_LANGUAGES)[number];
/** Any language a knowledge base's questions and answers may be written in. */
export type ContentLanguage = Language | OtherLanguage;
/** Every `ContentLanguage`, Indonesian and English first. */
export const CONTENT_LANGUAGES: readonly ContentLanguage[] = ['id', 'en', ...OTHER_LANGUAGES];

export function isOtherLanguage(code: string): code is OtherLanguage {
  return (OTHER_LANGUAGES as readonly string[]).includes(code);
}

const LANGUAGE_NAMES = new Intl.DisplayNames(['en'], { type: 'language' });

/** A language's English name ("de" → "German"), or the code when it has none. */
export function languageName(code: string): string {
  try {
    return LANGUAGE_NAMES.of(code) ?? code;
  } catch {
    return code;
  }
}

/** The language a code names as other tools write it ("id", "in", "en-GB", "de", "pt-BR", "nb" for Norwegian Bokmål), if Tanya reads it. */
export function contentLanguageOf(code: string): ContentLanguage | undefined {
  const base = code.trim().toLowerCase().replace(/_/g, '-').split('-')[0];
  if (base === 'id' || base === 'in') return 'id';
  if (base === 'en') return 'en';
  const other = base === 'nb' ? 'no' : base;
  return isOtherLanguage(other) ? other : undefined;
}

/** `unwritten-answer`: the best entry's answer is still a placeholder ("TODO: …"), which is never sent. */
export type FallbackReason = 'low-score' | 'empty' | 'unsupported' | 'unknown-product' | 'error' | 'unwritten-answer';
/** Why a person took over; `data-request`: the customer asked for their data to be deleted (a person verifies and runs `tanya forget`). */
export type HandoffReason = 'requested' | 'repeated-fallback' | 'complaint' | 'flow' | 'data-request';
export type SilentReason = 'agent-active' | 'duplicate';

/** A scored candidate entry, for explaining a decision. */
export interface Candidate {
  readonly entryId: string;
  readonly score: number;
}

/** Entities recognised in a message (or carried over from context). */
export interface Entities {
  readonly product?: string;
  readonly variant?: string;
  readonly store?: string;
}

/** Why the engine answered the way it did. */
export interface Explanation {
  readonly candidates: readonly Candidate[];
  readonly matchedTerms: readonly string[];
  readonly entities: Entities;
  readonly language: Language;
  /** True when entities or intent were taken from the previous turn. */
  readonly usedContext: boolean;
}

export type Decision =
  | { readonly type: 'answer'; readonly entryId: string; readonly score: number }
  | { readonly type: 'clarify'; readonly entryIds: readonly string[]; readonly score: number }
  | { readonly type: 'fallback'; readonly reason: FallbackReason; readonly score: number }
  /**
   * A ticket was opened; `entryId` is the entry that stood for the request, when one did. `again`:
   * the customer asked for a person while their ticket still waits, so no new ticket was opened
   * and the reply says where the waiting one stands.
   */
  | {
      readonly type: 'handoff';
      readonly reason: HandoffReason;
      readonly ticketId: string;
      readonly entryId?: string;
      readonly score: number;
      readonly again?: true;
    }
  /** A flow ran (started by a command, keyword or entry — `entryId` — or continued). */
  | { readonly type: 'flow'; readonly flowId: string; readonly entryId?: string; readonly score: number }
  | { readonly type: 'silent'; readonly reason: SilentReason };

export type DecisionType = Decision['type'];

export interface TurnResult {
  readonly replies: readonly OutboundMessage[];
  readonly decision: Decision;
  readonly explanation: Explanation;
}

/** The entry id of a decision, or null when it did not pick one entry. */
export function decisionEntryId(decision: Decision): string | null {
  if (decision.type === 'answer') return decision.entryId;
  return decision.type === 'flow' || decision.type === 'handoff' ? (decision.entryId ?? null) : null;
}

/** Confidence of a decision in 0..1 (0 for silent turns). */
export function decisionScore(decision: Decision): number {
  return decision.type === 'silent' ? 0 : decision.score;
}
