import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { folderNames, walkFolder } from './import-files';

/**
 * Where a Rasa project keeps what: found from whatever the user named (the project folder, its
 * data folder, a subfolder of it, or one NLU file), the way `rasa train` would find it.
 */
export interface RasaLayout {
  /** Folder that places in notes are relative to: the path the user named, or its folder for a file. */
  readonly base: string;
  /** Project root: the nearest folder (the named one or up to two above) with config.yml or a domain. */
  readonly root: string;
  /** Files whose NLU data is imported, in a stable order. */
  readonly nluFiles: readonly string[];
  /** Further files read only for rules, stories and responses (the rest of data/ when one file was named). */
  readonly otherFiles: readonly string[];
  readonly domainFiles: readonly string[];
  /** Where a domain was looked for, for the note when none was found. */
  readonly domainLooked: readonly { readonly path: string; readonly folder: boolean }[];
  readonly configFile?: string;
  /** Links to folders met while looking for data files: not followed (a link loop would never end); noted. */
  readonly linkedFolders: readonly string[];
}

/** Folders that hold no training data: tests (test stories look like stories), code, models, tooling. */
const SKIPPED_DIRS = new Set(['tests', 'test', 'actions', 'models', 'results', 'node_modules', '__pycache__', 'venv', 'env']);

/** Files at a project root that are configuration, not data. */
const NOT_DATA = /^(?:config|endpoints|credentials|domain|docker-compose|compose|\.?pre-commit.*|\.gitlab-ci|mkdocs|environment)\.ya?ml$/i;

// JSON only when it may be Rasa 1.x JSON training data (rasa_nlu_data), which is noted, not read.
const DATA_FILE = /\.(?:ya?ml|md)$|(?:nlu|train)[^/]*\.json$/i;

const isDir = (p: string): boolean => existsSync(p) && statSync(p).isDirectory();
const isFile = (p: string): boolean => existsSync(p) && statSync(p).isFile();

/**
 * Data files under a folder, recursively, sorted (Rasa reads them in no promised order; sorted
 * keeps imports repeatable). Walked with the limits of import-files.ts: links to folders are not
 * followed but added to `linked`, and a data file that is a pipe or a device stops the import.
 */
function dataFilesUnder(dir: string, linked?: Set<string>): string[] {
  const walk = walkFolder(dir, dir, {
    folder: (name) => !name.startsWith('.') && !SKIPPED_DIRS.has(name.toLowerCase()),
    file: (name) => !name.startsWith('.') && DATA_FILE.test(name) && !/^(?:readme|changelog|license)/i.test(name) && !/^test_/i.test(name),
    advice: 'keep only the project’s own files in its folders',
  });
  for (const rel of walk.linkedFolders) linked?.add(join(dir, rel));
  return walk.files.map((f) => f.path).sort();
}

function domainIn(dir: string, linked?: Set<string>): string[] {
  for (const name of ['domain.yml', 'domain.yaml']) if (isFile(join(dir, name))) return [join(dir, name)];
  // Rasa 3 lets a domain be split into a folder of YAML files.
  if (isDir(join(dir, 'domain'))) return dataFilesUnder(join(dir, 'domain'), linked).filter((f) => /\.ya?ml$/i.test(f));
  return [];
}

function looksLikeRoot(dir: string): boolean {
  return domainIn(dir).length > 0 || isFile(join(dir, 'config.yml')) || isFile(join(dir, 'config.yaml'));
}

export function findRasaLayout(path: string, domainOption?: string): RasaLayout {
  if (!existsSync(path)) throw new Error(`${path}: no such file or folder; name a Rasa project folder, its data folder, or an nlu.yml / nlu.md file`);
  const named = resolve(path);
  const namedIsDir = isDir(named);
  const linked = new Set<string>();
  const base = namedIsDir ? named : dirname(named);
  const candidates = [base, dirname(base), dirname(dirname(base)), dirname(dirname(dirname(base)))];
  // config.yml marks a project root surely; a domain alone may sit inside data/ (data/domain/).
  const hasConfig = (dir: string): boolean => isFile(join(dir, 'config.yml')) || isFile(join(dir, 'config.yaml'));
  const root = candidates.find(hasConfig) ?? candidates.slice(0, 3).find(looksLikeRoot) ?? (namedIsDir ? named : base);
  const dataDir = join(root, 'data');

  let domainFiles: string[];
  let domainLooked: { path: string; folder: boolean }[];
  if (domainOption !== undefined) {
    const d = resolve(domainOption);
    if (!existsSync(d)) throw new Error(`--domain ${domainOption}: no such file or folder`);
    domainFiles = isDir(d) ? dataFilesUnder(d, linked).filter((f) => /\.ya?ml$/i.test(f)) : [d];
    domainLooked = [{ path: d, folder: isDir(d) }];
  } else {
    // Some projects keep the domain with the data (data/domain/domain.yml).
    const atRoot = domainIn(root, linked);
    domainFiles = atRoot.length > 0 ? atRoot : domainIn(dataDir, linked);
    domainLooked = [
      { path: join(root, 'domain.yml'), folder: false },
      { path: join(root, 'domain'), folder: true },
      { path: join(dataDir, 'domain'), folder: true },
    ];
  }
  const domainSet = new Set(domainFiles);

  let nluFiles: string[];
  if (!namedIsDir) nluFiles = [named];
  else if (named === root && isDir(dataDir)) {
    // A project: its data folder, plus data files lying at the root as old projects had them (nlu.md, stories.md).
    const atRoot = folderNames(root, root)
      .filter((n) => DATA_FILE.test(n) && !NOT_DATA.test(n) && !/^(?:readme|changelog|license)/i.test(n) && isFile(join(root, n)))
      .map((n) => join(root, n));
    nluFiles = [...dataFilesUnder(dataDir, linked), ...atRoot.sort()];
  } else nluFiles = dataFilesUnder(named, linked).filter((f) => !(dirname(f) === root && NOT_DATA.test(basename(f))));
  nluFiles = nluFiles.filter((f) => !domainSet.has(f));

  const nluSet = new Set(nluFiles);
  const otherFiles = isDir(dataDir) ? dataFilesUnder(dataDir, linked).filter((f) => !nluSet.has(f) && !domainSet.has(f)) : [];
  const configFile = ['config.yml', 'config.yaml'].map((n) => join(root, n)).find(isFile);
  return { base, root, nluFiles, otherFiles, domainFiles, domainLooked, ...(configFile ? { configFile } : {}), linkedFolders: [...linked].sort() };
}

/** A path as shown in notes: relative to what the user named, with "/" on every system. */
export function shownPath(layout: RasaLayout, file: string): string {
  const rel = relative(layout.base, file);
  return (rel || basename(file)).split(sep).join('/');
}
