import { languageName } from '../core/types';
import { agentLanguages, Notes, readEntities, USERSAYS, type AgentLanguages } from './dialogflow-agent';
import { buildFollowUpFlow, flowIdFor, isGenericFollowUp, optionRank, type FlowNode, type Lang } from './dialogflow-followups';
import { allPhrases, answersOf, ChoiceResolver, noteResponses, phraseFiles, phraseKey, readIntent, type Intent } from './dialogflow-intents';
import { asArray, asObject } from './dialogflow-messages';
import { isDialogflowCx, readExportFiles, type ExportFiles } from './dialogflow-source';
import { decidedLanguage, LanguageDetector } from '../matching/language';
import { foldedWords } from '../matching/normalize';
import type { MigratedEntry, MigratedSettings, Migration, PerLanguage } from './migrate';
import { UniqueIds } from './unique-ids';
import { otherFormatHint } from './format-hint';

/**
 * Dialogflow ES agent exports (the folder, or the .zip from Settings → Export and Import):
 *
 * - `agent.json`: the default `language` and `supportedLanguages` → `settings.languages`;
 * - `intents/<name>.json`: responses per language; `intents/<name>_usersays_<lang>.json`:
 *   training phrases, filed under the language the file name states (never guessed);
 * - the fallback intent → `settings.fallback`, the welcome intent → `settings.greeting`;
 * - follow-up intents → flows (see dialogflow-followups.ts for which ones);
 * - `entities/<name>_entries_<lang>.json` → `settings.synonyms`.
 *
 * What cannot be carried over is listed in `notes`, each with the file it came from.
 */

export { tanyaLanguage } from './dialogflow-agent';

export interface DialogflowImportOptions {
  /** Called while intents are read: (intents done, intents in all). */
  readonly onProgress?: (done: number, total: number) => void;
}

/** The text per language of a settings intent (fallback, welcome). */
const settingText = (per: PerLanguage<string>): PerLanguage<string> | undefined => (per.id || per.en ? per : undefined);

/** Reads every intent file (progress reported per 50), leaving out intents switched off in Dialogflow. */
function readIntents(exp: ExportFiles, intentFiles: readonly string[], langs: AgentLanguages, notes: Notes, options: DialogflowImportOptions): Intent[] {
  const context = { langs, phrases: phraseFiles(exp.files.keys()), notes, skippedLocales: new Set<string>() };
  const intents: Intent[] = [];
  for (const [i, file] of intentFiles.entries()) {
    if (i % 50 === 0) options.onProgress?.(i, intentFiles.length);
    const intent = readIntent(exp, file, context);
    if (intent === undefined) continue;
    if (asObject(intent.raw)?.priority === -1) notes.add(file, `"${intent.name}" is switched off in Dialogflow (priority "Ignore"); not imported`);
    else intents.push(intent);
  }
  options.onProgress?.(intentFiles.length, intentFiles.length);
  for (const s of context.skippedLocales) notes.add(undefined, `responses in ${s} are not imported`);
  return intents;
}

/**
 * Menu items that fire an event (Dialogflow Messenger lists: "Pelatihan" → event PELATIHAN) as
 * questions of the intent the event starts: agents built as menus give such intents no training
 * phrases, and the item's words are what customers saw and may type. An item whose event starts
 * several intents, or none, adds nothing.
 */
