import pino from 'pino';
import type { Channel } from '../../src/channels/channel';
import type { DeliveryContext } from '../../src/engine/handoff-events';
import { AgentDesk } from '../../src/engine/agent-desk';
import { CUSTOMER_MESSAGE } from '../../src/engine/handoff-events';
import type { OutboundMessage } from '../../src/core/types';
import { HandoffHub } from '../../src/handoff/hub';
import { SqliteStore } from '../../src/storage/sqlite-store';
import { sampleShop } from '../support/sample-shop';

/** A channel whose platform answers slowly for one customer until told to go on. */
class SlowPlatform implements Channel {
  readonly name = 'slow';
  readonly sent: string[] = [];
  private release: (() => void) | undefined;
  private onStall: () => void = () => undefined;
  readonly stalled = new Promise<void>((resolve) => (this.onStall = resolve));
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  owns(conversationId: string): boolean {
    return conversationId.startsWith('slow:');
  }
  goOn(): void {
    this.release?.();
  }
  async send(conversationId: string, replies: readonly OutboundMessage[], _context?: DeliveryContext): Promise<void> {
    if (conversationId === 'slow:first' && this.sent.length === 0 && !this.release) {
      await new Promise<void>((resolve) => {
        this.release = resolve;
        this.onStall();
      });
    }
    this.sent.push(`${conversationId} ${replies.map((r) => r.text).join(' ')}`);
  }
}

describe('outbox passes that outlive their leases', () => {
  it('never send an item that a later pass has taken meanwhile', async () => {
    const store = new SqliteStore(':memory:');
    let clock = new Date('2026-11-25T03:00:00Z').getTime();
    const now = (): Date => new Date(clock);
    const platform = new SlowPlatform();
    const hub = new HandoffHub({
      store,
      desk: new AgentDesk(store, () => sampleShop()),
      channels: [platform],
      destinations: [],
      log: pino({ level: 'silent' }),
      now,
      pollMs: 3_600_000,
    });
    const reply = (text: string): { replies: OutboundMessage[] } => ({ replies: [{ kind: 'text', text }] });
    await store.enqueue({ kind: CUSTOMER_MESSAGE, target: 'slow:first', payload: reply('one'), at: now() });
    await store.enqueue({ kind: CUSTOMER_MESSAGE, target: 'slow:second', payload: reply('two'), at: now() });
    // Pass 1 takes both and hangs on the first platform call for longer than its leases.
    const first = hub.tick();
    await platform.stalled;
    clock += 61_000;
    // The second customer writes again: a flush takes their (now free) reply and sends it.
    await hub.flush('slow:second');
    platform.goOn();
    await first;
    expect(platform.sent.sort()).toEqual(['slow:first one', 'slow:second two']);
    await hub.stop();
    await store.close();
  });
});
