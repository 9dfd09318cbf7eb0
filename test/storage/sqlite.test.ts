import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../src/storage/sqlite-store';

const inbound = (messageId: string, text = 'halo') => ({
  channel: 'telegram',
  conversationId: 'telegram:42',
  userId: '42',
  messageId,
  text,
  kind: 'text',
  at: '2026-11-23T03:00:00.000Z',
});

describe('SQLite store', () => {
  it('uses WAL mode on a file and records each inbound message once per channel', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tanya-store-')), 'x.db');
    const store = new SqliteStore(path);
    expect(await store.recordInbound(inbound('1'))).toBe(true);
    expect(await store.recordInbound(inbound('1'))).toBe(false);
    expect(await store.recordInbound({ ...inbound('1'), channel: 'whatsapp' })).toBe(true);
    await store.recordOutbound('telegram:42', { text: 'Halo Kak', at: '2026-11-23T03:00:01.000Z', decision: 'answer', entryId: 'greeting' });
    expect(await store.transcript('telegram:42')).toEqual([
      { direction: 'in', text: 'halo', at: '2026-11-23T03:00:00.000Z' },
      { direction: 'in', text: 'halo', at: '2026-11-23T03:00:00.000Z' },
      { direction: 'out', text: 'Halo Kak', at: '2026-11-23T03:00:01.000Z', decision: 'answer', entryId: 'greeting' },
    ]);
    await store.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('saves and restores conversation state', async () => {
    const store = new SqliteStore(':memory:');
    expect(await store.loadState('c')).toBeUndefined();
    await store.saveState('c', { fallbacks: 1, topic: { entryId: 'product-price', productId: 'iphone-15' } });
    expect(await store.loadState('c')).toEqual({ fallbacks: 1, topic: { entryId: 'product-price', productId: 'iphone-15' } });
    await store.close();
  });

  it('numbers tickets and tracks their status times', async () => {
    const store = new SqliteStore(':memory:');
    const base = {
      conversationId: 'c',
      channel: 'console',
      customerId: 'u',
      reason: 'requested',
      summary: { lastQuestion: 'admin', candidates: [], entities: {} },
    };
    await store.recordInbound({
      channel: 'console',
      conversationId: 'c',
      userId: 'u',
      messageId: 'm1',
      text: 'admin',
      kind: 'text',
      at: '2026-11-23T03:00:00.000Z',
    });
    const t1 = await store.createTicket(base);
    const t2 = await store.createTicket(base);
    expect([t1.id, t2.id]).toEqual(['T00001', 'T00002']);
    expect((await store.listTickets('queued')).map((t) => t.id)).toEqual(['T00001', 'T00002']);
    const claimed = await store.updateTicketStatus('T00001', 'claimed', 'agent-sari');
    expect(claimed).toMatchObject({ status: 'claimed', agent: 'agent-sari', claimedAt: expect.any(String) });
    expect(await store.updateTicketStatus('T00001', 'resolved')).toMatchObject({ status: 'resolved', agent: 'agent-sari', resolvedAt: expect.any(String) });
    // The ticket reads the conversation up to its creation; later lines are not part of it.
    await store.recordInbound({
      channel: 'console',
      conversationId: 'c',
      userId: 'u',
      messageId: 'm2',
      text: 'masih di sana?',
      kind: 'text',
      at: '2026-11-23T03:05:00.000Z',
    });
    expect((await store.getTicket('T00001'))?.transcript).toEqual([{ direction: 'in', text: 'admin', at: '2026-11-23T03:00:00.000Z' }]);
    expect(await store.getTicket('nope')).toBeUndefined();
    await store.close();
  });

  it('takes messages in with their delivery id once, and keeps them until their turn is recorded', async () => {
    const store = new SqliteStore(':memory:');
    expect(await store.acceptInbound('wa', 'wamid.1', 'wa:1', { text: 'halo' })).toBe(true);
    expect(await store.acceptInbound('wa', 'wamid.1', 'wa:1', { text: 'halo' })).toBe(false);
    expect(await store.acceptInbound('wa', 'wamid.2', 'wa:2', { text: 'cod?' })).toBe(true);
    const pending = await store.pendingInbound();
    expect(pending.map((p) => [p.conversationId, p.payload])).toEqual([
      ['wa:1', { text: 'halo' }],
      ['wa:2', { text: 'cod?' }],
    ]);
    await store.finishInbound(pending[0].seq);
    expect((await store.pendingInbound()).map((p) => p.conversationId)).toEqual(['wa:2']);
    await store.close();
  });

  it("hands out only the head of each conversation's outbox queue, and frees leases of dead owners", async () => {
    const store = new SqliteStore(':memory:');
    const now = new Date('2026-11-23T03:00:00Z');
    const all = (): boolean => true;
    for (const text of ['a1', 'a2']) await store.enqueue({ kind: 'customer-message', target: 'a', payload: text, at: now });
    await store.enqueue({ kind: 'customer-message', target: 'b', payload: 'b1', at: now });
    // Another process holds a1: a2 must wait for it, b1 may go.
    expect((await store.takeDue(all, now, 60_000, 50, 'a', 'other-host:1:x')).map((i) => i.payload)).toEqual(['a1', 'a2']);
    expect((await store.takeDue(all, now, 60_000)).map((i) => i.payload)).toEqual(['b1']);
    expect(await store.releaseLeases((owner) => owner === 'other-host:1:x', now)).toBe(2);
    expect((await store.takeDue(all, now, 60_000)).map((i) => i.payload)).toEqual(['a1', 'a2']);
    await store.close();
  });

  it('lets a pass keep an item only while no later pass has taken it', async () => {
    const store = new SqliteStore(':memory:');
    const now = new Date('2026-11-23T03:00:00Z');
    const later = new Date(now.getTime() + 61_000);
    const seq = await store.enqueue({ kind: 'customer-message', target: 'a', payload: 'a1', at: now });
    await store.takeDue(() => true, now, 60_000, 50, undefined, 'host:1:x:1');
    expect(await store.holdLease(seq, 'host:1:x:1', now, 60_000)).toBe(true);
    // Its lease ran out and a second pass took the item: the first must not send it.
    expect(await store.takeDue(() => true, later, 60_000, 50, undefined, 'host:1:x:2')).toHaveLength(1);
    expect(await store.holdLease(seq, 'host:1:x:1', later, 60_000)).toBe(false);
    expect(await store.holdLease(seq, 'host:1:x:2', later, 60_000)).toBe(true);
    await store.completeItem(seq, later);
    expect(await store.holdLease(seq, 'host:1:x:2', later, 60_000)).toBe(false);
    await store.close();
  });
});

describe('SQLite file permissions', () => {
  it('keeps the database readable by its owner only', async () => {
    const { mkdtempSync, statSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { SqliteStore } = await import('../../src/storage/sqlite-store');
    const file = join(mkdtempSync(join(tmpdir(), 'tanya-perm-')), 'data', 'bot.db');
    const store = new SqliteStore(file);
    await store.recordInbound({
      channel: 't',
      conversationId: 'c',
      userId: 'u',
      messageId: 'm',
      text: 'nomor saya 081234567890',
      kind: 'text',
      at: new Date().toISOString(),
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(file, '..')).mode & 0o777).toBe(0o700);
    await store.close();
  });

  it('tightens a data folder that already existed with open permissions', async () => {
    const { chmodSync, mkdirSync, mkdtempSync, statSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { SqliteStore } = await import('../../src/storage/sqlite-store');
    const folder = join(mkdtempSync(join(tmpdir(), 'tanya-perm-')), 'data');
    mkdirSync(folder);
    chmodSync(folder, 0o755);
    const store = new SqliteStore(join(folder, 'bot.db'));
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    await store.close();
  });
});
