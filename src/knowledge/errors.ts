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
    super(
      `the knowledge base has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map(formatProblem).join('\n'),
    );
    this.name = 'KnowledgeError';
  }
}
