import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateCases } from '../../src/eval/evaluate';
import { importIntents, writeImportedKnowledge } from '../../src/eval/import-intents';
import { readLabelledFile } from '../../src/eval/labelled-file';
import { computeMetrics, type CaseOutcome } from '../../src/eval/metrics';
import { builtInNearMisses, builtInOutOfScope, tuneThresholds, writeThresholds, type Thresholds } from '../../src/eval/tune';
import { decide } from '../../src/matching/decide';
import { Matcher } from '../../src/matching/matcher';
import { loadKnowledge } from '../../src/knowledge/loader';

describe('evaluation figures', () => {
  // 6 in-scope cases (3 a, 2 b, 1 c) and 4 out-of-scope cases, computed by hand below.
  const outcomes: CaseOutcome[] = [
    { expected: 'a', decision: 'answer', answered: 'a', top: 'a' }, // right
    { expected: 'a', decision: 'answer', answered: 'a', top: 'a' }, // right
    { expected: 'a', decision: 'clarify', answered: null, top: 'a', offered: ['a', 'b'] }, // clarified with the right option
    { expected: 'b', decision: 'answer', answered: 'a', top: 'a' }, // wrong answer b → a
    { expected: 'b', decision: 'answer', answered: 'b', top: 'b' }, // right
    { expected: 'c', decision: 'fallback', answered: null, top: 'b' }, // refused
    { expected: null, decision: 'fallback', answered: null, top: 'a' }, // correctly refused
    { expected: null, decision: 'handoff', answered: null, top: null }, // correctly refused
    { expected: null, decision: 'answer', answered: 'b', top: 'b' }, // false answer
    { expected: null, decision: 'clarify', answered: null, top: 'c' }, // correctly refused
  ];
  const m = computeMetrics(outcomes);

  it('counts a clarification offering the right entry apart from wrong answers and misses', () => {
    expect(m.clarifiedRight).toBeCloseTo(1 / 6);
    expect(m.wrongAnswerRate).toBeCloseTo(1 / 6);
    expect(m.missed).toBeCloseTo(1 / 6);
  });

  it('computes accuracy, out-of-scope recall and false-answer rate', () => {
    expect(m).toMatchObject({ n: 10, inScope: 6, outOfScope: 4 });
    expect(m.inScopeAccuracy).toBeCloseTo(3 / 6);
    expect(m.top1Accuracy).toBeCloseTo(4 / 6);
    expect(m.wrongAnswerRate).toBeCloseTo(1 / 6);
    expect(m.oosRecall).toBeCloseTo(3 / 4);
    expect(m.falseAnswerRate).toBeCloseTo(1 / 4);
    expect(m.decisions).toEqual({ answer: 5, clarify: 2, fallback: 2, handoff: 1, flow: 0, silent: 0 });
  });

  it('computes per-entry precision and recall and the most confused pairs', () => {
    expect(m.perEntry).toEqual([
      { entryId: 'a', precision: 2 / 3, recall: 2 / 3, support: 3 },
      { entryId: 'b', precision: 1 / 2, recall: 1 / 2, support: 2 },
      { entryId: 'c', precision: 0, recall: 0, support: 1 },
    ]);
    expect(m.confusedPairs).toEqual([
      { expected: '(none)', got: 'b', count: 1 },
      { expected: 'b', got: 'a', count: 1 },
    ]);
  });

  it('runs cases through the engine and tunes thresholds into the settings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tanya-tune-'));
    writeImportedKnowledge(dir, importIntents(readLabelledFile('test/fixtures/labelled/shop.jsonl')), 'shop.jsonl');
    const cases = readLabelledFile('test/fixtures/labelled/cases.jsonl');
    const run = await evaluateCases(loadKnowledge(dir), cases);
    expect(run.metrics.n).toBe(4);
    expect(run.metrics.top1Accuracy).toBe(1);
    const tuned = tuneThresholds(loadKnowledge(dir), cases, { maxFalseAnswerRate: 0, wrongAnswerCost: 0.5 });
    expect(tuned.after.inScopeAccuracy).toBe(1);
    expect(tuned.after.falseAnswerRate).toBe(0);
    const path = writeThresholds(dir, tuned.thresholds);
    expect(readFileSync(path, 'utf8')).toContain(`answerThreshold: ${tuned.thresholds.answerThreshold}`);
    expect(loadKnowledge(dir).settings.answerThreshold).toBe(tuned.thresholds.answerThreshold);
    const after = await evaluateCases(loadKnowledge(dir), cases);
    expect(after.metrics.inScopeAccuracy).toBe(1);
    expect(after.metrics.falseAnswerRate).toBe(0);
  });

  it("tunes on the cases pooled with the knowledge base's own examples scored out of fold, by a documented cost", () => {
    const dir = mkdtempSync(join(tmpdir(), 'tanya-tune-cv-'));
    writeImportedKnowledge(dir, importIntents(readLabelledFile('test/fixtures/labelled/shop.jsonl')), 'shop.jsonl');
    const kb = loadKnowledge(dir);
    const cases = readLabelledFile('test/fixtures/labelled/cases.jsonl');
    const pooled = tuneThresholds(kb, cases, { maxFalseAnswerRate: 0, wrongAnswerCost: 0.5, clarifyValue: 0.5, folds: 2 });
    const alone = tuneThresholds(kb, cases, { maxFalseAnswerRate: 0, wrongAnswerCost: 0.5, clarifyValue: 0.5, folds: 0 });
    expect(alone.crossValidated).toBe(0);
    expect(pooled.crossValidated).toBeGreaterThan(0);
    expect(pooled.after.falseAnswerRate).toBe(0);
    // When a clarification is worth as much as an answer and a wrong answer costs a lot,
    // the tuner clarifies at least as often as when clarifications are worth nothing.
    const cautious = tuneThresholds(kb, cases, { maxFalseAnswerRate: 1, wrongAnswerCost: 5, clarifyValue: 1, folds: 2 });
    const bold = tuneThresholds(kb, cases, { maxFalseAnswerRate: 1, wrongAnswerCost: 0, clarifyValue: 0, folds: 2 });
    expect(cautious.after.wrongAnswerRate).toBeLessThanOrEqual(bold.after.wrongAnswerRate);
    expect(bold.after.inScopeAccuracy).toBeGreaterThanOrEqual(cautious.after.inScopeAccuracy);
  });

  it('with no out-of-scope cases, holds the false-answer limit on built-in messages no FAQ answers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tanya-tune-oos-'));
    writeImportedKnowledge(dir, importIntents(readLabelledFile('test/fixtures/labelled/shop.jsonl')), 'shop.jsonl');
    const kb = loadKnowledge(dir);
    const inScope = readLabelledFile('test/fixtures/labelled/cases.jsonl').filter((c) => c.intent !== null);
    const matcher = new Matcher(kb);
    const answeredShare = (t: Thresholds): number =>
      builtInOutOfScope().filter((text) => decide(matcher.rank(matcher.analyze(text), 3), t).type === 'answer').length / builtInOutOfScope().length;
    const guarded = tuneThresholds(kb, inScope, { maxFalseAnswerRate: 0.1, wrongAnswerCost: 0.5, folds: 2, builtInFalseAnswerRate: 0.05 });
    const unguarded = tuneThresholds(kb, inScope, { maxFalseAnswerRate: 0.1, wrongAnswerCost: 0.5, folds: 2, builtInOutOfScope: false });
    expect(guarded.builtInOutOfScope).toBeGreaterThanOrEqual(400);
    expect(unguarded.builtInOutOfScope).toBe(0);
    // The stand-in keeps the share of built-in messages answered within its limit (the upper bound is a little stricter).
    expect(answeredShare(guarded.thresholds)).toBeLessThanOrEqual(0.05);
    expect(answeredShare(unguarded.thresholds)).toBeGreaterThan(0.05);
    expect(guarded.thresholds.answerThreshold).toBeGreaterThanOrEqual(unguarded.thresholds.answerThreshold);
  });

  it('beside a few out-of-scope cases, also holds the thresholds to built-in near misses (customer-service words about other organizations)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tanya-tune-near-'));
    writeImportedKnowledge(dir, importIntents(readLabelledFile('test/fixtures/labelled/shop.jsonl')), 'shop.jsonl');
    const kb = loadKnowledge(dir);
    const cases = readLabelledFile('test/fixtures/labelled/cases.jsonl');
    expect(cases.some((c) => c.intent === null)).toBe(true);
    const matcher = new Matcher(kb);
    const nearAnswered = (t: Thresholds): number =>
      builtInNearMisses().filter((text) => decide(matcher.rank(matcher.analyze(text), 3), t).type === 'answer').length / builtInNearMisses().length;
    const options = { maxFalseAnswerRate: 0.1, wrongAnswerCost: 0.5, folds: 2 };
    const guarded = tuneThresholds(kb, cases, { ...options, nearMissFalseAnswerRate: 0.2 });
    const unguarded = tuneThresholds(kb, cases, { ...options, nearMisses: false });
    expect(guarded.nearMisses).toBe(builtInNearMisses().length);
    expect(unguarded.nearMisses).toBe(0);
    expect(nearAnswered(guarded.thresholds)).toBeLessThanOrEqual(0.2);
    expect(nearAnswered(unguarded.thresholds)).toBeGreaterThan(0.2);
    // With no out-of-scope cases at all, the built-in out-of-scope messages stand in alone.
    expect(
      tuneThresholds(
        kb,
        cases.filter((c) => c.intent !== null),
        options,
      ).nearMisses,
    ).toBe(0);
  });
});
