import { AgentConsole, type AgentConsoleOptions } from './agent-console';

export interface ConsoleEnv {
  /** `1` serves the agent console at /console. */
  readonly CONSOLE?: string;
  /** `1` marks the console's cookies Secure (the console is reached over HTTPS only). */
  readonly CONSOLE_SECURE_COOKIES?: string;
  readonly CONSOLE_TRUST_PROXY?: string;
}

/** What the console is built from besides the environment's settings. */
export type ConsoleParts = Omit<AgentConsoleOptions, 'accounts' | 'secureCookies' | 'trustProxy'>;

/** The agent console when `CONSOLE=1` (accounts: `tanya agents add NAME`), else undefined. */
export function consoleFromEnv(env: ConsoleEnv, parts: ConsoleParts): AgentConsole | undefined {
  if (env.CONSOLE?.trim() !== '1') return undefined;
  // Accounts and sessions live in the bot's database (SQLite or PostgreSQL), so every process shares them.
  const accounts = parts.store.consoleStore();
  return new AgentConsole({
    ...parts,
    accounts,
    log: parts.log.child({ part: 'console' }),
    secureCookies: env.CONSOLE_SECURE_COOKIES?.trim() === '1',
    trustProxy: env.CONSOLE_TRUST_PROXY?.trim() === '1' || env.CONSOLE_TRUST_PROXY?.trim() === 'true',
  });
}
