import type { ConversationState } from '../core/state';
import type { AgentAccount, ConsoleSession, ConsoleStore, TicketNote } from './console-store';
import { SqliteDatabase, type SqliteOpenOptions } from './sqlite';
import type { SqliteConsoleStore } from './sqlite-console';
import type {
  AuditEntry,
  ConversationStore,
  CustomerData,
  CustomerKeys,
  FlowRecord,
  ForgetResult,
  HandoffTicket,
  InboundRecord,
  NewOutboxItem,
  OutboxItem,
  PendingInbound,
  PurgeOptions,
  PurgeResult,
  QueueDepths,
  StoredMessage,
  TicketStatus,
  TranscriptLine,
} from './store';

/**
 * One transaction at a time on the single SQLite connection. A transaction spans awaits, so work
 * from elsewhere (another conversation's turn, an outbox pass) waits here instead of slipping
 * into it (and being rolled back with it). Uncontended, a call runs at once.
 */
class Gate {
  private tail: Promise<void> = Promise.resolve();
  private holders = 0;

  get held(): boolean {
    return this.holders > 0;
  }

  /** Resolves with the function that lets the next one in. */
  async enter(): Promise<() => void> {
    const previous = this.tail;
    let open!: () => void;
    this.tail = new Promise<void>((resolve) => (open = resolve));
    this.holders++;
    await previous;
    return () => {
      this.holders--;
      open();
    };
  }
}

/** Runs a synchronous database call as a promise (a throw becomes a rejection with the same error). */
async function settle<T>(fn: () => T): Promise<T> {
  return fn();
}

/**
 * The store contract over one SQLite connection. `SqliteStore` is the store; `atomically` hands
 * its function a view whose calls run inside the open transaction.
 */
abstract class SqliteCalls implements ConversationStore {
  readonly kind = 'sqlite' as const;

  constructor(
    /** The synchronous database (backup, restore, and the commands that work on the file). */
    readonly database: SqliteDatabase,
    protected readonly gate: Gate,
  ) {}

  /** Runs one database call: at once inside the transaction or when none is open, else after it. */
  protected abstract run<T>(fn: () => T): Promise<T>;

  abstract atomically<T>(fn: (tx: ConversationStore) => Promise<T>): Promise<T>;