function withMenuQuestions(intents: readonly Intent[], langs: AgentLanguages, notes: Notes): Intent[] {
  const byEvent = new Map<string, Intent[]>();
  for (const i of intents) for (const e of i.events) byEvent.set(e, [...(byEvent.get(e) ?? []), i]);
  const added = new Map<Intent, Partial<Record<Lang, string[]>>>();
  const fired = new Map<Intent, Set<string>>();
  for (const shownBy of intents)
    for (const lang of langs.languages)
      for (const choice of shownBy.replies[lang]?.choices ?? []) {
        const targets = choice.event ? (byEvent.get(choice.event.toUpperCase()) ?? []) : [];
        const label = choice.label.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}?!.)]+$/gu, '').trim();
        if (targets.length !== 1 || targets[0] === shownBy || !label) continue;
        const target = targets[0];
        fired.set(target, (fired.get(target) ?? new Set()).add(choice.event?.toUpperCase() ?? ''));
        const questions = added.get(target) ?? {};
        const known = [...(target.phrases[lang] ?? []), ...(questions[lang] ?? [])].map(phraseKey);
        if (known.includes(phraseKey(label))) continue;
        questions[lang] = [...(questions[lang] ?? []), label];
        added.set(target, questions);
        if (allPhrases(target).length === 0)
          notes.add(
            target.file,
            `"${target.name}" has no training phrases; the menu item "${label}" of "${shownBy.name}" starts it (event ${choice.event}), so that is its question: add the ways customers ask`,
          );
      }
  return intents.map((i) => {
    const extra = added.get(i);
    const events = fired.get(i);
    if (!extra && !events) return i;
    const phrases: Partial<Record<Lang, string[]>> = { ...i.phrases };
    for (const [lang, list] of Object.entries(extra ?? {}) as [Lang, string[]][]) phrases[lang] = [...(phrases[lang] ?? []), ...list];
    return { ...i, phrases, menuEvents: [...(events ?? [])] };
  });
}

/** Intents with their follow-ups: which are entries, which are generic follow-ups (options in a flow). */
class IntentTree {
  private readonly byId: ReadonlyMap<string, Intent>;
  readonly children = new Map<Intent, Intent[]>();
  readonly generic: ReadonlySet<Intent>;

  constructor(
    readonly intents: readonly Intent[],
    notes: Notes,
  ) {
    this.byId = new Map(intents.flatMap((i) => (i.id ? [[i.id, i] as const] : [])));
    for (const i of intents) {
      const parent = this.parentOf(i);
      if (i.parentId && !parent) notes.add(i.file, `"${i.name}" is a follow-up of an intent that is not in the export; imported as a normal entry`);
      if (parent) {
        // Pushed, not copied: an agent with thousands of follow-ups under one intent stays linear.
        const kids = this.children.get(parent);
        if (kids) kids.push(i);
        else this.children.set(parent, [i]);
      }
    }
    this.generic = new Set(intents.filter((i) => this.parentOf(i) && !i.fallback && isGenericFollowUp(allPhrases(i))));
    this.slotAnswers = new Set(intents.filter((i) => !i.fallback && !this.generic.has(i) && isSlotAnswer(i, this.parentOf(i) !== undefined)));
  }

  /**
   * Intents that take the value the step before asked for ("tuesday", "2", "Queen suite" after
   * "When do you want to check in?"): reached only through a context or as a follow-up, with
   * mostly bare parameter values as phrases. As entries anyone could match at any time, "2" or
   * a weekday would answer "For how many adults?" out of the blue and pull the fitted thresholds
   * toward such phrases, so they are not entries (the report names each).
   */
  readonly slotAnswers: ReadonlySet<Intent>;

  parentOf(i: Intent): Intent | undefined {
    return i.parentId ? this.byId.get(i.parentId) : undefined;
  }

  /** An entry of the knowledge base: askable (training phrases), not a fallback, not a generic follow-up, not a slot answer. */
  isEntry(i: Intent): boolean {
    return !i.fallback && !this.generic.has(i) && !this.slotAnswers.has(i) && allPhrases(i).length > 0;
  }

  /** Generic and fallback follow-ups under an intent, at any depth (they live and die with its flow). */
  flowFollowUps(i: Intent, depth = 0): Intent[] {
    if (depth > 10) return [];
    return (this.children.get(i) ?? []).filter((k) => this.generic.has(k) || k.fallback).flatMap((k) => [k, ...this.flowFollowUps(k, depth + 1)]);
  }
}

