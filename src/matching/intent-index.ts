import { DEFAULT_LINEAR_OPTIONS, LinearModel, type SparseVector } from './linear-model';

/**
 * A TF-IDF index over example questions, scored through inverted lists so the cost of a query
 * grows with the number of examples sharing its terms, not with the size of the knowledge base.
 *
 * Hand-written rather than natural's TfIdf: that class scans every document per query and has
 * no sparse vectors, cosine normalisation or per-entry centroids.
 *
 * An entry's score blends two cosines: with its closest example (nearest neighbour) and with
 * the entry's centroid (all its examples together), so both one precise example and many loose
 * ones count.
 */

export interface IndexOptions {
  /** Weight of the nearest-example cosine against the centroid cosine (default 0.25). */
  readonly exampleWeight: number;
  /** Weight of word pairs relative to single words (default 0.4). */
  readonly bigramWeight: number;
  /** Weight of character n-grams ("~" features) relative to single words (default 0.3). */
  readonly charWeight: number;
  /** Weight of query words the knowledge base has never seen, relative to the rarest known word (default 1). */
  readonly unknownWeight: number;
  /** Weight of the trained linear model's probability in the score; 0 turns the model off (default 0.5). */
  readonly modelWeight: number;
  /** Largest training cost (epochs × non-zero features × entries) spent at load time (default 8e8, a few seconds). */
  readonly maxTrainingOps: number;
  /** Features in more examples than this count towards centroids only (default 1000). */
  readonly maxExamplePostings: number;
  /** Features in more entries than this are skipped when scoring centroids (default 300). */
  readonly maxEntryPostings: number;
}

export const DEFAULT_INDEX_OPTIONS: IndexOptions = { exampleWeight: 0.25, bigramWeight: 0.4, charWeight: 0.3, unknownWeight: 1, modelWeight: 0.5, maxTrainingOps: 8e8, maxExamplePostings: 1000, maxEntryPostings: 300 };

export interface ScoredEntry {
  readonly entry: number;
  readonly score: number;
  /** Cosine with the entry's closest example. */
  readonly example: number;
  /** Cosine with the entry's centroid. */
  readonly centroid: number;
  /** The linear model's probability (0 when there is no model). */
  readonly model: number;
}

interface Postings {
  readonly ids: Int32Array;
  readonly weights: Float32Array;
}

/** Features of a term list: words, adjacent word pairs and (when enabled) character 4-grams. */
function featureCounts(terms: readonly string[], charGrams: boolean): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < terms.length; i++) {
    counts.set(terms[i], (counts.get(terms[i]) ?? 0) + 1);
    if (charGrams && terms[i].length > 4 && !terms[i].startsWith('#')) {
      const padded = `<${terms[i]}>`;
      for (let k = 0; k + 4 <= padded.length; k++) {
        const gram = `~${padded.slice(k, k + 4)}`;
        counts.set(gram, (counts.get(gram) ?? 0) + 1);
      }
    }
    if (i + 1 < terms.length) {
      const pair = `${terms[i]} ${terms[i + 1]}`;
      counts.set(pair, (counts.get(pair) ?? 0) + 1);
    }
  }
  return counts;
}

type Family = 'word' | 'pair' | 'char';
const familyOf = (feature: string): Family => (feature.startsWith('~') ? 'char' : feature.includes(' ') ? 'pair' : 'word');

export class IntentIndex {
  private readonly featureIds = new Map<string, number>();
  private readonly exampleIdf: Float64Array;
  private readonly entryIdf: Float64Array;
  private readonly exampleEntry: Int32Array;
  private readonly examplePostings: Postings[];
  private readonly entryPostings: Postings[];
  private readonly entryVectors: Map<number, number>[];
  private readonly unknownExampleIdf: number;
  private readonly unknownEntryIdf: number;
  private readonly bestExample: Float64Array;
  private readonly centroid: Float64Array;
  private readonly touched: number[] = [];
  private readonly touchedExamples: number[] = [];
  private readonly exampleScores: Float64Array;
  private readonly model: LinearModel | undefined;
  private readonly probs: Float64Array;
  private readonly charFeature: Uint8Array;
  private readonly modelShare: number;

