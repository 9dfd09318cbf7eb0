import { inLanguage, questionsOf, type CatalogHandler, type Entry, type KnowledgeBase, type Product, type Store, type Variant } from '../knowledge/schema';
import { decide } from '../matching/decide';
import { Matcher, type Analysis } from '../matching/matcher';
import { foldText, type Token } from '../matching/normalize';
import { isBrandWord, isDictionaryStem, isDictionaryWord, isFunctionWord } from '../matching/lexicon';
import { isStoreUnavailable, type ConversationStore, type InboundRecord } from '../storage/store';
import { answerFromCatalog, nearestStoresText, needsProduct } from './catalog-answers';
import { entryTitle, pickChoice, toOption } from './choices';
import { fill, say } from './messages';
import { FlowTurns } from './flow-turns';
import { HandoffTurns, withoutHandoff } from './handoff-turns';
import { namesBranchVisit } from './branch-visit';
import { CUSTOMER_MESSAGE, type CustomerDelivery } from './handoff-events';
import { MAX_MESSAGE_CHARS, plainReply, withoutPending, type Turn, type TurnBase } from './turn';
import { asksForPerson, asksHowToReachPerson, declinesPerson } from '../matching/person-request';
import { ownProductQuestion, productQuestion } from '../matching/product-cues';
import { stemWord } from '../matching/stem';
import {
  entitiesOf,
  entryForHandler,
  explicitVariantWords,
  extremeProduct,
  followUpHandler,
  isVariantWord,
  matchVariantsOf,
  orderedBy,
  personTerms,
  pickCompared,
  pointsBack,
  preferAnswerable,
  recentOf,
  aspectFollowUp,
  asksAboutIt,
  sameCategoryFollowUp,
  settleClarification,
} from './follow-ups';
import type { TurnHost } from './turn-host';
import type { LoadedFlow } from '../flows/loader';
import { afterHttp, triggeredFlow, type HttpRequest } from '../flows/runtime';
import { callService } from '../flows/http-call';
import { EMPTY_STATE, type ConversationState, type OfferedChoice, type Topic } from '../core/state';
import type { Candidate, Decision, Explanation, FallbackReason, InboundMessage, Language, OtherLanguage, OutboundMessage, TurnResult } from '../core/types';
import { isPlaceholderAnswer } from '../knowledge/placeholder';

export { MAX_MESSAGE_CHARS };

const AGENT_COMMANDS = new Set(['/agent', '/admin', '/cs']);
/** A real place on Earth (a platform may send strings or garbage as coordinates). */
function isGeoPoint(p: { lat: unknown; lon: unknown }): boolean {
  return typeof p.lat === 'number' && typeof p.lon === 'number' && Math.abs(p.lat) <= 90 && Math.abs(p.lon) <= 180;
}

/** A turn for a message taken in through the inbox (see `Engine.handle`). */
export interface DurableTurn {
  /** The inbox row this turn finishes. */
  readonly inboxSeq: number | undefined;
  /** The platform message the replies answer (Telegram quotes it). */
  readonly replyTo?: string;
}

export interface EngineOptions {
  /** Flows from flows/*.yaml (none by default). */
  readonly flows?: readonly LoadedFlow[];
  /** Environment for `{env:NAME}` in flow templates (default: process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Clock, for tests (default: the real time). */
  readonly now?: () => Date;
  /** Called when a turn fails unexpectedly; the customer still gets an apology. */
  readonly onError?: (error: unknown, message: InboundMessage) => void;
  /** Called after each handled message (metrics); what it throws is ignored. */
  readonly onTurn?: (turn: TurnObservation) => void;
  /**
   * An entry whose answer is still a placeholder ("TODO: …"): customers get the fallback (the
   * default); `answer` scores it as answered, for measuring matching on an imported knowledge base.
   */
  readonly unwrittenAnswers?: 'fallback' | 'answer';
}

/** What `EngineOptions.onTurn` sees of a finished turn (no text). */
export interface TurnObservation {
  readonly channel: string;
  /** The turn's final decision (after a flow's service calls). */
  readonly decision: Decision;
  /** From the start of the turn (after the conversation's previous turn) to its replies, service calls included. */
  readonly durationMs: number;
}

/** A taken-in message whose conversation has an earlier message still waiting; the inbox tries it again after that one. */
export class TurnDeferred extends Error {
  constructor(
    readonly conversationId: string,
    readonly waitingFor: number,
  ) {
    super(`turn deferred: message ${waitingFor} of this conversation comes first`);
    this.name = 'TurnDeferred';
  }
}

/**
 * The conversation engine: one `handle` per customer message, one turn at a time per
 * conversation, every line recorded in the store. It knows no channel.
 */
export class Engine {
  private matcher: Matcher;
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly now: () => Date;
  private flows: readonly LoadedFlow[];
  private readonly handoffs: HandoffTurns;
  private readonly flowTurns: FlowTurns;

  constructor(
    kb: KnowledgeBase,
    private readonly store: ConversationStore,
    private readonly options: EngineOptions = {},
  ) {
    this.matcher = matcherFor(kb);
    this.flows = options.flows ?? [];
    this.now = options.now ?? (() => new Date());
    const host: TurnHost = {
      env: options.env ?? process.env,
      kb: () => this.kb,
      matcher: () => this.matcher,
      flows: () => this.flows,
      now: () => this.now(),
      matchTurn: (tx, message, state, lang, analysis, matcher) => this.matchTurn(tx, message, state, lang, analysis, matcher),
    };
    this.handoffs = new HandoffTurns(host);
    this.flowTurns = new FlowTurns(host, this.handoffs);
  }

  get kb(): KnowledgeBase {
    return this.matcher.kb;
  }

  /** Swaps in a new knowledge base; turns in progress finish with the old one. */
  reload(kb: KnowledgeBase, flows: readonly LoadedFlow[] = this.flows): void {
    this.matcher = matcherFor(kb);
    this.flows = flows;
  }

  /**
   * Handles one customer message. Never rejects: failures become an apology. With `durable`
   * (a message taken in through the inbox), the turn's transaction also marks the inbox row done
   * and puts the replies in the outbox, so a crash at any point loses nothing and sends nothing twice.
   */
  handle(message: InboundMessage, durable?: DurableTurn): Promise<TurnResult> {
    const previous = this.queues.get(message.conversationId) ?? Promise.resolve();
    const run = previous.then(() => this.process(message, durable));
    const tail = run.catch(() => undefined);
    this.queues.set(message.conversationId, tail);
    void tail.then(() => {
      if (this.queues.get(message.conversationId) === tail) this.queues.delete(message.conversationId);
    });
    return run;
  }

  /** One turn, then the service calls a flow asked for (each continuation is its own transaction). */
  private async process(message: InboundMessage, durable: DurableTurn | undefined): Promise<TurnResult> {
    const started = performance.now();
    let result = await this.safeTurn(message, (tx) => this.turn(tx, message), durable);
    // The inbox row is done with the first turn; a flow's service calls continue as their own turns.
    const after = durable ? { ...durable, inboxSeq: undefined } : undefined;
    for (let calls = 0; result.pendingHttp && calls < 5; calls++) {
      const outcome = await callService(result.pendingHttp);
      const next = await this.safeTurn(message, (tx) => this.continueFlow(tx, message, outcome), after);
      result = { ...next, replies: [...result.replies, ...next.replies] };
    }
    const { pendingHttp: _p, ...done } = result;
    if (this.options.onTurn) {
      try {
        this.options.onTurn({ channel: message.channel, decision: done.decision, durationMs: performance.now() - started });
      } catch {
        // Counting must never cost a customer their reply.
      }
    }
    return done;
  }

