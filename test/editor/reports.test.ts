import { AgentDesk } from '../../src/engine/agent-desk';
import { Engine } from '../../src/engine/engine';
import { statsReport, unansweredReport } from '../../src/eval/reports';
import { loadKnowledge } from '../../src/knowledge/loader';
import { Matcher } from '../../src/matching/matcher';
import { SqliteStore } from '../../src/storage/sqlite-store';

describe('reports from the transcript store', () => {
  const kb = loadKnowledge('knowledge');
  const store = new SqliteStore(':memory:');
  const engine = new Engine(kb, store, { now: () => new Date('2026-11-25T03:00:00Z') });
  let n = 0;
  const say = async (conversation: string, text: string): Promise<void> => {
    n += 1;
    await engine.handle({ channel: 'test', conversationId: conversation, userId: conversation, messageId: `m${n}`, text, receivedAt: new Date() });
  };

  beforeAll(async () => {
    // A seeded week: three ways of asking about jobs, two about a franchise, answered questions, one handoff with a rating.
    await say('a', 'kak ada lowongan kerja ga');
    await say('b', 'lowongan kerja masih buka?');
    await say('c', 'mau tanya lowongan kerja part time');
    await say('d', 'kak mau tanya soal franchise');
    await say('e', 'franchise nya berapa modal');
    await say('f', 'bisa cod ga kak');
    await say('g', 'garansi brp lama');
    await say('h', 'mau bicara sama admin');
    const ticket = (await store.listTickets())[0];
    const desk = new AgentDesk(store, () => kb);
    await desk.resolve(ticket.id, 'Rina');
    await say('h', '4');
  });
  afterAll(async () => await store.close());

  it('groups unanswered questions by similarity, most frequent first, with the nearest entry', async () => {
    const clusters = await unansweredReport(store, new Matcher(kb), '1970-01-01T00:00:00Z');
    expect(clusters[0].count).toBe(3);
    expect(clusters[0].examples).toEqual(expect.arrayContaining(['kak ada lowongan kerja ga', 'lowongan kerja masih buka?']));
    expect(clusters[1].count).toBe(2);
    expect(clusters[1].examples.join(' ')).toMatch(/franchise/);
    expect(clusters[1].nearestEntry?.id).toBeDefined();
    expect(clusters.flatMap((c) => c.examples)).not.toContain('bisa cod ga kak');
    // Asking for a person is a handoff the customer wanted, not a question the bot missed.
    expect(clusters.flatMap((c) => c.examples)).not.toContain('mau bicara sama admin');
  });

  it('counts conversations, containment, handoffs, top entries and CSAT', async () => {
    const s = await statsReport(store, '1970-01-01T00:00:00Z');
    expect(s.conversations).toBe(8);
    expect(s.handoffRate).toBeCloseTo(1 / 8);
    expect(s.containmentRate).toBeCloseTo(7 / 8);
    expect(s.topEntries.map((e) => e.id)).toEqual(expect.arrayContaining(['cod', 'warranty']));
    expect(s.csatAverage).toBe(4);
  });
});

