import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { reloadedNotice, refusedNotice, watchForChanges } from '../../src/app/live-reload';
import { Engine } from '../../src/engine/engine';
import { loadFlows } from '../../src/flows/loader';
import { loadKnowledge } from '../../src/knowledge/loader';
import { knowledgeStatus } from '../../src/metrics/knowledge-status';
import { SqliteStore } from '../../src/storage/sqlite-store';
import { until } from '../support/local-server';

/** The terminal chat's engine (no runBot): reload notices are plain lines, never JSON log lines. */
describe('live reload notices in the terminal chat', () => {
  const root = mkdtempSync(join(tmpdir(), 'tanya-notices-'));
  const kbDir = join(root, 'knowledge');
  const flowsDir = join(root, 'flows');
  cpSync('knowledge', kbDir, { recursive: true });
  cpSync('flows', flowsDir, { recursive: true });
  const kb = loadKnowledge(kbDir);
  const store = new SqliteStore(':memory:');
  const flows = loadFlows(flowsDir, kb);
  const engine = new Engine(kb, store, { flows });
  const entries = kb.entries.length;
  const logLines: string[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => logLines.push(line) });
  const printed: string[] = [];
  const results: boolean[] = [];
  const watcher = watchForChanges({
    kbDir,
    flowsDir,
    engine,
    log,
    cwd: root,
    terminal: { write: (t: string) => printed.push(t), isTTY: false },
    onReload: (ok) => results.push(ok),
  });
  const next = async (): Promise<boolean> => {
    const count = results.length;
    await until(() => results.length > count, 5000);
    return results[results.length - 1];
  };
  afterAll(async () => {
    watcher.close();
    await store.close();
  });

  it('prints one plain line for a good reload', async () => {
    const file = join(kbDir, 'policies.yaml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n`);
    expect(await next()).toBe(true);
    expect(printed).toEqual([`✓ Pengetahuan dimuat ulang / knowledge reloaded: ${entries} entri, ${flows.length} alur (knowledge/policies.yaml)\n`]);
    expect(logLines).toEqual([]);
    expect(knowledgeStatus(engine).reloads).toEqual({ ok: 1, failed: 0 });
  });

  it('prints a bad edit as file:line:col problems, says the previous version keeps answering, and logs no JSON', async () => {
    printed.length = 0;
    const file = join(kbDir, 'faq.yaml');
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, `${good}\n  - id: broken\n    questions: { id: [halo] }\n    answer: 12\n`);
    expect(await next()).toBe(false);
    const text = printed.join('');
    expect(text).toMatch(
      /^✗ Pengetahuan TIDAK dimuat ulang \/ knowledge NOT reloaded: 1 masalah \/ problem:\n {2}knowledge\/faq\.yaml:\d+:\d+: faq\[\d+\]\.answer should be a mapping/,
    );
    expect(text).toContain(`versi sebelumnya (${entries} entri)`);
    expect(text).toContain(`previous version (${entries} entries)`);
    expect(text).not.toMatch(/[{}]/);
    expect(logLines).toEqual([]);
    const status = knowledgeStatus(engine);
    expect(status.lastFailure?.problems[0]).toMatch(/faq\.yaml:\d+:\d+:/);
    expect(status.entries).toBe(entries);
    writeFileSync(file, good);
    expect(await next()).toBe(true);
    expect(status.lastFailure).toBeUndefined();
  });

  it('starts on a line of its own and shows the prompt again on an interactive terminal', async () => {
    const out: string[] = [];
    const count = results.length;
    const tty = watchForChanges({ kbDir, flowsDir, engine, log, chat: true, terminal: { write: (t: string) => out.push(t), isTTY: true }, debounceMs: 20 });
    try {
      const file = join(kbDir, 'policies.yaml');
      writeFileSync(file, `${readFileSync(file, 'utf8')}\n`);
      await until(() => out.length > 0, 5000);
      expect(out[0]).toMatch(/^\n✓ [^\n]+\n(> )?$/);
    } finally {
      tty.close();
    }
    // The chat's own watcher saw the same edit.
    await until(() => results.length > count, 5000);
  });

  it('formats notices for a person', () => {
    expect(reloadedNotice(3, 0, [])).toBe('✓ Pengetahuan dimuat ulang / knowledge reloaded: 3 entri, 0 alur');
    expect(reloadedNotice(3, 1, ['a.yaml', 'b.yaml', 'c.yaml', 'd.yaml', 'e.yaml'])).toMatch(/\(a\.yaml, b\.yaml, c\.yaml, \+2\)$/);
    const many = Array.from({ length: 25 }, (_, i) => `f.yaml:${i + 1}:1: bad`);
    const text = refusedNotice(many, 25, 10);
    expect(text.split('\n')).toHaveLength(1 + 20 + 1 + 2);
    expect(text).toContain('… +5 (tanya check)');
  });
});
