import { existsSync, watch, type FSWatcher } from 'node:fs';
import type { Engine } from '../engine/engine';
import { checkFlows } from '../flows/loader';
import { formatProblem } from '../knowledge/errors';
import { checkKnowledge } from '../knowledge/loader';
import type { Logger } from '../logging/logger';

export interface LiveReloadOptions {
  readonly kbDir: string;
  readonly flowsDir: string;
  readonly engine: Engine;
  readonly log: Logger;
  /** Quiet time after the last change before reloading (default 150 ms; editors save in bursts). */
  readonly debounceMs?: number;
  /** Called after each attempt (tests wait on it). */
  readonly onReload?: (ok: boolean) => void;
}

/**
 * Watches the knowledge and flows folders and swaps a valid edit into the running engine within
 * a second, without a restart. An invalid edit is logged with file:line and how to fix it, and the
 * last good version keeps serving. Turns in progress finish with the version they started with.
 */
export function watchForChanges(options: LiveReloadOptions): { close(): void } {
  const { kbDir, flowsDir, engine, log } = options;
  let timer: NodeJS.Timeout | undefined;
  const reload = (): void => {
    try {
      const knowledge = checkKnowledge([kbDir]);
      const flows = knowledge.kb ? checkFlows(flowsDir, knowledge.kb) : { flows: [], problems: [] };
      const problems = [...knowledge.problems, ...flows.problems].filter((p) => p.severity === 'error');
      if (!knowledge.kb || problems.length > 0) {
        for (const p of problems) log.error({ problem: formatProblem(p) }, `not reloaded: ${formatProblem(p)}`);
        log.warn('the last good knowledge base keeps serving until the files are fixed');
        options.onReload?.(false);
        return;
      }
      engine.reload(knowledge.kb, flows.flows);
      log.info({ entries: knowledge.kb.entries.length, flows: flows.flows.length }, 'knowledge base reloaded');
      options.onReload?.(true);
    } catch (error) {
      log.error({ err: error }, 'reload failed; the last good knowledge base keeps serving');
      options.onReload?.(false);
    }
  };
  const schedule = (_event: string, file: string | null): void => {
    if (file && !/\.ya?ml$/i.test(file)) return;
    clearTimeout(timer);
    timer = setTimeout(reload, options.debounceMs ?? 150);
  };
  const watchers: FSWatcher[] = [];
  for (const dir of [kbDir, flowsDir]) {
    if (!existsSync(dir)) continue;
    try {
      watchers.push(watch(dir, { persistent: false }, schedule));
    } catch (error) {
      log.warn({ err: error, dir }, 'cannot watch folder; changes there need a restart');
    }
  }
  return {
    close: () => {
      clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
