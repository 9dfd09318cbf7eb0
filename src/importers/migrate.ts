import { placeholderAnswer } from '../knowledge/placeholder';
import { questionKey } from '../knowledge/quality';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { MAX_NOTE_CHARS, NoteBudget } from './import-files';
import { foreignLanguage } from './foreign-language';
import { UniqueIds } from './unique-ids';
import { unfilledReferences } from './references';
import { ownFolder, writeFaqFiles, writeNewFile } from './write-faq';
import { hasHtml, htmlToText } from './html-text';
import { LanguageDetector } from '../matching/language';
import { foldedWords, foldText } from '../matching/normalize';
import { stemWord } from '../matching/stem';
import { isFunctionWord } from '../matching/lexicon';
import { DEFAULT_COMPLAINT_WORDS } from '../knowledge/schema';
import { CONTENT_LANGUAGES, isOtherLanguage, type ContentLanguage } from '../core/types';

/** Where something was read: a file (relative to what the user named) and a 1-based line. */
export interface SourcePlace {
  readonly file: string;
  readonly line?: number;
}

/** Text per language, when the source says which language it is in. */
export type PerLanguage<T> = { readonly [L in ContentLanguage]?: T };

/** One entry read from another tool's export, before it becomes YAML. */
export interface MigratedEntry {
  /** The source's name for it (intent name, category, first question); the entry id is derived from it. */
  readonly name: string;
  /** Example questions whose language is guessed when written. */
  readonly questions: readonly string[];
  /** Example questions whose language the source states (Dialogflow usersays_<lang>, per-language columns). */
  readonly questionsByLanguage?: PerLanguage<readonly string[]>;
  /** The answer as the source has it, language guessed (missing: a "TODO: …" placeholder is written). */
  readonly answer?: string;
  /** Answers whose language the source states; wins over `answer` for that language. */
  readonly answers?: PerLanguage<string>;
  readonly category?: string;
  /**
   * Follow-up choices offered after the answer: names of other migrated entries (intent names) or
   * the text of a quick reply/button; the writer links those it can find and reports the rest.
   */
  readonly suggestions?: readonly string[];
  /** `handoff`: asking this means "a person, please" (Rasa human_handoff, Dialogflow live agent). */
  readonly action?: 'answer' | 'handoff';
  /** Where the entry came from, for the import report. */
  readonly from?: SourcePlace;
}

/** Something the editor should know about an import: what was adapted, dropped or left as TODO. */
export interface MigrationNote {
  readonly place?: SourcePlace;
  readonly message: string;
}

/** Knowledge-base settings an import can carry over. */
export interface MigratedSettings {
  /** The bot's own "I did not understand" text (Rasa nlu_fallback, Dialogflow Default Fallback Intent). */
  readonly fallback?: PerLanguage<string>;
  /** The welcome message (Dialogflow Default Welcome Intent, Rasa greet response). */
  readonly greeting?: PerLanguage<string>;
  /** Phrase → words that mean the same (Rasa synonyms, Dialogflow entity synonyms). */
  readonly synonyms?: Readonly<Record<string, readonly string[]>>;
  /** Languages the source answers in, first the default. */
  readonly languages?: readonly ContentLanguage[];
}

/** What an importer read, and what it could not carry over (listed for the editor, never silently dropped). */
export interface Migration {
  readonly entries: readonly MigratedEntry[];
  /** What could not be carried over, one line each (kept for the older readers; `notes` has places). */
  readonly unsupported: readonly string[];
  readonly notes?: readonly MigrationNote[];
  readonly settings?: MigratedSettings;
  /**
   * Flows in Tanya's flow format (docs/flows.md), e.g. Dialogflow follow-up intents ("X - yes")
   * turned into a choice step after their parent's answer; written to `<out>/flows/imported.yaml`.
   * A flow's `trigger.entries` name migrated entries by their source `name`; the writer turns
   * those into entry ids.
   */
  readonly flows?: readonly Readonly<Record<string, unknown>>[];
}

const detector = new LanguageDetector([], []);