  private async safeTurn(
    message: InboundMessage,
    run: (tx: ConversationStore) => Promise<TurnResult & { pendingHttp?: HttpRequest }>,
    durable: DurableTurn | undefined,
  ): Promise<TurnResult & { pendingHttp?: HttpRequest }> {
    try {
      return await this.store.atomically(async (tx) => {
        // Turns of one conversation run one at a time, also across processes sharing the store.
        await tx.lockConversation(message.conversationId);
        if (durable?.inboxSeq !== undefined) await this.inArrivalOrder(tx, message.conversationId, durable.inboxSeq);
        const result = await run(tx);
        if (durable) await this.commitDurable(tx, message, result, durable);
        return result;
      });
    } catch (error) {
      if (error instanceof TurnDeferred) throw error;
      // The database is away or busy: a message taken in stays in the inbox and its turn runs
      // again later, rather than the customer getting an apology for a message never answered.
      if (durable && isStoreUnavailable(error)) throw error;
      this.options.onError?.(error, message);
      const lang = this.kb.settings.defaultLanguage;
      const replies: OutboundMessage[] = [{ kind: 'text', text: say('error', lang) }];
      const result: TurnResult = { replies, decision: { type: 'fallback', reason: 'error', score: 0 }, explanation: emptyExplanation(lang) };
      try {
        // The failed turn was rolled back; keep the customer's message in the transcript.
        await this.store.atomically(async (tx) => {
          await tx.lockConversation(message.conversationId);
          await tx.recordInbound(inboundRecord(message));
          await this.recordReplies(tx, message.conversationId, replies, result.decision);
          if (durable) await this.commitDurable(tx, message, result, durable);
        });
      } catch (storeError) {
        // The store itself failed. A durable message stays in the inbox and is tried again.
        if (durable) throw storeError;
      }
      return result;
    }
  }

  /**
   * Another process took in an earlier message of this conversation that has not had its turn:
   * this one waits (its row stays in the inbox), so turns run in arrival order across processes.
   */
  private async inArrivalOrder(tx: ConversationStore, conversationId: string, seq: number): Promise<void> {
    const [first] = await tx.pendingInbound(1, 0, conversationId);
    if (first && first.seq < seq) throw new TurnDeferred(conversationId, first.seq);
  }

  /** Inside the turn's transaction: the inbox row is done and the replies wait in the outbox. */
  private async commitDurable(tx: ConversationStore, message: InboundMessage, result: TurnResult, durable: DurableTurn): Promise<void> {
    if (durable.inboxSeq !== undefined) await tx.finishInbound(durable.inboxSeq);
    if (result.replies.length === 0) return;
    // A repeated request for a person (`again`) opened no ticket: the agent hub hears of it once.
    const ticketId = result.decision.type === 'handoff' && !result.decision.again ? result.decision.ticketId : undefined;
    const payload: CustomerDelivery = {
      replies: result.replies,
      ...(durable.replyTo ? { replyTo: durable.replyTo } : {}),
      ...(ticketId ? { handoffTicketId: ticketId } : {}),
    };
    await tx.enqueue({ kind: CUSTOMER_MESSAGE, target: message.conversationId, payload });
  }

  private async turn(tx: ConversationStore, message: InboundMessage): Promise<TurnResult & { pendingHttp?: HttpRequest }> {
    const matcher = this.matcher;
    const at = message.receivedAt.toISOString();
    const fresh = await tx.recordInbound(inboundRecord(message));
    const stored = (await tx.loadState(message.conversationId)) ?? EMPTY_STATE;
    const lang0 = stored.language ?? hintLanguage(message.languageHint) ?? this.kb.settings.defaultLanguage;
    if (!fresh) {
      return { replies: [], decision: { type: 'silent', reason: 'duplicate' }, explanation: emptyExplanation(lang0) };
    }
    const state = this.expireContext(stored, message.receivedAt);
    const turn = withPrivacyNotice(await this.decideTurn(tx, message, state, lang0, matcher), this.kb, lang0, at);
    const language = turn.state.language ?? lang0;
    await tx.saveState(message.conversationId, { ...turn.state, lastActiveAt: at });
    await this.recordReplies(tx, message.conversationId, turn.replies, turn.decision);
    return {
      ...(turn.pendingHttp ? { pendingHttp: turn.pendingHttp } : {}),
      replies: turn.replies,
      decision: turn.decision,
      explanation: {
        candidates: turn.candidates,
        matchedTerms: turn.matchedTerms,
        entities: turn.entities,
        language,
        usedContext: turn.usedContext,
      },
    };
  }

