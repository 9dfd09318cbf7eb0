import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// The real command as a user runs it (built by `npm test`, or `npm run build`),
// on real SQLite files in temporary folders.
const BIN = resolve('bin', 'tanya.js');
const KB = resolve('knowledge');

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment without the variables these tests set themselves. */
function cleanEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const name of ['TANYA_AGENT', 'TANYA_DB', 'TANYA_KNOWLEDGE_DIR', 'TANYA_FLOWS_DIR']) if (!(name in extra)) delete env[name];
  return env;
}

const tanya = (args: readonly string[], options: { input?: string; cwd?: string; env?: Readonly<Record<string, string>> } = {}): Run => {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    input: options.input ?? '',
    cwd: options.cwd ?? process.cwd(),
    env: cleanEnv(options.env),
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

const json = (stdout: string): Record<string, unknown>[] =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/**
 * The sample shop with its CS team on duty around the clock: outside the team's hours the bot
 * keeps answering while a ticket waits, so tests that expect silence must not depend on the clock.
 */
function alwaysStaffedKb(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'tanya-truth-kb-')), 'knowledge');
  cpSync(KB, dir, { recursive: true });
  const file = join(dir, 'settings.yaml');
  const day = '"00:00-24:00"';
  const text = readFileSync(file, 'utf8')
    .replace(/^(\s*)hours: \{ mon: .*$/m, `$1hours: { ${['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => `${d}: ${day}`).join(', ')} }`)
    .replace(/^\s*holidays: .*\n/m, '');
  if (!text.includes(`sun: ${day}`)) throw new Error('settings.yaml no longer has the handoff hours line this test rewrites');
  writeFileSync(file, text);
  return dir;
}

const freshDb = (): string => join(mkdtempSync(join(tmpdir(), 'tanya-truth-')), 'bot.db');

/** The conversation id `tanya chat --db` prints at start. */
const conversationOf = (printed: string): string => {
  const m = /new conversation: (console:\S+)/.exec(printed);
  if (!m) throw new Error(`no conversation id in: ${printed}`);
  return m[1];
};

describe('tanya report stats counts customer questions', () => {
  it('one price question is one answered question, though the bot sent the answer and a suggestion', () => {
    const db = freshDb();
    const chat = tanya(['chat', '--json', '--db', db], { input: 'brp hrg iphone 15 kak\n' });
    expect(json(chat.stdout)[0]).toMatchObject({ decision: 'answer', intent: 'product-price' });
    expect(String(json(chat.stdout)[0].reply)).toContain('Mungkin Kakak juga');

    const stats = tanya(['report', 'stats', '--db', db]);
    expect(stats.status).toBe(0);
    expect(stats.stdout).toContain('entri teratas / top entries: product-price 1\n');
    expect(stats.stdout).toContain('pertanyaan pelanggan / customer questions: 1\n');
    const figures = JSON.parse(tanya(['report', 'stats', '--db', db, '--json']).stdout) as Record<string, unknown>;
    expect(figures).toMatchObject({ questions: 1, customerMessages: 1, decisions: { answer: 1 }, topEntries: [{ id: 'product-price', answers: 1 }] });
  });

  it('report unanswered leaves out requests for a person, deletion requests and commands', () => {
    const db = freshDb();
    tanya(['chat', '--json', '--db', db], { input: 'mau bicara sama admin\n' });
    tanya(['chat', '--json', '--db', db], { input: 'hapus data saya\n' });
    tanya(['chat', '--json', '--db', db], { input: '/start\n/help\nkembali ke bot\n/cancel\nresep nasi goreng enak\n' });
    const r = tanya(['report', 'unanswered', '--db', db, '--json']);
    expect(r.status).toBe(0);
    const examples = (JSON.parse(r.stdout) as { examples: string[] }[]).flatMap((c) => c.examples);
    expect(examples).toEqual(['resep nasi goreng enak']);
  });
});

