import type { FlowState } from '../core/state';
import type { Language, OutboundMessage } from '../core/types';
import { foldText } from '../matching/normalize';
import { phrasePattern } from '../matching/phrases';
import type { LoadedFlow } from './loader';
import { successors } from './loader';
import type { Step } from './schema';
import { parseSlot } from './slot-types';

export interface HttpRequest {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly timeoutMs: number;
  readonly body?: string;
}

/** Something the engine must do for the flow: hand off, call a service, answer from the KB. */
export type FlowEffect =
  | { readonly kind: 'handoff' }
  | { readonly kind: 'http'; readonly request: HttpRequest }
  | { readonly kind: 'answer'; readonly query: string }
  /** A `ticket` step: the engine records the slots under a new number, then calls `advance` again with it. */
  | { readonly kind: 'record'; readonly prefix: string };

export interface FlowProgress {
  readonly replies: OutboundMessage[];
  /** Undefined when the flow is over. */
  readonly state?: FlowState;
  readonly effect?: FlowEffect;
}

export interface FlowContext {
  readonly lang: Language;
  readonly now: Date;
  readonly timeZone: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

const MAX_STEPS_PER_TURN = 100;

/** Fills `{slot}`, `{slot.field}` and `{env:NAME|default}` in a template. */
export function fillTemplate(template: string, slots: Readonly<Record<string, string>>, env: FlowContext['env'], encode = false): string {
  return template
    .replace(/\{env:([A-Z0-9_]+)(?:\|([^}]*))?\}/g, (_, name: string, fallback: string | undefined) => env[name] ?? fallback ?? '')
    .replace(/\{([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*)\}/g, (_, key: string) => {
      const value = slots[key] ?? '';
      return encode ? encodeURIComponent(value) : value;
    });
}

function text(localized: { id: string; en?: string } | undefined, lang: Language): string | undefined {
  if (!localized) return undefined;
  return lang === 'en' && localized.en ? localized.en : localized.id;
}

/** The question of an `ask` step, with its options as choices. */
export function askMessage(step: Step, slots: Readonly<Record<string, string>>, ctx: Pick<FlowContext, 'lang' | 'env'>): OutboundMessage {
  const prompt = fillTemplate(text(step.ask, ctx.lang) ?? '', slots, ctx.env);
  if (step.type === 'choice' && step.options) {
    return {
      kind: 'choice',
      text: prompt,
      options: step.options.map((o) => ({ label: text(o.label, ctx.lang) ?? o.value, value: text(o.label, ctx.lang) ?? o.value })),
    };
  }
  return { kind: 'text', text: prompt };
}

function holds(step: Step, slots: Readonly<Record<string, string>>): boolean {
  const c = step.if;
  if (!c) return true;
  const value = slots[c.slot];
  const folded = value === undefined ? undefined : foldText(value).trim();
  if (c.exists !== undefined) return c.exists === (value !== undefined && value !== '');
  if (c.equals !== undefined) return folded === foldText(String(c.equals)).trim();
  if (c.in !== undefined) return c.in.some((v) => folded === foldText(String(v)).trim());
  if (c.matches !== undefined) return value !== undefined && new RegExp(c.matches, 'iu').test(value);
  const n = Number(value);
  if (c.below !== undefined) return value !== undefined && Number.isFinite(n) && n < c.below;
  if (c.above !== undefined) return value !== undefined && Number.isFinite(n) && n > c.above;
  return value !== undefined;
}

/** The step after `j` on the normal path (or undefined at the end of the flow). */
function nextIndex(flow: LoadedFlow, j: number): number | undefined {
  return successors(flow, flow.stepIndex, j)[0]?.to;
}

/**
 * Runs steps from `from` until the flow needs the customer (an `ask`), the engine (an effect),
 * or ends. Pure. `recorded` is the number the engine gave the record of the `ticket` step at `from`.
 */
export function advance(
  flow: LoadedFlow,
  from: number | undefined,
  slotsIn: Readonly<Record<string, string>>,
  ctx: FlowContext,
  recorded?: string,
): FlowProgress {
  const replies: OutboundMessage[] = [];
  const slots: Record<string, string> = { ...slotsIn };
  const say = (step: Step): void => {
    const t = text(step.say, ctx.lang);
    if (t) replies.push({ kind: 'text', text: fillTemplate(t, slots, ctx.env) });
  };
  const at = (step: number): FlowState => ({
    id: flow.id,
    step,
    slots,
    retries: 0,
    lastAt: ctx.now.toISOString(),
    version: flow.version,
    ...(flow.steps[step]?.id ? { stepId: flow.steps[step].id } : {}),
  });
  let j = from;
  for (let guard = 0; j !== undefined && guard < MAX_STEPS_PER_TURN; guard++) {
    const step = flow.steps[j];
    if (step.if) {
      const ok = holds(step, slots);
      const target = ok ? step.then : step.else;
      j = target !== undefined ? flow.stepIndex.get(target) : j + 1 < flow.steps.length ? j + 1 : undefined;
      continue;
    }
    if (step.ask) {
      say(step);
      replies.push(askMessage(step, slots, ctx));
      return { replies, state: at(j) };
    }
    if (step.set) {
      for (const [slot, template] of Object.entries(step.set)) slots[slot] = fillTemplate(template, slots, ctx.env);
    }
    switch (step.action) {
      case 'end':
        say(step);
        return { replies };
      case 'handoff':
        say(step);
        return { replies, effect: { kind: 'handoff' } };
      case 'ticket':
        if (recorded === undefined || j !== from) return { replies, state: at(j), effect: { kind: 'record', prefix: step.prefix ?? 'K' } };
        slots.ticket = recorded;
        recorded = undefined;
        say(step);
        break;
      case 'http': {
        say(step);
        const http = step.http;
        if (!http) return { replies };
        const url = fillTemplate(http.url, slots, ctx.env, true);
        const body = http.method === 'POST' ? JSON.stringify(Object.fromEntries(Object.entries(slots).filter(([k]) => !k.includes('.')))) : undefined;
        return { replies, state: at(j), effect: { kind: 'http', request: { url, method: http.method, timeoutMs: http.timeoutMs, ...(body ? { body } : {}) } } };
      }
      case 'answer': {
        say(step);
        const next = nextIndex(flow, j);
        return {
          replies,
          ...(next !== undefined ? { state: at(next) } : {}),
          effect: { kind: 'answer', query: fillTemplate(step.query ?? '', slots, ctx.env) },
        };
      }
      case undefined:
        say(step);
        break;
    }
    j = nextIndex(flow, j);
  }
  return { replies };
}

/** Continues after an http step: the answer's fields become slots, or the error branch is taken. */
export function afterHttp(flow: LoadedFlow, state: FlowState, result: { ok: true; json: unknown } | { ok: false }, ctx: FlowContext): FlowProgress {
  const step = flow.steps[state.step];
  const slots: Record<string, string> = { ...state.slots };
  if (!result.ok) {
    const onError = step.http?.onError;
    if (onError === undefined)
      return {
        replies: [
          {
            kind: 'text',
            text:
              ctx.lang === 'en'
                ? 'Sorry, that service is not answering right now. Please try again later.'
                : 'Maaf Kak, layanannya sedang tidak bisa dihubungi. Silakan coba lagi nanti ya.',
          },
        ],
      };
    return advance(flow, flow.stepIndex.get(onError), slots, ctx);
  }
  const saveAs = step.http?.saveAs;
  if (saveAs) {
    slots[saveAs] = '1';
    flatten(result.json, saveAs, slots);
  }
  return advance(flow, nextIndex(flow, state.step), slots, ctx);
}

function flatten(value: unknown, prefix: string, into: Record<string, string>, depth = 0): void {
  if (depth > 4 || value === null || value === undefined) return;
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (/^[a-z0-9_]+$/i.test(k)) flatten(v, `${prefix}.${k.toLowerCase()}`, into, depth + 1);
    }
    return;
  }
  // JSON leaves are strings, numbers and booleans.
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') into[prefix] = String(value).slice(0, 500);
}