/** Reached only after another step (an input context, or a follow-up) and asked mostly by a bare parameter value. */
function isSlotAnswer(intent: Intent, followUp: boolean): boolean {
  const phrases = allPhrases(intent).length;
  const contexts = asArray(intent.raw.contexts).length > 0;
  return (contexts || followUp) && phrases > 0 && intent.valuePhrases.length * 2 >= phrases;
}

/** Suggestions per entry: its buttons and quick replies, and its follow-ups that are entries. */
function suggestionsOf(tree: IntentTree, langs: AgentLanguages): Map<Intent, string[]> {
  const resolver = new ChoiceResolver(tree.intents, (i) => tree.parentOf(i));
  const out = new Map<Intent, string[]>();
  const suggest = (to: Intent, name: string): void => {
    const list = out.get(to) ?? [];
    if (!list.includes(name) && name !== to.name) list.push(name);
    out.set(to, list);
  };
  for (const intent of tree.intents.filter((i) => tree.isEntry(i))) {
    const lang = langs.languages.find((l) => (intent.replies[l]?.choices.length ?? 0) > 0);
    for (const choice of lang ? (intent.replies[lang]?.choices ?? []) : []) {
      const target = resolver.target(choice, intent);
      if (target && tree.generic.has(target) && tree.parentOf(target) === intent) continue; // offered by the follow-up flow
      suggest(intent, target && tree.isEntry(target) ? target.name : choice.label);
    }
    // A follow-up with phrases of its own is offered after the nearest ancestor that is an entry.
    let up = tree.parentOf(intent);
    for (let depth = 0; up && !tree.isEntry(up) && depth < 10; depth++) up = tree.parentOf(up);
    if (up) suggest(up, intent.name);
  }
  return out;
}

type Labels = Map<Intent, Partial<Record<Lang, string[]>>>;

/**
 * Button labels as questions of the entries they lead to ("🔘 Syarat" → "Syarat" for the intent
 * its postback "btn_syarat" starts): what customers saw and may type, where the intent's own
 * phrases are often just the payload. A label that leads to several entries ("Polisi" under every
 * city) or is already some intent's phrase is left out, so no question belongs to two entries.
 */
function buttonLabelsOf(tree: IntentTree, langs: AgentLanguages): Labels {
  const resolver = new ChoiceResolver(tree.intents, (i) => tree.parentOf(i));
  const phrases = new Set(tree.intents.flatMap((i) => allPhrases(i).map(phraseKey)));
  const byKey = new Map<string, { target: Intent; lang: Lang; label: string } | null>();
  for (const intent of tree.intents)
    for (const lang of langs.languages)
      for (const choice of intent.replies[lang]?.choices ?? []) {
        const target = resolver.target(choice, intent);
        if (!target || !tree.isEntry(target)) continue;
        const label = choice.label.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}?!.)]+$/gu, '').trim();
        const key = phraseKey(label);
        if (!key || phrases.has(key)) continue;
        const seen = byKey.get(key);
        if (seen === undefined) byKey.set(key, { target, lang, label });
        else if (seen !== null && seen.target !== target) byKey.set(key, null);
      }
  const out: Labels = new Map();
  for (const found of byKey.values()) {
    if (!found) continue;
    const lists = out.get(found.target) ?? {};
    (lists[found.lang] ??= []).push(found.label);
    out.set(found.target, lists);
  }
  return out;
}

