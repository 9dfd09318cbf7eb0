import { parse } from 'yaml';
import { relaxQuotedIndentation } from '../../src/importers/yaml-relax';

describe('quoted texts indented as PyYAML allows', () => {
  it('moves continuation lines under their key, and only those', () => {
    const text = ['a:', '  - text: "one', '  two"', "  - text: 'it''s", "  fine'", 'b: "closed"', 'c: x'].join('\n');
    expect(() => parse(text) as unknown).toThrow();
    const relaxed = relaxQuotedIndentation(text);
    expect(relaxed.moved).toEqual([3, 5]);
    expect(parse(relaxed.text)).toEqual({ a: [{ text: 'one two' }, { text: "it's fine" }], b: 'closed', c: 'x' });
  });

  it('leaves a file without such lines as it is, escaped quotes included', () => {
    const text = 'a: "say \\"hi\\" twice"\nb:\n  - "x"\n';
    expect(relaxQuotedIndentation(text)).toEqual({ text, moved: [] });
  });
});
