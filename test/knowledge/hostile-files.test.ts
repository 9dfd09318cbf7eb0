import { mkdtempSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { checkFlows } from '../../src/flows/loader';
import { formatProblem, type KbProblem } from '../../src/knowledge/errors';
import { checkKnowledge, loadKnowledge } from '../../src/knowledge/loader';
import { DEFAULT_SOURCE_LIMITS } from '../../src/knowledge/source-files';

/**
 * Files an attacker (or an unlucky editor) could put in knowledge/ or flows/: every one is
 * refused quickly with file:line:col and a plain fix, never a crash or a silently wrong answer.
 */

const MB = 1024 * 1024;
const ENTRY = (answer: string): string => `faq:\n  - id: a\n    questions: { id: [x], en: [y] }\n    answer: { id: ${answer}, en: b }\n`;
const FLOW = (say: string): string => `flows:\n  - id: f\n    trigger: { commands: [/f] }\n    steps:\n      - say: { id: ${say}, en: b }\n`;

/** A fresh folder holding the given files (text, or raw bytes). */
function folder(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tanya-hostile-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

/** Problems as editors see them, with the temporary folder shown as "kb". */
function kbMessages(dir: string, limits = DEFAULT_SOURCE_LIMITS): string[] {
  return checkKnowledge([dir], dir, limits).problems.map((p) => formatProblem({ ...p, file: p.file === dir ? 'kb' : `kb/${p.file}` }));
}

function flowMessages(dir: string, limits = DEFAULT_SOURCE_LIMITS): string[] {
  return checkFlows(dir, undefined, dir, limits).problems.map((p) => formatProblem({ ...p, file: `flows/${p.file}` }));
}

describe('hostile knowledge and flow files', () => {
  describe('1. huge lists never overflow the stack', () => {
    it('reports 150,000 broken list items as 50 problems and a count, without "Maximum call stack size exceeded"', () => {
      const dir = folder({ 'faq.yaml': `faq:\n${'  - 1\n'.repeat(150_000)}` });
      const problems = kbMessages(dir);
      expect(problems).toHaveLength(51);
      expect(problems[0]).toBe('kb/faq.yaml:2:5: faq[0] should be a mapping (key: value lines); it is number 1');
      expect(problems[50]).toBe('kb/faq.yaml:52:5: and 149950 more problems in this file from here on; fix the ones above and run the check again');
    });

    it('loads a valid file with 150,000 keywords', () => {
      const dir = folder({
        'faq.yaml': `faq:\n  - id: a\n    questions: { id: [x], en: [y] }\n    answer: { id: a, en: b }\n    keywords:\n${'      - k\n'.repeat(150_000)}`,
      });
      expect(loadKnowledge(dir).entries[0].keywords).toHaveLength(150_000);
    });

    it('does the same for flows, and caps the step-graph problems of one file', () => {
      expect(flowMessages(folder({ 'big.yaml': `flows:\n${'  - 1\n'.repeat(150_000)}` }))).toHaveLength(51);
      const unreachable = `flows:\n  - id: f\n    trigger: { commands: [/f] }\n    steps:\n      - action: end\n${'      - say: { id: a, en: b }\n'.repeat(20_000)}`;
      const problems = flowMessages(folder({ 'steps.yaml': unreachable }));
      expect(problems).toHaveLength(51);
      expect(problems[0]).toBe('flows/steps.yaml:6:9: step #2 of flow "f" can never be reached; remove it, or point a "next", "then" or "else" at it');
      expect(problems[50]).toBe('flows/steps.yaml:56:9: and 19950 more problems in this file from here on; fix the ones above and run the check again');
    });
  });

  describe('2. size limits, checked before reading', () => {
    it('has documented defaults', () => {
      expect(DEFAULT_SOURCE_LIMITS).toEqual({ maxFileBytes: 2 * MB, maxTotalBytes: 10 * MB, maxFiles: 500 });
    });

    it('refuses a file over 2 MB by its size alone (a 50 MB file is never read)', () => {
      const dir = folder({ 'ok.yaml': ENTRY('a') });
      writeFileSync(join(dir, 'huge.yaml'), '');
      truncateSync(join(dir, 'huge.yaml'), 50 * MB); // sparse: zero bytes that would be an error if read
      const started = Date.now();
      expect(kbMessages(dir)).toEqual([
        'kb/huge.yaml:1:1: file is 50 MB, over the limit of 2 MB per knowledge file; split it into smaller files in the same folder (e.g. faq-1.yaml and faq-2.yaml, each starting with "faq:"); tanya joins the lists of all files',
      ]);
      expect(Date.now() - started).toBeLessThan(1000);
    });

    it('refuses a folder whose files add up to more than the total limit, naming the folder', () => {
      const dir = folder({ 'a.yaml': `# ${'x'.repeat(800)}\n`, 'b.yaml': `# ${'x'.repeat(800)}\n` });
      expect(kbMessages(dir, { maxFileBytes: 1000, maxTotalBytes: 1500, maxFiles: 10 })).toEqual([
        'kb:1:1: the knowledge files add up to 1.6 KB, over the limit of 1.5 KB for all files together; remove files that are not needed (old copies, exports) or shorten long texts',
      ]);
    });

    it('refuses too many files', () => {
      const dir = folder({ 'a.yaml': '', 'b.yaml': '', 'c.yml': '', 'd.yaml': '' });
      expect(kbMessages(dir, { ...DEFAULT_SOURCE_LIMITS, maxFiles: 3 })).toEqual([
        'kb:1:1: there are 4 knowledge files to read; tanya reads at most 3 in one check; join small files together (the lists of all files are merged anyway)',
      ]);
    });

    it('applies the same limits to flows, with the flow-file advice', () => {
      const dir = folder({ 'big.yaml': `# ${'x'.repeat(2000)}\n` });
      expect(flowMessages(dir, { ...DEFAULT_SOURCE_LIMITS, maxFileBytes: 1024 })).toEqual([
        'flows/big.yaml:1:1: file is 2 KB, over the limit of 1 KB per flow file; split it into smaller files in the same folder, each starting with "flows:"; tanya reads every file of the folder',
      ]);
    });
  });

  describe('3. alias bombs and self-referencing aliases', () => {
    const bomb = [
      'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`),
    ].join('\n');

    it('refuses a "billion laughs" file at the alias, in plain words', () => {
      expect(kbMessages(folder({ 'faq.yaml': bomb }))).toEqual([
        'kb/faq.yaml:3:8: the aliases here (*b) repeat parts of the file so often that it would grow far beyond its size (an "alias bomb"); write the values out instead of using aliases',
      ]);
    });

    it('refuses a bomb hidden in valid fields (thousands of products from a few lines)', () => {
      const variants = `v: &v [${Array(200).fill('{ id: x, name: x, price: 1 }').join(', ')}]`;
      const products = `products: [${Array(200).fill('{ id: p, name: p, variants: *v }').join(', ')}]`;
      expect(kbMessages(folder({ 'p.yaml': `${variants}\n${products}\n` }))).toEqual([
        'kb/p.yaml:2:40: the aliases here (*v) repeat parts of the file so often that it would grow far beyond its size (an "alias bomb"); write the values out instead of using aliases',
      ]);
    });

    it('refuses an alias inside its own anchor', () => {
      expect(kbMessages(folder({ 'faq.yaml': 'faq: &loop\n  - *loop\n' }))).toEqual([
        'kb/faq.yaml:2:5: *loop is used inside &loop itself, so the value would repeat forever; write the values out instead of using an alias',
      ]);
    });

    it('still accepts a few ordinary aliases', () => {
      const text = `faq:\n  - id: a\n    questions: &q { id: [x], en: [y] }\n    answer: &ans { id: a, en: b }\n  - id: b\n    questions: *q\n    answer: *ans\n`;
      expect(loadKnowledge(folder({ 'faq.yaml': text })).entries.map((e) => e.answer?.en)).toEqual(['b', 'b']);
    });

    it('refuses bombs in flow files too', () => {
      expect(flowMessages(folder({ 'f.yaml': bomb }))[0]).toMatch(/^flows\/f\.yaml:3:8: the aliases here \(\*b\)/);
    });
  });

  describe('4. tags other than the YAML core ones', () => {
    it('names the tag and where it is', () => {
      const text =
        'faq:\n  - id: a\n    questions: { id: [x], en: [y] }\n    answer:\n      id: !!js/function "function () { return 1 }"\n      en: !foo hello\n';
      expect(kbMessages(folder({ 'faq.yaml': text }))).toEqual([
        'kb/faq.yaml:5:11: unknown tag !!js/function; remove it (tags starting with "!" are not used in Tanya files: write the value as plain text)',
        'kb/faq.yaml:6:11: unknown tag !foo; remove it (tags starting with "!" are not used in Tanya files: write the value as plain text)',
      ]);
    });

    it('refuses YAML 1.1 types and tags on mappings too', () => {
      const text = 'faq: !!set\n  ? a\nproducts: !!binary aGk=\nstores: !shop\n  - 1\n';
      expect(kbMessages(folder({ 'x.yaml': text })).map((m) => m.split(';')[0])).toEqual([
        'kb/x.yaml:1:6: unknown tag !!set',
        'kb/x.yaml:3:11: unknown tag !!binary',
        'kb/x.yaml:4:9: unknown tag !shop',
      ]);
    });

    it('accepts the core tags (!!str and friends)', () => {
      expect(loadKnowledge(folder({ 'faq.yaml': ENTRY('!!str 123') })).entries[0].answer?.id).toBe('123');
    });

    it('refuses tags in flow files', () => {
      expect(flowMessages(folder({ 'f.yaml': FLOW('!!python/object x') }))).toEqual([
        'flows/f.yaml:5:20: unknown tag !!python/object; remove it (tags starting with "!" are not used in Tanya files: write the value as plain text)',
      ]);
    });
  });

  describe('5. text encodings', () => {
    it('refuses Latin-1 / Windows-1252 at the first bad character', () => {
      const latin1 = Buffer.from(ENTRY('"Kopi café"').replace('é', '\u0000'), 'latin1');
      latin1[latin1.indexOf(0)] = 0xe9;
      const cp1252 = Buffer.concat([
        Buffer.from('# ok\nfaq:\n  - id: a\n    questions: { id: [x], en: [y] }\n    answer: { id: '),
        Buffer.from([0x93]),
        Buffer.from('halo", en: b }\n'),
      ]);
      expect(kbMessages(folder({ 'latin.yaml': latin1, 'smart.yaml': cp1252 }))).toEqual([
        'kb/latin.yaml:4:28: file is not UTF-8: the character here ("é" if the file was saved as Windows-1252 or Latin-1) is not UTF-8; save the file as UTF-8 and check the accented letters',
        'kb/smart.yaml:5:19: file is not UTF-8: the character here ("“" if the file was saved as Windows-1252 or Latin-1) is not UTF-8; save the file as UTF-8 and check the accented letters',
      ]);
    });

    it('accepts UTF-8 with a byte-order mark and drops the mark', () => {
      const dir = folder({ 'faq.yaml': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(ENTRY('"Kopi café ☕"'))]) });
      const kb = loadKnowledge(dir);
      expect(kb.entries[0].answer?.id).toBe('Kopi café ☕');
      expect(kb.sources.get('a')?.line).toBe(2);
    });

    it.each([
      ['UTF-16 LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(ENTRY('a'), 'utf16le')])],
      ['UTF-16 BE with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(ENTRY('a'), 'utf16le').swap16()])],
      ['UTF-16 LE without BOM', Buffer.from(ENTRY('a'), 'utf16le')],
      ['UTF-16 BE without BOM', Buffer.from(ENTRY('a'), 'utf16le').swap16()],
    ])('says "%s" is UTF-16', (_, bytes) => {
      expect(kbMessages(folder({ 'faq.yaml': bytes }))).toEqual([
        'kb/faq.yaml:1:1: file is UTF-16; save it as UTF-8 (in the editor\'s "Save as", choose the encoding UTF-8)',
      ]);
    });

    it('checks flow files the same way', () => {
      expect(flowMessages(folder({ 'f.yaml': Buffer.from(FLOW('a'), 'utf16le') }))).toEqual([
        'flows/f.yaml:1:1: file is UTF-16; save it as UTF-8 (in the editor\'s "Save as", choose the encoding UTF-8)',
      ]);
    });
  });

  describe('6. NUL characters and lone surrogates', () => {
    it('refuses a raw NUL byte (or another control character) where it is', () => {
      expect(kbMessages(folder({ 'nul.yaml': ENTRY('"a\0b"'), 'bell.yaml': `# \u0007\n${ENTRY('a')}` }))).toEqual([
        'kb/bell.yaml:1:3: the file contains an invisible control character (U+0007) here; delete it (it often comes from copying text out of another program)',
        'kb/nul.yaml:4:21: the file contains a NUL character (an invisible zero byte) here; delete it (it often comes from copying text out of another program)',
      ]);
    });

    it.each(['"a\\0b"', '"a\\x00b"', '"a\\u0000b"'])('refuses the escape %s at its value', (escaped) => {
      expect(kbMessages(folder({ 'faq.yaml': ENTRY(escaped) }))).toEqual([
        'kb/faq.yaml:4:19: faq[0].answer.id contains a NUL character (written "\\0", "\\x00" or "\\u0000"); remove it',
      ]);
    });

    it('refuses half of a surrogate pair, in values and field names, but accepts a whole pair', () => {
      expect(kbMessages(folder({ 'faq.yaml': `${ENTRY('"smile \\ud83d"')}settings: { "\\udc00": 1 }\n` }))).toEqual([
        'kb/faq.yaml:4:19: faq[0].answer.id contains half of a character pair (an escape such as "\\ud800" without its partner), which cannot be shown; write the character itself (e.g. 😀) instead of its \\u code',
        'kb/faq.yaml:5:13: a field name in settings contains half of a character pair (an escape such as "\\ud800" without its partner), which cannot be shown; write the character itself (e.g. 😀) instead of its \\u code',
      ]);
      expect(loadKnowledge(folder({ 'faq.yaml': ENTRY('"smile \\ud83d\\ude00"') })).entries[0].answer?.id).toBe('smile 😀');
    });

    it('refuses them in flow files too', () => {
      expect(flowMessages(folder({ 'f.yaml': FLOW('"\\ud800"') }))).toEqual([
        'flows/f.yaml:5:20: flows[0].steps[0].say.id contains half of a character pair (an escape such as "\\ud800" without its partner), which cannot be shown; write the character itself (e.g. 😀) instead of its \\u code',
      ]);
    });
  });

  describe('7. links and odd files', () => {
    it('names a symbolic link loop inside a folder', () => {
      const dir = folder({ 'ok.yaml': ENTRY('a') });
      symlinkSync('loop-b.yaml', join(dir, 'loop-a.yaml'));
      symlinkSync('loop-a.yaml', join(dir, 'loop-b.yaml'));
      expect(kbMessages(dir)).toEqual([
        'kb/loop-a.yaml:1:1: symbolic link loop at loop-a.yaml: the link points (through other links) back to itself; point it at a real file or folder, or delete it',
        'kb/loop-b.yaml:1:1: symbolic link loop at loop-b.yaml: the link points (through other links) back to itself; point it at a real file or folder, or delete it',
      ]);
    });

    it('names a folder that is a link loop, and a link to nothing', () => {
      const dir = folder({});
      symlinkSync('self', join(dir, 'self'));
      symlinkSync('missing.yaml', join(dir, 'dangling.yaml'));
      const loop = join(dir, 'self');
      expect(checkKnowledge([loop]).problems.map(formatProblem)).toEqual([
        `${loop}:1:1: symbolic link loop at ${loop}: the link points (through other links) back to itself; point it at a real file or folder, or delete it`,
      ]);
      expect(kbMessages(dir)).toEqual(['kb/dangling.yaml:1:1: dangling.yaml is a symbolic link to something that does not exist; fix the link or delete it']);
      // A missing flows folder means "no flows", but a looping one is an error.
      expect(checkFlows(loop).problems).toHaveLength(1);
      expect(checkFlows(join(dir, 'no-flows')).problems).toEqual([]);
    });

    it('refuses a device or pipe named like a YAML file instead of reading it forever', () => {
      const dir = folder({});
      symlinkSync('/dev/zero', join(dir, 'zero.yaml'));
      expect(kbMessages(dir)).toEqual(['kb/zero.yaml:1:1: this is not an ordinary file (it may be a device or a pipe); keep only YAML text files here']);
    });
  });

  describe('8. every problem has file:line:col', () => {
    it('covers deep nesting, multiple documents and everything above', () => {
      const cases: Record<string, string | Uint8Array> = {
        'deep-flow.yaml': `faq: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`,
        'deep-block.yaml': `faq:\n${Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i)}- `).join('\n')}x\n`,
        'two-docs.yaml': `${ENTRY('a')}---\nfaq: []\n`,
        'not-a-map.yaml': '- just a list\n',
        'scalar.yaml': 'hello\n',
        'tag.yaml': '!foo\n',
        'cycle.yaml': 'a: &a [*a]\n',
        'latin.yaml': Buffer.from([0x61, 0x3a, 0x20, 0xe9, 0x0a]),
        'nul.yaml': 'a: "\\0"\n',
      };
      const dir = folder(cases);
      const problems: KbProblem[] = [];
      for (const name of Object.keys(cases)) problems.push(...checkKnowledge([join(dir, name)], dir).problems);
      expect(new Set(problems.map((p) => p.file))).toEqual(new Set(Object.keys(cases)));
      for (const p of problems) {
        expect(p.line).toBeGreaterThanOrEqual(1);
        expect(p.column).toBeGreaterThanOrEqual(1);
        expect(p.message).not.toMatch(/Maximum call stack|resource exhaustion|Error:/);
      }
      expect(problems.map(formatProblem)).toEqual([
        'deep-flow.yaml:1:105: lists or mappings are nested too deeply here; a Tanya file needs only a few levels (look for a long run of "[", "{" or "- ")',
        'deep-block.yaml:101:100: lists or mappings are nested too deeply here; a Tanya file needs only a few levels (look for a long run of "[", "{" or "- ")',
        'two-docs.yaml:5:1: a second document starts here (after a "---" line); a Tanya file holds one: remove the "---" line or move what follows into its own file',
        'not-a-map.yaml:1:1: a knowledge file must be a mapping with keys such as "faq:" or "products:"',
        'scalar.yaml:1:1: a knowledge file must be a mapping with keys such as "faq:" or "products:"',
        'tag.yaml:1:1: unknown tag !foo; remove it (tags starting with "!" are not used in Tanya files: write the value as plain text)',
        'cycle.yaml:1:8: *a is used inside &a itself, so the value would repeat forever; write the values out instead of using an alias',
        'latin.yaml:1:4: file is not UTF-8: the character here ("é" if the file was saved as Windows-1252 or Latin-1) is not UTF-8; save the file as UTF-8 and check the accented letters',
        'nul.yaml:1:4: a contains a NUL character (written "\\0", "\\x00" or "\\u0000"); remove it',
      ]);
    });

    it('reports deep nesting once even when another error comes first', () => {
      const dir = folder({ 'deep.yaml': `a: 1\na: 2\nb: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n` });
      expect(checkKnowledge([dir], dir).problems.map(formatProblem)).toEqual([
        'deep.yaml:2:1: YAML syntax error: Map keys must be unique; check the indentation and quotes on this line',
        // At the 100th "[" (the file's top-level mapping is the first level).
        'deep.yaml:3:103: lists or mappings are nested too deeply here; a Tanya file needs only a few levels (look for a long run of "[", "{" or "- ")',
      ]);
    });

    it('shows file paths relative to the working folder', () => {
      const dir = folder({ 'bad.yaml': '!foo\n' });
      const [problem] = checkKnowledge([dir]).problems;
      expect(problem.file).toBe(relative(process.cwd(), join(dir, 'bad.yaml')));
    });
  });
});
