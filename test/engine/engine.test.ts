import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine/engine';
import type { ConversationState } from '../../src/core/state';
import type { InboundMessage, TurnResult } from '../../src/core/types';
import { SqliteStore } from '../../src/storage/sqlite-store';
import type { ConversationStore } from '../../src/storage/store';
import { sampleShop } from '../support/sample-shop';
import { loadKnowledge } from '../../src/knowledge/loader';

const kb = sampleShop();
let seq = 0;
const msg = (text: string, extra: Partial<InboundMessage> = {}): InboundMessage => ({
  channel: 'test',
  conversationId: 'conv-1',
  userId: 'user-1',
  userName: 'Budi',
  messageId: `m${++seq}`,
  text,
  receivedAt: new Date('2026-11-23T03:00:00Z'),
  ...extra,
});
const replyText = (r: TurnResult): string => r.replies.map((x) => x.text).join('\n');

describe('engine', () => {
  /** The first turn of `text` in a knowledge base of one faq.yaml (lines), without a handoff entry. */
  const firstTurn = async (faq: string[], text: string): Promise<TurnResult> => {
    const dir = mkdtempSync(join(tmpdir(), 'tanya-person-'));
    writeFileSync(join(dir, 'faq.yaml'), faq.join('\n'));
    const store = new SqliteStore(':memory:');
    try {
      return await new Engine(loadKnowledge(dir), store).handle(msg(text, { conversationId: 'person-entry' }));
    } finally {
      await store.close();
    }
  };
  const entry = (id: string, lang: 'id' | 'en', questions: string[]): string =>
    [
      `  - id: ${id}`,
      '    questions:',
      `      ${lang}:`,
      ...questions.map((q) => `        - ${q}`),
      '    answer:',
      `      id: Jawaban ${id}.`,
      `      en: Answer ${id}.`,
    ].join('\n');

  it('without a handoff entry, a request for a person stands for the entry about asking for one', async () => {
    // An imported intent set: "talk_to_human" is an ordinary entry, and most of its questions ask for a person.
    const turn = await firstTurn(
      [
        'faq:',
        entry('talk_to_human', 'id', [
          'Saya ingin berbicara dengan customer service.',
          'Tolong sambungkan saya dengan petugas.',
          'Mau ngobrol sama admin langsung dong.',
          'Bagaimana cara menghubungi admin?',
        ]),
        entry('product_recommendation', 'id', ['HP yang bagus untuk orang tua apa ya?', 'Rekomendasi laptop untuk kuliah dong.']),
        entry('promo', 'id', ['Ada promo apa bulan ini?', 'Diskon untuk pelajar ada?']),
      ],
      'ada orangnya ga sih',
    );
    expect(turn.decision).toMatchObject({ type: 'handoff', reason: 'requested', entryId: 'talk_to_human' });
  });

  it("without a handoff entry, an FAQ's entry about reaching a person stands for a request for one", async () => {
    // An imported English FAQ with one question per entry: "how do I contact a person?" is its only way to staff.
    const turn = await firstTurn(
      [
        'settings:',
        '  languages: [en]',
        '  defaultLanguage: en',
        'faq:',
        entry('contact-person', 'en', ['Is there a way to get in contact with a person who works on the data?']),
        entry('data-updates', 'en', ['How often is the data updated?']),
        entry('data-source', 'en', ['Where does the data come from?']),
      ],
      'can I talk to someone on your team?',
    );
    expect(turn.decision).toMatchObject({ type: 'handoff', reason: 'requested', entryId: 'contact-person' });
  });

  it('answers a duplicate delivery once', async () => {
    const store = new SqliteStore(':memory:');
    const engine = new Engine(kb, store);
    const first = await engine.handle(msg('cod bisa?', { messageId: 'dup-1' }));
    const second = await engine.handle(msg('cod bisa?', { messageId: 'dup-1' }));
    expect(first.decision.type).toBe('answer');
    expect(second.decision).toEqual({ type: 'silent', reason: 'duplicate' });
    expect(second.replies).toEqual([]);
    expect((await store.transcript('conv-1')).filter((l) => l.direction === 'in')).toHaveLength(1);
    await store.close();
  });

  it('keeps conversation state across a restart (SQLite file)', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tanya-db-')), 'tanya.db');
    const store1 = new SqliteStore(path);
    await new Engine(kb, store1).handle(msg('brp hrg iphone 15 kak'));
    await store1.close();
    const store2 = new SqliteStore(path);
    const after = await new Engine(kb, store2).handle(msg('kalau yg 256gb?'));
    expect(after.decision).toMatchObject({ type: 'answer', entryId: 'product-price' });
    expect(replyText(after)).toContain('Rp14.999.000');
    expect(after.explanation.usedContext).toBe(true);
    expect((await store2.transcript('conv-1')).map((l) => l.direction)).toEqual(['in', 'out', 'out', 'in', 'out', 'out']);
    await store2.close();
  });

  it('stores a handoff ticket with the full transcript and a summary', async () => {
    const store = new SqliteStore(':memory:');
    // Wednesday 10:00 WIB, inside the sample CS team's hours.
    const engine = new Engine(kb, store, { now: () => new Date('2026-11-25T03:00:00Z') });
    await engine.handle(msg('garansi iphone 15 brp lama'));
    const handoff = await engine.handle(msg('mau bicara sama admin'));
    expect(handoff.decision).toMatchObject({ type: 'handoff', reason: 'requested' });
    const ticketId = handoff.decision.type === 'handoff' ? handoff.decision.ticketId : '';
    const ticket = await store.getTicket(ticketId);
    expect(ticket).toMatchObject({ status: 'queued', channel: 'test', customerId: 'user-1', customerName: 'Budi', reason: 'requested' });
    expect(ticket?.transcript.map((l) => l.text)).toEqual([
      'garansi iphone 15 brp lama',
      expect.stringContaining('bergaransi resmi'),
      expect.stringContaining('Klaim garansi'),
      'mau bicara sama admin',
    ]);
    expect(ticket?.summary.lastQuestion).toBe('mau bicara sama admin');
    expect(ticket?.summary.candidates[0]?.entryId).toBe('talk-to-human');
    // While a person has the conversation the bot stays silent.
    expect((await engine.handle(msg('halo?'))).decision).toEqual({ type: 'silent', reason: 'agent-active' });
    await store.close();
  });

  it('handles one turn at a time per conversation, in arrival order', async () => {
    const store = new SqliteStore(':memory:');
    const engine = new Engine(kb, store);
    const texts = ['hrg galaxy s24 brp', 'kalau yg 512gb?', 'di bandung ada?'];
    const results = await Promise.all(texts.map((t) => engine.handle(msg(t))));
    expect(results.map((r) => r.decision.type)).toEqual(['answer', 'answer', 'answer']);
    expect(replyText(results[1])).toContain('Rp15.999.000');
    expect((await store.transcript('conv-1')).filter((l) => l.direction === 'in').map((l) => l.text)).toEqual(texts);
    await store.close();
  });

  it('turns an internal failure into an apology, and the next message still works', async () => {
    const store = new SqliteStore(':memory:');
    let fail = true;
    // The turn writes through its transaction: the first state save inside it fails (the disk is full).
    const flaky = Object.assign(Object.create(store) as SqliteStore, {
      atomically<T>(fn: (tx: ConversationStore) => Promise<T>): Promise<T> {
        return store.atomically((tx) =>
          fn(
            Object.assign(Object.create(tx) as ConversationStore, {
              async saveState(id: string, state: ConversationState): Promise<void> {
                if (fail) {
                  fail = false;
                  throw new Error('disk full');
                }
                await tx.saveState(id, state);
              },
            }),
          ),
        );
      },
    });
    const errors: unknown[] = [];
    const engine = new Engine(kb, flaky, { onError: (e) => errors.push(e) });
    const broken = await engine.handle(msg('ongkir ke medan'));
    expect(broken.decision).toEqual({ type: 'fallback', reason: 'error', score: 0 });
    expect(replyText(broken)).toContain('gangguan');
    expect(errors).toHaveLength(1);
    // Nothing the customer wrote is lost: the message and the apology are in the transcript.
    expect((await store.transcript('conv-1')).map((l) => l.text)).toEqual(['ongkir ke medan', expect.stringContaining('gangguan')]);
    const next = await engine.handle(msg('ongkir ke medan brp'));
    expect(next.decision).toMatchObject({ type: 'answer', entryId: 'shipping-cost' });
    await store.close();
  });

  it('reads a very long message up to the limit and still answers', async () => {
    const store = new SqliteStore(':memory:');
    const engine = new Engine(kb, store);
    const long = `kak mau tanya cod bisa ga ${'ya '.repeat(3000)}`;
    const result = await engine.handle(msg(long));
    expect(result.decision).toMatchObject({ type: 'answer', entryId: 'cod' });
    expect(replyText(result)).toContain('panjang sekali');
    await store.close();
  });

  it('answers in English to English and explains its decision', async () => {
    const store = new SqliteStore(':memory:');
    const engine = new Engine(kb, store);
    const result = await engine.handle(msg('how much is the galaxy s24 512gb?'));
    expect(result.explanation).toMatchObject({ language: 'en', entities: { product: 'galaxy-s24', variant: 'galaxy-s24-512gb-onyx-black' } });
    expect(result.explanation.candidates[0]).toEqual({ entryId: 'product-price', score: expect.any(Number) });
    expect(result.explanation.matchedTerms).toEqual(expect.arrayContaining(['#product']));
    expect(replyText(result)).toBe('The Samsung Galaxy S24 8/512GB Onyx Black is Rp15.999.000.\nYou might also want to know:');
    await store.close();
  });
});

