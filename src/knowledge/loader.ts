import { CONTENT_LANGUAGES } from '../core/types';
import { KnowledgeError, limitPerFile, unexpectedProblem, type KbProblem } from './errors';
import { DEFAULT_SOURCE_LIMITS, readYamlSources, yamlFilesIn, type SourceKind, type SourceLimits } from './source-files';
import { locate, parseYamlFile, problemAt, type ParsedFile, type Path } from './yaml-source';
import { knowledgeFileSchema, settingsSchema, type Entry, type KnowledgeBase, type KnowledgeFile, type Product, type SourceRef, type Store } from './schema';

/** Allowed keys for the object at `path`, to suggest fixes for misspelled fields. */
function allowedKeys(path: Path): string[] | undefined {
  const top = path[0];
  if (path.length === 0) return Object.keys(knowledgeFileSchema.shape);
  if (top === 'settings' && path.length === 1) return Object.keys(settingsSchema.shape);
  if ((top === 'faq' || top === 'policies') && path.length === 2) {
    return ['id', 'title', 'category', 'questions', 'keywords', 'answer', 'handler', 'action', 'suggest'];
  }
  if (top === 'products' && path.length === 2) {
    return ['id', 'name', 'brand', 'aliases', 'category', 'description', 'variants'];
  }
  if (top === 'products' && path[2] === 'variants' && path.length === 4) {
    return ['id', 'name', 'storage', 'ram', 'color', 'price', 'stock'];
  }
  if (top === 'stores' && path.length === 2) {
    return ['id', 'name', 'city', 'aliases', 'address', 'phone', 'hours', 'map', 'coordinates', 'timezone'];
  }
  // Texts per language: an entry's questions, answer and title, the greeting and fallback; a product's
  // description and the privacy notice are said in Tanya's own sentences, in Indonesian or English.
  const last = path[path.length - 1];
  if (typeof last === 'string' && ['questions', 'answer', 'title', 'greeting', 'fallback'].includes(last)) return [...CONTENT_LANGUAGES];
  if (last === 'description' || last === 'notice') return ['id', 'en'];
  return undefined;
}

