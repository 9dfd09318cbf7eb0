import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runLoad } from '../../bench/load-harness';

jest.setTimeout(180_000);

/**
 * The real bot in its own process behind the signed WhatsApp webhook, killed with SIGKILL in the
 * middle of a load and started again on the same SQLite file (bin/tanya.js: `npm test` builds it first).
 */
describe('a crash under load (kill -9, restart on the same database)', () => {
  it.each([40, 170])('loses no acknowledged message when killed after %i acknowledgements', async (killAfterAcks) => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'tanya-crash-')), 'tanya.db');
    const result = await runLoad({
      conversations: 60,
      messagesPerConversation: 4,
      killAfterAcks,
      dbPath,
      root: resolve(__dirname, '../..'),
      replyTimeoutMs: 20_000,
    });
    expect(result.killed).toBe(true);
    expect(result.acknowledged).toBe(result.sent);
    expect(result.lost).toBe(0);
    // Replies that were on the wire at the kill are sent again only if Meta's status webhook never
    // confirmed them (the stand-in confirms each, as Meta does).
    expect(result.duplicates).toBe(0);
  });
});
