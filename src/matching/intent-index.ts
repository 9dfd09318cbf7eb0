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
  /** Weight of the nearest-example cosine against the centroid cosine (default 0.2). */
  readonly exampleWeight: number;
  /** Weight of word pairs relative to single words with an editor's handful of examples per entry (default 0.4). */
  readonly bigramWeight: number;
  /**
   * Weight of word pairs once entries have `modelFullShareExamples` examples each (default 0.6):
   * pair statistics are reliable only with many examples, so the weight moves from
   * `bigramWeight` towards this one as examples grow.
   */
  readonly bigramWeightFull: number;
  /** Weight of character n-grams ("~" features) relative to single words (default 0.3). */
  readonly charWeight: number;
  /** Weight of concept features ("^" features: a word's meaning group in the colloquial lexicon) relative to single words. */
  readonly conceptWeight: number;
  /** Weight of query words the knowledge base has never seen, relative to the rarest known word (default 1). */
  readonly unknownWeight: number;
  /**
   * Weight of an entry's answer text as evidence, added to the score of its questions (default
   * 0.8 for an entry without examples, less the more examples it has; 0 = off). Used by the
   * matcher, which indexes answers separately.
   */
  readonly answerWeight: number;
  /** Weight of the trained linear model's probability in the score; 0 turns the model off (default 0.5). */
  readonly modelWeight: number;
  /** Examples per entry from which the model gets its full weight; fewer scale it down (default 50). */
  readonly modelFullShareExamples: number;
  /** Largest training cost (epochs × non-zero features × entries) spent at load time (default 8e8, a few seconds). */
  readonly maxTrainingOps: number;
  /** Features in more examples than this count towards centroids only (default 1000). */
  readonly maxExamplePostings: number;
  /** Features in more entries than this are skipped when scoring centroids (default 300). */
  readonly maxEntryPostings: number;
  /** Character n-grams are indexed only up to this many examples, to keep large knowledge bases fast to load (default 20000). */
  readonly maxCharGramExamples: number;
}

export const DEFAULT_INDEX_OPTIONS: IndexOptions = {
  exampleWeight: 0.2,
  bigramWeight: 0.4,
  bigramWeightFull: 0.6,
  charWeight: 0.3,
  conceptWeight: 1,
  unknownWeight: 1,
  answerWeight: 0.8,
  modelWeight: 0.5,
  modelFullShareExamples: 50,
  maxTrainingOps: 8e8,
  maxExamplePostings: 1000,
  maxEntryPostings: 300,
  maxCharGramExamples: 20_000,
};

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

/** Compressed sparse rows: row r holds ids[start[r]..start[r+1]) with their weights. */
interface Rows {
  readonly start: Int32Array;
  readonly ids: Int32Array;
  readonly weights: Float32Array;
}

/** Kinds of feature, stored one byte each (a plain object rather than an enum so bytes read back as a Family). */
const Family = { Word: 0, Pair: 1, Char: 2, Concept: 3 } as const;
type Family = (typeof Family)[keyof typeof Family];

/** Counts features of a term list into `counts`: words, adjacent word pairs and (when enabled) character 4-grams. */
function featureCounts(terms: readonly string[], charGrams: boolean, counts: Map<string, number>): Map<string, number> {
  counts.clear();
  for (let i = 0; i < terms.length; i++) {
    counts.set(terms[i], (counts.get(terms[i]) ?? 0) + 1);
    const concept = terms[i].startsWith('^');
    if (charGrams && terms[i].length > 4 && !terms[i].startsWith('#') && !terms[i].startsWith('=') && !concept) {
      const padded = `<${terms[i]}>`;
      for (let k = 0; k + 4 <= padded.length; k++) {
        const gram = `~${padded.slice(k, k + 4)}`;
        counts.set(gram, (counts.get(gram) ?? 0) + 1);
      }
    }
    if (i + 1 < terms.length && !concept && !terms[i + 1].startsWith('^')) {
      const pair = `${terms[i]} ${terms[i + 1]}`;
      counts.set(pair, (counts.get(pair) ?? 0) + 1);
    }
  }
  return counts;
}

const familyOf = (feature: string): Family =>
  feature.startsWith('~') ? Family.Char : feature.startsWith('^') ? Family.Concept : feature.includes(' ') ? Family.Pair : Family.Word;

