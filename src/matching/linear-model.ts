/**
 * A multinomial logistic-regression (softmax) model over the index's sparse TF-IDF features,
 * trained with mini-batch-free SGD when a knowledge base is compiled. It learns which words
 * separate close entries ("top up failed" vs "top up reverted"), which nearest-example and
 * centroid cosines cannot; its weights stay inspectable per word and entry.
 *
 * Hand-written: natural's LogisticRegressionClassifier is dense and takes minutes on a few
 * thousand examples; this one touches only the non-zero features of each example.
 */

export interface SparseVector {
  readonly ids: Int32Array;
  readonly values: Float32Array;
}

export interface LinearModelOptions {
  /** Passes over the examples (default 10). */
  readonly epochs: number;
  /** Initial learning rate, decayed each epoch (default 2). */
  readonly learningRate: number;
  /** L2 penalty per update (default 1e-5). */
  readonly l2: number;
  /** Largest features × entries the model may hold; bigger knowledge bases skip it (default 2e7). */
  readonly maxWeights: number;
}

export const DEFAULT_LINEAR_OPTIONS: LinearModelOptions = { epochs: 10, learningRate: 2, l2: 1e-5, maxWeights: 20_000_000 };

export class LinearModel {
  private readonly weights: Float32Array;
  private readonly bias: Float32Array;
  private readonly logits: Float64Array;

  private constructor(
    private readonly features: number,
    private readonly classes: number,
  ) {
    this.weights = new Float32Array(features * classes);
    this.bias = new Float32Array(classes);
    this.logits = new Float64Array(classes);
  }

  /** Trains a model, or returns undefined when the knowledge base is too large or too small for one. */
  static train(
    examples: readonly { readonly label: number; readonly x: SparseVector }[],
    features: number,
    classes: number,
    options: LinearModelOptions = DEFAULT_LINEAR_OPTIONS,
  ): LinearModel | undefined {
    if (classes < 2 || examples.length === 0 || features * classes > options.maxWeights) return undefined;
    const model = new LinearModel(features, classes);
    const order = Array.from(examples.keys());
    let seed = 12345;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const probs = new Float64Array(classes);
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const lr = options.learningRate / (1 + epoch);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      for (const k of order) {
        const { label, x } = examples[k];
        model.probabilities(x, probs);
        probs[label] -= 1;
        for (let n = 0; n < x.ids.length; n++) {
          const base = x.ids[n] * classes;
          const v = x.values[n];
          for (let c = 0; c < classes; c++) {
            const w = model.weights[base + c];
            model.weights[base + c] = w - lr * (probs[c] * v + options.l2 * w);
          }
        }
        for (let c = 0; c < classes; c++) model.bias[c] -= lr * probs[c];
      }
    }
    return model;
  }

  /** Class probabilities for a sparse input, written into `out`. */
  probabilities(x: SparseVector, out: Float64Array): Float64Array {
    const classes = this.classes;
    const z = this.logits;
    for (let c = 0; c < classes; c++) z[c] = this.bias[c];
    for (let n = 0; n < x.ids.length; n++) {
      const id = x.ids[n];
      if (id >= this.features) continue;
      const base = id * classes;
      const v = x.values[n];
      for (let c = 0; c < classes; c++) z[c] += this.weights[base + c] * v;
    }
    let max = -Infinity;
    for (let c = 0; c < classes; c++) if (z[c] > max) max = z[c];
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      out[c] = Math.exp(z[c] - max);
      sum += out[c];
    }
    for (let c = 0; c < classes; c++) out[c] /= sum;
    return out;
  }
}