  recordInbound(message: InboundRecord): Promise<boolean> {
    return this.run(() => this.database.recordInbound(message));
  }
  markDelivered(channel: string, deliveryId: string, at?: Date): Promise<boolean> {
    return this.run(() => this.database.markDelivered(channel, deliveryId, at));
  }
  wasDelivered(channel: string, deliveryId: string): Promise<boolean> {
    return this.run(() => this.database.wasDelivered(channel, deliveryId));
  }
  acceptInbound(channel: string, deliveryId: string, conversationId: string, payload: unknown, at?: Date): Promise<boolean> {
    return this.run(() => this.database.acceptInbound(channel, deliveryId, conversationId, payload, at));
  }
  pendingInbound(limit?: number, afterSeq?: number, conversationId?: string): Promise<PendingInbound[]> {
    return this.run(() => this.database.pendingInbound(limit, afterSeq, conversationId));
  }
  finishInbound(seq: number): Promise<void> {
    return this.run(() => this.database.finishInbound(seq));
  }
  recordOutbound(conversationId: string, line: Omit<TranscriptLine, 'direction'>): Promise<void> {
    return this.run(() => this.database.recordOutbound(conversationId, line));
  }
  transcript(conversationId: string): Promise<TranscriptLine[]> {
    return this.run(() => this.database.transcript(conversationId));
  }
  loadState(conversationId: string): Promise<ConversationState | undefined> {
    return this.run(() => this.database.loadState(conversationId));
  }
  saveState(conversationId: string, state: ConversationState): Promise<void> {
    return this.run(() => this.database.saveState(conversationId, state));
  }
  createTicket(ticket: Omit<HandoffTicket, 'id' | 'status' | 'createdAt' | 'transcript'>): Promise<HandoffTicket> {
    return this.run(() => this.database.createTicket(ticket));
  }
  getTicket(id: string): Promise<HandoffTicket | undefined> {
    return this.run(() => this.database.getTicket(id));
  }
  listTickets(status?: TicketStatus): Promise<HandoffTicket[]> {
    return this.run(() => this.database.listTickets(status));
  }
  updateTicketStatus(id: string, status: TicketStatus, agent?: string): Promise<HandoffTicket | undefined> {
    return this.run(() => this.database.updateTicketStatus(id, status, agent));
  }
  enqueue(item: NewOutboxItem): Promise<number> {
    return this.run(() => this.database.enqueue(item));
  }
  takeDue(
    accepts: (item: Pick<OutboxItem, 'kind' | 'target'>) => boolean,
    now: Date,
    leaseMs: number,
    limit?: number,
    target?: string,
    owner?: string,
  ): Promise<OutboxItem[]> {
    return this.run(() => this.database.takeDue(accepts, now, leaseMs, limit, target, owner));
  }
  releaseLeases(isStale: (owner: string) => boolean, now?: Date, inDoubtMs?: (item: Pick<OutboxItem, 'kind' | 'target'>) => number): Promise<number> {
    return this.run(() => this.database.releaseLeases(isStale, now, inDoubtMs));
  }
  holdLease(seq: number, owner: string, now: Date, leaseMs: number): Promise<boolean> {
    return this.run(() => this.database.holdLease(seq, owner, now, leaseMs));
  }
  markSending(seq: number, at?: Date): Promise<void> {
    return this.run(() => this.database.markSending(seq, at));
  }
  completeItem(seq: number, at?: Date): Promise<void> {
    return this.run(() => this.database.completeItem(seq, at));
  }
  retryItem(seq: number, nextAt: Date, error: string): Promise<void> {
    return this.run(() => this.database.retryItem(seq, nextAt, error));
  }
  saveTicketRef(destination: string, ref: string, ticketId: string): Promise<void> {
    return this.run(() => this.database.saveTicketRef(destination, ref, ticketId));
  }
  ticketForRef(destination: string, ref: string): Promise<string | undefined> {
    return this.run(() => this.database.ticketForRef(destination, ref));
  }
  ticketRefs(ticketId: string, destination: string): Promise<string[]> {
    return this.run(() => this.database.ticketRefs(ticketId, destination));
  }
  createRecord(record: Omit<FlowRecord, 'id' | 'createdAt'>, prefix: string): Promise<FlowRecord> {
    return this.run(() => this.database.createRecord(record, prefix));
  }
  listRecords(flowId?: string): Promise<FlowRecord[]> {
    return this.run(() => this.database.listRecords(flowId));
  }
  messagesSince(since: string): Promise<StoredMessage[]> {
    return this.run(() => this.database.messagesSince(since));
  }
  saveChannelRef(conversationId: string, ref: unknown): Promise<void> {
    return this.run(() => this.database.saveChannelRef(conversationId, ref));
  }
  channelRef(conversationId: string): Promise<unknown> {
    return this.run(() => this.database.channelRef(conversationId));
  }
  setTicketRating(id: string, rating: number): Promise<void> {
    return this.run(() => this.database.setTicketRating(id, rating));
  }
  openTicketFor(conversationId: string): Promise<HandoffTicket | undefined> {
    return this.run(() => this.database.openTicketFor(conversationId));
  }
  queuePosition(id: string): Promise<number> {
    return this.run(() => this.database.queuePosition(id));
  }
  markTicketNotified(id: string, at: Date): Promise<void> {
    return this.run(() => this.database.markTicketNotified(id, at));
  }
  purgeOlderThan(cutoff: Date, options?: PurgeOptions): Promise<PurgeResult> {
    return this.run(() => this.database.purgeOlderThan(cutoff, options));
  }
  forgetCustomer(keys: CustomerKeys): Promise<ForgetResult> {
    return this.run(() => this.database.forgetCustomer(keys));
  }
  exportCustomer(keys: CustomerKeys): Promise<CustomerData> {
    return this.run(() => this.database.exportCustomer(keys));
  }
  audit(entry: Omit<AuditEntry, 'at'> & { readonly at?: string }): Promise<void> {
    return this.run(() => this.database.audit(entry));
  }
  auditLog(query?: { readonly since?: string; readonly limit?: number }): Promise<AuditEntry[]> {
    return this.run(() => this.database.auditLog(query));
  }
  queueDepths(): Promise<QueueDepths> {
    return this.run(() => this.database.queueDepths());
  }
  lockConversation(_conversationId: string): Promise<void> {
    // SQLite has one writer at a time: the open transaction already holds every conversation.
    return Promise.resolve();
  }
  holdLeadership(name: string, owner: string, ttlMs: number, now?: Date, takeOverFrom?: (holder: string) => boolean): Promise<boolean> {
    return this.run(() => this.database.holdLeadership(name, owner, ttlMs, now, takeOverFrom));
  }
  expiredLeases(prefix: string, now?: Date): Promise<{ name: string; until: string }[]> {
    return this.run(() => this.database.expiredLeases(prefix, now));
  }
  releaseLeadership(name: string, owner: string): Promise<void> {
    return this.run(() => this.database.releaseLeadership(name, owner));
  }
  consoleStore(): ConsoleStore {
    return new SqliteConsoleCalls(this.database.consoleStore(), (fn) => this.run(fn));
  }
  close(): Promise<void> {
    return settle(() => this.database.close());
  }
}

