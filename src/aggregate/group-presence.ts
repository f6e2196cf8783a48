import type { AppState } from './app-state.js';

/**
 * Online members per group, kept current as users come and go and memberships change, so a
 * derived group delivery costs O(1) instead of a walk over every member (groups of thousands
 * receive many messages). Covers the groups loaded into the state; a group never loaded has no
 * members here, as in the state itself.
 *
 * Only `movers`, the users whose presence can change while it is used (those a batch logs in or
 * out), are indexed by group: a batch loads the members of every group it messages (hundreds of
 * thousands of users per 50,000-event batch of a 1.43 M-user app) but moves few of them, and
 * indexing them all was the main thread's largest cost (600 ns a member).
 */
export class GroupPresence {
  readonly #online = new Map<string, number>();
  readonly #groupsOf = new Map<string, Set<string>>();

  constructor(
    private readonly state: AppState,
    private readonly movers: ReadonlySet<string>,
  ) {
    for (const [group, members] of state.members) {
      let online = 0;
      for (const user of members) {
        this.#link(user, group);
        if (this.#isOnline(user)) online++;
      }
      this.#online.set(group, online);
    }
  }

  #isOnline(user: string): boolean {
    return (this.state.sessions.get(user)?.size ?? 0) > 0;
  }

  #link(user: string, group: string): void {
    if (!this.movers.has(user)) return;
    let groups = this.#groupsOf.get(user);
    if (!groups) this.#groupsOf.set(user, (groups = new Set()));
    groups.add(group);
  }

  #bump(group: string, by: number): void {
    this.#online.set(group, (this.#online.get(group) ?? 0) + by);
  }

  /** Members of `group` other than `sender` who are online now. */
  onlineOthers(group: string, sender: string): number {
    const online = this.#online.get(group) ?? 0;
    return this.state.members.get(group)?.has(sender) && this.#isOnline(sender) ? online - 1 : online;
  }

  /** Call after `user`, one of the movers, went from offline to online (+1) or online to offline (−1). */
  userPresence(user: string, by: 1 | -1): void {
    if (!this.movers.has(user)) throw new Error(`GroupPresence: ${user} moved but is not one of the movers`);
    for (const group of this.#groupsOf.get(user) ?? []) this.#bump(group, by);
  }

  /** Call after `user` was added to `group`'s members. */
  joined(group: string, user: string): void {
    this.#link(user, group);
    if (this.#isOnline(user)) this.#bump(group, 1);
  }

  /** Call after `user` was removed from `group`'s members. */
  left(group: string, user: string): void {
    this.#groupsOf.get(user)?.delete(group);
    if (this.#isOnline(user)) this.#bump(group, -1);
  }
}
