/**
 * Moving a shop from SQLite to PostgreSQL (`tanya db copy`), `tanya db migrate`, and what a wrong
 * DATABASE_URL gets: real SQLite files, a throw-away PostgreSQL cluster, the real CLI.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentDesk } from '../../src/engine/agent-desk';
import { Engine } from '../../src/engine/engine';
import { loadFlows } from '../../src/flows/loader';
import { openPostgresStore } from '../../src/storage/postgres';
import { copySqliteToPostgres, CopyTargetNotEmptyError } from '../../src/storage/postgres-copy';
import { SqliteStore } from '../../src/storage/sqlite-store';
import type { ConversationStore } from '../../src/storage/store';
import { createTestDatabase, startPostgres, type PostgresCluster } from '../support/postgres';
import { sampleShop } from '../support/sample-shop';

const kb = sampleShop();
const tanya = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [join('bin', 'tanya.js'), ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });

let cluster: PostgresCluster | undefined;
beforeAll(async () => {
  cluster = await startPostgres();
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});

/** A SQLite shop with conversations, a flow in progress, a handoff answered by an agent, an account, a note and audit rows. */
async function sqliteShop(): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'tanya-copy-')), 'tanya.db');
  const store = new SqliteStore(file);
  const engine = new Engine(kb, store, { flows: loadFlows('flows', kb) });
  let n = 0;
  const say = (conversation: string, text: string) =>
    engine.handle({
      channel: 'whatsapp',
      conversationId: `whatsapp:${conversation}`,
      userId: conversation,
      messageId: `m${++n}`,
      text,
      receivedAt: new Date(),
    });
  await say('6281111', 'brp hrg ip 15 kak');
  await say('6281111', 'yg 256');
  await say('6282222', 'mau komplain barang rusak');
  await say('6283333', 'jam buka toko bandung');
  const handoff = await say('6284444', 'mau ngomong sama admin');
  if (handoff.decision.type !== 'handoff') throw new Error('expected a handoff');
  const desk = new AgentDesk(store, () => kb);
  await desk.reply(handoff.decision.ticketId, 'Rina', 'Halo Kak, dengan Rina.', 'cli');
  await store.consoleStore().addAgent({ name: 'Rina', role: 'admin', passwordHash: 'scrypt$x', createdAt: new Date().toISOString() });
  await store.consoleStore().addNote({ ticketId: handoff.decision.ticketId, agent: 'Rina', text: 'pelanggan lama', at: new Date().toISOString() });
  await store.close();
  return file;
}

/** What a bot reads back from a store, in a form two stores can be compared by. */
async function contents(store: ConversationStore) {
  const tickets = await store.listTickets();
  return {
    messages: (await store.messagesSince('1970-01-01T00:00:00.000Z')).map((m) => [m.conversationId, m.direction, m.text, m.decision, m.entryId]),
    tickets: tickets.map((t) => [t.id, t.status, t.agent, t.reason, t.summary.lastQuestion, t.transcript.map((l) => l.text)]),
    records: (await store.listRecords()).map((r) => [r.id, r.flowId, r.slots]),
    audit: (await store.auditLog()).map((a) => [a.actor, a.action, a.subject]),
    agents: (await store.consoleStore().agents()).map((a) => [a.name, a.role]),
    notes: await Promise.all(tickets.map(async (t) => (await store.consoleStore().notes(t.id)).map((x) => x.text))),
    states: await Promise.all(['6281111', '6282222', '6284444'].map((c) => store.loadState(`whatsapp:${c}`))),
    depths: await store.queueDepths(),
  };
}

describe('tanya db copy / migrate (SQLite → PostgreSQL)', () => {
  it('copies every transcript line, ticket, state, account, note and audit row; numbering goes on after the copied ones', async () => {
    if (!cluster) return;
    const file = await sqliteShop();
    const target = await createTestDatabase(cluster.url);
    try {
      const run = tanya(['db', 'copy', '--from', `sqlite:${file}`, '--to', target.url]);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(/messages: \d+/);
      expect(run.stdout).toMatch(/rows copied/);
      const before = new SqliteStore(file, { readonly: true });
      const after = await openPostgresStore(target.url);
      try {
        const expected = await contents(before);
        expect(expected.messages.length).toBeGreaterThan(8);
        expect(expected.tickets).toHaveLength(1);
        expect(await contents(after)).toEqual(expected);
        // The next ticket and record continue the numbering instead of colliding with copied ones.
        const engine = new Engine(kb, after, { flows: loadFlows('flows', kb) });
        const next = await engine.handle({
          channel: 'telegram',
          conversationId: 'telegram:9',
          userId: '9',
          messageId: 'x1',
          text: 'mau bicara dengan cs',
          receivedAt: new Date(),
        });
        expect(next.decision).toMatchObject({ type: 'handoff', ticketId: 'T00002' });
      } finally {
        await before.close();
        await after.close();
      }
      // Copying again into a database that holds a shop is refused, and changes nothing.
      await expect(copySqliteToPostgres(file, target.url)).rejects.toBeInstanceOf(CopyTargetNotEmptyError);
      const again = tanya(['db', 'copy', '--from', `sqlite:${file}`, '--to', target.url]);
      expect(again.status).toBe(1);
      expect(again.stderr).toMatch(/already holds/);
    } finally {
      await target.drop();
    }
  }, 120_000);

  it('migrates an empty database once, then says it is up to date', async () => {
    if (!cluster) return;
    const target = await createTestDatabase(cluster.url);
    try {
      const first = tanya(['db', 'migrate'], { DATABASE_URL: target.url });
      expect(first.status).toBe(0);
      expect(first.stdout).toMatch(/migrations applied: 1, 2, 3/);
      const second = tanya(['db', 'migrate', '--url', target.url]);
      expect(second.stdout).toMatch(/already up to date/);
    } finally {
      await target.drop();
    }
  }, 60_000);

  it('a wrong or unreachable DATABASE_URL: a clear error naming the host and what to check, exit 1', async () => {
    const closed = 'postgres://tanya:secret-pass@127.0.0.1:9/tanya';
    for (const args of [['db', 'migrate'], ['tickets', '--agent', 'Rina'], ['start']]) {
      const run = tanya(args, { DATABASE_URL: closed, TELEGRAM_BOT_TOKEN: '' });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/127\.0\.0\.1:9/);
      expect(run.stderr).toMatch(/running|reachable|refused/i);
      expect(run.stderr).not.toContain('secret-pass');
    }
    const bad = tanya(['db', 'copy', '--from', 'data/tanya.db', '--to', 'mysql://x']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/sqlite:FILE/);
  }, 60_000);
});