/** How `tanya check` compares examples (case, accents and punctuation folded). */
const sameQuestion = questionKey;

/**
 * Guesses the language of the texts a source does not label, each alone where its words decide
 * it, else as most of the source's decided texts are: a short "Good evening" or "Testing" in an
 * English QnA file is English, not the Indonesian default.
 */
function languageGuesser(texts: readonly string[]): (text: string) => 'id' | 'en' {
  const decided = (text: string): 'id' | 'en' | undefined => {
    const words = foldedWords(text);
    const lang = detector.detect(words, 'id');
    return lang === detector.detect(words, 'en') ? lang : undefined;
  };
  let en = 0;
  let id = 0;
  for (const text of texts) {
    const lang = decided(text);
    if (lang === 'en') en++;
    else if (lang === 'id') id++;
  }
  const most = en > id ? 'en' : 'id';
  return (text) => decided(text) ?? most;
}

/** How a source of this tool says its language is `code`. */
function howToState(tool: string, code: string): string {
  if (tool === 'rasa') return `write "language: ${code}" in config.yml`;
  if (tool === 'dialogflow') return `make "${code}" the agent's language (agent.json "language")`;
  return `name the columns q_${code}/a_${code} (or add a language column saying ${code})`;
}

/** A valid, unique entry id from a name: lower case, "-" between words. */
function idFor(name: string, taken: UniqueIds): string {
  const base =
    foldText(name)
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 48) || 'entry';
  return taken.take(base, /^[a-z0-9]/.test(base) ? base : `e-${base}`);
}

/** The other tool as people call it ("qna" is QnA Maker). */
const TOOL_NAMES: Readonly<Record<string, string>> = { rasa: 'Rasa', dialogflow: 'Dialogflow', qna: 'QnA Maker', csv: 'the spreadsheet' };
const toolName = (tool: string): string => TOOL_NAMES[tool] ?? tool;

const placeText = (place: SourcePlace | undefined): string => (place ? `${place.file}${place.line !== undefined ? `:${place.line}` : ''}: ` : '');

export interface WrittenKnowledge {
  readonly path: string;
  readonly entries: number;
  readonly questions: number;
  /** Entries whose answer is a "TODO: …" placeholder (never sent until written). */
  readonly placeholders: number;
  /** Flows written to `<out>/flows/imported.yaml` (0: none, and no file). */
  readonly flows: number;
  /** The import report, `<out>/IMPORT-REPORT.md`. */
  readonly report: string;
  readonly skipped: readonly string[];
}

interface WrittenEntry {
  id: string;
  /** The label a button of the source gives it, shown in choice menus. */
  title?: { id: string };
  category?: string;
  questions: { [L in ContentLanguage]?: string[] };
  answer?: { id: string } & { [L in ContentLanguage]?: string };
  action?: 'handoff';
  suggest?: string[];
}

/**
 * Writes migrated entries as `faq.yaml` (with the settings the source had), flows as
 * `flows/imported.yaml`, and `IMPORT-REPORT.md`: questions sorted into Indonesian and English
 * where the source does not say, answers kept (an English-only answer is put under both
 * languages for the editor to translate), a "TODO: …" answer where the source had none, and
 * everything not carried over listed with its source file:line — never silently dropped.
 */
