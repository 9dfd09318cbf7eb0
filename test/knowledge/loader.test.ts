import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatProblem, KnowledgeError } from '../../src/knowledge/errors';
import { knowledgeJsonSchema } from '../../src/knowledge/json-schema';
import { checkKnowledge, loadKnowledge } from '../../src/knowledge/loader';

const broken = (name: string): string => join('test', 'fixtures', 'broken', name);
const messages = (name: string): string[] => checkKnowledge([broken(name)]).problems.map(formatProblem);

describe('knowledge base validation', () => {
  it('loads the sample shop', () => {
    const kb = loadKnowledge('knowledge');
    expect(kb.products.length).toBeGreaterThanOrEqual(25);
    expect(kb.entries.filter((e) => !e.handler).length).toBeGreaterThanOrEqual(40);
    expect(kb.stores.map((s) => s.city)).toEqual(['Jakarta', 'Bandung', 'Surabaya']);
    for (const entry of kb.entries) {
      expect(entry.questions.id.length).toBeGreaterThanOrEqual(5);
      expect(entry.questions.en.length).toBeGreaterThanOrEqual(2);
    }
    expect(kb.sources.get('return-policy')).toEqual({ file: 'knowledge/policies.yaml', line: 6 });
  });

  it.each([
    [
      'syntax-error.yaml',
      'test/fixtures/broken/syntax-error.yaml:5:5: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]; check the indentation and quotes on this line',
    ],
    [
      'price-as-text.yaml',
      'test/fixtures/broken/price-as-text.yaml:9:16: products[0].variants[0].price should be a number; write the price as a whole number of Rupiah, e.g. 12999000',
    ],
    [
      'missing-answer.yaml',
      'test/fixtures/broken/missing-answer.yaml:2:5: faq[0].answer: the entry has no answer; add "answer: { id: …, en: … }" or a catalog "handler"',
    ],
    [
      'duplicate-id.yaml',
      'test/fixtures/broken/duplicate-id.yaml:6:9: entry id "cod" is already used at test/fixtures/broken/duplicate-id.yaml:2; give each entry its own id',
    ],
    ['unknown-store.yaml', 'test/fixtures/broken/unknown-store.yaml:19:26: stock names store "mdn", which is not defined; use one of jkt'],
    ['bad-hours.yaml', 'test/fixtures/broken/bad-hours.yaml:7:19: stores[0].hours.mon: write "09:00-21:00" or "closed"'],
    ['missing-questions.yaml', 'test/fixtures/broken/missing-questions.yaml:2:5: faq[0] is missing "questions"; add it'],
    ['bad-id.yaml', 'test/fixtures/broken/bad-id.yaml:2:9: faq[0].id: use lower-case letters, digits, "-", "_", "/" or "." (e.g. "return-policy")'],
    ['unknown-suggestion.yaml', 'test/fixtures/broken/unknown-suggestion.yaml:5:15: suggest names entry "cicilan", which is not defined; check the id'],
    [
      'unknown-handler.yaml',
      'test/fixtures/broken/unknown-handler.yaml:4:14: faq[0].handler has an unknown value; use one of "product-price", "product-stock", "product-info", "store-hours", "store-location"',
    ],
    ['thresholds.yaml', 'test/fixtures/broken/thresholds.yaml:3:21: clarifyThreshold (0.5) is above answerThreshold (0.3); make it lower'],
    ['not-a-list.yaml', 'test/fixtures/broken/not-a-list.yaml:2:3: faq should be a list (lines starting with "- "); it is a mapping'],
  ])('%s → exact message', (file, expected) => {
    expect(messages(file)).toEqual([expected]);
  });

  it('suggests the field an editor probably meant', () => {
    expect(messages('misspelled-field.yaml')).toEqual([
      'test/fixtures/broken/misspelled-field.yaml:2:5: faq[0] is missing "questions"; add it',
      'test/fixtures/broken/misspelled-field.yaml:3:5: unknown field "questons" in faq[0]; did you mean "questions"?',
    ]);
  });

  it('never loads half a knowledge base: one broken file fails the whole folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tanya-kb-'));
    copyFileSync(join('knowledge', 'faq.yaml'), join(dir, 'faq.yaml'));
    copyFileSync(broken('price-as-text.yaml'), join(dir, 'zz-products.yaml'));
    const result = checkKnowledge([dir]);
    expect(result.kb).toBeUndefined();
    expect(result.problems).toHaveLength(1);
    expect(() => loadKnowledge(dir)).toThrow(KnowledgeError);
    expect(() => loadKnowledge(dir)).toThrow(/zz-products\.yaml:9:16/);
  });

  it('reports a missing folder instead of crashing', () => {
    expect(checkKnowledge(['no/such/folder']).problems.map(formatProblem)).toEqual(['no/such/folder:1:1: no such file or folder; check the path']);
  });

  it('treats an empty file as an empty knowledge base', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tanya-kb-'));
    writeFileSync(join(dir, 'empty.yaml'), '');
    const kb = loadKnowledge(dir);
    expect(kb.entries).toEqual([]);
    expect(kb.settings.answerThreshold).toBe(0.2);
  });
});

describe('JSON Schema for editors', () => {
  it('schema/knowledge.schema.json is generated from the loader definitions (run `node bin/tanya.js schema > schema/knowledge.schema.json`)', () => {
    const committed: unknown = JSON.parse(readFileSync(join('schema', 'knowledge.schema.json'), 'utf8'));
    expect(committed).toEqual(knowledgeJsonSchema());
  });
});
