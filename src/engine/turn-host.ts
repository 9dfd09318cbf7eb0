import type { LoadedFlow } from '../flows/loader';
import type { KnowledgeBase } from '../knowledge/schema';
import type { Analysis, Matcher } from '../matching/matcher';
import type { ConversationStore } from '../storage/store';
import type { ConversationState } from '../core/state';
import type { Turn } from './turn';
import type { InboundMessage, Language } from '../core/types';

/** What the engine lends the parts of a turn that live in their own modules (handoff, flows). */
export interface TurnHost {
  /** Environment for `{env:NAME}` in flow templates. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The current knowledge base, matcher and flows (they change on a live reload). */
  kb(): KnowledgeBase;
  matcher(): Matcher;
  flows(): readonly LoadedFlow[];
  now(): Date;
  /** The ordinary matching turn (entries, catalogue answers, clarification, fallback). */
  matchTurn(tx: ConversationStore, message: InboundMessage, state: ConversationState, lang: Language, analysis: Analysis, matcher: Matcher): Promise<Turn>;
}