export function writeMigration(outDir: string, migration: Migration, source: string, tool: string): WrittenKnowledge {
  const taken = new UniqueIds();
  // Readers may list a dropped part both in `unsupported` and, with its place, in `notes`: once is enough.
  const notes: string[] = [...new Set([...migration.unsupported, ...(migration.notes ?? []).map((n) => `${placeText(n.place)}${n.message}`)])];
  const todo: string[] = [];
  const idByName = new Map<string, string>();
  const idByQuestion = new Map<string, string>();
  const seenQuestion = new Map<string, string>();
  const written: { entry: WrittenEntry; source: MigratedEntry }[] = [];
  let html = 0;
  const guessLanguage = languageGuesser(migration.entries.flatMap((e) => [...e.questions, ...(e.answer ? [e.answer] : [])]));

  for (const e of migration.entries) {
    const split = new Map<ContentLanguage, string[]>(CONTENT_LANGUAGES.map((lang) => [lang, []]));
    const add = (lang: ContentLanguage, q: string): void => {
      const text = q.trim();
      if (text) split.get(lang)?.push(text);
    };
    for (const lang of CONTENT_LANGUAGES) for (const q of e.questionsByLanguage?.[lang] ?? []) add(lang, q);
    for (const q of e.questions) add(guessLanguage(q), q);
    const count = (): number => [...split.values()].reduce((n, list) => n + list.length, 0);
    const id = count() > 0 ? idFor(e.name, taken) : undefined;
    if (id === undefined) {
      notes.push(`${placeText(e.from)}"${e.name}": no questions, so the bot could never match it`);
      continue;
    }
    // The same question under two entries is an error in `tanya check`: the first entry keeps it.
    for (const lang of CONTENT_LANGUAGES) {
      const kept: string[] = [];
      for (const q of split.get(lang) ?? []) {
        const key = sameQuestion(q);
        const owner = seenQuestion.get(key);
        if (owner === undefined) {
          seenQuestion.set(key, id);
          kept.push(q);
        } else if (owner !== id) notes.push(`${placeText(e.from)}"${q}" of "${e.name}" is also an example of entry "${owner}" (kept there only)`);
      }
      split.set(lang, kept);
    }
    if (count() === 0) {
      taken.release(id);
      notes.push(`${placeText(e.from)}"${e.name}": all its questions belong to other entries, so it was left out`);
      continue;
    }
    if (!idByName.has(e.name)) idByName.set(e.name, id);
    if (!idByName.has(e.name.toLowerCase())) idByName.set(e.name.toLowerCase(), id);
    for (const q of [...split.values()].flat()) if (!idByQuestion.has(sameQuestion(q))) idByQuestion.set(sameQuestion(q), id);

    // Only the languages that have questions (an empty "en: []" is noise in an editor's file).
    const questions: WrittenEntry['questions'] = {};
    for (const [lang, list] of split) if (list.length > 0) questions[lang] = list;
    const entry: WrittenEntry = { id, ...(e.category ? { category: e.category } : {}), questions };
    if (e.action === 'handoff') {
      entry.action = 'handoff';
      // Kept for the editor: Tanya sends its own handoff message (queue position, hours) instead.
      const said = e.answers?.id ?? e.answers?.en ?? e.answer;
      if (said?.trim()) {
        entry.answer = { id: said.trim(), ...(e.answers?.en?.trim() ? { en: e.answers.en.trim() } : {}) };
        notes.push(`${placeText(e.from)}"${e.name}" hands the customer to a person; its text is kept, but Tanya says its own handoff message (queue, hours)`);
      }
    } else {
      const answers: { [L in ContentLanguage]?: string } = {};
      const given = e.answer?.trim();
      if (given) answers[guessLanguage(given)] = given;
      for (const lang of CONTENT_LANGUAGES) {
        const stated = e.answers?.[lang]?.trim();
        if (stated) answers[lang] = stated;
      }
      // Markup copied from a web page would reach customers as "<br>": it becomes plain text.
      for (const lang of CONTENT_LANGUAGES) {
        const text = answers[lang];
        if (text !== undefined && hasHtml(text)) {
          answers[lang] = htmlToText(text);
          html++;
        }
      }
      // An answer that needs the other tool to fill something in ("$JalurPendaftaran", "{name}")
      // would reach customers half written: it is kept for the editor behind "TODO", never sent.
      // A long answer whose references stand in a sentence or two ("Berikut informasi mengenai
      // $JalurPendaftaran:" and a page of fixed text) keeps the rest: the sentences holding them
      // are taken out, reported, when at least half of the text is left.
      for (const lang of CONTENT_LANGUAGES) {
        const text = answers[lang];
        const unfilled = text === undefined ? [] : unfilledReferences(text, tool);
        const kept = text !== undefined && unfilled.length > 0 ? withoutSentences(text, unfilled) : undefined;
        if (kept !== undefined) {
          answers[lang] = kept;
          notes.push(
            `${placeText(e.from)}entry "${id}" ("${e.name}"): the sentence${unfilled.length === 1 ? '' : 's'} with ${unfilled.join(', ')} (filled in by ${toolName(tool)}) taken out of its answer; check that the rest still reads well`,
          );
        } else if (text !== undefined && unfilled.length > 0) {
          answers[lang] =
            `TODO: ${unfilled.join(', ')} ${unfilled.length === 1 ? 'is' : 'are'} filled in by ${toolName(tool)}, not by Tanya; rewrite this answer: ${text}`;
          if (lang === 'id' || answers.id === undefined) todo.push(`${placeText(e.from)}entry "${id}" ("${e.name}"): its answer uses ${unfilled.join(', ')}`);
        }
      }
      // An answer only in English (or only in another language) stands under "id:" too, which the schema requires.
      const first = CONTENT_LANGUAGES.map((lang) => answers[lang]).find((text) => text !== undefined);
      if (first !== undefined) {
        const answer: WrittenEntry['answer'] = { id: answers.id ?? first };
        for (const lang of CONTENT_LANGUAGES) if (lang !== 'id' && answers[lang] !== undefined) answer[lang] = answers[lang];
        entry.answer = answer;
      } else {
        entry.answer = placeholderAnswer(e.name);
        todo.push(`${placeText(e.from)}entry "${id}" ("${e.name}")`);
      }
    }
    written.push({ entry, source: e });
  }

  // Follow-up choices: another migrated entry by its source name, or by one of its questions.
  // The button's own words label the entry in menus ("Pengiriman", not its first question).
  const labels = new Map<string, string>();
  for (const { entry, source: e } of written) {
    const suggest: string[] = [];
    const suggested = new Set<string>();
    for (const s of e.suggestions ?? []) {
      const target = idByName.get(s) ?? idByName.get(s.toLowerCase()) ?? idByQuestion.get(sameQuestion(s));
      if (target !== undefined && target !== entry.id) {
        const label = s.trim();
        // An intent name a payload carries ("ask_price") is no label for people.
        if (!labels.has(target) && label && label.length <= 60 && !/^[a-z0-9]+(?:[_/.-][a-z0-9]+)+$/.test(label)) labels.set(target, label);
        if (!suggested.has(target)) {
          suggested.add(target);
          suggest.push(target);
        }
      } else if (target === undefined) notes.push(`${placeText(e.from)}suggestion "${s}" of "${e.name}" matches no imported entry (not linked)`);
    }
    if (suggest.length > 0) entry.suggest = suggest;
  }
  for (let i = 0; i < written.length; i++) {
    const { entry } = written[i];
    const label = labels.get(entry.id);
    if (label !== undefined) {
      const { id, ...rest } = entry;
      written[i] = { ...written[i], entry: { id, title: { id: label }, ...rest } };
    }
  }

  if (html > 0)
    notes.push(
      `${html} answer${html === 1 ? '' : 's'} in HTML (<br>, <strong>, links) turned into plain text: links read "text (address)"; check how they read`,
    );
  // A bot with no entry would hand every customer to a person: that is a failed import, not a success.
  if (written.length === 0) {
    const why = notes
      .slice(0, 3)
      .map((n) => `\n  - ${n}`)
      .join('');
    const more = notes.length > 3 ? `\n  (and ${notes.length - 3} more)` : '';
    throw new Error(
      `${source}: nothing to import: no ${tool === 'dialogflow' ? 'intent' : tool === 'rasa' ? 'intent' : 'row'} has example questions a customer could type${why}${more}\nAdd training phrases or questions to the source and import again.`,
    );
  }
  // A source that does not say its languages answers in those its questions are in: an
  // Indonesian-only sheet declares Indonesian only (else every entry "lacks" an English answer),
  // an English-only one English (so it greets in English).
  const present = (['id', 'en'] as const).filter((lang) => written.some((w) => (w.entry.questions[lang]?.length ?? 0) > 0));
  const inferred = migration.settings?.languages === undefined && present.length === 1 ? present : undefined;
  const foreign = foreignLanguage(written.flatMap((w) => [...(w.entry.questions.id ?? []), ...(w.entry.questions.en ?? [])]));
  if (inferred)
    notes.push(
      `settings.languages: ${inferred[0]} only (the source does not say; ${foreign ? `every question is filed under "${inferred[0]}:"` : `every question is in ${inferred[0] === 'id' ? 'Indonesian' : 'English'}`})`,
    );
  // Nothing is lost, but a user must know the bot will not read their customers' language well.
  if (foreign && isOtherLanguage(foreign.code))
    notes.push(
      `the questions read as ${foreign.name} (${Math.round(foreign.share * 100)} % of them), which the source does not say: they are filed under "${inferred?.[0] ?? 'id'}:" and matched as that language; Tanya reads ${foreign.name} when told: ${howToState(tool, foreign.code)} and import again`,
    );
  else if (foreign)
    notes.push(
      `the questions read as ${foreign.name} (${Math.round(foreign.share * 100)} % of them), which Tanya does not read, so they are matched word for word, without slang, spelling correction or stemming, and Tanya's own replies (welcome, "not understood", handoff) are in ${inferred?.[0] === 'en' ? 'English' : 'Indonesian'}: write settings.greeting and settings.fallback in ${foreign.name}, and test with "tanya chat"`,
    );
  const topical = complaintWordsAsked(written.map((w) => w.entry));
  if (topical.length > 0)
    notes.push(
      `settings.handoff.complaintWords: ${topical.map((w) => `"${w}"`).join(', ')} left out: the imported questions ask about ${topical.length === 1 ? 'it' : 'them'}, so here ${topical.length === 1 ? 'it is a subject' : 'they are subjects'} to answer, not a complaint to hand to a person at once`,
    );
  const carried = settingsOf(inferred ? { ...migration.settings, languages: inferred } : migration.settings);
  const settings = topical.length > 0 ? { ...carried, handoff: { complaintWords: DEFAULT_COMPLAINT_WORDS.filter((w) => !topical.includes(w)) } } : carried;
  // The source is shown in comments: a line break in its name must not end the comment.
  const from = source.replace(/[\r\n]+/g, ' ');
  const header = [
    `# Imported by "tanya import ${tool}" from ${from}; what was converted and what was not: IMPORT-REPORT.md.`,
    '# Write the answers that say "TODO" (they are never sent until you do; "tanya check" lists them),',
    '# check English-only answers (they are also under "id:"; translate them), then run "tanya check".',
    '',
  ].join('\n');
  const faq = written.map((w) => w.entry);
  // Checked before anything is written: a link at <out>/flows would lead the flows elsewhere.
  if ((migration.flows ?? []).length > 0) ownFolder(join(outDir, 'flows'));
  const paths = writeFaqFiles(outDir, header, faq, settings);

  const flows = (migration.flows ?? []).map((f) => withoutReferences(withEntryIds(f, idByName, notes), tool, notes));
  if (flows.length > 0) {
    ownFolder(join(outDir, 'flows'));
    writeNewFile(
      join(outDir, 'flows', 'imported.yaml'),
      `# Imported by "tanya import ${tool}" from ${from} (multi-turn parts of the source). See docs/flows.md.\n${stringify({ flows }, { lineWidth: 0 })}`,
    );
  }

  const questions = faq.reduce((n, e) => n + CONTENT_LANGUAGES.reduce((k, lang) => k + (e.questions[lang]?.length ?? 0), 0), 0);
  const report = join(outDir, 'IMPORT-REPORT.md');
  const kept = withinBudget(notes);
  writeNewFile(report, importReport({ tool, source: from, entries: faq.length, questions, flows: flows.length, todo, notes: kept, settings }));
  return { path: paths[0], entries: faq.length, questions, placeholders: todo.length, flows: flows.length, report, skipped: kept };
}

