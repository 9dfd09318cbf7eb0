import AdmZip from 'adm-zip';
import { lstatSync, opendirSync, statSync, type Dir, type Stats } from 'node:fs';
import { join } from 'node:path';
import { decodeText, formatSize, readBounded, refusal, unreadable } from '../knowledge/source-files';

/**
 * Reading what people download from other tools (Rasa projects, Dialogflow zips, spreadsheets),
 * which may be broken or made to hurt: every importer reads through these helpers.
 *
 * - Only ordinary files are read. The type is checked with `stat` before opening and again with
 *   `fstat` on the opened file (a FIFO would block the read forever, a device never ends), and
 *   nothing under /proc, /sys or /dev is read (the checks of the knowledge loader, reused).
 * - A symbolic link to a file is followed, as the knowledge loader does (people link shared data
 *   in): its target must be an ordinary file within the same limits. A link to a folder met while
 *   walking a folder is not followed (a link loop would never end); it is listed for a note. A
 *   link the user names on the command line is followed: that is their choice.
 * - Sizes are checked before anything is read or unpacked: a zip is measured by what its
 *   entries declare, and an entry that unpacks to more than it declared is refused.
 * - Every limit stops the import with an error that names the file and says what to do.
 */

const MB = 1024 * 1024;

/** Largest file an import reads (64 MB); also the most one zip entry, or one .xlsx workbook, may unpack to. */
export const MAX_FILE_BYTES = 64 * MB;
/** Most one import reads in all (256 MB): the files of a folder together, or the entries unpacked from a zip. */
export const MAX_TOTAL_BYTES = 256 * MB;
/** Most files and folders one import looks at in a folder, or entries in a zip (20,000). */
export const MAX_FILES = 20_000;
/** Deepest folder an import walks into, counted from the folder named (32). */
export const MAX_FOLDER_DEPTH = 32;
/**
 * Longest single text an import takes (1 MB of characters): a cell, a line of a Markdown file, a
 * YAML or JSON string. FAQ answers are a few hundred characters; past this it is a file pasted
 * into a cell or a broken export, and text processing would only waste time on it.
 */
export const MAX_TEXT_CHARS = 1 * MB;
/** Most columns a sheet may have: Excel's own limit (16,384, column XFD). */
export const MAX_COLUMNS = 16_384;
/** Most characters of notes one import keeps (16 MB); the notes of a real export are far shorter. */
export const MAX_NOTE_CHARS = 16 * MB;

const count = (n: number): string => n.toLocaleString('en-US');

/** A file checked to be an ordinary file within the limits, not yet read. */
export interface ImportFile {
  readonly path: string;
  /** The name used in messages. */
  readonly shown: string;
  readonly size: number;
}

/**
 * Checks one file before it is read: it exists, is an ordinary file (through links) outside the
 * system folders, and is at most `MAX_FILE_BYTES`. `advice` ends the message for a file that is
 * not an ordinary one ("name the exported file itself").
 */
export function checkImportFile(path: string, shown: string, advice: string): ImportFile {
  const file = statImportFile(path, shown, advice);
  if (file.size > MAX_FILE_BYTES) throw tooBigFile(shown, file.size);
  return file;
}

/** `checkImportFile` without the size limit, for a reader that skips big files with a note instead. */
export function statImportFile(path: string, shown: string, advice: string): ImportFile {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    throw new Error(`${shown}: ${unreadable(path, shown, error) ?? 'no such file or folder; check the path'}`, { cause: error });
  }
  const why = refusal(path, shown, stats, advice);
  if (why !== undefined) throw new Error(`${shown}: ${why}`);
  return { path, shown, size: stats.size };
}

function tooBigFile(shown: string, size: number): Error {
  return new Error(
    `${shown} is ${formatSize(size)}; an export is at most ${formatSize(MAX_FILE_BYTES)} per file — is it the right file? Export only the knowledge to import, or split it into smaller files`,
  );
}

/** Refuses a set of files that is too many or too big together, before any of them is read. `where` is the folder named. */
export function checkImportTotal(files: readonly ImportFile[], where: string): void {
  if (files.length > MAX_FILES)
    throw new Error(`${where} holds ${count(files.length)} files to read; an import reads at most ${count(MAX_FILES)} — name the export folder itself`);
  const total = files.reduce((sum, f) => sum + f.size, 0);
  if (total > MAX_TOTAL_BYTES)
    throw new Error(
      `the files to read in ${where} add up to ${formatSize(total)}; an import reads at most ${formatSize(MAX_TOTAL_BYTES)} in all — name the export folder itself, not a folder around it, or split the export`,
    );
}

