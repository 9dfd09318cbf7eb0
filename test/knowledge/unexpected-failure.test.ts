import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkFlows } from '../../src/flows/loader';
import { formatProblem } from '../../src/knowledge/errors';
import { checkKnowledge } from '../../src/knowledge/loader';

// A check that fails in a way nobody foresaw (here: the value walk throws) must still give the
// editor file:line:col for each file, and keep checking the other files.
jest.mock('../../src/knowledge/yaml-hazards', () => {
  const actual = jest.requireActual<typeof import('../../src/knowledge/yaml-hazards')>('../../src/knowledge/yaml-hazards');
  return {
    ...actual,
    valueHazards: (data: unknown, budget: number) => {
      if (JSON.stringify(data).includes('explode')) throw new RangeError('Maximum call stack size exceeded');
      if (JSON.stringify(data).includes('crash')) throw new TypeError("Cannot read properties of undefined (reading 'x')");
      return actual.valueHazards(data, budget);
    },
  };
});

describe('a check that fails unexpectedly', () => {
  it('becomes a problem at file:1:1 for that file only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tanya-unexpected-'));
    writeFileSync(join(dir, 'a.yaml'), 'faq: [explode]\n');
    writeFileSync(join(dir, 'b.yaml'), 'faq: [crash]\n');
    writeFileSync(join(dir, 'c.yaml'), 'faq: [1]\n');
    expect(checkKnowledge([dir], dir).problems.map(formatProblem)).toEqual([
      'a.yaml:1:1: tanya could not check this file (it is too large or too deeply nested); make it simpler or smaller, and if it looks fine tell whoever looks after Tanya',
      "b.yaml:1:1: tanya could not check this file (internal error: Cannot read properties of undefined (reading 'x')); make it simpler or smaller, and if it looks fine tell whoever looks after Tanya",
      'c.yaml:1:7: faq[0] should be a mapping (key: value lines); it is number 1',
    ]);
  });

  it('does the same for flow files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tanya-unexpected-'));
    writeFileSync(join(dir, 'f.yaml'), 'flows: [explode]\n');
    expect(checkFlows(dir, undefined, dir).problems.map(formatProblem)).toEqual([
      'f.yaml:1:1: tanya could not check this file (it is too large or too deeply nested); make it simpler or smaller, and if it looks fine tell whoever looks after Tanya',
    ]);
  });
});
