import { readFileSync } from 'node:fs';
import diceCoefficient = require('natural/lib/natural/distance/dice_coefficient');
import { decide } from '../matching/decide';
import { Matcher } from '../matching/matcher';
import { foldText } from '../matching/normalize';
import type { KbProblem } from './errors';
import type { Entry, KnowledgeBase } from './schema';

/** Examples beyond this many are compared exactly only (near-identical pairs grow quadratically). */
const NEAR_DUPLICATE_LIMIT = 3000;
/** The held-out check builds this many matchers, each without a tenth of the examples. */
const FOLDS = 10;
/** Above this many examples the held-out check is skipped (it would slow `tanya check` down). */
const HELD_OUT_LIMIT = 5000;

interface Example {
  readonly entry: Entry;
  readonly text: string;
  readonly normalized: string;
  readonly lang: 'id' | 'en';
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
    for (let i = Math.max(0, fromLine - 1); i < lines.length; i++) {
      const col = lines[i].indexOf(needle);
      if (col >= 0) return { line: i + 1, column: col + 1 };
    }
    return { line: fromLine, column: 1 };
  };
}

const normalize = (text: string): string => foldText(text).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

/**
 * Editors' quality checks (warnings; errors with `tanya check --strict`), each with file:line:
 * the same or a near-identical example under two entries; examples the matcher sends to another
 * entry when they are held out (10-fold: each example is scored by a matcher built without it);
 * entries with fewer than 3 examples; answers missing for a language the knowledge base declares;
 * slang and synonyms whose standard words no example uses.
 */
export function qualityWarnings(kb: KnowledgeBase): KbProblem[] {
  const find = lineFinder();
  const warnings: KbProblem[] = [];
  const warn = (file: string, at: { line: number; column: number }, message: string): void => {
    warnings.push({ file, ...at, message, severity: 'warning' });
  };
  const sourceOf = (entry: Entry): { file: string; line: number } => kb.sources.get(entry.id) ?? { file: 'knowledge', line: 1 };
  const examples: Example[] = kb.entries.flatMap((entry) =>
    (['id', 'en'] as const).flatMap((lang) => entry.questions[lang].map((text) => ({ entry, text, normalized: normalize(text), lang }))),
  );
  const exampleAt = (e: Example): { file: string; at: { line: number; column: number } } => {
    const src = sourceOf(e.entry);
    return { file: src.file, at: find(src.file, e.text, src.line) };
  };

  // 1. The same question under two entries.
  const firstByText = new Map<string, Example>();
  for (const e of examples) {
    const first = firstByText.get(e.normalized);
    if (first && first.entry.id !== e.entry.id) {
      const { file, at } = exampleAt(e);
      warn(file, at, `"${e.text}" is also an example of entry "${first.entry.id}"; keep it under one entry, or reword one of them`);
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

  // 2. Held-out examples that the matcher sends to another entry.
  if (examples.length <= HELD_OUT_LIMIT && kb.entries.length > 1) {
    for (let fold = 0; fold < FOLDS; fold++) {
      const heldOut = examples.filter((_, i) => i % FOLDS === fold);
      if (heldOut.length === 0) continue;
      const held = new Set(heldOut);
      const entries = kb.entries.map((entry) => ({
        ...entry,
        questions: {
          id: entry.questions.id.filter((q) => !heldOut.some((h) => h.entry === entry && h.text === q && h.lang === 'id')),
          en: entry.questions.en.filter((q) => !heldOut.some((h) => h.entry === entry && h.text === q && h.lang === 'en')),
        },
      }));
      const matcher = new Matcher({ ...kb, entries });
      for (const e of held) {
        const verdict = decide(matcher.rank(matcher.analyze(e.text), 5), kb.settings);
        // Only a wrong answer given outright counts; a clarification still lets the customer pick.
        if (verdict.type !== 'answer' || verdict.entryId === e.entry.id) continue;
        const best = { entryId: verdict.entryId, score: verdict.score };
        if (e.entry.handler || kb.entries.find((x) => x.id === best.entryId)?.handler) continue; // catalogue questions depend on product words
        const { file, at } = exampleAt(e);
        warn(file, at, `"${e.text}" (entry "${e.entry.id}") is answered by entry "${best.entryId}" (${best.score.toFixed(2)}) when held out; add examples that set the two apart`);
      }
    }
  }

  for (const entry of kb.entries) {
    const src = sourceOf(entry);
    const at = { line: src.line, column: 1 };
    // 3. Too few examples.
    const count = entry.questions.id.length + entry.questions.en.length;
    if (count < 3) warn(src.file, at, `entry "${entry.id}" has only ${count} example question${count === 1 ? '' : 's'}; write at least 3 (5–10 is better) the way customers ask`);
    // 4. A declared language without an answer.
    if (entry.answer && kb.settings.languages.includes('en') && !entry.answer.en) {
      warn(src.file, find(src.file, 'answer:', src.line), `entry "${entry.id}" has no English answer ("en:") although the knowledge base answers in English; English customers get the Indonesian one`);
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
    if (normalize(standard).split(' ').some((w) => !words.has(w))) {
      const { file, at } = settingsAt(written);
      warn(file, at, `slang "${written}: ${standard}" is unused: no example question contains "${standard}"; remove it or add examples that use the word`);
    }
  }
  for (const canonical of Object.keys(kb.settings.synonyms)) {
    if (normalize(canonical).split(' ').some((w) => !words.has(w))) {
      const { file, at } = settingsAt(canonical);
      warn(file, at, `synonyms for "${canonical}" are unused: no example question contains "${canonical}"; remove them or add examples that use the word`);
    }
  }
  return warnings;
}
