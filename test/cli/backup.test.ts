import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SqliteStore } from '../../src/storage/sqlite-store';

// The real command as a user runs it (built by `npm test`, or `npm run build`), on real SQLite
// files in temporary folders.
const BIN = resolve('bin', 'tanya.js');

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['TANYA_AGENT', 'TANYA_DB', 'TANYA_KNOWLEDGE_DIR', 'TANYA_FLOWS_DIR']) delete env[name];
  return env;
}

const tanya = (args: readonly string[], cwd: string): Run => {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env: cleanEnv(), encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

/** The command in a child process while this one's event loop stays free (for concurrent writes). */
const tanyaAsync = (args: readonly string[], cwd: string): Promise<Run> =>
  new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: cleanEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', fail);
    child.on('close', (status) => done({ status, stdout, stderr }));
  });

const folder = (): string => realpathSync(mkdtempSync(join(tmpdir(), 'tanya-backup-')));

let messageSeq = 0;
async function writeMessages(store: SqliteStore, n: number, conversation = 'whatsapp:6281234567890'): Promise<string[]> {
  const ids: string[] = [];
  await store.atomically(async (tx) => {
    for (let i = 0; i < n; i++) {
      const id = `m${++messageSeq}`;
      await tx.recordInbound({
        channel: 'whatsapp',
        conversationId: conversation,
        userId: '6281234567890',
        messageId: id,
        kind: 'text',
        text: `pesan ${id} ${'x'.repeat(400)}`,
        at: new Date().toISOString(),
      });
      ids.push(id);
    }
  });
  return ids;
}

/** A bot database with `n` messages, closed. */
async function botDatabase(dir: string, n: number): Promise<string> {
  const db = join(dir, 'data', 'tanya.db');
  const store = new SqliteStore(db);
  await writeMessages(store, n);
  await store.close();
  return db;
}

function inspect(path: string): { integrity: string; messages: number; ids: Set<string>; journalMode: string } {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return {
      integrity: (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; '),
      messages: (db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n,
      ids: new Set((db.prepare('SELECT message_id AS id FROM messages').all() as { id: string }[]).map((r) => r.id)),
      journalMode: db.pragma('journal_mode', { simple: true }) as string,
    };
  } finally {
    db.close();
  }
}

const mode = (path: string): number => statSync(path).mode & 0o777;

/** The files in a folder besides the database's own WAL and shared-memory files (which reading it may leave). */
const filesIn = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => !/^tanya\.db-(wal|shm)$/.test(f))
    .sort();

