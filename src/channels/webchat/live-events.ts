import { randomBytes } from 'node:crypto';
import type { ServerFrame } from './protocol';

/** A live frame without its sequence number (given when it is published). */
export type LiveFrame =
  | Omit<Extract<ServerFrame, { type: 'lines' }>, 'seq'>
  | Omit<Extract<ServerFrame, { type: 'customer' }>, 'seq'>
  | Omit<Extract<ServerFrame, { type: 'typing' }>, 'seq'>;

type Sequenced = Extract<ServerFrame, { seq: number }>;
type Listener = (frame: Sequenced) => void;

interface Feed {
  seq: number;
  readonly frames: Sequenced[];
  readonly listeners: Set<Listener>;
  touchedAt: number;
}

export interface LiveEventsOptions {
  /** Frames kept per conversation for long polls that come back (default 100). */
  readonly keep?: number;
  /** A conversation nobody listens to is forgotten after this long (default 10 minutes). */
  readonly idleMs?: number;
  readonly now?: () => number;
}

/**
 * What happens in each web chat conversation while this process runs: every open tab listens
 * (WebSocket) or asks for what came after its cursor (long polling). Kept in memory only: the
 * transcript in the database is the lasting record, and a widget that lost track says hello
 * again and gets the history from there.
 */
export class LiveEvents {
  /** Names this process's sequence numbers: a cursor from before a restart means nothing now. */
  readonly epoch = randomBytes(6).toString('base64url');
  private readonly feeds = new Map<string, Feed>();
  private readonly keep: number;
  private readonly idleMs: number;
  private readonly now: () => number;

  constructor(options: LiveEventsOptions = {}) {
    this.keep = options.keep ?? 100;
    this.idleMs = options.idleMs ?? 10 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** The conversation's newest sequence number (0 before anything happened in this process). */
  head(conversationId: string): number {
    return this.feeds.get(conversationId)?.seq ?? 0;
  }

  publish(conversationId: string, frame: LiveFrame): void {
    const feed = this.feed(conversationId);
    feed.seq += 1;
    const sequenced = { ...frame, seq: feed.seq } as Sequenced;
    feed.frames.push(sequenced);
    if (feed.frames.length > this.keep) feed.frames.splice(0, feed.frames.length - this.keep);
    for (const listener of [...feed.listeners]) listener(sequenced);
  }

  /** Calls `listener` with every frame published from now on; returns the function that stops it. */
  listen(conversationId: string, listener: Listener): () => void {
    const feed = this.feed(conversationId);
    feed.listeners.add(listener);
    return () => {
      feed.listeners.delete(listener);
      feed.touchedAt = this.now();
    };
  }

  /** Frames after `cursor`, or undefined when some of them are no longer kept. */
  since(conversationId: string, cursor: number): Sequenced[] | undefined {
    const feed = this.feeds.get(conversationId);
    if (!feed) return cursor === 0 ? [] : undefined;
    if (cursor > feed.seq) return undefined;
    if (cursor === feed.seq) return [];
    const first = feed.frames[0]?.seq;
    if (first === undefined || cursor + 1 < first) return undefined;
    return feed.frames.filter((f) => f.seq > cursor);
  }

  /** Forgets conversations nobody has listened to for a while. */
  sweep(): void {
    const due = this.now() - this.idleMs;
    for (const [id, feed] of this.feeds) if (feed.listeners.size === 0 && feed.touchedAt < due) this.feeds.delete(id);
  }

  private feed(conversationId: string): Feed {
    let feed = this.feeds.get(conversationId);
    if (!feed) {
      feed = { seq: 0, frames: [], listeners: new Set(), touchedAt: this.now() };
      this.feeds.set(conversationId, feed);
    }
    feed.touchedAt = this.now();
    return feed;
  }
}