/** The default store: SQLite in one file (WAL mode) or ":memory:". */
export class SqliteStore extends SqliteCalls {
  constructor(path: string, options: SqliteOpenOptions = {}) {
    super(new SqliteDatabase(path, options), new Gate());
  }

  protected run<T>(fn: () => T): Promise<T> {
    if (!this.gate.held) return settle(fn);
    return this.gate.enter().then((leave) => {
      try {
        return fn();
      } finally {
        leave();
      }
    });
  }

  async atomically<T>(fn: (tx: ConversationStore) => Promise<T>): Promise<T> {
    const leave = await this.gate.enter();
    try {
      this.database.begin();
      try {
        const result = await fn(new SqliteTransaction(this.database, this.gate));
        this.database.commit();
        return result;
      } catch (error) {
        this.database.rollback();
        throw error;
      }
    } finally {
      leave();
    }
  }
}

/** The calls of one open transaction (what `SqliteStore.atomically` hands its function). */
class SqliteTransaction extends SqliteCalls {
  protected run<T>(fn: () => T): Promise<T> {
    return settle(fn);
  }

  atomically<T>(fn: (tx: ConversationStore) => Promise<T>): Promise<T> {
    return fn(this);
  }

  override close(): Promise<void> {
    return Promise.reject(new Error('a store is closed outside its transactions'));
  }
}

/** The console's tables through the same gate as the store's calls. */
class SqliteConsoleCalls implements ConsoleStore {
  constructor(
    private readonly tables: SqliteConsoleStore,
    private readonly run: <T>(fn: () => T) => Promise<T>,
  ) {}

  addAgent(account: AgentAccount): Promise<boolean> {
    return this.run(() => this.tables.addAgent(account));
  }
  agent(name: string): Promise<AgentAccount | undefined> {
    return this.run(() => this.tables.agent(name));
  }
  agents(): Promise<AgentAccount[]> {
    return this.run(() => this.tables.agents());
  }
  removeAgent(name: string): Promise<boolean> {
    return this.run(() => this.tables.removeAgent(name));
  }
  setPassword(name: string, passwordHash: string): Promise<boolean> {
    return this.run(() => this.tables.setPassword(name, passwordHash));
  }
  createSession(session: Omit<ConsoleSession, 'role'>): Promise<void> {
    return this.run(() => this.tables.createSession(session));
  }
  session(tokenHash: string, now: Date): Promise<ConsoleSession | undefined> {
    return this.run(() => this.tables.session(tokenHash, now));
  }
  deleteSession(tokenHash: string): Promise<void> {
    return this.run(() => this.tables.deleteSession(tokenHash));
  }
  recordFailedLogin(key: string, at: Date): Promise<void> {
    return this.run(() => this.tables.recordFailedLogin(key, at));
  }
  failedLogins(key: string, since: Date): Promise<number> {
    return this.run(() => this.tables.failedLogins(key, since));
  }
  clearFailedLogins(key: string): Promise<void> {
    return this.run(() => this.tables.clearFailedLogins(key));
  }
  forgetFailedLogin(key: string, at: Date): Promise<void> {
    return this.run(() => this.tables.forgetFailedLogin(key, at));
  }
  addNote(note: Omit<TicketNote, 'id'>): Promise<TicketNote> {
    return this.run(() => this.tables.addNote(note));
  }
  notes(ticketId: string): Promise<TicketNote[]> {
    return this.run(() => this.tables.notes(ticketId));
  }
  changeMark(): Promise<string> {
    return this.run(() => this.tables.changeMark());
  }
}