/** The entry of an intent that is one, with notes on what it loses on the way. */
function entryOf(intent: Intent, tree: IntentTree, langs: AgentLanguages, suggestions: readonly string[], labels: Labels, notes: Notes): MigratedEntry {
  const answers = answersOf(intent, notes);
  const hasAnswer = Object.values(answers).some(Boolean);
  const questionsByLanguage: Partial<Record<Lang, string[]>> = {};
  for (const lang of langs.languages) {
    const questions = [...(intent.phrases[lang] ?? []), ...(labels.get(intent)?.[lang] ?? [])];
    if (questions.length > 0) questionsByLanguage[lang] = questions;
  }
  if (intent.handoff) notes.add(intent.file, `"${intent.name}" hands the conversation to a person (action: handoff)`);
  else if (!hasAnswer) notes.add(intent.file, `"${intent.name}" has no text response; its answer is left as TODO`);
  else if (langs.languages.length > 1)
    for (const lang of langs.languages) if (!answers[lang]) notes.add(intent.file, `"${intent.name}" has no ${languageName(lang)} text response`);
  const contexts = asArray(intent.raw.contexts).flatMap((c) => (typeof c === 'string' ? [c] : []));
  if (contexts.length > 0 && !tree.parentOf(intent))
    notes.add(intent.file, `"${intent.name}" only matches after context ${contexts.join(', ')} in Dialogflow; in Tanya it can be asked at any time`);
  return {
    name: intent.name,
    questions: [],
    questionsByLanguage,
    ...(hasAnswer ? { answers } : {}),
    ...(suggestions.length > 0 ? { suggestions } : {}),
    ...(intent.handoff ? { action: 'handoff' as const } : {}),
    from: { file: intent.file },
  };
}

/** What the report says of a slot answer: its value phrases and the answer that is not imported. */
function slotAnswerNote(intent: Intent): string {
  const phrases = allPhrases(intent);
  const values = intent.valuePhrases;
  const shown = values
    .slice(0, 3)
    .map((p) => `"${p}"`)
    .join(', ');
  const answer = intent.replies.id?.answer ?? intent.replies.en?.answer;
  return `"${intent.name}" not imported: ${values.length} of its ${phrases.length} training phrases are only a value (${shown}${values.length > 3 ? ', …' : ''}), the answer to what the step before asked, which Tanya cannot tell apart from a question asked out of the blue${answer ? `; its answer was "${answer.replace(/\s+/g, ' ').slice(0, 100)}"` : ''}; to keep this step, write a flow that asks for the value (docs/flows.md)`;
}

/** One flow per entry with generic follow-ups; follow-ups nothing can start are notes. */
function flowsOf(tree: IntentTree, langs: AgentLanguages, notes: Notes): Readonly<Record<string, unknown>>[] {
  const nodeOf = (intent: Intent, depth: number): FlowNode => {
    const kids = depth < 10 ? (tree.children.get(intent) ?? []) : [];
    const fallbackKid = kids.find((k) => k.fallback);
    const buttons = [...new Set(Object.values(intent.replies).flatMap((r) => r.choices.map((c) => c.label)))];
    if (depth > 0 && buttons.length > 0)
      notes.add(
        intent.file,
        `the buttons of follow-up "${intent.name}" (${buttons.slice(0, 5).join(', ')}${buttons.length > 5 ? ', …' : ''}) are not part of its flow`,
      );
    return {
      name: intent.name,
      file: intent.file,
      answers: answersOf(intent, notes),
      phrases: intent.phrases,
      handoff: intent.handoff,
      options: kids
        .filter((k) => tree.generic.has(k))
        .sort((a, b) => optionRank(a.name) - optionRank(b.name))
        .map((k) => nodeOf(k, depth + 1)),
      ...(fallbackKid ? { fallback: nodeOf(fallbackKid, depth + 1) } : {}),
    };
  };
  const flowIds = new UniqueIds();
  const flows: Readonly<Record<string, unknown>>[] = [];
  for (const intent of tree.intents) {
    // Generic follow-ups are handled inside the flow of the entry above them.
    if (tree.generic.has(intent) || (intent.fallback && tree.parentOf(intent))) continue;
    const followUps = tree.flowFollowUps(intent);
    if (followUps.length === 0) continue;
    if (!tree.isEntry(intent)) {
      const what = intent.fallback
        ? 'it follows the fallback, and Tanya hands the chat to a person after settings.fallbacksBeforeHandoff (default 2) fallbacks in a row'
        : `"${intent.name}", which it follows, is not an entry (it has no training phrases), so nothing can start a flow for it`;
      for (const k of followUps) notes.add(k.file, `follow-up "${k.name}" not imported: ${what}`);
      continue;
    }
    const root = nodeOf(intent, 0);
    if (root.options.length > 0)
      flows.push(buildFollowUpFlow(root, flowIdFor(intent.name, flowIds), langs.languages, (file, message) => notes.add(file, message)));
    else if (root.fallback)
      notes.add(
        root.fallback.file,
        `"${root.fallback.name}" not imported: "${intent.name}" has no other follow-ups to choose from, so there is no choice to fall back from`,
      );
  }
  return flows;
}