describe('reading commands never create a database', () => {
  it('run from the wrong folder: a clear message with the path, --db and TANYA_DB; exit 1; no file created', () => {
    const folder = realpathSync(mkdtempSync(join(tmpdir(), 'tanya-wrong-folder-')));
    const expectedPath = join(folder, 'data', 'tanya.db');
    const commands = [
      ['report', 'stats'],
      ['report', 'unanswered', '--kb', KB],
      ['audit'],
      ['export', '--customer', '6281234567890'],
      ['forget', '--customer', '6281234567890'],
      ['privacy', 'purge', '--days', '30'],
      ['tickets', '--agent', 'Rina', '--kb', KB],
      ['resolve', 'T00001', '--agent', 'Rina', '--kb', KB],
    ];
    for (const args of commands) {
      const r = tanya(args, { cwd: folder });
      expect({ args, status: r.status }).toEqual({ args, status: 1 });
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(
        `Database tidak ditemukan: ${expectedPath} (tidak ada yang dibuat). / Database not found: ${expectedPath} (nothing was created).`,
      );
      expect(r.stderr).toContain('--db FILE atau TANYA_DB=FILE');
      expect(r.stderr).toContain('--db FILE or TANYA_DB=FILE');
    }
    expect(readdirSync(folder)).toEqual([]);
  });

  it('TANYA_DB points at the right file; a file that is not a Tanya database is refused, unchanged', () => {
    const db = freshDb();
    tanya(['chat', '--json', '--db', db], { input: 'bisa cod ga kak\n' });
    const elsewhere = realpathSync(mkdtempSync(join(tmpdir(), 'tanya-elsewhere-')));
    const r = tanya(['report', 'stats'], { cwd: elsewhere, env: { TANYA_DB: db } });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('entri teratas / top entries: cod 1');
    expect(readdirSync(elsewhere)).toEqual([]);

    const notes = join(elsewhere, 'notes.db');
    writeFileSync(notes, 'catatan toko, bukan database');
    const refused = tanya(['report', 'stats', '--db', notes]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`${notes} bukan database Tanya. / ${notes} is not a Tanya database.`);
    expect(readFileSync(notes, 'utf8')).toBe('catatan toko, bukan database');
  });
});

describe('tanya chat --db: a new conversation per run', () => {
  it('a second run starts fresh (no ticket carried over); --conversation continues the first', () => {
    const db = freshDb();
    const kb = alwaysStaffedKb();
    const first = tanya(['chat', '--json', '--db', db, '--kb', kb], { input: 'mau bicara sama admin\n' });
    expect(json(first.stdout)[0]).toMatchObject({ decision: 'handoff' });
    const id = conversationOf(first.stderr);
    expect(first.stderr).toBe(`Percakapan baru / new conversation: ${id} (lanjutkan / continue: --conversation ${id})\n`);

    const second = tanya(['chat', '--json', '--db', db, '--kb', kb], { input: 'brp hrg iphone 15 kak\n' });
    expect(json(second.stdout)[0]).toMatchObject({ decision: 'answer', intent: 'product-price' });
    expect(conversationOf(second.stderr)).not.toBe(id);

    const again = tanya(['chat', '--json', '--db', db, '--kb', kb, '--conversation', id], { input: 'halo, masih nunggu CS\n' });
    expect(again.status).toBe(0);
    expect(json(again.stdout)[0]).toMatchObject({ decision: 'silent', reason: 'agent-active' });
    expect(again.stderr).toMatch(new RegExp(`^Melanjutkan percakapan / continuing conversation: ${id} \\(tiket / ticket T00001 queued\\)\\n$`));

    // The interactive chat prints the id on its first line.
    const interactive = tanya(['chat', '--db', db], { input: 'bisa cod ga kak\n' });
    expect(interactive.stdout.split('\n')[0]).toMatch(
      /^Percakapan baru \/ new conversation: console:\d{8}-[0-9a-f]{6} \(lanjutkan \/ continue: --conversation console:\d{8}-[0-9a-f]{6}\)$/,
    );

    const noDb = tanya(['chat', '--conversation', id], { input: 'halo\n' });
    expect(noDb.status).toBe(1);
    expect(noDb.stderr).toContain('--conversation perlu --db FILE');
  });
});

