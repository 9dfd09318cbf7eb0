import { createHash } from 'node:crypto';
import { KnowledgeError, limitPerFile, unexpectedProblem, type KbProblem } from '../knowledge/errors';
import type { KnowledgeBase } from '../knowledge/schema';
import { DEFAULT_SOURCE_LIMITS, readYamlSources, type SourceKind, type SourceLimits } from '../knowledge/source-files';
import { parseYamlFile, problemAt, type ParsedFile, type Path } from '../knowledge/yaml-source';
import { flowFileSchema, stepSchema, flowSchema, type Flow, type Step } from './schema';

/** Slots every flow can use without asking: who the customer is and where they write from. */
export const BUILT_IN_SLOTS = ['customer_name', 'channel'] as const;

/** A validated flow with its steps indexed by id. */
export interface LoadedFlow extends Flow {
  readonly file: string;
  readonly stepIndex: ReadonlyMap<string, number>;
  /** A hash of the steps: conversations in the flow notice when it was edited. */
  readonly version: string;
}

export interface FlowsResult {
  readonly flows: readonly LoadedFlow[];
  readonly problems: readonly KbProblem[];
}

/** Where a step goes next: successors with the slots assigned on the way. */
interface Edge {
  readonly to: number;
  readonly assigns: readonly string[];
}

/** `{slot}` and `{slot.field}` references in a template (not `{env:NAME}`). */
export function slotReferences(template: string): string[] {
  return [...template.matchAll(/\{([a-z][a-z0-9_]*)(?:\.[a-z0-9_]+)*\}/g)].map((m) => m[1]);
}

function stepTemplates(step: Step): string[] {
  return [
    step.say?.id,
    step.say?.en,
    step.ask?.id,
    step.ask?.en,
    step.invalid?.id,
    step.invalid?.en,
    step.query,
    step.http?.url,
    ...Object.values(step.set ?? {}),
  ].filter((t): t is string => typeof t === 'string');
}

/** The steps a step can lead to; `undefined` targets (unknown ids) are reported separately. */
export function successors(flow: Flow, index: ReadonlyMap<string, number>, j: number): Edge[] {
  const step = flow.steps[j];
  const after = j + 1 < flow.steps.length ? j + 1 : undefined;
  const go = (ref: string | undefined, fallback: number | undefined): number | undefined => (ref === undefined ? fallback : index.get(ref));
  const edge = (to: number | undefined, assigns: string[] = []): Edge[] => (to === undefined ? [] : [{ to, assigns }]);
  if (step.action === 'end' || step.action === 'handoff') return [];
  if (step.if) return [...edge(go(step.then, after)), ...edge(go(step.else, after))];
  if (step.action === 'http') {
    const saved = step.http?.saveAs ? [step.http.saveAs] : [];
    return [...edge(go(step.next, after), saved), ...edge(step.http?.onError !== undefined ? index.get(step.http.onError) : undefined)];
  }
  const assigns = [...(step.ask && step.slot ? [step.slot] : []), ...Object.keys(step.set ?? {}), ...(step.action === 'ticket' ? ['ticket'] : [])];
  return edge(go(step.next, after), assigns);
}

/** Checks one flow's step graph: unknown references, unreachable steps, slots used before they have a value. */
function checkGraph(flow: Flow, parsed: ParsedFile, at: Path, problems: KbProblem[]): Map<string, number> {
  const index = new Map<string, number>();
  flow.steps.forEach((step, j) => {
    if (!step.id) return;
    if (index.has(step.id))
      problems.push(problemAt(parsed, [...at, 'steps', j, 'id'], `step id "${step.id}" is used twice in flow "${flow.id}"; give each step its own id`));
    else index.set(step.id, j);
  });
  const known = [...index.keys()].join(', ') || '(no step has an id yet)';
  flow.steps.forEach((step, j) => {
    const refs: [Path, string | undefined][] = [
      [['next'], step.next],
      [['then'], step.then],
      [['else'], step.else],
      [['http', 'onError'], step.http?.onError],
    ];
    for (const [key, ref] of refs) {
      if (ref !== undefined && !index.has(ref))
        problems.push(problemAt(parsed, [...at, 'steps', j, ...key], `no step "${ref}" in flow "${flow.id}"; use one of: ${known}`));
    }
  });
  // Reachability and "assigned on every path" (intersection of what each predecessor guarantees).
  const must: (Set<string> | undefined)[] = flow.steps.map(() => undefined);
  must[0] = new Set(BUILT_IN_SLOTS);
  const queue = [0];
  for (let head = 0; head < queue.length; head++) {
    const j = queue[head];
    const have = must[j] as Set<string>;
    for (const { to, assigns } of successors(flow, index, j)) {
      const out = new Set([...have, ...assigns]);
      const before = must[to];
      const next = before ? new Set([...before].filter((s) => out.has(s))) : out;
      if (!before || next.size !== before.size) {
        must[to] = next;
        queue.push(to);
      }
    }
  }
  flow.steps.forEach((step, j) => {
    const have = must[j];
    if (!have) {
      problems.push(
        problemAt(
          parsed,
          [...at, 'steps', j],
          `step ${step.id ? `"${step.id}" ` : `#${j + 1} `}of flow "${flow.id}" can never be reached; remove it, or point a "next", "then" or "else" at it`,
        ),
      );
      return;
    }
    const used = new Set([...stepTemplates(step).flatMap(slotReferences), ...(step.if ? [step.if.slot.split('.')[0]] : [])]);
    // A step's own "say" runs after its action: a ticket's number and "set" values are there.
    const own = new Set([...(step.action === 'ticket' ? ['ticket'] : []), ...Object.keys(step.set ?? {})]);
    for (const slot of used) {
      if (!have.has(slot) && !own.has(slot))
        problems.push(
          problemAt(
            parsed,
            [...at, 'steps', j],
            `slot "${slot}" is used in flow "${flow.id}" before it is asked or set on every way to this step; ask it earlier or check the name`,
          ),
        );
    }
  });
  return index;
}