describe('engine on arbitrary input', () => {
  it('always answers politely and never throws, whatever bytes arrive', async () => {
    const store = new SqliteStore(':memory:');
    const engine = new Engine(kb, store);
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const pieces = [
      'kak',
      'brp',
      '256gb',
      'iphone',
      '1,5jt',
      '😀',
      '\u0000',
      '\uffff',
      '\ud800',
      'مرحبا',
      '你好',
      '////',
      '#money',
      '8/256',
      ' ',
      '\n',
      'ﷺ',
      'Rp',
      '...',
      'a'.repeat(50),
    ];
    for (let i = 0; i < 300; i++) {
      const text = Array.from({ length: Math.floor(random() * 12) }, () =>
        random() < 0.3 ? String.fromCharCode(Math.floor(random() * 0xffff)) : pieces[Math.floor(random() * pieces.length)],
      ).join(random() < 0.5 ? ' ' : '');
      const result = await engine.handle(msg(text, { conversationId: `fuzz-${i % 7}` }));
      expect(['answer', 'clarify', 'fallback', 'handoff', 'silent']).toContain(result.decision.type);
      if (result.decision.type !== 'silent') expect(result.replies.length).toBeGreaterThan(0);
      expect(result.decision).not.toMatchObject({ reason: 'error' });
    }
    await store.close();
  });
});

describe('a greeting no entry answers', () => {
  // An imported bot often has no greeting entry (Dialogflow's welcome intent is its greeting setting).
  const noGreeting = { ...kb, entries: kb.entries.filter((e) => e.id !== 'greeting') };

  it('is greeted back with the greeting text, not told it was not understood', async () => {
    const store = new SqliteStore(':memory:');
    const engine = new Engine(noGreeting, store);
    const hello = await engine.handle(msg('halo kak, selamat pagi', { conversationId: 'greet-1' }));
    expect(replyText(hello)).toBe(kb.settings.greeting?.id);
    expect(hello.decision).toMatchObject({ type: 'fallback', reason: 'empty' });
    // Words it cannot read are not a greeting: they get the fallback.
    const gibberish = await engine.handle(msg('halo xqzvw', { conversationId: 'greet-2' }));
    expect(gibberish.decision).toMatchObject({ type: 'fallback', reason: 'low-score' });
    await store.close();
  });
});
