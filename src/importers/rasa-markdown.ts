import { addExamples, addResponse, addSynonym, note, type Place, type RasaProject, type RasaTurn } from './rasa-model';

/**
 * Reads Rasa 1.x Markdown: NLU files (`## intent:name`, `## synonym:value`, `## regex:name`,
 * `## lookup:name` with `- example` lines), stories (`## story name`, `* intent`, `  - action`)
 * and retrieval responses (`* faq/ask_name` followed by `- the answer text`, responses.md).
 * One pass over the lines, whatever mix of these a file holds.
 */

type Section =
  | { readonly kind: 'intent' | 'synonym' | 'regex' | 'lookup'; readonly name: string; readonly place: Place; readonly lines: string[]; files: number }
  | { readonly kind: 'story'; readonly place: Place; first: boolean }
  | { readonly kind: 'none' };

const NLU_HEADING = /^##\s*(intent|synonym|regex|lookup)\s*:\s*(.*?)\s*$/i;

/** Actions and events in a story line: `utter_x`, `action_x`, `action.x.y` (custom), `slot{…}`, `form{…}`. */
const ACTION_LIKE = /^(?:utter_|action_|respond_|action\.|slot\{|form\{|[A-Za-z_][\w.-]*_form\b)/;

export function readRasaMarkdown(rel: string, source: string, project: RasaProject, withNlu: boolean): void {
  let section: Section = { kind: 'none' };
  let turn: RasaTurn | undefined;
  const close = (): void => {
    if (section.kind === 'intent' || section.kind === 'synonym' || section.kind === 'regex' || section.kind === 'lookup') {
      if (withNlu) flushNlu(section, project);
    }
    turn = undefined;
  };
  const lines = source.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    // HTML comments are Markdown's own; the Rasa starter's stories carry them at line ends.
    const line = lines[i].replace(/<!--.*?-->/g, '').trimEnd();
    const place = { file: rel, line: i + 1 };
    const heading = NLU_HEADING.exec(line);
    if (heading) {
      close();
      section = { kind: heading[1].toLowerCase() as 'intent', name: heading[2], place, lines: [], files: 0 };
      continue;
    }
    if (/^##(?!#)/.test(line)) {
      close();
      section = { kind: 'story', place, first: true };
      continue;
    }
    if (section.kind === 'none' || !line.trim()) continue;
    if (section.kind !== 'story') {
      const example = /^\s*[-*+]\s+(.*)$/.exec(line);
      if (example) section.lines.push(example[1]);
      else if (section.kind === 'lookup' && /\.txt$/i.test(line.trim())) section.files++;
      continue;
    }
    const user = /^\s*\*\s*(.+)$/.exec(line);
    if (user) {
      turn = { intents: userIntents(user[1]), actions: [], place, kind: 'story', contextual: !section.first };
      section.first = false;
      if (turn.intents.length > 0) project.turns.push(turn);
      continue;
    }
    const bot = /^\s*-\s*(.+)$/.exec(line);
    if (!bot || !turn) continue;
    const said = bot[1].trim();
    const retrieval = turn.intents.length === 1 && turn.intents[0].includes('/');
    if (retrieval && !ACTION_LIKE.test(said)) {
      // responses.md of a Rasa 1.x retrieval bot: the lines under `* faq/ask_x` are the answers.
      const name = `utter_${turn.intents[0]}`;
      const existing = project.responses.get(name);
      const variation = { line: i + 1, text: said, conditional: false, buttons: [], rich: [] };
      if (existing && existing.place.file === rel) project.responses.set(name, { ...existing, variations: [...existing.variations, variation] });
      else addResponse(project, { name, place, variations: [variation] });
      continue;
    }
    const action = /^[^\s{]+/.exec(said)?.[0] ?? said;
    if (action === 'slot' || action === 'form' || action === 'action_listen') continue;
    turn.actions.push(action);
  }
  close();
}

/** `greet`, `greet{"name": "x"}`, `greet OR goodbye`, `form: inform` (1.x form stories), `greet: hello` (test stories). */
function userIntents(spec: string): string[] {
  const body = spec.replace(/^form\s*:\s*/, '');
  return body
    .split(/\s+OR\s+/)
    .map((part) => /^[^\s{:]+/.exec(part.trim())?.[0] ?? '')
    .filter(Boolean);
}

function flushNlu(section: Extract<Section, { kind: 'intent' | 'synonym' | 'regex' | 'lookup' }>, project: RasaProject): void {
  const { kind, name, place, lines } = section;
  switch (kind) {
    case 'intent':
      addExamples(project, name, place, lines);
      break;
    case 'synonym':
      addSynonym(project, name, lines, place);
      break;
    case 'regex':
      note(
        project,
        place,
        `regex "${name}" (${lines.length} pattern${lines.length === 1 ? '' : 's'}) not imported: Tanya has no regex entities; write the words people use as examples instead`,
      );
      break;
    case 'lookup': {
      const what = section.files > 0 ? 'values in a separate .txt file' : `${lines.length} entr${lines.length === 1 ? 'y' : 'ies'}`;
      note(project, place, `lookup table "${name}" (${what}) not imported: add the values to the catalogue or as synonyms`);
      break;
    }
    default: {
      const _exhaustive: never = kind;
      return _exhaustive;
    }
  }
}
