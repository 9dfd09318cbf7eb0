import type { KnowledgeBase } from '../knowledge/schema';

/** Most problems a failed reload keeps (its first ones). */
const KEPT_PROBLEMS = 20;

/** Why the last reload was refused. */
export interface ReloadFailure {
  readonly at: Date;
  /** How many problems (errors) the files had; 0 when the reload itself failed. */
  readonly problemCount: number;
  /** The first problems as `file:line:col: message`, or the failure's message. */
  readonly problems: readonly string[];
}

/** The knowledge a running engine answers with, and how its reloads went (for /healthz and /metrics). */
export class KnowledgeStatus {
  /** Entries of the version being served. */
  entries: number;
  /** Flows of the version being served (undefined until known). */
  flows: number | undefined;
  /** When the version being served was loaded (at start or by the last good reload). */
  loadedAt: Date;
  /** The last reload attempt, good or bad. */
  lastReloadAt: Date | undefined;
  /** Set while the last reload attempt failed (the previous version keeps serving). */
  lastFailure: ReloadFailure | undefined;
  /** Reload attempts so far. */
  readonly reloads = { ok: 0, failed: 0 };
  /** True when the engine serves channels over the HTTP server (`runBot`), false in the terminal chat. */
  served = false;

  constructor(kb: KnowledgeBase, at: Date = new Date()) {
    this.entries = kb.entries.length;
    this.flows = undefined;
    this.loadedAt = at;
  }

  /** The version being served at start. */
  started(kb: KnowledgeBase, flows: number, at: Date = new Date()): void {
    this.entries = kb.entries.length;
    this.flows = flows;
    this.loadedAt = at;
  }

  reloaded(kb: KnowledgeBase, flows: number, at: Date = new Date()): void {
    this.started(kb, flows, at);
    this.lastReloadAt = at;
    this.lastFailure = undefined;
    this.reloads.ok += 1;
  }

  /** A refused reload: `problems` formatted (`formatProblem`), or the failure's message. */
  failed(problems: readonly string[], problemCount: number, at: Date = new Date()): void {
    this.lastReloadAt = at;
    this.lastFailure = { at, problemCount, problems: problems.slice(0, KEPT_PROBLEMS) };
    this.reloads.failed += 1;
  }
}

/** One status per engine (an object key: several bots in one process keep theirs apart). */
const statuses = new WeakMap<object, KnowledgeStatus>();

/** Makes `status` the one `knowledgeStatus(engine)` returns (the app does this when it starts a bot). */
export function trackKnowledge(engine: { readonly kb: KnowledgeBase }, status: KnowledgeStatus): void {
  statuses.set(engine, status);
}

/** The knowledge status of an engine, created on first use from the knowledge it serves. */
export function knowledgeStatus(engine: { readonly kb: KnowledgeBase }): KnowledgeStatus {
  let status = statuses.get(engine);
  if (!status) {
    status = new KnowledgeStatus(engine.kb);
    statuses.set(engine, status);
  }
  return status;
}
