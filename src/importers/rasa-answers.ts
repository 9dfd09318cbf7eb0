import { slotReferences } from './references';
import { BOT_TEXT, note, onlySlots, type Place, type RasaProject, type RasaResponse, type RasaTurn, type RasaVariation } from './rasa-model';

/**
 * Which response answers an intent, and what of it Tanya can keep. Rasa decides at run time from
 * rules, stories and a trained policy; an FAQ import needs one answer per intent, so the most
 * deliberate source wins: an unconditional rule, then the `utter_<intent>` naming convention,
 * then a story that starts with the intent, then any other story or rule. Every alternative that
 * loses is noted, never silently dropped.
 */

/** Intent names that mean "a person, please" (the part after "/" for retrieval intents). */
const HANDOFF_INTENT =
  /^(?:human|agent|live_?agent|human_?agent|human_?handoff|hand_?off|handover|request_human|ask_(?:for_)?human|(?:talk|speak|chat)_(?:to|with)_(?:a_)?(?:human|person|agent|operator|someone)|(?:contact|connect(?:_to)?|transfer_to)_(?:a_)?(?:human|agent|operator|cs)|customer_service|(?:minta|hubungi|bicara(?:_dengan)?|chat|panggil)_(?:cs|admin|operator|manusia|orang|agen))$|(?:^|_)(?:handoff|hand_off|live_agent|live_chat)(?:_|$)/i;

/** Actions that hand the conversation to a person (`action_handoff`, `utter_handoff`, `action.x.talkToLiveAgent`). */
const HANDOFF_ACTION = /hand_?off|live_?agent|talk_?to_?(?:a_?)?(?:human|agent|person)|transfer_?to_?(?:an?_?)?(?:human|agent)|human_?agent/i;

const isHandoffAction = (action: string): boolean => !action.startsWith(BOT_TEXT) && HANDOFF_ACTION.test(action);

export function isHandoffIntent(name: string): boolean {
  return HANDOFF_INTENT.test(name.slice(name.lastIndexOf('/') + 1));
}

export interface Resolution {
  /** The answer text, if a response with usable text answers the intent. */
  readonly text?: string;
  readonly suggestions: readonly string[];
  /** An action of the chosen turn hands over to a person. */
  readonly handoff: boolean;
  /** The action that answers (for the fallback and handoff checks and the notes). */
  readonly action?: string;
}

interface Candidate {
  readonly action: string;
  readonly rest: readonly string[];
  readonly priority: number;
  readonly place?: Place;
}

/** Turns by intent, built once so resolving every intent stays linear in the project's size. */
export function turnsByIntent(project: RasaProject): Map<string, RasaTurn[]> {
  const out = new Map<string, RasaTurn[]>();
  for (const turn of project.turns) {
    if (turn.actions.length === 0) continue;
    for (const intent of turn.intents) {
      const list = out.get(intent);
      if (list) list.push(turn);
      else out.set(intent, [turn]);
    }
  }
  return out;
}

const priorityOf = (turn: RasaTurn): number => (turn.contextual ? 3 : turn.kind === 'rule' ? 0 : 2);

function candidates(intent: string, project: RasaProject, turns: Map<string, RasaTurn[]>): Candidate[] {
  const slash = intent.indexOf('/');
  const group = slash > 0 ? intent.slice(0, slash) : undefined;
  // Retrieval intent faq/ask_x: the action "utter_faq" (Rasa 2/3) or "respond_faq" (1.x) answers it with utter_faq/ask_x.
  const retrieval = (action: string): string => (group && (action === `utter_${group}` || action === `respond_${group}`) ? `utter_${intent}` : action);
  const fromTurn = (turn: RasaTurn): Candidate => ({
    action: retrieval(turn.actions[0]),
    rest: turn.actions.slice(1),
    priority: priorityOf(turn),
    place: turn.place,
  });
  const out = (turns.get(intent) ?? []).map(fromTurn);
  // utter_<intent> is often the bot's question the intent answers ("Boleh tahu namanya?" before
  // "nama saya Budi"): what a story says just before the intent is never its answer.
  const named = `utter_${intent}`;
  if (project.responses.has(named) && !promptsOf(project).get(named)?.has(intent)) out.push({ action: named, rest: [], priority: 1 });
  if (group) for (const turn of turns.get(group) ?? []) if (retrieval(turn.actions[0]) !== turn.actions[0]) out.push(fromTurn(turn));
  return out.sort((a, b) => a.priority - b.priority);
}

const prompts = new WeakMap<RasaProject, Map<string, Set<string>>>();

/** Bot actions a story or rule runs just before a user turn, with the intents that answer them. */
function promptsOf(project: RasaProject): Map<string, Set<string>> {
  let map = prompts.get(project);
  if (!map) {
    map = new Map();
    for (const turn of project.turns) {
      if (turn.prompt === undefined) continue;
      const set = map.get(turn.prompt) ?? new Set<string>();
      for (const intent of turn.intents) set.add(intent);
      map.set(turn.prompt, set);
    }
    prompts.set(project, map);
  }
  return map;
}

