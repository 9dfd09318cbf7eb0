import type { HttpResponse } from '../server/http-server';
import type { ConversationStore } from '../storage/store';
import type { ComponentHealth, ComponentReport } from './component-health';
import { safeErrorText } from './error-text';
import type { KnowledgeStatus } from './knowledge-status';

/** Problems of a refused reload shown in /healthz (all of them are in the log). */
const SHOWN_PROBLEMS = 3;

export interface HealthSources {
  readonly store: ConversationStore;
  readonly knowledge: KnowledgeStatus;
  readonly channels: ComponentHealth;
  readonly destinations: ComponentHealth;
}

/** The body of GET /healthz: small, no customer data. */
export interface HealthBody {
  /** "ok"; "degraded" when a channel or destination fails or the last reload was refused; "down" when the database does not answer. */
  /** `starting`: a channel is not taking messages yet (a load balancer sends nothing here until it does). */
  readonly status: 'ok' | 'degraded' | 'starting' | 'down';
  readonly store: { readonly ok: true } | { readonly ok: false; readonly error: string };
  readonly channels: readonly ComponentReport[];
  readonly destinations?: readonly ComponentReport[];
  readonly knowledge: {
    readonly entries: number;
    readonly flows?: number;
    readonly loadedAt: string;
    readonly lastReloadAt?: string;
    /** While the last reload is refused: its problems (the previous version keeps serving). */
    readonly lastReloadError?: { readonly at: string; readonly problemCount: number; readonly problems: readonly string[] };
  };
}

/** 200 while the database answers a query and every channel has started, else 503; the body says what else is wrong. */
export async function healthCheck(sources: HealthSources): Promise<HttpResponse> {
  let store: HealthBody['store'];
  try {
    await sources.store.queueDepths();
    store = { ok: true };
  } catch (error) {
    store = { ok: false, error: safeErrorText(error) };
  }
  const channels = sources.channels.reports();
  const destinations = sources.destinations.reports();
  const k = sources.knowledge;
  const failing = [...channels, ...destinations].some((c) => c.state !== 'started') || k.lastFailure !== undefined;
  const starting = channels.some((c) => c.state === 'starting');
  const body: HealthBody = {
    status: !store.ok ? 'down' : starting ? 'starting' : failing ? 'degraded' : 'ok',
    store,
    channels,
    ...(destinations.length > 0 ? { destinations } : {}),
    knowledge: {
      entries: k.entries,
      ...(k.flows !== undefined ? { flows: k.flows } : {}),
      loadedAt: k.loadedAt.toISOString(),
      ...(k.lastReloadAt ? { lastReloadAt: k.lastReloadAt.toISOString() } : {}),
      ...(k.lastFailure
        ? {
            lastReloadError: {
              at: k.lastFailure.at.toISOString(),
              problemCount: k.lastFailure.problemCount,
              problems: k.lastFailure.problems.slice(0, SHOWN_PROBLEMS).map((p) => p.slice(0, 300)),
            },
          }
        : {}),
    },
  };
  return { status: store.ok && !starting ? 200 : 503, body, headers: { 'cache-control': 'no-store' } };
}
