import { AgentDesk } from '../../src/engine/agent-desk';
import { Engine } from '../../src/engine/engine';
import { statsReport, unansweredReport } from '../../src/eval/reports';
import { loadKnowledge } from '../../src/knowledge/loader';
import { Matcher } from '../../src/matching/matcher';
import { SqliteStore } from '../../src/storage/sqlite';

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
    const ticket = store.listTickets()[0];
    const desk = new AgentDesk(store, () => kb);
    desk.resolve(ticket.id, 'Rina');
    await say('h', '4');
  });
  afterAll(() => store.close());

  it('groups unanswered questions by similarity, most frequent first, with the nearest entry', () => {
    const clusters = unansweredReport(store, new Matcher(kb), '1970-01-01T00:00:00Z');
    expect(clusters[0].count).toBe(3);
    expect(clusters[0].examples).toEqual(expect.arrayContaining(['kak ada lowongan kerja ga', 'lowongan kerja masih buka?']));
    expect(clusters[1].count).toBe(2);
    expect(clusters[1].examples.join(' ')).toMatch(/franchise/);
    expect(clusters[1].nearestEntry?.id).toBeDefined();
    expect(clusters.flatMap((c) => c.examples)).not.toContain('bisa cod ga kak');
  });

  it('counts conversations, containment, handoffs, top entries and CSAT', () => {
    const s = statsReport(store, '1970-01-01T00:00:00Z');
    expect(s.conversations).toBe(8);
    expect(s.handoffRate).toBeCloseTo(1 / 8);
    expect(s.containmentRate).toBeCloseTo(7 / 8);
    expect(s.topEntries.map((e) => e.id)).toEqual(expect.arrayContaining(['cod', 'warranty']));
    expect(s.csatAverage).toBe(4);
  });
});
