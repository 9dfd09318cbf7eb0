import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { everyRow, message, openShop, RINI, WATI } from './customers';

const tanya = (args: string[], input = ''): { status: number | null; stdout: string; stderr: string } => {
  const r = spawnSync(process.execPath, [join('bin', 'tanya.js'), ...args], { input, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

const SECRET_REPLY = 'Nomor resi JNE 0123456789 atas nama Wati';

describe('audit log of agent actions', () => {
  it('records who claimed, replied, transferred, resolved and read which ticket and when — never the text', async () => {
    const shop = await openShop();
    const opened = await shop.engine.handle(message(WATI, 'mau bicara sama admin'));
    const ticket = opened.decision.type === 'handoff' ? opened.decision.ticketId : '';
    expect((await shop.desk.viewTickets('Rina', { via: 'telegram' })).map((t) => t.id)).toEqual([ticket]);
    expect((await shop.desk.claim(ticket, 'Rina', 'telegram')).ok).toBe(true);
    expect((await shop.desk.reply(ticket, 'Rina', SECRET_REPLY, 'telegram')).ok).toBe(true);
    // Refused actions change nothing and leave no row.
    expect(await shop.desk.reply(ticket, 'Sari', 'saya ambil alih', 'helpdesk')).toMatchObject({ ok: false, error: 'claimed-by-other' });
    expect(await shop.desk.transfer(ticket, 'Sari', 'Budi', 'helpdesk')).toMatchObject({ ok: false, error: 'claimed-by-other' });
    const moved = await shop.desk.transfer(ticket, 'Rina', 'Sari', 'telegram');
    expect(moved).toMatchObject({ ok: true, ticket: { agent: 'Sari', status: 'claimed' } });
    expect((await shop.store.transcript(WATI.conversationId)).at(-1)?.text).toBe('Sari dari tim CS sudah terhubung dan akan membantu Kakak.');
    expect((await shop.desk.reply(ticket, 'Sari', 'Halo Kak', 'helpdesk')).ok).toBe(true);
    expect((await shop.desk.resolve(ticket, 'Sari', 'helpdesk')).ok).toBe(true);
    expect((await shop.desk.resolve(ticket, 'Sari', 'helpdesk')).ok).toBe(false);

    const log = await shop.store.auditLog();
    expect(log.map((e) => [e.actor, e.action, e.subject, e.via])).toEqual([
      ['Rina', 'ticket.read', ticket, 'telegram'],
      ['Rina', 'ticket.claim', ticket, 'telegram'],
      ['Rina', 'ticket.reply', ticket, 'telegram'],
      ['Rina', 'ticket.transfer', ticket, 'telegram'],
      ['Sari', 'ticket.reply', ticket, 'helpdesk'],
      ['Sari', 'ticket.resolve', ticket, 'helpdesk'],
    ]);
    expect(log[3].detail).toEqual({ to: 'Sari' });
    expect(log.every((e) => !Number.isNaN(Date.parse(e.at)))).toBe(true);
    const rows = everyRow(shop.dbPath).get('audit') ?? [];
    expect(rows).toHaveLength(6);
    expect(rows.join('\n')).not.toMatch(/resi|0123456789|Halo Kak|admin|6281234567890|Wati/);
    expect(await shop.store.auditLog({ since: '2999-01-01' })).toEqual([]);
    await shop.close();
  });

  it('records the terminal desk (tanya tickets / claim / reply / transfer / resolve) with the agent name and prints it with tanya audit', async () => {
    const shop = await openShop();
    const opened = await shop.engine.handle(message(RINI, 'mau bicara sama admin'));
    const ticket = opened.decision.type === 'handoff' ? opened.decision.ticketId : '';
    await shop.close();
    const db = shop.dbPath;
    expect(tanya(['tickets', '--db', db, '--agent', 'Rina']).stdout).toContain(`${ticket}  queued`);
    expect(tanya(['claim', ticket, '--db', db, '--agent', 'Rina']).status).toBe(0);
    expect(tanya(['reply', ticket, SECRET_REPLY, '--db', db, '--agent', 'Rina']).status).toBe(0);
    const transfer = tanya(['transfer', ticket, 'Sari', '--db', db, '--agent', 'Rina']);
    expect(transfer.status).toBe(0);
    expect(transfer.stdout).toContain(`↪️ ${ticket} sekarang ditangani Sari / now handled by Sari.`);
    const refused = tanya(['transfer', ticket, 'Budi', '--db', db, '--agent', 'Rina']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('sedang ditangani Sari');
    expect(tanya(['resolve', ticket, '--db', db, '--agent', 'Sari']).status).toBe(0);

    const printed = tanya(['audit', '--db', db]);
    expect(printed.status).toBe(0);
    const lines = printed.stdout.trim().split('\n');
    expect(lines.map((l) => l.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}/, ''))).toEqual([
      `Rina (cli)  ticket.read  ${ticket}`,
      `Rina (cli)  ticket.claim  ${ticket}`,
      `Rina (cli)  ticket.reply  ${ticket}`,
      `Rina (cli)  ticket.transfer  ${ticket}  to=Sari`,
      `Sari (cli)  ticket.resolve  ${ticket}`,
    ]);
    expect(printed.stdout).not.toContain('resi');
    expect(tanya(['audit', '--db', db, '--since', '2999-01-01']).stdout).toBe('Belum ada catatan audit / no audit entries.\n');
    const bad = tanya(['audit', '--db', db, '--since', 'kemarin']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('--since: write a date such as 2026-11-01 (got "kemarin")');
  });
});