/** Resolves the answer of one intent; notes what could not be kept. */
export function resolveIntent(intent: string, project: RasaProject, turns: Map<string, RasaTurn[]>, at: Place): Resolution {
  const found = candidates(intent, project, turns);
  const chosen = found[0];
  if (!chosen) {
    note(project, at, `intent "${intent}" has no answer: no utter_${intent} response and no rule or story answers it (answer left as TODO)`);
    return { suggestions: [], handoff: false };
  }
  // Other answers, once per action at its first place (a big project repeats an intent in hundreds of stories).
  const others = new Map<string, Place | undefined>();
  for (const c of found) if (c.action !== chosen.action && !others.has(c.action)) others.set(c.action, c.place);
  if (others.size > 0) {
    const listed = [...others].slice(0, 5).map(([action, place]) => `${action}${place ? ` (${place.file}:${place.line})` : ''}`);
    const more = others.size > 5 ? ` and ${others.size - 5} more` : '';
    note(
      project,
      chosen.place ?? at,
      `intent "${intent}" is answered with ${chosen.action}; elsewhere also with ${listed.join(', ')}${more}, depending on the conversation (Tanya keeps the first)`,
    );
  }
  if (chosen.priority === 3)
    note(
      project,
      chosen.place ?? at,
      `intent "${intent}" is answered with ${chosen.action} only after earlier turns of a story or rule; check that the answer makes sense on its own`,
    );
  // Chosen by name, the intent's turns still say what the bot does next (greet → utter_greet, utter_help);
  // a turn in the middle of a story (help, then back to the form) says nothing about the intent on its own.
  const withRest =
    chosen.rest.length > 0
      ? chosen
      : (found.find((c) => c.action === chosen.action && c.rest.length > 0 && (c.priority < 3 || chosen.priority === 3)) ?? chosen);
  const handoff = [chosen.action, ...withRest.rest].some((a) => isHandoffAction(a));
  const follow = withRest.rest.filter((a) => !isHandoffAction(a));
  // What the bot says next in the same turn (utter_visi, then utter_misi) is part of the reply:
  // joined into the one answer Tanya sends. Actions that say nothing Tanya can know are noted.
  const said = follow.map((a) => ({
    action: a,
    reply: project.responses.has(a) ? responseText(project.responses.get(a) as RasaResponse, project) : undefined,
  }));
  const joined = said.filter((f) => f.reply?.text);
  const unsaid = said.filter((f) => !f.reply?.text).map((f) => f.action);
  const answer = actionText(chosen.action, project, chosen.place ?? at, intent);
  // What follows an answer ("Was it helpful?") is no answer alone: without the main text the
  // entry stays TODO, never sent, rather than send only the follow-up.
  const own = answer.text !== undefined && answer.text.trim() !== '';
  if (joined.length > 0 && own)
    note(
      project,
      withRest.place ?? at,
      `after ${chosen.action} for "${intent}" the bot also says ${joined.map((f) => `${f.action} ("${oneLine(f.reply?.text ?? '')}")`).join(', ')}: joined into one answer`,
    );
  if (unsaid.length > 0)
    note(
      project,
      withRest.place ?? at,
      `after ${chosen.action} for "${intent}" the bot also runs ${unsaid.join(', ')}; Tanya sends one answer: add what matters to it`,
    );
  // The answer is a question a story goes on with ("Gelombang berapa kak?" → pilih_gelombang).
  const continued = [...(promptsOf(project).get(chosen.action) ?? [])].filter((i) => i !== intent);
  if (continued.length > 0)
    note(
      project,
      chosen.place ?? at,
      `intent "${intent}" is answered with ${chosen.action}, which a story follows with the customer's ${continued.map((i) => `"${i}"`).join(', ')}: Tanya sends it as the answer and matches the reply on its own; check both read well alone, or write a flow (docs/flows.md)`,
    );
  if (!own && joined.length > 0)
    note(
      project,
      withRest.place ?? at,
      `"${intent}": ${chosen.action} says nothing Tanya can send, so what follows it (${joined.map((f) => f.action).join(', ')}) is not sent alone (answer left as TODO)`,
    );
  const texts = own ? [answer.text, ...joined.map((f) => f.reply?.text)].filter((t): t is string => t !== undefined && t.trim() !== '') : [];
  const suggestions = [...new Set([...answer.suggestions, ...joined.flatMap((f) => f.reply?.suggestions ?? [])])];
  return { ...(texts.length > 0 ? { text: texts.join('\n\n') } : {}), suggestions, handoff, action: chosen.action };
}

/** Rasa's own actions: the fallback ones send utter_default; the others say nothing. */
const FALLBACK_ACTIONS = new Set(['action_default_fallback', 'action_two_stage_fallback', 'action_default_ask_rephrase']);
const BUILT_IN_ACTIONS = new Set([
  'action_listen',
  'action_restart',
  'action_session_start',
  'action_back',
  'action_deactivate_loop',
  'action_revert_fallback_events',
  'action_default_ask_affirmation',
  'action_unlikely_intent',
  'action_extract_slots',
]);