/** A growing list of 32-bit integers in one typed array (a quarter of a number[]'s memory while building). */
class IntList {
  private data = new Int32Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  at(i: number): number {
    return this.data[i];
  }

  /** The values as an exactly sized array (a copy, so the spare capacity can be freed). */
  view(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

/** Transposes row-major sparse rows (e.g. example → features) into column-major ones (feature → examples). */
function transpose(rows: Rows, columns: number): Rows {
  const start = new Int32Array(columns + 1);
  for (let k = 0; k < rows.ids.length; k++) start[rows.ids[k] + 1]++;
  for (let c = 0; c < columns; c++) start[c + 1] += start[c];
  const fill = start.slice(0, columns);
  const ids = new Int32Array(rows.ids.length);
  const weights = new Float32Array(rows.ids.length);
  for (let r = 0; r + 1 < rows.start.length; r++) {
    for (let k = rows.start[r]; k < rows.start[r + 1]; k++) {
      const at = fill[rows.ids[k]]++;
      ids[at] = r;
      weights[at] = rows.weights[k];
    }
  }
  return { start, ids, weights };
}

export class IntentIndex {
  private readonly featureIds = new Map<string, number>();
  private readonly exampleIdf: Float64Array;
  private readonly entryIdf: Float64Array;
  private readonly exampleEntry: Int32Array;
  /** feature → examples containing it, with the example vector's weight. */
  private readonly examplePostings: Rows;
  /** feature → entries containing it, with the centroid's weight. */
  private readonly entryPostings: Rows;
  /** entry → its centroid's features (for explanations). */
  private readonly entryFeatures: Rows;
  private readonly families: Uint8Array;
  private readonly unknownExampleIdf: number;
  private readonly unknownEntryIdf: number;
  private readonly bestExample: Float64Array;
  private readonly centroid: Float64Array;
  private readonly exampleScores: Float64Array;
  private readonly touched: number[] = [];
  private readonly touchedExamples: number[] = [];
  private readonly counts = new Map<string, number>();
  private readonly model: LinearModel | undefined;
  private readonly modelShare: number;
  private readonly probs: Float64Array;
  private readonly charGrams: boolean;
  /** Weight of word pairs for this knowledge base (grows with its examples per entry). */
  private readonly pairWeight: number;
  private readonly modelFeature: Int32Array;

  constructor(
    readonly entryCount: number,
    examples: readonly { readonly entry: number; readonly terms: readonly string[] }[],
    private readonly options: IndexOptions = DEFAULT_INDEX_OPTIONS,
  ) {
    this.charGrams = options.charWeight > 0 && examples.length <= options.maxCharGramExamples;
    const charGrams = this.charGrams;
    const families: number[] = [];
    const exampleDf: number[] = [];
    // Pass 1: each example's features and counts, as flat arrays.
    const exStart = new Int32Array(examples.length + 1);
    const exIds = new IntList();
    const exTf = new IntList();
    examples.forEach((example, i) => {
      for (const [feature, tf] of featureCounts(example.terms, charGrams, this.counts)) {
        let id = this.featureIds.get(feature);
        if (id === undefined) {
          id = this.featureIds.size;
          this.featureIds.set(feature, id);
          families.push(familyOf(feature));
          exampleDf.push(0);
        }
        exampleDf[id]++;
        exIds.push(id);
        exTf.push(tf);
      }
      exStart[i + 1] = exIds.length;
    });
    const features = this.featureIds.size;
    this.families = Uint8Array.from(families);
    this.exampleEntry = Int32Array.from(examples, (e) => e.entry);

    // Pass 2: per entry, how many of its examples hold each feature (examples grouped by entry).
    const byEntry: number[][] = Array.from({ length: entryCount }, () => []);
    examples.forEach((e, i) => byEntry[e.entry].push(i));
    const entryDf = new Int32Array(features);
    const entStart = new Int32Array(entryCount + 1);
    const entIds = new IntList();
    const entCount = new IntList();
    const tally = new Map<number, number>();
    byEntry.forEach((exampleIndexes, entry) => {
      tally.clear();
      for (const i of exampleIndexes) for (let k = exStart[i]; k < exStart[i + 1]; k++) tally.set(exIds.at(k), (tally.get(exIds.at(k)) ?? 0) + 1);
      for (const [id, count] of tally) {
        entryDf[id]++;
        entIds.push(id);
        entCount.push(count);
      }
      entStart[entry + 1] = entIds.length;
    });

    const n = Math.max(examples.length, 1);
    const m = Math.max(entryCount, 1);
    const dataShare = Math.min(1, examples.length / m / options.modelFullShareExamples);
    this.pairWeight = options.bigramWeight + (options.bigramWeightFull - options.bigramWeight) * dataShare;
    this.exampleIdf = Float64Array.from(exampleDf, (df) => Math.log((n + 1) / (df + 1)) + 1);
    this.entryIdf = Float64Array.from(entryDf, (df) => Math.log((m + 1) / (df + 1)) + 1);
    this.unknownExampleIdf = Math.log(n + 1) + 1;
    this.unknownEntryIdf = Math.log(m + 1) + 1;

    // Weights: (1 + ln tf) · idf · family weight, each vector L2-normalised.
    const exRows = this.weightedRows(exStart, exIds.view(), exTf.view(), this.exampleIdf);
    const entRows = this.weightedRows(entStart, entIds.view(), entCount.view(), this.entryIdf);
    this.examplePostings = transpose(exRows, features);
    this.entryPostings = transpose(entRows, features);
    this.entryFeatures = entRows;

    // A discriminative model needs many examples per entry; with an editor's handful it
    // overfits, so its share grows with the examples available (full share from 50 per entry).
    // It is trained only where it matters and the training stays affordable at load time.
    const share = options.modelWeight * dataShare;
    // The model sees words and word pairs only, numbered densely so its weights stay small.
    this.modelFeature = new Int32Array(features).fill(-1);
    let modelFeatures = 0;
    for (let id = 0; id < features; id++) if (this.family(id) !== Family.Char) this.modelFeature[id] = modelFeatures++;
    let wordFeatures = 0;
    for (let k = 0; k < exIds.length; k++) if (this.family(exIds.at(k)) !== Family.Char) wordFeatures++;
    const trainingOps = DEFAULT_LINEAR_OPTIONS.epochs * wordFeatures * entryCount;
    this.model =
      share >= 0.1 && trainingOps <= options.maxTrainingOps
        ? LinearModel.train(
            examples.map((e, i) => ({ label: e.entry, x: this.modelInput(exRows, i) })),
            modelFeatures,
            entryCount,
          )
        : undefined;
    this.modelShare = this.model ? share : 0;
    this.probs = new Float64Array(this.model ? entryCount : 0);
    this.bestExample = new Float64Array(entryCount);
    this.centroid = new Float64Array(entryCount);
    this.exampleScores = new Float64Array(examples.length);
  }

  /** True when the term occurs in some example. */
  has(term: string): boolean {
    return this.featureIds.has(term);
  }

  /** Query terms that also occur in an entry's examples (for explanations). */
  sharedTerms(entry: number, terms: readonly string[]): string[] {
    if (entry < 0 || entry >= this.entryCount) return [];
    const own = this.entryFeatures.ids.subarray(this.entryFeatures.start[entry], this.entryFeatures.start[entry + 1]);
    return [...new Set(terms)].filter((t) => {
      const id = this.featureIds.get(t);
      return id !== undefined && own.includes(id);
    });
  }

  /** The best entries for a query, highest score first; scores are in 0..1. */
  score(terms: readonly string[], limit = 5): ScoredEntry[] {
    const counts = featureCounts(terms, this.charGrams, this.counts);
    if (counts.size === 0) return [];
    const exQuery: [number, number][] = [];
    const entQuery: [number, number][] = [];
    let exNorm = 0;
    let entNorm = 0;
    for (const [feature, tf] of counts) {
      const id = this.featureIds.get(feature);
      const family = this.familyWeight(id === undefined ? familyOf(feature) : this.family(id));
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

    const probs = this.model
      ? this.model.probabilities(
          sparse(
            exQuery.filter(([id]) => this.modelFeature[id] >= 0).map(([id, w]) => [this.modelFeature[id], w] as const),
            exNorm,
          ),
          this.probs,
        )
      : undefined;
    // Example cosines accumulate in a reused typed array; very common features (long
    // postings, low weight) are left to the centroid score so a query never scans most examples.
    const exampleScores = this.exampleScores;
    const touchedExamples = this.touchedExamples;
    touchedExamples.length = 0;
    const ex = this.examplePostings;
    // With no weight on the nearest example (the answers index), its cosines are not computed.
    for (const [id, w] of this.options.exampleWeight > 0 ? exQuery : []) {
      const from = ex.start[id];
      const to = ex.start[id + 1];
      // Character n-grams are fuzzy evidence: on examples they only count where they are rare.
      const cap = this.family(id) === Family.Char ? this.options.maxExamplePostings / 5 : this.options.maxExamplePostings;
      if (to - from > cap) continue;
      const qw = w / exNorm;
      for (let k = from; k < to; k++) {
        const example = ex.ids[k];
        if (exampleScores[example] === 0) touchedExamples.push(example);
        exampleScores[example] += qw * ex.weights[k];
      }
    }
    const touched = this.touched;
    touched.length = 0;
    for (const example of touchedExamples) {
      const s = exampleScores[example];
      exampleScores[example] = 0;
      const entry = this.exampleEntry[example];
      if (this.bestExample[entry] === 0 && this.centroid[entry] === 0) touched.push(entry);
      if (s > this.bestExample[entry]) this.bestExample[entry] = s;
    }
    const ent = this.entryPostings;
    for (const [id, w] of entQuery) {
      const from = ent.start[id];
      const to = ent.start[id + 1];
      if (to - from > this.options.maxEntryPostings) continue;
      const qw = w / entNorm;
      for (let k = from; k < to; k++) {
        const entry = ent.ids[k];
        if (this.bestExample[entry] === 0 && this.centroid[entry] === 0) touched.push(entry);
        this.centroid[entry] += qw * ent.weights[k];
      }
    }
    if (probs) {
      // Entries the model favours may share no word with the query; consider the top ones too.
      const seen = new Set(touched);
      for (const entry of topIndices(probs, limit)) if (!seen.has(entry)) touched.push(entry);
    }
    const alpha = this.options.exampleWeight;
    const share = probs ? this.modelShare : 0;
    // Keep the best `limit` entries in a small sorted list instead of sorting every touched entry.
    const best: ScoredEntry[] = [];
    for (const entry of touched) {
      const example = Math.min(1, this.bestExample[entry]);
      const centroid = Math.min(1, this.centroid[entry]);
      this.bestExample[entry] = 0;
      this.centroid[entry] = 0;
      const model = probs ? probs[entry] : 0;
      const score = (1 - share) * (alpha * example + (1 - alpha) * centroid) + share * model;
      if (best.length === limit && score <= best[limit - 1].score) continue;
      let at = best.length;
      while (at > 0 && best[at - 1].score < score) at--;
      best.splice(at, 0, { entry, score, example, centroid, model });
      if (best.length > limit) best.pop();
    }
    return best;
  }

  /** TF-IDF rows from feature ids and counts, each row L2-normalised. */
  private weightedRows(start: Int32Array, ids: Int32Array, counts: Int32Array, idf: Float64Array): Rows {
    const rows: Rows = { start, ids, weights: new Float32Array(ids.length) };
    for (let r = 0; r + 1 < start.length; r++) {
      let norm = 0;
      for (let k = start[r]; k < start[r + 1]; k++) {
        const w = this.familyWeight(this.family(ids[k])) * (1 + Math.log(counts[k])) * idf[ids[k]];
        rows.weights[k] = w;
        norm += w * w;
      }
      norm = Math.sqrt(norm) || 1;
      for (let k = start[r]; k < start[r + 1]; k++) rows.weights[k] /= norm;
    }
    return rows;
  }

  private modelInput(rows: Rows, row: number): SparseVector {
    const ids: number[] = [];
    const values: number[] = [];
    for (let k = rows.start[row]; k < rows.start[row + 1]; k++) {
      const feature = this.modelFeature[rows.ids[k]];
      if (feature < 0) continue;
      ids.push(feature);
      values.push(rows.weights[k]);
    }
    return { ids: Int32Array.from(ids), values: Float32Array.from(values) };
  }

  /** The family of feature `id`, stored as a byte. */
  private family(id: number): Family {
    return this.families[id] as Family;
  }

  private familyWeight(family: Family): number {
    switch (family) {
      case Family.Pair:
        return this.pairWeight;
      case Family.Char:
        return this.options.charWeight;
      case Family.Word:
        return 1;
      case Family.Concept:
        return this.options.conceptWeight;
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
