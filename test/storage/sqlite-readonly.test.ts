import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreFileError } from '../../src/storage/sqlite';
import { SqliteStore } from '../../src/storage/sqlite-store';

const folder = (): string => mkdtempSync(join(tmpdir(), 'tanya-readonly-'));
const line = { channel: 'test', conversationId: 'test:1', userId: '1', messageId: 'm1', text: 'bisa cod ga kak', kind: 'text', at: '2026-11-25T03:00:00.000Z' };

describe('SqliteStore opened read only', () => {
  it('reads what the bot wrote and refuses every write', async () => {
    const path = join(folder(), 'bot.db');
    const bot = new SqliteStore(path);
    await bot.recordInbound(line);
    await bot.close();
    const before = readFileSync(path);
    const reader = new SqliteStore(path, { readonly: true });
    expect((await reader.messagesSince('1970-01-01')).map((m) => m.text)).toEqual(['bisa cod ga kak']);
    await expect(reader.recordInbound({ ...line, messageId: 'm2' })).rejects.toMatchObject({ message: expect.stringMatching(/readonly database/) });
    await expect(reader.audit({ actor: 'Rina', action: 'ticket.read', subject: 'T00001' })).rejects.toMatchObject({
      message: expect.stringMatching(/readonly database/),
    });
    await reader.close();
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('creates neither the file nor its folder when it is missing', () => {
    const path = join(folder(), 'data', 'tanya.db');
    for (const options of [{ readonly: true }, { mustExist: true }]) {
      expect(() => new SqliteStore(path, options)).toThrow(StoreFileError);
      expect(existsSync(join(path, '..'))).toBe(false);
    }
  });

  it('names what an older database lacks instead of upgrading it', () => {
    const path = join(folder(), 'old.db');
    const old = new Database(path);
    old.exec(`CREATE TABLE messages (id INTEGER PRIMARY KEY, conversation_id TEXT, text TEXT);
              CREATE TABLE tickets (seq INTEGER PRIMARY KEY, id TEXT, status TEXT)`);
    old.close();
    let error: unknown;
    try {
      new SqliteStore(path, { readonly: true });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreFileError);
    expect(error).toMatchObject({
      problem: 'outdated',
      missing: expect.arrayContaining(['conversations', 'audit', 'tickets.csat', 'tickets.transcript_until']),
    });
    const after = new Database(path, { readonly: true });
    expect((after.pragma('table_info(tickets)') as { name: string }[]).map((c) => c.name)).toEqual(['seq', 'id', 'status']);
    after.close();
  });
});
