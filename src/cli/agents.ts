import type { Command } from 'commander';
import { generatePassword, hashPassword, MIN_PASSWORD_CHARS } from '../console/passwords';
import type { ConversationStore } from '../storage/store';
import { CommandError, openBotDatabase } from './open-store';

interface AgentOptions {
  readonly db: string;
  readonly admin?: boolean;
  readonly passwordStdin?: boolean;
}

/** Names customers see and the audit log records: letters, digits, spaces, `.`, `_`, `-`; 1–40 characters. */
const NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,39}$/u;

/**
 * `tanya agents add|list|remove|password`: the agent console's accounts, in the bot's database.
 * A password comes from stdin (`--password-stdin`, first line) or is generated and printed once;
 * only its scrypt hash is stored.
 */
export function addAgentCommands(program: Command, defaults: { readonly db: string }): void {
  const agents = program.command('agents').description('agent console accounts (tanya agents add NAME [--admin])');
  const withStore = async (db: string, fn: (store: ConversationStore) => Promise<void> | void): Promise<void> => {
    const store = await openBotDatabase(db, 'write');
    try {
      await fn(store);
    } finally {
      await store.close();
    }
  };
  agents
    .command('add')
    .description('add an account (agent: inbox; --admin: also dashboard, playground); prints a generated password unless --password-stdin')
    .argument('<name>', 'the name customers see, e.g. Rina')
    .option('--admin', 'an admin account', false)
    .option('--password-stdin', 'read the password from the first line of stdin', false)
    .option('--db <path>', 'SQLite file of the bot (must exist)', defaults.db)
    .action(async (name: string, opts: AgentOptions) => {
      const clean = checkedName(name);
      const { password, generated } = await passwordFor(opts);
      await withStore(opts.db, async (store) => {
        const added = await store
          .consoleStore()
          .addAgent({ name: clean, role: opts.admin ? 'admin' : 'agent', passwordHash: await hashPassword(password), createdAt: new Date().toISOString() });
        if (!added) throw new CommandError(`Nama "${clean}" sudah dipakai. / The name "${clean}" is taken (tanya agents list).`);
        process.stdout.write(`Akun ditambahkan / account added: ${clean} (${opts.admin ? 'admin' : 'agent'})\n`);
        if (generated) process.stdout.write(`Kata sandi / password: ${password}\n(sekali tampil; simpan sekarang / shown once; keep it now)\n`);
      });
    });
  agents
    .command('password')
    .description('set a new password (ends the account’s sessions); prints a generated one unless --password-stdin')
    .argument('<name>', 'the account')
    .option('--password-stdin', 'read the password from the first line of stdin', false)
    .option('--db <path>', 'SQLite file of the bot (must exist)', defaults.db)
    .action(async (name: string, opts: AgentOptions) => {
      const { password, generated } = await passwordFor(opts);
      await withStore(opts.db, async (store) => {
        if (!(await store.consoleStore().setPassword(name, await hashPassword(password))))
          throw new CommandError(`Tidak ada akun "${name}". / No account "${name}".`);
        process.stdout.write(`Kata sandi diganti / password changed: ${name}\n`);
        if (generated) process.stdout.write(`Kata sandi / password: ${password}\n`);
      });
    });
  agents
    .command('list')
    .description('list the accounts')
    .option('--db <path>', 'SQLite file of the bot (must exist)', defaults.db)
    .action(async (opts: AgentOptions) => {
      await withStore(opts.db, async (store) => {
        const all = await store.consoleStore().agents();
        if (all.length === 0) process.stdout.write('Belum ada akun / no accounts (tanya agents add NAME --admin)\n');
        for (const a of all) process.stdout.write(`${a.name}\t${a.role}\t${a.createdAt}\n`);
      });
    });
  agents
    .command('remove')
    .description('remove an account and end its sessions')
    .argument('<name>', 'the account')
    .option('--db <path>', 'SQLite file of the bot (must exist)', defaults.db)
    .action(async (name: string, opts: AgentOptions) => {
      await withStore(opts.db, async (store) => {
        if (!(await store.consoleStore().removeAgent(name))) throw new CommandError(`Tidak ada akun "${name}". / No account "${name}".`);
        process.stdout.write(`Akun dihapus / account removed: ${name}\n`);
      });
    });
}

function checkedName(name: string): string {
  const clean = name.trim();
  if (!NAME.test(clean)) {
    throw new CommandError(
      `Nama tidak valid: "${name}" (huruf, angka, spasi, . _ -; maks. 40). / Invalid name: "${name}" (letters, digits, spaces, . _ -; at most 40).`,
    );
  }
  return clean;
}

async function passwordFor(opts: AgentOptions): Promise<{ password: string; generated: boolean }> {
  if (!opts.passwordStdin) return { password: generatePassword(), generated: true };
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  if (password.length < MIN_PASSWORD_CHARS) {
    throw new CommandError(`Kata sandi minimal ${MIN_PASSWORD_CHARS} karakter. / The password needs ${MIN_PASSWORD_CHARS} characters or more.`);
  }
  return { password, generated: false };
}