/**
 * Reads a Dialogflow ES agent export: a folder, or the .zip as downloaded (also with one folder
 * around the agent). Throws with a clear message for a folder without intents, a file that is not
 * valid JSON (with its line and column), and a Dialogflow CX export.
 *
 * @example
 * const m = readDialogflowAgent('toko-agent.zip', { onProgress: (done, total) => bar.update(done, { total }) });
 * writeMigration('knowledge-imported', m, 'toko-agent.zip', 'dialogflow');
 */
export function readDialogflowAgent(path: string, options: DialogflowImportOptions = {}): Migration {
  const exp = readExportFiles(path);
  const paths = [...exp.files.keys()];
  if (isDialogflowCx(paths))
    throw new Error(
      `${path}: this is a Dialogflow CX agent (it has flows/, pages/ or entityTypes/); only Dialogflow ES exports are supported. Export an ES agent from the Dialogflow ES console (Settings → Export and Import)`,
    );
  const intentFiles = paths.filter((p) => /^intents\/[^/]+\.json$/.test(p) && !USERSAYS.test(p)).sort();
  if (intentFiles.length === 0)
    throw new Error(
      `${path}: no intents found (no intents/*.json); export the agent from the Dialogflow ES console: Settings → Export and Import → Export as ZIP, and name that zip or the folder it unpacks to.${otherFormatHint(path, 'dialogflow')}`,
    );
  const notes = new Notes();
  for (const n of exp.notes) notes.add(n.place?.file, n.message, n.place?.line);
  const langs = agentLanguages(exp, notes);
  const tree = new IntentTree(withMenuQuestions(readIntents(exp, intentFiles, langs, notes, options), langs, notes), notes);

  // Settings: the fallback and the welcome text.
  const rootFallbacks = tree.intents.filter((i) => i.fallback && !tree.parentOf(i));
  const fallback = rootFallbacks.find((i) => i.name === 'Default Fallback Intent') ?? rootFallbacks[0];
  const welcome = tree.intents.find((i) => i.welcome && i.name === 'Default Welcome Intent') ?? tree.intents.find((i) => i.welcome);
  // A welcome or fallback text that stands in for a webhook is not the shop's greeting.
  const fromWebhook = (i: Intent | undefined): boolean => {
    if (i?.raw.webhookUsed !== true) return false;
    notes.add(i.file, `"${i.name}" is answered by a webhook; its text is not used as the ${i === welcome ? 'greeting' : 'fallback'}`);
    return true;
  };
  const fallbackText = fallback && !fromWebhook(fallback) ? settingText(answersOf(fallback, notes)) : undefined;
  const greetingText = welcome && !fromWebhook(welcome) ? settingText(answersOf(welcome, notes)) : undefined;
  for (const f of rootFallbacks) {
    if (f !== fallback) notes.add(f.file, `"${f.name}" is another fallback intent; only "${fallback?.name ?? ''}" becomes the fallback text`);
    if (allPhrases(f).length > 0) notes.add(f.file, `the training phrases of fallback intent "${f.name}" are negative examples; not imported`);
  }

  const suggestions = suggestionsOf(tree, langs);
  const labels = buttonLabelsOf(tree, langs);
  const entries: MigratedEntry[] = [];
  // Parents before their follow-ups: a question both share stays with the parent, which
  // Dialogflow matches without a context (the writer keeps a question under its first entry).
  const depth = (i: Intent): number => {
    let d = 0;
    for (let p = tree.parentOf(i); p !== undefined && d < 64; p = tree.parentOf(p)) d++;
    return d;
  };
  const ordered = [...tree.intents].sort((a, b) => depth(a) - depth(b));
  /** Platform → intents whose text was only there ("telegram" for agents built for Telegram alone). */
  const platformText = new Map<string, Set<string>>();
  for (const intent of ordered) {
    if (intent === welcome || intent.fallback || tree.isEntry(intent) || tree.generic.has(intent)) noteResponses(intent, notes, platformText);
    if (tree.isEntry(intent)) entries.push(entryOf(intent, tree, langs, suggestions.get(intent) ?? [], labels, notes));
    else if (tree.slotAnswers.has(intent)) notes.add(intent.file, slotAnswerNote(intent));
    else if (!intent.fallback && !intent.welcome && !tree.generic.has(intent))
      notes.add(intent.file, `"${intent.name}" has no training phrases (Dialogflow starts it by an event or context only); not imported`);
  }
  const flows = flowsOf(tree, langs, notes);
  for (const [platform, names] of platformText)
    notes.add(
      undefined,
      `the text of ${names.size} intent(s) comes from their ${platform} responses, as they have none for every platform: ${[...names]
        .slice(0, 5)
        .map((n) => `"${n}"`)
        .join(', ')}${names.size > 5 ? ', …' : ''}`,
    );
  const synonyms = readEntities(exp, notes);
  const settings: MigratedSettings = {
    languages: langs.languages,
    ...(fallbackText ? { fallback: fallbackText } : {}),
    ...(greetingText ? { greeting: greetingText } : {}),
    ...(Object.keys(synonyms).length > 0 ? { synonyms } : {}),
  };
  const relabeled = languageAsWritten(entries, settings, notes);
  return {
    entries: relabeled.entries,
    unsupported: notes.list.map((n) => (n.place ? `${n.place.file}: ${n.message}` : n.message)),
    notes: notes.list,
    settings: relabeled.settings,
    ...(flows.length > 0 ? { flows } : {}),
  };
}

