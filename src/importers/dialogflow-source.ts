import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import {
  checkDeclaredSizes,
  checkImportFile,
  checkImportTotal,
  checkJsonTexts,
  decodeImportText,
  entryPath,
  MAX_FILE_BYTES,
  MAX_TOTAL_BYTES,
  readImportFile,
  unpackEntry,
  walkFolder,
  zipEntries,
} from './import-files';
import type { MigrationNote } from './migrate';

/**
 * The JSON files of a Dialogflow agent export, wherever they came from: a folder, or the .zip
 * the console downloads (which some people re-zip with one folder around it). Read with the
 * limits of import-files.ts: a zip's entries are measured before they are unpacked, and are only
 * ever read into memory (their names are keys, never paths written to).
 */
export interface ExportFiles {
  /** What the user named, for messages. */
  readonly source: string;
  /** Path inside the export, relative to the agent's root ("intents/Order.json") → text. */
  readonly files: ReadonlyMap<string, string>;
  /** Where a file is, for error messages: the real path, or "<zip>/<entry>". */
  readonly locate: (file: string) => string;
  /** What reading the files found: links to folders not followed, bytes that are not UTF-8. */
  readonly notes: readonly MigrationNote[];
}

/** Folders never part of an export: macOS zip metadata, version control, dependencies. */
const SKIPPED_FOLDER = /(^|\/)(__MACOSX|\.git|node_modules)(\/|$)/;

const AGAIN = 'download the export again from the Dialogflow ES console (Settings → Export and Import → Export as ZIP)';

/** An export's text: bytes that are not UTF-8 are kept as "�" and noted. */
function exportText(bytes: Uint8Array, shown: string, file: string, notes: MigrationNote[]): string {
  const { text, note } = decodeImportText(bytes, shown);
  if (note) notes.push({ place: { file, line: note.line }, message: note.message });
  return text;
}

function collectFolder(dir: string, notes: MigrationNote[]): Map<string, string> {
  const wanted = (name: string, path: string): boolean => !SKIPPED_FOLDER.test(path) && !name.startsWith('.');
  const walk = walkFolder(dir, dir, {
    folder: wanted,
    file: (name, path) => wanted(name, path) && name.toLowerCase().endsWith('.json'),
    advice: 'keep only the export’s own files in the folder',
  });
  for (const link of walk.linkedFolders)
    notes.push({
      place: { file: link },
      message: 'a link to a folder, not followed (a link can lead back into the export forever); copy the files in instead',
    });
  const checked = walk.files.map(({ path, rel }) => ({ rel, file: checkImportFile(path, join(dir, rel), 'keep only the export’s own files in the folder') }));
  checkImportTotal(
    checked.map((c) => c.file),
    dir,
  );
  const files = new Map<string, string>();
  for (const { rel, file } of checked) files.set(rel, exportText(readImportFile(file), file.shown, rel, notes));
  return files;
}

function collectZip(path: string, notes: MigrationNote[]): Map<string, string> {
  const bytes = readImportFile(checkImportFile(path, path, 'name the exported .zip or the folder it was unpacked into'));
  const entries = zipEntries(bytes, path, AGAIN).filter((entry) => {
    const name = entryPath(entry);
    const base = name.split('/').pop() ?? '';
    return !entry.isDirectory && !SKIPPED_FOLDER.test(name) && !base.startsWith('.') && base.toLowerCase().endsWith('.json');
  });
  // Only the JSON files are unpacked, so only they count.
  checkDeclaredSizes(entries, path, { perEntry: MAX_FILE_BYTES, total: MAX_TOTAL_BYTES, advice: AGAIN });
  const files = new Map<string, string>();
  for (const entry of entries) {
    const name = entryPath(entry);
    files.set(name, exportText(unpackEntry(entry, path, AGAIN), `${path}/${name}`, name, notes));
  }
  return files;
}

/**
 * The folder inside the export that holds `agent.json` or `intents/`: "" normally, "MyAgent/"
 * when the zip or folder has one more level around the agent. The shallowest one wins.
 */
