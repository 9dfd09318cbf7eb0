import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Engine } from '../../src/engine/engine';
import { loadKnowledge } from '../../src/knowledge/loader';
import { SqliteStore } from '../../src/storage/sqlite-store';

jest.setTimeout(120_000);

const kb = loadKnowledge('knowledge');
const WORKING_HOURS = new Date('2026-11-25T03:00:00Z');
/** A WhatsApp-sized message (a few hundred characters). */
const story = 'kak saya mau tanya lagi soal pesanan saya yang kemarin ya, soalnya belum ada kabar dari kurir dan saya butuh cepat untuk kerja. ';

function databaseBytes(path: string): number {
  const raw = new Database(path);
  raw.pragma('wal_checkpoint(TRUNCATE)');
  raw.close();
  return statSync(path).size;
}

describe('a long conversation with many handoffs', () => {
  it('keeps the database linear in messages (tickets reference the transcript, never copy it)', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tanya-soak-')), 'tanya.db');
    const store = new SqliteStore(path);
    const engine = new Engine(kb, store, { now: () => WORKING_HOURS });
    const sizes: number[] = [];
    const rss: number[] = [];
    let n = 0;
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 300; i++) {
        n++;
        // Every 30th message asks for a person; the next one takes the conversation back.
        const text = n % 30 === 0 ? 'mau bicara sama admin' : n % 30 === 1 && n > 1 ? 'kembali ke bot' : `${story}brp hrg iphone 15 #${n}`;
        await engine.handle({
          channel: 'whatsapp',
          conversationId: 'whatsapp:6281234567890',
          userId: '6281234567890',
          messageId: `m${n}`,
          text,
          receivedAt: WORKING_HOURS,
        });
      }
      sizes.push(databaseBytes(path));
      rss.push(process.memoryUsage().rss);
    }
    const tickets = await store.listTickets();
    expect(tickets.length).toBeGreaterThanOrEqual(25);
    // Each ticket still shows the conversation up to it…
    expect(tickets[tickets.length - 1].transcript.length).toBeGreaterThan(100);
    await store.close();
    // …but stores no copy: a third 300 messages adds about what the second did (quadratic growth would add far more).
    const second = sizes[1] - sizes[0];
    const third = sizes[2] - sizes[1];
    expect(third).toBeLessThan(second * 1.5);
    const raw = new Database(path, { readonly: true });
    const copied = raw.prepare(`SELECT COALESCE(SUM(LENGTH(transcript)), 0) AS n FROM tickets`).get() as { n: number };
    raw.close();
    expect(copied.n).toBeLessThan(tickets.length * 10);
    // Memory does not grow with the conversation either.
    expect(rss[2] - rss[0]).toBeLessThan(100 * 1024 * 1024);
  });
});
