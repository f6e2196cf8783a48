/** Member ids remembered at most, all apps together; past it the memory starts afresh. */
export const MAX_CACHED_MEMBER_IDS = 1_000_000;

/**
 * Dense member ids (member_ids) this process saw committed. An id, once committed, is never
 * reassigned or deleted, so a remembered id stays true whatever other processes write; a busy
 * user is looked up once, not once per batch. Bounded; forgetting only costs a lookup.
 * (Restoring an older copy of the database under a running process breaks the premise: restart
 * processes after a restore.)
 */
export class MemberIdCache {
  readonly #apps = new Map<number, Map<string, number>>();
  #size = 0;

  constructor(private readonly maxIds = MAX_CACHED_MEMBER_IDS) {}

  get(sdkappid: number, member: string): number | undefined {
    return this.#apps.get(sdkappid)?.get(member);
  }

  /** Call only after the transaction that read or assigned the ids committed. */
  remember(sdkappid: number, ids: ReadonlyArray<readonly [member: string, id: number]>): void {
    if (this.#size + ids.length > this.maxIds) {
      this.#apps.clear();
      this.#size = 0;
    }
    let app = this.#apps.get(sdkappid);
    if (!app) this.#apps.set(sdkappid, (app = new Map<string, number>()));
    for (const [member, id] of ids) {
      if (!app.has(member)) this.#size++;
      app.set(member, id);
    }
  }
}
