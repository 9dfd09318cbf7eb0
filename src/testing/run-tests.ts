import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { LoadedFlow } from '../flows/loader';
import type { KnowledgeBase } from '../knowledge/schema';
import { formatFailure, runConversationFile } from './conversation-tests';

/** Test files named by the editor: files as given, folders' *.yaml (recursively), sorted. */
function testFiles(paths: readonly string[]): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const walk = (path: string): void => {
    let isDir: boolean;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      missing.push(path);
      return;
    }
    if (!isDir) {
      files.push(path);
      return;
    }
    for (const name of readdirSync(path).sort()) {
      const child = join(path, name);
      if (statSync(child).isDirectory()) walk(child);
      else if (/\.ya?ml$/i.test(name)) files.push(child);
    }
  };
  paths.forEach(walk);
  return { files, missing };
}

/** Runs `tanya test`: every failing turn with file:line, expected vs got and top candidates. */
export async function runConversationTests(
  paths: readonly string[],
  kb: KnowledgeBase,
  flows: readonly LoadedFlow[],
): Promise<{ passed: boolean; output: string }> {
  const { files, missing } = testFiles(paths);
  const lines: string[] = missing.map((m) => `${m}: no such file or folder`);
  let turns = 0;
  let failed = 0;
  for (const file of files) {
    const name = relative(process.cwd(), file) || file;
    const report = await runConversationFile(file, kb, name, { flows });
    turns += report.turns;
    failed += report.failures.length;
    lines.push(...report.failures.map(formatFailure));
  }
  if (files.length === 0 && missing.length === 0) lines.push(`no test files in ${paths.join(', ')}`);
  const passed = failed === 0 && missing.length === 0 && files.length > 0;
  lines.push(passed ? `✓ ${turns} turns in ${files.length} file(s) passed` : `✗ ${failed} of ${turns} turns failed in ${files.length} file(s)`);
  return { passed, output: `${lines.join('\n')}\n` };
}
