/** A problem in an editor's file, located precisely enough to jump to it. */
export interface KbProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** What is wrong and how to fix it. */
  readonly message: string;
  readonly severity: 'error' | 'warning';
}

/** Formats a problem as `file:line:col: message` (the format editors and IDEs understand). */
export function formatProblem(problem: KbProblem): string {
  const tag = problem.severity === 'warning' ? 'warning: ' : '';
  return `${problem.file}:${problem.line}:${problem.column}: ${tag}${problem.message}`;
}

/** Thrown when a knowledge base cannot be loaded; carries every problem found, not just the first. */
export class KnowledgeError extends Error {
  constructor(readonly problems: readonly KbProblem[]) {
    super(`the knowledge base has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` + problems.map(formatProblem).join('\n'));
    this.name = 'KnowledgeError';
  }
}

/**
 * A problem for a file whose check failed in an unexpected way: the editor still gets file:1:1
 * and the rest of the folder is still checked, instead of one bare crash message.
 */
export function unexpectedProblem(file: string, error: unknown): KbProblem {
  const detail =
    error instanceof RangeError ? 'it is too large or too deeply nested' : `internal error: ${error instanceof Error ? error.message : String(error)}`;
  return {
    file,
    line: 1,
    column: 1,
    message: `tanya could not check this file (${detail}); make it simpler or smaller, and if it looks fine tell whoever looks after Tanya`,
    severity: 'error',
  };
}

/** Most problems reported for one file (50); past that, one more line says how many were left out. */
export const MAX_PROBLEMS_PER_FILE = 50;

/** The summary that stands for the problems of a file past `MAX_PROBLEMS_PER_FILE`, placed at the first one left out. */
export function moreProblems(first: KbProblem, more: number): KbProblem {
  return { ...first, message: `and ${more} more problem${more === 1 ? '' : 's'} in this file from here on; fix the ones above and run the check again` };
}

/**
 * Keeps at most `MAX_PROBLEMS_PER_FILE` problems of each file (plus the summary line), in their
 * order: a file with thousands of broken items gives a readable report, not thousands of lines.
 */
export function limitPerFile(problems: readonly KbProblem[]): KbProblem[] {
  const count = new Map<string, number>();
  for (const p of problems) count.set(p.file, (count.get(p.file) ?? 0) + 1);
  const shown = new Map<string, number>();
  const out: KbProblem[] = [];
  for (const p of problems) {
    const total = count.get(p.file) ?? 0;
    const n = (shown.get(p.file) ?? 0) + 1;
    shown.set(p.file, n);
    // A file within the limit (or already summarised by the parser, which stops at the limit plus one) is kept whole.
    if (total <= MAX_PROBLEMS_PER_FILE + 1 || n <= MAX_PROBLEMS_PER_FILE) out.push(p);
    else if (n === MAX_PROBLEMS_PER_FILE + 1) out.push(moreProblems(p, total - MAX_PROBLEMS_PER_FILE));
  }
  return out;
}
