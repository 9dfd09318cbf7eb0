import { readFileSync } from 'node:fs';
import diceCoefficient = require('natural/lib/natural/distance/dice_coefficient');
import { decide, type MatchDecision } from '../matching/decide';
import { Matcher, SharedReadings } from '../matching/matcher';
import { foldedWords } from '../matching/normalize';
import type { KbProblem } from './errors';
import { groupQuestions, questionPairs, questionsOf, type Entry, type KnowledgeBase } from './schema';
import { CONTENT_LANGUAGES, OTHER_LANGUAGES, type ContentLanguage } from '../core/types';
import { isPlaceholderAnswer } from './placeholder';

/** Examples beyond this many are compared exactly only (near-identical pairs grow quadratically). */
const NEAR_DUPLICATE_LIMIT = 3000;
/** The held-out check builds this many matchers, each without a tenth of the examples. */
const FOLDS = 10;
/** Above this many examples the held-out check is skipped (it would slow `tanya check` down). */
const HELD_OUT_LIMIT = 5000;
/**
 * At most this many wrong answers of the 10-fold pass are confirmed with the example alone held
 * out (one matcher each); past it the rest are reported from the 10-fold pass unconfirmed.
 */
const CONFIRM_LIMIT = 100;

interface Example {
  readonly entry: Entry;
  readonly text: string;
  readonly normalized: string;
  readonly lang: ContentLanguage;
}

