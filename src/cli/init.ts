import { chmodSync, cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { CommandError } from './open-store';

/** The project's root (dist/src/cli → ../../..), where the sample shop's knowledge and flows live. */
const PACKAGE_ROOT = resolve(__dirname, '..', '..', '..');

/** Settings a new shop fills in; every line commented out, so the bot starts as the terminal chat. */
const ENV_TEMPLATE = `# Tanya settings for this shop. Lines starting with # are off. Environment variables win over this file.
# PORT=3000
# HOST=127.0.0.1
# LOG_LEVEL=info
# TELEGRAM_BOT_TOKEN=123456:ABC...
# WHATSAPP_CLOUD_TOKEN=...
# WHATSAPP_PHONE_NUMBER_ID=...
# WHATSAPP_APP_SECRET=...
# WHATSAPP_VERIFY_TOKEN=...
# HANDOFF_TELEGRAM_CHAT_ID=-100...
# TANYA_LOG_KEY=a-long-random-secret-for-hashing-ids-in-logs
`;

export interface InitResult {
  readonly dir: string;
  readonly created: readonly string[];
}

/**
 * Lays out a new shop outside the code: the sample knowledge and flows to edit, an empty data
 * folder (mode 700) and a `.env` (mode 600). Upgrading the code never touches this folder.
 */
export function initShop(dir: string, sampleRoot: string = PACKAGE_ROOT): InitResult {
  const target = resolve(dir);
  const clash = ['knowledge', 'flows', 'schema', '.env'].filter((name) => existsSync(join(target, name)));
  if (clash.length > 0) {
    throw new CommandError(
      `${target} sudah berisi ${clash.join(', ')}; tidak ada yang ditimpa. / ${target} already has ${clash.join(', ')}; nothing was overwritten.`,
    );
  }
  // A folder with other files is fine (a git repository, a README); only our names must be free.
  mkdirSync(target, { recursive: true });
  cpSync(join(sampleRoot, 'knowledge'), join(target, 'knowledge'), { recursive: true });
  cpSync(join(sampleRoot, 'flows'), join(target, 'flows'), { recursive: true });
  // The YAML files name ../schema/*.json for editors' validation and completion.
  cpSync(join(sampleRoot, 'schema'), join(target, 'schema'), { recursive: true });
  mkdirSync(join(target, 'data'), { recursive: true, mode: 0o700 });
  chmodSync(join(target, 'data'), 0o700);
  writeFileSync(join(target, '.env'), ENV_TEMPLATE, { mode: 0o600 });
  return { dir: target, created: ['knowledge/', 'flows/', 'schema/', 'data/', '.env'] };
}

export function addInitCommand(program: Command): void {
  program
    .command('init')
    .argument('<dir>', 'folder for the new shop (created if missing)')
    .description('scaffolds a shop outside the code: the sample knowledge and flows to edit, data/ and .env; upgrades never touch it')
    .action((dir: string) => {
      const result = initShop(dir);
      process.stdout.write(
        `✓ Toko baru di / new shop in ${result.dir}: ${result.created.join(', ')}\n` +
          `  Ubah knowledge/ dan flows/, isi token di .env, lalu jalankan / edit knowledge/ and flows/, put tokens in .env, then run:\n` +
          `  cd ${result.dir} && tanya check knowledge && tanya start\n`,
      );
    });
}
