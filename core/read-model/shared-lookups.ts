/**
 * Concurrent reads that need the same look-up share one query: the reads of one number profile run
 * at once (api/routes/number-profile.ts) and several need the same totals snapshot or weekly series.
 * A look-up is forgotten when it settles, so a later read always queries afresh.
 */
export class SharedLookups<T> {
  private readonly pending = new Map<string, Promise<T>>();

  get(key: string, run: () => Promise<T>): Promise<T> {
    let p = this.pending.get(key);
    if (!p) {
      p = run();
      this.pending.set(key, p);
      const forget = (): void => {
        this.pending.delete(key);
      };
      p.then(forget, forget);
    }
    return p;
  }
}
