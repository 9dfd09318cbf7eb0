import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { verifyPassword } from '../../src/console/passwords';
import { SqliteStore } from '../../src/storage/sqlite-store';

// `tanya agents …` as an operator runs it (the built command: `npm test` builds first), on a real SQLite file.
const BIN = resolve('bin', 'tanya.js');

const tanya = (args: readonly string[], input?: string): { status: number | null; stdout: string; stderr: string } => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.TANYA_DB;
  const r = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 30_000, ...(input !== undefined ? { input } : {}) });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

let dir = '';
let db = '';
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tanya-agents-'));
  db = join(dir, 'tanya.db');
  await new SqliteStore(db).close();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('tanya agents', () => {
  it('adds an admin with a generated password printed once, and an agent with a password from stdin; lists and removes them', async () => {
    const admin = tanya(['agents', 'add', 'Budi', '--admin', '--db', db]);
    expect(admin.status).toBe(0);
    const password = /password: (\S+)/.exec(admin.stdout)?.[1] ?? '';
    expect(password).toMatch(/^[a-zA-Z2-9]{20}$/);
    const agent = tanya(['agents', 'add', 'Rina', '--password-stdin', '--db', db], 'rina-sandi-rahasia-123\n');
    expect(agent.status).toBe(0);
    expect(agent.stdout).not.toContain('rina-sandi-rahasia-123');
    expect(tanya(['agents', 'list', '--db', db]).stdout).toMatch(/^Budi\tadmin\t.+\nRina\tagent\t.+\n$/);
    const store = new SqliteStore(db, { mustExist: true });
    try {
      const accounts = store.consoleStore();
      await expect(verifyPassword(password, (await accounts.agent('Budi'))?.passwordHash ?? '')).resolves.toBe(true);
      await expect(verifyPassword('rina-sandi-rahasia-123', (await accounts.agent('rina'))?.passwordHash ?? '')).resolves.toBe(true);
    } finally {
      await store.close();
    }
    expect(readFileSync(db).includes('rina-sandi-rahasia-123')).toBe(false);
    expect(tanya(['agents', 'remove', 'Rina', '--db', db]).status).toBe(0);
    expect(tanya(['agents', 'list', '--db', db]).stdout).not.toContain('Rina');
  });

  it('refuses a taken name, a short password, a bad name and a missing database, with exit 1', () => {
    expect(tanya(['agents', 'add', 'Rina', '--db', db]).status).toBe(0);
    const taken = tanya(['agents', 'add', 'rina', '--db', db]);
    expect([taken.status, taken.stderr]).toEqual([1, expect.stringContaining('is taken')]);
    const short = tanya(['agents', 'add', 'Dewi', '--password-stdin', '--db', db], 'pendek\n');
    expect([short.status, short.stderr]).toEqual([1, expect.stringContaining('10 characters or more')]);
    const bad = tanya(['agents', 'add', '<script>', '--db', db]);
    expect([bad.status, bad.stderr]).toEqual([1, expect.stringContaining('Invalid name')]);
    const missing = tanya(['agents', 'list', '--db', join(dir, 'nope.db')]);
    expect([missing.status, missing.stderr]).toEqual([1, expect.stringContaining('Database not found')]);
  });
});
