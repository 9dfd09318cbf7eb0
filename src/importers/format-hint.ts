import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * When an import finds nothing of the kind it expects, what the folder looks like instead, as a
 * sentence naming the command to use ("" when it looks like nothing we know). Only names in the
 * folder's top level (and data/) are looked at.
 */
export function otherFormatHint(path: string, expected: 'rasa' | 'dialogflow'): string {
  let names: string[];
  try {
    if (!statSync(path).isDirectory()) return '';
    names = readdirSync(path);
  } catch {
    return '';
  }
  const has = (name: string): boolean => names.includes(name);
  if (expected !== 'dialogflow' && (has('agent.json') || has('intents')))
    return ` This folder looks like a Dialogflow ES export (agent.json, intents/): run "tanya import dialogflow ${path} --out DIR".`;
  if (expected !== 'rasa' && (has('domain.yml') || has('config.yml') || existsSync(join(path, 'data', 'nlu.yml')) || existsSync(join(path, 'data', 'nlu.md'))))
    return ` This folder looks like a Rasa project (domain.yml, data/): run "tanya import rasa ${path} --out DIR".`;
  const sheet = names.find((n) => /\.(csv|tsv|xlsx)$/i.test(n));
  if (sheet) return ` For a spreadsheet such as ${sheet}, run "tanya import csv FILE --out DIR" (or "tanya import qna FILE" for a QnA Maker export).`;
  return '';
}
