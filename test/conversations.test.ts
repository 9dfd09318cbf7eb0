import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { orderService } from '../src/demo/order-service';
import { loadFlows } from '../src/flows/loader';
import { loadKnowledge } from '../src/knowledge/loader';
import type { HttpServer } from '../src/server/http-server';
import { formatFailure, runConversationFile } from '../src/testing/conversation-tests';

const kb = loadKnowledge(join(__dirname, '..', 'knowledge'));
const flows = loadFlows(join(__dirname, '..', 'flows'), kb);
const dir = join(__dirname, 'conversations');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

describe('golden conversations against the sample shop and its flows', () => {
  // The order-status flow calls the demo order service, started here on 127.0.0.1.
  let orders: HttpServer;
  let env: Record<string, string | undefined>;
  beforeAll(async () => {
    orders = orderService();
    const port = await orders.listen(0, '127.0.0.1');
    env = { ORDER_SERVICE_URL: `http://127.0.0.1:${port}` };
  });
  afterAll(() => orders.close());

  it.each(files)('%s', async (file) => {
    const report = await runConversationFile(join(dir, file), kb, `test/conversations/${file}`, { flows, env });
    expect(report.turns).toBeGreaterThan(0);
    expect(report.failures.map(formatFailure)).toEqual([]);
  });
});

describe('a conversation test file with mistakes', () => {
  it('names the file and line of a reply pattern that is not a regular expression, without running it', async () => {
    const report = await runConversationFile(join(__dirname, 'fixtures', 'editor', 'bad-pattern-test.yaml'), kb, 'bad-pattern-test.yaml', { flows });
    expect(report.turns).toBe(0);
    expect(report.failures.map(formatFailure)).toEqual([
      [
        'bad-pattern-test.yaml:6: [-] ""',
        '  invalid test file at conversations.0.turns.0.expect.replyMatches: "(?i)tutup|buka" is not a valid regular expression (JavaScript syntax, matched ignoring case; no inline flags such as (?i))',
        '  top candidates: none',
      ].join('\n'),
    ]);
  });
});
