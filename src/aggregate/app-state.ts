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

/**
 * A copy of `s` to reduce into, leaving `s` as it was. The sets inside `sessions` and `members`
 * are shared with `s`, not copied (a batch of a big app loads hundreds of thousands of them and
 * changes a few): reduceStateful replaces a set with a copy of its own before changing it.
 */
export function cloneState(s: AppState): AppState {
  return {
    ...s,
    platformOnline: new Map(s.platformOnline),
    sessions: new Map(s.sessions),
    registered: new Set(s.registered),
    groups: new Set(s.groups),
    members: new Map(s.members),
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
  const diffKey = (key: string, b: Set<string>, a: Set<string>) => {
    const plus: string[] = [];
    const minus: string[] = [];
    diffSets(b, a, plus, minus);
    for (const x of plus) added.push([key, x]);
    for (const x of minus) removed.push([key, x]);
  };
  // A set still shared with `before` (see cloneState) is unchanged.
  for (const [key, a] of after) {
    const b = before.get(key);
    if (a !== b) diffKey(key, b ?? empty, a);
  }
  for (const [key, b] of before) if (!after.has(key)) diffKey(key, b, empty);
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