/** The notes that fit in `MAX_NOTE_CHARS` (measured, not read: notes quoting a huge text a thousand times are never built whole). */
function withinBudget(notes: readonly string[]): string[] {
  let total = 0;
  for (const n of notes) total += n.length;
  if (total <= MAX_NOTE_CHARS) return [...notes];
  const budget = new NoteBudget();
  const kept: string[] = [];
  for (const n of notes) {
    if (!budget.fits(n)) break;
    budget.charge(n);
    kept.push(n);
  }
  const leftOut = budget.leftOutOnce();
  if (leftOut) kept.push(leftOut);
  return kept;
}

/**
 * The built-in complaint words (written for a shop: "lapor polisi", "penipuan", "kecewa") whose
 * words the imported questions use: a hotline's "lapor polisi di garut nomornya apa" or a bank's
 * "cara lapor penipuan" asks about the subject, and must be answered, not handed off at once.
 * The words need not stand together in one question: a hotline with "nomor polisi garut" and
 * "cara lapor jalan rusak" answers "mau lapor polisi" from its own entries too.
 */
function complaintWordsAsked(entries: readonly WrittenEntry[]): string[] {
  const used = new Set(entries.flatMap((e) => [...(e.questions.id ?? []), ...(e.questions.en ?? [])]).flatMap((q) => foldedWords(q).map(stemWord)));
  return DEFAULT_COMPLAINT_WORDS.filter((phrase) => {
    const content = foldedWords(phrase).filter((w) => !isFunctionWord(w));
    return content.length > 0 && content.every((w) => used.has(stemWord(w)));
  });
}

