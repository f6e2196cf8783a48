/**
 * Runs jobs one at a time per key (an app's callbacks in arrival order, apps in parallel), with
 * a bound on the jobs waiting overall so a flood cannot grow memory without limit.
 */
export class KeyedSerialQueue<K> {
  readonly #tails = new Map<K, Promise<void>>();
  #pending = 0;

  /** @param maxPending jobs queued or running at most, all keys together. */
  constructor(readonly maxPending: number) {}

  /** Jobs queued or running. */
  get pending(): number {
    return this.#pending;
  }

  /** Runs `job` after the earlier jobs of `key`; undefined (job not taken) when maxPending are waiting. */
  run<T>(key: K, job: () => Promise<T>): Promise<T> | undefined {
    if (this.#pending >= this.maxPending) return undefined;
    this.#pending++;
    const result = (this.#tails.get(key) ?? Promise.resolve()).then(job);
    const tail: Promise<void> = result.then(
      () => this.#settle(key, tail),
      () => this.#settle(key, tail),
    );
    this.#tails.set(key, tail);
    return result;
  }

  #settle(key: K, tail: Promise<void>): void {
    this.#pending--;
    if (this.#tails.get(key) === tail) this.#tails.delete(key);
  }

  /** Resolves once every job taken so far (and any taken meanwhile) has settled. */
  async drained(): Promise<void> {
    while (this.#tails.size > 0) await Promise.all(this.#tails.values());
  }
}