describe('terminal agent desk', () => {
  /** The sample shop with another time zone, to see the desk print local times. */
  const kbIn = (timezone: string): string => {
    const dir = join(mkdtempSync(join(tmpdir(), 'tanya-kb-')), 'knowledge');
    cpSync(KB, dir, { recursive: true });
    const settings = join(dir, 'settings.yaml');
    writeFileSync(settings, readFileSync(settings, 'utf8').replace(/timezone: Asia\/Jakarta/, `timezone: ${timezone}`));
    return dir;
  };

  it('requires an agent name: --agent or TANYA_AGENT, never the OS user', () => {
    const db = freshDb();
    tanya(['chat', '--json', '--db', db], { input: 'mau bicara sama admin\n' });
    for (const args of [
      ['tickets'],
      ['claim', 'T00001'],
      ['reply', 'T00001', 'Halo'],
      ['resolve', 'T00001'],
      ['transfer', 'T00001', 'Sari'],
      ['tickets', '--agent', '  '],
    ]) {
      const r = tanya([...args, '--db', db]);
      expect({ args, status: r.status }).toEqual({ args, status: 1 });
      expect(r.stderr).toContain('Tulis nama agen Anda: --agent NAMA atau TANYA_AGENT=NAMA');
      expect(r.stderr).toContain('Give your agent name: --agent NAME or TANYA_AGENT=NAME');
    }
    const listed = tanya(['tickets', '--db', db], { env: { TANYA_AGENT: 'Rina' } });
    expect(listed.status).toBe(0);
    const audit = json(tanya(['audit', '--db', db, '--json']).stdout);
    expect(audit.map((e) => [e.actor, e.action])).toEqual([['Rina', 'ticket.read']]);
  });

  it("shows the conversation's newest lines, who said them and when, in the shop's time zone", () => {
    const db = freshDb();
    const chat = tanya(['chat', '--json', '--db', db], { input: 'brp hrg iphone 15 kak\nmau bicara sama admin\npesanan INV-777 belum sampai juga\n' });
    expect(json(chat.stdout).map((l) => l.decision)).toEqual(['answer', 'handoff', 'silent']);
    const ticket = json(tanya(['tickets', '--json', '--db', db, '--agent', 'Rina']).stdout)[0] as {
      id: string;
      createdAt: string;
      customerName?: string;
      customerId: string;
      transcript: { at: string }[];
    };
    const customer = ticket.customerName ?? ticket.customerId;
    const at = (iso: string, hours: number, label: string): string =>
      `${new Date(Date.parse(iso) + hours * 3600_000).toISOString().slice(0, 16).replace('T', ' ')} ${label}`;

    for (const [zone, hours, label] of [
      ['Asia/Jakarta', 7, 'WIB'],
      ['Asia/Makassar', 8, 'WITA'],
      ['Asia/Jayapura', 9, 'WIT'],
    ] as const) {
      const r = tanya(['tickets', '--db', db, '--agent', 'Rina', '--kb', kbIn(zone)]);
      expect(r.status).toBe(0);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines[0]).toBe(`${ticket.id}  queued    ${at(ticket.createdAt, hours, label)}  console  ${customer}  (requested)`);
      // The newest 5 of 6 lines: the first question has scrolled off, the message sent after the handoff is there.
      expect(lines).toHaveLength(6);
      expect(r.stdout).not.toContain('brp hrg iphone 15 kak');
      expect(lines[5]).toBe(`    ${at(ticket.transcript.at(-1)?.at ?? '', hours, label)}  ${customer}: pesanan INV-777 belum sampai juga`);
      expect(lines.slice(1).some((l) => l.includes(`${customer}: mau bicara sama admin`))).toBe(true);
      expect(lines.slice(1).some((l) => / {2}Tanya: Baik Kak, percakapan ini kami teruskan/.test(l))).toBe(true);
    }
  });

  it('refuses to reply to or resolve a ticket another agent holds unless --force, naming the holder; reply says it waits for the bot', () => {
    const db = freshDb();
    tanya(['chat', '--json', '--db', db], { input: 'mau bicara sama admin\n' });
    expect(tanya(['claim', 'T00001', '--db', db, '--agent', 'Rina']).stdout).toBe('✅ T00001 sekarang milik Anda (Rina). / T00001 is yours (Rina).\n');

    const replied = tanya(['reply', 'T00001', 'Halo', 'Kak,', 'dengan', 'Rina', '--db', db, '--agent', 'Rina']);
    expect(replied.status).toBe(0);
    expect(replied.stdout).toBe(
      '✉️ Tersimpan untuk T00001; terkirim ke pelanggan saat bot berjalan. / Saved for T00001; it is sent to the customer when the bot is running.\n',
    );

    for (const args of [
      ['resolve', 'T00001'],
      ['reply', 'T00001', 'Saya', 'ambil', 'alih'],
    ]) {
      const refused = tanya([...args, '--db', db, '--agent', 'Sari']);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain('Tiket T00001 sedang ditangani Rina');
      expect(refused.stderr).toContain('Ticket T00001 is held by Rina');
      expect(refused.stderr).toContain('--force');
    }
    const still = json(tanya(['tickets', '--json', '--db', db, '--agent', 'Sari']).stdout)[0] as {
      status: string;
      agent: string;
      transcript: { text: string }[];
    };
    expect(still).toMatchObject({ status: 'claimed', agent: 'Rina' });
    expect(still.transcript.map((l) => l.text)).not.toContain('Saya ambil alih');

    const forced = tanya(['resolve', 'T00001', '--db', db, '--agent', 'Sari', '--force']);
    expect(forced.status).toBe(0);
    expect(forced.stdout).toContain('☑️ T00001 ditutup (dipegang / held by Rina)');
    const audit = json(tanya(['audit', '--db', db, '--json']).stdout);
    expect(audit.find((e) => e.action === 'ticket.resolve')).toMatchObject({ actor: 'Sari', detail: { holder: 'Rina' } });
  });
});
