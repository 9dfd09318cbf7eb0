import Ajv2020 from 'ajv/dist/2020';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** The committed JSON Schemas, as VS Code's YAML extension uses them, against real files. */
const ajv = new Ajv2020({ strict: false, allErrors: true });
// zod writes "format: uri" for links (store maps); checked here as editors' tools do, loosely.
ajv.addFormat('uri', /^[a-z][a-z0-9+.-]*:\/\/\S+$/i);
const knowledge = ajv.compile(JSON.parse(readFileSync(join('schema', 'knowledge.schema.json'), 'utf8')) as object);
const flows = ajv.compile(JSON.parse(readFileSync(join('schema', 'flows.schema.json'), 'utf8')) as object);
const yamlIn = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(dir, f));
const load = (file: string): unknown => parse(readFileSync(file, 'utf8'));

describe('JSON Schema for editors', () => {
  it.each(yamlIn('knowledge'))('accepts %s', (file) => {
    expect(knowledge(load(file)) ? [] : knowledge.errors).toEqual([]);
  });

  it.each(yamlIn('flows'))('accepts %s', (file) => {
    expect(flows(load(file)) ? [] : flows.errors).toEqual([]);
  });

  it.each(['price-as-text.yaml', 'bad-hours.yaml', 'missing-questions.yaml', 'bad-id.yaml', 'unknown-handler.yaml', 'not-a-list.yaml'])(
    'rejects the broken knowledge fixture %s',
    (file) => {
      expect(knowledge(load(join('test', 'fixtures', 'broken', file)))).toBe(false);
    },
  );

  it.each(['unknown-type.yaml', 'misspelled-field.yaml'])('rejects the broken flow fixture %s', (file) => {
    expect(flows(load(join('test', 'fixtures', 'flows-broken', file)))).toBe(false);
  });
});
