import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatProblem } from '../../src/knowledge/errors';
import { checkKnowledge, knowledgeFiles } from '../../src/knowledge/loader';
import { DEFAULT_SOURCE_LIMITS, readYamlSources } from '../../src/knowledge/source-files';

/**
 * Pipes, devices and kernel files named like YAML files: `tanya check` and live reload must
 * refuse them by their type and place, before opening them, instead of waiting forever for a
 * read (a pipe without a writer, /proc/kmsg) or reading secrets (/proc/self/environ).
 */

const ENTRY = 'faq:\n  - id: a\n    questions: { id: [x], en: [y] }\n    answer: { id: a, en: b }\n';
const KIND = { noun: 'knowledge', howToSplit: 'split it' };
const posix = process.platform !== 'win32';
const onLinux = process.platform === 'linux' && existsSync('/proc/self/status');

/** A fresh folder with an ordinary ok.yaml. */
function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tanya-system-files-'));
  writeFileSync(join(dir, 'ok.yaml'), ENTRY);
  return dir;
}

/** What one check reads and refuses, file names relative to the folder. */
function read(dir: string, paths: readonly string[] = [dir]): { read: string[]; problems: string[] } {
  const { sources, problems } = readYamlSources(paths, { kind: KIND, cwd: dir, limits: DEFAULT_SOURCE_LIMITS, missing: 'error' });
  return { read: sources.map((s) => s.name), problems: problems.map(formatProblem) };
}

(posix ? describe : describe.skip)('pipes and devices in the knowledge folder', () => {
  it('refuses a FIFO without opening it (opening one for reading would wait for a writer)', () => {
    const dir = folder();
    execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
    expect(read(dir)).toEqual({
      read: ['ok.yaml'],
      problems: ['pipe.yaml:1:1: this is not an ordinary file (it may be a device or a pipe); keep only YAML text files here'],
    });
    expect(knowledgeFiles(dir)).toEqual([join(dir, 'ok.yaml')]);
  });

  it('refuses a FIFO given as the path itself, and a link to one', () => {
    const dir = folder();
    const pipe = join(dir, 'pipe.yaml');
    execFileSync('mkfifo', [pipe]);
    symlinkSync(pipe, join(dir, 'to-pipe.yaml'));
    expect(read(dir, [pipe]).problems).toEqual(['pipe.yaml:1:1: this is not an ordinary file (it may be a device or a pipe); give a YAML file or a folder']);
    expect(read(dir).problems).toEqual([
      'pipe.yaml:1:1: this is not an ordinary file (it may be a device or a pipe); keep only YAML text files here',
      'to-pipe.yaml:1:1: this is not an ordinary file (it may be a device or a pipe); keep only YAML text files here',
    ]);
  });

  it('refuses a link to /dev/zero, and `tanya check` names the file', () => {
    const dir = folder();
    symlinkSync('/dev/zero', join(dir, 'zero.yaml'));
    expect(read(dir).read).toEqual(['ok.yaml']);
    expect(checkKnowledge([dir], dir).problems.map(formatProblem)).toEqual([
      'zero.yaml:1:1: this is not an ordinary file (it may be a device or a pipe); keep only YAML text files here',
    ]);
  });
});

(onLinux ? describe : describe.skip)('kernel files that look like ordinary files', () => {
  it('refuses a link into /proc even though `stat` calls it a regular file', () => {
    const dir = folder();
    symlinkSync('/proc/self/environ', join(dir, 'env.yaml'));
    const real = realpathSync('/proc/self/environ');
    expect(read(dir)).toEqual({
      read: ['ok.yaml'],
      problems: [
        `env.yaml:1:1: env.yaml leads to ${real}, a system file (under /proc, /sys or /dev) that tanya does not read: it may never end or may hold secrets; keep only YAML text files here`,
      ],
    });
    expect(knowledgeFiles(dir)).toEqual([join(dir, 'ok.yaml')]);
  });

  it('follows a chain of links to see where it ends, and refuses a /proc file given directly', () => {
    const dir = folder();
    symlinkSync('/proc/self/status', join(dir, 'hop.txt'));
    symlinkSync('hop.txt', join(dir, 'status.yaml'));
    const [problem] = read(dir).problems;
    expect(problem).toMatch(/^status\.yaml:1:1: status\.yaml leads to \/proc\/\d+\/status, a system file/);
    expect(read(dir, ['/proc/self/status']).problems).toEqual([
      expect.stringMatching(/proc\/self\/status:1:1: .* leads to \/proc\/\d+\/status, a system file .*; give a YAML file or a folder$/),
    ]);
  });

  it('still reads an ordinary file through a link from outside the folder', () => {
    const dir = folder();
    const elsewhere = mkdtempSync(join(tmpdir(), 'tanya-system-files-target-'));
    writeFileSync(join(elsewhere, 'shared.yaml'), ENTRY.replace('id: a', 'id: b'));
    symlinkSync(join(elsewhere, 'shared.yaml'), join(dir, 'shared.yaml'));
    expect(read(dir)).toEqual({ read: ['ok.yaml', 'shared.yaml'], problems: [] });
  });
});
