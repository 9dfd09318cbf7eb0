import type { Command } from 'commander';
import { existsSync, mkdirSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { StoreFileError } from '../storage/sqlite';
import {
  asidePath,
  checkDatabase,
  copyInto,
  DatabaseCheckError,
  movePrivate,
  onlineBackup,
  peekCounts,
  privateTempBeside,
  removeWithCompanions,
  takeOffline,
  toRollbackJournal,
  type DatabaseCounts,
} from '../storage/sqlite-backup';
import { CommandError, openBotDatabase } from './open-store';

interface BackupDefaults {
  readonly db: string;
  /** The operator's OS user, recorded in the audit log. */
  readonly operator: string;
}

/**
 * `tanya backup FILE` (an online copy, safe while the bot runs) and `tanya restore FILE` (puts a
 * copy back while the bot is stopped, keeping the database it replaces). Copies hold customers'
 * personal data: they are written readable by their owner only (mode 600).
 */
export function addBackupCommands(program: Command, defaults: BackupDefaults): void {
  program
    .command('backup')
    .description('copy the database into FILE (mode 600) while the bot runs, then check the copy; see docs/deploy.md')
    .argument('<file>', 'the copy to write, e.g. backups/tanya-2026-11-25.db')
    .option('--db <path>', 'SQLite file of the bot', defaults.db)
    .option('--force', 'overwrite FILE when it exists', false)
    .action(async (file: string, opts: { db: string; force: boolean }) => {
      refuseWithPostgres();
      if (sameFile(file, opts.db) || [`${opts.db}-wal`, `${opts.db}-shm`, `${opts.db}-journal`].some((f) => sameFile(file, f))) {
        throw new CommandError(`${file} adalah database bot itu sendiri; tulis nama file lain. / ${file} is the bot's own database; give another file name.`);
      }
      if (isDirectory(file)) {
        throw new CommandError(
          `${file} adalah folder; tulis nama file, mis. ${file.replace(/\/+$/, '')}/tanya-2026-11-25.db / ${file} is a folder; give a file name.`,
        );
      }
      if (existsSync(file) && !opts.force) {
        throw new CommandError(
          `${file} sudah ada; tidak ada yang diubah (timpa dengan --force). / ${file} already exists; nothing changed (overwrite it with --force).`,
        );
      }
      // The source must be the bot's existing database: a wrong folder reports, never creates one.
      const store = await openBotDatabase(opts.db, 'write');
      try {
        mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
        const temp = privateTempBeside(file, 'backup');
        let counts: DatabaseCounts;
        try {
          await onlineBackup(opts.db, temp);
          counts = checkCopy(temp, file);
          if (existsSync(file) && !opts.force)
            throw new CommandError(`${file} muncul selama pencadangan; tidak ada yang diubah. / ${file} appeared during the backup; nothing changed.`);
          movePrivate(temp, file);
        } catch (error) {
          removeWithCompanions(temp);
          throw error;
        }
        await store.audit({ actor: defaults.operator, action: 'backup', subject: resolve(file), via: 'cli', detail: { ...counts } });
        process.stdout.write(`✓ ${file} (mode 600, ${size(counts.bytes)}, integrity_check ok): ${countsText(counts)}\n`);
      } finally {
        await store.close();
      }
    });

  program
    .command('restore')
    .description('put a backup back as the database (the bot must be stopped); the replaced one is kept as <db>.before-restore-<time>')
    .argument('<file>', 'a copy made by "tanya backup"')
    .option('--db <path>', 'SQLite file of the bot to replace', defaults.db)
    .option('--force', 'replace the database when it exists (without it, only says what would be replaced)', false)
    .action(async (file: string, opts: { db: string; force: boolean }) => {
      refuseWithPostgres();
      const target = opts.db;
      if (!isFile(file))
        throw new CommandError(
          `File cadangan tidak ditemukan: ${resolve(file)}; tidak ada yang diubah. / Backup file not found: ${resolve(file)}; nothing changed.`,
        );
      if (sameFile(file, target))
        throw new CommandError(`${file} adalah database itu sendiri; tidak ada yang diubah. / ${file} is the database itself; nothing changed.`);
      if (nonEmpty(`${file}-wal`)) {
        throw new CommandError(
          `${file}-wal ada di sebelahnya: ${file} sedang dipakai atau disalin tanpa WAL-nya; buat salinan dengan "tanya backup". Tidak ada yang diubah. / ` +
            `${file}-wal lies beside it: ${file} is in use or was copied without its WAL; make copies with "tanya backup". Nothing changed.`,
        );
      }
      const folder = dirname(target);
      const madeFolder = !existsSync(folder);
      mkdirSync(folder, { recursive: true, mode: 0o700 });
      // FILE itself is never opened: its bytes are copied beside the target, checked there and renamed into place.
      const temp = privateTempBeside(target, 'restore');
      let placed = false;
      let aside: string | undefined;
      let counts: DatabaseCounts;
      try {
        copyInto(file, temp);
        counts = checkCopy(temp, file, { acceptOlderSchema: true });
        if (existsSync(target)) {
          if (!opts.force) throw new CommandError(wouldReplace(target, file, counts));
          if (!takeOffline(target)) {
            throw new CommandError(
              `Bot (atau perintah lain) sedang membuka ${target}: hentikan dulu, lalu ulangi. Tidak ada yang diubah. / ` +
                `A bot (or another command) has ${target} open: stop it first, then run restore again. Nothing changed.`,
            );
          }
          aside = asidePath(target);
          movePrivate(target, aside);
        }
        // The old database's WAL and shared-memory files were merged into it (takeOffline) and are stale now.
        for (const companion of [`${target}-wal`, `${target}-shm`, `${target}-journal`]) rmSync(companion, { force: true });
        movePrivate(temp, target);
        placed = true;
      } finally {
        if (!placed) {
          removeWithCompanions(temp);
          if (madeFolder) tryRemoveFolder(folder);
        }
      }
      const store = await openBotDatabase(target, 'write');
      try {
        await store.audit({
          actor: defaults.operator,
          action: 'restore',
          subject: resolve(file),
          via: 'cli',
          detail: { ...counts, ...(aside ? { replacedKeptAs: resolve(aside) } : {}) },
        });
      } finally {
        await store.close();
      }
      process.stdout.write(
        `✓ ${target} dipulihkan dari / restored from ${file} (mode 600): ${countsText(counts)}\n` +
          (aside ? `  Database lama disimpan / old database kept as ${aside} (mode 600)\n` : '') +
          'Jalankan bot lagi / start the bot again.\n',
      );
    });
}

/** Checks a private copy of `shown` (the file the user named) and says plainly what is wrong with it. */
function checkCopy(copy: string, shown: string, options: { readonly acceptOlderSchema?: boolean } = {}): DatabaseCounts {
  try {
    toRollbackJournal(copy);
    return checkDatabase(copy, options);
  } catch (error) {
    if (error instanceof StoreFileError) {
      if (error.problem === 'outdated') {
        return fail(
          `${shown} dibuat oleh Tanya versi lama (tidak ada: ${error.missing.join(', ')}). / ${shown} was made by an older Tanya (missing: ${error.missing.join(', ')}).`,
        );
      }
      return fail(`${shown} bukan database Tanya; tidak ada yang diubah. / ${shown} is not a Tanya database; nothing changed.`);
    }
    if (error instanceof DatabaseCheckError) {
      return fail(
        `${shown} rusak (integrity_check: ${error.problems.slice(0, 3).join('; ')}); tidak ada yang diubah. / ${shown} is damaged (integrity_check failed); nothing changed.`,
      );
    }
    throw error;
  }
}

function fail(message: string): never {
  throw new CommandError(message);
}

function wouldReplace(target: string, file: string, incoming: DatabaseCounts): string {
  const current = peekCounts(target);
  const modified = lastWrite(target);
  const now = current ? `${size(current.bytes)}, ${countsText(current)}` : `${size(statSync(target).size)}, tidak terbaca / unreadable`;
  return (
    `Akan mengganti / would replace ${target} (diubah / modified ${modified}; ${now})\n` +
    `  dengan / with ${file} (${size(incoming.bytes)}, ${countsText(incoming)}).\n` +
    `Tidak ada yang diubah. Hentikan bot, lalu jalankan lagi dengan --force; database lama disimpan sebagai ${target}.before-restore-<waktu>. / ` +
    `Nothing changed. Stop the bot, then run again with --force; the old database is kept as ${target}.before-restore-<time>.`
  );
}

function countsText(c: DatabaseCounts): string {
  return `${c.conversations} percakapan / conversations, ${c.messages} pesan / messages, ${c.tickets} tiket / tickets`;
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The database's last write: in WAL mode the -wal file is written first. */
function lastWrite(path: string): string {
  const times = [path, `${path}-wal`].filter(isFile).map((f) => statSync(f).mtime.getTime());
  return `${new Date(Math.max(...times)).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function sameFile(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  try {
    const sa = statSync(a);
    const sb = statSync(b);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function nonEmpty(path: string): boolean {
  return isFile(path) && statSync(path).size > 0;
}

function tryRemoveFolder(folder: string): void {
  try {
    rmdirSync(folder);
  } catch {
    // Not empty, or not ours to remove.
  }
}

/** The SQLite backup commands do not apply to a bot whose data is in PostgreSQL. */
function refuseWithPostgres(): void {
  if (process.env.DATABASE_URL?.trim()) {
    throw new CommandError(
      'DATABASE_URL diset: data bot ada di PostgreSQL; cadangkan dengan pg_dump (lihat docs/scale.md). / ' +
        "DATABASE_URL is set: the bot's data is in PostgreSQL; back it up with pg_dump (see docs/scale.md).",
    );
  }
}
