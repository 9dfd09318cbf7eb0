import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { DEFAULT_SOURCE_LIMITS } from '../knowledge/source-files';

/** Files are kept well under the loader's per-file limit. */
const TARGET_BYTES = Math.floor(DEFAULT_SOURCE_LIMITS.maxFileBytes * 0.75);

/**
 * Writes imported FAQ entries as faq.yaml (and faq-2.yaml, faq-3.yaml … when they would not fit
 * in one file under the loader's size limit), each starting with `header`. Returns the paths.
 */
export function writeFaqFiles(outDir: string, header: string, entries: readonly object[]): string[] {
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
    writeFileSync(path, header + stringify({ faq }, { lineWidth: 0 }));
    return path;
  });
}
