/**
 * The slice of an app's durable state a batch needs, loaded under the app's lock. Sessions,
 * registrations, groups and memberships are loaded only for the ids the batch touches (see
 * state-needs.ts), except at a midnight crossing, when every live session is loaded so the
 * users carried over can be counted.
 */
export interface AppState {
  /** Latest event time (ms) applied to presence; 0 before any. */
  presenceClock: number;
  /** Distinct users with a live session, app-wide. */
  onlineUsers: number;
  /**
   * Per platform breakdown value (`iOS`, `Unknown`, …; see platformValue): distinct users with a
   * live session on it. Absent = 0.
   */
  readonly platformOnline: Map<string, number>;
  /** Live platforms per user, for every loaded user (absent or empty = offline). */
  readonly sessions: Map<string, Set<string>>;
  /** True when `sessions` holds every live session of the app. */
  readonly allSessionsLoaded: boolean;
  /** Registered users among the loaded ones. */
  readonly registered: Set<string>;
  /** Existing groups among the loaded ones. */
  readonly groups: Set<string>;
  /** Members of every loaded group (absent = no members). */
  readonly members: Map<string, Set<string>>;
}

/** Which ids a batch needs state for. */
export interface StateNeeds {
  /** Users whose registration matters. */
  readonly registeredUsers: Set<string>;
  /** Groups whose existence matters. */
  readonly groups: Set<string>;
  /** Groups whose membership matters. */
  readonly memberGroups: Set<string>;
  /** Users whose sessions matter (members of memberGroups are added after loading them). */
  readonly sessionUsers: Set<string>;
  /** Load every live session (a midnight crossing happens in the batch). */
  readonly allSessions: boolean;
}

/** What changed in the durable state, as rows to insert and delete. */
export interface StateChanges {
  readonly sessionsAdded: Array<readonly [user: string, platform: string]>;
  readonly sessionsRemoved: Array<readonly [user: string, platform: string]>;
  readonly registeredAdded: string[];
  readonly registeredRemoved: string[];
  readonly groupsAdded: string[];
  readonly groupsRemoved: string[];
  readonly membersAdded: Array<readonly [group: string, user: string]>;
  readonly membersRemoved: Array<readonly [group: string, user: string]>;
}

function copyMapOfSets(m: Map<string, Set<string>>): Map<string, Set<string>> {
  return new Map([...m].map(([k, v]) => [k, new Set(v)]));
}

export function cloneState(s: AppState): AppState {
  return {
    ...s,
    platformOnline: new Map(s.platformOnline),
    sessions: copyMapOfSets(s.sessions),
    registered: new Set(s.registered),
    groups: new Set(s.groups),
    members: copyMapOfSets(s.members),
  };
}

function diffSets<T>(before: Set<T>, after: Set<T>, added: T[], removed: T[]): void {
  for (const x of after) if (!before.has(x)) added.push(x);
  for (const x of before) if (!after.has(x)) removed.push(x);
}

function diffMapOfSets(
  before: Map<string, Set<string>>,
  after: Map<string, Set<string>>,
  added: Array<readonly [string, string]>,
  removed: Array<readonly [string, string]>,
): void {
  const empty = new Set<string>();
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const a: string[] = [];
    const r: string[] = [];
    diffSets(before.get(key) ?? empty, after.get(key) ?? empty, a, r);
    for (const x of a) added.push([key, x]);
    for (const x of r) removed.push([key, x]);
  }
}

/** The rows that turn `before` into `after`. */
export function diffState(before: AppState, after: AppState): StateChanges {
  const changes: StateChanges = {
    sessionsAdded: [],
    sessionsRemoved: [],
    registeredAdded: [],
    registeredRemoved: [],
    groupsAdded: [],
    groupsRemoved: [],
    membersAdded: [],
    membersRemoved: [],
  };
  diffMapOfSets(before.sessions, after.sessions, changes.sessionsAdded, changes.sessionsRemoved);
  diffSets(before.registered, after.registered, changes.registeredAdded, changes.registeredRemoved);
  diffSets(before.groups, after.groups, changes.groupsAdded, changes.groupsRemoved);
  diffMapOfSets(before.members, after.members, changes.membersAdded, changes.membersRemoved);
  return changes;
}