  private async recordReplies(tx: ConversationStore, conversationId: string, replies: readonly OutboundMessage[], decision: Decision): Promise<void> {
    const at = this.now().toISOString();
    for (const reply of replies) {
      const text = reply.kind === 'choice' ? `${reply.text}\n${reply.options.map((o, i) => `${i + 1}) ${o.label}`).join('\n')}` : reply.text;
      // A repeated request for a person (`again`) opened nothing: the transcript keeps it out of the
      // handoff and unanswered figures of the reports, as the silent turn it replaces.
      const recorded = decision.type === 'handoff' && decision.again ? 'silent' : decision.type;
      await tx.recordOutbound(conversationId, { text, at, decision: recorded, entryId: decision.type === 'answer' ? decision.entryId : null });
    }
  }

  private expireContext(state: ConversationState, now: Date): ConversationState {
    if (!state.lastActiveAt) return state;
    const idleMs = now.getTime() - new Date(state.lastActiveAt).getTime();
    if (idleMs <= this.kb.settings.contextMinutes * 60_000) return state;
    const { topic: _topic, pending: _pending, choices: _choices, ...rest } = state;
    return { ...rest, fallbacks: 0 };
  }

  private async decideTurn(tx: ConversationStore, message: InboundMessage, state: ConversationState, lang: Language, matcher: Matcher): Promise<Turn> {
    const base = { candidates: [] as Candidate[], matchedTerms: [] as string[], entities: {}, usedContext: false };
    const text = message.text ?? '';
    const folded = foldText(text);

    if (state.handoff) {
      const during = await this.handoffs.during(tx, message, state, state.handoff.ticketId, lang, folded, matcher);
      if (during) return during;
      state = withoutHandoff(state);
    }
    if (state.csat) {
      const rating = /^([1-5])(\s*(bintang|stars?|dari 5|of 5|\/5))?[.!]?$/.exec(folded.trim());
      const { csat, ...rest } = state;
      if (rating) {
        await tx.setTicketRating(csat.ticketId, Number(rating[1]));
        return plainReply(say('csatThanks', lang), 'empty', rest);
      }
      state = rest;
    }

    // A message in Indonesian or English ends replies in another language, whichever way it goes on.
    if (state.otherLanguage && matcher.speaksOwnLanguage(text)) {
      const { otherLanguage: _other, ...own } = state;
      state = own;
    }
    const kind = message.kind ?? 'text';
    if (kind === 'location' && message.location && isGeoPoint(message.location)) {
      return plainReply(nearestStoresText(message.location, this.kb, lang, undefined, this.now()), 'unsupported', state);
    }
    if (kind !== 'text' && !folded) {
      return plainReply(say('nonText', lang), 'unsupported', state);
    }
    if (!text.trim()) {
      return plainReply(say('empty', lang), 'empty', state);
    }
    if (!/[\p{L}\p{N}]/u.test(folded)) {
      return plainReply(say('emojiOnly', lang), 'empty', state);
    }
    if (!/[a-z0-9]/.test(folded.normalize('NFD'))) {
      return plainReply(say('otherScript', lang), 'unsupported', state);
    }
    // A command may carry an argument (Telegram deep links: "/start promo").
    const command = folded.startsWith('/') ? folded.trim().split(/\s+/)[0] : '';
    if (command === '/start') {
      return plainReply(this.greeting(lang), 'empty', { ...state, fallbacks: 0 });
    }
    if (command === '/help') {
      return plainReply(say('help', lang, { bot: this.kb.settings.botName }), 'empty', state);
    }
    if (AGENT_COMMANDS.has(command)) {
      return this.handoffs.open(tx, message, state, lang, 'requested', base);
    }
    // Asking for a person works in every state: mid-flow, after a clarification or fallbacks.
    // Normalized once for the person check and the matcher.
    const read = text.length > MAX_MESSAGE_CHARS ? text.slice(0, MAX_MESSAGE_CHARS) : text;
    const tokens = matcher.normalizer.tokens(read);
    // A request to delete one's data (UU 27/2022) goes to a person, who verifies it and runs `tanya forget`.
    if (this.handoffs.isDeletionRequest(folded)) {
      const language = matcher.analyze(read, lang, tokens).language;
      return this.handoffs.open(tx, message, { ...state, language }, language, 'data-request', base);
    }
    const asked = this.personRequest(read, tokens, lang, matcher);
    if (asked) return this.handoffs.open(tx, message, { ...state, language: asked.language }, asked.language, 'requested', asked.base, asked.entryId);
    let notice: string | undefined;
    if (state.flow) {
      const during = await this.flowTurns.during(tx, message, state, lang, folded, matcher);
      if (during) return during;
      notice = say('flowExpired', lang);
      state = { ...state, flow: undefined };
    }
    const started = triggeredFlow(this.flows, folded);
    if (started) {
      const turn = await this.flowTurns.start(tx, started, message, state, lang);
      // A flow stands for the entries that trigger it ("mau komplain" → complaint).
      const entryId = started.trigger.entries[0];
      return entryId && turn.decision.type === 'flow' ? { ...turn, decision: { ...turn.decision, entryId } } : turn;
    }
    if (command === '/cancel') {
      const { pending: _p, choices: _c, topic: _t, ...rest } = state;
      return plainReply(this.greeting(lang), 'empty', { ...rest, fallbacks: 0 });
    }

    const long = text.length > MAX_MESSAGE_CHARS;
    const analysis = matcher.analyze(read, lang, tokens, state.otherLanguage);
    if (this.handoffs.isComplaint(folded, analysis)) {
      // The agent (and the explanation) still see what the message was about, and the decision
      // the complaint entry it stands for, when there is one.
      const cat = analysis.catalog;
      const candidates = matcher.rank(analysis, 5);
      const entryId = this.handoffs.complaintEntry(candidates[0], matcher);
      return this.handoffs.open(
        tx,
        message,
        { ...state, language: analysis.language },
        analysis.language,
        'complaint',
        { ...base, candidates, entities: entitiesOf(cat.product, cat.variants, cat.store) },
        entryId,
      );
    }
    const replyLang: Language = analysis.language;
    const { otherLanguage: _before, ...rest } = state;
    const spoken: ConversationState = { ...rest, language: replyLang, ...(analysis.answerLanguage ? { otherLanguage: analysis.answerLanguage } : {}) };
    const turn = await this.matchTurn(tx, message, spoken, replyLang, analysis, matcher);
    if (long) turn.replies.unshift({ kind: 'text', text: say('longTruncated', replyLang) });
    if (notice) turn.replies.unshift({ kind: 'text', text: notice });
    return turn;
  }

  /** A message asking for a person: the turn's explanation and the entry that stands for it. */
  private personRequest(
    text: string,
    tokens: readonly Token[],
    lang: Language,
    matcher: Matcher,
  ): { base: TurnBase; entryId?: string; language: Language } | undefined {
    if (!asksForPerson(tokens)) return undefined;
    const analysis = matcher.analyze(text, lang, tokens);
    const candidates = matcher.rank(analysis, 5);
    const handoffEntry = matcher.entries.find((e) => e.action === 'handoff')?.id ?? personEntry(matcher);
    const cat = analysis.catalog;
    return {
      base: { candidates, matchedTerms: [], entities: entitiesOf(cat.product, cat.variants, cat.store), usedContext: false },
      language: analysis.language,
      // An entry that hands off, or else one about asking for a person, stands for the request;
      // without either, the best-ranked one when plausible.
      ...(handoffEntry
        ? { entryId: handoffEntry }
        : candidates[0] && candidates[0].score >= this.kb.settings.clarifyThreshold
          ? { entryId: candidates[0].entryId }
          : {}),
    };
  }

  /** Continues a flow after its http step, in a transaction of its own. */
  private async continueFlow(
    tx: ConversationStore,
    message: InboundMessage,
    outcome: { ok: true; json: unknown } | { ok: false },
  ): Promise<TurnResult & { pendingHttp?: HttpRequest }> {
    const state = (await tx.loadState(message.conversationId)) ?? EMPTY_STATE;
    const lang = state.language ?? this.kb.settings.defaultLanguage;
    const fs = state.flow;
    const flow = fs ? this.flowTurns.flow(fs.id) : undefined;
    if (!fs || !flow) return { replies: [], decision: { type: 'silent', reason: 'duplicate' }, explanation: emptyExplanation(lang) };
    const turn = await this.flowTurns.progress(tx, message, state, lang, flow, afterHttp(flow, fs, outcome, this.flowTurns.context(message, lang)));
    await tx.saveState(message.conversationId, turn.state);
    await this.recordReplies(tx, message.conversationId, turn.replies, turn.decision);
    return {
      ...(turn.pendingHttp ? { pendingHttp: turn.pendingHttp } : {}),
      replies: turn.replies,
      decision: turn.decision,
      explanation: { candidates: turn.candidates, matchedTerms: turn.matchedTerms, entities: turn.entities, language: lang, usedContext: false },
    };
  }

  /** The shop's own fallback (in the customer's other language when it has one), else Tanya's. */
  private fallbackText(lang: Language, other?: OtherLanguage): string {
    const own = this.kb.settings.fallback;
    if (!own) return say('fallback', lang);
    return fill(inLanguage(own, lang, other), { bot: this.kb.settings.botName, shop: this.kb.settings.shopName });
  }

  private greeting(lang: Language): string {
    const g = this.kb.settings.greeting;
    if (g) return lang === 'en' && g.en ? g.en : g.id;
    return lang === 'en' ? `Hi! I am ${this.kb.settings.botName}. How can I help?` : `Halo Kak! Saya ${this.kb.settings.botName}. Ada yang bisa dibantu?`;
  }

  private async matchTurn(
    tx: ConversationStore,
    message: InboundMessage,
    state: ConversationState,
    lang: Language,
    analysis: Analysis,
    matcher: Matcher,
  ): Promise<Turn> {
    const settings = this.kb.settings;
    // "kalo yg pro?" after the iPhone 15: the model of that line the message names is read as named.
    const inView = state.topic?.productId ? matcher.catalog.product(state.topic.productId) : undefined;
    const said = analysis.catalog;
    const model =
      inView && !said.product && said.productChoices.length === 0 && !said.unknownProduct ? matcher.catalog.modelOf(inView, analysis.tokens) : undefined;
    if (model) {
      const rest = analysis.tokens.filter((t) => !(t.kind === 'word' && model.words.includes(t.text)));
      analysis = matcher.analyze((message.text ?? '').slice(0, MAX_MESSAGE_CHARS), lang, [...matcher.normalizer.tokens(model.product.name), ...rest]);
    }
    // A staff word in a message that asks for no person ("makasih admin", "admin bisa cod?") is an
    // address term like "min", unless nothing else in the message matches; a refusal ("gak usah
    // admin, …") takes the staff words out too. Ranked once unless the staff words come out.
    const declined = declinesPerson(analysis.tokens);
    let ranked = matcher.rank(analysis, 6);
    let dropHandoff = declined;
    const first = ranked[0];
    const staffTopic =
      first && !declined && matcher.entry(first.entryId)?.action === 'handoff' ? staffAsSubject(matcher, ranked, analysis, message.text ?? '') : undefined;
    if (staffTopic && !asksForPerson(analysis.tokens) && staffTopic.score >= this.kb.settings.clarifyThreshold) {
      // "nomor cs nya brp?", "email cs apa?": the staff words are what is asked about (their
      // contact), so they stay; only the handoff entry goes.
      dropHandoff = true;
    } else if (declined || (first && matcher.entry(first.entryId)?.action === 'handoff' && !asksForPerson(analysis.tokens))) {
      const rest: Analysis = { ...analysis, terms: analysis.terms.filter((t) => !personTerms(matcher).has(t)) };
      const reranked = matcher.rank(rest, 6);
      const best = reranked.find((c) => matcher.entry(c.entryId)?.action !== 'handoff');
      if (declined || (best && best.score >= this.kb.settings.clarifyThreshold)) {
        analysis = rest;
        ranked = reranked;
        dropHandoff = true;
      }
    }
    const candidates = ranked.filter((c) => !dropHandoff || matcher.entry(c.entryId)?.action !== 'handoff').slice(0, 5);
    const cat = analysis.catalog;
    const entities = entitiesOf(cat.product, cat.variants, cat.store);
    const base = { candidates, matchedTerms: [] as string[], entities, usedContext: false };

    // 1. A pick from the choices offered last turn ("1", "2", or the option's text).
    const picked = pickChoice(state.choices, message.text, matcher);
    if (picked) {
      if (picked.kind === 'entry') {
        const entry = matcher.entry(picked.id);
        if (entry) return this.answerEntry(tx, message, entry, 1, state, lang, analysis, { ...base, usedContext: true });
      } else {
        const product = matcher.catalog.product(picked.id);
        // The pick's own question ("yang pro berapa?" after a stock question) wins over the one waiting.
        const cued = ownProductQuestion(analysis.tokens);
        const entryId = state.pending?.entryId ?? state.topic?.entryId;
        const entry = (cued ? entryForHandler(matcher, cued) : undefined) ?? (entryId ? matcher.entry(entryId) : undefined);
        if (product && entry) {
          return this.answerEntry(
            tx,
            message,
            entry,
            1,
            withoutPending(state),
            lang,
            analysis,
            { ...base, usedContext: true },
            { product, variants: cat.product ? cat.variants : [], store: cat.store },
          );
        }
      }
    }

    // 2. A product named after "Produk yang mana, Kak?" (or a "did you mean" list): the question
    // waiting for it, unless the message asks its own ("yaudah 15 pro 256 brp" after a stock question).
    if (state.pending && (cat.product || cat.productChoices.length > 0)) {
      const cued = ownProductQuestion(analysis.tokens);
      const entry = (cued ? entryForHandler(this.matcher, cued) : undefined) ?? matcher.entry(state.pending.entryId);
      if (entry) return this.answerEntry(tx, message, entry, 1, withoutPending(state), lang, analysis, { ...base, usedContext: true });
    }

    let verdict = preferAnswerable(decide(candidates, settings), candidates, cat, state, matcher, settings.clarifyThreshold);
    // A subject the knowledge base does not cover ("resep nasi goreng") is not worth a choice of entries.
    if (verdict.type === 'clarify' && analysis.offTopic.length > 0) verdict = { type: 'fallback', score: verdict.score };
    // A close second that meets nothing the best does not ("apa yang dimaksud" against "apa yang
    // dimaksud … biometrik") is no real alternative: answer, unless the message has words the
    // knowledge base never uses, in questions or answers (then the close call may be about
    // something else entirely).
    if (
      verdict.type === 'clarify' &&
      candidates[0] &&
      candidates[1] &&
      candidates[0].score >= settings.answerThreshold &&
      matcher.unseenWords(analysis).length === 0 &&
      matcher.covers(analysis, candidates[0].entryId, candidates[1].entryId)
    )
      verdict = { type: 'answer', entryId: candidates[0].entryId, score: candidates[0].score };
    const top = candidates[0];
    const topEntry = top ? matcher.entry(top.entryId) : undefined;
    // Small talk alone ("selamat pagi", "thanks!") where the knowledge base has an entry for it is
    // answered by that entry: a one-item "did you mean" for a greeting helps nobody.
    if (verdict.type !== 'answer' && top && top.score > 0 && matcher.isSocialEntry(top.entryId) && matcher.smallTalkOnly(analysis))
      verdict = { type: 'answer', entryId: top.entryId, score: top.score };

    // 3. A short follow-up about the remembered product: "kalau yg 256gb?", "yg 512 brp", "di surabaya ada?".
    // The context only fills what the message leaves out: a message with a clear intent of its
    // own (store hours, a policy, a flow trigger) is answered as that intent.
    const topic = state.topic;
    const topicProduct = topic?.productId ? matcher.catalog.product(topic.productId) : undefined;
    const topIsProductEntry = topEntry?.handler !== undefined && needsProduct(topEntry.handler);
    // A bare branch or variant ("surabaya?", "yg 256?") says nothing of its own beyond what it names.
    // Words for "a variant" ("ada varian 128GB?", "warna apa aja?") name nothing beyond the product in view.
    const saysMore = analysis.terms.some((t) => !t.startsWith('#') && !t.startsWith('^') && !t.startsWith('=') && !isFunctionWord(t) && !isVariantWord(t));
    // "toko bandung dimana?" says only question words beyond the branch, but the ranking leans
    // clearly away from the product: that lean is its own intent too.
    const bestProductScore =
      candidates.find((c) => {
        const h = matcher.entry(c.entryId)?.handler;
        return h !== undefined && needsProduct(h);
      })?.score ?? 0;
    const leansAway =
      top !== undefined &&
      top.score >= 1.5 * bestProductScore &&
      matcher.matchedTerms(analysis, top.entryId).some((t) => !t.startsWith('=') && !isVariantWord(t));
    const ownIntent = verdict.type === 'answer' && !topIsProductEntry && (saysMore || leansAway);
    const topicHandler = topic ? matcher.entry(topic.entryId)?.handler : undefined;
    const noProductNamed = !cat.product && cat.productChoices.length === 0 && !cat.unknownProduct;
    // "kalo bandung?" after the hours (or address) of a branch: the same question about that branch.
    if (
      topicHandler &&
      !needsProduct(topicHandler) &&
      noProductNamed &&
      (cat.store || cat.otherCity) &&
      !cat.variantHint &&
      !ownIntent &&
      matcher.spokenLength(analysis) <= 4
    ) {
      const entry = matcher.entry(topic?.entryId ?? '');
      if (entry) return this.answerEntry(tx, message, entry, top?.score ?? 0, state, lang, analysis, { ...base, usedContext: true });
    }
    // "the cheaper one?" after two products were compared: the product, not a variant.
    const pickedProduct = noProductNamed ? pickCompared(matcher, topic, analysis) : undefined;
    if (pickedProduct && topic) {
      const handler = followUpHandler(matcher, analysis, topic.productEntryId ?? topic.entryId, cat.store !== undefined);
      const entry = entryForHandler(this.matcher, handler, topic.productEntryId);
      if (entry) {
        const store = cat.store ?? (topic.storeId ? matcher.catalog.store(topic.storeId) : undefined);
        return this.answerEntry(
          tx,
          message,
          entry,
          top?.score ?? 0,
          state,
          lang,
          analysis,
          { ...base, usedContext: true },
          { product: pickedProduct, variants: [], store },
        );
      }
    }
    // "Which stores have it?", "does it come in green?": a product question about "it" is about the
    // product in view, even when its other words ("stores") lean towards another entry.
    const aboutIt = topicProduct !== undefined && asksAboutIt(analysis);
    if (topic && topicProduct && noProductNamed && (!ownIntent || aboutIt) && (matcher.spokenLength(analysis) <= 6 || aboutIt)) {
      const variants = matchVariantsOf(topicProduct, analysis, matcher);
      const numbered = !cat.variantHint && variants.length > 0 && analysis.tokens.some((t) => t.kind === 'num');
      // "tahan air ga?" after the Tab S9 FE: a question about its details that nothing else answers.
      // Not when it names a subject the shop does not talk about ("ukuran baju xl ada?").
      const details = productQuestion(analysis.tokens) === 'product-info' && (top?.score ?? 0) < settings.clarifyThreshold && analysis.offTopic.length === 0;
      if (cat.variantHint || cat.store || numbered || aboutIt || details) {
        // The question asked last about the product, unless the message clearly asks another one.
        const lastProductEntry = topic.productEntryId ? matcher.entry(topic.productEntryId) : undefined;
        const rememberedId = topicHandler && needsProduct(topicHandler) ? topic.entryId : lastProductEntry?.id;
        const handler = followUpHandler(matcher, analysis, rememberedId, cat.store !== undefined && !cat.variantHint);
        const entry = entryForHandler(this.matcher, handler, topic.productEntryId ?? topic.entryId);
        if (entry) {
          // "yg item?" after the 512GB: the black 512GB, not every black one.
          const narrowed = variants.filter((v) => topic.variantIds?.includes(v.id));
          const picked = narrowed.length > 0 && narrowed.length < variants.length ? narrowed : variants;
          const keep = cat.variantHint || numbered ? picked : topicProduct.variants.filter((v) => topic.variantIds?.includes(v.id));
          const store = cat.store ?? (topic.storeId ? matcher.catalog.store(topic.storeId) : undefined);
          return this.answerEntry(
            tx,
            message,
            entry,
            top?.score ?? 0,
            state,
            lang,
            analysis,
            { ...base, usedContext: true },
            { product: topicProduct, variants: keep, store },
          );
        }
      }
    }

    // "brp lama?" after a refund answer: an aspect of the topic in view, not of any other subject.
    const aspect = aspectFollowUp(matcher, settings.clarifyThreshold, analysis, state);
    if (aspect) return this.answerEntry(tx, message, aspect.entry, aspect.score, state, lang, analysis, { ...base, usedContext: true });

    // "prosesnya gmn?" after a return question: a short question about "it" that the ranking
    // cannot place goes to the entry of the same topic (category) it fits best.
    const sameTopic = sameCategoryFollowUp(matcher, settings.clarifyThreshold, verdict, candidates, analysis, message.text ?? '', state);
    if (sameTopic) return this.answerEntry(tx, message, sameTopic.entry, sameTopic.score, state, lang, analysis, { ...base, usedContext: true });

    // Only numbers (no product in view to pick a variant of): ask what they are for.
    if (!/\p{L}/u.test(message.text ?? '')) {
      return { ...plainReply(say('numbersOnly', lang), 'empty', { ...withoutPending(state), choices: undefined }), candidates, entities };
    }

    // A product named with words that say which question ("kamera redmi note 13 brp mp" → details)
    // when the ranking is unsure or only picked another product question.
    // A feature the catalogue's descriptions name ("ip 15 pro bahannya titanium?", "does the airpods
    // pro 2 have noise cancelling?") asks for the product's details, unless a price or stock cue
    // says otherwise; an entry that matched only through the feature's words ("cancelling") yields.
    if (cat.product && top) {
      const features = matcher.featureWordsIn(analysis);
      const own = ownProductQuestion(analysis.tokens);
      const byFeature = features.length > 0 && (own === undefined || own === 'product-info');
      const cued = byFeature ? 'product-info' : productQuestion(analysis.tokens);
      const cuedEntry = cued ? entryForHandler(this.matcher, cued) : undefined;
      const onFeaturesOnly = cued === 'product-info' && !topIsProductEntry && matchedOnlyDetails(matcher, analysis, top.entryId);
      if (
        cuedEntry &&
        cuedEntry.id !== top.entryId &&
        (topIsProductEntry || top.score < settings.clarifyThreshold || matcher.socialOnly(analysis, top.entryId) || onFeaturesOnly)
      ) {
        return this.answerEntry(tx, message, cuedEntry, top.score, state, lang, analysis, base);
      }
    }

    // A family name the conversation already narrowed ("balik ke redmi tadi"): the product talked about.
    const recalled = !cat.product && cat.productChoices.length > 1 && !ownIntent ? cat.productChoices.find((p) => topic?.recentIds?.includes(p.id)) : undefined;
    if (recalled) {
      const h = topIsProductEntry && topEntry?.handler ? topEntry.handler : followUpHandler(matcher, analysis, topic?.productEntryId, cat.store !== undefined);
      const entry = entryForHandler(this.matcher, h, topic?.productEntryId);
      if (entry)
        return this.answerEntry(
          tx,
          message,
          entry,
          top?.score ?? 0,
          state,
          lang,
          analysis,
          { ...base, usedContext: true },
          { product: recalled, variants: matchVariantsOf(recalled, analysis, matcher), store: cat.store },
        );
    }

    // "hp paling murah apa?": the cheapest (or dearest) product of a kind the catalogue sells.
    const extreme = !cat.product && !recalled ? extremeProduct(cat.productChoices.length > 0 ? cat.productChoices : this.kb.products, analysis) : undefined;
    if (extreme) {
      const entry = entryForHandler(this.matcher, productQuestion(analysis.tokens) === 'product-stock' ? 'product-stock' : 'product-price');
      if (entry)
        return this.answerEntry(tx, message, entry, top?.score ?? 0, state, lang, analysis, base, {
          product: extreme.product,
          variants: [extreme.variant],
          store: cat.store,
        });
    }

    // 4. A product named with no clear question: the remembered question about it ("kalo s23 fe?"),
    // else the best product entry.
    const bareProduct =
      cat.product !== undefined &&
      !cat.store &&
      !productQuestion(analysis.tokens) &&
      !analysis.terms.some((t) => !t.startsWith('#') && !t.startsWith('^') && !t.startsWith('=') && !isFunctionWord(t));
    // A plausible question of another kind ("harga khusus buat pembelian partai?") is not forced
    // onto a product entry: it answers or clarifies as ranked.
    const otherQuestion = top !== undefined && !topIsProductEntry && top.score >= settings.clarifyThreshold && !bareProduct && !cat.unknownProduct;
    if ((cat.product || cat.productChoices.length > 0 || cat.unknownProduct) && (verdict.type !== 'answer' || bareProduct) && !otherQuestion) {
      const remembered = topic ? matcher.entry(topic.productEntryId ?? topic.entryId) : undefined;
      // The question asked last, unless the message's own cue asks another ("kalo a15 12/512 ada ga?" after a price is stock).
      const cue = productQuestion(analysis.tokens);
      if (
        remembered?.handler &&
        needsProduct(remembered.handler) &&
        (cue === undefined || cue === remembered.handler) &&
        cat.product &&
        matcher.spokenLength(analysis) <= 4
      ) {
        return this.answerEntry(tx, message, remembered, top?.score ?? 0, state, lang, analysis, { ...base, usedContext: true });
      }
      const productCandidate = candidates.find((c) => {
        const h = matcher.entry(c.entryId)?.handler;
        return h !== undefined && needsProduct(h);
      });
      const entry = productCandidate ? matcher.entry(productCandidate.entryId) : entryForHandler(this.matcher, 'product-info');
      if (entry && (productCandidate?.score ?? 0) >= settings.clarifyThreshold * 0.5) {
        return this.answerEntry(tx, message, entry, productCandidate?.score ?? 0, state, lang, analysis, base);
      }
      if (entry && !productCandidate) return this.answerEntry(tx, message, entry, 0, state, lang, analysis, base);
    }

    switch (verdict.type) {
      case 'answer': {
        const entry = matcher.entry(verdict.entryId);
        if (entry) return this.answerEntry(tx, message, entry, verdict.score, state, lang, analysis, base);
        return this.fallback(tx, message, state, lang, verdict.score, base, 'low-score', analysis.answerLanguage);
      }
      case 'clarify': {
        // What the conversation is about settles some unclear questions: "alamat?" after talking
        // about a branch is its address; small talk never competes with a question.
        const settled = settleClarification(matcher, verdict.entryIds, state, analysis);
        if (settled) return this.answerEntry(tx, message, settled, verdict.score, state, lang, analysis, { ...base, usedContext: true });
        const options: OfferedChoice[] = verdict.entryIds
          .map((id) => matcher.entry(id))
          .filter((e): e is Entry => e !== undefined)
          .map((e) => {
            const title = entryTitle(e, lang, analysis.answerLanguage);
            return { label: title, value: title, kind: 'entry', id: e.id };
          });
        if (options.length === 1) {
          const only = matcher.entry(options[0].id);
          if (only && verdict.score >= settings.answerThreshold) return this.answerEntry(tx, message, only, verdict.score, state, lang, analysis, base);
        }
        return {
          ...base,
          replies: [{ kind: 'choice', text: say(options.length === 1 ? 'clarifyOne' : 'clarify', lang), options: options.map(toOption) }],
          decision: { type: 'clarify', entryIds: options.map((o) => o.id), score: verdict.score },
          // A product named in the unclear question stays in view for the next one ("harga satuannya?").
          state: {
            ...state,
            choices: options,
            ...(cat.product && options[0] ? { topic: { entryId: options[0].id, productId: cat.product.id, ...recentOf(state.topic, [cat.product]) } } : {}),
          },
        };
      }
      case 'fallback':
        // A bare greeting that no entry answers (an imported bot without one) is greeted back, not told it was not understood.
        if (matcher.greetsOnly(analysis))
          return {
            ...base,
            replies: [{ kind: 'text', text: this.greeting(lang) }],
            decision: { type: 'fallback', reason: 'empty', score: verdict.score },
            state,
          };
        return this.fallback(tx, message, state, lang, verdict.score, base, 'low-score', analysis.answerLanguage);
      default: {
        const exhaustive: never = verdict;
        return exhaustive;
      }
    }
  }

  private async answerEntry(
    tx: ConversationStore,
    message: InboundMessage,
    entry: Entry,
    score: number,
    state: ConversationState,
    lang: Language,
    analysis: Analysis,
    base: TurnBase,
    slotsOverride?: { product?: Product; variants: readonly Variant[]; store?: Store },
  ): Promise<Turn> {
    const matcher = this.matcher;
    const matchedTerms = matcher.matchedTerms(analysis, entry.id);
    if (entry.action === 'handoff') return this.handoffs.open(tx, message, state, lang, 'requested', { ...base, matchedTerms });
    const flow = state.flow ? undefined : this.flows.find((f) => f.trigger.entries.includes(entry.id));
    if (flow) {
      const started = await this.flowTurns.start(tx, flow, message, state, lang);
      const decision = started.decision.type === 'flow' ? { ...started.decision, entryId: entry.id, score } : started.decision;
      return { ...started, decision, candidates: base.candidates, matchedTerms, entities: base.entities };
    }
    if (
      this.options.unwrittenAnswers !== 'answer' &&
      !entry.handler &&
      entry.answer &&
      isPlaceholderAnswer(inLanguage(entry.answer, lang, analysis.answerLanguage))
    )
      return this.fallback(tx, message, state, lang, score, { ...base, matchedTerms }, 'unwritten-answer', analysis.answerLanguage);
    const cat = analysis.catalog;
    let usedContext = base.usedContext;
    const replies: OutboundMessage[] = [];
    let nextState: ConversationState = { ...withoutPending(state), fallbacks: 0, choices: undefined };
    let topic: Topic = { entryId: entry.id };

    if (entry.handler) {
      let product = slotsOverride?.product ?? cat.product;
      let variants = slotsOverride?.variants ?? cat.variants;
      let store = slotsOverride?.store ?? cat.store;
      if (!product && cat.productChoices.length === 0 && needsProduct(entry.handler) && state.topic?.productId) {
        product = matcher.catalog.product(state.topic.productId);
        if (product && cat.variantHint) variants = matchVariantsOf(product, analysis, matcher);
        usedContext = true;
      }
      // A remembered branch answers "jam buka?" after "stok di surabaya?" (never a city the message names).
      const storeFollowUp = !needsProduct(entry.handler) && !cat.otherCity;
      const pointing = pointsBack(analysis);
      if (!store && state.topic?.storeId && (usedContext || storeFollowUp || pointing)) store = matcher.catalog.store(state.topic.storeId);
      const asked = product && variants.length === 0 ? explicitVariantWords(cat.variantTokens) : undefined;
      if (!product && cat.productChoices.length > 0 && needsProduct(entry.handler)) {
        const options: OfferedChoice[] = cat.productChoices.slice(0, 6).map((p) => ({ label: p.name, value: p.name, kind: 'product', id: p.id }));
        return {
          ...base,
          matchedTerms,
          usedContext,
          replies: [{ kind: 'choice', text: say('pickProduct', lang), options: options.map(toOption) }],
          decision: { type: 'clarify', entryIds: [entry.id], score },
          state: {
            ...nextState,
            pending: { entryId: entry.id, slot: 'product' },
            choices: options,
            topic: { entryId: entry.id, ...(store ? { storeId: store.id } : {}) },
          },
        };
      }
      const reply = answerFromCatalog(
        entry.handler,
        { product, variants, store, ...(cat.otherCity ? { otherCity: cat.otherCity } : {}), ...(asked ? { unmatchedVariant: asked } : {}) },
        this.kb,
        lang,
        this.now(),
      );
      if (reply.kind === 'missing') {
        // Real words, Indonesian or English ("satuannya", "students"), are not a product's name; brands may be.
        const unknown = analysis.unknownWords.filter((w) => w.length >= 2 && (isBrandWord(w) || (!isDictionaryWord(w) && !isDictionaryStem(stemWord(w)))));
        if ((cat.unknownProduct || unknown.length > 0) && matcher.catalog.hasProducts) {
          const guess = cat.unknownProduct?.name ?? unknown.join(' ');
          const close = cat.unknownProduct?.similar ?? matcher.catalog.closestProducts(guess);
          const lines = [say('unknownProduct', lang, { name: guess })];
          if (close.length > 0) lines.push(say('closestProducts', lang, { list: close.map((p) => p.name).join(', ') }));
          const options: OfferedChoice[] = close.map((p) => ({ label: p.name, value: p.name, kind: 'product', id: p.id }));
          return {
            ...base,
            matchedTerms,
            replies:
              options.length > 0 ? [{ kind: 'choice', text: lines.join(' '), options: options.map(toOption) }] : [{ kind: 'text', text: lines.join(' ') }],
            decision: { type: 'fallback', reason: 'unknown-product', score },
            state: { ...nextState, pending: { entryId: entry.id, slot: 'product' }, choices: options },
          };
        }
        return {
          ...base,
          matchedTerms,
          replies: [{ kind: 'text', text: say('askProduct', lang) }],
          decision: { type: 'clarify', entryIds: [entry.id], score },
          state: { ...nextState, pending: { entryId: entry.id, slot: 'product' } },
        };
      }
      // Several products compared in one question: the same answer for each, in the order written.
      const compared = !slotsOverride && needsProduct(entry.handler) && cat.products.length > 1 ? cat.products : [];
      const others = compared.filter((p) => p.id !== product?.id);
      const otherReplies = others.map((p) =>
        answerFromCatalog(entry.handler as CatalogHandler, { product: p, variants: [], store }, this.kb, lang, this.now()),
      );
      const texts = [reply.text, ...otherReplies.flatMap((r) => (r.kind === 'text' ? [r.text] : []))];
      replies.push({ kind: 'text', text: compared.length > 0 ? orderedBy(compared, [product, ...others], texts).join('\n\n') : reply.text });
      // A branch question keeps the product in view ("jam buka toko surabaya?" then "yg 512 brp?").
      const keptProduct = product ?? (!needsProduct(entry.handler) && state.topic?.productId ? matcher.catalog.product(state.topic.productId) : undefined);
      const keptVariants = product ? variants : keptProduct ? keptProduct.variants.filter((v) => state.topic?.variantIds?.includes(v.id)) : [];
      const productEntryId = needsProduct(entry.handler) ? entry.id : keptProduct ? state.topic?.productEntryId : undefined;
      topic = {
        entryId: entry.id,
        ...(keptProduct ? { productId: keptProduct.id } : {}),
        ...(productEntryId ? { productEntryId } : {}),
        ...(keptVariants.length > 0 ? { variantIds: keptVariants.map((v) => v.id) } : {}),
        // The branch talked about stays in view for "stoknya di sana?" after another product.
        ...(store ? { storeId: store.id } : state.topic?.storeId ? { storeId: state.topic.storeId } : {}),
        ...recentOf(state.topic, compared.length > 0 ? compared : keptProduct ? [keptProduct] : []),
        ...(compared.length > 0
          ? { comparedIds: compared.map((p) => p.id) }
          : state.topic?.comparedIds && keptProduct && state.topic.comparedIds.includes(keptProduct.id)
            ? { comparedIds: state.topic.comparedIds }
            : {}),
      };
      base = { ...base, entities: entitiesOf(product, variants, store) };
    } else if (entry.answer) {
      replies.push({
        kind: 'text',
        text: fill(inLanguage(entry.answer, lang, analysis.answerLanguage), { bot: this.kb.settings.botName, shop: this.kb.settings.shopName }),
      });
      // Keep the product in view so "harganya?" after a warranty question still knows it; a
      // product named in this very question ("promo s24 ada?") becomes the one in view.
      const named = cat.product;
      const productId = named?.id ?? state.topic?.productId;
      // A branch named as a place to be ("dibantu pindah data di toko jkt?") stays in view for
      // "jam buka?"; a place a parcel goes to or comes from ("ongkir ke surabaya") is no branch visit.
      const visited = cat.store && namesBranchVisit(analysis.tokens, analysis.terms, cat.store, matcher.normalizer) ? cat.store.id : undefined;
      const storeId = visited ?? state.topic?.storeId;
      if (productId) {
        const productEntryId = named ? undefined : state.topic?.productEntryId;
        topic = { entryId: entry.id, productId, ...(productEntryId ? { productEntryId } : {}), ...(storeId ? { storeId } : {}) };
        const product = named ?? matcher.catalog.product(productId);
        base = { ...base, entities: { ...base.entities, ...(product ? { product: product.id } : {}) }, usedContext: base.usedContext || !named };
      } else if (storeId) {
        topic = { entryId: entry.id, storeId };
      }
    }

    const suggestions: OfferedChoice[] = entry.suggest
      .map((id) => matcher.entry(id))
      .filter((e): e is Entry => e !== undefined)
      .map((e) => {
        const title = entryTitle(e, lang, analysis.answerLanguage);
        return { label: title, value: title, kind: 'entry', id: e.id, suggested: true };
      });
    if (suggestions.length > 0) {
      replies.push({ kind: 'choice', text: say('followUp', lang), options: suggestions.map(toOption) });
      nextState = { ...nextState, choices: suggestions };
    }
    return {
      ...base,
      matchedTerms,
      usedContext,
      replies,
      decision: { type: 'answer', entryId: entry.id, score },
      state: { ...nextState, topic },
    };
  }

  private async fallback(
    tx: ConversationStore,
    message: InboundMessage,
    state: ConversationState,
    lang: Language,
    score: number,
    base: TurnBase,
    reason: FallbackReason = 'low-score',
    other?: OtherLanguage,
  ): Promise<Turn> {
    const fallbacks = state.fallbacks + 1;
    if (fallbacks >= this.kb.settings.fallbacksBeforeHandoff) {
      return this.handoffs.open(tx, message, state, lang, 'repeated-fallback', base);
    }
    return {
      ...base,
      replies: [{ kind: 'text', text: this.fallbackText(lang, other) }],
      decision: { type: 'fallback', reason, score },
      state: { ...withoutPending(state), fallbacks, choices: undefined },
    };
  }
}

