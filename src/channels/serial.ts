/**
 * Runs work one at a time per key (a conversation), in arrival order, while different keys run
 * side by side: a customer's replies never overtake each other even when updates arrive together.
 */
export class PerKeyQueue {
  private readonly tails = new Map<string, Promise<void>>();

  run(key: string, work: () => Promise<void>): Promise<void> {
    const run = (this.tails.get(key) ?? Promise.resolve()).then(work);
    const tail = run.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return run;
  }
}
