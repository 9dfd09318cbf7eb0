import { SocketClient } from '../webchat/socket-client';
import { startConsoleBot, type ConsoleBot } from './console-bot';
import { ConsoleClient } from './console-client';

// The inbox's JSON API over real HTTP: what the page's script calls.

jest.setTimeout(60_000);

let running: ConsoleBot;
let rina: ConsoleClient;
let dewi: ConsoleClient;
let ticketId = '';

beforeAll(async () => {
  running = await startConsoleBot();
  await running.addAgent('Rina', 'rina-sandi-rahasia-123');
  await running.addAgent('Dewi', 'dewi-sandi-rahasia-123');
  rina = new ConsoleClient(running.base);
  await rina.login('Rina', 'rina-sandi-rahasia-123');
  dewi = new ConsoleClient(running.base);
  await dewi.login('Dewi', 'dewi-sandi-rahasia-123');
  const customer = await SocketClient.open(running.base);
  await customer.hello();
  await customer.ask('kak mau komplain, pesanan saya belum sampai');
  await customer.ask('/agent');
  await customer.close();
  ticketId = (await running.store.listTickets())[0]?.id ?? '';
});
afterAll(async () => {
  await running?.stop();
});

const json = async (client: ConsoleClient, path: string): Promise<Record<string, unknown>> =>
  (await (await client.request('GET', path)).json()) as Record<string, unknown>;

describe('inbox API', () => {
  it('lists open tickets with filters by status, channel and agent', async () => {
    expect(await json(rina, '/console/api/tickets')).toMatchObject({
      tickets: [{ id: ticketId, status: 'queued', channel: 'webchat' }],
      channels: ['webchat'],
    });
    expect(await json(rina, '/console/api/tickets?channel=telegram')).toMatchObject({ tickets: [] });
    expect(await json(rina, '/console/api/tickets?status=claimed')).toMatchObject({ tickets: [] });
    expect(await json(rina, '/console/api/tickets?agent=Rina')).toMatchObject({ tickets: [] });
  });

  it('shows a ticket with its transcript, shop-time stamps and candidates, and audits the read', async () => {
    const detail = await json(rina, `/console/api/tickets/${ticketId}`);
    expect(detail).toMatchObject({ id: ticketId, status: 'queued', reason: expect.any(String), csat: null });
    const lines = detail.lines as { from: string; at: string }[];
    expect(lines[0]).toMatchObject({ from: 'customer' });
    expect(lines.every((l) => /^\d{4}-\d\d-\d\d \d\d:\d\d WIB$/.test(l.at))).toBe(true);
    expect(lines.some((l) => l.from === 'bot')).toBe(true);
    expect((await running.store.auditLog()).some((a) => a.action === 'ticket.read' && a.actor === 'Rina' && a.via === 'console')).toBe(true);
    expect((await rina.request('GET', '/console/api/tickets/T99999')).status).toBe(404);
  });

  it('claim, refuse another agent’s reply (409), transfer to Dewi, who then answers; resolve', async () => {
    expect((await rina.post(`/console/api/tickets/${ticketId}/claim`, {})).status).toBe(200);
    const refused = await dewi.post(`/console/api/tickets/${ticketId}/reply`, { text: 'saya bantu' });
    expect([refused.status, await refused.json()]).toEqual([409, expect.objectContaining({ error: 'claimed-by-other' })]);
    expect((await rina.post(`/console/api/tickets/${ticketId}/reply`, { text: '   ' })).status).toBe(400);
    expect((await rina.post(`/console/api/tickets/${ticketId}/transfer`, { to: 'Nobody' })).status).toBe(400);
    expect((await rina.post(`/console/api/tickets/${ticketId}/transfer`, { to: 'dewi' })).status).toBe(200);
    expect(await running.store.getTicket(ticketId)).toMatchObject({ status: 'claimed', agent: 'Dewi' });
    expect((await dewi.post(`/console/api/tickets/${ticketId}/reply`, { text: 'Halo Kak, Dewi di sini.' })).status).toBe(200);
    expect(await json(dewi, '/console/api/tickets?agent=Dewi')).toMatchObject({ tickets: [{ id: ticketId }] });
    expect((await dewi.post(`/console/api/tickets/${ticketId}/resolve`, {})).status).toBe(200);
    expect((await dewi.post(`/console/api/tickets/${ticketId}/resolve`, {})).status).toBe(409);
    expect(await json(dewi, '/console/api/tickets')).toMatchObject({ tickets: [] });
    expect(await json(dewi, '/console/api/tickets?status=all')).toMatchObject({ tickets: [{ id: ticketId, status: 'resolved', agent: 'Dewi' }] });
    expect(await json(dewi, '/console/api/tickets?status=resolved')).toMatchObject({ tickets: [{ id: ticketId }] });
    expect((await dewi.request('GET', '/console/api/tickets?status=bogus')).status).toBe(400);
    const actions = (await running.store.auditLog()).filter((a) => a.via === 'console' && a.action !== 'ticket.read').map((a) => `${a.actor} ${a.action}`);
    expect(actions).toEqual(['Rina ticket.claim', 'Rina ticket.transfer', 'Dewi ticket.reply', 'Dewi ticket.resolve']);
  });

  it('finds canned replies in the knowledge base’s answers', async () => {
    const found = (await (await rina.request('GET', '/console/api/canned?q=garansi')).json()) as { entryId: string; text: string }[];
    expect(found.length).toBeGreaterThan(0);
    expect(found.some((c) => c.entryId === 'warranty')).toBe(true);
  });
});