/** Lines of the "- id:" items under policies/faq, per section and id, found without a syntax tree. */
function entryLines(text: string): Map<string, number[]> {
  const lines = new Map<string, number[]>();
  let section = '';
  text.split('\n').forEach((line, i) => {
    const top = /^([A-Za-z_]+):/.exec(line);
    if (top) section = top[1];
    if (section !== 'faq' && section !== 'policies') return;
    const m = /^\s*-\s+id:\s*["']?([^"'\s#]+)/.exec(line);
    if (!m) return;
    const key = `${section}:${m[1]}`;
    const known = lines.get(key);
    if (known) known.push(i + 1);
    else lines.set(key, [i + 1]);
  });
  return lines;
}

/** The YAML files of a knowledge directory (top level only; sub-folders hold tests). */
export function knowledgeFiles(dir: string): string[] {
  return yamlFilesIn(dir);
}

const KNOWLEDGE_FILES: SourceKind = {
  noun: 'knowledge',
  howToSplit: 'split it into smaller files in the same folder (e.g. faq-1.yaml and faq-2.yaml, each starting with "faq:"); tanya joins the lists of all files',
};

export interface LoadResult {
  readonly kb?: KnowledgeBase;
  readonly problems: readonly KbProblem[];
}

/**
 * Loads, validates and merges every YAML file of a knowledge directory (or several).
 * Returns all problems found; `kb` is set only when there are no errors, so a broken
 * knowledge base never starts half-loaded. Files are read only within `limits` (sizes are
 * checked before reading) and must be UTF-8 YAML without tags or self-multiplying aliases.
 */
export function checkKnowledge(dirs: readonly string[], cwd: string = process.cwd(), limits: SourceLimits = DEFAULT_SOURCE_LIMITS): LoadResult {
  const files: { parsed: ParsedFile; data: KnowledgeFile }[] = [];
  const { sources, problems } = readYamlSources(dirs, { kind: KNOWLEDGE_FILES, cwd, limits, missing: 'error' });
  for (const { name, text } of sources) {
    try {
      const out = parseYamlFile(name, text, knowledgeFileSchema, allowedKeys);
      for (const p of out.problems) problems.push(p);
      if (out.parsed && out.data) files.push({ parsed: out.parsed, data: out.data });
    } catch (error) {
      problems.push(unexpectedProblem(name, error));
    }
  }
  if (problems.length > 0) return { problems: limitPerFile(problems) };
  const merged = mergeFiles(files, problems);
  return problems.some((p) => p.severity === 'error') ? { problems: limitPerFile(problems) } : { kb: merged, problems };
}

/**
 * Loads a knowledge base or throws a `KnowledgeError` listing every problem. `limits` caps what
 * is read (default `DEFAULT_SOURCE_LIMITS`: 2 MB per file, 10 MB in all, 500 files).
 */
export function loadKnowledge(dirs: string | readonly string[], limits: SourceLimits = DEFAULT_SOURCE_LIMITS): KnowledgeBase {
  const result = checkKnowledge(typeof dirs === 'string' ? [dirs] : dirs, process.cwd(), limits);
  if (!result.kb) throw new KnowledgeError(result.problems);
  return result.kb;
}

function mergeFiles(files: readonly { parsed: ParsedFile; data: KnowledgeFile }[], problems: KbProblem[]): KnowledgeBase {
  let settingsInput: Record<string, unknown> = {};
  const stores: Store[] = [];
  const products: Product[] = [];
  const entries: Entry[] = [];
  const sources = new Map<string, SourceRef>();
  const settingsFiles: string[] = [];
  const seen = new Map<string, { parsed: ParsedFile; path: Path }>();
  const claim = (kind: string, id: string, parsed: ParsedFile, path: Path): boolean => {
    const key = `${kind}:${id}`;
    const first = seen.get(key);
    if (first) {
      const at = `${first.parsed.file}:${locate(first.parsed, first.path).line}`;
      problems.push(problemAt(parsed, path, `${kind} id "${id}" is already used at ${at}; give each ${kind} its own id`));
      return false;
    }
    seen.set(key, { parsed, path });
    return true;
  };
  const storeRefs: { parsed: ParsedFile; path: Path; storeId: string }[] = [];
  const suggestRefs: { parsed: ParsedFile; path: Path; entryId: string }[] = [];
  for (const { parsed, data } of files) {
    if (data.settings) {
      settingsInput = { ...settingsInput, ...data.settings };
      settingsFiles.push(parsed.file);
    }
    data.stores?.forEach((store, i) => {
      if (claim('store', store.id, parsed, ['stores', i, 'id'])) stores.push(store);
    });
    data.products?.forEach((product, i) => {
      if (!claim('product', product.id, parsed, ['products', i, 'id'])) return;
      products.push(product);
      product.variants.forEach((variant, v) => {
        claim('variant', variant.id, parsed, ['products', i, 'variants', v, 'id']);
        for (const storeId of Object.keys(variant.stock)) {
          storeRefs.push({ parsed, path: ['products', i, 'variants', v, 'stock', storeId], storeId });
        }
      });
    });
    // Entries in file order, so a duplicate is reported where it is written second.
    const lines = entryLines(parsed.text);
    const taken = new Map<string, number>();
    const nextLine = (key: string): number => {
      const k = taken.get(key) ?? 0;
      taken.set(key, k + 1);
      return lines.get(key)?.[k] ?? 1;
    };
    const located = (['policies', 'faq'] as const).flatMap((key) =>
      (data[key] ?? []).map((entry, i) => ({ key, i, entry, line: nextLine(`${key}:${entry.id}`) })),
    );
    located.sort((a, b) => a.line - b.line);
    for (const { key, i, entry, line } of located) {
      if (!claim('entry', entry.id, parsed, [key, i, 'id'])) continue;
      entries.push(entry);
      sources.set(entry.id, { file: parsed.file, line });
      entry.suggest.forEach((entryId, s) => suggestRefs.push({ parsed, path: [key, i, 'suggest', s], entryId }));
    }
  }
  const storeIds = new Set(stores.map((s) => s.id));
  for (const ref of storeRefs) {
    if (!storeIds.has(ref.storeId)) {
      problems.push(
        problemAt(
          ref.parsed,
          ref.path.slice(0, -1),
          `stock names store "${ref.storeId}", which is not defined; use one of ${[...storeIds].join(', ') || '(no stores yet)'}`,
          ref.storeId,
        ),
      );
    }
  }
  const entryIds = new Set(entries.map((e) => e.id));
  for (const ref of suggestRefs) {
    if (!entryIds.has(ref.entryId)) {
      problems.push(problemAt(ref.parsed, ref.path, `suggest names entry "${ref.entryId}", which is not defined; check the id`));
    }
  }
  const settings = settingsSchema.parse(settingsInput);
  if (settings.clarifyThreshold > settings.answerThreshold) {
    const at = files.find((f) => f.data.settings?.clarifyThreshold !== undefined) ?? files[0];
    if (at) {
      problems.push(
        problemAt(
          at.parsed,
          ['settings', 'clarifyThreshold'],
          `clarifyThreshold (${settings.clarifyThreshold}) is above answerThreshold (${settings.answerThreshold}); make it lower`,
        ),
      );
    }
  }
  return { settings, stores, products, entries, sources, settingsFiles };
}
