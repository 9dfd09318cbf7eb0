import type Database from 'better-sqlite3';
import type { AgentAccount, ConsoleRole, ConsoleSession, TicketNote } from './console-store';

/** The agent console's tables (added by the console; the tables of conversations and tickets are untouched). */
export const CONSOLE_SCHEMA = `
CREATE TABLE IF NOT EXISTS console_agents (
  name TEXT PRIMARY KEY COLLATE NOCASE,
  role TEXT NOT NULL CHECK (role IN ('agent', 'admin')),
  password_hash TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS console_sessions (
  token_hash TEXT PRIMARY KEY,
  agent TEXT NOT NULL COLLATE NOCASE,
  csrf TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS console_login_failures (
  key TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS console_login_failures_by_key ON console_login_failures (key, at);
CREATE TABLE IF NOT EXISTS console_notes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  ticket_id TEXT NOT NULL,
  agent TEXT NOT NULL,
  text TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS console_notes_by_ticket ON console_notes (ticket_id, id);
-- Notes speak about a customer: they go when the ticket is erased (tanya forget) or stripped of its
-- customer (retention), whoever does it, without the privacy code having to know the console.
CREATE TRIGGER IF NOT EXISTS console_notes_forgotten AFTER DELETE ON tickets
BEGIN DELETE FROM console_notes WHERE ticket_id = OLD.id; END;
-- (Keyed on customer_id, a column of the first schema, so no later column is tied to the console.)
CREATE TRIGGER IF NOT EXISTS console_notes_stripped AFTER UPDATE OF customer_id ON tickets
WHEN NEW.customer_id = 'anonymized' AND OLD.customer_id <> 'anonymized'
BEGIN DELETE FROM console_notes WHERE ticket_id = NEW.id; END;
`;

interface AgentRow {
  name: string;
  role: ConsoleRole;
  password_hash: string;
  created_at: string;
}

const toAccount = (row: AgentRow): AgentAccount => ({ name: row.name, role: row.role, passwordHash: row.password_hash, createdAt: row.created_at });

/** The console's tables in the bot's SQLite file (see `SqliteStore.consoleStore`). */
export class SqliteConsoleStore {
  private readonly stmts;

  constructor(private readonly db: Database.Database) {
    this.stmts = {
      addAgent: db.prepare(`INSERT OR IGNORE INTO console_agents (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)`),
      agent: db.prepare(`SELECT * FROM console_agents WHERE name = ?`),
      agents: db.prepare(`SELECT * FROM console_agents ORDER BY name`),
      removeAgent: db.prepare(`DELETE FROM console_agents WHERE name = ?`),
      removeSessionsOf: db.prepare(`DELETE FROM console_sessions WHERE agent = ?`),
      setPassword: db.prepare(`UPDATE console_agents SET password_hash = ? WHERE name = ?`),
      createSession: db.prepare(`INSERT INTO console_sessions (token_hash, agent, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`),
      session: db.prepare(
        `SELECT s.token_hash, a.name AS agent, a.role, s.csrf, s.created_at, s.expires_at FROM console_sessions s
         JOIN console_agents a ON a.name = s.agent WHERE s.token_hash = ? AND s.expires_at > ?`,
      ),
      deleteSession: db.prepare(`DELETE FROM console_sessions WHERE token_hash = ?`),
      pruneSessions: db.prepare(`DELETE FROM console_sessions WHERE expires_at <= ?`),
      recordFailure: db.prepare(`INSERT INTO console_login_failures (key, at) VALUES (?, ?)`),
      failures: db.prepare(`SELECT COUNT(*) AS n FROM console_login_failures WHERE key = ? AND at >= ?`),
      clearFailures: db.prepare(`DELETE FROM console_login_failures WHERE key = ?`),
      forgetFailure: db.prepare(`DELETE FROM console_login_failures WHERE rowid = (SELECT rowid FROM console_login_failures WHERE key = ? AND at = ? LIMIT 1)`),
      pruneFailures: db.prepare(`DELETE FROM console_login_failures WHERE at < ?`),
      addNote: db.prepare(`INSERT INTO console_notes (ticket_id, agent, text, created_at) VALUES (?, ?, ?, ?)`),
      notes: db.prepare(`SELECT id, ticket_id AS ticketId, agent, text, created_at AS at FROM console_notes WHERE ticket_id = ? ORDER BY id`),
      changeMark: db.prepare(
        `SELECT (SELECT COALESCE(MAX(id), 0) FROM messages) || '|' ||
           (SELECT COUNT(*) || ':' || COALESCE(group_concat(id || status || COALESCE(agent, ''), ','), '') FROM tickets WHERE status IN ('queued', 'claimed')) || '|' ||
           (SELECT COALESCE(MAX(seq), 0) FROM tickets) || '|' || (SELECT COALESCE(MAX(id), 0) FROM console_notes) AS mark`,
      ),
    };
  }

