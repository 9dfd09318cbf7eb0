/**
 * The store contract, written once and run against every store (SQLite, PostgreSQL): each method
 * of `ConversationStore` and `ConsoleStore` with real values, on an empty database per test.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { Pool } from 'pg';
import { migratePostgres, openPostgresStore } from '../../src/storage/postgres';
import type { ConversationStore, HandoffTicket, InboundRecord, OutboxItem, TicketSummary } from '../../src/storage/store';
import { contractBackends, postgresBackend, type Backend } from './contract-backends';

const T0 = Date.parse('2026-11-23T03:00:00.000Z');
/** An ISO time `minutes` after T0 (ms precision, as `Date.toISOString()` writes it). */
const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();
const date = (minutes: number): Date => new Date(T0 + minutes * 60_000);

const inbound = (conversationId: string, messageId: string, text: string, minute = 0, extra: Partial<InboundRecord> = {}): InboundRecord => ({
  channel: conversationId.split(':')[0],
  conversationId,
  userId: conversationId.split(':')[1],
  messageId,
  text,
  kind: 'text',
  at: at(minute),
  ...extra,
});

const SUMMARY: TicketSummary = {
  lastQuestion: 'minta admin',
  candidates: [{ entryId: 'product/price', score: 0.42 }],
  entities: { product: 'iphone-15' },
  flow: { id: 'complaint', slots: { order: 'INV-1', qty: 2 } },
};

const ticketFor = (conversationId: string, customerName?: string) => ({
  conversationId,
  channel: conversationId.split(':')[0],
  customerId: conversationId.split(':')[1],
  ...(customerName ? { customerName } : {}),
  reason: 'requested',
  summary: SUMMARY,
});

const all = (): boolean => true;
const payloads = (items: readonly OutboxItem[]): unknown[] => items.map((i) => i.payload);
const isoTime = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

const BACKENDS = contractBackends();