  constructor(
    readonly entryCount: number,
    examples: readonly { readonly entry: number; readonly terms: readonly string[] }[],
    private readonly options: IndexOptions = DEFAULT_INDEX_OPTIONS,
  ) {
    const exampleFeatures = examples.map((e) => featureCounts(e.terms, options.charWeight > 0));
    const exampleDf: number[] = [];
    const entryDf: number[] = [];
    const entryTf: Map<number, number>[] = Array.from({ length: entryCount }, () => new Map());
    exampleFeatures.forEach((features, i) => {
      const entry = examples[i].entry;
      for (const feature of features.keys()) {
        let id = this.featureIds.get(feature);
        if (id === undefined) {
          id = this.featureIds.size;
          this.featureIds.set(feature, id);
          exampleDf.push(0);
          entryDf.push(0);
        }
        exampleDf[id]++;
        const tf = entryTf[entry];
        if (!tf.has(id)) entryDf[id]++;
        tf.set(id, (tf.get(id) ?? 0) + 1);
      }
    });
    const n = Math.max(examples.length, 1);
    const m = Math.max(entryCount, 1);
    this.exampleIdf = Float64Array.from(exampleDf, (df) => Math.log((n + 1) / (df + 1)) + 1);
    this.entryIdf = Float64Array.from(entryDf, (df) => Math.log((m + 1) / (df + 1)) + 1);
    this.unknownExampleIdf = Math.log(n + 1) + 1;
    this.unknownEntryIdf = Math.log(m + 1) + 1;
    this.exampleEntry = Int32Array.from(examples, (e) => e.entry);

    const exLists: { ids: number[]; weights: number[] }[] = Array.from({ length: this.featureIds.size }, () => ({ ids: [], weights: [] }));
    const families = [...this.featureIds.keys()].map(familyOf);
    const vectors: { label: number; x: SparseVector }[] = [];
    exampleFeatures.forEach((features, i) => {
      const vec: [number, number][] = [];
      for (const [feature, tf] of features) {
        const id = this.featureIds.get(feature) as number;
        vec.push([id, this.familyWeight(families[id]) * (1 + Math.log(tf)) * this.exampleIdf[id]]);
      }
      const norm = Math.hypot(...vec.map(([, w]) => w)) || 1;
      for (const [id, w] of vec) {
        exLists[id].ids.push(i);
        exLists[id].weights.push(w / norm);
      }
      const modelFeatures = vec.filter(([id]) => families[id] !== 'char');
      vectors.push({ label: examples[i].entry, x: { ids: Int32Array.from(modelFeatures, ([id]) => id), values: Float32Array.from(modelFeatures, ([, w]) => w / norm) } });
    });
    this.charFeature = Uint8Array.from(families, (f) => (f === 'char' ? 1 : 0));
    // A discriminative model needs many examples per entry; with an editor's handful it
    // overfits, so its share grows with the examples available (full share from 50 per entry).
    // It is trained only where it matters and the training stays affordable at load time.
    const share = options.modelWeight * Math.min(1, examples.length / Math.max(1, entryCount) / 50);
    const nonZero = vectors.reduce((n, v) => n + v.x.ids.length, 0);
    const trainingOps = DEFAULT_LINEAR_OPTIONS.epochs * nonZero * entryCount;
    this.model = share >= 0.1 && trainingOps <= options.maxTrainingOps ? LinearModel.train(vectors, this.featureIds.size, entryCount) : undefined;
    this.modelShare = this.model ? share : 0;
    this.probs = new Float64Array(this.model ? entryCount : 0);
    this.examplePostings = exLists.map((l) => ({ ids: Int32Array.from(l.ids), weights: Float32Array.from(l.weights) }));

    const entLists: { ids: number[]; weights: number[] }[] = Array.from({ length: this.featureIds.size }, () => ({ ids: [], weights: [] }));
    this.entryVectors = entryTf.map((tf, entry) => {
      const vec = new Map<number, number>();
      for (const [id, count] of tf) vec.set(id, this.familyWeight(families[id]) * (1 + Math.log(count)) * this.entryIdf[id]);
      const norm = Math.hypot(...vec.values()) || 1;
      for (const [id, w] of vec) {
        vec.set(id, w / norm);
        entLists[id].ids.push(entry);
        entLists[id].weights.push(w / norm);
      }
      return vec;
    });
    this.entryPostings = entLists.map((l) => ({ ids: Int32Array.from(l.ids), weights: Float32Array.from(l.weights) }));
    this.bestExample = new Float64Array(entryCount);
    this.exampleScores = new Float64Array(examples.length);
    this.centroid = new Float64Array(entryCount);
  }

  /** True when the term occurs in some example. */
  has(term: string): boolean {
    return this.featureIds.has(term);
  }

  /** Query terms that also occur in an entry's examples (for explanations). */
  sharedTerms(entry: number, terms: readonly string[]): string[] {
    const vec = this.entryVectors[entry];
    return [...new Set(terms)].filter((t) => {
      const id = this.featureIds.get(t);
      return id !== undefined && vec?.has(id);
    });
  }

