import { InvalidArgumentError, type Command } from 'commander';
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadKnowledge } from '../knowledge/loader';
import { customerKeys, maskedCustomer } from '../privacy/customer-keys';
import { formatCounts, nonZero, totalOf } from '../privacy/counts';
import { purgeInBatches, retentionCutoff, retentionDays } from '../privacy/retention';
import type { ConversationStore } from '../storage/store';
import { CommandError, openBotDatabase } from './open-store';
import { sinceTime } from './options';
import type { AuditEntry, CustomerData } from '../storage/store';

interface PrivacyDefaults {
  readonly kb: string;
  readonly db: string;
  /** The operator's OS user, recorded in the audit log. */
  readonly operator: string;
}

/** Raised for a request the command cannot serve; printed as is, exit 1. */
export class PrivacyCommandError extends CommandError {}

/**
 * The shop's duties under UU 27/2022 from the terminal: `tanya privacy purge` (retention),
 * `tanya forget` (erasure), `tanya export` (access) and `tanya audit` (who did what). Each
 * privacy command leaves an audit row with the operator's OS user.
 */
export function addPrivacyCommands(program: Command, defaults: PrivacyDefaults): void {
  // Each command works on the bot's existing database (never a new empty one); only `audit` merely reads.
  const withStore = async <T>(db: string, fn: (store: ConversationStore) => T | Promise<T>, mode: 'read' | 'write' = 'write'): Promise<T> => {
    const store = await openBotDatabase(db, mode);
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  };
  const dbOption = (cmd: Command): Command => cmd.option('--db <path>', 'SQLite file of the bot', defaults.db);

  const privacy = program.command('privacy').description("customers' data under the shop's control (UU 27/2022); see docs/privacy.md");
  dbOption(
    privacy
      .command('purge')
      .description('delete customer data older than the retention period (settings.privacy.retentionDays, TANYA_RETENTION_DAYS or --days)'),
  )
    .option('--kb <dir>', 'knowledge-base folder (for settings.privacy.retentionDays)', defaults.kb)
    .option('--days <n>', 'keep this many days (overrides the settings)', parseDays)
    .option('--dry-run', 'only count what would be removed', false)
    .action(async (opts: { db: string; kb: string; days?: number; dryRun: boolean }) => {
      const days = opts.days ?? retentionDays(loadKnowledge(opts.kb).settings, process.env);
      if (days === 0) {
        process.stdout.write('Retensi mati (0 hari = simpan semua); tidak ada yang dihapus. / Retention is off (0 days = keep everything); nothing removed.\n');
        return;
      }
      const now = new Date();
      const cutoff = retentionCutoff(days, now);
      const when = `${cutoff.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
      await withStore(opts.db, async (store) => {
        const counts = opts.dryRun ? (await store.purgeOlderThan(cutoff, { dryRun: true, now })).counts : (await purgeInBatches(store, cutoff, { now })).counts;
        if (totalOf(counts) === 0) {
          process.stdout.write(`Tidak ada data sebelum ${when} (${days} hari). / Nothing older than ${days} days.\n`);
          return;
        }
        if (!opts.dryRun)
          await store.audit({
            actor: defaults.operator,
            action: 'privacy.purge',
            subject: `before ${cutoff.toISOString()}`,
            via: 'cli',
            detail: { days, ...nonZero(counts) },
          });
        const head = opts.dryRun
          ? `Akan dihapus (--dry-run, belum ada yang diubah) / would be removed (nothing changed yet), data before ${when} (${days} days):`
          : `✓ Dihapus / removed, data before ${when} (${days} days):`;
        process.stdout.write(`${head}\n${formatCounts(counts)}\n`);
        if (counts.ticketsAnonymized > 0)
          process.stdout.write(
            '(Tiket lama disimpan tanpa nama, nomor dan teks pelanggan untuk angka laporan / old tickets keep only status, times, agent and CSAT for the figures.)\n',
          );
      });
    });

  dbOption(program.command('forget').description('delete everything stored about one customer (right to erasure); prints what was removed'))
    .requiredOption('--customer <id>', 'WhatsApp number (6281234567890), Telegram user id, or conversation id (whatsapp:6281234567890)')
    .action(async (opts: { db: string; customer: string }) => {
      const keys = keysOf(opts.customer);
      await withStore(opts.db, async (store) => {
        const { conversations, removed: counts } = await store.atomically(async (tx) => {
          const result = await tx.forgetCustomer(keys);
          if (totalOf(result.removed) > 0)
            await tx.audit({
              actor: defaults.operator,
              action: 'privacy.forget',
              subject: maskedCustomer(opts.customer.trim()),
              via: 'cli',
              detail: nonZero(result.removed),
            });
          return result;
        });
        if (totalOf(counts) === 0) throw notFound(opts.customer);
        process.stdout.write(
          `✓ Data pelanggan ${opts.customer.trim()} dihapus / customer data deleted:\n` +
            (conversations.length > 0 ? `  id percakapan / conversation ids: ${conversations.join(', ')}\n` : '') +
            `${formatCounts(counts)}\n`,
        );
        if (counts.tickets > 0) {
          process.stdout.write(
            "Catatan: salinan tiket di grup Telegram agen atau helpdesk tidak ikut terhapus; hapus juga di sana. / Copies already posted to the agents' Telegram group or helpdesk are not deleted; delete them there too.\n",
          );
        }
      });
    });

  dbOption(program.command('export').description('write everything stored about one customer as JSON (right of access)'))
    .requiredOption('--customer <id>', 'WhatsApp number (6281234567890), Telegram user id, or conversation id (whatsapp:6281234567890)')
    .option('--out <file>', 'write to this file (created readable by you only, mode 600) instead of stdout')
    .action(async (opts: { db: string; customer: string; out?: string }) => {
      const keys = keysOf(opts.customer);
      await withStore(opts.db, async (store) => {
        const data = await store.exportCustomer(keys);
        if (isEmpty(data)) throw notFound(opts.customer);
        const json = `${JSON.stringify({ customer: opts.customer.trim(), exportedAt: new Date().toISOString(), ...data }, null, 2)}\n`;
        if (opts.out) writePrivateFile(opts.out, json);
        else process.stdout.write(json);
        const messages = data.conversations.reduce((n, c) => n + c.transcript.length, 0);
        await store.audit({
          actor: defaults.operator,
          action: 'privacy.export',
          subject: maskedCustomer(opts.customer.trim()),
          via: 'cli',
          detail: {
            conversations: data.conversations.length,
            messages,
            tickets: data.tickets.length,
            flowRecords: data.flowRecords.length,
            toFile: opts.out !== undefined,
          },
        });
        if (opts.out) {
          process.stdout.write(
            `✓ ${opts.out} (mode 600): ${data.conversations.length} percakapan / conversations, ${messages} pesan / messages, ${data.tickets.length} tiket / tickets, ${data.flowRecords.length} catatan alur / flow records\n`,
          );
        }
      });
    });

  dbOption(program.command('audit').description('who claimed, replied to, resolved, transferred or read which ticket, and the privacy commands run'))
    .option('--since <date>', 'from this date (YYYY-MM-DD or ISO time); default: everything', '1970-01-01')
    .option('--json', 'one JSON object per line', false)
    .action(async (opts: { db: string; since: string; json: boolean }) => {
      const since = sinceTime(opts.since);
      await withStore(
        opts.db,
        async (store) => {
          const entries = await store.auditLog({ since });
          if (opts.json) {
            for (const e of entries) process.stdout.write(`${JSON.stringify(e)}\n`);
            return;
          }
          if (entries.length === 0) process.stdout.write('Belum ada catatan audit / no audit entries.\n');
          for (const e of entries) process.stdout.write(`${auditLine(e)}\n`);
        },
        'read',
      );
    });
}

function keysOf(customer: string): string[] {
  const keys = customerKeys(customer);
  if (keys.length === 0) throw new PrivacyCommandError('Tulis id pelanggan / give a customer id: --customer 6281234567890');
  return keys;
}

function notFound(customer: string): PrivacyCommandError {
  return new PrivacyCommandError(
    `Tidak ada data untuk pelanggan "${customer.trim()}"; tidak ada yang diubah. / No data for customer "${customer.trim()}"; nothing changed.\n` +
      'Tulis nomor WhatsApp (6281234567890), id pengguna Telegram, atau id percakapan (whatsapp:6281234567890); "tanya tickets --all" menampilkan pelanggan tiket. / ' +
      'Give the WhatsApp number, the Telegram user id or the conversation id; "tanya tickets --all" lists ticket customers.',
  );
}

function isEmpty(data: CustomerData): boolean {
  return data.conversations.length === 0 && data.tickets.length === 0 && data.flowRecords.length === 0 && data.pendingMessages.length === 0;
}

/**
 * Writes a file only its owner can read: a new file (mode 600) next to the target, renamed over
 * it, so an existing file's wider permissions never apply to the data, not even for a moment.
 */
function writePrivateFile(path: string, text: string): void {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

function auditLine(e: AuditEntry): string {
  const detail = e.detail
    ? `  ${Object.entries(e.detail)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(' ')}`
    : '';
  return `${e.at.slice(0, 19).replace('T', ' ')}  ${e.actor}${e.via ? ` (${e.via})` : ''}  ${e.action}${e.subject ? `  ${e.subject}` : ''}${detail}`;
}

function parseDays(value: string): number {
  if (!/^\d{1,6}$/.test(value)) throw new InvalidArgumentError('write a whole number of days, e.g. 365 (0 = keep everything)');
  return Number(value);
}
