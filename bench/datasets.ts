import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readLabelledFile, type LabelledMessage } from '../src/eval/labelled-file';

/** The shared labelled datasets, in benchmark order; tanya_cs_id is ours (informal Indonesian shop chat). */
export const DATASETS = ['banking77', 'clinc150', 'banking77_oos', 'bitext_customer_support', 'hwu64', 'xsid_id', 'tanya_cs_id'] as const;
export type DatasetName = (typeof DATASETS)[number];

/** Language code NLP.js is given for a dataset. */
export function datasetLanguage(name: DatasetName): 'id' | 'en' {
  return name === 'xsid_id' || name === 'tanya_cs_id' ? 'id' : 'en';
}

/** Where the datasets are: TANYA_DATASETS, or ../shared/datasets beside the project. */
export function datasetsDir(): string {
  return process.env.TANYA_DATASETS ?? resolve(process.cwd(), '..', 'shared', 'datasets');
}

export function datasetFile(name: DatasetName, split: 'train' | 'dev'): string {
  return join(datasetsDir(), name, `${split}.jsonl`);
}

export function hasDataset(name: DatasetName): boolean {
  return existsSync(datasetFile(name, 'train')) && existsSync(datasetFile(name, 'dev'));
}

/** The first `perIntent` rows of each label (file order), or every labelled row. */
export function trainingRows(name: DatasetName, perIntent?: number): LabelledMessage[] {
  const counts = new Map<string, number>();
  return readLabelledFile(datasetFile(name, 'train')).filter((r) => {
    if (r.intent === null) return false;
    const n = (counts.get(r.intent) ?? 0) + 1;
    counts.set(r.intent, n);
    return perIntent === undefined || n <= perIntent;
  });
}
