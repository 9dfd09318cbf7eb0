import type { AgentAccount, ConsoleRole, ConsoleSession, ConsoleStore, TicketNote } from './console-store';
import { cleanText, type Session } from './postgres-session';

interface AgentRow {
  name: string;
  role: ConsoleRole;
  password_hash: string;
  created_at: string;
}

const toAccount = (row: AgentRow): AgentAccount => ({ name: row.name, role: row.role, passwordHash: row.password_hash, createdAt: row.created_at });

/** Failures older than a day count for nothing: dropped as new ones come in. */
const FAILURE_MEMORY_MS = 24 * 3600_000;

/**
 * The agent console's tables in PostgreSQL (see `PostgresStore.consoleStore`). Agent names match
 * whatever their case, as in SQLite (`lower(name)`; SQLite folds ASCII letters only).
 */
export class PostgresConsoleStore implements ConsoleStore {
  constructor(private readonly db: Session) {}

  async addAgent(account: AgentAccount): Promise<boolean> {
    const result = await this.db.query(`INSERT INTO console_agents (name, role, password_hash, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [
      cleanText(account.name),
      account.role,
      account.passwordHash,
      account.createdAt,
    ]);
    return (result.rowCount ?? 0) > 0;
  }

  async agent(name: string): Promise<AgentAccount | undefined> {
    const row = (await this.db.query<AgentRow>(`SELECT * FROM console_agents WHERE lower(name) = lower($1)`, [name])).rows.at(0);
    return row && toAccount(row);
  }

  async agents(): Promise<AgentAccount[]> {
    return (await this.db.query<AgentRow>(`SELECT * FROM console_agents ORDER BY lower(name) COLLATE "C", name COLLATE "C"`)).rows.map(toAccount);
  }

  async removeAgent(name: string): Promise<boolean> {
    const result = await this.db.query(
      `WITH ended AS (DELETE FROM console_sessions WHERE lower(agent) = lower($1))
       DELETE FROM console_agents WHERE lower(name) = lower($1)`,
      [name],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async setPassword(name: string, passwordHash: string): Promise<boolean> {
    // A new password ends every session opened with the old one.
    const result = await this.db.query(
      `WITH ended AS (DELETE FROM console_sessions WHERE lower(agent) = lower($2))
       UPDATE console_agents SET password_hash = $1 WHERE lower(name) = lower($2)`,
      [passwordHash, name],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async createSession(session: Omit<ConsoleSession, 'role'>): Promise<void> {
    await this.db.query(
      `WITH pruned AS (DELETE FROM console_sessions WHERE expires_at <= $4)
       INSERT INTO console_sessions (token_hash, agent, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
      [session.tokenHash, session.agent, session.csrf, session.createdAt, session.expiresAt],
    );
  }

  async session(tokenHash: string, now: Date): Promise<ConsoleSession | undefined> {
    const row = (
      await this.db.query<{ token_hash: string; agent: string; role: ConsoleRole; csrf: string; created_at: string; expires_at: string }>(
        `SELECT s.token_hash, a.name AS agent, a.role, s.csrf, s.created_at, s.expires_at FROM console_sessions s
         JOIN console_agents a ON lower(a.name) = lower(s.agent) WHERE s.token_hash = $1 AND s.expires_at > $2`,
        [tokenHash, now.toISOString()],
      )
    ).rows.at(0);
    return row && { tokenHash: row.token_hash, agent: row.agent, role: row.role, csrf: row.csrf, createdAt: row.created_at, expiresAt: row.expires_at };
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.query(`DELETE FROM console_sessions WHERE token_hash = $1`, [tokenHash]);
  }

  async recordFailedLogin(key: string, at: Date): Promise<void> {
    await this.db.query(
      `WITH pruned AS (DELETE FROM console_login_failures WHERE at < $3)
       INSERT INTO console_login_failures (key, at) VALUES ($1, $2)`,
      [cleanText(key), at.toISOString(), new Date(at.getTime() - FAILURE_MEMORY_MS).toISOString()],
    );
  }

  async failedLogins(key: string, since: Date): Promise<number> {
    const row = (await this.db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM console_login_failures WHERE key = $1 AND at >= $2`, [key, since.toISOString()]))
      .rows[0];
    return row.n;
  }

  async clearFailedLogins(key: string): Promise<void> {
    await this.db.query(`DELETE FROM console_login_failures WHERE key = $1`, [key]);
  }

  async forgetFailedLogin(key: string, at: Date): Promise<void> {
    await this.db.query(`DELETE FROM console_login_failures WHERE id = (SELECT id FROM console_login_failures WHERE key = $1 AND at = $2 LIMIT 1)`, [
      key,
      at.toISOString(),
    ]);
  }

  async addNote(note: Omit<TicketNote, 'id'>): Promise<TicketNote> {
    const row = (
      await this.db.query<{ id: number }>(`INSERT INTO console_notes (ticket_id, agent, text, created_at) VALUES ($1, $2, $3, $4) RETURNING id`, [
        note.ticketId,
        note.agent,
        cleanText(note.text),
        note.at,
      ])
    ).rows[0];
    return { id: row.id, ...note };
  }

  async notes(ticketId: string): Promise<TicketNote[]> {
    return (
      await this.db.query<TicketNote>(`SELECT id, ticket_id AS "ticketId", agent, text, created_at AS at FROM console_notes WHERE ticket_id = $1 ORDER BY id`, [
        ticketId,
      ])
    ).rows;
  }

  async changeMark(): Promise<string> {
    const row = (
      await this.db.query<{ mark: string }>(
        `SELECT (SELECT COALESCE(MAX(id), 0) FROM messages) || '|' ||
           (SELECT COUNT(*) || ':' || COALESCE(string_agg(id || status || COALESCE(agent, ''), ',' ORDER BY seq), '') FROM tickets WHERE status IN ('queued', 'claimed')) || '|' ||
           (SELECT COALESCE(MAX(seq), 0) FROM tickets) || '|' || (SELECT COALESCE(MAX(id), 0) FROM console_notes) AS mark`,
      )
    ).rows[0];
    return row.mark;
  }
}