function settingsOf(s: MigratedSettings | undefined): Record<string, unknown> | undefined {
  if (!s) return undefined;
  const localized = (t: PerLanguage<string> | undefined): Record<string, string> | undefined => {
    const texts = CONTENT_LANGUAGES.flatMap((lang) => {
      const text = t?.[lang]?.trim();
      return text ? [[lang, text] as const] : [];
    });
    if (texts.length === 0) return undefined;
    // "id:" is required: an English (or other-language) text stands under it too.
    return { id: t?.id?.trim() || texts[0][1], ...Object.fromEntries(texts.filter(([lang]) => lang !== 'id')) };
  };
  const out: Record<string, unknown> = {};
  const fallback = localized(s.fallback);
  const greeting = localized(s.greeting);
  if (fallback) out.fallback = fallback;
  if (greeting) out.greeting = greeting;
  if (s.languages && s.languages.length > 0) {
    // Tanya's own sentences are Indonesian or English: a German-first agent gets English ones.
    out.defaultLanguage = s.languages.find((lang) => lang === 'id' || lang === 'en') ?? 'en';
    out.languages = [...new Set(s.languages)];
  }
  const synonyms = Object.entries(s.synonyms ?? {})
    .map(([k, v]) => [k.trim(), [...new Set(v.map((x) => x.trim()).filter((x) => x && x.toLowerCase() !== k.trim().toLowerCase()))]] as const)
    .filter(([k, v]) => k && v.length > 0);
  if (synonyms.length > 0) out.synonyms = Object.fromEntries(synonyms);
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * A text without its sentences (or lines) that hold any of the references, when what is left is
 * at least half of it and holds none; else undefined (the answer waits behind TODO).
 */
function withoutSentences(text: string, refs: readonly string[]): string | undefined {
  const holds = (part: string): boolean => refs.some((r) => part.includes(r));
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    const sentences = line.split(/(?<=[.!?:])[ \t]+/);
    const kept = sentences.filter((p) => !holds(p)).join(' ');
    // A line that was only sentences with references goes; an empty line stays a paragraph break.
    if (kept.trim() !== '' || line.trim() === '') lines.push(kept);
  }
  const left = lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return left.length >= text.length / 2 && !holds(left) ? left : undefined;
}

