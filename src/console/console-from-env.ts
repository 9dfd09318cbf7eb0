import { ChannelConfigError } from '../channels/channel';
import type { AgentDesk } from '../engine/agent-desk';
import type { LoadedFlow } from '../flows/loader';
import type { KnowledgeBase } from '../knowledge/schema';
import type { Logger } from '../logging/logger';
import type { HttpServer } from '../server/http-server';
import type { ConversationStore } from '../storage/store';
import { AgentConsole } from './agent-console';

export interface ConsoleEnv {
  /** `1` serves the agent console at /console. */
  readonly CONSOLE?: string;
  /** `1` marks the console's cookies Secure (the console is reached over HTTPS only). */
  readonly CONSOLE_SECURE_COOKIES?: string;
  readonly CONSOLE_TRUST_PROXY?: string;
}

export interface ConsoleParts {
  readonly store: ConversationStore;
  readonly desk: AgentDesk;
  readonly server: HttpServer;
  readonly kb: () => KnowledgeBase;
  readonly flows: () => readonly LoadedFlow[];
  readonly log: Logger;
  readonly now?: () => Date;
  readonly livePollMs?: number;
}

/** The agent console when `CONSOLE=1` (accounts: `tanya agents add NAME`), else undefined. */
export function consoleFromEnv(env: ConsoleEnv, parts: ConsoleParts): AgentConsole | undefined {
  if (env.CONSOLE?.trim() !== '1') return undefined;
  const accounts = parts.store.consoleStore?.();
  if (!accounts) throw new ChannelConfigError('CONSOLE=1 needs the SQLite store (the console keeps its accounts and sessions there)');
  if (accounts.agents().length === 0) {
    parts.log.warn('agent console has no accounts yet: add one with "tanya agents add NAME --admin"');
  }
  return new AgentConsole({
    ...parts,
    accounts,
    log: parts.log.child({ part: 'console' }),
    secureCookies: env.CONSOLE_SECURE_COOKIES?.trim() === '1',
    trustProxy: env.CONSOLE_TRUST_PROXY?.trim() === '1' || env.CONSOLE_TRUST_PROXY?.trim() === 'true',
  });
}
