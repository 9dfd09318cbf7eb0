import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import AdmZip from 'adm-zip';

/**
 * The JSON files of a Dialogflow agent export, wherever they came from: a folder, or the .zip
 * the console downloads (which some people re-zip with one folder around it).
 */
export interface ExportFiles {
  /** What the user named, for messages. */
  readonly source: string;
  /** Path inside the export, relative to the agent's root ("intents/Order.json") → text. */
  readonly files: ReadonlyMap<string, string>;
  /** Where a file is, for error messages: the real path, or "<zip>/<entry>". */
  readonly locate: (file: string) => string;
}

/** Folders never part of an export: macOS zip metadata, version control, dependencies. */
const SKIPPED_FOLDER = /(^|\/)(__MACOSX|\.git|node_modules)(\/|$)/;

function collectFolder(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (at: string, rel: string): void => {
    for (const name of readdirSync(at)) {
      const full = join(at, name);
      const path = rel ? `${rel}/${name}` : name;
      if (SKIPPED_FOLDER.test(path) || name.startsWith('.')) continue;
      if (statSync(full).isDirectory()) walk(full, path);
      else if (name.toLowerCase().endsWith('.json')) files.set(path, readFileSync(full, 'utf8'));
    }
  };
  walk(dir, '');
  return files;
}

function collectZip(file: string): Map<string, string> {
  let zip: AdmZip;
  try {
    zip = new AdmZip(file);
  } catch (error) {
    throw new Error(
      `${file}: not a readable zip file (${error instanceof Error ? error.message : String(error)}); download the export again from the Dialogflow ES console (Settings → Export and Import → Export as ZIP)`,
      { cause: error },
    );
  }
  const files = new Map<string, string>();
  for (const entry of zip.getEntries()) {
    const path = entry.entryName.replace(/\\/g, '/');
    const base = path.split('/').pop() ?? '';
    if (entry.isDirectory || SKIPPED_FOLDER.test(path) || base.startsWith('.') || !base.toLowerCase().endsWith('.json')) continue;
    files.set(path, entry.getData().toString('utf8'));
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
export function readExportFiles(path: string): ExportFiles {
  let folder: boolean;
  try {
    folder = statSync(path).isDirectory();
  } catch {
    throw new Error(`${path}: no such file or folder; name the agent export (.zip) or the folder it was unpacked into`);
  }
  const all = folder ? collectFolder(path) : collectZip(path);
  const root = agentRoot([...all.keys()]);
  const files = new Map<string, string>();
  for (const [p, text] of all) if (p.startsWith(root)) files.set(p.slice(root.length), text);
  const locate = (file: string): string => (folder ? join(path, root, file) : `${path}/${root}${file}`);
  return { source: path, files, locate };
}

/** 1-based line and column of a character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, offset));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

/**
 * Parses one file of the export; a broken file is reported with its place
 * (`…/intents/Order.json:12:5: not valid JSON (…)`) instead of a bare `SyntaxError`.
 */
export function parseExportJson(exp: ExportFiles, file: string): unknown {
  const text = (exp.files.get(file) ?? '').replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text) as unknown;
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
    throw new Error(
      `${exp.locate(file)}:${at.line}:${at.column}: not valid JSON (${reason}); fix the file, or export the agent again from the Dialogflow console`,
      { cause: error },
    );
  }
}

/** Dialogflow CX exports have flows with pages and `entityTypes/`; ES exports have neither. */
export function isDialogflowCx(paths: Iterable<string>): boolean {
  for (const p of paths) {
    if (/(^|\/)flows\/[^/]+\/(pages\/|[^/]+\.json$)/.test(p) || /(^|\/)entityTypes\//.test(p) || /(^|\/)intents\/[^/]+\/trainingPhrases\//.test(p)) return true;
  }
  return false;
}
