import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { HttpRequest } from '../server/http-server';
import { headerValue } from '../server/secrets';
import type { AgentAccount, ConsoleRole, ConsoleSession, ConsoleStore } from '../storage/console-store';
import { readCookies, SESSION_COOKIE } from './cookies';
import { DUMMY_HASH, verifyPassword } from './passwords';

/** How long a sign-in lasts (default 12 hours: one working day). */
export const SESSION_HOURS = 12;
/** Failed logins allowed per name from one address within `LOGIN_WINDOW_MINUTES`; the next one is refused (429), right password or not. */
export const MAX_FAILED_LOGINS = 10;
/** Failed logins allowed per address (an office shares one behind its router) within the window. */
export const MAX_FAILED_LOGINS_PER_ADDRESS = 50;
/** Failed logins allowed per name from all addresses together: guessing spread over many addresses stays slow. */
export const MAX_FAILED_LOGINS_PER_NAME = 100;
export const LOGIN_WINDOW_MINUTES = 15;
/** Password checks (scrypt, 32 MiB each) run at once; more sign-ins at the same moment are refused (429). */
export const MAX_CONCURRENT_LOGINS = 4;

export type LoginOutcome =
  { readonly ok: true; readonly token: string; readonly session: ConsoleSession } | { readonly ok: false; readonly error: 'wrong' | 'limited' };

/** Who is signed in: the stored session of the request's cookie. */
export interface Signed {
  readonly agent: string;
  readonly role: ConsoleRole;
  readonly csrf: string;
  readonly tokenHash: string;
}

export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** True when two secrets are equal, compared in constant time. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/**
 * Sign-in, sessions and CSRF tokens of the agent console. Sessions live in the database (a restart
 * keeps agents signed in; removing an account ends its sessions); failed logins are counted there
 * too, per name and per address, so guessing is slow from any number of processes.
 */
export class ConsoleAuth {
  /** Password checks running now. */
  private checking = 0;
  /** The tail of the sign-in attempts' count-and-record steps (see `login`). */
  private counting: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: ConsoleStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async login(name: string, password: string, address: string): Promise<LoginOutcome> {
    const now = this.now();
    const since = new Date(now.getTime() - LOGIN_WINDOW_MINUTES * 60_000);
    const who = name.trim().toLowerCase();
    // Per name and address (a colleague's typos never lock out the others), per address, per name.
    const limits: readonly (readonly [string, number])[] = [
      [`name:${who}@${address}`, MAX_FAILED_LOGINS],
      [`ip:${address}`, MAX_FAILED_LOGINS_PER_ADDRESS],
      [`name:${who}`, MAX_FAILED_LOGINS_PER_NAME],
    ];
    if (this.checking >= MAX_CONCURRENT_LOGINS) return { ok: false, error: 'limited' };
    this.checking++;
    let account: AgentAccount | undefined;
    let right: boolean;
    try {
      // Counted as failed before the slow check and forgotten on success; the count and the
      // record run one attempt at a time, so guesses sent side by side see each other's count
      // instead of all passing the limit at once.
      const allowed = await this.oneAtATime(async () => {
        for (const [key, max] of limits) if ((await this.store.failedLogins(key, since)) >= max) return false;
        for (const [key] of limits) await this.store.recordFailedLogin(key, now);
        return true;
      });
      if (!allowed) return { ok: false, error: 'limited' };
      account = await this.store.agent(name.trim());
      // An unknown name costs a scrypt too, so timing does not tell which names exist.
      right = await verifyPassword(password, account?.passwordHash ?? DUMMY_HASH);
    } finally {
      this.checking--;
    }
    if (!account || !right) return { ok: false, error: 'wrong' };
    for (const [key] of limits) await this.store.forgetFailedLogin(key, now);
    await this.store.clearFailedLogins(limits[0][0]);
    const token = randomBytes(32).toString('base64url');
    const session = {
      tokenHash: tokenHash(token),
      agent: account.name,
      csrf: randomBytes(24).toString('base64url'),
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + SESSION_HOURS * 3600_000).toISOString(),
    };
    await this.store.createSession(session);
    return { ok: true, token, session: { ...session, role: account.role } };
  }

  private oneAtATime<T>(step: () => Promise<T>): Promise<T> {
    const run = this.counting.then(step);
    this.counting = run.catch(() => undefined);
    return run;
  }

  /** The signed-in agent of a request (by its session cookie), if any. */
  async signed(request: Pick<HttpRequest, 'headers'>): Promise<Signed | undefined> {
    const token = readCookies(request.headers).get(SESSION_COOKIE);
    if (!token) return undefined;
    const session = await this.store.session(tokenHash(token), this.now());
    return session && { agent: session.agent, role: session.role, csrf: session.csrf, tokenHash: session.tokenHash };
  }

  async logout(signed: Signed): Promise<void> {
    await this.store.deleteSession(signed.tokenHash);
  }
}

/** The CSRF token a change carries: the `x-csrf-token` header, or the `_csrf` field of a form. */
export function csrfOf(request: HttpRequest): string {
  const header = headerValue(request.headers['x-csrf-token']);
  if (header) return header;
  if ((headerValue(request.headers['content-type']) ?? '').startsWith('application/x-www-form-urlencoded')) {
    return new URLSearchParams(request.body.toString('utf8')).get('_csrf') ?? '';
  }
  return '';
}

/** A change is allowed when its CSRF token is the session's and, if the browser names an origin, it is this server's. */
export function changeAllowed(request: HttpRequest, signed: Signed): boolean {
  const origin = headerValue(request.headers.origin);
  if (origin !== undefined && originHost(origin) !== headerValue(request.headers.host)) return false;
  return sameSecret(csrfOf(request), signed.csrf);
}

/** The host:port of an Origin header, or undefined when it is not a URL ("null"). */
export function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}
