/** Who may do what in the agent console: agents answer tickets; admins also see the dashboard, the playground and the accounts. */
export const CONSOLE_ROLES = ['agent', 'admin'] as const;
export type ConsoleRole = (typeof CONSOLE_ROLES)[number];

/** An agent's console account. The password is kept only as a scrypt hash (see src/console/passwords.ts). */
export interface AgentAccount {
  /** The name customers see ("Rina") and the audit log records; unique, case-insensitive. */
  readonly name: string;
  readonly role: ConsoleRole;
  readonly passwordHash: string;
  readonly createdAt: string;
}

/** A signed-in browser. Only a SHA-256 of the cookie's token is stored, so a copy of the database opens no session. */
export interface ConsoleSession {
  readonly tokenHash: string;
  readonly agent: string;
  readonly role: ConsoleRole;
  /** The value every change must carry (header `x-csrf-token` or form field `_csrf`). */
  readonly csrf: string;
  readonly createdAt: string;
  readonly expiresAt: string;
}

/** An agents-only note on a ticket; never sent to the customer. */
export interface TicketNote {
  readonly id: number;
  readonly ticketId: string;
  readonly agent: string;
  readonly text: string;
  readonly at: string;
}

/** Accounts, sessions, failed logins and internal notes of the agent console. */
export interface ConsoleStore {
  /** Adds an account; false when the name is taken. */
  addAgent(account: AgentAccount): Promise<boolean>;
  agent(name: string): Promise<AgentAccount | undefined>;
  agents(): Promise<AgentAccount[]>;
  /** Removes the account and its sessions; false when there was none. */
  removeAgent(name: string): Promise<boolean>;
  setPassword(name: string, passwordHash: string): Promise<boolean>;
  createSession(session: Omit<ConsoleSession, 'role'>): Promise<void>;
  /** The session with this token hash, when it has not expired at `now` (its account's current role). */
  session(tokenHash: string, now: Date): Promise<ConsoleSession | undefined>;
  deleteSession(tokenHash: string): Promise<void>;
  /** Records a failed login for `key` (a name or an address). */
  recordFailedLogin(key: string, at: Date): Promise<void>;
  /** Failed logins for `key` since `since`. */
  failedLogins(key: string, since: Date): Promise<number>;
  /** Forgets the failed logins for `key` (after a successful login). */
  clearFailedLogins(key: string): Promise<void>;
  /** Forgets one failed login of `key` recorded at `at` (an attempt counted before its check, which succeeded). */
  forgetFailedLogin(key: string, at: Date): Promise<void>;
  addNote(note: Omit<TicketNote, 'id'>): Promise<TicketNote>;
  notes(ticketId: string): Promise<TicketNote[]>;
  /**
   * A short text that changes whenever a ticket opens, changes hands or closes, a message is
   * recorded or a note added (a few counting queries; the inbox's live feed compares it).
   */
  changeMark(): Promise<string>;
}