/**
 * The bytes of a checked file. It is opened without waiting (a FIFO swapped in after the check
 * cannot block) and read no further than the limit, so a file that grows meanwhile is refused too.
 */
export function readImportFile(file: ImportFile): Buffer {
  let bytes: Buffer | undefined;
  try {
    bytes = readBounded(file.path, MAX_FILE_BYTES);
  } catch (error) {
    throw new Error(`${file.shown}: ${unreadable(file.path, file.shown, error) ?? 'the file disappeared while it was being read; import again'}`, {
      cause: error,
    });
  }
  if (bytes === undefined) throw new Error(`${file.shown}: the file was replaced by a device or a pipe while it was being read; import again`);
  if (bytes.length > MAX_FILE_BYTES) throw tooBigFile(file.shown, bytes.length);
  return bytes;
}

/** Something about a text's encoding the editor should know, with the line it is on. */
export interface EncodingNote {
  readonly line: number;
  readonly message: string;
}

/**
 * UTF-8 text of a file (a byte-order mark dropped). Bytes that are not UTF-8 are read as "�", as
 * before, with a note saying where; a UTF-16 file is refused (read as UTF-8 it would be noise).
 */
export function decodeImportText(bytes: Uint8Array, shown: string): { text: string; note?: EncodingNote } {
  const decoded = decodeText(shown, bytes);
  if ('text' in decoded) return { text: decoded.text };
  const { problem } = decoded;
  if (/^file is UTF-(16|32)/.test(problem.message)) throw new Error(`${shown}: the ${problem.message}`);
  return {
    text: Buffer.from(bytes)
      .toString('utf8')
      .replace(/^\uFEFF/, ''),
    note: { line: problem.line, message: `the ${problem.message} (it was read as "\uFFFD")` },
  };
}

/** What a folder walk found. */
export interface FolderWalk {
  /** Files wanted (`rel`: relative to the folder walked, with "/"), in the order `readdirSync` lists them, folder by folder (depth first). */
  readonly files: readonly { readonly path: string; readonly rel: string }[];
  /** Links to folders, not followed (relative to the folder walked, with "/"). */
  readonly linkedFolders: readonly string[];
}

/** Which entries of a folder a walk wants: by name and path relative to the folder walked. */
export interface WalkChoice {
  /** Folders to walk into (e.g. not ".git"). */
  folder(name: string, rel: string): boolean;
  /** Files to return (e.g. "*.json"). */
  file(name: string, rel: string): boolean;
  /** Ends the message for a wanted name that is not an ordinary file ("keep only the export's own files in the folder"). */
  readonly advice: string;
}

