import { resolve } from 'node:path';
import { openStore, usesPostgres } from '../storage/open-store';
import { StoreFileError } from '../storage/sqlite';
import type { ConversationStore } from '../storage/store';

/** A request a command cannot serve (a missing database, agent name, …): printed as is, exit 1. */
export class CommandError extends Error {}

/**
 * Opens the bot's existing database for a command that never starts one: the PostgreSQL of
 * DATABASE_URL when it is set (which must already hold the schema: `tanya db migrate`), else the
 * SQLite file, read only for commands that only read (reports, the audit log), for writing
 * otherwise (the desk's audit rows, privacy commands). A missing file is not created — run from
 * the wrong folder, a command would otherwise report on a new empty database — and the error says
 * where it looked and how to point elsewhere.
 */
export async function openBotDatabase(path: string, mode: 'read' | 'write', env: NodeJS.ProcessEnv = process.env): Promise<ConversationStore> {
  try {
    return await openStore(
      { databaseUrl: env.DATABASE_URL, sqlitePath: path },
      { sqlite: mode === 'read' ? { readonly: true } : { mustExist: true }, postgres: { migrate: false, max: 2 } },
    );
  } catch (error) {
    if (error instanceof StoreFileError) throw new CommandError(storeFileMessage(error));
    if (usesPostgres({ databaseUrl: env.DATABASE_URL }) && error instanceof Error) throw new CommandError(error.message);
    throw error;
  }
}

const POINT_ELSEWHERE =
  'Jalankan perintah dari folder bot, atau tunjuk database-nya dengan --db FILE atau TANYA_DB=FILE. / ' +
  "Run the command from the bot's folder, or point at its database with --db FILE or TANYA_DB=FILE.";

function storeFileMessage(error: StoreFileError): string {
  const full = resolve(error.path);
  switch (error.problem) {
    case 'missing':
      return `Database tidak ditemukan: ${full} (tidak ada yang dibuat). / Database not found: ${full} (nothing was created).\n${POINT_ELSEWHERE}`;
    case 'not-a-database':
      return `${full} bukan database Tanya. / ${full} is not a Tanya database.\n${POINT_ELSEWHERE}`;
    case 'outdated':
      return (
        `${full} dibuat oleh Tanya versi lama (tidak ada: ${error.missing.join(', ')}); jalankan bot sekali dengan database ini agar diperbarui. / ` +
        `${full} was made by an older Tanya (missing: ${error.missing.join(', ')}); run the bot once on it to upgrade it.`
      );
    default: {
      const exhaustive: never = error.problem;
      return exhaustive;
    }
  }
}
