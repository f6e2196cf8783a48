import { DEFAULT_PLATFORM } from '../../event.js';

/**
 * OpenIM's platform ids (`openimsdk/protocol/constant/platform_id_to_name.go`) → our canonical
 * platform names (the Tencent adapter's spellings, so the same device reads the same whatever
 * the IM server). OpenIM's own names (`IOS`, `OSX`, `MiniWeb`, `APad`, `IPad`, `Admin`) are
 * normalised; `Admin` is the server-side REST caller, Tencent's `RESTAPI`. An Android tablet keeps
 * its own name: OpenIM lets a phone and a pad of one user be online at once, so they are two sessions.
 */
export const OPENIM_PLATFORMS: ReadonlyMap<number, string> = new Map([
  [1, 'iOS'],
  [2, 'Android'],
  [3, 'Windows'],
  [4, 'Mac'],
  [5, 'Web'],
  [6, 'MiniProgram'],
  [7, 'Linux'],
  [8, 'AndroidPad'],
  [9, 'iPad'],
  [10, 'RESTAPI'],
  [11, 'HarmonyOS'],
]);

/** The platform id for a canonical name (the simulator's encoder); undefined for names OpenIM has no id for. */
export function openImPlatformId(name: string): number | undefined {
  for (const [id, n] of OPENIM_PLATFORMS) if (n === name) return id;
  return undefined;
}

/**
 * The canonical name of an OpenIM platform id: known ids by the table; 0 (Go's zero value: not
 * set) → `default`, events.md's missing platform; an id OpenIM adds later → `openim-<id>`, so its
 * logins still pair with its logouts.
 */
export function openImPlatform(id: number): string {
  if (id === 0) return DEFAULT_PLATFORM;
  return OPENIM_PLATFORMS.get(id) ?? `openim-${id}`;
}

/** OpenIM's platform names (`PlatformID2Name`), for a body that gives a name without an id. */
const OPENIM_NAMES: ReadonlyMap<string, number> = new Map([
  ['IOS', 1],
  ['Android', 2],
  ['Windows', 3],
  ['OSX', 4],
  ['Web', 5],
  ['MiniWeb', 6],
  ['Linux', 7],
  ['APad', 8],
  ['IPad', 9],
  ['Admin', 10],
  ['HarmonyOS', 11],
]);

/** The canonical name for one of OpenIM's platform names; empty → `default`; a name OpenIM does not define → `default`. */
export function openImPlatformByName(name: string): string {
  return openImPlatform(OPENIM_NAMES.get(name.trim()) ?? 0);
}