function agentRoot(paths: readonly string[]): string {
  let best: string | undefined;
  for (const path of paths) {
    const m = /^((?:[^/]+\/)*?)(?:agent\.json|intents\/[^/]+\.json)$/.exec(path);
    if (m && (best === undefined || m[1].split('/').length < best.split('/').length)) best = m[1];
  }
  return best ?? '';
}

/** Reads a Dialogflow export folder or zip; paths are made relative to the agent's root. */
export function readExportFiles(named: string): ExportFiles {
  let folder: boolean;
  try {
    folder = statSync(named).isDirectory();
  } catch {
    throw new Error(`${named}: no such file or folder; name the agent export (.zip) or the folder it was unpacked into`);
  }
  // The export's own intents/ folder named instead of the export: the agent is the folder above.
  const path = folder && basename(resolve(named)) === 'intents' && !existsSync(join(named, 'intents')) ? dirname(resolve(named)) : named;
  const found: MigrationNote[] = [];
  const all = folder ? collectFolder(path, found) : collectZip(path, found);
  const root = agentRoot([...all.keys()]);
  const files = new Map<string, string>();
  for (const [p, text] of all) if (p.startsWith(root)) files.set(p.slice(root.length), text);
  const locate = (file: string): string => (folder ? join(path, root, file) : `${path}/${root}${file}`);
  const notes = found.map((n) => (n.place && n.place.file.startsWith(root) ? { ...n, place: { ...n.place, file: n.place.file.slice(root.length) } } : n));
  return { source: path, files, locate, notes };
}

/** 1-based line and column of a character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, offset));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

/** A file of the export that is not JSON at all (as opposed to JSON that breaks a limit). */
class BrokenJsonError extends Error {}

/**
 * Parses one file of the export; a broken file is reported with its place
 * (`…/intents/Order.json:12:5: not valid JSON (…)`) instead of a bare `SyntaxError`.
 */
export function parseExportJson(exp: ExportFiles, file: string): unknown {
  const text = (exp.files.get(file) ?? '').replace(/^\uFEFF/, '');
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const lc = /\(line (\d+) column (\d+)\)/.exec(message);
    const position = /at position (\d+)/.exec(message);
    const at = lc
      ? { line: Number(lc[1]), column: Number(lc[2]) }
      : position
        ? lineColumn(text, Number(position[1]))
        : text.trim() === ''
          ? { line: 1, column: 1 }
          : lineColumn(text, text.length);
    const reason = text.trim() === '' ? 'the file is empty' : message.replace(/\s*(in JSON )?at position \d+.*$/s, '').replace(/^JSON\.parse: /, '');
    throw new BrokenJsonError(
      `${exp.locate(file)}:${at.line}:${at.column}: not valid JSON (${reason}); fix the file, or export the agent again from the Dialogflow console`,
      { cause: error },
    );
  }
  checkJsonTexts(value, exp.locate(file));
  return value;
}

/**
 * Parses one file of the export that the import can do without (an intent, its phrases, an
 * entity): a broken one is skipped with a note, so one empty file among hundreds does not stop
 * the import (the agent's own agent.json stays strict).
 */
export function parseExportJsonOrSkip(exp: ExportFiles, file: string, skip: (file: string, message: string) => void): unknown {
  try {
    return parseExportJson(exp, file);
  } catch (error) {
    // Only a file that is not JSON is skipped; a text over the limits stops the import as before.
    if (!(error instanceof BrokenJsonError)) throw error;
    const message = error.message;
    const located = `${exp.locate(file)}:`;
    skip(file, `${message.startsWith(located) ? `line ${message.slice(located.length).replace(/^(\d+):\d+: /, '$1: ')}` : message}; skipped`);
    return undefined;
  }
}

/** Dialogflow CX exports have flows with pages and `entityTypes/`; ES exports have neither. */
export function isDialogflowCx(paths: Iterable<string>): boolean {
  for (const p of paths) {
    if (/(^|\/)flows\/[^/]+\/(pages\/|[^/]+\.json$)/.test(p) || /(^|\/)entityTypes\//.test(p) || /(^|\/)intents\/[^/]+\/trainingPhrases\//.test(p)) return true;
  }
  return false;
}
