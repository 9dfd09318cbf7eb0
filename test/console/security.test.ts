import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { SocketClient } from '../webchat/socket-client';
import { startConsoleBot, type ConsoleBot } from './console-bot';
import { ConsoleClient } from './console-client';

// The console's guards through real HTTP on 127.0.0.1, the real bot and a SQLite file.

jest.setTimeout(60_000);

const AGENT_PASSWORD = 'rina-sandi-rahasia-123';
const ADMIN_PASSWORD = 'budi-sandi-rahasia-456';

let running: ConsoleBot;
let ticketId = '';

beforeAll(async () => {
  running = await startConsoleBot();
  await running.addAgent('Rina', AGENT_PASSWORD, 'agent');
  await running.addAgent('Budi', ADMIN_PASSWORD, 'admin');
  const customer = await SocketClient.open(running.base);
  await customer.hello();
  await customer.ask('/agent');
  await customer.close();
  ticketId = (await running.store.listTickets())[0]?.id ?? '';
});
afterAll(async () => {
  await running?.stop();
});

const PAGES = ['/console', '/console/inbox', '/console/dashboard', '/console/playground'];
const API = [
  '/console/api/me',
  '/console/api/tickets',
  '/console/api/tickets/T00001',
  '/console/api/agents',
  '/console/api/canned?q=garansi',
  '/console/api/admin/agents',
];
const CHANGES = [
  '/console/api/tickets/T00001/claim',
  '/console/api/tickets/T00001/reply',
  '/console/api/tickets/T00001/note',
  '/console/api/tickets/T00001/resolve',
  '/console/logout',
  '/console/playground',
];

