import type { StateChanges } from './app-state.js';

/**
 * Facts about one app, known exactly as the database held them after the app's version
 * `version`, but only for the ids they name: a user's live platforms (empty = offline), whether a
 * user is registered, whether a group exists, a group's members (empty = none). With
 * `allSessions`, a user absent from `sessions` is known offline.
 */
export interface KnownAppState {
  readonly sessions: Map<string, Set<string>>;
  readonly allSessions: boolean;
  readonly registered: Map<string, boolean>;
  readonly groups: Map<string, boolean>;
  readonly members: Map<string, Set<string>>;
}

/**
 * Facts a batch read from the database under the app's lock; with `allSessions`, `sessions` is
 * every live session of the app and replaces what was known of sessions.
 */
export type LoadedAppState = KnownAppState;

/** Entries (ids, platforms and members) cached at most over all apps; see AppStateCache. */
export const MAX_CACHED_STATE_ENTRIES = 500_000;

class CachedApp implements KnownAppState {
  sessions = new Map<string, Set<string>>();
  allSessions = false;
  readonly registered = new Map<string, boolean>();
  readonly groups = new Map<string, boolean>();
  readonly members = new Map<string, Set<string>>();
  /** Map keys plus set elements: what the memory cap counts. */
  size = 0;

  constructor(public version: number) {}

  merge(loaded: LoadedAppState): void {
    for (const [user, is] of loaded.registered) this.#setFlag(this.registered, user, is);
    for (const [group, is] of loaded.groups) this.#setFlag(this.groups, group, is);
    for (const [group, users] of loaded.members) this.#setSet(this.members, group, users);
    if (loaded.allSessions) {
      for (const platforms of this.sessions.values()) this.size -= 1 + platforms.size;
      this.sessions = new Map();
      this.allSessions = true;
    }
    for (const [user, platforms] of loaded.sessions) this.#setSet(this.sessions, user, platforms);
  }

  apply(changes: StateChanges): void {
    for (const [user, platform] of changes.sessionsAdded) this.#add(this.sessions, user, platform);
    for (const [user, platform] of changes.sessionsRemoved) this.#remove(this.sessions, user, platform);
    for (const user of changes.registeredAdded) this.#setFlag(this.registered, user, true);
    for (const user of changes.registeredRemoved) this.#setFlag(this.registered, user, false);
    for (const group of changes.groupsAdded) this.#setFlag(this.groups, group, true);
    for (const group of changes.groupsRemoved) this.#setFlag(this.groups, group, false);
    for (const [group, user] of changes.membersAdded) this.#add(this.members, group, user);
    for (const [group, user] of changes.membersRemoved) this.#remove(this.members, group, user);
  }

  #setFlag(map: Map<string, boolean>, key: string, value: boolean): void {
    if (!map.has(key)) this.size++;
    map.set(key, value);
  }

  #setSet(map: Map<string, Set<string>>, key: string, value: Set<string>): void {
    const old = map.get(key);
    this.size += value.size - (old ? old.size : -1);
    map.set(key, value);
  }

  #add(map: Map<string, Set<string>>, key: string, value: string): void {
    let set = map.get(key);
    if (!set) {
      map.set(key, (set = new Set()));
      this.size++;
    }
    if (!set.has(value)) {
      set.add(value);
      this.size++;
    }
  }

  #remove(map: Map<string, Set<string>>, key: string, value: string): void {
    if (map.get(key)?.delete(value)) this.size--;
  }
}

const NOTHING_KNOWN: KnownAppState = new CachedApp(0);

/**
 * What this process knows of each app's durable ingestion state (sessions, registrations,
 * groups, memberships), so a process ingesting an app batch after batch does not re-read the same
 * rows every batch. Every batch bumps the app's `app_state.version` under the app's lock; a
 * cached app is used only when the version a batch locks is exactly the one this process last
 * committed plus one, i.e. nobody else wrote the app since. The cache is updated only after the
 * transaction commits, from exactly the rows read and written, so it mirrors the database.
 *
 * Bounded: past `maxEntries` (default MAX_CACHED_STATE_ENTRIES, all apps together; an entry is
 * a cached id, platform or member, roughly 100 bytes) the other apps are forgotten, and the app
 * just committed too if it alone is over. Forgetting only costs reloads from the database.
 * (Restoring an older copy of the database under a running process breaks the premise: restart
 * processes after a restore.)
 */
export class AppStateCache {
  readonly #apps = new Map<number, CachedApp>();
  #size = 0;

  constructor(private readonly maxEntries = MAX_CACHED_STATE_ENTRIES) {}

  /** Entries cached now, all apps together. */
  get size(): number {
    return this.#size;
  }

  /**
   * What is known of the app when `lockedVersion` (read under the app's lock) proves the cache
   * current; otherwise the app is forgotten and nothing is known.
   */
  known(sdkappid: number, lockedVersion: number): KnownAppState {
    const app = this.#apps.get(sdkappid);
    if (app && app.version + 1 === lockedVersion) return app;
    this.forget(sdkappid);
    return NOTHING_KNOWN;
  }

  /**
   * Call only after the transaction that locked `version` of the app committed, with what it read
   * (on top of `base`, the value `known` returned) and the rows it changed.
   */
  committed(sdkappid: number, version: number, base: KnownAppState, loaded: LoadedAppState, changes: StateChanges | undefined): void {
    const installed = this.#apps.get(sdkappid);
    let app: CachedApp;
    if (base !== NOTHING_KNOWN) {
      // Only the holder of the next version may advance an entry; anything else is a stale
      // completion racing a newer batch.
      if (installed !== base || installed.version + 1 !== version) return this.forget(sdkappid);
      app = installed;
    } else {
      if (installed && installed.version >= version) return;
      this.forget(sdkappid);
      app = new CachedApp(version);
      this.#apps.set(sdkappid, app);
    }
    const before = app.size;
    app.merge(loaded);
    if (changes) app.apply(changes);
    app.version = version;
    this.#size += app.size - before;
    if (this.#size > this.maxEntries) {
      for (const id of [...this.#apps.keys()]) if (id !== sdkappid) this.forget(id);
      if (this.#size > this.maxEntries) this.forget(sdkappid);
    }
  }

  /** Drops what is known of the app (after a rollback, or when another process wrote it). */
  forget(sdkappid: number): void {
    const app = this.#apps.get(sdkappid);
    if (!app) return;
    this.#size -= app.size;
    this.#apps.delete(sdkappid);
  }
}