  /** The best entries for a query, highest score first; scores are in 0..1. */
  score(terms: readonly string[], limit = 5): ScoredEntry[] {
    const counts = featureCounts(terms, this.options.charWeight > 0);
    if (counts.size === 0) return [];
    const exQuery: [number, number][] = [];
    const entQuery: [number, number][] = [];
    let exNorm = 0;
    let entNorm = 0;
    for (const [feature, tf] of counts) {
      const id = this.featureIds.get(feature);
      const family = this.familyWeight(familyOf(feature));
      const base = family * (1 + Math.log(tf));
      const unknown = this.options.unknownWeight;
      const we = base * (id === undefined ? unknown * this.unknownExampleIdf : this.exampleIdf[id]);
      const wc = base * (id === undefined ? unknown * this.unknownEntryIdf : this.entryIdf[id]);
      exNorm += we * we;
      entNorm += wc * wc;
      if (id !== undefined) {
        exQuery.push([id, we]);
        entQuery.push([id, wc]);
      }
    }
    if (exQuery.length === 0) return [];
    exNorm = Math.sqrt(exNorm) || 1;
    entNorm = Math.sqrt(entNorm) || 1;

    const probs = this.model ? this.model.probabilities(sparse(exQuery.filter(([id]) => !this.charFeature[id]), exNorm), this.probs) : undefined;
    // Example cosines accumulate in a reused typed array; very common features (long
    // postings, low weight) are left to the centroid score so a query never scans most examples.
    const exampleScores = this.exampleScores;
    const touchedExamples = this.touchedExamples;
    touchedExamples.length = 0;
    for (const [id, w] of exQuery) {
      const p = this.examplePostings[id];
      if (p.ids.length > this.options.maxExamplePostings) continue;
      const qw = w / exNorm;
      for (let k = 0; k < p.ids.length; k++) {
        const ex = p.ids[k];
        if (exampleScores[ex] === 0) touchedExamples.push(ex);
        exampleScores[ex] += qw * p.weights[k];
      }
    }
    const touched = this.touched;
    touched.length = 0;
    for (const ex of touchedExamples) {
      const s = exampleScores[ex];
      exampleScores[ex] = 0;
      const entry = this.exampleEntry[ex];
      if (this.bestExample[entry] === 0 && this.centroid[entry] === 0) touched.push(entry);
      if (s > this.bestExample[entry]) this.bestExample[entry] = s;
    }
    for (const [id, w] of entQuery) {
      const p = this.entryPostings[id];
      if (p.ids.length > this.options.maxEntryPostings) continue;
      for (let k = 0; k < p.ids.length; k++) {
        const entry = p.ids[k];
        if (this.bestExample[entry] === 0 && this.centroid[entry] === 0) touched.push(entry);
        this.centroid[entry] += (w / entNorm) * p.weights[k];
      }
    }
    if (probs) {
      // Entries the model favours may share no word with the query; consider the top ones too.
      const seen = new Set(touched);
      for (const entry of topIndices(probs, limit)) if (!seen.has(entry)) touched.push(entry);
    }
    const alpha = this.options.exampleWeight;
    const m = probs ? this.modelShare : 0;
    const results: ScoredEntry[] = [];
    for (const entry of touched) {
      const example = Math.min(1, this.bestExample[entry]);
      const centroid = Math.min(1, this.centroid[entry]);
      const model = probs ? probs[entry] : 0;
      const lexical = alpha * example + (1 - alpha) * centroid;
      results.push({ entry, score: (1 - m) * lexical + m * model, example, centroid, model });
      this.bestExample[entry] = 0;
      this.centroid[entry] = 0;
    }
    results.sort((a, b) => b.score - a.score);
    return results.slice(0, limit);
  }

  private familyWeight(family: Family): number {
    switch (family) {
      case 'pair':
        return this.options.bigramWeight;
      case 'char':
        return this.options.charWeight;
      case 'word':
        return 1;
      default: {
        const exhaustive: never = family;
        return exhaustive;
      }
    }
  }
}

function sparse(pairs: readonly (readonly [number, number])[], norm: number): SparseVector {
  return { ids: Int32Array.from(pairs, ([id]) => id), values: Float32Array.from(pairs, ([, w]) => w / norm) };
}

function topIndices(values: Float64Array, k: number): number[] {
  const top: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (top.length < k) {
      top.push(i);
      top.sort((a, b) => values[b] - values[a]);
    } else if (values[i] > values[top[k - 1]]) {
      top[k - 1] = i;
      top.sort((a, b) => values[b] - values[a]);
    }
  }
  return top;
}
