import { existsSync, readFileSync, statSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { resolve } from 'node:path';
import { CommandError } from './open-store';

/**
 * Reads settings from an env file into `process.env`: `TANYA_ENV_FILE` when set (it must exist),
 * else `.env` in the working folder when there is one. Variables already in the environment win,
 * so `PORT=8080 tanya start` overrides the file. Returns the file read, if any.
 */
export function loadEnvFile(
  cwd: string = process.cwd(),
  env: NodeJS.ProcessEnv = process.env,
  warn: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): string | undefined {
  const named = env.TANYA_ENV_FILE;
  const path = resolve(cwd, named ?? '.env');
  if (!existsSync(path)) {
    if (named) throw new CommandError(`File TANYA_ENV_FILE tidak ditemukan: ${path} / env file not found: ${path}`);
    return undefined;
  }
  const stat = statSync(path);
  if (!stat.isFile()) throw new CommandError(`${path} bukan file / is not a file`);
  // Tokens and secrets live here: anyone else on the machine reading it could answer as the shop.
  if ((stat.mode & 0o077) !== 0)
    warn(`Peringatan: ${path} bisa dibaca pengguna lain; jalankan chmod 600 ${path} / warning: ${path} is readable by other users; run chmod 600 ${path}`);
  let values: Record<string, string>;
  try {
    values = parseEnv(readFileSync(path, 'utf8')) as Record<string, string>;
  } catch (error) {
    throw new CommandError(`File env tidak bisa dibaca / cannot read env file ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  for (const [key, value] of Object.entries(values)) if (env[key] === undefined) env[key] = value;
  return path;
}
