/** Members remembered at most, all sets together; past it the memory starts afresh. */
export const MAX_KNOWN_MEMBERS = 1_000_000;

/**
 * Distinct-set members this process knows are stored (it saw them committed). Rows of a distinct
 * set are only ever added, never removed while their bucket is in the retention window, so
 * skipping their re-insertion is safe even with other processes writing: a busy user is inserted
 * once per day instead of once per batch. Bounded; forgetting only costs a redundant insert.
 * (Restoring an older copy of the database under a running process breaks the premise: restart
 * processes after a restore.)
 */
export class KnownMembers {
  readonly #sets = new Map<string, Set<string>>();
  #size = 0;

  constructor(private readonly maxMembers = MAX_KNOWN_MEMBERS) {}

  /** The candidates not known to be stored in set `key`. */
  unknown(key: string, candidates: Iterable<string>): string[] {
    const known = this.#sets.get(key);
    const out: string[] = [];
    for (const m of candidates) if (!known?.has(m)) out.push(m);
    return out;
  }

  /** Call only after the transaction that stored them committed. */
  remember(key: string, members: readonly string[]): void {
    if (this.#size + members.length > this.maxMembers) {
      this.#sets.clear();
      this.#size = 0;
    }
    let set = this.#sets.get(key);
    if (!set) this.#sets.set(key, (set = new Set()));
    for (const m of members) {
      if (!set.has(m)) {
        set.add(m);
        this.#size++;
      }
    }
  }
}