const detector = new LanguageDetector([], []);
/**
 * An agent declared English whose phrases are clearly Indonesian (Dialogflow's default language
 * is English, and many Indonesian agents keep it): everything is filed as Indonesian, with a note.
 * Only for a one-language agent; a two-language agent's files say which language each text is.
 */
function languageAsWritten(entries: MigratedEntry[], settings: MigratedSettings, notes: Notes): { entries: MigratedEntry[]; settings: MigratedSettings } {
  if (settings.languages?.length !== 1 || settings.languages[0] !== 'en') return { entries, settings };
  const phrases = entries.flatMap((e) => e.questionsByLanguage?.en ?? []);
  const decided = phrases.map((p) => decidedLanguage(detector, foldedWords(p)));
  const id = decided.filter((l) => l === 'id').length;
  const en = decided.filter((l) => l === 'en').length;
  if (id < 5 || id <= 2 * en) return { entries, settings };
  notes.add('agent.json', `the agent is declared English, but ${id} of ${id + en} training phrases are clearly Indonesian: imported as Indonesian`);
  const swap = (p: PerLanguage<string> | undefined): PerLanguage<string> | undefined => (p?.en !== undefined ? { id: p.en } : p);
  return {
    entries: entries.map((e) => ({
      ...e,
      ...(e.questionsByLanguage ? { questionsByLanguage: { id: [...(e.questionsByLanguage.id ?? []), ...(e.questionsByLanguage.en ?? [])] } } : {}),
      ...(e.answers ? { answers: swap(e.answers) } : {}),
    })),
    settings: {
      ...settings,
      languages: ['id'],
      ...(settings.fallback ? { fallback: swap(settings.fallback) } : {}),
      ...(settings.greeting ? { greeting: swap(settings.greeting) } : {}),
    },
  };
}
