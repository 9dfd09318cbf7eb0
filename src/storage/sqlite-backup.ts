import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, fsyncSync, openSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { SqliteDatabase, StoreFileError } from './sqlite';

/** What a checked copy holds, for the one-line summary and the audit row. */
export interface DatabaseCounts {
  readonly conversations: number;
  readonly messages: number;
  readonly tickets: number;
  readonly bytes: number;
}

/** A file SQLite opens but whose pages are damaged (`PRAGMA integrity_check` is not "ok"). */
export class DatabaseCheckError extends Error {
  constructor(
    readonly path: string,
    readonly problems: readonly string[],
  ) {
    super(`${path}: integrity check failed: ${problems.slice(0, 3).join('; ')}`);
    this.name = 'DatabaseCheckError';
  }
}

/**
 * A new empty file beside `path`, readable by its owner only (mode 600), named so it is plainly
 * unfinished work; the caller renames it into place or removes it.
 */
export function privateTempBeside(path: string, label: string): string {
  const temp = join(dirname(path), `.${basename(path)}.${label}-${randomBytes(4).toString('hex')}.tmp`);
  closeSync(openSync(temp, 'wx', 0o600));
  return temp;
}

/** Removes a file and its SQLite companions (a rollback journal, WAL and shared-memory index). */
export function removeWithCompanions(path: string): void {
  for (const file of [path, `${path}-journal`, `${path}-wal`, `${path}-shm`]) rmSync(file, { force: true });
}

/**
 * Copies the database at `source` into the existing empty file `dest` with SQLite's online
 * backup, safe while the bot writes: in WAL mode the copy reads one consistent snapshot and
 * writers go on. All pages are copied in one step — copied in slices, any write by the bot
 * between two slices would start the backup over, so a busy bot could keep it from ever
 * finishing. The copy is then switched out of WAL mode, so it is one self-contained file.
 */
export async function onlineBackup(source: string, dest: string): Promise<void> {
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    await db.backup(dest, { progress: () => 0x7fffffff });
  } finally {
    db.close();
  }
  toRollbackJournal(dest);
  const fd = openSync(dest, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Checks that `path` is a whole Tanya database: it opens as one with the current schema (the
 * store's read-only check; `StoreFileError` otherwise), `PRAGMA integrity_check` says "ok"
 * (`DatabaseCheckError` otherwise), and returns what it holds; with `acceptOlderSchema`, a file of
 * an earlier Tanya (tables or columns missing, 'outdated') passes too. Opens read only; a file in
 * rollback-journal mode (as `onlineBackup` leaves it) gets no companion files.
 */
export function checkDatabase(path: string, options: { readonly acceptOlderSchema?: boolean } = {}): DatabaseCounts {
  try {
    new SqliteDatabase(path, { readonly: true }).close();
  } catch (error) {
    // A copy made by an earlier Tanya: the bot brings its schema up to date when it opens it.
    if (!(options.acceptOlderSchema === true && error instanceof StoreFileError && error.problem === 'outdated')) throw error;
  }
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    let problems: string[];
    try {
      problems = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
    } catch (error) {
      throw new DatabaseCheckError(path, [error instanceof Error ? error.message : String(error)]);
    }
    if (problems.length !== 1 || problems[0] !== 'ok') throw new DatabaseCheckError(path, problems);
    return { ...countRows(db), bytes: statSync(path).size };
  } finally {
    db.close();
  }
}

/** What an existing database holds, or undefined when it cannot be read (damaged, not a database). */
export function peekCounts(path: string): DatabaseCounts | undefined {
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      db.pragma('busy_timeout = 2000');
      return { ...countRows(db), bytes: statSync(path).size };
    } finally {
      db.close();
    }
  } catch {
    return undefined;
  }
}

function countRows(db: Database.Database): Omit<DatabaseCounts, 'bytes'> {
  const tables = new Set((db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((r) => r.name));
  const count = (table: string): number => (tables.has(table) ? (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n : 0);
  return { conversations: count('conversations'), messages: count('messages'), tickets: count('tickets') };
}

/**
 * Takes the database at `path` from its users before it is replaced: returns false when another
 * connection has it open (a running bot keeps a lock on its database file as long as it runs,
 * so an exclusive lock cannot be had), else merges its WAL into the file, switches it to
 * rollback-journal mode (one self-contained file, as kept aside) and closes; a shared-memory file
 * left beside it is stale. A file SQLite cannot read at all is nobody's database: true.
 */
export function takeOffline(path: string): boolean {
  let db: Database.Database;
  try {
    db = new Database(path, { fileMustExist: true });
  } catch {
    return true;
  }
  try {
    db.pragma('busy_timeout = 0');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE; COMMIT');
    // Merges the WAL into the file and removes it: the file alone holds everything (like a backup).
    db.pragma('journal_mode = DELETE');
    return true;
  } catch (error) {
    if (isCode(error, 'SQLITE_BUSY') || isCode(error, 'SQLITE_LOCKED')) return false;
    if (isCode(error, 'SQLITE_NOTADB') || isCode(error, 'SQLITE_CORRUPT')) return true;
    throw error;
  } finally {
    db.close();
  }
}

function isCode(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' && error.code.startsWith(code);
}

/** Copies `from` into `to` (an existing file, e.g. from `privateTempBeside`) without changing `to`'s mode, and syncs it. */
export function copyInto(from: string, to: string): void {
  const input = openSync(from, 'r');
  try {
    const output = openSync(to, 'w');
    try {
      const buffer = Buffer.alloc(1 << 20);
      for (let read = readSync(input, buffer); read > 0; read = readSync(input, buffer)) {
        for (let written = 0; written < read;) written += writeSync(output, buffer, written, read - written);
      }
      fsyncSync(output);
    } finally {
      closeSync(output);
    }
  } finally {
    closeSync(input);
  }
}

/**
 * Switches a private copy out of WAL mode, so it stays one file (opened, a WAL-mode file grows
 * -wal and -shm companions); the bot switches it back when it opens it. A file that is no SQLite
 * database at all: `StoreFileError` 'not-a-database'.
 */
export function toRollbackJournal(path: string): void {
  const db = new Database(path, { fileMustExist: true });
  try {
    db.pragma('journal_mode = DELETE');
  } catch (error) {
    if (isCode(error, 'SQLITE_NOTADB')) throw new StoreFileError(path, 'not-a-database');
    if (isCode(error, 'SQLITE_CORRUPT')) throw new DatabaseCheckError(path, [error instanceof Error ? error.message : String(error)]);
    throw error;
  } finally {
    db.close();
  }
}

/** `<path>.before-restore-<UTC time>`, with -2, -3… when a restore in the same second left one already. */
export function asidePath(path: string, now: Date = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/[-:]/g, '');
  const base = `${path}.before-restore-${stamp}`;
  let candidate = base;
  for (let n = 2; existsSync(candidate); n++) candidate = `${base}-${n}`;
  return candidate;
}

/** Renames `from` to `to` and keeps it to its owner (mode 600). */
export function movePrivate(from: string, to: string): void {
  renameSync(from, to);
  chmodSync(to, 0o600);
}
