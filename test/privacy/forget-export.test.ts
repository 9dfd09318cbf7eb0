import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { customerKeys } from '../../src/privacy/customer-keys';
import { age, BUDI, everyRow, fullStay, openShop, RINI, rowsMentioning, rowsOf, WATI, WATI_WEB, type Shop } from './customers';

// The real command, as test/cli/cli.test.ts runs it (the build is made by `npm test`).
const tanya = (args: string[]): { status: number | null; stdout: string; stderr: string } => {
  const r = spawnSync(process.execPath, [join('bin', 'tanya.js'), ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

/** What names Wati anywhere: her number, her name, what she wrote. */
const WATI_TRACES = ['6281234567890', 'Wati', 'INV-WATI-1', 'INV-WATI-WEB'];

interface World {
  readonly shop: Shop;
  readonly wati: readonly string[];
  readonly budi: string;
  readonly rini: string;
}

/** Wati on WhatsApp and WhatsApp Web (the same number), Budi on WhatsApp, Rini on Telegram; each a full stay. */
async function world(): Promise<World> {
  const shop = await openShop();
  const wati = [await fullStay(shop, WATI, 'INV-WATI-1'), await fullStay(shop, WATI_WEB, 'INV-WATI-WEB')];
  const budi = await fullStay(shop, BUDI, 'INV-BUDI-2');
  const rini = await fullStay(shop, RINI, 'INV-RINI-3');
  return { shop, wati, budi, rini };
}

describe('right to erasure (forgetCustomer)', () => {
  it('removes every row of one customer, on every channel, and nothing of the others (every table read)', async () => {
    const { shop, wati, budi, rini } = await world();
    expect(rowsMentioning(everyRow(shop.dbPath), WATI_TRACES).length).toBeGreaterThan(10);
    const others = [...rowsOf(shop.dbPath, BUDI, [budi]), ...rowsOf(shop.dbPath, RINI, [rini])];
    const tables = [...everyRow(shop.dbPath).keys()];

    const result = await shop.store.forgetCustomer(customerKeys('0812-3456-7890'));
    expect([...result.conversations].sort()).toEqual([WATI.conversationId, WATI_WEB.conversationId].sort());
    expect(result.removed).toMatchObject({ conversations: 2, tickets: 2, flowRecords: 2, channelRefs: 2, handoffRefs: 2, inbox: 2, ticketsAnonymized: 0 });
    expect(result.removed.messages).toBeGreaterThan(15);
    expect(result.removed.outbox).toBeGreaterThan(4);

    const after = everyRow(shop.dbPath);
    expect([...after.keys()]).toEqual(tables);
    expect(rowsMentioning(after, WATI_TRACES)).toEqual([]);
    // Her tickets' ids remain only in the audit log (who claimed/replied/resolved), which holds no text and no customer.
    expect(
      rowsMentioning(
        after,
        wati.map((t) => `"${t}"`),
      ).every((r) => r.startsWith('audit:')),
    ).toBe(true);
    expect([...rowsOf(shop.dbPath, BUDI, [budi]), ...rowsOf(shop.dbPath, RINI, [rini])]).toEqual(others);
    expect((await shop.store.forgetCustomer([WATI.userId])).conversations).toEqual([]);
    await shop.close();
  });

  it('leaves no copy of what was erased in the database files on disk', async () => {
    const { shop } = await world();
    const onDisk = (): string =>
      ['', '-wal'].map((suffix) => (existsSync(shop.dbPath + suffix) ? readFileSync(shop.dbPath + suffix).toString('latin1') : '')).join('');
    expect(onDisk()).toContain('INV-WATI-1');
    await shop.store.forgetCustomer(customerKeys('0812-3456-7890'));
    for (const trace of WATI_TRACES) expect(onDisk()).not.toContain(trace);
    expect(onDisk()).toContain('INV-BUDI-2');
    await shop.close();
  });

  it('takes a Telegram user id or one conversation id', async () => {
    const { shop } = await world();
    expect((await shop.store.forgetCustomer([RINI.userId])).conversations).toEqual([RINI.conversationId]);
    // A conversation id forgets that conversation only, not the same number on another channel.
    expect((await shop.store.forgetCustomer([WATI_WEB.conversationId])).conversations).toEqual([WATI_WEB.conversationId]);
    expect((await shop.store.transcript(WATI.conversationId)).length).toBeGreaterThan(0);
    await shop.close();
  });
});

describe('right of access (exportCustomer)', () => {
  it("returns the customer's conversations with state and transcript, tickets with summary and CSAT, flow records — and only theirs", async () => {
    const { shop, wati } = await world();
    const data = await shop.store.exportCustomer(customerKeys('+62 812 3456 7890'));
    expect(data.conversations.map((c) => c.id).sort()).toEqual([WATI.conversationId, WATI_WEB.conversationId].sort());
    const wa = data.conversations.find((c) => c.id === WATI.conversationId);
    expect(wa).toMatchObject({
      channel: 'whatsapp',
      userId: '6281234567890',
      userName: 'Wati Susanti',
      channelRef: { user: { id: '6281234567890' } },
      state: { fallbacks: 0 },
    });
    expect(wa?.transcript.map((l) => l.text)).toEqual(
      expect.arrayContaining(['brp harga iphone 15', 'mau bicara sama admin, INV-WATI-1', 'Halo Kak, INV-WATI-1 sudah kami cek']),
    );
    expect(data.tickets.map((t) => t.id).sort()).toEqual([...wati].sort());
    expect(data.tickets[0]).toMatchObject({ status: 'resolved', agent: 'Rina', csat: 5, summary: { lastQuestion: expect.stringContaining('INV-WATI') } });
    expect(data.flowRecords).toEqual([
      expect.objectContaining({ flowId: 'feedback', slots: expect.objectContaining({ rating: '5' }) }),
      expect.objectContaining({ flowId: 'feedback' }),
    ]);
    expect(data.pendingMessages).toHaveLength(2);
    const text = JSON.stringify(data);
    for (const other of ['6289876543210', 'Budi', 'INV-BUDI-2', '5550001', 'Rini', 'INV-RINI-3']) expect(text).not.toContain(other);
    expect(await shop.store.exportCustomer(['6280000000000'])).toEqual({ conversations: [], tickets: [], flowRecords: [], pendingMessages: [] });
    await shop.close();
  });
});

describe('tanya forget / export / privacy purge / audit (the real CLI)', () => {
  const operator = userInfo().username;

  it('exports to a file only the owner can read, forgets, and records both with the OS user', async () => {
    const { shop } = await world();
    await shop.close();
    const db = shop.dbPath;
    const out = join(dirname(db), 'wati.json');
    // An existing file readable by everyone is replaced, never written into.
    writeFileSync(out, 'old');
    chmodSync(out, 0o644);
    const exported = tanya(['export', '--customer', '6281234567890', '--db', db, '--out', out]);
    expect(exported.stderr).toBe('');
    expect(exported.status).toBe(0);
    expect(exported.stdout).toMatch(
      /^✓ .*wati\.json \(mode 600\): 2 percakapan \/ conversations, \d+ pesan \/ messages, 2 tiket \/ tickets, 2 catatan alur \/ flow records\n$/,
    );
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const file = JSON.parse(readFileSync(out, 'utf8')) as { customer: string; conversations: { id: string }[]; tickets: unknown[] };
    expect(file.customer).toBe('6281234567890');
    expect(file.conversations).toHaveLength(2);
    expect(readFileSync(out, 'utf8')).not.toContain('Budi');

    const toStdout = tanya(['export', '--customer', 'telegram:5550001', '--db', db]);
    expect(toStdout.status).toBe(0);
    expect((JSON.parse(toStdout.stdout) as { conversations: { id: string }[] }).conversations.map((c) => c.id)).toEqual(['telegram:5550001']);

    const forgot = tanya(['forget', '--customer', '081234567890', '--db', db]);
    expect(forgot.status).toBe(0);
    expect(forgot.stdout).toContain('✓ Data pelanggan 081234567890 dihapus / customer data deleted:');
    expect(forgot.stdout).toContain('whatsapp:6281234567890');
    expect(forgot.stdout).toMatch(/pesan \(transkrip\) \/ messages: \d+/);
    expect(forgot.stdout).toContain('tiket / tickets: 2');
    expect(forgot.stdout).toContain('grup Telegram agen');
    expect(rowsMentioning(everyRow(db), WATI_TRACES)).toEqual([]);

    const audit = tanya(['audit', '--db', db, '--json']);
    expect(audit.status).toBe(0);
    const entries = audit.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { actor: string; action: string; subject?: string; via?: string });
    expect(entries.filter((e) => e.action.startsWith('privacy.'))).toEqual([
      expect.objectContaining({ actor: operator, action: 'privacy.export', subject: '…890', via: 'cli' }),
      expect.objectContaining({ actor: operator, action: 'privacy.export', subject: 'telegram:…001', via: 'cli' }),
      expect.objectContaining({ actor: operator, action: 'privacy.forget', subject: '…890', via: 'cli' }),
    ]);
    const printed = tanya(['audit', '--db', db, '--since', '2020-01-01']);
    expect(printed.stdout).toMatch(
      new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d  ${operator} \\(cli\\)  privacy\\.forget  …890  conversations=2 messages=\\d+`, 'm'),
    );
  });

  it('refuses politely, exit 1 and nothing changed, when no customer matches', async () => {
    const { shop } = await world();
    await shop.close();
    const before = everyRow(shop.dbPath);
    for (const command of ['forget', 'export']) {
      const r = tanya([command, '--customer', '6280000000000', '--db', shop.dbPath]);
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(
        'Tidak ada data untuk pelanggan "6280000000000"; tidak ada yang diubah. / No data for customer "6280000000000"; nothing changed.',
      );
      expect(r.stderr).toContain('Tulis nomor WhatsApp (6281234567890), id pengguna Telegram, atau id percakapan');
    }
    expect(everyRow(shop.dbPath)).toEqual(before);
    const missing = tanya(['forget', '--db', shop.dbPath]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("required option '--customer <id>' not specified");
  });

  it('privacy purge: --dry-run counts and changes nothing, then removes what is past --days', async () => {
    const { shop } = await world();
    await shop.close();
    const db = shop.dbPath;
    const nothing = tanya(['privacy', 'purge', '--db', db]);
    expect(nothing.stderr).toBe('');
    expect(nothing.status).toBe(0);
    expect(nothing.stdout).toMatch(/^Tidak ada data sebelum .* \(365 hari\)\. \/ Nothing older than 365 days\.\n$/);
    // Budi's stay was 40 days ago.
    age(db, BUDI.conversationId, 40);
    const before = everyRow(db);
    const dry = tanya(['privacy', 'purge', '--db', db, '--days', '30', '--dry-run']);
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain('Akan dihapus (--dry-run, belum ada yang diubah)');
    expect(dry.stdout).toContain('percakapan (status) / conversations: 1');
    expect(everyRow(db)).toEqual(before);
    const real = tanya(['privacy', 'purge', '--db', db, '--days', '30']);
    expect(real.status).toBe(0);
    expect(real.stdout).toContain('✓ Dihapus / removed');
    expect(real.stdout).toContain('tiket dianonimkan / tickets anonymized: 1');
    expect(rowsMentioning(everyRow(db), ['6289876543210', 'Budi', 'INV-BUDI-2'])).toEqual([]);
    expect(rowsMentioning(everyRow(db), ['INV-WATI-1', 'INV-RINI-3']).length).toBeGreaterThan(0);
    const keep = tanya(['privacy', 'purge', '--db', db, '--days', '0']);
    expect(keep.stdout).toContain('Retensi mati');
    const bad = tanya(['privacy', 'purge', '--db', db, '--days', 'setahun']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('write a whole number of days');
    const audit = tanya(['audit', '--db', db, '--json'])
      .stdout.trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { action: string; detail?: Record<string, unknown> });
    expect(audit.filter((e) => e.action === 'privacy.purge')).toEqual([
      expect.objectContaining({ detail: expect.objectContaining({ days: 30, conversations: 1 }) }),
    ]);
  });
});