describe('without a session', () => {
  it('pages redirect to the sign-in form, the API and every change answer 401, the live feed refuses the upgrade', async () => {
    const anonymous = new ConsoleClient(running.base);
    for (const path of PAGES) {
      const answer = await anonymous.request('GET', path);
      expect([path, answer.status, answer.headers.get('location')]).toEqual([path, 303, '/console/login']);
    }
    for (const path of API) expect([path, (await anonymous.request('GET', path)).status]).toEqual([path, 401]);
    for (const path of CHANGES) expect([path, (await anonymous.request('POST', path, { json: { text: 'x' } })).status]).toEqual([path, 401]);
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${running.base.replace('http', 'ws')}/console/live`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => undefined);
    });
    expect(refused).toBe(401);
    expect((await running.store.getTicket(ticketId))?.status).toBe('queued');
  });
});

describe('roles', () => {
  it('an agent gets 403 on admin pages and data; an admin gets them', async () => {
    const rina = new ConsoleClient(running.base);
    await rina.login('Rina', AGENT_PASSWORD);
    expect((await rina.request('GET', '/console/inbox')).status).toBe(200);
    expect((await rina.request('GET', '/console/dashboard')).status).toBe(403);
    expect((await rina.request('GET', '/console/playground')).status).toBe(403);
    expect((await rina.request('GET', '/console/api/admin/agents')).status).toBe(403);
    expect((await rina.post('/console/playground', {})).status).toBe(403);
    const inbox = await (await rina.request('GET', '/console/inbox')).text();
    expect(inbox).not.toContain('/console/dashboard');
    const budi = new ConsoleClient(running.base);
    await budi.login('Budi', ADMIN_PASSWORD);
    expect((await budi.request('GET', '/console/dashboard')).status).toBe(200);
    expect((await budi.request('GET', '/console/playground')).status).toBe(200);
    expect(await (await budi.request('GET', '/console/api/admin/agents')).json()).toEqual([
      { name: 'Budi', role: 'admin' },
      { name: 'Rina', role: 'agent' },
    ]);
  });
});

describe('CSRF', () => {
  it('refuses every change without the session’s token (or with another session’s, or from another origin) with 403', async () => {
    const rina = new ConsoleClient(running.base);
    await rina.login('Rina', AGENT_PASSWORD);
    const budi = new ConsoleClient(running.base);
    await budi.login('Budi', ADMIN_PASSWORD);
    for (const path of CHANGES) {
      expect([path, (await rina.request('POST', path, { json: { text: 'halo' } })).status]).toEqual([path, 403]);
      expect([path, (await rina.request('POST', path, { json: { text: 'halo' } }, { 'x-csrf-token': budi.csrf })).status]).toEqual([path, 403]);
    }
    const foreign = await rina.request(
      'POST',
      `/console/api/tickets/${ticketId}/claim`,
      { json: {} },
      { 'x-csrf-token': rina.csrf, origin: 'http://evil.example' },
    );
    expect(foreign.status).toBe(403);
    // A sign-in form posted without the form's own token (another site's form) is refused too.
    const noToken = await new ConsoleClient(running.base).request('POST', '/console/login', { form: { name: 'Rina', password: AGENT_PASSWORD } });
    expect(noToken.status).toBe(403);
    expect((await running.store.getTicket(ticketId))?.status).toBe('queued');
    expect(await running.store.consoleStore().notes(ticketId)).toEqual([]);
    // With the token the same change goes through.
    expect((await rina.post(`/console/api/tickets/${ticketId}/note`, { text: 'pelanggan VIP' })).status).toBe(200);
    expect((await running.store.consoleStore().notes(ticketId)).map((n) => n.text)).toEqual(['pelanggan VIP']);
  });

  it('sets the session cookie HttpOnly and SameSite=Strict; logout ends the session', async () => {
    const client = new ConsoleClient(running.base);
    const answer = await client.tryLogin('Rina', AGENT_PASSWORD);
    expect(answer.status).toBe(303);
    const set = answer.headers.getSetCookie().find((c) => c.startsWith('tanya_console='));
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/SameSite=Strict/);
    expect(set).toMatch(/Path=\/console/);
    const signed = new ConsoleClient(running.base);
    await signed.login('Rina', AGENT_PASSWORD);
    expect((await signed.request('GET', '/console/api/me')).status).toBe(200);
    const out = await signed.request('POST', '/console/logout', { form: { _csrf: signed.csrf } });
    expect(out.status).toBe(303);
    expect((await signed.request('GET', '/console/api/me')).status).toBe(401);
  });
});

describe('the live feed', () => {
  it('closes when its session ends (logout), at the next change', async () => {
    const signed = new ConsoleClient(running.base);
    await signed.login('Rina', AGENT_PASSWORD);
    const ws = new WebSocket(`${running.base.replace('http', 'ws')}/console/live`, { headers: { cookie: signed.cookieHeader(), origin: running.base } });
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      ws.once('message', () => resolve());
      ws.once('error', reject);
    });
    expect((await signed.request('POST', '/console/logout', { form: { _csrf: signed.csrf } })).status).toBe(303);
    const customer = await SocketClient.open(running.base);
    await customer.hello();
    await customer.ask('/agent');
    await customer.close();
    await expect(closed).resolves.toBe(4401);
  });
});

describe('sign-in', () => {
  it('rate limits a name after 10 wrong passwords (429, even with the right one next); other names still sign in', async () => {
    await running.addAgent('Sari', 'sari-sandi-rahasia-789');
    const guesser = new ConsoleClient(running.base);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await guesser.tryLogin('Sari', `tebakan-${i}`)).status);
    expect(statuses).toEqual(Array(10).fill(401));
    const limited = await guesser.tryLogin('Sari', `tebakan-x`);
    expect(limited.status).toBe(429);
    expect(await limited.text()).toContain('Too many failed attempts');
    expect((await new ConsoleClient(running.base).tryLogin('Sari', 'sari-sandi-rahasia-789')).status).toBe(429);
    expect((await new ConsoleClient(running.base).tryLogin('Rina', AGENT_PASSWORD)).status).toBe(303);
  });

  it('never stores or logs a password in clear: scrypt hashes in the database, names only in the log', async () => {
    const client = new ConsoleClient(running.base);
    await client.tryLogin('Rina', 'salah-sandi-rahasia-000');
    await new ConsoleClient(running.base).login('Rina', AGENT_PASSWORD);
    const db = new Database(running.dbPath, { readonly: true });
    const hashes = db.prepare('SELECT name, password_hash AS hash FROM console_agents ORDER BY name').all() as { name: string; hash: string }[];
    db.close();
    for (const { hash } of hashes) expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    const file = readFileSync(running.dbPath);
    const wal = readFileSync(`${running.dbPath}-wal`);
    for (const secret of [AGENT_PASSWORD, ADMIN_PASSWORD, 'salah-sandi-rahasia-000', 'sari-sandi-rahasia-789']) {
      expect(file.includes(secret)).toBe(false);
      expect(wal.includes(secret)).toBe(false);
      expect(running.logs.join('').includes(secret)).toBe(false);
    }
    expect(running.logs.join('')).toContain('console login refused');
  });
});
