import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { DEFAULT_SOURCE_LIMITS } from '../knowledge/source-files';

/**
 * An import never overwrites a knowledge base silently: a folder that already holds YAML files
 * is refused unless `force` is set, and then only the files an import writes (faq.yaml,
 * faq-2.yaml …) are replaced; the editor's other files stay.
 */
export function prepareImportFolder(outDir: string, force: boolean): void {
  if (!existsSync(outDir)) return;
  const yaml = readdirSync(outDir).filter((f) => /\.ya?ml$/i.test(f));
  if (yaml.length === 0) return;
  if (!force)
    throw new Error(
      `${outDir} already holds a knowledge base (${yaml.slice(0, 3).join(', ')}${yaml.length > 3 ? ', …' : ''}); ` +
        'import into a new folder, or add --force to replace the imported faq files (other files stay)',
    );
  for (const f of yaml) if (/^faq(-\d+)?\.yaml$/.test(f)) rmSync(`${outDir}/${f}`);
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
    writeFileSync(path, header + stringify(i === 0 && settings ? { settings, faq } : { faq }, { lineWidth: 0 }));
    return path;
  });
}
