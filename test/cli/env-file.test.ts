import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadEnvFile } from '../../src/cli/env-file';
import { CommandError } from '../../src/cli/open-store';

const folder = (): string => mkdtempSync(join(tmpdir(), 'tanya-env-'));

describe('settings from a .env file', () => {
  it('reads .env in the working folder; the environment wins over the file', () => {
    const dir = folder();
    writeFileSync(join(dir, '.env'), 'TANYA_TEST_A=from-file\nTANYA_TEST_B="quoted # not a comment"\n', { mode: 0o600 });
    const env: NodeJS.ProcessEnv = { TANYA_TEST_A: 'from-env' };
    const warnings: string[] = [];
    expect(loadEnvFile(dir, env, (l) => warnings.push(l))).toBe(join(dir, '.env'));
    expect(env.TANYA_TEST_A).toBe('from-env');
    expect(env.TANYA_TEST_B).toBe('quoted # not a comment');
    expect(warnings).toEqual([]);
  });

  it('warns when others can read the file, and needs TANYA_ENV_FILE to exist', () => {
    const dir = folder();
    writeFileSync(join(dir, 'prod.env'), 'TANYA_TEST_C=1\n');
    chmodSync(join(dir, 'prod.env'), 0o644);
    const env: NodeJS.ProcessEnv = { TANYA_ENV_FILE: 'prod.env' };
    const warnings: string[] = [];
    loadEnvFile(dir, env, (l) => warnings.push(l));
    expect(env.TANYA_TEST_C).toBe('1');
    expect(warnings.join('\n')).toMatch(/chmod 600 .*prod\.env/);
    expect(() => loadEnvFile(dir, { TANYA_ENV_FILE: 'missing.env' })).toThrow(CommandError);
    expect(loadEnvFile(folder(), {})).toBeUndefined();
  });

  it('is read by the real command before anything else', () => {
    const dir = folder();
    writeFileSync(join(dir, '.env'), 'TANYA_DB=./from-dotenv/tanya.db\n', { mode: 0o600 });
    const r = spawnSync(process.execPath, [resolve('bin', 'tanya.js'), 'report', 'stats'], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(join(dir, 'from-dotenv', 'tanya.db'));
  });
});