/** A text with the given references taken out and the spaces they leave tidied. */
function withoutText(value: string, refs: readonly string[]): string {
  let text = value;
  // One split per reference is quadratic in a text of thousands of them: past a plain size
  // (never reached by a real text) the references are cut in one pass instead.
  if (refs.length * value.length > 10_000_000) text = withoutAll(value, refs);
  else for (const r of refs) text = text.split(r).join('');
  return text
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/ +([.,:;!?])/g, '$1')
    .replace(/ +\n/g, '\n')
    .trim();
}

/**
 * A flow with the other tool's run-time references taken out of its texts ("informasi mengenai
 * $JalurPendaftaran" → "informasi mengenai"): a flow cannot wait behind TODO as an answer can,
 * and a customer must never read "$JalurPendaftaran". Each removal is reported.
 */
function withoutReferences(flow: Record<string, unknown>, tool: string, notes: string[]): Record<string, unknown> {
  const clean = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const refs = unfilledReferences(value, tool);
      if (refs.length === 0) return value;
      notes.push(
        `flow "${String(flow.id)}": ${refs.join(', ')} (filled in by ${toolName(tool)}) taken out of "${value.slice(0, 80)}"; check that the text still reads well`,
      );
      return withoutText(value, refs);
    }
    if (Array.isArray(value)) return value.map(clean);
    // Ids and slot names are slugs and never hold a reference; every text may (also under "id:").
    if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clean(v)]));
    return value;
  };
  return clean(flow) as Record<string, unknown>;
}

