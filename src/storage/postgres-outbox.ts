/** The outbox's leases over PostgreSQL: which process delivers which item, and when a dead one's items go again. */
import type { Session } from './postgres-session';
import type { OutboxItem } from './store';

type Accepts = (item: Pick<OutboxItem, 'kind' | 'target'>) => boolean;

/** See `ConversationStore.takeDue`. */
export async function takeDue(
  db: Session,
  accepts: Accepts,
  now: Date,
  leaseMs: number,
  limit: number,
  target: string | undefined,
  owner: string,
): Promise<OutboxItem[]> {
  const at = now.toISOString();
  // A queue's items go in order: each pass takes items of a (kind, target) queue while every
  // earlier one is taken too; an earlier item that is waiting, leased elsewhere or not ours
  // holds back the later ones, so one conversation's messages keep their order.
  const undone = await db.query<{ seq: number; kind: string; target: string; free: boolean }>(
    `SELECT seq, kind, target, next_at <= $1 AND (lease_until IS NULL OR lease_until <= $1) AS free
     FROM outbox WHERE done_at IS NULL AND ($2::text IS NULL OR target = $2) ORDER BY seq`,
    [at, target ?? null],
  );
  const blocked = new Set<string>();
  const wanted: { seq: number; key: string }[] = [];
  for (const row of undone.rows) {
    const key = `${row.kind}\u0000${row.target}`;
    if (blocked.has(key)) continue;
    if (row.free && accepts({ kind: row.kind, target: row.target })) wanted.push({ seq: row.seq, key });
    else blocked.add(key);
  }
  if (wanted.length === 0) return [];
  return db.transaction(async (tx) => {
    const taken: number[] = [];
    // Locked a chunk at a time: rows another process is leasing right now are skipped (SKIP
    // LOCKED), rows it leased and committed meanwhile fail the re-checked condition; either way
    // the row is not ours and holds back the rest of its queue. No item goes to two processes.
    for (let from = 0; from < wanted.length && taken.length < limit; from += limit) {
      const chunk = wanted.slice(from, from + limit).filter((w) => !blocked.has(w.key));
      if (chunk.length === 0) continue;
      const locked = await tx.query<{ seq: number }>(
        `SELECT seq FROM outbox WHERE seq = ANY($1::bigint[]) AND done_at IS NULL AND next_at <= $2 AND (lease_until IS NULL OR lease_until <= $2)
         FOR UPDATE SKIP LOCKED`,
        [chunk.map((w) => w.seq), at],
      );
      const ours = new Set(locked.rows.map((r) => r.seq));
      for (const w of chunk) {
        if (taken.length >= limit || blocked.has(w.key)) continue;
        if (ours.has(w.seq)) taken.push(w.seq);
        else blocked.add(w.key);
      }
    }
    if (taken.length === 0) return [];
    const leased = await tx.query<{ seq: number; kind: string; target: string; payload: unknown; attempts: number; created_at: string }>(
      `UPDATE outbox SET lease_until = $2, lease_owner = $3 WHERE seq = ANY($1::bigint[])
       RETURNING seq, kind, target, payload, attempts, created_at`,
      [taken, new Date(now.getTime() + leaseMs).toISOString(), owner],
    );
    return leased.rows
      .map((r) => ({ seq: r.seq, kind: r.kind, target: r.target, payload: r.payload, attempts: r.attempts, createdAt: r.created_at }))
      .sort((x, y) => x.seq - y.seq);
  });
}

/** See `ConversationStore.releaseLeases`. */
export async function releaseLeases(
  db: Session,
  isStale: (owner: string) => boolean,
  now: Date,
  inDoubtMs: (item: Pick<OutboxItem, 'kind' | 'target'>) => number,
): Promise<number> {
  const owners = await db.query<{ owner: string }>(
    `SELECT DISTINCT lease_owner AS owner FROM outbox WHERE done_at IS NULL AND lease_owner IS NOT NULL AND lease_until > $1`,
    [now.toISOString()],
  );
  let released = 0;
  for (const { owner } of owners.rows) {
    if (!isStale(owner)) continue;
    released += await db.transaction(async (tx) => {
      const held = await tx.query<{ seq: number; kind: string; target: string; sending: boolean }>(
        `SELECT seq, kind, target, sending_since IS NOT NULL AS sending FROM outbox WHERE done_at IS NULL AND lease_owner = $1 ORDER BY seq FOR UPDATE`,
        [owner],
      );
      if (held.rows.length === 0) return 0;
      // An item that was being sent may have reached the platform: it waits before it goes again.
      const notBefore = held.rows.map((item) => new Date(now.getTime() + (item.sending ? inDoubtMs(item) : 0)).toISOString());
      const result = await tx.query(
        `UPDATE outbox o SET lease_until = NULL, lease_owner = NULL, sending_since = NULL, next_at = GREATEST(o.next_at, u.at)
         FROM unnest($1::bigint[], $2::timestamptz[]) AS u(seq, at) WHERE o.seq = u.seq`,
        [held.rows.map((item) => item.seq), notBefore],
      );
      return result.rowCount ?? 0;
    });
  }
  return released;
}
