import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { DEFAULT_SOURCE_LIMITS } from '../knowledge/source-files';

/**
 * An import never overwrites a knowledge base silently: a folder that already holds YAML files
 * is refused unless `force` is set, and then only the files an import writes (faq.yaml,
 * faq-2.yaml …) are replaced; the editor's other files stay.
 */
export function prepareImportFolder(outDir: string, force: boolean): void {
  if (!existsSync(outDir)) return;
  if (!statSync(outDir).isDirectory()) throw new Error(`${outDir} is a file, not a folder; name a folder for the imported knowledge base with --out`);
  const yaml = readdirSync(outDir).filter((f) => /\.ya?ml$/i.test(f));
  if (yaml.length === 0) return;
  if (!force)
    throw new Error(
      `${outDir} already holds a knowledge base (${yaml.slice(0, 3).join(', ')}${yaml.length > 3 ? ', …' : ''}); ` +
        'import into a new folder, or add --force to replace the imported faq files (other files stay)',
    );
  for (const f of yaml) if (/^faq(-\d+)?\.yaml$/.test(f)) rmSync(`${outDir}/${f}`);
}

/**
 * Writes `text` as a new file at `path`, never through what is there: it goes to a new file
 * beside it (created exclusively, so not through a link planted under that name) and is then
 * renamed over `path`, which replaces a file, or a symbolic link itself, and never a link's
 * target. A link planted at <out>/faq.yaml therefore cannot make an import overwrite a file
 * elsewhere.
 */
export function writeNewFile(path: string, text: string): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  writeFileSync(temp, text, { flag: 'wx' });
  try {
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR' || code === 'ENOTEMPTY' || code === 'EEXIST')
      throw new Error(`${path} is a folder; move it away so that the import can write this file`, { cause: error });
    throw error;
  }
}

/**
 * A folder of the import's own inside the output folder (<out>/flows): created if missing, but a
 * symbolic link there is refused, as it would lead the import's files somewhere else.
 */
export function ownFolder(path: string): void {
  let stats: Stats | undefined;
  try {
    stats = lstatSync(path);
  } catch {
    stats = undefined;
  }
  if (stats?.isSymbolicLink())
    throw new Error(
      `${path} is a symbolic link; the import writes its own files there, so it must be a real folder: remove the link, or import into another --out folder`,
    );
  if (stats && !stats.isDirectory())
    throw new Error(`${path} is a file; the import writes a folder of that name: move the file away, or import into another --out folder`);
  mkdirSync(path, { recursive: true });
}

/** Files are kept well under the loader's per-file limit. */
const TARGET_BYTES = Math.floor(DEFAULT_SOURCE_LIMITS.maxFileBytes * 0.75);

/**
 * Writes imported FAQ entries as faq.yaml (and faq-2.yaml, faq-3.yaml … when they would not fit
 * in one file under the loader's size limit), each starting with `header`. Returns the paths.
 */
export function writeFaqFiles(outDir: string, header: string, entries: readonly object[], settings?: Readonly<Record<string, unknown>>): string[] {
  mkdirSync(outDir, { recursive: true });
  const chunks: object[][] = [[]];
  let size = 0;
  for (const entry of entries) {
    const bytes = Buffer.byteLength(stringify([entry], { lineWidth: 0 }));
    if (size + bytes > TARGET_BYTES && chunks[chunks.length - 1].length > 0) {
      chunks.push([]);
      size = 0;
    }
    chunks[chunks.length - 1].push(entry);
    size += bytes;
  }
  return chunks.map((faq, i) => {
    const path = join(outDir, i === 0 ? 'faq.yaml' : `faq-${i + 1}.yaml`);
    writeNewFile(path, header + stringify(i === 0 && settings ? { settings, faq } : { faq }, { lineWidth: 0 }));
    return path;
  });
}
