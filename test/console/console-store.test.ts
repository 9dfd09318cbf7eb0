import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleAuth, MAX_CONCURRENT_LOGINS, MAX_FAILED_LOGINS } from '../../src/console/console-auth';
import { hashPassword, verifyPassword } from '../../src/console/passwords';
import { SqliteStore } from '../../src/storage/sqlite-store';

// The console's tables in a real SQLite file: accounts, sessions, failed logins, notes.

let dir = '';
let store: SqliteStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tanya-console-store-'));
  store = new SqliteStore(join(dir, 'tanya.db'));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const ticketFor = async (conversationId: string, customerId: string) => {
  await store.recordInbound({
    channel: 'webchat',
    conversationId,
    userId: customerId,
    messageId: `m-${conversationId}`,
    text: 'minta CS',
    kind: 'text',
    at: '2026-01-01T03:00:00.000Z',
  });
  return store.createTicket({
    conversationId,
    channel: 'webchat',
    customerId,
    reason: 'requested',
    summary: { lastQuestion: 'minta CS', candidates: [], entities: {} },
  });
};

describe('passwords', () => {
  it('hashes with scrypt and a fresh salt; only the right password verifies', async () => {
    const a = await hashPassword('kata-sandi-rahasia');
    const b = await hashPassword('kata-sandi-rahasia');
    expect(a).not.toBe(b);
    expect(a).not.toContain('kata-sandi-rahasia');
    await expect(verifyPassword('kata-sandi-rahasia', a)).resolves.toBe(true);
    await expect(verifyPassword('kata-sandi-rahasiA', a)).resolves.toBe(false);
    await expect(verifyPassword('x', 'not-a-hash')).resolves.toBe(false);
  });
});

describe('ConsoleAuth on the store', () => {
  it('signs in, finds the session by cookie, ends it on logout, on a new password and on removal', async () => {
    const accounts = store.consoleStore();
    await accounts.addAgent({ name: 'Rina', role: 'admin', passwordHash: await hashPassword('rina-sandi-rahasia'), createdAt: '2026-01-01T00:00:00Z' });
    expect(await accounts.addAgent({ name: 'rina', role: 'agent', passwordHash: 'x', createdAt: '2026-01-01T00:00:00Z' })).toBe(false);
    let now = new Date('2026-01-01T03:00:00Z');
    const auth = new ConsoleAuth(accounts, () => now);
    const login = await auth.login('rina', 'rina-sandi-rahasia', '10.0.0.1');
    if (!login.ok) throw new Error(login.error);
    const headers = { cookie: `other=1; tanya_console=${login.token}` };
    expect(await auth.signed({ headers })).toMatchObject({ agent: 'Rina', role: 'admin' });
    // The database holds a hash of the token, never the token.
    const raw = new Database(join(dir, 'tanya.db'), { readonly: true });
    const stored = raw.prepare('SELECT token_hash FROM console_sessions').pluck().all();
    raw.close();
    expect(stored).toHaveLength(1);
    expect(stored).not.toContain(login.token);
    now = new Date('2026-01-01T16:00:00Z');
    expect(await auth.signed({ headers })).toBeUndefined();
    now = new Date('2026-01-01T03:00:00Z');
    const signed = await auth.signed({ headers });
    if (!signed) throw new Error('no session');
    await auth.logout(signed);
    expect(await auth.signed({ headers })).toBeUndefined();
    const again = await auth.login('Rina', 'rina-sandi-rahasia', '10.0.0.1');
    if (!again.ok) throw new Error(again.error);
    await accounts.setPassword('Rina', await hashPassword('sandi-baru-rahasia'));
    expect(await auth.signed({ headers: { cookie: `tanya_console=${again.token}` } })).toBeUndefined();
    const third = await auth.login('Rina', 'sandi-baru-rahasia', '10.0.0.1');
    if (!third.ok) throw new Error(third.error);
    await accounts.removeAgent('Rina');
    expect(await auth.signed({ headers: { cookie: `tanya_console=${third.token}` } })).toBeUndefined();
  });

  it('counts failures per name within 15 minutes; a success clears the name’s count', async () => {
    const accounts = store.consoleStore();
    await accounts.addAgent({ name: 'Sari', role: 'agent', passwordHash: await hashPassword('sari-sandi-rahasia'), createdAt: '2026-01-01T00:00:00Z' });
    let now = new Date('2026-01-01T03:00:00Z');
    const auth = new ConsoleAuth(accounts, () => now);
    for (let i = 0; i < MAX_FAILED_LOGINS - 1; i++) await expect(auth.login('Sari', `salah-${i}`, '10.0.0.2')).resolves.toEqual({ ok: false, error: 'wrong' });
    await expect(auth.login('Sari', 'sari-sandi-rahasia', '10.0.0.2')).resolves.toMatchObject({ ok: true });
    for (let i = 0; i < MAX_FAILED_LOGINS; i++) await auth.login('Sari', `salah-${i}`, '10.0.0.3');
    await expect(auth.login('Sari', 'sari-sandi-rahasia', '10.0.0.3')).resolves.toEqual({ ok: false, error: 'limited' });
    now = new Date('2026-01-01T03:16:00Z');
    await expect(auth.login('Sari', 'sari-sandi-rahasia', '10.0.0.3')).resolves.toMatchObject({ ok: true });
  });
});

