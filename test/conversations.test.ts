import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadKnowledge } from '../src/knowledge/loader';
import { formatFailure, runConversationFile } from '../src/testing/conversation-tests';

const kb = loadKnowledge(join(__dirname, '..', 'knowledge'));
const dir = join(__dirname, 'conversations');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

describe('golden conversations against the sample shop', () => {
  it.each(files)('%s', async (file) => {
    const report = await runConversationFile(join(dir, file), kb, `test/conversations/${file}`);
    expect(report.turns).toBeGreaterThan(0);
    expect(report.failures.map(formatFailure)).toEqual([]);
  });
});