const personEntries = new WeakMap<Matcher, string | null>();

/**
 * The entry that is itself about asking for a person, in a knowledge base without a handoff
 * entry (an imported "talk_to_human" intent, or an FAQ's "how can I contact a person?"): the one
 * with the most questions that ask for a person or how to reach one, when at least half of its
 * questions do. A customer asking for a person is that
 * entry's case, whatever other words the request has ("ga usah bot, orang aja").
 */
function personEntry(matcher: Matcher): string | undefined {
  let found = personEntries.get(matcher);
  if (found === undefined) {
    // Entries whose questions ask for a person come first; entries about how to reach one only
    // when no entry asks. Among either, the most such questions, then the largest share.
    let best: { id: string; tier: number; count: number; share: number } | undefined;
    for (const entry of matcher.entries) {
      // A greeting entry's "halo admin" greets; it is no request.
      if (matcher.isSocialEntry(entry.id)) continue;
      const questions = questionsOf(entry).map((q) => matcher.normalizer.tokens(q));
      const asking = questions.map((q) => asksForPerson(q));
      const asks = asking.filter(Boolean).length;
      const reaches = questions.filter((q, k) => asking[k] || asksHowToReachPerson(q)).length;
      const [tier, count] = asks * 2 >= questions.length && asks > 0 ? [2, asks] : reaches * 2 >= questions.length && reaches > 0 ? [1, reaches] : [0, 0];
      if (tier === 0) continue;
      const share = count / questions.length;
      const better = !best || tier > best.tier || (tier === best.tier && (count > best.count || (count === best.count && share > best.share)));
      if (better) best = { id: entry.id, tier, count, share };
    }
    found = best?.id ?? null;
    personEntries.set(matcher, found);
  }
  return found ?? undefined;
}

