import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentDesk } from '../../src/engine/agent-desk';
import { Engine } from '../../src/engine/engine';
import type { InboundMessage } from '../../src/core/types';
import { loadFlows } from '../../src/flows/loader';
import type { KnowledgeBase } from '../../src/knowledge/schema';
import { SqliteStore } from '../../src/storage/sqlite-store';
import { sampleShop } from '../support/sample-shop';

export interface Customer {
  readonly channel: string;
  readonly conversationId: string;
  readonly userId: string;
  readonly userName?: string;
}

/** Two WhatsApp customers, Wati also on WhatsApp Web with the same number, and a Telegram customer. */
export const WATI: Customer = { channel: 'whatsapp', conversationId: 'whatsapp:6281234567890', userId: '6281234567890', userName: 'Wati Susanti' };
export const WATI_WEB: Customer = { channel: 'whatsapp-web', conversationId: 'whatsapp-web:6281234567890@c.us', userId: '6281234567890' };
export const BUDI: Customer = { channel: 'whatsapp', conversationId: 'whatsapp:6289876543210', userId: '6289876543210', userName: 'Budi Santoso' };
export const RINI: Customer = { channel: 'telegram', conversationId: 'telegram:5550001', userId: '5550001', userName: 'Rini' };

/** Wednesday 10:00 in Jakarta, inside the sample CS team's hours. */
const CLOCK = new Date('2026-11-25T03:00:00Z');

export interface Shop {
  readonly dbPath: string;
  readonly store: SqliteStore;
  readonly engine: Engine;
  readonly desk: AgentDesk;
  close(): Promise<void>;
}

/** The sample shop (with its flows) over a real SQLite file in a fresh temporary folder. */
export async function openShop(kb: KnowledgeBase = sampleShop(), dbPath = join(mkdtempSync(join(tmpdir(), 'tanya-privacy-')), 'tanya.db')): Promise<Shop> {
  const store = new SqliteStore(dbPath);
  const engine = new Engine(kb, store, { flows: loadFlows('flows', kb), now: () => CLOCK });
  const desk = new AgentDesk(
    store,
    () => kb,
    () => CLOCK,
  );
  return { dbPath, store, engine, desk, close: () => store.close() };
}

let seq = 0;
export function message(customer: Customer, text: string, receivedAt = new Date()): InboundMessage {
  return {
    channel: customer.channel,
    conversationId: customer.conversationId,
    userId: customer.userId,
    ...(customer.userName ? { userName: customer.userName } : {}),
    messageId: `m${++seq}`,
    text,
    receivedAt,
  };
}

/**
 * A customer's whole stay with the bot, through the real engine and agent desk: a price question,
 * the feedback flow (a flow record), a handoff claimed, answered and resolved by an agent, the
 * 1–5 rating; plus the ticket's message in the agents' group, a channel reference and a message
 * still waiting in the inbox. Returns the ticket id.
 */
export async function fullStay(shop: Shop, customer: Customer, secret: string): Promise<string> {
  const say = (text: string): Promise<unknown> => shop.engine.handle(message(customer, text));
  await say('brp harga iphone 15');
  await say('/feedback');
  await say('5');
  const handoff = await shop.engine.handle(message(customer, `mau bicara sama admin, ${secret}`));
  if (handoff.decision.type !== 'handoff') throw new Error(`expected a handoff, got ${handoff.decision.type}`);
  const ticketId = handoff.decision.ticketId;
  await shop.store.saveTicketRef('telegram-desk', `-100777:${++seq}`, ticketId);
  expect((await shop.desk.claim(ticketId, 'Rina', 'cli')).ok).toBe(true);
  expect((await shop.desk.reply(ticketId, 'Rina', `Halo Kak, ${secret} sudah kami cek`, 'cli')).ok).toBe(true);
  expect((await shop.desk.resolve(ticketId, 'Rina', 'cli')).ok).toBe(true);
  await say('5');
  await shop.store.saveChannelRef(customer.conversationId, {
    user: { id: customer.userId, name: customer.userName ?? '' },
    serviceUrl: 'https://example.invalid/',
  });
  await shop.store.acceptInbound(customer.channel, `delivery-${++seq}`, customer.conversationId, {
    message: { ...message(customer, `belum diproses ${secret}`), receivedAt: new Date().toISOString() },
  });
  return ticketId;
}

/** Every row of every table of the database, as text per table (the tables are read from the schema, so new ones are covered). */
export function everyRow(dbPath: string): Map<string, string[]> {
  const db = new Database(dbPath, { readonly: true });
  try {
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).all() as { name: string }[]).map(
      (t) => t.name,
    );
    return new Map(tables.map((t) => [t, (db.prepare(`SELECT * FROM "${t}"`).all() as object[]).map((row) => JSON.stringify(row))]));
  } finally {
    db.close();
  }
}

/** Rows (table: row) that contain any of the words. */
export function rowsMentioning(rows: Map<string, string[]>, words: readonly string[]): string[] {
  const hits: string[] = [];
  for (const [table, list] of rows) for (const row of list) if (words.some((w) => row.includes(w))) hits.push(`${table}: ${row}`);
  return hits;
}

/**
 * Moves a conversation's data `days` into the past (messages, state, tickets, flow records,
 * channel ref, inbox and outbox rows), as if it had happened then.
 */
export function age(dbPath: string, conversationId: string, days: number): void {
  const db = new Database(dbPath);
  const back = (column: string): string => `${column} = strftime('%Y-%m-%dT%H:%M:%fZ', ${column}, '-${days} days')`;
  try {
    db.transaction(() => {
      const tickets = (db.prepare(`SELECT id FROM tickets WHERE conversation_id = ?`).all(conversationId) as { id: string }[]).map((t) => t.id);
      db.prepare(`UPDATE messages SET ${back('created_at')} WHERE conversation_id = ?`).run(conversationId);
      db.prepare(`UPDATE conversations SET ${back('updated_at')} WHERE id = ?`).run(conversationId);
      db.prepare(`UPDATE tickets SET ${back('created_at')}, ${back('claimed_at')}, ${back('resolved_at')} WHERE conversation_id = ?`).run(conversationId);
      db.prepare(`UPDATE flow_records SET ${back('created_at')} WHERE conversation_id = ?`).run(conversationId);
      db.prepare(`UPDATE channel_refs SET ${back('updated_at')} WHERE conversation_id = ?`).run(conversationId);
      db.prepare(`UPDATE inbox SET ${back('received_at')} WHERE conversation_id = ?`).run(conversationId);
      for (const target of [conversationId, ...tickets]) db.prepare(`UPDATE outbox SET ${back('created_at')}, ${back('next_at')} WHERE target = ?`).run(target);
    })();
  } finally {
    db.close();
  }
}

/** Rows per table that belong to a conversation or its tickets (for "nothing else changed"). */
export function rowsOf(dbPath: string, customer: Customer, ticketIds: readonly string[]): string[] {
  return rowsMentioning(everyRow(dbPath), [customer.conversationId, ...ticketIds.map((t) => `"${t}"`)])
    .filter((r) => !r.startsWith('audit:'))
    .sort();
}
