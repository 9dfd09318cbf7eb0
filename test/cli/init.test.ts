import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const tanya = (args: string[], cwd = process.cwd()): { status: number | null; stdout: string; stderr: string } => {
  const r = spawnSync(process.execPath, [resolve('bin', 'tanya.js'), ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('tanya init DIR', () => {
  it('lays out a shop outside the code that checks, tests and runs from its own folder', () => {
    const shop = join(mkdtempSync(join(tmpdir(), 'tanya-init-')), 'toko');
    const made = tanya(['init', shop]);
    expect(made.status).toBe(0);
    expect(made.stdout).toContain(`✓ Toko baru di / new shop in ${shop}`);
    expect(statSync(join(shop, 'data')).mode & 0o777).toBe(0o700);
    expect(statSync(join(shop, '.env')).mode & 0o777).toBe(0o600);
    // Every setting is commented out: the new shop starts as the terminal chat.
    expect(
      readFileSync(join(shop, '.env'), 'utf8')
        .split('\n')
        .filter((l) => l.trim() && !l.startsWith('#')),
    ).toEqual([]);
    expect(existsSync(join(shop, 'schema', 'knowledge.schema.json'))).toBe(true);
    expect(tanya(['check', 'knowledge'], shop).status).toBe(0);
    expect(tanya(['test'], shop).status).toBe(0);
    const chat = spawnSync(process.execPath, [resolve('bin', 'tanya.js'), 'chat', '--json'], { cwd: shop, input: 'jam buka toko bandung\n', encoding: 'utf8' });
    expect((JSON.parse(chat.stdout.trim().split('\n')[0] ?? '{}') as { decision?: string }).decision).toBe('answer');
  });

  it('never overwrites a shop', () => {
    const shop = mkdtempSync(join(tmpdir(), 'tanya-init-'));
    writeFileSync(join(shop, '.env'), 'TELEGRAM_BOT_TOKEN=keep-me\n');
    const again = tanya(['init', shop]);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('.env');
    expect(readFileSync(join(shop, '.env'), 'utf8')).toBe('TELEGRAM_BOT_TOKEN=keep-me\n');
    expect(existsSync(join(shop, 'knowledge'))).toBe(false);
  });
});
