import { resolve } from 'node:path';
import { SqliteStore, StoreFileError } from '../storage/sqlite';

/** A request a command cannot serve (a missing database, agent name, …): printed as is, exit 1. */
export class CommandError extends Error {}

/**
 * Opens the bot's existing database for a command that never starts one: read only for commands
 * that only read (reports, the audit log), for writing otherwise (the desk's audit rows, privacy
 * commands). A missing file is not created — run from the wrong folder, a command would otherwise
 * report on a new empty database — and the error says where it looked and how to point elsewhere.
 */
export function openBotDatabase(path: string, mode: 'read' | 'write'): SqliteStore {
  try {
    return new SqliteStore(path, mode === 'read' ? { readonly: true } : { mustExist: true });
  } catch (error) {
    if (error instanceof StoreFileError) throw new CommandError(storeFileMessage(error));
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
