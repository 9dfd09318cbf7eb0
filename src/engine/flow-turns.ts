import type { LoadedFlow } from '../flows/loader';
import { advance, askMessage, receive, reask, type FlowContext, type FlowProgress } from '../flows/runtime';
import type { FlowState } from '../core/state';
import type { Matcher } from '../matching/matcher';
import type { ConversationStore } from '../storage/store';
import type { HandoffTurns } from './handoff-turns';
import { say } from './messages';
import type { ConversationState } from '../core/state';
import { MAX_MESSAGE_CHARS, withoutPending, type Turn } from './turn';
import type { TurnHost } from './turn-host';
import type { Candidate, InboundMessage, Language, OutboundMessage } from '../core/types';

const CANCEL_WORDS = new Set(['batal', 'batalkan', 'cancel', '/cancel', 'gak jadi', 'ga jadi', 'nggak jadi', 'tidak jadi', 'stop']);
const QUESTION_START = /^(apa|apakah|gimana|bagaimana|berapa|brp|kapan|dimana|di mana|bisa|boleh|ada|kenapa|how|what|when|where|can|do|does|is|are)\b/;

/**
 * Turns inside a flow: starting it, carrying out what its steps ask of the engine (handoff,
 * answers from the knowledge base, service calls), and each customer message while it waits for
 * an answer (the answer, a side question, cancel, timeout, a flow edited meanwhile).
 */
export class FlowTurns {
  constructor(
    private readonly host: TurnHost,
    private readonly handoffs: HandoffTurns,
  ) {}

  flow(id: string): LoadedFlow | undefined {
    return this.host.flows().find((f) => f.id === id);
  }

  context(message: InboundMessage, lang: Language): FlowContext {
    return {
      lang,
      now: this.host.now(),
      timeZone: this.host.kb().settings.timezone,
      env: this.host.env,
    };
  }

  /** Starts a flow: its first steps run at once, up to the first question. */
  start(tx: ConversationStore, flow: LoadedFlow, message: InboundMessage, state: ConversationState, lang: Language): Promise<Turn> {
    const slots = { customer_name: message.userName ?? '', channel: message.channel };
    // A flow is a new task: the product or branch talked about before is not carried into it.
    const { topic: _topic, ...rest } = withoutPending(state);
    const cleared = { ...rest, choices: undefined, fallbacks: 0 };
    return this.progress(tx, message, cleared, lang, flow, advance(flow, 0, slots, this.context(message, lang)));
  }

  /** Turns a flow's progress into a turn, carrying out what it asks of the engine. */
  async progress(
    tx: ConversationStore,
    message: InboundMessage,
    state: ConversationState,
    lang: Language,
    flow: LoadedFlow,
    first: FlowProgress,
  ): Promise<Turn> {
    const base = { candidates: [] as Candidate[], matchedTerms: [] as string[], entities: {}, usedContext: false };
    const replies: OutboundMessage[] = [];
    let progress = first;
    for (let guard = 0; guard < 10; guard++) {
      replies.push(...progress.replies);
      const next: ConversationState = { ...state, flow: progress.state, choices: undefined };
      const effect = progress.effect;
      if (!effect) return { ...base, replies, decision: { type: 'flow', flowId: flow.id, score: 1 }, state: next };
      if (effect.kind === 'handoff') {
        const handed = await this.handoffs.open(tx, message, { ...next, flow: undefined }, lang, 'flow', base);
        return { ...handed, replies: [...replies, ...handed.replies] };
      }
      if (effect.kind === 'record' && progress.state) {
        // A `ticket` step: its number comes from the store, then the step's text and the flow go on.
        const slots = progress.state.slots;
        const record = await tx.createRecord(
          { flowId: flow.id, conversationId: message.conversationId, channel: message.channel, customerId: message.userId, slots },
          effect.prefix,
        );
        progress = advance(flow, progress.state.step, slots, this.context(message, lang), record.id);
        continue;
      }
      if (effect.kind === 'record') return { ...base, replies, decision: { type: 'flow', flowId: flow.id, score: 1 }, state: next };
      if (effect.kind === 'http') return { ...base, replies, decision: { type: 'flow', flowId: flow.id, score: 1 }, state: next, pendingHttp: effect.request };
      // An "answer" step: the knowledge base answers the query, then the flow goes on.
      const analysis = this.host.matcher().analyze(effect.query, lang);
      const answered = await this.host.matchTurn(tx, { ...message, text: effect.query }, { ...next, flow: undefined }, lang, analysis, this.host.matcher());
      replies.push(...answered.replies.filter((r) => r.kind === 'text'));
      state = { ...answered.state, flow: undefined, choices: undefined };
      if (!progress.state) return { ...base, replies, decision: { type: 'flow', flowId: flow.id, score: 1 }, state };
      progress = advance(flow, progress.state.step, progress.state.slots, this.context(message, lang));
    }
    return { ...base, replies, decision: { type: 'flow', flowId: flow.id, score: 1 }, state: { ...state, flow: undefined } };
  }

