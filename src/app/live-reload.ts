import { existsSync, watch, type FSWatcher } from 'node:fs';
import { join, relative } from 'node:path';
import type { Engine } from '../engine/engine';
import { checkFlows } from '../flows/loader';
import { formatProblem } from '../knowledge/errors';
import { checkKnowledge } from '../knowledge/loader';
import type { Logger } from '../logging/logger';
import { safeErrorText } from '../metrics/error-text';
import { knowledgeStatus } from '../metrics/knowledge-status';

/** Where reload notices for a person go (the terminal: stderr by default). */
export interface TerminalOut {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface LiveReloadOptions {
  readonly kbDir: string;
  readonly flowsDir: string;
  readonly engine: Engine;
  readonly log: Logger;
  /** Quiet time after the last change before reloading (default 150 ms; editors save in bursts). */
  readonly debounceMs?: number;
  /** Called after each attempt (tests wait on it). */
  readonly onReload?: (ok: boolean) => void;
  /**
   * Where the plain notice of each reload is printed (default: stderr); false: nowhere. A bot
   * serving channels prints it only when this is a terminal (a log collector reads the JSON lines).
   */
  readonly terminal?: TerminalOut | false;
  /**
   * True when the terminal chat is the channel: notices only, printed on a line of their own and
   * followed by the prompt again, and no JSON log lines (they would land in the chat). Default:
   * true unless the engine serves channels (`runBot`).
   */
  readonly chat?: boolean;
  /** Paths in notices and problems are shown relative to this folder (default: the working directory). */
  readonly cwd?: string;
}

/** Problems of a refused reload printed in full; the rest are counted. */
const PRINTED_PROBLEMS = 20;

/** `✓ …: 49 entri, 4 alur (knowledge/faq.yaml)`: the one line a good reload prints. */
export function reloadedNotice(entries: number, flows: number, files: readonly string[]): string {
  const where = files.length === 0 ? '' : ` (${files.length <= 3 ? files.join(', ') : `${files.slice(0, 3).join(', ')}, +${files.length - 3}`})`;
  return `✓ Pengetahuan dimuat ulang / knowledge reloaded: ${entries} entri, ${flows} alur${where}`;
}

/** A refused reload: what is wrong, where (`file:line:col`, as `tanya check` prints it), and that the old version keeps answering. */
export function refusedNotice(problems: readonly string[], total: number, servingEntries: number): string {
  const head =
    total > 0
      ? `✗ Pengetahuan TIDAK dimuat ulang / knowledge NOT reloaded: ${total} masalah / problem${total === 1 ? '' : 's'}:`
      : '✗ Pengetahuan TIDAK dimuat ulang / knowledge NOT reloaded:';
  const shown = problems.slice(0, PRINTED_PROBLEMS).map((p) => `  ${p}`);
  if (problems.length > PRINTED_PROBLEMS) shown.push(`  … +${problems.length - PRINTED_PROBLEMS} (tanya check)`);
  return [
    head,
    ...shown,
    `  Bot tetap menjawab dengan versi sebelumnya (${servingEntries} entri) sampai file diperbaiki dan disimpan lagi.`,
    `  The bot keeps answering with the previous version (${servingEntries} entries) until the files are fixed and saved again.`,
  ].join('\n');
}

/**
 * Watches the knowledge and flows folders and swaps a valid edit into the running engine within
 * a second, without a restart. An invalid edit is reported with file:line and how to fix it, and the
 * last good version keeps serving. Turns in progress finish with the version they started with.
 * Each attempt is recorded in the engine's knowledge status (/healthz, /metrics), printed for a
 * person on the terminal and, for a bot serving channels, logged as JSON lines.
 */
export function watchForChanges(options: LiveReloadOptions): { close(): void } {
  const { kbDir, flowsDir, engine, log } = options;
  const status = knowledgeStatus(engine);
  const chat = options.chat ?? !status.served;
  const terminal = options.terminal === undefined ? process.stderr : options.terminal;
  const cwd = options.cwd ?? process.cwd();
  const changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;

  const tell = (text: string): void => {
    if (!terminal || (!chat && !terminal.isTTY)) return;
    try {
      if (chat && terminal.isTTY) {
        // On a line of its own (the prompt may be waiting on this one), then the prompt again.
        terminal.write(`\n${text}\n${process.stdin.isTTY ? '> ' : ''}`);
      } else {
        terminal.write(`${text}\n`);
      }
    } catch {
      // A closed terminal does not stop the reloads.
    }
  };

  /** `problems`: formatted problems of the files (total: how many), or the message of a failed attempt (total 0). */
  const refused = (problems: readonly string[], total: number): void => {
    status.failed(problems, total);
    tell(refusedNotice(problems, total, status.entries));
    options.onReload?.(false);
  };

  const reload = (): void => {
    const files = [...changed].sort();
    changed.clear();
    try {
      const knowledge = checkKnowledge([kbDir], cwd);
      const flows = knowledge.kb ? checkFlows(flowsDir, knowledge.kb, cwd) : { flows: [], problems: [] };
      const problems = [...knowledge.problems, ...flows.problems].filter((p) => p.severity === 'error');
      if (!knowledge.kb || problems.length > 0) {
        const formatted = problems.map(formatProblem);
        if (!chat) {
          for (const p of formatted) log.error({ problem: p }, `not reloaded: ${p}`);
          log.warn({ problems: formatted.length }, 'the last good knowledge base keeps serving until the files are fixed');
        }
        refused(formatted, formatted.length);
        return;
      }
      engine.reload(knowledge.kb, flows.flows);
      status.reloaded(knowledge.kb, flows.flows.length);
      if (!chat) log.info({ entries: knowledge.kb.entries.length, flows: flows.flows.length, files }, 'knowledge base reloaded');
      tell(reloadedNotice(knowledge.kb.entries.length, flows.flows.length, files));
      options.onReload?.(true);
    } catch (error) {
      if (!chat) log.error({ err: error }, 'reload failed; the last good knowledge base keeps serving');
      refused([`reload failed: ${safeErrorText(error, 300)}`], 0);
    }
  };

  const schedule =
    (dir: string) =>
    (_event: string, file: string | null): void => {
      if (file && !/\.ya?ml$/i.test(file)) return;
      changed.add(relative(cwd, file ? join(dir, file) : dir) || '.');
      clearTimeout(timer);
      timer = setTimeout(reload, options.debounceMs ?? 150);
    };
  const watchers: FSWatcher[] = [];
  for (const dir of [kbDir, flowsDir]) {
    if (!existsSync(dir)) continue;
    try {
      watchers.push(watch(dir, { persistent: false }, schedule(dir)));
    } catch (error) {
      if (chat)
        tell(`! ${relative(cwd, dir) || dir}: tidak bisa dipantau, perubahan di sana perlu restart / cannot watch this folder, changes there need a restart`);
      else log.warn({ err: error, dir }, 'cannot watch folder; changes there need a restart');
    }
  }
  return {
    close: () => {
      clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
