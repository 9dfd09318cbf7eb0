import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatProblem } from '../../src/knowledge/errors';
import { loadKnowledge } from '../../src/knowledge/loader';
import { qualityWarnings } from '../../src/knowledge/quality';

describe('conflict and quality checks (tanya check)', () => {
  const warnings = qualityWarnings(loadKnowledge('test/fixtures/quality')).map(formatProblem);
  const f = 'test/fixtures/quality/kb.yaml';

  it.each([
    [
      'the same example under two entries (an error, naming both places)',
      `${f}:20:11: "bisa cod ga kak" (entry "transfer") is also an example of entry "cod" at ${f}:12:11; the bot cannot know which one it asks for: keep it under one entry, or reword one of them`,
    ],
    [
      'a near-identical example',
      `${f}:21:11: warning: "bisa cod gak kak" is nearly the same as "bisa cod ga kak" in entry "cod"; the bot cannot tell the two entries apart on it`,
    ],
    [
      'a missing answer language',
      `${f}:23:5: warning: entry "transfer" has no English answer ("en:") although the knowledge base answers in English; English customers get the Indonesian one`,
    ],
    ['too few examples', `${f}:24:1: warning: entry "jam" has only 2 example questions; write at least 3 (5–10 is better) the way customers ask`],
    [
      'unused slang',
      `${f}:4:5: warning: slang "gpp: tidak apa apa" is unused: no example question contains "tidak apa apa"; remove it or add examples that use the word`,
    ],
    [
      'unused synonyms',
      `${f}:6:5: warning: synonyms for "ongkir" are unused: no example question contains "ongkir"; remove them or add examples that use the word`,
    ],
  ])('%s', (_name, expected) => {
    expect(warnings).toContain(expected);
  });

  it('an example the matcher sends elsewhere when held out (the score moves with the matcher)', () => {
    const pattern =
      /^test\/fixtures\/quality\/kb\.yaml:21:11: warning: "bisa cod gak kak" \(entry "transfer"\) is answered by entry "cod" \((0\.\d\d|1\.00)\) when held out; add examples that set the two apart$/;
    expect(warnings).toEqual(expect.arrayContaining([expect.stringMatching(pattern)]));
  });

  it('says nothing about a clean entry', () => {
    expect(
      warnings.filter(
        (w) => w.includes('entry "cod"') && !w.includes('example of entry') && !w.includes('in entry "cod"') && !w.includes('answered by entry "cod"'),
      ),
    ).toEqual([]);
  });
});

describe('where a repeated example is', () => {
  it('points at the line that is the example, not at a longer example above it that contains it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tanya-quality-'));
    writeFileSync(
      join(dir, 'faq.yaml'),
      [
        'faq:',
        '  - id: jam',
        '    questions:',
        '      id:',
        '        - jam buka toko hari minggu?',
        '        - jam buka',
        '        - toko buka jam berapa',
        '    answer: { id: Setiap hari 08.00–21.00. }',
        '  - id: libur',
        '    questions:',
        '      id:',
        '        - libur lebaran buka?',
        '        - "jam buka"',
        '        - tanggal merah buka?',
        '    answer: { id: Tutup saat Lebaran. }',
        '',
      ].join('\n'),
    );
    expect(qualityWarnings(loadKnowledge(dir)).map(formatProblem)).toEqual(
      expect.arrayContaining([expect.stringMatching(/faq\.yaml:13:12: "jam buka" \(entry "libur"\) is also an example of entry "jam" at \S*faq\.yaml:6:11; /)]),
    );
  });
});
