import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { KbProblem } from './errors';

/**
 * Reading editors' files (knowledge and flows) safely: which files a folder holds, size limits
 * checked before reading, and text that must be UTF-8 without invisible control characters.
 * Every problem names the file with a line and column (1:1 when nothing more precise is known).
 */

const KB = 1024;
const MB = 1024 * KB;

/** Limits on what one check reads, so a huge folder or file is refused at once instead of exhausting memory. */
export interface SourceLimits {
  /** Largest file, in bytes (default 2 MB). Checked with `stat` before the file is read. */
  readonly maxFileBytes: number;
  /** Largest total of all the files read by one check, in bytes (default 10 MB). */
  readonly maxTotalBytes: number;
  /** Most YAML files read by one check (default 500). */
  readonly maxFiles: number;
}

/** The limits `tanya check` and the loaders use unless told otherwise. */
export const DEFAULT_SOURCE_LIMITS: SourceLimits = Object.freeze({ maxFileBytes: 2 * MB, maxTotalBytes: 10 * MB, maxFiles: 500 });

/** What kind of files are read, for messages. */
export interface SourceKind {
  /** "knowledge" or "flow". */
  readonly noun: string;
  /** How to split a file that is too big, e.g. 'split it into faq-1.yaml and faq-2.yaml …'. */
  readonly howToSplit: string;
}

/** One file's text, ready to parse. */
export interface SourceText {
  /** The path as found on disk. */
  readonly path: string;
  /** The path shown in messages (relative to the working folder). */
  readonly name: string;
  readonly text: string;
}

export interface ReadSourcesOptions {
  readonly kind: SourceKind;
  /** Messages name files relative to this folder. */
  readonly cwd: string;
  readonly limits: SourceLimits;
  /** A path that does not exist is an error ("error", knowledge) or simply nothing to read ("ignore", flows). */
  readonly missing: 'error' | 'ignore';
}

/** Sizes for people: "120 bytes", "3.2 KB", "10.5 MB". */
export function formatSize(bytes: number): string {
  const round = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(1).replace(/\.0$/, ''));
  if (bytes >= MB) return `${round(bytes / MB)} MB`;
  if (bytes >= KB) return `${round(bytes / KB)} KB`;
  return `${bytes} byte${bytes === 1 ? '' : 's'}`;
}

const YAML_NAME = /\.ya?ml$/i;

function problem(file: string, message: string, line = 1, column = 1): KbProblem {
  return { file, line, column, message, severity: 'error' };
}

/** Why a path cannot be opened, in plain words, or undefined when it simply does not exist. */
export function unreadable(path: string, name: string, error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ELOOP':
      return `symbolic link loop at ${name}: the link points (through other links) back to itself; point it at a real file or folder, or delete it`;
    case 'ENOENT':
    case 'ENOTDIR': {
      let link: Stats | undefined;
      try {
        link = lstatSync(path);
      } catch {
        return undefined;
      }
      return link.isSymbolicLink() ? `${name} is a symbolic link to something that does not exist; fix the link or delete it` : undefined;
    }
    case 'EACCES':
    case 'EPERM':
      return `permission denied: tanya may not read ${name}; check who may read it`;
    case 'ENAMETOOLONG':
      return 'the path is too long; use a shorter folder or file name';
    default:
      return `${name} cannot be opened (${code ?? (error instanceof Error ? error.message : String(error))}); check the path`;
  }
}

/**
 * Where the kernel shows its own state as files: they may look ordinary to `stat` and still never
 * end (/proc/kmsg blocks a read forever), never stop (/dev/zero) or hold secrets (/proc/self/environ).
 */
const SYSTEM_FOLDERS = ['/proc', '/sys', '/dev'];

function underSystemFolder(real: string): boolean {
  return SYSTEM_FOLDERS.some((root) => real === root || real.startsWith(root + sep));
}

/**
 * Why an entry that `stat` found (through any links) is not read, or undefined for an ordinary
 * file outside the system folders. Only the type is checked here: nothing is opened, so a pipe
 * or a device cannot block the check.
 */
export function refusal(path: string, name: string, stats: Stats, advice: string): string | undefined {
  if (!stats.isFile()) return `this is not an ordinary file (it may be a device or a pipe); ${advice}`;
  let real: string;
  try {
    real = realpathSync(path);
  } catch (error) {
    return unreadable(path, name, error) ?? 'the file disappeared while it was being read; run the check again';
  }
  if (!underSystemFolder(real)) return undefined;
  return `${name} leads to ${real}, a system file (under /proc, /sys or /dev) that tanya does not read: it may never end or may hold secrets; ${advice}`;
}

interface Candidate {
  readonly path: string;
  readonly name: string;
  readonly size: number;
  /** The path the editor gave (the folder, or the file itself). */
  readonly from: string;
}

/**
 * The YAML files of a folder (top level only; sub-folders hold tests), without reading them.
 * `total` counts every YAML name; only the first `upTo` are looked at (a folder of a million
 * files is refused without a million `stat` calls).
 */