describe('reports count customer questions, not reply lines', () => {
  const kb = loadKnowledge('knowledge');
  let store: SqliteStore;
  let engine: Engine;
  let n = 0;
  const say = async (conversation: string, text: string): Promise<string> => {
    n += 1;
    const result = await engine.handle({
      channel: 'test',
      conversationId: conversation,
      userId: conversation,
      messageId: `q${n}`,
      text,
      receivedAt: new Date(),
    });
    return result.decision.type;
  };
  beforeEach(() => {
    store = new SqliteStore(':memory:');
    engine = new Engine(kb, store, { now: () => new Date('2026-11-25T03:00:00Z') });
  });
  afterEach(async () => await store.close());

  it('an answer and its "Mungkin Kakak juga…" suggestions are one answered question', async () => {
    expect(await say('p', 'brp hrg iphone 15 kak')).toBe('answer');
    const out = (await store.transcript('p')).filter((l) => l.direction === 'out');
    expect(out.length).toBeGreaterThan(1);
    expect(out[1].text).toContain('Mungkin Kakak juga');
    const s = await statsReport(store, '1970-01-01T00:00:00Z');
    expect(s).toMatchObject({
      conversations: 1,
      customerMessages: 1,
      questions: 1,
      decisions: { answer: 1 },
      containmentRate: 1,
      handoffRate: 0,
      clarificationRate: 0,
    });
    expect(s.topEntries).toEqual([{ id: 'product-price', answers: 1 }]);
  });

  it('rates are shares of customer questions; commands, ratings and messages to an agent are not questions', async () => {
    expect(await say('a', 'harga')).toBe('clarify');
    expect(await say('a', 'iphone 15')).toBe('answer');
    expect(await say('a', 'brp hrg iphone 15 kak')).toBe('answer');
    expect(await say('a', '/start')).toBe('fallback');
    expect(await say('a', '/help')).toBe('fallback');
    expect(await say('b', 'mau bicara sama admin')).toBe('handoff');
    // Asked again while the ticket waits: no new ticket, so no second handoff among the questions.
    expect(await say('b', 'sambungkan ke cs dong')).toBe('handoff');
    expect(await say('b', 'halo? masih di sana?')).toBe('silent');
    const ticket = (await store.listTickets())[0];
    await new AgentDesk(store, () => kb).resolve(ticket.id, 'Rina');
    expect(await say('b', '5')).toBe('fallback');
    const s = await statsReport(store, '1970-01-01T00:00:00Z');
    // Questions: the two prices, "harga", "mau bicara sama admin" — not /start, /help, the repeated request, the relayed "halo?" or the rating.
    expect(s).toMatchObject({
      conversations: 2,
      conversationsHandedOff: 1,
      customerMessages: 9,
      questions: 4,
      decisions: { answer: 2, clarify: 1, handoff: 1 },
      csatAverage: 5,
    });
    expect(s.handoffRate).toBeCloseTo(1 / 4);
    expect(s.containmentRate).toBeCloseTo(3 / 4);
    expect(s.clarificationRate).toBeCloseTo(1 / 4);
    expect(s.topEntries).toEqual([{ id: 'product-price', answers: 2 }]);
  });

  it('unanswered lists fallbacks, failed clarifications and handoffs after misunderstanding, not requested handoffs or commands', async () => {
    expect(await say('admin', 'mau bicara sama admin')).toBe('handoff');
    // Asked again while the ticket waits: handed off again, on the same ticket, still a request.
    expect(await say('admin', 'tolong sambungkan ke orang cs nya')).toBe('handoff');
    expect((await store.listTickets()).filter((t) => t.conversationId === 'admin')).toHaveLength(1);
    expect(await say('hapus', 'hapus data saya')).toBe('handoff');
    expect(await say('keluh', 'kecewa banget pesanan belum sampai, penipuan')).toBe('handoff');
    expect(await say('cmd', 'kembali ke bot')).not.toBe('silent');
    expect(await say('cmd', '/cancel')).toBe('fallback');
    // A clarification the customer answered is not a failure; one left unanswered is.
    expect(await say('ok', 'harga')).toBe('clarify');
    expect(await say('ok', 'iphone 15')).toBe('answer');
    expect(await say('lost', 'stoknya ada ga kak')).toBe('clarify');
    // "kembali ke bot" outside a handoff may even be answered (about-bot): still a command, not an answer to the clarification.
    expect(await say('lost', 'kembali ke bot')).not.toBe('clarify');
    // Two misunderstandings: a fallback, then a handoff.
    expect(await say('twice', 'resep nasi goreng enak')).toBe('fallback');
    expect(await say('twice', 'cuaca jakarta besok gimana')).toBe('handoff');
    const clusters = await unansweredReport(store, new Matcher(kb), '1970-01-01T00:00:00Z');
    const listed = clusters.flatMap((c) => c.examples).sort();
    expect(listed).toEqual(['cuaca jakarta besok gimana', 'resep nasi goreng enak', 'stoknya ada ga kak']);
    const decisions = clusters.reduce<Record<string, number>>((all, c) => {
      for (const [d, k] of Object.entries(c.decisions)) all[d] = (all[d] ?? 0) + k;
      return all;
    }, {});
    expect(decisions).toEqual({ fallback: 1, clarify: 1, handoff: 1 });
  });
});
