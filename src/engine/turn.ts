import type { HttpRequest } from '../flows/runtime';
import type { ConversationState } from '../core/state';
import type { Candidate, Decision, Entities, FallbackReason, OutboundMessage } from '../core/types';

/** Messages longer than this are read up to this length (the full text is still recorded). */
export const MAX_MESSAGE_CHARS = 4000;

/** What one turn decided, before replies are recorded. */
export interface Turn {
  /** A flow's http step: the engine calls the service after the turn and continues the flow. */
  readonly pendingHttp?: HttpRequest;
  readonly replies: OutboundMessage[];
  readonly decision: Decision;
  readonly state: ConversationState;
  readonly candidates: readonly Candidate[];
  readonly matchedTerms: readonly string[];
  readonly entities: Entities;
  readonly usedContext: boolean;
}

/** The parts of a turn that explain it (candidates, terms, entities). */
export type TurnBase = Omit<Turn, 'replies' | 'decision' | 'state'>;

/** A one-text reply that answers no entry (greetings, bad input, non-text messages). */
export function plainReply(text: string, reason: FallbackReason, state: ConversationState): Turn {
  return {
    candidates: [],
    matchedTerms: [],
    entities: {},
    usedContext: false,
    replies: [{ kind: 'text', text }],
    decision: { type: 'fallback', reason, score: 0 },
    state,
  };
}

export function withoutPending(state: ConversationState): ConversationState {
  const { pending: _p, ...rest } = state;
  return rest;
}
