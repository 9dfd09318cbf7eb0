/**
 * Unique ids from names: `base`, else `base-2`, `base-3` … (the first free one). Each base
 * remembers where its free numbers start, so ten thousand entries with the same name take ten
 * thousand steps, not fifty million (a plain "try 2, 3, 4 …" loop is quadratic).
 *
 * @example
 * const ids = new UniqueIds();
 * ids.take('order'); // 'order'
 * ids.take('order'); // 'order-2'
 */
export class UniqueIds {
  private readonly taken = new Set<string>();
  /** Base → a number n such that `${base}-${m}` is taken for every m from 2 below n. */
  private readonly next = new Map<string, number>();

  has(id: string): boolean {
    return this.taken.has(id);
  }

  /** `first` (default: `base`) when free, else the first free `${base}-${n}` (n = 2, 3 …), now taken. */
  take(base: string, first = base): string {
    let id = first;
    if (this.taken.has(id)) {
      let n = this.next.get(base) ?? 2;
      while (this.taken.has(`${base}-${n}`)) n++;
      id = `${base}-${n}`;
      this.next.set(base, n + 1);
    }
    this.taken.add(id);
    return id;
  }

  /** Frees an id again; the next `take` of its base may return it. */
  release(id: string): void {
    this.taken.delete(id);
    const numbered = /^(.*)-(\d+)$/.exec(id);
    if (!numbered) return;
    const n = Number(numbered[2]);
    const from = this.next.get(numbered[1]);
    if (from !== undefined && n < from) this.next.set(numbered[1], n);
  }
}