function folderEntries(dir: string, cwd: string, problems: KbProblem[], upTo: number): { found: Candidate[]; total: number } {
  const dirName = relative(cwd, dir) || dir;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    problems.push(problem(dirName, unreadable(dir, dirName, error) ?? 'no such file or folder; check the path'));
    return { found: [], total: 0 };
  }
  const yamlNames = names.filter((n) => YAML_NAME.test(n)).sort();
  const found: Candidate[] = [];
  for (const entry of yamlNames.slice(0, Math.max(0, upTo))) {
    const path = join(dir, entry);
    const name = relative(cwd, path) || path;
    let stats: Stats;
    try {
      stats = statSync(path);
    } catch (error) {
      problems.push(problem(name, unreadable(path, name, error) ?? 'the file disappeared while it was being read; run the check again'));
      continue;
    }
    if (stats.isDirectory()) continue;
    const why = refusal(path, name, stats, 'keep only YAML text files here');
    if (why !== undefined) {
      problems.push(problem(name, why));
      continue;
    }
    found.push({ path, name, size: stats.size, from: dirName });
  }
  return { found, total: yamlNames.length };
}

// The entries were checked before opening, but a link can be switched between the check and the
// read. Opening a pipe for reading waits for a writer: without waiting, a pipe swapped in is opened
// at once and refused by its type, and a kernel file that waits for data (/proc/kmsg) fails with
// EAGAIN instead of hanging. Reading an ordinary file is not affected.
const OPEN_WITHOUT_WAITING = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/**
 * Reads at most `limit + 1` bytes: a file that grows after `stat` still cannot exhaust memory.
 * Undefined when the path no longer leads to an ordinary file (switched since it was checked).
 */
export function readBounded(path: string, limit: number): Buffer | undefined {
  const fd = openSync(path, OPEN_WITHOUT_WAITING);
  try {
    const opened = fstatSync(fd);
    if (!opened.isFile()) return undefined;
    const size = Math.min(opened.size, limit + 1);
    const chunks: Buffer[] = [];
    let total = 0;
    let buffer = Buffer.allocUnsafe(Math.max(size, 64 * KB));
    for (;;) {
      const n = readSync(fd, buffer, 0, Math.min(buffer.length, limit + 1 - total), null);
      if (n === 0) break;
      chunks.push(buffer.subarray(0, n));
      total += n;
      if (total > limit) break;
      buffer = Buffer.allocUnsafe(64 * KB);
    }
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

/** "UTF-16" or "UTF-32" when the bytes are in one of those encodings (by their mark, or by the zero bytes of ASCII text). */
function wideEncoding(bytes: Uint8Array): string | undefined {
  const [a, b, c, d] = bytes;
  if ((a === 0xff && b === 0xfe && c === 0 && d === 0) || (a === 0 && b === 0 && c === 0xfe && d === 0xff)) return 'UTF-32';
  if ((a === 0xff && b === 0xfe) || (a === 0xfe && b === 0xff)) return 'UTF-16';
  // Without a mark: YAML keys are ASCII, so UTF-16 text has a zero in every other byte.
  const n = Math.min(bytes.length, 1024) & ~1;
  if (n < 4) return undefined;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) even++;
    if (bytes[i + 1] === 0) odd++;
  }
  const pairs = n / 2;
  return (odd >= pairs * 0.3 && even === 0) || (even >= pairs * 0.3 && odd === 0) ? 'UTF-16' : undefined;
}

/** Line and column (1-based) just after `text`. */
function endOf(text: string): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: text.length - start + 1 };
}

// Bytes 0x80–0x9F in Windows-1252 (Node's decoder treats that encoding as Latin-1); "?" is unused.
const CP1252_80_9F = '€?‚ƒ„…†‡ˆ‰Š‹Œ?Ž??‘’“”•–—˜™š›œ?žŸ';

/** What an editor typed, if the byte came from a Windows-1252 or Latin-1 file. */
function windows1252(byte: number): string {
  return byte >= 0x80 && byte < 0xa0 ? CP1252_80_9F[byte - 0x80] : String.fromCharCode(byte);
}

/** Decodes UTF-8 (a leading byte-order mark is dropped); anything else is a problem saying how to fix it. */
export function decodeText(name: string, bytes: Uint8Array): { text: string } | { problem: KbProblem } {
  const wide = wideEncoding(bytes);
  if (wide) return { problem: problem(name, `file is ${wide}; save it as UTF-8 (in the editor's "Save as", choose the encoding UTF-8)`) };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    // Find the first byte that is not UTF-8: the longest prefix that still decodes (a cut-off
    // character at its end is allowed in streaming mode).
    let good = 0;
    let bad = bytes.length;
    while (bad - good > 1) {
      const mid = (good + bad) >>> 1;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
        good = mid;
      } catch {
        bad = mid;
      }
    }
    const before = new TextDecoder('utf-8').decode(bytes.subarray(0, good), { stream: true });
    const at = endOf(before);
    const cut = Buffer.byteLength(before);
    const guess = windows1252(bytes[cut]);
    return {
      problem: problem(
        name,
        `file is not UTF-8: the character here ("${guess}" if the file was saved as Windows-1252 or Latin-1) is not UTF-8; save the file as UTF-8 and check the accented letters`,
        at.line,
        at.column,
      ),
    };
  }
}

