import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { watchForChanges } from '../../src/app/live-reload';
import { Engine } from '../../src/engine/engine';
import { loadFlows } from '../../src/flows/loader';
import { loadKnowledge } from '../../src/knowledge/loader';
import { SqliteStore } from '../../src/storage/sqlite-store';

/** Captures log lines (a bot serving channels reports reload problems through the logger). */
function memoryLogger(): { log: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
  return { log, lines };
}

describe('live reload of knowledge and flows', () => {
  const root = mkdtempSync(join(tmpdir(), 'tanya-reload-'));
  const kbDir = join(root, 'knowledge');
  const flowsDir = join(root, 'flows');
  cpSync('knowledge', kbDir, { recursive: true });
  cpSync('flows', flowsDir, { recursive: true });
  const kb = loadKnowledge(kbDir);
  const store = new SqliteStore(':memory:');
  const engine = new Engine(kb, store, { flows: loadFlows(flowsDir, kb), now: () => new Date('2026-11-25T03:00:00Z') });
  const { log, lines } = memoryLogger();
  const results: boolean[] = [];
  // As for a bot serving channels (JSON log lines); the terminal chat's notices are tested in test/metrics.
  const watcher = watchForChanges({ kbDir, flowsDir, engine, log, chat: false, terminal: false, onReload: (ok) => results.push(ok) });
  let n = 0;
  const ask = async (text: string, conversation = `c${n}`): Promise<string> => {
    n += 1;
    const r = await engine.handle({ channel: 'test', conversationId: conversation, userId: 'u', messageId: `m${n}`, text, receivedAt: new Date() });
    return r.replies.map((x) => x.text).join('\n');
  };
  // Generous: how fast a reload is, is a figure for benchmarks, not a timed unit test on a busy CI machine.
  const nextReload = async (timeoutMs = 5000): Promise<boolean> => {
    const count = results.length;
    const end = Date.now() + timeoutMs;
    while (results.length === count) {
      if (Date.now() > end) throw new Error(`no reload within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return results[results.length - 1];
  };
  afterAll(async () => {
    watcher.close();
    await store.close();
  });

  it('puts a valid edit live without a restart', async () => {
    expect(await ask('bisa cod ga kak')).not.toContain('COD sekarang dilayani');
    const file = join(kbDir, 'policies.yaml');
    const text = readFileSync(file, 'utf8');
    const start = Date.now();
    writeFileSync(file, text.replace(/(- id: cod\n(?:.*\n)*?\s+answer:\n\s+id: )"?/, '$1"COD sekarang dilayani di semua kota. '));
    expect(await nextReload()).toBe(true);
    process.stdout.write(`live reload took ${Date.now() - start} ms\n`);
    expect(await ask('bisa cod ga kak')).toContain('COD sekarang dilayani');
  });

  it('rejects an invalid edit with file:line, and the last good version keeps answering', async () => {
    const file = join(kbDir, 'faq.yaml');
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, `${good}\n  - id: broken\n    questions: { id: [halo] }\n    answer: 12\n`);
    expect(await nextReload()).toBe(false);
    expect(lines.join('\n')).toMatch(/faq\.yaml:\d+:\d+: faq\[\d+\]\.answer should be a mapping/);
    expect(await ask('jam buka toko bandung')).toMatch(/Bandung/);
    writeFileSync(file, good);
    expect(await nextReload()).toBe(true);
  });

  it('answers a message in flight during a reload exactly once', async () => {
    const file = join(kbDir, 'settings.yaml');
    const text = readFileSync(file, 'utf8');
    const inFlight = engine.handle({
      channel: 'test',
      conversationId: 'flight',
      userId: 'u',
      messageId: 'f1',
      text: 'garansi brp lama',
      receivedAt: new Date(),
    });
    writeFileSync(file, text.replace('lowStock: 3', 'lowStock: 2'));
    const again = engine.handle({ channel: 'test', conversationId: 'flight', userId: 'u', messageId: 'f1', text: 'garansi brp lama', receivedAt: new Date() });
    const [first, second] = await Promise.all([inFlight, again]);
    expect(await nextReload()).toBe(true);
    expect(first.decision.type).toBe('answer');
    expect(second.decision).toEqual({ type: 'silent', reason: 'duplicate' });
    expect((await store.transcript('flight')).filter((l) => l.direction === 'in')).toHaveLength(1);
  });

  it('keeps a conversation in a flow through an edit of that flow', async () => {
    expect(await ask('/keluhan', 'flowing')).toMatch(/nama Kakak/);
    const file = join(flowsDir, 'complaint.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('Boleh tahu nama Kakak?', 'Siapa nama Kakak?'));
    expect(await nextReload()).toBe(true);
    // The waiting question still exists (same step id): the answer is taken where it was.
    expect(await ask('Budi', 'flowing')).toMatch(/Kak Budi/);
    writeFileSync(file, readFileSync(file, 'utf8').replace('id: ask-order', 'id: ask-order-number'));
    expect(await nextReload()).toBe(true);
    // The waiting step was renamed: the flow starts again with a notice.
    expect(await ask('INV-12345', 'flowing')).toMatch(/baru saja kami perbarui[\s\S]*Siapa nama Kakak/);
  });
});
