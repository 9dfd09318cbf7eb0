/** Leader election through the database: one process runs the work that runs once; another takes over when it stops or dies. */
import { mkdtempSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Leadership } from '../../src/app/leadership';
import { createLogger } from '../../src/logging/logger';
import { SqliteStore } from '../../src/storage/sqlite-store';
import { until } from '../support/local-server';

const log = createLogger('silent');

/** A process's leadership over its own connection to the shared file, logging when its work runs. */
function process_(file: string, name: string, events: string[]) {
  const store = new SqliteStore(file);
  const leadership = new Leadership({ store, log, owner: `test:${name}`, ttlMs: 600, renewMs: 100 });
  leadership.add({ name: 'poller', start: () => void events.push(`${name} start`), stop: () => void events.push(`${name} stop`) });
  return { store, leadership };
}

/** At no point do two processes run the work: starts and stops alternate. */
function neverTwoAtOnce(events: readonly string[]): boolean {
  let running: string | undefined;
  for (const e of events) {
    const [who, what] = e.split(' ');
    if (what === 'start') {
      if (running !== undefined) return false;
      running = who;
    } else if (running === who) running = undefined;
  }
  return true;
}

describe('leadership (lease row in the shared database)', () => {
  it('one of two processes leads; a clean stop hands over at once, a dead leader after its lease runs out', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tanya-leader-')), 'tanya.db');
    const events: string[] = [];
    const a = process_(file, 'a', events);
    const b = process_(file, 'b', events);
    await a.leadership.start();
    await b.leadership.start();
    await a.leadership.settled();
    expect(a.leadership.isLeader).toBe(true);
    expect(b.leadership.isLeader).toBe(false);
    expect(events).toEqual(['a start']);
    await new Promise((r) => setTimeout(r, 400));
    expect(b.leadership.isLeader).toBe(false);

    // A clean stop gives the lease up: B takes over at its next renewal.
    const handedAt = Date.now();
    await a.leadership.stop();
    await until(() => b.leadership.isLeader, 2000);
    expect(Date.now() - handedAt).toBeLessThan(500);

    // B dies without a word (its database connection is gone): A, started again, waits for the lease to run out.
    await a.leadership.start();
    await b.store.close();
    const diedAt = Date.now();
    await until(() => a.leadership.isLeader, 3000);
    expect(Date.now() - diedAt).toBeGreaterThanOrEqual(300);
    await a.leadership.settled();
    // B noticed it could no longer renew and stopped its work before A started.
    await until(() => events.includes('b stop'), 2000);
    expect(events.filter((e) => e.startsWith('a start'))).toHaveLength(2);
    expect(neverTwoAtOnce(events)).toBe(true);
    await a.leadership.stop();
    await b.leadership.stop();
    await a.store.close();
  });

  it('takes over at once from a process on this host that is gone (a restart after kill -9)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tanya-leader-')), 'tanya.db');
    const store = new SqliteStore(file);
    // The lease of a process that no longer runs, valid for another minute.
    expect(await store.holdLeadership('leader', `${hostname()}:999999:dead`, 60_000)).toBe(true);
    expect(await store.holdLeadership('leader', 'elsewhere:1:x', 60_000)).toBe(false);
    const events: string[] = [];
    const leadership = new Leadership({ store, log, owner: `${hostname()}:${process.pid}:fresh`, ttlMs: 60_000, renewMs: 10_000 });
    leadership.add({ name: 'poller', start: () => void events.push('start'), stop: () => void events.push('stop') });
    await leadership.start();
    await leadership.settled();
    expect(leadership.isLeader).toBe(true);
    expect(events).toEqual(['start']);
    // A live holder elsewhere is never taken over.
    await leadership.stop();
    expect(await store.holdLeadership('leader', 'elsewhere:1:x', 60_000)).toBe(true);
    const second = new Leadership({ store, log, owner: `${hostname()}:${process.pid}:again`, ttlMs: 60_000, renewMs: 10_000 });
    await second.start();
    expect(second.isLeader).toBe(false);
    await second.stop();
    await store.close();
  });
});
