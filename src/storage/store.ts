import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { ConversationState } from '../core/state';
import type { Candidate, Entities } from '../core/types';
import type { ConsoleStore } from './console-store';

/** One line of a conversation transcript. */
export interface TranscriptLine {
  readonly direction: 'in' | 'out';
  readonly text: string;
  readonly at: string;
  /** The decision behind an outgoing line (answer/clarify/…), for reports. */
  readonly decision?: string;
  readonly entryId?: string | null;
}

/** A transcript line with its conversation, for reports. */
export interface StoredMessage extends TranscriptLine {
  readonly conversationId: string;
  readonly channel: string;
}

export type TicketStatus = 'queued' | 'claimed' | 'resolved' | 'cancelled';

/** A ticket shows at most this many of the conversation's latest lines (every store). */
export const TICKET_TRANSCRIPT_LINES = 200;

/** What an agent needs at a glance. */
export interface TicketSummary {
  readonly lastQuestion: string;
  readonly candidates: readonly Candidate[];
  readonly entities: Entities;
  /** The flow the customer was in when the ticket opened, with what it had collected. */
  readonly flow?: { readonly id: string; readonly slots: Readonly<Record<string, string | number>> };
}

export interface HandoffTicket {
  readonly id: string;
  readonly conversationId: string;
  readonly channel: string;
  readonly customerId: string;
  readonly customerName?: string;
  readonly reason: string;
  readonly status: TicketStatus;
  readonly summary: TicketSummary;
  /** The conversation up to the ticket (its latest lines), read from the messages, not copied. */
  readonly transcript: readonly TranscriptLine[];
  readonly createdAt: string;
  readonly claimedAt?: string;
  readonly resolvedAt?: string;
  readonly agent?: string;
  /** The customer's satisfaction answer after resolution (1–5). */
  readonly csat?: number;
  /** When the customer was last told the ticket is still queued. */
  readonly notifiedAt?: string;
}

/**
 * Work that must reach someone even across failures and restarts: a message to a customer, a
 * ticket event for the agents' destinations. Written in the same transaction as the turn that
 * caused it, then delivered (and retried) by whichever process handles that kind.
 */
export interface NewOutboxItem {
  readonly kind: string;
  /** A conversation id for customer messages, a ticket id for ticket events. */
  readonly target: string;
  readonly payload: unknown;
  /** Not before this time (default now). */
  readonly at?: Date;
}

/** What a flow's `ticket` action recorded (a complaint, feedback): its number and the answers. */
export interface FlowRecord {
  readonly id: string;
  readonly flowId: string;
  readonly conversationId: string;
  readonly channel: string;
  readonly customerId: string;
  readonly slots: Readonly<Record<string, string>>;
  readonly createdAt: string;
}

export interface OutboxItem {
  readonly seq: number;
  readonly kind: string;
  readonly target: string;
  readonly payload: unknown;
  readonly attempts: number;
  readonly createdAt: string;
}

/** A message taken in whose turn is still to run. */
export interface PendingInbound {
  readonly seq: number;
  readonly conversationId: string;
  readonly payload: unknown;
}

/**
 * Who holds an outbox lease: host, process id and a random id of this start (a container's
 * process is always pid 1, so the pid alone cannot tell a restart).
 */
export const LEASE_OWNER = `${hostname()}:${process.pid}:${randomBytes(6).toString('hex')}`;

/** The lease each running bot process renews as its heartbeat ("alive:<owner>", see app/leadership.ts). */
export const HEARTBEAT_PREFIX = 'alive:';
export const heartbeatName = (owner: string): string => `${HEARTBEAT_PREFIX}${owner}`;

/** The process (host:pid:start) behind an outbox lease owner, which may carry a pass number after it. */
export const processOf = (owner: string): string => owner.split(':').slice(0, 3).join(':');

/**
 * True when an error says the database could not be reached or was busy (a lost connection, no
 * free connection in time, a deadlock or serialization failure, SQLite busy) rather than that the
 * work itself was wrong: such work is tried again later instead of being given up.
 */
export function isStoreUnavailable(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (typeof code === 'string') {
    // PostgreSQL: 08 connection, 53 resources, 57P0x shutdown, 40P01 deadlock, 40001 serialization.
    if (/^(08|53|57P0)/.test(code) || code === '40P01' || code === '40001') return true;
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return true;
    if (/^E(CONNREFUSED|CONNRESET|PIPE|TIMEDOUT|HOSTUNREACH|NETUNREACH|AI_AGAIN)$/.test(code)) return true;
  }
  const raw = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : error;
  const message = typeof raw === 'string' ? raw : '';
  return /timeout exceeded when trying to connect|connection terminated|terminating connection|Client has encountered a connection error|Connection is not open/i.test(
    message,
  );
}