// YAML allows tab, line feed and carriage return; other control characters are invisible junk.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;

/** An invisible control character in the text (a NUL byte most often), located. */
export function controlCharacterProblem(name: string, text: string): KbProblem | undefined {
  const m = CONTROL.exec(text);
  if (!m) return undefined;
  const at = endOf(text.slice(0, m.index));
  const code = m[0].charCodeAt(0);
  const what =
    code === 0 ? 'a NUL character (an invisible zero byte)' : `an invisible control character (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
  return problem(name, `the file contains ${what} here; delete it (it often comes from copying text out of another program)`, at.line, at.column);
}

/**
 * The text of every YAML file named by `paths` (a folder stands for its top-level *.yaml and
 * *.yml files), with a problem for each path that cannot be read. Sizes are checked before any
 * file is read: one too-big file is refused on its own, too many files or too much in total
 * refuses the whole check.
 */
export function readYamlSources(paths: readonly string[], options: ReadSourcesOptions): { sources: SourceText[]; problems: KbProblem[] } {
  const { cwd, limits, kind } = options;
  const problems: KbProblem[] = [];
  const candidates: Candidate[] = [];
  let fileCount = 0;
  let tooMany: string | undefined;
  for (const path of paths) {
    const name = relative(cwd, path) || path;
    let stats: Stats;
    try {
      stats = statSync(path);
    } catch (error) {
      // Named as the editor wrote it: it may not exist.
      const why = unreadable(path, path, error);
      if (why !== undefined || options.missing === 'error') problems.push(problem(path, why ?? 'no such file or folder; check the path'));
      continue;
    }
    if (stats.isDirectory()) {
      const { found, total } = folderEntries(path, cwd, problems, limits.maxFiles + 1 - fileCount);
      for (const c of found) candidates.push(c);
      fileCount += total;
    } else {
      const why = refusal(path, name, stats, 'give a YAML file or a folder');
      if (why === undefined) {
        candidates.push({ path, name, size: stats.size, from: name });
        fileCount++;
      } else problems.push(problem(name, why));
    }
    if (fileCount > limits.maxFiles && tooMany === undefined) tooMany = name;
  }

  if (tooMany !== undefined) {
    problems.push(
      problem(
        tooMany,
        `there are ${fileCount} ${kind.noun} files to read; tanya reads at most ${limits.maxFiles} in one check; join small files together (the lists of all files are merged anyway)`,
      ),
    );
    return { sources: [], problems };
  }
  const fitting: Candidate[] = [];
  for (const c of candidates) {
    if (c.size > limits.maxFileBytes) problems.push(problem(c.name, tooBig(c.size, limits, kind)));
    else fitting.push(c);
  }
  let total = 0;
  for (const c of fitting) {
    total += c.size;
    if (total > limits.maxTotalBytes) {
      const sum = fitting.reduce((s, f) => s + f.size, 0);
      problems.push(
        problem(
          c.from,
          `the ${kind.noun} files add up to ${formatSize(sum)}, over the limit of ${formatSize(limits.maxTotalBytes)} for all files together; remove files that are not needed (old copies, exports) or shorten long texts`,
        ),
      );
      return { sources: [], problems };
    }
  }

  const sources: SourceText[] = [];
  for (const c of fitting) {
    let bytes: Buffer | undefined;
    try {
      bytes = readBounded(c.path, limits.maxFileBytes);
    } catch (error) {
      problems.push(problem(c.name, unreadable(c.path, c.name, error) ?? 'the file disappeared while it was being read; run the check again'));
      continue;
    }
    if (bytes === undefined) {
      problems.push(
        problem(c.name, 'the file was replaced by a device or a pipe while it was being read; keep only YAML text files here and run the check again'),
      );
      continue;
    }
    if (bytes.length > limits.maxFileBytes) {
      problems.push(problem(c.name, tooBig(bytes.length, limits, kind, true)));
      continue;
    }
    const decoded = decodeText(c.name, bytes);
    if ('problem' in decoded) {
      problems.push(decoded.problem);
      continue;
    }
    const control = controlCharacterProblem(c.name, decoded.text);
    if (control) {
      problems.push(control);
      continue;
    }
    sources.push({ path: c.path, name: c.name, text: decoded.text });
  }
  return { sources, problems };
}

function tooBig(size: number, limits: SourceLimits, kind: SourceKind, atLeast = false): string {
  return `file is ${atLeast ? 'more than ' : ''}${formatSize(atLeast ? limits.maxFileBytes : size)}, over the limit of ${formatSize(limits.maxFileBytes)} per ${kind.noun} file; ${kind.howToSplit}`;
}

/** The YAML files of a folder that can be read (top level only); unreadable entries are left out. */
export function yamlFilesIn(dir: string): string[] {
  return folderEntries(dir, process.cwd(), [], Number.POSITIVE_INFINITY).found.map((c) => c.path);
}
