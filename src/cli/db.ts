import type { Command } from 'commander';
import { Pool } from 'pg';
import { copySqliteToPostgres, CopyTargetNotEmptyError } from '../storage/postgres-copy';
import { migratePostgres } from '../storage/postgres-schema';
import { connectionError } from '../storage/postgres-session';
import { StoreFileError } from '../storage/sqlite';
import { CommandError } from './open-store';

const NEEDS_URL =
  'Sebutkan database PostgreSQL: --url postgres://… atau DATABASE_URL=postgres://… / ' +
  'Name the PostgreSQL database: --url postgres://… or DATABASE_URL=postgres://…';

/** `tanya db migrate` and `tanya db copy`: the PostgreSQL store's schema, and moving a SQLite shop onto it. */
export function addDbCommands(program: Command): void {
  const db = program.command('db').description('the PostgreSQL store: apply schema migrations, copy a SQLite database into it');
  db.command('migrate')
    .description('bring the PostgreSQL schema up to date (the bot also does this at start); prints the versions applied')
    .option('--url <url>', 'postgres://user:password@host:5432/db (default: DATABASE_URL)')
    .action(async (opts: { url?: string }) => {
      const url = postgresUrl(opts.url);
      const pool = new Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 5000, application_name: 'tanya db migrate' });
      pool.on('error', () => undefined);
      try {
        const applied = await migratePostgres(pool).catch((error: unknown) => {
          throw isConnectionFailure(error) ? new CommandError(connectionError(url, error).message) : error;
        });
        process.stdout.write(
          applied.length === 0 ? 'Skema sudah terbaru / schema already up to date.\n' : `Migrasi diterapkan / migrations applied: ${applied.join(', ')}\n`,
        );
      } finally {
        await pool.end().catch(() => undefined);
      }
    });
  db.command('copy')
    .description("copy a stopped bot's SQLite database into an empty PostgreSQL database, whole or not at all (counts compared before commit)")
    .requiredOption('--from <source>', 'sqlite:FILE, e.g. sqlite:data/tanya.db')
    .option('--to <url>', 'postgres://user:password@host:5432/db (default: DATABASE_URL)')
    .action(async (opts: { from: string; to?: string }) => {
      const file = /^sqlite:(.+)$/.exec(opts.from.trim())?.[1];
      if (!file)
        throw new CommandError(
          `--from ditulis sqlite:FILE (contoh sqlite:data/tanya.db) / --from is written sqlite:FILE (e.g. sqlite:data/tanya.db), got "${opts.from}"`,
        );
      const url = postgresUrl(opts.to);
      try {
        const counts = await copySqliteToPostgres(file, url, (table, rows) => process.stdout.write(`  ${table}: ${rows}\n`));
        const total = Object.values(counts).reduce((a, b) => a + b, 0);
        process.stdout.write(`✓ ${total} baris disalin / rows copied (jumlah per tabel sama di kedua sisi / the same count on both sides for every table)\n`);
      } catch (error) {
        if (error instanceof CopyTargetNotEmptyError || error instanceof StoreFileError) throw new CommandError(error.message);
        throw error;
      }
    });
}

function postgresUrl(given: string | undefined): string {
  const url = (given ?? process.env.DATABASE_URL ?? '').trim();
  if (!url) throw new CommandError(NEEDS_URL);
  if (!/^postgres(ql)?:\/\//.test(url))
    throw new CommandError(`Bukan URL PostgreSQL / not a PostgreSQL URL (postgres://…): ${url.replace(/:[^:@/]*@/, ':***@')}`);
  return url;
}

function isConnectionFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (/^E[A-Z]+$/.test(code) || code.startsWith('28') || code === '3D000' || code === '57P03')
    ? true
    : /timeout/i.test(String(error));
}