/** The text an action says: its response, `utter_default` for Rasa's fallback actions; custom actions and forms say nothing Tanya can know. */
export function actionText(action: string, project: RasaProject, at: Place, intent: string): { text?: string; suggestions: readonly string[] } {
  const name = FALLBACK_ACTIONS.has(action) ? 'utter_default' : action;
  const response = project.responses.get(name);
  if (response) return responseText(response, project);
  if (BUILT_IN_ACTIONS.has(action)) note(project, at, `intent "${intent}" runs Rasa's built-in ${action}: nothing to import (answer left as TODO)`);
  else if (project.forms.has(action) || /_form$/.test(action))
    note(project, at, `intent "${intent}" starts the form ${action} (questions asked one by one): not imported; write a flow (docs/flows.md)`);
  else if (action.startsWith('utter_'))
    note(project, at, `intent "${intent}" is answered with ${action}, which has no response in the domain (answer left as TODO)`);
  else if (!isHandoffAction(action))
    note(project, at, `intent "${intent}" is answered by the custom action ${action} (Python code, not imported): write its answer or a flow`);
  return { suggestions: [] };
}

const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' / ').trim();

/**
 * A response's answer: the first variation with text, preferring ones for every channel and
 * without slot conditions. The other variations, slots, buttons with entities and rich parts
 * (images, custom payloads) are noted.
 */
export function responseText(response: RasaResponse, project: RasaProject): { text?: string; suggestions: readonly string[] } {
  // Read once per response: thousands of intents answered by one response with thousands of
  // variations would otherwise redo (and re-note) the same work each time. Notes are kept once anyway.
  let read = responsesRead.get(response);
  if (!read) {
    read = readResponse(response, project);
    responsesRead.set(response, read);
  }
  return read;
}

const responsesRead = new WeakMap<RasaResponse, { text?: string; suggestions: readonly string[] }>();

function readResponse(response: RasaResponse, project: RasaProject): { text?: string; suggestions: readonly string[] } {
  const { name, place } = response;
  const vs = response.variations;
  const usable = vs.filter((v) => v.text?.trim() && !onlySlots(v.text));
  // The first variation for every channel and without conditions answers; one that needs no slots
  // is preferred, because Tanya cannot fill them ("Hai {customer_name}" would reach customers as is).
  const general = usable.filter((v) => !v.channel && !v.conditional);
  const chosen = general.find((v) => slotReferences(v.text ?? '').length === 0) ?? general[0] ?? usable[0];
  const at = (v: RasaVariation): Place => ({ file: place.file, line: v.line });
  const rich = [...new Set(vs.flatMap((v) => v.rich))];
  if (rich.length > 0) note(project, place, `response "${name}": ${rich.join(', ')} not imported (Tanya sends text; link or describe it in the answer)`);
  if (!chosen) {
    const slotOnly = vs.find((v) => v.text && onlySlots(v.text));
    if (slotOnly?.text)
      note(
        project,
        at(slotOnly),
        `response "${name}" is only slot values (${slotOnly.text.trim()}), filled by the Rasa bot at run time; Tanya cannot fill Rasa slots: write the answer`,
      );
    else note(project, place, `response "${name}" has no text (answer left as TODO)`);
    return { suggestions: [] };
  }
  const text = (chosen.text ?? '').trim();
  if (chosen.channel) note(project, at(chosen), `response "${name}": only channel-specific texts; the one for "${chosen.channel}" is used`);
  if (chosen.conditional) note(project, at(chosen), `response "${name}": only variations with slot conditions; the first is used without its condition`);
  const rest = vs.filter((v) => v !== chosen && v.text?.trim());
  if (rest.length > 0) {
    const listed = rest.map((v) => `"${oneLine(v.text ?? '')}"${v.channel ? ` (channel ${v.channel})` : ''}${v.conditional ? ' (with a condition)' : ''}`);
    note(
      project,
      at(chosen),
      `response "${name}" has ${rest.length} more variation${rest.length === 1 ? '' : 's'} (Tanya answers with the first): ${listed.join(' | ')}`,
    );
  }
  const slots = slotReferences(text);
  if (slots.length > 0)
    note(
      project,
      at(chosen),
      `response "${name}" uses slot${slots.length === 1 ? '' : 's'} ${slots.map((s) => `{${s}}`).join(', ')}: Tanya cannot fill Rasa slots; the text is kept as it is, rewrite it`,
    );
  const suggestions: string[] = [];
  for (const button of chosen.buttons) {
    const intent = /^\/([^\s{]+)(\{.*\})?\s*$/s.exec(button.payload ?? '');
    suggestions.push(intent ? intent[1] : button.title);
    if (intent?.[2]) note(project, at(chosen), `response "${name}": button "${button.title}" also sets ${intent[2]}; only its intent is kept`);
  }
  return { text, suggestions: [...new Set(suggestions)] };
}
