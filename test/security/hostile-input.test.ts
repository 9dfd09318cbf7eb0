import { Engine } from '../../src/engine/engine';
import type { InboundMessage } from '../../src/core/types';
import { loadFlows } from '../../src/flows/loader';
import { loadKnowledge } from '../../src/knowledge/loader';
import { SqliteStore } from '../../src/storage/sqlite-store';

const kb = loadKnowledge('knowledge');
const flows = loadFlows('flows', kb);
const WORKING_HOURS = new Date('2026-11-25T03:00:00Z');
let seq = 0;
const msg = (conversationId: string, text: string): InboundMessage => ({
  channel: 'test',
  conversationId,
  userId: conversationId,
  messageId: `m${++seq}`,
  text,
  receivedAt: WORKING_HOURS,
});

/** Words that name properties of every plain JavaScript object. */
const OBJECT_WORDS = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__', 'prototype'];

describe('hostile input', () => {
  let store: SqliteStore;
  let engine: Engine;
  beforeEach(() => {
    store = new SqliteStore(':memory:');
    engine = new Engine(kb, store, { flows, now: () => WORKING_HOURS });
  });
  afterEach(async () => await store.close());

  it.each(OBJECT_WORDS)('treats "%s" as a word in every state, never as a failure', async (word) => {
    const texts = [word, `harga ${word} brp`, `${word} ${word}`, `what is ${word}`];
    // Fresh conversation.
    for (const text of texts) expect((await engine.handle(msg('fresh', text))).decision).not.toMatchObject({ reason: 'error' });
    // After a product answer (context), inside a flow (a slot answer), during a handoff.
    await engine.handle(msg('context', 'brp hrg iphone 15'));
    expect((await engine.handle(msg('context', word))).decision).not.toMatchObject({ reason: 'error' });
    await engine.handle(msg('flow', 'mau komplain'));
    expect((await engine.handle(msg('flow', word))).decision).not.toMatchObject({ reason: 'error' });
    await engine.handle(msg('handoff', 'mau bicara sama admin'));
    expect((await engine.handle(msg('handoff', word))).decision).not.toMatchObject({ reason: 'error' });
  });

  it('handles long and odd tokens in bounded CPU time per message', async () => {
    const hostile = [
      'a'.repeat(100_000),
      'qwertyuiopasdfghjkl'.repeat(220),
      'ab1'.repeat(30_000),
      'hrgaa ipohne brpaa '.repeat(3000),
      'x@'.repeat(50_000),
      'a.'.repeat(50_000),
      '8/'.repeat(50_000),
      '1-'.repeat(50_000),
      '😀'.repeat(50_000),
      'a\u0301'.repeat(50_000),
      'dikirim2 '.repeat(10_000),
      'iphone15pro256gbhitam'.repeat(200),
      '\u0000\uFFFF\uD800'.repeat(10_000),
    ];
    for (const [i, text] of hostile.entries()) {
      // Best of three: the first run of a word pays for the stemmer's cache, and process CPU counts GC threads.
      let best = Infinity;
      for (let run = 0; run < 3; run++) {
        const before = process.cpuUsage();
        const result = await engine.handle(msg(`long-${i}-${run}`, text));
        const used = process.cpuUsage(before);
        best = Math.min(best, (used.user + used.system) / 1000);
        expect(result.replies.length).toBeGreaterThan(0);
        expect(result.decision).not.toMatchObject({ reason: 'error' });
      }
      expect(best).toBeLessThan(50);
    }
  });
});