/** Allowed keys, for "did you mean" hints on misspelled fields. */
function allowedKeys(path: Path): string[] | undefined {
  if (path.length === 0) return Object.keys(flowFileSchema.shape);
  if (path[0] === 'flows' && path.length === 2) return Object.keys(flowSchema.shape);
  if (path[0] === 'flows' && path[2] === 'steps' && path.length === 4) return Object.keys(stepSchema.shape);
  return undefined;
}

const FLOW_FILES: SourceKind = {
  noun: 'flow',
  howToSplit: 'split it into smaller files in the same folder, each starting with "flows:"; tanya reads every file of the folder',
};

/**
 * Loads and checks every flow file of a folder (a missing folder means no flows). With the
 * knowledge base, trigger entries are checked too. Flows are returned only when there is no error.
 */
export function checkFlows(dir: string, kb?: KnowledgeBase, cwd: string = process.cwd(), limits: SourceLimits = DEFAULT_SOURCE_LIMITS): FlowsResult {
  const { sources, problems } = readYamlSources([dir], { kind: FLOW_FILES, cwd, limits, missing: 'ignore' });
  const flows: LoadedFlow[] = [];
  const seen = new Map<string, string>();
  const triggers = new Map<string, string>();
  const entryIds = kb ? new Set(kb.entries.map((e) => e.id)) : undefined;
  for (const { name, text } of sources) {
    try {
      checkFlowFile(name, text, { problems, flows, seen, triggers, entryIds });
    } catch (error) {
      problems.push(unexpectedProblem(name, error));
    }
  }
  return problems.some((p) => p.severity === 'error') ? { flows: [], problems: limitPerFile(problems) } : { flows, problems: limitPerFile(problems) };
}

/** What the files of one folder share while they are checked one by one. */
interface FlowFolder {
  readonly problems: KbProblem[];
  readonly flows: LoadedFlow[];
  /** Flow id → the file that defines it. */
  readonly seen: Map<string, string>;
  /** "kind:value" → the flow it starts. */
  readonly triggers: Map<string, string>;
  readonly entryIds: ReadonlySet<string> | undefined;
}

function checkFlowFile(name: string, text: string, folder: FlowFolder): void {
  const { problems, flows, seen, triggers, entryIds } = folder;
  const out = parseYamlFile(name, text, flowFileSchema, allowedKeys, 'a flow file must be a mapping with "flows:"');
  for (const p of out.problems) problems.push(p);
  if (!out.parsed || !out.data) return;
  const parsed = out.parsed;
  out.data.flows.forEach((declared, i) => {
    let flow = declared;
    const at: Path = ['flows', i];
    const first = seen.get(flow.id);
    if (first) {
      problems.push(problemAt(parsed, [...at, 'id'], `flow id "${flow.id}" is already used in ${first}; give each flow its own id`));
      return;
    }
    seen.set(flow.id, name);
    // A trigger naming an entry this knowledge base lacks is a warning and is left out, so a
    // knowledge base imported from another tool runs beside flows written for another one.
    flow.trigger.entries.forEach((entry, k) => {
      if (entryIds && !entryIds.has(entry))
        problems.push({
          ...problemAt(
            parsed,
            [...at, 'trigger', 'entries', k],
            `trigger names entry "${entry}", which the knowledge base does not have: the flow will not start from it (check the id, or point --flows at the flows written for this knowledge base)`,
          ),
          severity: 'warning',
        });
    });
    if (entryIds) flow = { ...flow, trigger: { ...flow.trigger, entries: flow.trigger.entries.filter((e) => entryIds.has(e)) } };
    for (const [kind, list] of [
      ['command', flow.trigger.commands],
      ['keyword', flow.trigger.keywords],
      ['entry', flow.trigger.entries],
    ] as const) {
      list.forEach((value, k) => {
        const key = `${kind}:${value.toLowerCase()}`;
        const other = triggers.get(key);
        if (other && other !== flow.id)
          problems.push(
            problemAt(
              parsed,
              [...at, 'trigger', kind === 'entry' ? 'entries' : `${kind}s`, k],
              `${kind} "${value}" already starts flow "${other}"; one trigger can start one flow`,
            ),
          );
        triggers.set(key, flow.id);
      });
    }
    const stepIndex = checkGraph(flow, parsed, at, problems);
    flows.push({ ...flow, file: name, stepIndex, version: createHash('sha256').update(JSON.stringify(flow.steps)).digest('hex').slice(0, 12) });
  });
}

/** Loads the flows of a folder or throws a `KnowledgeError` listing every problem (file:line). */
export function loadFlows(dir: string, kb?: KnowledgeBase, limits: SourceLimits = DEFAULT_SOURCE_LIMITS): readonly LoadedFlow[] {
  const result = checkFlows(dir, kb, process.cwd(), limits);
  if (result.problems.some((p) => p.severity === 'error')) throw new KnowledgeError(result.problems);
  return result.flows;
}