describe.each(BACKENDS)('store contract: $name', (backend: Backend) => {
  let store: ConversationStore;

  beforeAll(() => backend.setUp(), 60_000);
  afterAll(() => backend.tearDown(), 60_000);
  beforeEach(async () => {
    store = await backend.fresh();
  });
  afterEach(() => backend.cleanUp());

  it('says which engine it is', () => {
    expect(store.kind).toBe(backend.name);
  });

  describe('customer messages', () => {
    it('records each inbound message once per channel, and keeps the transcript in order', async () => {
      await expect(store.recordInbound(inbound('telegram:42', '1', 'halo'))).resolves.toBe(true);
      await expect(store.recordInbound(inbound('telegram:42', '1', 'halo lagi'))).resolves.toBe(false);
      await expect(store.recordInbound({ ...inbound('telegram:42', '1', 'dari wa'), channel: 'whatsapp' })).resolves.toBe(true);
      await store.recordOutbound('telegram:42', { text: 'Halo Kak', at: at(1), decision: 'answer', entryId: 'greeting' });
      await store.recordInbound(inbound('telegram:42', '2', 'harga iphone?', 2));
      await store.recordOutbound('telegram:42', { text: 'Maaf?', at: at(3) });
      await expect(store.transcript('telegram:42')).resolves.toEqual([
        { direction: 'in', text: 'halo', at: at(0) },
        { direction: 'in', text: 'dari wa', at: at(0) },
        { direction: 'out', text: 'Halo Kak', at: at(1), decision: 'answer', entryId: 'greeting' },
        { direction: 'in', text: 'harga iphone?', at: at(2) },
        { direction: 'out', text: 'Maaf?', at: at(3) },
      ]);
      await expect(store.transcript('telegram:nobody')).resolves.toEqual([]);
    });

    it('keeps the customer’s name when later messages come without it', async () => {
      await store.recordInbound(inbound('telegram:7', 'n1', 'a', 0, { userName: 'Budi' }));
      await store.recordInbound(inbound('telegram:7', 'n2', 'b', 1));
      const [conversation] = (await store.exportCustomer(['7'])).conversations;
      expect(conversation).toMatchObject({ id: 'telegram:7', channel: 'telegram', userId: '7', userName: 'Budi', updatedAt: at(1) });
    });

    it('takes any text a platform sends (NUL characters, broken surrogate pairs)', async () => {
      await expect(store.recordInbound(inbound('wa:1', 'm1', 'a\u0000b'))).resolves.toBe(true);
      await store.recordOutbound('wa:1', { text: 'x\ud800y', at: at(1) });
      await expect(store.acceptInbound('wa', 'd1', 'wa:1', { text: 'a\u0000b', odd: '\udc00' })).resolves.toBe(true);
      const lines = await store.transcript('wa:1');
      // How the odd character comes back differs (U+FFFD in PostgreSQL); the message does not fail.
      expect(lines.map((l) => [l.text.at(0), l.text.at(-1)])).toEqual([
        ['a', 'b'],
        ['x', 'y'],
      ]);
      expect(((await store.pendingInbound())[0].payload as { text: string }).text).toHaveLength(3);
    });

    it('caps stored text at 20 000 characters', async () => {
      await store.recordInbound(inbound('telegram:1', 'm', 'x'.repeat(25_000)));
      await store.recordOutbound('telegram:1', { text: 'y'.repeat(25_000), at: at(1) });
      const lines = await store.transcript('telegram:1');
      expect(lines.map((l) => l.text.length)).toEqual([20_000, 20_000]);
    });

    it('remembers platform deliveries once', async () => {
      await expect(store.wasDelivered('telegram', 'u1')).resolves.toBe(false);
      await expect(store.markDelivered('telegram', 'u1', date(0))).resolves.toBe(true);
      await expect(store.markDelivered('telegram', 'u1', date(1))).resolves.toBe(false);
      await expect(store.wasDelivered('telegram', 'u1')).resolves.toBe(true);
      await expect(store.wasDelivered('whatsapp', 'u1')).resolves.toBe(false);
      await expect(store.markDelivered('whatsapp', 'u1')).resolves.toBe(true);
    });

    it('takes messages in once, lists the pending ones (after a seq, per conversation) and finishes them', async () => {
      await expect(store.acceptInbound('wa', 'wamid.1', 'wa:1', { text: 'halo', n: 1, nested: { ok: true } }, date(0))).resolves.toBe(true);
      await expect(store.acceptInbound('wa', 'wamid.1', 'wa:1', { text: 'halo' }, date(0))).resolves.toBe(false);
      await expect(store.wasDelivered('wa', 'wamid.1')).resolves.toBe(true);
      await store.acceptInbound('wa', 'wamid.2', 'wa:2', { text: 'cod?' }, date(1));
      await store.acceptInbound('wa', 'wamid.3', 'wa:1', ['a', 2, null], date(2));
      const pending = await store.pendingInbound();
      expect(pending.map((p) => [p.conversationId, p.payload])).toEqual([
        ['wa:1', { text: 'halo', n: 1, nested: { ok: true } }],
        ['wa:2', { text: 'cod?' }],
        ['wa:1', ['a', 2, null]],
      ]);
      expect(pending.every((p) => typeof p.seq === 'number')).toBe(true);
      expect(pending[0].seq).toBeLessThan(pending[1].seq);
      expect(pending[1].seq).toBeLessThan(pending[2].seq);
      await expect(store.pendingInbound(2)).resolves.toHaveLength(2);
      expect((await store.pendingInbound(500, pending[0].seq)).map((p) => p.seq)).toEqual([pending[1].seq, pending[2].seq]);
      expect((await store.pendingInbound(500, 0, 'wa:1')).map((p) => p.seq)).toEqual([pending[0].seq, pending[2].seq]);
      expect((await store.pendingInbound(500, pending[0].seq, 'wa:1')).map((p) => p.seq)).toEqual([pending[2].seq]);
      await store.finishInbound(pending[0].seq);
      expect((await store.pendingInbound()).map((p) => p.conversationId)).toEqual(['wa:2', 'wa:1']);
      await expect(store.pendingInbound(500, 0, 'wa:none')).resolves.toEqual([]);
    });

    it('saves and restores conversation state', async () => {
      await expect(store.loadState('c')).resolves.toBeUndefined();
      await store.saveState('c', { fallbacks: 1, topic: { entryId: 'product-price', productId: 'iphone-15', recentIds: ['a', 'b'] } });
      await expect(store.loadState('c')).resolves.toEqual({ fallbacks: 1, topic: { entryId: 'product-price', productId: 'iphone-15', recentIds: ['a', 'b'] } });
      await store.saveState('c', { fallbacks: 0, language: 'id', handoff: { ticketId: 'T00001' } });
      await expect(store.loadState('c')).resolves.toEqual({ fallbacks: 0, language: 'id', handoff: { ticketId: 'T00001' } });
    });

    it('lists messages since a time by conversation, then order, with the channel of outgoing lines', async () => {
      await store.recordInbound(inbound('telegram:b', '1', 'b1', 0));
      await store.recordInbound(inbound('telegram:a', '2', 'a1', 1));
      await store.recordOutbound('telegram:b', { text: 'b2', at: at(2), decision: 'fallback' });
      await store.recordOutbound('webchat:z', { text: 'z1', at: at(3) });
      await store.recordInbound(inbound('telegram:a', '3', 'a2', 4));
      const since = await store.messagesSince(at(1));
      expect(since).toEqual([
        { conversationId: 'telegram:a', channel: 'telegram', direction: 'in', text: 'a1', at: at(1) },
        { conversationId: 'telegram:a', channel: 'telegram', direction: 'in', text: 'a2', at: at(4) },
        { conversationId: 'telegram:b', channel: 'telegram', direction: 'out', text: 'b2', at: at(2), decision: 'fallback' },
        // A line to a conversation the store has never seen has no channel.
        { conversationId: 'webchat:z', channel: '', direction: 'out', text: 'z1', at: at(3) },
      ]);
      await expect(store.messagesSince(at(5))).resolves.toEqual([]);
      await expect(store.messagesSince(at(-1))).resolves.toHaveLength(5);
    });

    it('keeps what a channel needs to write later', async () => {
      await expect(store.channelRef('bf:1')).resolves.toBeUndefined();
      await store.saveChannelRef('bf:1', { serviceUrl: 'https://x', conversation: { id: '1' } });
      await store.saveChannelRef('bf:1', { serviceUrl: 'https://y', conversation: { id: '1' } });
      await expect(store.channelRef('bf:1')).resolves.toEqual({ serviceUrl: 'https://y', conversation: { id: '1' } });
    });
  });

  describe('tickets', () => {
    const open = async (): Promise<[HandoffTicket, HandoffTicket]> => {
      await store.recordInbound(inbound('console:c', 'm1', 'admin', 0, { userName: 'Budi' }));
      await store.recordOutbound('console:c', { text: 'Sebentar ya', at: at(1), decision: 'handoff' });
      const t1 = await store.createTicket(ticketFor('console:c', 'Budi'));
      await store.recordInbound(inbound('console:d', 'm2', 'komplain', 2));
      const t2 = await store.createTicket(ticketFor('console:d'));
      return [t1, t2];
    };

    it('numbers tickets and returns them whole, with the conversation up to their creation', async () => {
      const [t1, t2] = await open();
      expect([t1.id, t2.id]).toEqual(['T00001', 'T00002']);
      expect(t1).toEqual({
        id: 'T00001',
        conversationId: 'console:c',
        channel: 'console',
        customerId: 'c',
        customerName: 'Budi',
        reason: 'requested',
        status: 'queued',
        summary: SUMMARY,
        transcript: [
          { direction: 'in', text: 'admin', at: at(0) },
          { direction: 'out', text: 'Sebentar ya', at: at(1), decision: 'handoff' },
        ],
        createdAt: isoTime,
      });
      expect(Math.abs(Date.parse(t1.createdAt) - Date.now())).toBeLessThan(60_000);
      expect(t2.customerName).toBeUndefined();
      // Later lines are not part of the ticket.
      await store.recordInbound(inbound('console:c', 'm3', 'masih di sana?', 5));
      expect((await store.getTicket('T00001'))?.transcript).toEqual(t1.transcript);
      await expect(store.getTicket('T00001')).resolves.toEqual(t1);
      await expect(store.getTicket('nope')).resolves.toBeUndefined();
    });

    it('shows at most the latest 200 lines up to the ticket', async () => {
      for (let i = 0; i < 205; i++) await store.recordOutbound('console:long', { text: `line ${i}`, at: at(i) });
      const ticket = await store.createTicket(ticketFor('console:long'));
      expect(ticket.transcript).toHaveLength(200);
      expect(ticket.transcript[0].text).toBe('line 5');
      expect(ticket.transcript[199].text).toBe('line 204');
      expect((await store.listTickets())[0].transcript).toEqual(ticket.transcript);
    });

    it('lists by status and tracks claim and resolution times, agent and rating', async () => {
      await open();
      expect((await store.listTickets()).map((t) => t.id)).toEqual(['T00001', 'T00002']);
      expect((await store.listTickets('queued')).map((t) => t.id)).toEqual(['T00001', 'T00002']);
      const before = Date.now();
      const claimed = await store.updateTicketStatus('T00001', 'claimed', 'Sari');
      expect(claimed).toMatchObject({ id: 'T00001', status: 'claimed', agent: 'Sari', claimedAt: isoTime });
      expect(claimed?.resolvedAt).toBeUndefined();
      expect(Date.parse(claimed?.claimedAt ?? '')).toBeGreaterThanOrEqual(before - 1000);
      expect((await store.listTickets('claimed')).map((t) => t.id)).toEqual(['T00001']);
      expect((await store.listTickets('queued')).map((t) => t.id)).toEqual(['T00002']);
      const resolved = await store.updateTicketStatus('T00001', 'resolved');
      expect(resolved).toMatchObject({ status: 'resolved', agent: 'Sari', claimedAt: claimed?.claimedAt, resolvedAt: isoTime });
      expect(resolved?.transcript).toHaveLength(2);
      const cancelled = await store.updateTicketStatus('T00002', 'cancelled', 'Rina');
      expect(cancelled).toMatchObject({ status: 'cancelled', agent: 'Rina', resolvedAt: isoTime });
      expect(cancelled?.claimedAt).toBeUndefined();
      await expect(store.updateTicketStatus('T09999', 'claimed', 'Sari')).resolves.toBeUndefined();
      await store.setTicketRating('T00001', 4);
      expect((await store.getTicket('T00001'))?.csat).toBe(4);
      expect((await store.getTicket('T00002'))?.csat).toBeUndefined();
      await expect(store.listTickets('queued')).resolves.toEqual([]);
    });

    it('finds the open ticket of a conversation, its place in the queue, and when the customer was told', async () => {
      await open();
      await store.recordInbound(inbound('console:e', 'm9', 'halo', 3));
      const t3 = await store.createTicket(ticketFor('console:e'));
      expect((await store.openTicketFor('console:c'))?.id).toBe('T00001');
      await expect(store.openTicketFor('console:none')).resolves.toBeUndefined();
      expect(await Promise.all(['T00001', 'T00002', t3.id].map((id) => store.queuePosition(id)))).toEqual([1, 2, 3]);
      await store.updateTicketStatus('T00001', 'claimed', 'Sari');
      expect((await store.openTicketFor('console:c'))?.status).toBe('claimed');
      expect(await Promise.all(['T00002', t3.id].map((id) => store.queuePosition(id)))).toEqual([1, 2]);
      await expect(store.queuePosition('T09999')).resolves.toBe(0);
      await store.updateTicketStatus('T00001', 'resolved');
      await expect(store.openTicketFor('console:c')).resolves.toBeUndefined();
      // A new ticket on the same conversation is its open one.
      const again = await store.createTicket(ticketFor('console:c'));
      expect((await store.openTicketFor('console:c'))?.id).toBe(again.id);
      await store.markTicketNotified('T00002', date(10));
      expect((await store.getTicket('T00002'))?.notifiedAt).toBe(at(10));
    });

    it('links destination messages to tickets, in the order saved', async () => {
      await store.saveTicketRef('telegram-group', '100', 'T00001');
      await store.saveTicketRef('telegram-group', '101', 'T00001');
      await store.saveTicketRef('helpdesk', 'H-1', 'T00001');
      await store.saveTicketRef('telegram-group', '102', 'T00002');
      await expect(store.ticketForRef('telegram-group', '101')).resolves.toBe('T00001');
      await expect(store.ticketForRef('helpdesk', '101')).resolves.toBeUndefined();
      await expect(store.ticketRefs('T00001', 'telegram-group')).resolves.toEqual(['100', '101']);
      await expect(store.ticketRefs('T00001', 'helpdesk')).resolves.toEqual(['H-1']);
      // Saved again (now pointing elsewhere), a ref moves.
      await store.saveTicketRef('telegram-group', '100', 'T00002');
      await expect(store.ticketForRef('telegram-group', '100')).resolves.toBe('T00002');
      await expect(store.ticketRefs('T00001', 'telegram-group')).resolves.toEqual(['101']);
      await expect(store.ticketRefs('T00002', 'telegram-group')).resolves.toEqual(['102', '100']);
      await store.saveTicketRef('telegram-group', '101', 'T00001');
      await store.saveTicketRef('telegram-group', '103', 'T00001');
      await expect(store.ticketRefs('T00001', 'telegram-group')).resolves.toEqual(['101', '103']);
    });
  });

  describe('flow records', () => {
    it('numbers records with their prefix and lists them per flow', async () => {
      const base = { conversationId: 'wa:1', channel: 'wa', customerId: '1' };
      const k1 = await store.createRecord({ ...base, flowId: 'complaint', slots: { order: 'INV-1', issue: 'rusak' } }, 'K');
      const k2 = await store.createRecord({ ...base, flowId: 'complaint', slots: { order: 'INV-2' } }, 'K');
      const f3 = await store.createRecord({ ...base, flowId: 'feedback', slots: {} }, 'F');
      expect([k1.id, k2.id, f3.id]).toEqual(['K00001', 'K00002', 'F00003']);
      expect(k1).toEqual({ ...base, flowId: 'complaint', slots: { order: 'INV-1', issue: 'rusak' }, id: 'K00001', createdAt: isoTime });
      await expect(store.listRecords()).resolves.toEqual([k1, k2, f3]);
      await expect(store.listRecords('complaint')).resolves.toEqual([k1, k2]);
      await expect(store.listRecords('nothing')).resolves.toEqual([]);
    });
  });

  describe('outbox', () => {
    const now = date(0);

    it('hands out a queue in order: an item goes only with every earlier item of its (kind, target) queue', async () => {
      const a1 = await store.enqueue({ kind: 'customer-message', target: 'a', payload: { text: 'a1' }, at: now });
      const a2 = await store.enqueue({ kind: 'customer-message', target: 'a', payload: { text: 'a2' }, at: now });
      const b1 = await store.enqueue({ kind: 'customer-message', target: 'b', payload: { text: 'b1' }, at: now });
      const e1 = await store.enqueue({ kind: 'ticket-event', target: 'a', payload: ['event', 1], at: now });
      expect(a2).toBeGreaterThan(a1);
      expect([typeof a1, typeof b1]).toEqual(['number', 'number']);
      // Another process takes a1 (its limit is 1): a2 must wait for it; b1 and the ticket event may go.
      expect(payloads(await store.takeDue(all, now, 60_000, 1, undefined, 'other-host:1:x'))).toEqual([{ text: 'a1' }]);
      await expect(store.takeDue(all, now, 60_000)).resolves.toEqual([
        { seq: b1, kind: 'customer-message', target: 'b', payload: { text: 'b1' }, attempts: 0, createdAt: at(0) },
        { seq: e1, kind: 'ticket-event', target: 'a', payload: ['event', 1], attempts: 0, createdAt: at(0) },
      ]);
      // Leased: nothing more until a1 is done.
      await expect(store.takeDue(all, now, 60_000)).resolves.toEqual([]);
      await store.completeItem(a1, now);
      expect(payloads(await store.takeDue(all, now, 60_000))).toEqual([{ text: 'a2' }]);
      // A pass takes a whole queue in order when it may.
      const c = [];
      for (const text of ['c1', 'c2', 'c3']) c.push(await store.enqueue({ kind: 'customer-message', target: 'c', payload: text, at: now }));
      expect((await store.takeDue(all, now, 60_000)).map((i) => i.seq)).toEqual(c);
    });

    it('takes only what this process accepts, only the target asked for, and up to the limit', async () => {
      await store.enqueue({ kind: 'customer-message', target: 'a', payload: 'a1', at: now });
      await store.enqueue({ kind: 'ticket-event', target: 'T1', payload: 't1', at: now });
      await store.enqueue({ kind: 'customer-message', target: 'b', payload: 'b1', at: now });
      await store.enqueue({ kind: 'customer-message', target: 'c', payload: 'c1', at: now });
      const customer = (item: Pick<OutboxItem, 'kind' | 'target'>): boolean => item.kind === 'customer-message';
      expect(payloads(await store.takeDue(customer, now, 60_000, 50, 'b'))).toEqual(['b1']);
      expect(payloads(await store.takeDue(customer, now, 60_000, 1))).toEqual(['a1']);
      expect(payloads(await store.takeDue(customer, now, 60_000))).toEqual(['c1']);
      expect(payloads(await store.takeDue(all, now, 60_000))).toEqual(['t1']);
    });

    it('waits for items not due yet, and a waiting item holds back its queue', async () => {
      await store.enqueue({ kind: 'customer-message', target: 'a', payload: 'later', at: date(5) });
      await store.enqueue({ kind: 'customer-message', target: 'a', payload: 'after it', at: now });
      await store.enqueue({ kind: 'customer-message', target: 'b', payload: 'now', at: now });
      expect(payloads(await store.takeDue(all, now, 3_600_000))).toEqual(['now']);
      expect(payloads(await store.takeDue(all, date(4), 60_000))).toEqual([]);
      expect(payloads(await store.takeDue(all, date(5), 60_000))).toEqual(['later', 'after it']);
    });

    it('keeps a lease only for its owner, gives it to another pass once it runs out, and never after completion', async () => {
      const later = new Date(now.getTime() + 61_000);
      const seq = await store.enqueue({ kind: 'customer-message', target: 'a', payload: 'a1', at: now });
      expect(await store.takeDue(all, now, 60_000, 50, undefined, 'host:1:x:1')).toHaveLength(1);
      await expect(store.holdLease(seq, 'host:1:x:1', now, 60_000)).resolves.toBe(true);
      await expect(store.holdLease(seq, 'host:1:x:2', now, 60_000)).resolves.toBe(false);
      await expect(store.takeDue(all, new Date(now.getTime() + 59_000), 60_000, 50, undefined, 'host:1:x:2')).resolves.toEqual([]);
      expect(await store.takeDue(all, later, 60_000, 50, undefined, 'host:1:x:2')).toHaveLength(1);
      await expect(store.holdLease(seq, 'host:1:x:1', later, 60_000)).resolves.toBe(false);
      await expect(store.holdLease(seq, 'host:1:x:2', later, 60_000)).resolves.toBe(true);
      await store.completeItem(seq, later);
      await expect(store.holdLease(seq, 'host:1:x:2', later, 60_000)).resolves.toBe(false);
      await expect(store.takeDue(all, new Date(later.getTime() + 3_600_000), 60_000)).resolves.toEqual([]);
    });

    it('retries an item later, counting its attempts', async () => {
      const seq = await store.enqueue({ kind: 'customer-message', target: 'a', payload: 'a1', at: now });
      const a2 = await store.enqueue({ kind: 'customer-message', target: 'a', payload: 'a2', at: now });
      expect(payloads(await store.takeDue(all, now, 60_000, 1))).toEqual(['a1']);
      await store.retryItem(seq, date(2), 'HTTP 502 from the platform');
      // The retried item still holds back its queue until it is due again.
      await expect(store.takeDue(all, date(1), 60_000)).resolves.toEqual([]);
      const again = await store.takeDue(all, date(2), 60_000);
      expect(again).toEqual([
        { seq, kind: 'customer-message', target: 'a', payload: 'a1', attempts: 1, createdAt: at(0) },
        { seq: a2, kind: 'customer-message', target: 'a', payload: 'a2', attempts: 0, createdAt: at(0) },
      ]);
      await store.retryItem(seq, date(4), 'x'.repeat(2000));
      await store.retryItem(a2, date(4), 'timeout');
      expect((await store.takeDue(all, date(4), 60_000)).map((i) => i.attempts)).toEqual([2, 1]);
    });

    it('frees the leases of dead owners; an item that was being sent waits before it goes again', async () => {
      for (const text of ['a1', 'a2']) await store.enqueue({ kind: 'customer-message', target: 'a', payload: text, at: now });
      const b1 = await store.enqueue({ kind: 'customer-message', target: 'b', payload: 'b1', at: now });
      await store.enqueue({ kind: 'customer-message', target: 'c', payload: 'c1', at: now });
      // Another process holds a1, a2 and b1; this one holds c1.
      expect(payloads(await store.takeDue((i) => i.target !== 'c', now, 60_000, 50, undefined, 'other-host:1:x'))).toEqual(['a1', 'a2', 'b1']);
      expect(payloads(await store.takeDue(all, now, 60_000, 50, undefined, 'alive:1:y'))).toEqual(['c1']);
      await store.markSending(b1, now);
      const released = await store.releaseLeases(
        (owner) => owner === 'other-host:1:x',
        now,
        () => 30_000,
      );
      expect(released).toBe(3);
      // a1 and a2 go again at once; b1 was maybe sent: it waits 30 s. c1's owner is alive: still leased.
      expect(payloads(await store.takeDue(all, now, 60_000))).toEqual(['a1', 'a2']);
      await expect(store.takeDue(all, new Date(now.getTime() + 29_000), 60_000)).resolves.toEqual([]);
      expect(payloads(await store.takeDue(all, new Date(now.getTime() + 30_000), 60_000))).toEqual(['b1']);
      await expect(store.releaseLeases(() => false, now)).resolves.toBe(0);
      await expect(store.releaseLeases((owner) => owner === 'other-host:1:x', now)).resolves.toBe(0);
    });

    it('never gives one item to two processes taking at the same time, and keeps each queue in order', async () => {
      const other = await backend.again();
      const targets = Array.from({ length: 20 }, (_, i) => `conv-${i}`);
      for (let round = 0; round < 3; round++) {
        for (const target of targets) await store.enqueue({ kind: 'customer-message', target, payload: `${target}/${round}`, at: now });
      }
      const seen = new Set<number>();
      const rounds = new Map<string, number[]>();
      for (let pass = 0; pass < 10 && seen.size < 60; pass++) {
        const [mine, theirs] = await Promise.all([
          store.takeDue(all, now, 60_000, 25, undefined, 'host-a:1:a'),
          other.takeDue(all, now, 60_000, 25, undefined, 'host-b:1:b'),
        ]);
        const owners = new Map<string, string>();
        for (const [owner, items] of [
          ['a', mine],
          ['b', theirs],
        ] as const) {
          for (const item of items) {
            expect(seen.has(item.seq)).toBe(false);
            seen.add(item.seq);
            const [target, round] = String(item.payload).split('/');
            // Within a pass, one queue's items go to one process.
            expect(owners.get(target) ?? owner).toBe(owner);
            owners.set(target, owner);
            rounds.set(target, [...(rounds.get(target) ?? []), Number(round)]);
          }
        }
        await Promise.all([...mine, ...theirs].map((i) => store.completeItem(i.seq, now)));
      }
      expect(seen.size).toBe(60);
      for (const target of targets) expect(rounds.get(target)).toEqual([0, 1, 2]);
    });
  });

  describe('privacy', () => {
    /** A customer with everything: messages, state, a closed ticket with refs and a note, a flow record, refs, inbox and outbox rows. */
    const customer = async (id: string, minute = 0): Promise<HandoffTicket> => {
      const conversation = `wa:${id}`;
      await store.recordInbound(inbound(conversation, `${id}-1`, 'nomor saya 0812', minute, { userName: `Nama ${id}` }));
      await store.recordOutbound(conversation, { text: 'Terima kasih', at: at(minute + 1), decision: 'answer', entryId: 'thanks' });
      await store.saveState(conversation, { fallbacks: 2 });
      await store.saveChannelRef(conversation, { ref: id });
      await store.acceptInbound('wa', `${id}-2`, conversation, { text: 'masih ada?' }, date(minute + 2));
      await store.enqueue({ kind: 'customer-message', target: conversation, payload: 'balasan', at: date(minute + 2) });
      await store.createRecord({ flowId: 'complaint', conversationId: conversation, channel: 'wa', customerId: id, slots: { order: `INV-${id}` } }, 'K');
      const ticket = await store.createTicket({ ...ticketFor(conversation, `Nama ${id}`), customerId: id });
      await store.saveTicketRef('telegram-group', `ref-${id}`, ticket.id);
      return ticket;
    };

    it('forgets a customer entirely, and only that customer', async () => {
      const gone = await customer('111');
      const kept = await customer('222');
      const notes = store.consoleStore();
      await notes.addNote({ ticketId: gone.id, agent: 'Rina', text: 'alamat: Jl. Merdeka 1', at: at(5) });
      await notes.addNote({ ticketId: kept.id, agent: 'Rina', text: 'pelanggan tetap', at: at(5) });
      const result = await store.forgetCustomer(['111']);
      expect(result).toEqual({
        conversations: ['wa:111'],
        removed: {
          conversations: 1,
          messages: 2,
          tickets: 1,
          ticketsAnonymized: 0,
          flowRecords: 1,
          channelRefs: 1,
          handoffRefs: 1,
          inbox: 1,
          outbox: 1,
          deliveries: 0,
        },
      });
      await expect(store.exportCustomer(['111', 'wa:111'])).resolves.toEqual({ conversations: [], tickets: [], flowRecords: [], pendingMessages: [] });
      await expect(store.getTicket(gone.id)).resolves.toBeUndefined();
      await expect(notes.notes(gone.id)).resolves.toEqual([]);
      expect((await notes.notes(kept.id)).map((n) => n.text)).toEqual(['pelanggan tetap']);
      expect(await store.transcript('wa:222')).toHaveLength(2);
      expect((await store.listRecords()).map((r) => r.customerId)).toEqual(['222']);
      await expect(store.ticketForRef('telegram-group', 'ref-111')).resolves.toBeUndefined();
      await expect(store.ticketForRef('telegram-group', 'ref-222')).resolves.toBe(kept.id);
      expect((await store.pendingInbound()).map((p) => p.conversationId)).toEqual(['wa:222']);
      expect(await store.forgetCustomer(['nobody'])).toEqual({ conversations: [], removed: expect.objectContaining({ messages: 0, tickets: 0 }) });
    });

    it('exports everything stored about a customer, found by any of their ids', async () => {
      const ticket = await customer('333');
      await customer('444');
      await store.recordInbound(inbound('telegram:333', 't1', 'dari telegram', 3));
      const data = await store.exportCustomer(['333']);
      expect(data.conversations).toEqual([
        {
          id: 'telegram:333',
          channel: 'telegram',
          userId: '333',
          updatedAt: at(3),
          state: { fallbacks: 0 },
          transcript: [{ direction: 'in', text: 'dari telegram', at: at(3) }],
        },
        {
          id: 'wa:333',
          channel: 'wa',
          userId: '333',
          userName: 'Nama 333',
          updatedAt: isoTime,
          state: { fallbacks: 2 },
          transcript: [
            { direction: 'in', text: 'nomor saya 0812', at: at(0) },
            { direction: 'out', text: 'Terima kasih', at: at(1), decision: 'answer', entryId: 'thanks' },
          ],
          channelRef: { ref: '333' },
        },
      ]);
      const { transcript: _t, ...withoutTranscript } = ticket;
      expect(data.tickets).toEqual([withoutTranscript]);
      expect(data.flowRecords.map((r) => [r.id, r.slots])).toEqual([['K00001', { order: 'INV-333' }]]);
      expect(data.pendingMessages).toEqual([{ receivedAt: at(2), payload: { text: 'masih ada?' } }]);
      // By conversation id too.
      expect((await store.exportCustomer(['wa:444'])).conversations.map((c) => c.id)).toEqual(['wa:444']);
    });

    it('purges old data in batches, strips closed tickets, and leaves conversations with an open ticket alone', async () => {
      const closed = await customer('555');
      await store.updateTicketStatus(closed.id, 'resolved', 'Sari');
      await store.setTicketRating(closed.id, 5);
      const open = await customer('666', 1);
      await store.consoleStore().addNote({ ticketId: closed.id, agent: 'Sari', text: 'catatan', at: at(5) });
      await store.markDelivered('telegram', 'old-update', date(0));
      const cutoff = new Date('2099-01-01T00:00:00.000Z');
      const now = new Date('2099-01-10T00:00:00.000Z');
      const dry = await store.purgeOlderThan(cutoff, { dryRun: true, now });
      const expected = {
        conversations: 1,
        messages: 2,
        tickets: 0,
        ticketsAnonymized: 1,
        flowRecords: 1,
        channelRefs: 1,
        handoffRefs: 1,
        inbox: 1,
        outbox: 1,
        deliveries: 3,
      };
      expect(dry).toEqual({ counts: expected, more: false });
      // Nothing changed by the dry run.
      expect(await store.transcript('wa:555')).toHaveLength(2);
      const first = await store.purgeOlderThan(cutoff, { batchSize: 1, now });
      expect(first.more).toBe(true);
      expect(first.counts.messages).toBe(1);
      const sum = { ...first.counts };
      for (let i = 0; i < 10; i++) {
        const next = await store.purgeOlderThan(cutoff, { batchSize: 1, now });
        for (const key of Object.keys(sum) as (keyof typeof sum)[]) sum[key] += next.counts[key];
        if (!next.more) break;
      }
      expect(sum).toEqual(expected);
      const stripped = await store.getTicket(closed.id);
      expect(stripped).toEqual({
        id: closed.id,
        conversationId: `anonymized:${closed.id}`,
        channel: 'wa',
        customerId: 'anonymized',
        reason: 'requested',
        status: 'resolved',
        summary: { lastQuestion: '', candidates: SUMMARY.candidates, entities: SUMMARY.entities },
        transcript: [],
        createdAt: closed.createdAt,
        claimedAt: undefined,
        resolvedAt: isoTime,
        agent: 'Sari',
        csat: 5,
      });
      await expect(store.consoleStore().notes(closed.id)).resolves.toEqual([]);
      await expect(store.transcript('wa:555')).resolves.toEqual([]);
      await expect(store.loadState('wa:555')).resolves.toBeUndefined();
      await expect(store.wasDelivered('telegram', 'old-update')).resolves.toBe(false);
      // The open ticket's conversation is whole.
      expect(await store.transcript('wa:666')).toHaveLength(2);
      await expect(store.loadState('wa:666')).resolves.toEqual({ fallbacks: 2 });
      await expect(store.getTicket(open.id)).resolves.toMatchObject({ customerId: '666', customerName: 'Nama 666' });
      await expect(store.purgeOlderThan(cutoff, { now })).resolves.toEqual({
        counts: {
          ...expected,
          conversations: 0,
          messages: 0,
          ticketsAnonymized: 0,
          flowRecords: 0,
          channelRefs: 0,
          handoffRefs: 0,
          inbox: 0,
          outbox: 0,
          deliveries: 0,
        },
        more: false,
      });
    });

    it('keeps platform delivery ids at least three days whatever the retention', async () => {
      await store.markDelivered('telegram', 'recent', date(0));
      const result = await store.purgeOlderThan(date(60), { now: date(24 * 60) });
      expect(result.counts.deliveries).toBe(0);
      await expect(store.wasDelivered('telegram', 'recent')).resolves.toBe(true);
    });

    it('records what agents and operators did, oldest first, from a time and up to a limit', async () => {
      await store.audit({ actor: 'Sari', action: 'ticket.claim', subject: 'T00001', via: 'console', at: at(0) });
      await store.audit({ actor: 'ops', action: 'privacy.forget', subject: '0812****', detail: { conversations: 2, dryRun: false, note: 'ok' }, at: at(1) });
      await store.audit({ actor: 'Rina', action: 'ticket.read' });
      const log = await store.auditLog();
      expect(log).toEqual([
        { at: at(0), actor: 'Sari', action: 'ticket.claim', subject: 'T00001', via: 'console' },
        { at: at(1), actor: 'ops', action: 'privacy.forget', subject: '0812****', detail: { conversations: 2, dryRun: false, note: 'ok' } },
        { at: isoTime, actor: 'Rina', action: 'ticket.read' },
      ]);
      expect((await store.auditLog({ since: at(1) })).map((e) => e.actor)).toEqual(['ops', 'Rina']);
      expect((await store.auditLog({ limit: 1 })).map((e) => e.actor)).toEqual(['Sari']);
      expect((await store.auditLog({ since: at(1), limit: 1 })).map((e) => e.actor)).toEqual(['ops']);
    });
  });

  it('counts waiting work', async () => {
    await expect(store.queueDepths()).resolves.toEqual({ inbox: 0, outbox: {}, openTickets: { queued: 0, claimed: 0 } });
    await store.acceptInbound('wa', 'd1', 'wa:1', {});
    await store.acceptInbound('wa', 'd2', 'wa:2', {});
    const done = await store.enqueue({ kind: 'customer-message', target: 'a', payload: 1 });
    await store.enqueue({ kind: 'customer-message', target: 'b', payload: 2 });
    await store.enqueue({ kind: 'ticket-event', target: 'T1', payload: 3 });
    await store.completeItem(done);
    for (const c of ['wa:1', 'wa:2', 'wa:3']) await store.createTicket(ticketFor(c));
    await store.updateTicketStatus('T00002', 'claimed', 'Sari');
    await store.updateTicketStatus('T00003', 'resolved', 'Sari');
    await expect(store.queueDepths()).resolves.toEqual({
      inbox: 2,
      outbox: { 'customer-message': 1, 'ticket-event': 1 },
      openTickets: { queued: 1, claimed: 1 },
    });
  });

  describe('transactions', () => {
    it('commits every write made through tx together, and returns what the function returns', async () => {
      const result = await store.atomically(async (tx) => {
        await tx.recordInbound(inbound('wa:1', 'm1', 'halo'));
        await tx.saveState('wa:1', { fallbacks: 3 });
        const ticket = await tx.createTicket(ticketFor('wa:1'));
        await tx.enqueue({ kind: 'customer-message', target: 'wa:1', payload: 'hi' });
        // Inside, the transaction sees its own writes.
        expect(await tx.transcript('wa:1')).toHaveLength(1);
        return ticket.id;
      });
      expect(result).toBe('T00001');
      expect(await store.transcript('wa:1')).toHaveLength(1);
      await expect(store.loadState('wa:1')).resolves.toEqual({ fallbacks: 3 });
      expect((await store.getTicket('T00001'))?.transcript).toHaveLength(1);
      expect(await store.takeDue(all, new Date(), 1000)).toHaveLength(1);
    });

    it('rolls every write back when the function throws, and rethrows', async () => {
      await store.saveState('wa:1', { fallbacks: 1 });
      const failure = new Error('turn failed');
      await expect(
        store.atomically(async (tx) => {
          await tx.recordInbound(inbound('wa:1', 'm1', 'halo'));
          await tx.saveState('wa:1', { fallbacks: 9 });
          await tx.createTicket(ticketFor('wa:1'));
          await tx.createRecord({ flowId: 'f', conversationId: 'wa:1', channel: 'wa', customerId: '1', slots: {} }, 'K');
          await tx.enqueue({ kind: 'customer-message', target: 'wa:1', payload: 'hi' });
          await tx.acceptInbound('wa', 'd1', 'wa:1', {});
          await tx.audit({ actor: 'x', action: 'ticket.read' });
          await tx.holdLeadership('poller', 'me', 60_000);
          await tx.consoleStore().addAgent({ name: 'Rina', role: 'agent', passwordHash: 'h', createdAt: at(0) });
          await tx.atomically(async (inner) => {
            await inner.saveChannelRef('wa:1', { x: 1 });
          });
          throw failure;
        }),
      ).rejects.toBe(failure);
      await expect(store.transcript('wa:1')).resolves.toEqual([]);
      await expect(store.loadState('wa:1')).resolves.toEqual({ fallbacks: 1 });
      await expect(store.listTickets()).resolves.toEqual([]);
      await expect(store.listRecords()).resolves.toEqual([]);
      await expect(store.takeDue(all, new Date(), 1000)).resolves.toEqual([]);
      await expect(store.wasDelivered('wa', 'd1')).resolves.toBe(false);
      await expect(store.pendingInbound()).resolves.toEqual([]);
      await expect(store.auditLog()).resolves.toEqual([]);
      await expect(store.channelRef('wa:1')).resolves.toBeUndefined();
      await expect(store.consoleStore().agent('Rina')).resolves.toBeUndefined();
      await expect(store.holdLeadership('poller', 'someone-else', 60_000)).resolves.toBe(true);
      // The store still works after a rollback.
      await expect(store.atomically(async (tx) => tx.recordInbound(inbound('wa:1', 'm1', 'halo')))).resolves.toBe(true);
    });

    it('runs tx.atomically inside the same transaction', async () => {
      await expect(
        store.atomically(async (tx) => {
          const inner = await tx.atomically(async (same) => {
            await same.recordInbound(inbound('wa:1', 'm1', 'halo'));
            return 'inner';
          });
          expect(inner).toBe('inner');
          expect(await tx.transcript('wa:1')).toHaveLength(1);
          throw new Error('outer fails');
        }),
      ).rejects.toThrow('outer fails');
      await expect(store.transcript('wa:1')).resolves.toEqual([]);
    });

    it('holds a conversation: a second transaction on it waits until the first commits', async () => {
      const events: string[] = [];
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const firstLocked = new Promise<void>((resolve) => (locked = resolve));
      const first = store.atomically(async (tx) => {
        await tx.lockConversation('wa:1');
        locked();
        await released;
        await tx.recordInbound(inbound('wa:1', 'm1', 'first'));
        events.push('first done');
      });
      await firstLocked;
      const second = store.atomically(async (tx) => {
        await tx.lockConversation('wa:1');
        events.push('second locked');
        // It sees what the first committed.
        events.push(`second sees ${(await tx.transcript('wa:1')).length}`);
      });
      await new Promise((r) => setTimeout(r, 300));
      expect(events).toEqual([]);
      release();
      await Promise.all([first, second]);
      expect(events).toEqual(['first done', 'second locked', 'second sees 1']);
    });

    (backend.name === 'postgres' ? it : it.skip)('does not hold other conversations (PostgreSQL; SQLite has one writer)', async () => {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const firstLocked = new Promise<void>((resolve) => (locked = resolve));
      const first = store.atomically(async (tx) => {
        await tx.lockConversation('wa:1');
        locked();
        await released;
      });
      await firstLocked;
      const other = await store.atomically(async (tx) => {
        await tx.lockConversation('wa:2');
        return 'not blocked';
      });
      expect(other).toBe('not blocked');
      release();
      await first;
      // Outside a transaction there is nothing to hold the lock for.
      await expect(store.lockConversation('wa:1')).rejects.toThrow(/atomically/);
    });

    (backend.name === 'postgres' ? it : it.skip)('rolls back when a statement failed inside, even if the function caught it (PostgreSQL)', async () => {
      await expect(
        store.atomically(async (tx) => {
          await tx.recordInbound(inbound('wa:1', 'm1', 'halo'));
          // An invalid time fails in PostgreSQL; the transaction cannot go on after it.
          await tx.recordOutbound('wa:1', { text: 'x', at: 'not a time' }).catch(() => undefined);
          return 'caught';
        }),
      ).rejects.toThrow(/transaction rolled back/);
      await expect(store.transcript('wa:1')).resolves.toEqual([]);
    });
  });

  describe('leadership', () => {
    it('is taken when free, refused while another owner holds it, taken after it expires, renewed by its owner', async () => {
      await expect(store.holdLeadership('telegram-poller', 'a', 60_000, date(0))).resolves.toBe(true);
      await expect(store.holdLeadership('telegram-poller', 'b', 60_000, date(0.5))).resolves.toBe(false);
      await expect(store.holdLeadership('other-job', 'b', 60_000, date(0.5))).resolves.toBe(true);
      await expect(store.holdLeadership('telegram-poller', 'a', 60_000, date(0.9))).resolves.toBe(true);
      // Renewed at 0.9: still a's at 1.5, free at 1.9.
      await expect(store.holdLeadership('telegram-poller', 'b', 60_000, date(1.5))).resolves.toBe(false);
      await expect(store.holdLeadership('telegram-poller', 'b', 60_000, date(1.9))).resolves.toBe(true);
      await expect(store.holdLeadership('telegram-poller', 'a', 60_000, date(2))).resolves.toBe(false);
    });

    it('is given up by its owner only', async () => {
      await store.holdLeadership('timers', 'a', 60_000, date(0));
      await store.releaseLeadership('timers', 'b');
      await expect(store.holdLeadership('timers', 'b', 60_000, date(0))).resolves.toBe(false);
      await store.releaseLeadership('timers', 'a');
      await expect(store.holdLeadership('timers', 'b', 60_000, date(0))).resolves.toBe(true);
    });

    it('is taken over from a holder the caller names (a dead process), and only from it', async () => {
      await store.holdLeadership('leader', 'host:1:dead', 60_000, date(0));
      await expect(store.holdLeadership('leader', 'host:2:new', 60_000, date(0.1), (holder) => holder === 'host:9:other')).resolves.toBe(false);
      await expect(store.holdLeadership('leader', 'host:2:new', 60_000, date(0.1), (holder) => holder === 'host:1:dead')).resolves.toBe(true);
      await expect(store.holdLeadership('leader', 'host:1:dead', 60_000, date(0.2))).resolves.toBe(false);
    });

    it('lists the heartbeats that ran out (processes that died), not the running ones or those given up', async () => {
      await store.holdLeadership('alive:p1', 'p1', 60_000, date(0));
      await store.holdLeadership('alive:p2', 'p2', 60_000, date(0));
      await store.holdLeadership('alive:p3', 'p3', 60_000, date(0));
      await store.holdLeadership('leader', 'p1', 60_000, date(0));
      await store.holdLeadership('alive:p2', 'p2', 60_000, date(1.5));
      await store.releaseLeadership('alive:p3', 'p3');
      const expired = await store.expiredLeases('alive:', date(2));
      expect(expired.map((l) => l.name)).toEqual(['alive:p1']);
      expect(expired[0].until).toBe(new Date(T0 + 60_000).toISOString());
      await expect(store.expiredLeases('alive:', date(0.5))).resolves.toEqual([]);
    });

    it('goes to exactly one of two processes asking at once', async () => {
      const other = await backend.again();
      const won = await Promise.all([store.holdLeadership('job', 'p1', 60_000), other.holdLeadership('job', 'p2', 60_000)]);
      expect(won.filter(Boolean)).toHaveLength(1);
    });
  });

  describe('console store', () => {
    const account = (name: string, role: 'agent' | 'admin' = 'agent') => ({ name, role, passwordHash: `hash-${name}`, createdAt: at(0) });

    it('keeps accounts unique whatever the case of their name', async () => {
      const desk = store.consoleStore();
      await expect(desk.addAgent(account('Rina', 'admin'))).resolves.toBe(true);
      await expect(desk.addAgent(account('rina'))).resolves.toBe(false);
      await expect(desk.addAgent(account('budi'))).resolves.toBe(true);
      await expect(desk.agent('RINA')).resolves.toEqual({ name: 'Rina', role: 'admin', passwordHash: 'hash-Rina', createdAt: at(0) });
      await expect(desk.agent('nobody')).resolves.toBeUndefined();
      expect((await desk.agents()).map((a) => a.name)).toEqual(['budi', 'Rina']);
      await expect(desk.setPassword('rina', 'new-hash')).resolves.toBe(true);
      expect((await desk.agent('Rina'))?.passwordHash).toBe('new-hash');
      await expect(desk.setPassword('nobody', 'x')).resolves.toBe(false);
      await expect(desk.removeAgent('BUDI')).resolves.toBe(true);
      await expect(desk.removeAgent('budi')).resolves.toBe(false);
      expect((await desk.agents()).map((a) => a.name)).toEqual(['Rina']);
    });

    it('finds live sessions with the account’s current role, and ends them on logout, new password and removal', async () => {
      const desk = store.consoleStore();
      await desk.addAgent(account('Rina', 'admin'));
      const session = (token: string, minutes = 60) => ({ tokenHash: token, agent: 'rina', csrf: `csrf-${token}`, createdAt: at(0), expiresAt: at(minutes) });
      await desk.createSession(session('s1'));
      await expect(desk.session('s1', date(30))).resolves.toEqual({
        tokenHash: 's1',
        agent: 'Rina',
        role: 'admin',
        csrf: 'csrf-s1',
        createdAt: at(0),
        expiresAt: at(60),
      });
      await expect(desk.session('s1', date(60))).resolves.toBeUndefined();
      await expect(desk.session('nope', date(30))).resolves.toBeUndefined();
      await desk.deleteSession('s1');
      await expect(desk.session('s1', date(30))).resolves.toBeUndefined();
      await desk.createSession(session('s2'));
      await desk.setPassword('Rina', 'new');
      await expect(desk.session('s2', date(30))).resolves.toBeUndefined();
      await desk.createSession(session('s3'));
      await desk.removeAgent('Rina');
      await expect(desk.session('s3', date(30))).resolves.toBeUndefined();
    });

    it('counts failed logins per key since a time, forgets one, and clears them', async () => {
      const desk = store.consoleStore();
      for (const minute of [0, 1, 2]) await desk.recordFailedLogin('name:rina', date(minute));
      await desk.recordFailedLogin('ip:10.0.0.1', date(2));
      await expect(desk.failedLogins('name:rina', date(0))).resolves.toBe(3);
      await expect(desk.failedLogins('name:rina', date(1))).resolves.toBe(2);
      await expect(desk.failedLogins('name:other', date(0))).resolves.toBe(0);
      await desk.forgetFailedLogin('name:rina', date(1));
      await expect(desk.failedLogins('name:rina', date(0))).resolves.toBe(2);
      await desk.clearFailedLogins('name:rina');
      await expect(desk.failedLogins('name:rina', date(0))).resolves.toBe(0);
      await expect(desk.failedLogins('ip:10.0.0.1', date(0))).resolves.toBe(1);
      // Failures older than a day are dropped as new ones come in.
      await desk.recordFailedLogin('ip:10.0.0.2', date(25 * 60));
      await expect(desk.failedLogins('ip:10.0.0.1', date(0))).resolves.toBe(0);
    });

    it('keeps notes per ticket, and its change mark moves with messages, tickets and notes', async () => {
      const desk = store.consoleStore();
      const marks = [await desk.changeMark()];
      const mark = async (): Promise<string> => {
        const next = await desk.changeMark();
        expect(marks).not.toContain(next);
        marks.push(next);
        return next;
      };
      await store.recordInbound(inbound('wa:1', 'm1', 'halo'));
      await mark();
      const ticket = await store.createTicket(ticketFor('wa:1'));
      await mark();
      await store.updateTicketStatus(ticket.id, 'claimed', 'Rina');
      await mark();
      const n1 = await desk.addNote({ ticketId: ticket.id, agent: 'Rina', text: 'pelanggan tetap', at: at(1) });
      await mark();
      const n2 = await desk.addNote({ ticketId: ticket.id, agent: 'Sari', text: 'sudah ditelepon', at: at(2) });
      expect(typeof n1.id).toBe('number');
      expect(n2.id).toBeGreaterThan(n1.id);
      expect(n1).toEqual({ id: n1.id, ticketId: ticket.id, agent: 'Rina', text: 'pelanggan tetap', at: at(1) });
      await expect(desk.notes(ticket.id)).resolves.toEqual([n1, n2]);
      await expect(desk.notes('T09999')).resolves.toEqual([]);
      await store.updateTicketStatus(ticket.id, 'resolved');
      await mark();
      const unchanged = await desk.changeMark();
      expect(unchanged).toBe(marks.at(-1));
    });
  });
});