  addAgent(account: AgentAccount): boolean {
    return this.stmts.addAgent.run(account.name, account.role, account.passwordHash, account.createdAt).changes > 0;
  }

  agent(name: string): AgentAccount | undefined {
    const row = this.stmts.agent.get(name) as AgentRow | undefined;
    return row && toAccount(row);
  }

  agents(): AgentAccount[] {
    return (this.stmts.agents.all() as AgentRow[]).map(toAccount);
  }

  removeAgent(name: string): boolean {
    return this.db.transaction(() => {
      this.stmts.removeSessionsOf.run(name);
      return this.stmts.removeAgent.run(name).changes > 0;
    })();
  }

  setPassword(name: string, passwordHash: string): boolean {
    return this.db.transaction(() => {
      // A new password ends every session opened with the old one.
      this.stmts.removeSessionsOf.run(name);
      return this.stmts.setPassword.run(passwordHash, name).changes > 0;
    })();
  }

  createSession(session: Omit<ConsoleSession, 'role'>): void {
    this.stmts.pruneSessions.run(session.createdAt);
    this.stmts.createSession.run(session.tokenHash, session.agent, session.csrf, session.createdAt, session.expiresAt);
  }

  session(tokenHash: string, now: Date): ConsoleSession | undefined {
    const row = this.stmts.session.get(tokenHash, now.toISOString()) as
      { token_hash: string; agent: string; role: ConsoleRole; csrf: string; created_at: string; expires_at: string } | undefined;
    return row && { tokenHash: row.token_hash, agent: row.agent, role: row.role, csrf: row.csrf, createdAt: row.created_at, expiresAt: row.expires_at };
  }

  deleteSession(tokenHash: string): void {
    this.stmts.deleteSession.run(tokenHash);
  }

  recordFailedLogin(key: string, at: Date): void {
    // Failures older than a day count for nothing: dropped as new ones come in.
    this.stmts.pruneFailures.run(new Date(at.getTime() - 24 * 3600_000).toISOString());
    this.stmts.recordFailure.run(key, at.toISOString());
  }

  failedLogins(key: string, since: Date): number {
    return (this.stmts.failures.get(key, since.toISOString()) as { n: number }).n;
  }

  clearFailedLogins(key: string): void {
    this.stmts.clearFailures.run(key);
  }

  forgetFailedLogin(key: string, at: Date): void {
    this.stmts.forgetFailure.run(key, at.toISOString());
  }

  addNote(note: Omit<TicketNote, 'id'>): TicketNote {
    const id = Number(this.stmts.addNote.run(note.ticketId, note.agent, note.text, note.at).lastInsertRowid);
    return { id, ...note };
  }

  changeMark(): string {
    return (this.stmts.changeMark.get() as { mark: string }).mark;
  }

  notes(ticketId: string): TicketNote[] {
    return this.stmts.notes.all(ticketId) as TicketNote[];
  }
}