/** Finds the line of `needle` in a file at or after `fromLine` (falls back to `fromLine`). */
function lineFinder(): (file: string, needle: string, fromLine: number) => { line: number; column: number } {
  const cache = new Map<string, string[]>();
  return (file, needle, fromLine) => {
    let lines = cache.get(file);
    if (!lines) {
      try {
        lines = readFileSync(file, 'utf8').split('\n');
      } catch {
        lines = [];
      }
      cache.set(file, lines);
    }
    // The line whose whole item is the text ("- jam buka"), within the entry, before a line that
    // merely contains it ("- jam buka toko hari minggu?" written above it).
    const start = Math.max(0, fromLine - 1);
    let contains: { line: number; column: number } | undefined;
    for (let i = start; i < lines.length; i++) {
      if (i > start && /^\s*-\s+id:\s/.test(lines[i])) break;
      const item = /^(\s*-\s+)(["']?)(.*?)\2\s*$/.exec(lines[i]);
      if (item && item[3] === needle) return { line: i + 1, column: item[1].length + item[2].length + 1 };
      const col = lines[i].indexOf(needle);
      if (col >= 0) contains ??= { line: i + 1, column: col + 1 };
    }
    if (contains) return contains;
    for (let i = start; i < lines.length; i++) {
      const col = lines[i].indexOf(needle);
      if (col >= 0) return { line: i + 1, column: col + 1 };
    }
    return { line: fromLine, column: 1 };
  };
}

/** How two examples are compared: case, accents and punctuation folded. Importers use it to keep a question under one entry. */
export const questionKey = (text: string): string => foldedWords(text).join(' ');
const normalize = questionKey;

/**
 * Editors' quality checks, each with file:line. Errors (`tanya check` exits 1):
 * - the same example (after folding case, accents and punctuation) under two entries: the
 *   message names the other entry and the file:line of its copy.
 * Warnings (errors with `tanya check --strict`):
 * - a near-identical example under two entries;
 * - held-out confusions, judged with the knowledge base's own `answerThreshold`, `clarifyThreshold`
 *   and `clarifyMargin` through `decide()`, i.e. what the bot would actually do:
 *   - an example that, when it is held out, another entry answers outright (the best score reaches
 *     `answerThreshold` and leads by `clarifyMargin`). Found with 10 folds (each example scored by
 *     a matcher built without its tenth of the examples), then confirmed with only that example held
 *     out, so a warning does not depend on which siblings happened to share its fold (adding an
 *     example elsewhere shifts the folds). A clarification that offers the example's own entry
 *     next to another, or a fallback, is not warned about per example: the customer still gets a
 *     choice or a hand-off, not a wrong answer;
 *   - an entry that keeps fewer than half of its examples when they are held out (10 folds): the
 *     others are answered by other entries, fall back, or get a clarification without it. Its
 *     examples do not generalise even when no single one goes to a wrong answer.
 *   Entries answered by a catalogue handler (prices, stock, stores) are left out of both: their
 *   questions depend on product and store names, not on example wording.
 * - entries with fewer than 3 examples; answers missing for a language the knowledge base
 *   declares; slang and synonyms whose standard words no example uses.
 */
export function qualityWarnings(kb: KnowledgeBase): KbProblem[] {
  const find = lineFinder();
  const warnings: KbProblem[] = [];
  const warn = (file: string, at: { line: number; column: number }, message: string): void => {
    warnings.push({ file, ...at, message, severity: 'warning' });
  };
  const sourceOf = (entry: Entry): { file: string; line: number } => kb.sources.get(entry.id) ?? { file: 'knowledge', line: 1 };
  const examples: Example[] = kb.entries.flatMap((entry) => questionPairs(entry).map(([lang, text]) => ({ entry, text, normalized: normalize(text), lang })));
  const exampleAt = (e: Example): { file: string; at: { line: number; column: number } } => {
    const src = sourceOf(e.entry);
    return { file: src.file, at: find(src.file, e.text, src.line) };
  };

  // 1. The same question under two entries (an error), or a near-identical one (a warning).
  const firstByText = new Map<string, Example>();
  const duplicated = new Set<string>();
  for (const e of examples) {
    const first = firstByText.get(e.normalized);
    if (first && first.entry.id !== e.entry.id) {
      const { file, at } = exampleAt(e);
      const other = exampleAt(first);
      duplicated.add(e.normalized);
      warnings.push({
        file,
        ...at,
        severity: 'error',
        message: `"${e.text}" (entry "${e.entry.id}") is also an example of entry "${first.entry.id}" at ${other.file}:${other.at.line}:${other.at.column}; the bot cannot know which one it asks for: keep it under one entry, or reword one of them`,
      });
    } else if (!first) firstByText.set(e.normalized, e);
  }
  if (examples.length <= NEAR_DUPLICATE_LIMIT) {
    for (let i = 0; i < examples.length; i++) {
      for (let j = i + 1; j < examples.length; j++) {
        const a = examples[i];
        const b = examples[j];
        if (a.entry.id === b.entry.id || a.normalized === b.normalized || Math.abs(a.normalized.length - b.normalized.length) > 8) continue;
        if (diceCoefficient(a.normalized, b.normalized) >= 0.9) {
          const { file, at } = exampleAt(b);
          warn(file, at, `"${b.text}" is nearly the same as "${a.text}" in entry "${a.entry.id}"; the bot cannot tell the two entries apart on it`);
        }
      }
    }
  }

  // 2. Held-out confusions (see the comment above the function for the rule).
  if (examples.length <= HELD_OUT_LIMIT && kb.entries.length > 1) {
    const handled = new Set(kb.entries.filter((e) => e.handler).map((e) => e.id));
    const shared = new SharedReadings(kb);
    const matcherWithout = (heldOut: readonly Example[]): Matcher => {
      const entries = kb.entries.map((entry) => {
        const held = heldOut.filter((h) => h.entry === entry);
        if (held.length === 0) return entry;
        return {
          ...entry,
          questions: groupQuestions(questionPairs(entry).filter(([lang, q]) => !held.some((h) => h.text === q && h.lang === lang))),
        };
      });
      return new Matcher({ ...kb, entries }, {}, shared);
    };
    const verdictOf = (matcher: Matcher, e: Example): MatchDecision => decide(matcher.rank(matcher.analyze(e.text), 5), kb.settings);
    const wrongAnswer = (e: Example, verdict: MatchDecision): verdict is Extract<MatchDecision, { type: 'answer' }> =>
      verdict.type === 'answer' && verdict.entryId !== e.entry.id && !handled.has(verdict.entryId);

    const kept = new Map<string, { examples: number; kept: number; lostTo: Set<string> }>();
    const suspects: { example: Example; verdict: Extract<MatchDecision, { type: 'answer' }> }[] = [];
    for (let fold = 0; fold < FOLDS; fold++) {
      const heldOut = examples.filter((_, i) => i % FOLDS === fold);
      if (heldOut.length === 0) continue;
      const matcher = matcherWithout(heldOut);
      for (const e of heldOut) {
        if (handled.has(e.entry.id) || duplicated.has(e.normalized)) continue; // a duplicate is already an error
        const verdict = verdictOf(matcher, e);
        const tally = kept.get(e.entry.id) ?? { examples: 0, kept: 0, lostTo: new Set<string>() };
        kept.set(e.entry.id, tally);
        tally.examples++;
        if ((verdict.type === 'answer' && verdict.entryId === e.entry.id) || (verdict.type === 'clarify' && verdict.entryIds.includes(e.entry.id)))
          tally.kept++;
        else
          tally.lostTo.add(
            verdict.type === 'answer'
              ? `"${verdict.entryId}"`
              : verdict.type === 'clarify'
                ? verdict.entryIds.map((id) => `"${id}"`).join('/')
                : 'the fallback',
          );
        if (wrongAnswer(e, verdict)) suspects.push({ example: e, verdict });
      }
    }
    suspects.forEach(({ example: e, verdict: foldVerdict }, i) => {
      const verdict = i < CONFIRM_LIMIT ? verdictOf(matcherWithout([e]), e) : foldVerdict;
      if (!wrongAnswer(e, verdict)) return;
      const { file, at } = exampleAt(e);
      warn(
        file,
        at,
        `"${e.text}" (entry "${e.entry.id}") is answered by entry "${verdict.entryId}" (${verdict.score.toFixed(2)}) when held out; add examples that set the two apart`,
      );
    });
    for (const entry of kb.entries) {
      const tally = kept.get(entry.id);
      if (!tally || tally.examples < 3 || tally.kept * 2 >= tally.examples) continue;
      const src = sourceOf(entry);
      warn(
        src.file,
        find(src.file, 'questions:', src.line),
        `entry "${entry.id}" keeps only ${tally.kept} of its ${tally.examples} example questions when they are held out (the others go to ${[...tally.lostTo].join(', ')}); add examples in customers' own words that share its key words`,
      );
    }
  }

  for (const entry of kb.entries) {
    const src = sourceOf(entry);
    const at = { line: src.line, column: 1 };
    // 3. Too few examples.
    const count = questionsOf(entry).length;
    if (count < 3)
      warn(
        src.file,
        at,
        `entry "${entry.id}" has only ${count} example question${count === 1 ? '' : 's'}; write at least 3 (5–10 is better) the way customers ask`,
      );
    // 4. An answer nobody has written yet (imported without one): never sent, the bot falls back.
    const unwritten = entry.answer ? CONTENT_LANGUAGES.filter((l) => entry.answer?.[l] !== undefined && isPlaceholderAnswer(entry.answer[l] ?? '')) : [];
    if (unwritten.length > 0)
      warn(
        src.file,
        find(src.file, 'answer:', src.line),
        `entry "${entry.id}" has no answer yet (${unwritten.map((l) => `"${l}:"`).join(', ')} still says TODO); until you write it, customers asking this get the fallback`,
      );
    // 5. A declared language without an answer.
    if (entry.answer && kb.settings.languages.includes('en') && !entry.answer.en) {
      warn(
        src.file,
        find(src.file, 'answer:', src.line),
        `entry "${entry.id}" has no English answer ("en:") although the knowledge base answers in English; English customers get the Indonesian one`,
      );
    }
    // Questions in another language without its answer: those customers get the English (or Indonesian) one.
    const untranslated = OTHER_LANGUAGES.filter((l) => entry.answer && (entry.questions[l]?.length ?? 0) > 0 && !entry.answer[l]);
    if (untranslated.length > 0) {
      warn(
        src.file,
        find(src.file, 'answer:', src.line),
        `entry "${entry.id}" has questions in ${untranslated.map((l) => `"${l}:"`).join(', ')} but no answer in ${untranslated.length === 1 ? 'that language' : 'those languages'}; those customers get the ${entry.answer?.en ? 'English' : 'Indonesian'} one`,
      );
    }
  }

  // 5. Slang and synonyms that cannot matter: their standard words occur in no example.
  const words = new Set(examples.flatMap((e) => e.normalized.split(' ')).concat(kb.entries.flatMap((e) => e.keywords.flatMap((k) => normalize(k).split(' ')))));
  const settingsAt = (key: string): { file: string; at: { line: number; column: number } } => {
    for (const file of [...(kb.settingsFiles ?? [])].reverse()) {
      const at = find(file, `${key}:`, 1);
      if (at.column > 1 || at.line > 1) return { file, at };
    }
    return { file: kb.settingsFiles?.[0] ?? 'knowledge', at: { line: 1, column: 1 } };
  };
  for (const [written, standard] of Object.entries(kb.settings.slang)) {
    if (
      normalize(standard)
        .split(' ')
        .some((w) => !words.has(w))
    ) {
      const { file, at } = settingsAt(written);
      warn(file, at, `slang "${written}: ${standard}" is unused: no example question contains "${standard}"; remove it or add examples that use the word`);
    }
  }
  for (const canonical of Object.keys(kb.settings.synonyms)) {
    if (
      normalize(canonical)
        .split(' ')
        .some((w) => !words.has(w))
    ) {
      const { file, at } = settingsAt(canonical);
      warn(file, at, `synonyms for "${canonical}" are unused: no example question contains "${canonical}"; remove them or add examples that use the word`);
    }
  }
  return warnings;
}
