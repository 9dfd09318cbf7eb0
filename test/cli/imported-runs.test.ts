import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtInOutOfScope } from '../../src/eval/tune';

const tanya = (args: string[], input = ''): { status: number | null; stdout: string; stderr: string } => {
  const r = spawnSync(process.execPath, [join('bin', 'tanya.js'), ...args], { input, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

/** Issue 16: what a migrating user types first — import, check, chat — works, and no placeholder reaches a customer. */
describe('an imported knowledge base runs at once', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'tanya-imported-')), 'kb');
  afterAll(() => rmSync(join(out, '..'), { recursive: true, force: true }));

  it('imports, checks beside the sample flows with notes instead of errors, and falls back instead of sending a placeholder', () => {
    const imported = tanya(['import', 'csv', join('test', 'fixtures', 'import', 'faq.csv'), '--out', out]);
    expect(imported.status).toBe(0);
    // One example question per entry: nothing to cross-validate, so the defaults stay, and the report says so.
    expect(imported.stdout).toContain('Thresholds left at their defaults (why:');
    expect(readFileSync(join(out, 'faq.yaml'), 'utf8')).not.toContain('answerThreshold');
    expect(readFileSync(join(out, 'IMPORT-REPORT.md'), 'utf8')).toMatch(
      /## Thresholds\n\nLeft at the defaults: too few entries have 3 or more example questions/,
    );

    // The sample flows name entries ("complaint", "order-status") this knowledge base lacks: a warning each, exit 0.
    const check = tanya(['check', out]);
    expect(check.stderr).toMatch(/flows\/complaint\.yaml:\d+:\d+: warning: trigger names entry "complaint", which the knowledge base does not have/);
    expect(check.stderr).not.toMatch(/^(?!.*warning).*trigger names entry/m);
    expect(check.status).toBe(0);
    expect(check.stdout).toMatch(/entries.*; flows: \d+ flows/);

    // The flows still start from their commands; the imported entries answer with their own text.
    const chat = tanya(['chat', '--kb', out, '--db', ':memory:', '--json'], 'apakah bisa cod?\n/keluhan\n');
    expect(chat.status).toBe(0);
    const turns = chat.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { reply: string; decision: string });
    expect(turns[0]).toMatchObject({ decision: 'answer', reply: expect.stringContaining('COD tersedia') });
    expect(turns[1].decision).toBe('flow');
  });

  it('an answer still reading TODO is never sent: the customer gets the fallback, and check --strict fails on it', () => {
    const dir = join(out, '..', 'intents');
    expect(tanya(['import', 'intents', join('test', 'fixtures', 'labelled', 'shop.jsonl'), '--out', dir]).status).toBe(0);
    const check = tanya(['check', dir]);
    expect(check.status).toBe(0);
    expect(check.stderr).toMatch(/warning: entry "[a-z-]+" has no answer yet \("id:", "en:" still says TODO\)/);
    expect(tanya(['check', '--strict', dir]).status).toBe(1);

    const chat = tanya(['chat', '--kb', dir, '--db', ':memory:', '--json'], 'Ongkir ke Bandung berapa ya?\n');
    const turn = JSON.parse(chat.stdout.trim().split('\n')[0]) as {
      reply: string;
      decision: string;
      reason?: string;
      candidates: { entryId: string; score: number }[];
    };
    // The entry was found with confidence; only its unwritten answer keeps it from being sent.
    expect(turn.candidates[0]).toMatchObject({ entryId: 'shipping_cost' });
    expect(turn.candidates[0].score).toBeGreaterThan(0.5);
    expect(turn).toMatchObject({ decision: 'fallback', reason: 'unwritten-answer' });
    expect(turn.reply).not.toMatch(/TODO|belum ditulis/);
  });

  it('fits the thresholds of an imported project with enough examples, writes them first in its faq.yaml and explains them', () => {
    const dir = join(out, '..', 'rasa');
    const imported = tanya(['import', 'rasa', join('test', 'fixtures', 'import', 'rasa-helpdesk'), '--out', dir]);
    expect(imported.status).toBe(0);
    const fitted =
      /Thresholds for this knowledge base \(its (\d+) examples cross-validated, (\d+) built-in out-of-scope messages\): answer ≥ ([\d.]+), clarify ≥ ([\d.]+)/.exec(
        imported.stdout,
      );
    expect(fitted).not.toBeNull();
    expect(Number(fitted?.[1])).toBeGreaterThanOrEqual(50);
    // An English helpdesk is held to the built-in messages in English only (an Indonesian one scores near 0 there).
    expect(Number(fitted?.[2])).toBe(builtInOutOfScope(['en']).length);
    expect(builtInOutOfScope(['en']).length).toBeLessThan(builtInOutOfScope().length);
    const faq = readFileSync(join(dir, 'faq.yaml'), 'utf8');
    // The opening comment stays on top; the settings block follows it, before the entries.
    expect(faq).toMatch(
      new RegExp(
        `^# Imported by "tanya import rasa"[^]*?\\n\\n?settings:\\n(  .*\\n|    .*\\n|\\n)*  answerThreshold: ${fitted?.[3] ?? 'none'}\\n[^]*\\nfaq:\\n`,
      ),
    );
    expect(existsSync(join(dir, 'settings.yaml'))).toBe(false);
    expect(readFileSync(join(dir, 'IMPORT-REPORT.md'), 'utf8')).toMatch(
      /## Thresholds\n\nChosen for this knowledge base by "tanya tune" on \d+ of its own example questions/,
    );
    expect(tanya(['check', dir]).status).toBe(0);
  });

  it('never overwrites a knowledge base silently: a second import into the same folder needs --force', () => {
    const again = tanya(['import', 'qna', join('test', 'fixtures', 'import', 'qna.tsv'), '--out', out]);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/already holds a knowledge base \(faq\.yaml\); import into a new folder, or add --force/);
    expect(tanya(['chat', '--kb', out, '--db', ':memory:', '--json'], 'apakah bisa cod?\n').stdout).toContain('COD tersedia');
    expect(tanya(['import', 'qna', join('test', 'fixtures', 'import', 'qna.tsv'), '--out', out, '--force']).status).toBe(0);
    expect(tanya(['chat', '--kb', out, '--db', ':memory:', '--json'], 'apakah bisa cod?\n').stdout).not.toContain('COD tersedia');
  });
});
