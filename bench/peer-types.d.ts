// Minimal typings for the peer systems the accuracy benchmark runs (they ship none we can use).
declare module 'node-nlp' {
  export class NlpManager {
    constructor(settings: { languages: string[]; forceNER?: boolean; autoSave?: boolean; nlu?: { log?: boolean } });
    addDocument(language: string, utterance: string, intent: string): void;
    train(): Promise<void>;
    process(language: string, utterance: string): Promise<{ intent?: string; score?: number }>;
  }
}
declare module 'natural/lib/natural/classifiers' {
  interface TextClassifier {
    addDocument(text: string, label: string): void;
    train(): void;
    classify(text: string): string;
  }
  export const BayesClassifier: new () => TextClassifier;
  export const LogisticRegressionClassifier: new () => TextClassifier;
}