/**
 * Takes the customer's answer to the waiting question: a valid one fills the slot and moves
 * on; an invalid one returns `invalid` so the engine can first check for a digression.
 */
export function receive(flow: LoadedFlow, state: FlowState, input: string, ctx: FlowContext, normalized?: string): FlowProgress | 'invalid' {
  const step = flow.steps[state.step];
  if (!step.ask || !step.slot) return advance(flow, state.step, state.slots, ctx);
  // Choices are also read after slang is normalized ("wa" → "whatsapp").
  let parsed = parseSlot(step, input, ctx.now, ctx.timeZone);
  if (!parsed.ok && step.type === 'choice' && normalized) parsed = parseSlot(step, normalized, ctx.now, ctx.timeZone);
  if (!parsed.ok) return 'invalid';
  return advance(flow, nextIndex(flow, state.step), { ...state.slots, [step.slot]: parsed.value }, ctx);
}

/** Asks again after an invalid answer, or hands off once the retries are used up. */
export function reask(flow: LoadedFlow, state: FlowState, ctx: FlowContext): FlowProgress {
  const step = flow.steps[state.step];
  const retries = state.retries + 1;
  if (retries > (step.retries ?? 2)) return { replies: [], effect: { kind: 'handoff' } };
  const invalid = text(step.invalid, ctx.lang) ?? (ctx.lang === 'en' ? 'Sorry, that does not look right.' : 'Maaf Kak, sepertinya jawabannya belum sesuai.');
  return {
    replies: [{ kind: 'text', text: fillTemplate(invalid, state.slots, ctx.env) }, askMessage(step, state.slots, ctx)],
    state: { ...state, retries, lastAt: ctx.now.toISOString() },
  };
}

/** The flow a message starts by command or keyword, if any. */
export function triggeredFlow(flows: readonly LoadedFlow[], folded: string): LoadedFlow | undefined {
  const command = /^\/[a-z0-9_]+/.exec(folded)?.[0];
  if (command) return flows.find((f) => f.trigger.commands.includes(command));
  return flows.find((f) => phrasePattern(f.trigger.keywords)?.test(folded) ?? false);
}