/** True when a lease owner is a process on this host that no longer runs (or an earlier start of this one). */
export function isDeadLocalOwner(owner: string): boolean {
  const [host, pid, boot] = owner.split(':');
  if (host !== hostname() || !pid || owner === LEASE_OWNER) return false;
  if (Number(pid) === process.pid) return boot !== LEASE_OWNER.split(':')[2];
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export interface InboundRecord {
  readonly channel: string;
  readonly conversationId: string;
  readonly userId: string;
  readonly userName?: string;
  readonly messageId: string;
  readonly text: string;
  readonly kind: string;
  readonly at: string;
}

/**
 * Who a privacy request is about: any of these platform user ids or conversation ids
 * ("6281234567890", "whatsapp:6281234567890"); every conversation one of them names is included.
 */
export type CustomerKeys = readonly string[];

/** Rows removed (or anonymized) by a purge or an erasure, per kind of data. */
export interface PrivacyCounts {
  readonly conversations: number;
  readonly messages: number;
  /** Tickets deleted (erasure). */
  readonly tickets: number;
  /** Tickets kept for the figures (status, times, agent, CSAT) with their customer and text removed (retention). */
  readonly ticketsAnonymized: number;
  readonly flowRecords: number;
  readonly channelRefs: number;
  readonly handoffRefs: number;
  readonly inbox: number;
  readonly outbox: number;
  readonly deliveries: number;
}

/** Nothing removed: the start of a sum of counts. */
export const NO_PRIVACY_COUNTS: PrivacyCounts = {
  conversations: 0,
  messages: 0,
  tickets: 0,
  ticketsAnonymized: 0,
  flowRecords: 0,
  channelRefs: 0,
  handoffRefs: 0,
  inbox: 0,
  outbox: 0,
  deliveries: 0,
};

export interface PurgeOptions {
  /** Rows per table and call (default 500): each call is short, so the bot's turns go on between calls. */
  readonly batchSize?: number;
  /** Count what would go, change nothing (counts everything, not one batch). */
  readonly dryRun?: boolean;
  /** The present, for the platform delivery ids kept at least 3 days (default: the real time). */
  readonly now?: Date;
}

export interface PurgeResult {
  readonly counts: PrivacyCounts;
  /** True when a table had a full batch: call again. */
  readonly more: boolean;
}

export interface ForgetResult {
  /** The conversations erased. */
  readonly conversations: readonly string[];
  readonly removed: PrivacyCounts;
}

/** One conversation of a customer, as `exportCustomer` gives it. */
export interface CustomerConversation {
  readonly id: string;
  readonly channel: string;
  readonly userId: string;
  readonly userName?: string;
  readonly updatedAt: string;
  readonly state?: ConversationState;
  readonly transcript: readonly TranscriptLine[];
  /** What the channel keeps to write to the customer later (Bot Framework conversation reference). */
  readonly channelRef?: unknown;
}

/** Everything stored about one customer (right of access). */
export interface CustomerData {
  readonly conversations: readonly CustomerConversation[];
  /** Tickets with their summary and CSAT; their transcript is the conversation's. */
  readonly tickets: readonly Omit<HandoffTicket, 'transcript'>[];
  readonly flowRecords: readonly FlowRecord[];
  /** Messages taken in whose turn has not run yet. */
  readonly pendingMessages: readonly { readonly receivedAt: string; readonly payload: unknown }[];
}

/** What an agent or operator did. Holds ids, names and counts, never message text. */
export const AUDIT_ACTIONS = [
  'ticket.read',
  'ticket.claim',
  'ticket.reply',
  'ticket.resolve',
  'ticket.transfer',
  'privacy.forget',
  'privacy.export',
  'privacy.purge',
  'backup',
  'restore',
  'knowledge.example',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  readonly at: string;
  /** The agent's name, or the operator's OS user for commands. */
  readonly actor: string;
  readonly action: AuditAction;
  /** A ticket id, or a masked customer id for privacy commands. */
  readonly subject?: string;
  /** Where it was done: cli, telegram, helpdesk, botframework, schedule. */
  readonly via?: string;
  /** Counts and flags (rows removed, the transfer's new agent); never message text. */
  readonly detail?: Readonly<Record<string, string | number | boolean>>;
}

/** Counts of waiting work (see `ConversationStore.queueDepths`). */
export interface QueueDepths {
  /** Messages taken in whose turn has not run yet. */
  readonly inbox: number;
  /** Outbox items not delivered yet (due or waiting for a retry), by kind. */
  readonly outbox: Readonly<Record<string, number>>;
  /** Tickets not closed yet, by status. */
  readonly openTickets: { readonly queued: number; readonly claimed: number };
}

/**
 * Where conversations, transcripts and tickets live. SQLite is the default; other stores
 * implement the same contract.
 */
export interface ConversationStore {
  /** Records a customer message; false when this channel's message id was already recorded. */
  recordInbound(message: InboundRecord): Promise<boolean>;
  /**
   * Remembers a platform delivery (a Telegram update_id, a WhatsApp message id); false when it
   * was already seen, so a redelivered update is handled once.
   */
  markDelivered(channel: string, deliveryId: string, at?: Date): Promise<boolean>;
  /** True when `markDelivered` already saw this id (read only). */
  wasDelivered(channel: string, deliveryId: string): Promise<boolean>;
  /**
   * Takes a customer's message in durably before the platform is told "received": its delivery id
   * (dedupe) and the message, in one transaction. False when the delivery was already taken in.
   */
  acceptInbound(channel: string, deliveryId: string, conversationId: string, payload: unknown, at?: Date): Promise<boolean>;
  /**
   * Messages taken in whose turn has not been recorded yet, oldest first (after a crash: all of
   * them); only after `afterSeq` when given, only `conversationId`'s when given.
   */
  pendingInbound(limit?: number, afterSeq?: number, conversationId?: string): Promise<PendingInbound[]>;
  /** The message's turn is recorded (called inside the turn's transaction). */
  finishInbound(seq: number): Promise<void>;
  recordOutbound(conversationId: string, line: Omit<TranscriptLine, 'direction'>): Promise<void>;
  transcript(conversationId: string): Promise<TranscriptLine[]>;
  loadState(conversationId: string): Promise<ConversationState | undefined>;
  saveState(conversationId: string, state: ConversationState): Promise<void>;
  createTicket(ticket: Omit<HandoffTicket, 'id' | 'status' | 'createdAt' | 'transcript'>): Promise<HandoffTicket>;
  getTicket(id: string): Promise<HandoffTicket | undefined>;
  listTickets(status?: TicketStatus): Promise<HandoffTicket[]>;
  updateTicketStatus(id: string, status: TicketStatus, agent?: string): Promise<HandoffTicket | undefined>;
  enqueue(item: NewOutboxItem): Promise<number>;
  /**
   * Leases due items that `accepts` (kinds this process delivers) for `leaseMs`, only `target`'s
   * when given; others are left for other processes. Only the head of each (kind, target) queue
   * is taken, so a conversation's messages go out in order.
   */
  takeDue(
    accepts: (item: Pick<OutboxItem, 'kind' | 'target'>) => boolean,
    now: Date,
    leaseMs: number,
    limit?: number,
    target?: string,
    owner?: string,
  ): Promise<OutboxItem[]>;
  /**
   * Frees the leases of owners `isStale` names (a process that died holding them); returns how
   * many. An item that was being sent when its owner died may have reached the platform: it waits
   * `inDoubtMs(item)` first, so a platform's confirmation can arrive before it is sent again.
   */
  releaseLeases(isStale: (owner: string) => boolean, now?: Date, inDoubtMs?: (item: Pick<OutboxItem, 'kind' | 'target'>) => number): Promise<number>;
  /**
   * Just before an item is delivered: true, and its lease runs `leaseMs` from `now`, when `owner`
   * still holds it; false when its lease ran out and another pass took it (or it is done), so it
   * is not sent twice.
   */
  holdLease(seq: number, owner: string, now: Date, leaseMs: number): Promise<boolean>;
  /** A delivery attempt of this item starts now (see `releaseLeases`). */
  markSending(seq: number, at?: Date): Promise<void>;
  /** Returns the seq of the new item. */
  completeItem(seq: number, at?: Date): Promise<void>;
  retryItem(seq: number, nextAt: Date, error: string): Promise<void>;
  /** Links a destination's message (e.g. a Telegram group message) to a ticket. */
  saveTicketRef(destination: string, ref: string, ticketId: string): Promise<void>;
  ticketForRef(destination: string, ref: string): Promise<string | undefined>;
  ticketRefs(ticketId: string, destination: string): Promise<string[]>;
  /** Records a flow's answers under a new number ("K00001" with prefix "K"). */
  createRecord(record: Omit<FlowRecord, 'id' | 'createdAt'>, prefix: string): Promise<FlowRecord>;
  listRecords(flowId?: string): Promise<FlowRecord[]>;
  /** Every transcript line since an ISO time, by conversation then order (reports). */
  messagesSince(since: string): Promise<StoredMessage[]>;
  /** What a channel needs to message a conversation later (e.g. a Bot Framework conversation reference). */
  saveChannelRef(conversationId: string, ref: unknown): Promise<void>;
  channelRef(conversationId: string): Promise<unknown>;
  setTicketRating(id: string, rating: number): Promise<void>;
  /** The conversation's queued or claimed ticket, if any. */
  openTicketFor(conversationId: string): Promise<HandoffTicket | undefined>;
  /** 1 for the oldest queued ticket, counting only queued ones. */
  queuePosition(id: string): Promise<number>;
  markTicketNotified(id: string, at: Date): Promise<void>;
  /**
   * Retention: deletes transcripts, conversation state, flow records, channel refs and old
   * inbox/outbox/delivery rows from before `cutoff`, and strips closed tickets of their customer
   * and text (their status, times, agent and CSAT stay for the figures). Conversations with an
   * open (queued or claimed) ticket are left alone. One batch per call: call again while `more`.
   */
  purgeOlderThan(cutoff: Date, options?: PurgeOptions): Promise<PurgeResult>;
  /** Right to erasure: deletes every row of the customer's conversations, tickets and records, in one transaction. */
  forgetCustomer(keys: CustomerKeys): Promise<ForgetResult>;
  /** Right of access: everything stored about the customer (empty lists when nothing matches). */
  exportCustomer(keys: CustomerKeys): Promise<CustomerData>;
  /** Records what an agent or operator did (in the caller's transaction when there is one). */
  audit(entry: Omit<AuditEntry, 'at'> & { readonly at?: string }): Promise<void>;
  /** Audit rows from `since` (ISO time), oldest first. */
  auditLog(query?: { readonly since?: string; readonly limit?: number }): Promise<AuditEntry[]>;
  /** What is waiting, for monitoring (`GET /metrics`, `/healthz`): a few counting queries, no row content. */
  queueDepths(): Promise<QueueDepths>;
  /** The agent console's accounts, sessions and notes (in the same database). */
  consoleStore(): ConsoleStore;
  /**
   * Runs `fn` as one atomic unit: every write made through `tx` lands together or not at all (a
   * throw rolls all back). Calls through `tx` belong to the transaction; calls through the store
   * itself from other work wait for it (SQLite) or use another connection (PostgreSQL). Inside
   * `fn`, `tx.atomically` runs its function in the same transaction.
   */
  atomically<T>(fn: (tx: ConversationStore) => Promise<T>): Promise<T>;
  /**
   * Inside `atomically`: holds this conversation until the transaction ends, so turns of one
   * conversation run one at a time across processes (PostgreSQL: a transaction-scoped advisory
   * lock; SQLite: its single writer already does).
   */
  lockConversation(conversationId: string): Promise<void>;
  /**
   * Work that must run on one process only (Telegram polling, timers): true when `owner` holds the
   * lease `name` until `now + ttlMs` (taken when free or expired, renewed when already its own,
   * and taken over from a holder `takeOverFrom` names, e.g. a process on this host that died).
   */
  holdLeadership(name: string, owner: string, ttlMs: number, now?: Date, takeOverFrom?: (holder: string) => boolean): Promise<boolean>;
  /** Gives the lease up at once (a clean stop), so another process takes over without waiting. */
  releaseLeadership(name: string, owner: string): Promise<void>;
  /**
   * Leases whose name starts with `prefix` that ran out by `now` and were not given up: the
   * heartbeats (`alive:<owner>`) of processes that died, whose outbox leases others may free.
   */
  expiredLeases(prefix: string, now?: Date): Promise<{ readonly name: string; readonly until: string }[]>;
  /** Which engine this is, for logs and health: 'sqlite' or 'postgres'. */
  readonly kind: 'sqlite' | 'postgres';
  close(): Promise<void>;
}