/** Names in a folder, sorted as `readdirSync` sorts them (by bytes); more than `MAX_FILES` is refused without listing them all. */
export function folderNames(dir: string, shown: string): string[] {
  let handle: Dir;
  try {
    handle = opendirSync(dir);
  } catch (error) {
    throw new Error(`${shown}: ${unreadable(dir, shown, error) ?? 'no such folder; check the path'}`, { cause: error });
  }
  const names: string[] = [];
  try {
    for (let entry = handle.readSync(); entry !== null; entry = handle.readSync()) {
      names.push(entry.name);
      if (names.length > MAX_FILES)
        throw new Error(
          `${shown} holds more than ${count(MAX_FILES)} files and folders; an import looks at most at ${count(MAX_FILES)} — name the export folder itself`,
        );
    }
  } finally {
    handle.closeSync();
  }
  return names.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/**
 * The files a folder holds, walked without following links to folders and at most
 * `MAX_FOLDER_DEPTH` deep. A wanted name that is not an ordinary file (a FIFO, a socket, a device,
 * a broken link, a link into /proc) stops the walk with an error naming it. `shown` names `dir`
 * in messages.
 */
export function walkFolder(dir: string, shown: string, choice: WalkChoice): FolderWalk {
  const files: { path: string; rel: string }[] = [];
  const linkedFolders: string[] = [];
  let seen = 0;
  const walk = (at: string, rel: string, depth: number): void => {
    const here = rel ? `${shown}/${rel}` : shown;
    if (depth > MAX_FOLDER_DEPTH)
      throw new Error(`${here} is ${depth} folders deep; an import walks at most ${MAX_FOLDER_DEPTH} folders deep — name the export folder itself`);
    const names = folderNames(at, here);
    seen += names.length;
    if (seen > MAX_FILES)
      throw new Error(
        `${shown} holds more than ${count(MAX_FILES)} files and folders; an import looks at most at ${count(MAX_FILES)} — name the export folder itself`,
      );
    for (const name of names) {
      const full = join(at, name);
      const path = rel ? `${rel}/${name}` : name;
      const wantsFolder = choice.folder(name, path);
      const wantsFile = choice.file(name, path);
      if (!wantsFolder && !wantsFile) continue;
      const entryShown = `${shown}/${path}`;
      let stats: Stats;
      try {
        stats = lstatSync(full);
      } catch (error) {
        throw new Error(`${entryShown}: ${unreadable(full, entryShown, error) ?? 'the file disappeared while it was being read; import again'}`, {
          cause: error,
        });
      }
      if (stats.isDirectory()) {
        if (wantsFolder) walk(full, path, depth + 1);
        continue;
      }
      if (stats.isSymbolicLink()) {
        let target: Stats | undefined;
        try {
          target = statSync(full);
        } catch (error) {
          if (wantsFile)
            throw new Error(`${entryShown}: ${unreadable(full, entryShown, error) ?? 'a link to nothing; fix the link or delete it'}`, { cause: error });
          continue;
        }
        if (target.isDirectory()) {
          if (wantsFolder) linkedFolders.push(path);
          continue;
        }
        stats = target;
      }
      if (!wantsFile) continue;
      const why = refusal(full, entryShown, stats, choice.advice);
      if (why !== undefined) throw new Error(`${entryShown}: ${why}`);
      files.push({ path: full, rel: path });
    }
  };
  walk(dir, '', 0);
  return { files, linkedFolders };
}

/**
 * The entries of a zip read from `bytes`, refused when there are more than `MAX_FILES`. Only the
 * central directory is read; nothing is unpacked. `advice` says how to get a good file again;
 * `unreadable` words the error for bytes that are no zip (default: "not a readable zip file (…)").
 */
export function zipEntries(
  bytes: Buffer,
  shown: string,
  advice: string,
  unreadable = (reason: string): string => `${shown}: not a readable zip file (${reason}); ${advice}`,
): AdmZip.IZipEntry[] {
  const unreadableZip = (error: unknown): Error => new Error(unreadable(error instanceof Error ? error.message : String(error)), { cause: error });
  let zip: AdmZip;
  try {
    zip = new AdmZip(bytes);
  } catch (error) {
    throw unreadableZip(error);
  }
  const declared = zip.getEntryCount();
  if (declared > MAX_FILES) throw new Error(`${shown} holds ${count(declared)} files; an export holds at most ${count(MAX_FILES)} — ${advice}`);
  try {
    return zip.getEntries();
  } catch (error) {
    throw unreadableZip(error);
  }
}

/** An entry's name with "/" separators: zips made on Windows may use "\". Only ever a key in memory, never a path written to. */
export const entryPath = (entry: AdmZip.IZipEntry): string => entry.entryName.replace(/\\/g, '/');

/**
 * Refuses entries that declare more than the limits unpacked (`perEntry` each, `total` together),
 * before any of them is unpacked: a zip bomb is a small file whose entries unpack to gigabytes.
 */
export function checkDeclaredSizes(
  entries: readonly AdmZip.IZipEntry[],
  shown: string,
  limits: { readonly perEntry: number; readonly total: number; readonly advice: string },
): void {
  let total = 0;
  for (const entry of entries) {
    if (entry.isDirectory) continue;
    const size = entry.header.size;
    if (size > limits.perEntry)
      throw new Error(
        `${shown}/${entryPath(entry)} unpacks to ${formatSize(size)}; an entry is at most ${formatSize(limits.perEntry)} unpacked — ${limits.advice}`,
      );
    total += size;
    if (total > limits.total)
      throw new Error(`${shown} unpacks to more than ${formatSize(limits.total)} in all; at most ${formatSize(limits.total)} is unpacked — ${limits.advice}`);
  }
}

/**
 * The bytes of one entry. adm-zip stops inflating at the size the entry declares (and checks its
 * CRC); the length is checked here as well, so an entry can never unpack to more than it said.
 */
export function unpackEntry(entry: AdmZip.IZipEntry, shown: string, advice: string): Buffer {
  const where = `${shown}/${entryPath(entry)}`;
  let data: Buffer;
  try {
    data = entry.getData();
  } catch (error) {
    // zlib stops at the declared size with ERR_BUFFER_TOO_LARGE (a RangeError).
    const tooLarge = (error as NodeJS.ErrnoException | undefined)?.code === 'ERR_BUFFER_TOO_LARGE';
    const reason = tooLarge ? 'it unpacks to more than it declares' : error instanceof Error ? error.message : String(error);
    throw new Error(`${where}: cannot be unpacked (${reason}); the zip is damaged or was made to harm — ${advice}`, { cause: error });
  }
  if (data.length > entry.header.size)
    throw new Error(`${where}: cannot be unpacked (it unpacks to more than it declares); the zip is damaged or was made to harm — ${advice}`);
  return data;
}

/** The first 40 characters of a text, on one line, for a message. */
export function textStart(text: string): string {
  const start = text.slice(0, 40).replace(/\s+/g, ' ');
  return text.length > 40 ? `${start}…` : start;
}

/**
 * Items joined with ", " for a message, cut after about `max` characters ("…"): a header row of
 * huge cells must not become a message of gigabytes. Short lists come out whole.
 */
export function listForMessage(items: readonly string[], max = 1000): string {
  let out = '';
  for (const [i, item] of items.entries()) {
    const next = i === 0 ? item : `, ${item}`;
    if (out.length + next.length > max) return `${out}${next.slice(0, Math.max(0, max - out.length))}…`;
    out += next;
  }
  return out;
}

/** The error for a text over `MAX_TEXT_CHARS`: `where` is "file:line" or the file. */
export function tooLongText(where: string, what: string, text: string): Error {
  return new Error(
    `${where}: ${what} of ${formatSize(text.length)} ("${textStart(text)}"); a single text is at most ${formatSize(MAX_TEXT_CHARS)} — this is not FAQ text (a file pasted in, or a damaged export): shorten it or export again`,
  );
}

/** Refuses a text with a line longer than `MAX_TEXT_CHARS`, naming the line (one pass, no copy). */
export function checkLineLengths(text: string, shown: string): void {
  let line = 1;
  let start = 0;
  for (;;) {
    const end = text.indexOf('\n', start);
    const stop = end < 0 ? text.length : end;
    if (stop - start > MAX_TEXT_CHARS) throw tooLongText(`${shown}:${line}`, 'a line', text.slice(start, stop));
    if (end < 0) return;
    line++;
    start = end + 1;
  }
}

/** Refuses a parsed JSON value holding a text (or key) over `MAX_TEXT_CHARS`; walked with a loop, so nesting depth does not matter. */
export function checkJsonTexts(value: unknown, shown: string): void {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'string') {
      if (item.length > MAX_TEXT_CHARS) throw tooLongText(shown, 'a text', item);
    } else if (Array.isArray(item)) {
      for (const x of item as unknown[]) stack.push(x);
    } else if (typeof item === 'object' && item !== null) {
      for (const [k, v] of Object.entries(item)) {
        if (k.length > MAX_TEXT_CHARS) throw tooLongText(shown, 'a key', k);
        stack.push(v);
      }
    }
  }
}

/**
 * Keeps the notes of one import under `MAX_NOTE_CHARS`. A note is measured (its length, which costs
 * nothing) before it is stored or compared with others, so a flood of notes each quoting a huge
 * text never takes the memory it would need. Once one does not fit, no further note is kept.
 *
 * @example
 * if (!budget.fits(message)) { const last = budget.leftOutOnce(); if (last) list.push(last); return; }
 * budget.charge(message); list.push(message);
 */
export class NoteBudget {
  private used = 0;
  private full = false;
  private told = false;

  /** Whether `message` still fits. */
  fits(message: string): boolean {
    if (!this.full && this.used + message.length > MAX_NOTE_CHARS) this.full = true;
    return !this.full;
  }

  /** Counts a note that was kept. */
  charge(message: string): void {
    this.used += message.length;
  }

  /** The note saying that notes were left out: once, after the first that did not fit. */
  leftOutOnce(): string | undefined {
    if (!this.full || this.told) return undefined;
    this.told = true;
    return `further notes were left out: this import made more than ${formatSize(MAX_NOTE_CHARS)} of notes, so the export is damaged or not what it seems`;
  }
}
