import { z } from 'zod';
import { id, localizedIdEn, nonEmpty } from '../knowledge/schema';

/**
 * The flow language: multi-turn tasks editors write in flows/*.yaml (documented in
 * docs/flows.md). A flow is a list of steps run in order; `next`, `then`/`else` and
 * `onError` jump to a step by id.
 */

export const SLOT_TYPES = ['text', 'number', 'choice', 'phone', 'email', 'date', 'pattern'] as const;
export type SlotType = (typeof SLOT_TYPES)[number];

export const FLOW_ACTIONS = ['ticket', 'http', 'handoff', 'answer', 'end'] as const;

const slotName = z.string().regex(/^[a-z][a-z0-9_]*$/, 'write slot names in lower case with "_", e.g. "order_id"');
const stepRef = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'write step ids in lower case with "-" or "_", e.g. "ask-order"');

const conditionSchema = z
  .object({
    slot: z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/, 'name a slot, e.g. "contact" or "order.status"'),
    /** The slot equals this (text comparison, case-insensitive). */
    equals: z.union([z.string(), z.number(), z.boolean()]).optional(),
    /** The slot is one of these. */
    in: z.array(z.union([z.string(), z.number()])).optional(),
    /** The slot matches this regular expression. */
    matches: z.string().optional(),
    /** The slot has (true) or lacks (false) a value. */
    exists: z.boolean().optional(),
    /** Numeric comparisons. */
    below: z.number().optional(),
    above: z.number().optional(),
  })
  .strict();

const optionSchema = z.object({ value: nonEmpty, label: localizedIdEn }).strict();

const httpSchema = z
  .object({
    /** URL template: slots as {order_id}, environment variables as {env:ORDER_SERVICE_URL|http://127.0.0.1:4010}. */
    url: nonEmpty,
    method: z.enum(['GET', 'POST']).default('GET'),
    timeoutMs: z.number().int().min(100).max(30_000).default(5000),
    /** Slot that receives the JSON answer; its fields are read as {order.status}. */
    saveAs: slotName.optional(),
    /** Step to go to when the service is down, slow or answers an error. */
    onError: stepRef.optional(),
  })
  .strict();

export const stepSchema = z
  .object({
    id: stepRef.optional(),
    say: localizedIdEn.optional(),
    ask: localizedIdEn.optional(),
    slot: slotName.optional(),
    type: z.enum(SLOT_TYPES).optional(),
    /** Choices for `type: choice`. */
    options: z.array(optionSchema).min(2).optional(),
    /** Regular expression for `type: pattern` (e.g. an order number). */
    pattern: z.string().optional(),
    /** Said before asking again when the answer does not fit. */
    invalid: localizedIdEn.optional(),
    /** Wrong answers allowed before a person takes over (default 2). */
    retries: z.number().int().min(0).max(10).optional(),
    if: conditionSchema.optional(),
    then: stepRef.optional(),
    else: stepRef.optional(),
    /** Slot values to set (templates). */
    set: z.record(slotName, z.string()).optional(),
    action: z.enum(FLOW_ACTIONS).optional(),
    http: httpSchema.optional(),
    /** For `action: answer`: the question to answer from the knowledge base (template). */
    query: nonEmpty.optional(),
    /** For `action: ticket`: the prefix of the record number (default "K"). */
    prefix: z
      .string()
      .regex(/^[A-Z]{1,3}$/, 'one to three capital letters, e.g. "K"')
      .optional(),
    next: stepRef.optional(),
  })
  .strict()
  .superRefine((step, ctx) => {
    const kinds = [step.ask ? 'ask' : '', step.if ? 'if' : '', step.set ? 'set' : '', step.action ? 'action' : ''].filter(Boolean);
    if (kinds.length > 1)
      ctx.addIssue({ code: 'custom', path: [], message: `a step does one thing; this one has ${kinds.join(' and ')}: split it into several steps` });
    if (kinds.length === 0 && !step.say)
      ctx.addIssue({ code: 'custom', path: [], message: 'the step does nothing; give it "say", "ask", "if", "set" or "action"' });
    if (step.ask && !step.slot) ctx.addIssue({ code: 'custom', path: ['slot'], message: 'an "ask" step needs "slot:" (where the answer is kept)' });
    if (step.ask && !step.type) ctx.addIssue({ code: 'custom', path: ['type'], message: `an "ask" step needs "type:" (one of ${SLOT_TYPES.join(', ')})` });
    if (step.type === 'choice' && !step.options)
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'a "choice" question needs "options:" (value and label for each)' });
    if (step.type === 'pattern') {
      if (!step.pattern) ctx.addIssue({ code: 'custom', path: ['pattern'], message: 'a "pattern" question needs "pattern:", e.g. "^INV-?\\\\d{5}$"' });
      else if (!validRegex(step.pattern)) ctx.addIssue({ code: 'custom', path: ['pattern'], message: 'this pattern is not a valid regular expression' });
    }
    if (step.if?.matches !== undefined && !validRegex(step.if.matches))
      ctx.addIssue({ code: 'custom', path: ['if', 'matches'], message: 'this pattern is not a valid regular expression' });
    if (step.if && !step.then && !step.else)
      ctx.addIssue({ code: 'custom', path: ['then'], message: 'an "if" step needs "then:" and/or "else:" (step ids to go to)' });
    if (step.action === 'http' && !step.http) ctx.addIssue({ code: 'custom', path: ['http'], message: 'an "http" action needs "http: { url: … }"' });
    if (step.action === 'answer' && !step.query)
      ctx.addIssue({ code: 'custom', path: ['query'], message: 'an "answer" action needs "query:" (the question to answer, e.g. "alamat toko {city}")' });
  });

export const flowSchema = z
  .object({
    id,
    title: localizedIdEn.optional(),
    trigger: z
      .object({
        /** Knowledge-base entries whose questions start this flow instead of their answer. */
        entries: z.array(id).default([]),
        /** Phrases that start the flow when the message contains them. */
        keywords: z.array(nonEmpty).default([]),
        /** Commands such as "/keluhan". */
        commands: z.array(z.string().regex(/^\/[a-z0-9_]+$/, 'a command is "/" and lower-case letters, e.g. "/keluhan"')).default([]),
      })
      .strict()
      .default({ entries: [], keywords: [], commands: [] }),
    /** Minutes without an answer after which the flow is dropped (default 30). */
    timeoutMinutes: z.number().positive().default(30),
    steps: z.array(stepSchema).min(1, 'a flow needs at least one step'),
  })
  .strict();

export const flowFileSchema = z.object({ flows: z.array(flowSchema).default([]) }).strict();

export type Step = z.infer<typeof stepSchema>;
export type Flow = z.infer<typeof flowSchema>;
export type FlowFile = z.infer<typeof flowFileSchema>;

function validRegex(source: string): boolean {
  try {
    new RegExp(source, 'iu');
    return true;
  } catch {
    return false;
  }
}