  /**
   * A message while a flow waits for an answer: cancel, the answer itself, a question on the
   * side (answered, then the flow's question again), or a wrong answer (asked again). Undefined
   * when the flow is gone or timed out; the message is then handled as usual.
   */
  async during(
    tx: ConversationStore,
    message: InboundMessage,
    state: ConversationState,
    lang: Language,
    folded: string,
    matcher: Matcher,
  ): Promise<Turn | undefined> {
    const stored = state.flow;
    const flow = stored ? this.flow(stored.id) : undefined;
    if (!stored || !flow) return undefined;
    if (this.host.now().getTime() - Date.parse(stored.lastAt) > flow.timeoutMinutes * 60_000) return undefined;
    // The flow was edited while this customer was in it: resume at the same question when it is
    // still there, or start the flow again with a notice.
    const moved = stored.version !== undefined && stored.version !== flow.version;
    const at = moved && stored.stepId !== undefined ? flow.stepIndex.get(stored.stepId) : moved ? undefined : stored.step;
    if (at === undefined || at >= flow.steps.length || !flow.steps[at].ask) {
      const again = await this.start(tx, flow, message, { ...state, flow: undefined }, lang);
      return { ...again, replies: [{ kind: 'text', text: say('flowChanged', lang) }, ...again.replies] };
    }
    const fs: FlowState = { ...stored, step: at, version: flow.version };
    const base = { candidates: [] as Candidate[], matchedTerms: [] as string[], entities: {}, usedContext: false };
    const without = { ...state, flow: undefined };
    if (CANCEL_WORDS.has(folded.trim())) {
      return { ...base, replies: [{ kind: 'text', text: say('flowCancelled', lang) }], decision: { type: 'flow', flowId: flow.id, score: 1 }, state: without };
    }
    const ctx = this.context(message, lang);
    const step = flow.steps[fs.step];
    const looksLikeQuestion = folded.includes('?') || QUESTION_START.test(folded.trim());
    const digression = async (): Promise<Turn | undefined> => {
      const analysis = matcher.analyze(message.text.slice(0, MAX_MESSAGE_CHARS), lang);
      const turn = await this.host.matchTurn(tx, message, state, analysis.language, analysis, matcher);
      // Only a confident answer counts as a side question; "lupa kak" is a (wrong) answer to the flow.
      const threshold = this.host.kb().settings.answerThreshold;
      const sure =
        turn.decision.type === 'answer' && (turn.decision.score >= threshold + 0.25 || (looksLikeQuestion && turn.decision.score >= threshold + 0.1));
      if (!sure) return undefined;
      const again = askMessage(step, fs.slots, ctx);
      const back: OutboundMessage = { ...again, text: `${say('flowBack', lang)} ${again.text}` };
      return {
        ...turn,
        replies: [...turn.replies.filter((r) => r.kind === 'text'), back],
        state: { ...turn.state, choices: undefined, flow: { ...fs, lastAt: this.host.now().toISOString() } },
      };
    };
    if (step.type === 'text' && looksLikeQuestion) {
      const side = await digression();
      if (side) return side;
    }
    const got = receive(
      flow,
      fs,
      message.text,
      ctx,
      matcher.normalizer
        .tokens(message.text)
        .map((t) => t.text)
        .join(' '),
    );
    if (got !== 'invalid') return this.progress(tx, message, state, lang, flow, got);
    return (await digression()) ?? this.progress(tx, message, state, lang, flow, reask(flow, fs, ctx));
  }
}