describe('tanya backup', () => {
  it('copies a database another connection keeps writing to: the copy is whole and has every row written before', async () => {
    const dir = folder();
    const db = join(dir, 'data', 'tanya.db');
    const store = new SqliteStore(db);
    try {
      const before = await writeMessages(store, 3000);
      let writesDuring = 0;
      const writer = setInterval(() => {
        void writeMessages(store, 10);
        writesDuring++;
      }, 2);
      let run: Run;
      try {
        run = await tanyaAsync(['backup', 'backups/copy.db', '--db', db], dir);
      } finally {
        clearInterval(writer);
      }
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(writesDuring).toBeGreaterThan(0);
      const copy = join(dir, 'backups', 'copy.db');
      const seen = inspect(copy);
      expect(seen.integrity).toBe('ok');
      expect(before.every((id) => seen.ids.has(id))).toBe(true);
      // Rows written while the command ran are in it too, up to the snapshot it copied.
      expect(seen.messages).toBeGreaterThan(before.length);
      expect(seen.journalMode).toBe('delete');
      expect(run.stdout).toMatch(
        /^✓ backups\/copy\.db \(mode 600, [\d.]+ [KM]B, integrity_check ok\): 1 percakapan \/ conversations, \d+ pesan \/ messages, 0 tiket \/ tickets\n$/,
      );
      expect(Number(/(\d+) pesan/.exec(run.stdout)?.[1])).toBe(seen.messages);
      // One self-contained file: no temporary file, journal or WAL left beside it.
      expect(readdirSync(join(dir, 'backups'))).toEqual(['copy.db']);
      expect(await store.auditLog()).toEqual([
        expect.objectContaining({ action: 'backup', via: 'cli', subject: copy, detail: expect.objectContaining({ messages: seen.messages }) }),
      ]);
    } finally {
      await store.close();
    }
  });

  it('writes the copy readable by its owner only (mode 600) and never overwrites a file without --force', async () => {
    const dir = folder();
    const db = await botDatabase(dir, 5);
    const first = tanya(['backup', 'copy.db', '--db', db], dir);
    expect(first.status).toBe(0);
    expect(mode(join(dir, 'copy.db'))).toBe(0o600);

    writeFileSync(join(dir, 'other.db'), 'keep me', { mode: 0o644 });
    const refused = tanya(['backup', 'other.db', '--db', db], dir);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('other.db already exists; nothing changed (overwrite it with --force)');
    expect(readFileSync(join(dir, 'other.db'), 'utf8')).toBe('keep me');

    const forced = tanya(['backup', 'other.db', '--db', db, '--force'], dir);
    expect(forced.status).toBe(0);
    expect(inspect(join(dir, 'other.db'))).toMatchObject({ integrity: 'ok', messages: 5 });
    // The old file's wider mode does not carry over: the copy is a new file renamed over it.
    expect(mode(join(dir, 'other.db'))).toBe(0o600);
    expect(readdirSync(dir).sort()).toEqual(['copy.db', 'data', 'other.db']);
  });

  it('a missing database: a clear message, exit 1, nothing created', () => {
    const dir = folder();
    const run = tanya(['backup', 'backups/copy.db'], dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`Database not found: ${join(dir, 'data', 'tanya.db')} (nothing was created)`);
    expect(run.stderr).toContain('--db FILE');
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('tanya restore', () => {
  it('round trip: puts the backup back, keeping the replaced database aside (mode 600)', async () => {
    const dir = folder();
    const db = await botDatabase(dir, 7);
    expect(tanya(['backup', 'backups/b.db', '--db', db], dir).status).toBe(0);

    const store = new SqliteStore(db);
    const later = await writeMessages(store, 3, 'telegram:42');
    await store.close();
    expect(inspect(db).messages).toBe(10);

    // Without --force: says what it would replace and changes nothing.
    const dry = tanya(['restore', 'backups/b.db', '--db', db], dir);
    expect(dry.status).toBe(1);
    expect(dry.stderr).toContain(`would replace ${db}`);
    expect(dry.stderr).toContain('2 percakapan / conversations, 10 pesan / messages');
    expect(dry.stderr).toContain('1 percakapan / conversations, 7 pesan / messages');
    expect(dry.stderr).toContain('run again with --force');
    expect(inspect(db).messages).toBe(10);
    expect(filesIn(join(dir, 'data'))).toEqual(['tanya.db']);

    const run = tanya(['restore', 'backups/b.db', '--db', db, '--force'], dir);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      `✓ ${db} dipulihkan dari / restored from backups/b.db (mode 600): 1 percakapan / conversations, 7 pesan / messages, 0 tiket / tickets`,
    );
    const restored = inspect(db);
    expect(restored).toMatchObject({ integrity: 'ok', messages: 7 });
    expect(later.some((id) => restored.ids.has(id))).toBe(false);
    expect(mode(db)).toBe(0o600);

    const asides = readdirSync(join(dir, 'data')).filter((f) => f.startsWith('tanya.db.before-restore-'));
    expect(asides).toHaveLength(1);
    const aside = join(dir, 'data', asides[0]);
    expect(run.stdout).toContain(`old database kept as ${aside} (mode 600)`);
    expect(mode(aside)).toBe(0o600);
    // No stale WAL of the old database beside the new one, no temporary file.
    expect(filesIn(join(dir, 'data'))).toEqual(['tanya.db', asides[0]].sort());
    const old = inspect(aside);
    expect(old).toMatchObject({ integrity: 'ok', messages: 10, journalMode: 'delete' });
    expect(later.every((id) => old.ids.has(id))).toBe(true);
    // The aside copy is one self-contained file: reading it leaves nothing beside it.
    expect(readdirSync(join(dir, 'data')).filter((f) => f.startsWith(`${asides[0]}-`))).toEqual([]);

    const audit = new SqliteStore(db, { readonly: true });
    expect((await audit.auditLog()).map((e) => e.action)).toEqual(['restore']);
    await audit.close();
  });

  it('refuses a file that is not a database, and changes nothing', async () => {
    const dir = folder();
    const db = await botDatabase(dir, 4);
    writeFileSync(join(dir, 'notes.db'), 'this is not a database, just some text\n'.repeat(200));
    const run = tanya(['restore', 'notes.db', '--db', db, '--force'], dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('notes.db is not a Tanya database; nothing changed.');
    expect(inspect(db).messages).toBe(4);
    expect(filesIn(join(dir, 'data'))).toEqual(['tanya.db']);

    // An SQLite file of some other program is not a Tanya database either.
    const other = new Database(join(dir, 'other.sqlite'));
    other.exec('CREATE TABLE things (id INTEGER PRIMARY KEY)');
    other.close();
    const foreign = tanya(['restore', 'other.sqlite', '--db', db, '--force'], dir);
    expect(foreign.status).toBe(1);
    expect(foreign.stderr).toContain('other.sqlite is not a Tanya database; nothing changed.');
    expect(filesIn(join(dir, 'data'))).toEqual(['tanya.db']);
  });

  it('refuses while a bot has the database open', async () => {
    const dir = folder();
    const db = await botDatabase(dir, 4);
    expect(tanya(['backup', 'b.db', '--db', db], dir).status).toBe(0);
    const bot = new SqliteStore(db);
    try {
      await writeMessages(bot, 2);
      const run = tanya(['restore', 'b.db', '--db', db, '--force'], dir);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`has ${db} open: stop it first`);
      expect(readdirSync(join(dir, 'data')).some((f) => f.includes('before-restore'))).toBe(false);
      expect(await bot.transcript('whatsapp:6281234567890')).toHaveLength(6);
    } finally {
      await bot.close();
    }
    expect(inspect(db).messages).toBe(6);
  });

  it('a missing backup file: exit 1, nothing created', () => {
    const dir = folder();
    const run = tanya(['restore', 'nope.db', '--db', join(dir, 'data', 'tanya.db')], dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`Backup file not found: ${join(dir, 'nope.db')}`);
    expect(existsSync(join(dir, 'data'))).toBe(false);
  });
});
