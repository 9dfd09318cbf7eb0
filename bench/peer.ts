/**
 * Runs one peer system on one dataset and prints its figures as one JSON line:
 *   node dist/bench/peer.js <nlpjs|natural-bayes|natural-lr> <dataset> [perIntent]
 * Run in a child process so the benchmark can stop a peer that takes too long.
 */
import { BayesClassifier, LogisticRegressionClassifier } from 'natural/lib/natural/classifiers';
import { NlpManager } from 'node-nlp';
import { readLabelledFile } from '../src/eval/labelled-file';
import { computeMetrics, type CaseOutcome } from '../src/eval/metrics';
import { datasetFile, datasetLanguage, trainingRows, type DatasetName } from './datasets';

export type PeerName = 'nlpjs' | 'natural-bayes' | 'natural-lr';

async function main(): Promise<void> {
  const [system, dataset, per] = process.argv.slice(2) as [PeerName, DatasetName, string | undefined];
  const perIntent = per ? Number(per) : undefined;
  const train = trainingRows(dataset, perIntent);
  const dev = readLabelledFile(datasetFile(dataset, 'dev'));
  const t0 = process.hrtime.bigint();
  let classify: (text: string) => Promise<string | null>;
  switch (system) {
    case 'nlpjs': {
      const lang = datasetLanguage(dataset);
      const manager = new NlpManager({ languages: [lang], forceNER: true, autoSave: false, nlu: { log: false } });
      for (const r of train) manager.addDocument(lang, r.text, r.intent as string);
      await manager.train();
      classify = async (text) => {
        const result = await manager.process(lang, text);
        return result.intent && result.intent !== 'None' ? result.intent : null;
      };
      break;
    }
    case 'natural-bayes':
    case 'natural-lr': {
      const classifier = system === 'natural-bayes' ? new BayesClassifier() : new LogisticRegressionClassifier();
      for (const r of train) classifier.addDocument(r.text, r.intent as string);
      classifier.train();
      classify = async (text) => classifier.classify(text) || null;
      break;
    }
    default: {
      const exhaustive: never = system;
      throw new Error(`unknown peer ${String(exhaustive)}`);
    }
  }
  const trainMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const outcomes: CaseOutcome[] = [];
  for (const c of dev) {
    const got = await classify(c.text);
    outcomes.push({ expected: c.intent, decision: got === null ? 'fallback' : 'answer', answered: got, top: got });
  }
  const m = computeMetrics(outcomes);
  process.stdout.write(
    `${JSON.stringify({ inScopeAccuracy: m.inScopeAccuracy, oosRecall: m.oosRecall, falseAnswerRate: m.falseAnswerRate, outOfScope: m.outOfScope, trainMs })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
