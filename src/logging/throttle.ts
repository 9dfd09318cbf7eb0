/**
 * Lets one log line of a kind through per interval and counts the ones held back, so a flood of
 * refused requests (a hostile page, guessed passwords) cannot fill the disk with log lines.
 * Kinds are the caller's fixed names, never request data, so the map stays small.
 */
export class LogThrottle {
  private readonly kinds = new Map<string, { at: number; held: number }>();

  constructor(
    private readonly intervalMs = 60_000,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** undefined: hold this line back; a number: write it, saying how many of its kind were held back since the last one written. */
  take(kind: string): number | undefined {
    const now = this.now();
    const seen = this.kinds.get(kind);
    if (seen && now - seen.at < this.intervalMs) {
      seen.held++;
      return undefined;
    }
    this.kinds.set(kind, { at: now, held: 0 });
    return seen?.held ?? 0;
  }
}