/** `text` without the references `unfilledReferences` found in it, cut in one pass where they are found. */
function withoutAll(text: string, refs: readonly string[]): string {
  const wanted = new Set(refs);
  return text.replace(/(?<![\p{L}\p{N}])\$[A-Za-z_][\w.-]*|(?<![\p{L}\p{N}])#[A-Za-z_][\w-]*\.[A-Za-z_][\w-]*|\{[A-Za-z_]\w*\}/gu, (m) => {
    const bare = m.replace(/[.-]+$/, '');
    return wanted.has(m) ? '' : wanted.has(bare) ? m.slice(bare.length) : m;
  });
}

/** A flow whose `trigger.entries` name source intents, with those names turned into entry ids. */
function withEntryIds(flow: Readonly<Record<string, unknown>>, idByName: ReadonlyMap<string, string>, notes: string[]): Record<string, unknown> {
  const trigger = flow.trigger;
  if (typeof trigger !== 'object' || trigger === null || !('entries' in trigger) || !Array.isArray(trigger.entries)) return { ...flow };
  const entries = (trigger.entries as unknown[]).flatMap((name) => {
    const id = typeof name === 'string' ? (idByName.get(name) ?? idByName.get(name.toLowerCase())) : undefined;
    if (id === undefined) notes.push(`flow "${String(flow.id)}": trigger "${String(name)}" names no imported entry`);
    return id === undefined ? [] : [id];
  });
  return { ...flow, trigger: { ...trigger, entries } };
}

function importReport(r: {
  tool: string;
  source: string;
  entries: number;
  questions: number;
  flows: number;
  todo: readonly string[];
  notes: readonly string[];
  settings: Record<string, unknown> | undefined;
}): string {
  const list = (items: readonly string[]): string => (items.length > 0 ? items.map((i) => `- ${i.replace(/\n/g, ' ')}`).join('\n') : '- none');
  return [
    `# Import report: tanya import ${r.tool} ${r.source}`,
    '',
    `- ${r.entries} entries with ${r.questions} example questions (faq.yaml)`,
    `- settings carried over: ${r.settings ? Object.keys(r.settings).join(', ') : 'none'}`,
    `- ${r.flows} flow(s)${r.flows > 0 ? ' (flows/imported.yaml; run the bot with --flows pointing there, or it is found next to the knowledge base)' : ''}`,
    `- ${r.todo.length} answer(s) to write (they say "TODO" and are never sent until written)`,
    '',
    '## Answers to write',
    '',
    list(r.todo),
    '',
    '## Not carried over, or changed on the way',
    '',
    list(r.notes),
    '',
  ].join('\n');
}