const compiled = new WeakMap<KnowledgeBase, Matcher>();

/** One compiled matcher per knowledge base, shared by every engine that serves it. */
function matcherFor(kb: KnowledgeBase): Matcher {
  let matcher = compiled.get(kb);
  if (!matcher) {
    matcher = new Matcher(kb);
    compiled.set(kb, matcher);
  }
  return matcher;
}

/**
 * The shop's privacy notice (`settings.privacy.notice`) before the replies of a conversation's
 * first answered turn, once: the state remembers when it was sent.
 */
function withPrivacyNotice(turn: Turn, kb: KnowledgeBase, fallbackLang: Language, at: string): Turn {
  const notice = kb.settings.privacy.notice;
  if (!notice || turn.state.privacyNoticeAt || turn.replies.length === 0) return turn;
  const lang = turn.state.language ?? fallbackLang;
  const text = fill(lang === 'en' && notice.en ? notice.en : notice.id, { bot: kb.settings.botName, shop: kb.settings.shopName });
  return { ...turn, replies: [{ kind: 'text', text }, ...turn.replies], state: { ...turn.state, privacyNoticeAt: at } };
}

function inboundRecord(message: InboundMessage): InboundRecord {
  return {
    channel: message.channel,
    conversationId: message.conversationId,
    userId: message.userId,
    ...(message.userName ? { userName: message.userName } : {}),
    messageId: message.messageId,
    text: message.text,
    kind: message.kind ?? 'text',
    at: message.receivedAt.toISOString(),
  };
}