// Connecting, migrating: PostgreSQL only.
const postgres = BACKENDS.some((b) => b.name === 'postgres') ? postgresBackend() : undefined;
(postgres ? describe : describe.skip)('PostgreSQL store: connecting and migrating', () => {
  const backend = postgres as Backend;
  beforeAll(() => backend.setUp(), 60_000);
  afterAll(() => backend.tearDown(), 60_000);
  afterEach(() => backend.cleanUp());

  const clusterUrl = (): URL => new URL(backend.clusterUrl ?? '');

  it('refuses a closed port at once, naming host, port and database but never the password', async () => {
    const closed = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const port = (server.address() as { port: number }).port;
        server.close(() => resolve(port));
      });
    });
    const started = Date.now();
    const error = (await openPostgresStore(`postgres://tanya:s3cret-pw@127.0.0.1:${closed}/tanya_db`).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toContain(`127.0.0.1:${closed}`);
    expect(error.message).toContain('database "tanya_db"');
    expect(error.message).toMatch(/connection refused\. Check that the server is running/);
    expect(error.message).not.toContain('s3cret-pw');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('gives up on a server that never answers within the connection timeout', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const started = Date.now();
    try {
      const error = (await openPostgresStore(`postgres://bot:pw@127.0.0.1:${port}/shop`, { connectionTimeoutMs: 500 }).catch((e: unknown) => e)) as Error;
      expect(error.message).toContain(`127.0.0.1:${port}, database "shop"`);
      expect(error.message).toMatch(/no answer in time\. Check that the server is running/);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('says when the database does not exist', async () => {
    const url = clusterUrl();
    url.pathname = '/no_such_db';
    await expect(openPostgresStore(url.toString())).rejects.toThrow(/database "no_such_db".*does not exist/);
  });

  it('applies each migration once, even when several processes open the database at once', async () => {
    await backend.fresh();
    // fresh() migrated; more processes opening together find nothing left to do.
    const stores = await Promise.all([backend.again(), backend.again(), backend.again()]);
    expect(stores).toHaveLength(3);
    const pool = quietPool(backend.databaseUrl ?? '');
    try {
      await expect(migratePostgres(pool)).resolves.toEqual([]);
      const versions = await pool.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(versions.rows.map((r) => r.version)).toEqual([1, 2, 3]);
    } finally {
      await pool.end();
    }
  });

  it('migrates an empty database in one go when replicas start together', async () => {
    const url = clusterUrl();
    const name = `tanya_race_${Date.now()}`;
    const admin = quietPool(url.toString());
    await admin.query(`CREATE DATABASE ${name}`);
    url.pathname = `/${name}`;
    const pools = Array.from({ length: 4 }, () => quietPool(url.toString()));
    try {
      const applied = await Promise.all(pools.map((p) => migratePostgres(p)));
      expect(applied.filter((a) => a.length > 0)).toEqual([[1, 2, 3]]);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    }
  });

  it('survives connections the server cuts: idle ones are reported, a transaction that lost its own rejects', async () => {
    await backend.fresh();
    const errors: Error[] = [];
    const store = await openPostgresStore(backend.databaseUrl ?? '', { onError: (error) => errors.push(error) });
    const admin = quietPool(backend.databaseUrl ?? '');
    const cut = (state: string): Promise<unknown> =>
      admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'tanya' AND state = $1`, [
        state,
      ]);
    try {
      await store.recordInbound(inbound('wa:1', 'm1', 'halo'));
      await cut('idle');
      await waitFor(() => errors.length > 0);
      expect(errors[0].message).toMatch(/terminat/);
      await expect(store.transcript('wa:1')).resolves.toHaveLength(1);
      await expect(
        store.atomically(async (tx) => {
          await tx.recordInbound(inbound('wa:1', 'm2', 'hilang'));
          await cut('idle in transaction');
          await new Promise((r) => setTimeout(r, 200));
          await tx.recordInbound(inbound('wa:1', 'm3', 'hilang juga'));
        }),
      ).rejects.toThrow();
      expect((await store.transcript('wa:1')).map((l) => l.text)).toEqual(['halo']);
    } finally {
      await store.close();
      await admin.end();
    }
  });

  it('reads bigint and timestamptz its own way without changing pg for other code', async () => {
    const store = await backend.fresh();
    await store.enqueue({ kind: 'k', target: 't', payload: 1, at: new Date('2026-01-02T03:04:05.678Z') });
    const pool = quietPool(backend.databaseUrl ?? '');
    try {
      const row = (await pool.query<{ seq: unknown; created_at: unknown }>('SELECT seq, created_at FROM outbox')).rows[0];
      expect(row.seq).toBe('1');
      expect(row.created_at).toBeInstanceOf(Date);
      expect((await store.takeDue(all, new Date(), 1000))[0]).toMatchObject({ seq: 1, createdAt: '2026-01-02T03:04:05.678Z' });
    } finally {
      await pool.end();
    }
  });

  it('opens without migrating only when the schema is current', async () => {
    const url = clusterUrl();
    const name = `tanya_empty_${Date.now()}`;
    const admin = quietPool(url.toString());
    await admin.query(`CREATE DATABASE ${name}`);
    url.pathname = `/${name}`;
    try {
      await expect(openPostgresStore(url.toString(), { migrate: false })).rejects.toThrow(/tanya db migrate/);
      const store = await openPostgresStore(url.toString());
      await store.close();
      const again = await openPostgresStore(url.toString(), { migrate: false, max: 2 });
      await expect(again.recordInbound(inbound('wa:1', 'm', 'x'))).resolves.toBe(true);
      await again.close();
    } finally {
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});

/** A pool for the tests' own statements; its connections may be cut when a test database is dropped. */
function quietPool(url: string): Pool {
  const pool = new Pool({ connectionString: url });
  pool.on('error', () => undefined);
  return pool;
}

async function waitFor(condition: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