describe('sign-in limits under attack', () => {
  it('guesses sent side by side see each other: no more than the limit are checked, and the right password then waits', async () => {
    const accounts = store.consoleStore();
    await accounts.addAgent({ name: 'Sari', role: 'agent', passwordHash: await hashPassword('sari-sandi-rahasia'), createdAt: '2026-01-01T00:00:00Z' });
    const auth = new ConsoleAuth(accounts, () => new Date('2026-01-01T03:00:00Z'));
    const outcomes = await Promise.all(Array.from({ length: 40 }, (_, i) => auth.login('Sari', `salah-${i}`, '10.0.0.9')));
    const checked = outcomes.filter((o) => !o.ok && o.error === 'wrong').length;
    expect(checked).toBeLessThanOrEqual(MAX_CONCURRENT_LOGINS);
    expect(outcomes.filter((o) => !o.ok && o.error === 'limited')).toHaveLength(40 - checked);
  });

  it('a name locked from one address still signs in from another, and a success leaves no failure behind', async () => {
    const accounts = store.consoleStore();
    await accounts.addAgent({ name: 'Rina', role: 'admin', passwordHash: await hashPassword('rina-sandi-rahasia'), createdAt: '2026-01-01T00:00:00Z' });
    const auth = new ConsoleAuth(accounts, () => new Date('2026-01-01T03:00:00Z'));
    for (let i = 0; i < MAX_FAILED_LOGINS; i++) await auth.login('Rina', `salah-${i}`, '203.0.113.7');
    await expect(auth.login('Rina', 'rina-sandi-rahasia', '203.0.113.7')).resolves.toEqual({ ok: false, error: 'limited' });
    await expect(auth.login('Rina', 'rina-sandi-rahasia', '10.0.0.2')).resolves.toMatchObject({ ok: true });
    // Counted before the check, forgotten after the right password: the office address is not charged for it.
    for (let i = 0; i < 3; i++) await expect(auth.login('Rina', 'rina-sandi-rahasia', '10.0.0.2')).resolves.toMatchObject({ ok: true });
    expect(await accounts.failedLogins('ip:10.0.0.2', new Date('2026-01-01T02:00:00Z'))).toBe(0);
  });
});

describe('internal notes and privacy', () => {
  it('go with their ticket when the customer is forgotten or the ticket is anonymized by retention', async () => {
    const notes = store.consoleStore();
    const kept = await ticketFor('webchat:a', 'a');
    const forgotten = await ticketFor('webchat:b', 'b');
    await notes.addNote({ ticketId: kept.id, agent: 'Rina', text: 'pelanggan tetap', at: '2026-01-01T03:01:00Z' });
    await notes.addNote({ ticketId: forgotten.id, agent: 'Rina', text: 'alamat: Jl. Merdeka 1', at: '2026-01-01T03:01:00Z' });
    expect((await store.forgetCustomer(['b'])).conversations).toEqual(['webchat:b']);
    expect(await notes.notes(forgotten.id)).toEqual([]);
    expect((await notes.notes(kept.id)).map((n) => n.text)).toEqual(['pelanggan tetap']);
    await store.updateTicketStatus(kept.id, 'resolved');
    while ((await store.purgeOlderThan(new Date('2099-01-01T00:00:00Z'))).more);
    expect((await store.getTicket(kept.id))?.customerId).toBe('anonymized');
    expect(await notes.notes(kept.id)).toEqual([]);
  });
});