function hintLanguage(hint: string | undefined): Language | undefined {
  if (!hint) return undefined;
  return hint.toLowerCase().startsWith('en') ? 'en' : hint.toLowerCase().startsWith('id') ? 'id' : undefined;
}

function emptyExplanation(language: Language): Explanation {
  return { candidates: [], matchedTerms: [], entities: {}, language, usedContext: false };
}

/**
 * The best entry other than a handoff whose match rests on the staff words and something asked
 * about them ("nomor cs", "email cs"), if any; "makasih admin" and "admin bisa cod?" have none.
 */
function staffAsSubject(matcher: Matcher, ranked: readonly Candidate[], analysis: Analysis, text: string): Candidate | undefined {
  const best = ranked.find((c) => matcher.entry(c.entryId)?.action !== 'handoff');
  if (!best) return undefined;
  const staff = personTerms(matcher);
  const matched = matcher.matchedTerms(analysis, best.entryId);
  const other = matched.filter((t) => !staff.has(t) && !t.startsWith('=') && !t.startsWith('^') && !isFunctionWord(t));
  return matched.some((t) => staff.has(t)) && other.length > 0 && isQuestion(analysis, text) ? best : undefined;
}

/** Words that make a message a question ("brp", "apa", "where"), after normalization. */
const QUESTION_WORDS = new Set(['apa', 'apakah', 'berapa', 'mana', 'dimana', 'kapan', 'bagaimana', 'siapa', 'what', 'where', 'when', 'how', 'which', 'who']);

/** A question rather than a statement ("cs nya lambat banget balesnya" is a complaint, not a question about them). */
function isQuestion(analysis: Analysis, text: string): boolean {
  return text.includes('?') || analysis.tokens.some((t) => QUESTION_WORDS.has(t.text));
}

/**
 * True when an entry matched a message only through its words about a product's details (feature
 * words and detail cues: "noise cancelling" meets "cancel") and function words ("what", "does").
 */
function matchedOnlyDetails(matcher: Matcher, analysis: Analysis, entryId: string): boolean {
  const features = new Set(matcher.featureWordsIn(analysis));
  const details = analysis.tokens.filter((t) => t.kind === 'word' && (features.has(t.text) || productQuestion([t]) === 'product-info'));
  const allowed = new Set(details.length > 0 ? matcher.analyze(details.map((t) => t.text).join(' ')).terms : []);
  for (const t of analysis.tokens) if (t.kind === 'word' && isFunctionWord(t.text)) allowed.add(stemWord(t.text));
  return matcher.matchedTerms(analysis, entryId).every((t) => t.startsWith('=') || t.startsWith('#') || isFunctionWord(t) || allowed.has(t));
}
