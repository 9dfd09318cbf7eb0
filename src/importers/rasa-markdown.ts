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

// `(?=(\s+))\1` takes a whole run of spaces and never gives it back (a possessive \s+). The plain
// forms (`\s*(.*?)\s*$`, `\s+(.*)$`) retried every split of a long run of spaces when the line
// could not match, which took quadratic time. Lines are trimmed at the end, so the matches are the same.
const NLU_HEADING = /^##\s*(intent|synonym|regex|lookup)\s*:(?=(\s*))\2(.*)$/i;
const EXAMPLE = /^\s*[-*+](?=(\s+))\1(.*)$/;
const USER_TURN = /^\s*\*(?=(\s*))\1(.+)$/;
const BOT_TURN = /^\s*-(?=(\s*))\1(.+)$/;

/**
 * A line without its HTML comments, as `line.replace(/<!--.*?-->/g, '')` gives it, in linear time:
 * that regex retried every "<!--" to the end of the line when no "-->" followed. As there, a
 * comment does not run over the line breaks "." stops at.
 */
function withoutComments(line: string): string {
  if (!line.includes('<!--')) return line;
  return line
    .split(/([\r\u2028\u2029])/)
    .map((part) => {
      let out = '';
      let at = 0;
      for (;;) {
        const open = part.indexOf('<!--', at);
        if (open < 0) break;
        const close = part.indexOf('-->', open + 4);
        // No "-->" after this "<!--": none after any later one either.
        if (close < 0) break;
        out += part.slice(at, open);
        at = close + 3;
      }
      return out + part.slice(at);
    })
    .join('');
}

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
    const line = withoutComments(lines[i]).trimEnd();
    const place = { file: rel, line: i + 1 };
    const heading = NLU_HEADING.exec(line);
    if (heading) {
      close();
      section = { kind: heading[1].toLowerCase() as 'intent', name: heading[3], place, lines: [], files: 0 };
      continue;
    }
    if (/^##(?!#)/.test(line)) {
      close();
      section = { kind: 'story', place, first: true };
      continue;
    }
    if (section.kind === 'none' || !line.trim()) continue;
    if (section.kind !== 'story') {
      const example = EXAMPLE.exec(line);
      if (example) section.lines.push(example[2]);
      else if (section.kind === 'lookup' && /\.txt$/i.test(line.trim())) section.files++;
      continue;
    }
    const user = USER_TURN.exec(line);
    if (user) {
      const prompt = section.first ? undefined : turn?.actions[turn.actions.length - 1];
      turn = { intents: userIntents(user[2]), actions: [], place, kind: 'story', contextual: !section.first, ...(prompt !== undefined ? { prompt } : {}) };
      section.first = false;
      if (turn.intents.length > 0) project.turns.push(turn);
      continue;
    }
    const bot = BOT_TURN.exec(line);
    if (!bot || !turn) continue;
    const said = bot[2].trim();
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
  // Runs of spaces made one first: split(/\s+OR\s+/) is quadratic on a long run; the words are the same.
  const body = spec.replace(/^form\s*:\s*/, '').replace(/\s+/g, ' ');
  return body
    .split(' OR ')
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
