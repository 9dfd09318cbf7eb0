import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatProblem } from '../../src/knowledge/errors';
import { checkKnowledge } from '../../src/knowledge/loader';

/**
 * Files with tens of thousands of aliases: the alias to blame is found without comparing every
 * alias with every other (that took minutes on 200,000 aliases and froze live reload), and the
 * message still points at file:line:col of that alias.
 */

function kbMessages(files: Record<string, string>): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'tanya-aliases-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return checkKnowledge([dir], dir).problems.map(formatProblem);
}

const BOMB = 'repeat parts of the file so often that it would grow far beyond its size (an "alias bomb"); write the values out instead of using aliases';
const fifty = `[${Array(50).fill('x').join(',')}]`;
const aliases = (name: string, n: number): string => `[${Array(n).fill(`*${name}`).join(',')}]`;

describe('alias-heavy files', () => {
  it('blames the first alias of a bomb made of 60,000 aliases to one anchor', () => {
    expect(kbMessages({ 'faq.yaml': `a: &a ${fifty}\nb: ${aliases('a', 60_000)}\n` })).toEqual([`faq.yaml:2:5: the aliases here (*a) ${BOMB}`]);
  });

  it('blames the alias whose anchor holds more aliases, after harmless ones', () => {
    const text = ['x: &x 1', 'y: *x', `a: &a ${fifty}`, `b: &b ${aliases('a', 10)}`, `c: ${aliases('b', 20_000)}`, `d: ${aliases('a', 20_000)}`].join('\n');
    expect(kbMessages({ 'faq.yaml': `${text}\n` })).toEqual([`faq.yaml:5:5: the aliases here (*b) ${BOMB}`]);
  });

  it('uses the anchor defined at that point when a name is anchored again', () => {
    // The first &a holds no alias, the second one does: only the *a after it multiplies.
    const text = ['x: &x 1', `a: &a ${fifty}`, `b: ${aliases('a', 20)}`, `a2: &a ${aliases('x', 50)}`, `c: ${aliases('a', 20_000)}`].join('\n');
    expect(kbMessages({ 'faq.yaml': `${text}\n` })).toEqual([`faq.yaml:5:5: the aliases here (*a) ${BOMB}`]);
  });

  it('names the alias used inside its own anchor among thousands of others', () => {
    const text = `c: &c [x, *c]\na: &a ${fifty}\nb: ${aliases('a', 20_000)}\n`;
    expect(kbMessages({ 'faq.yaml': text })).toEqual([
      'faq.yaml:1:11: *c is used inside &c itself, so the value would repeat forever; write the values out instead of using an alias',
    ]);
  });
});

describe('mappings with many keys', () => {
  it('finds a key written twice among 40,000 (the parser alone compares every pair)', () => {
    const keys = Array.from({ length: 40_000 }, (_, i) => `k${i}: [x]`);
    keys.push('k123: [y]');
    expect(kbMessages({ 'big.yaml': `${keys.join('\n')}\n` })).toEqual([
      'big.yaml:40001:1: YAML syntax error: Map keys must be unique; check the indentation and quotes on this line',
    ]);
  });

  it('finds keys written twice in flow mappings, and tells 1 from "1"', () => {
    expect(kbMessages({ 'x.yaml': 'a: {1: x, "1": y, b: 1, b: 2}\n' })).toEqual([
      'x.yaml:1:25: YAML syntax error: Map keys must be unique; check the indentation and quotes on this line',
    ]);
  });

  it('refuses an alias without an anchor, after 50,000 that have one, at its place', () => {
    const text = `a: &a [x]\nb: ${aliases('a', 50_000)}\nc: *zzz\n`;
    expect(kbMessages({ 'faq.yaml': text })).toEqual([
      'faq.yaml:3:4: YAML syntax error: *zzz is used before any &zzz defines it; check the indentation and quotes on this line',
    ]);
  });
});
