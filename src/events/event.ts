/**
 * The canonical IM activity events (shared/spec/events.md, section 1). Every input form
 * (NDJSON, the HTTP ingest route, Tencent callbacks, the simulator) produces these.
 * `time` is Unix milliseconds.
 */
interface Base {
  readonly time: number;
  readonly sdkappid: number;
}

export interface UserRegister extends Base { readonly type: 'user.register'; readonly user: string }
export interface UserDelete extends Base { readonly type: 'user.delete'; readonly user: string }
export interface UserLogin extends Base { readonly type: 'user.login'; readonly user: string; readonly platform: string }
export interface UserLogout extends Base { readonly type: 'user.logout'; readonly user: string; readonly platform: string }
export interface MsgC2C extends Base {
  readonly type: 'msg.c2c';
  readonly from: string;
  readonly to: string;
  /** 0/1 when stated by the source; undefined means "derive from presence". */
  readonly delivered?: number;
  /** false when the server failed to deliver; default true. */
  readonly ok: boolean;
  /** The sender's client platform (breakdowns only); validation sets DEFAULT_PLATFORM when not given. */
  readonly platform?: string;
}
export interface MsgGroup extends Base {
  readonly type: 'msg.group';
  readonly from: string;
  readonly group: string;
  /** Real-time deliveries when stated by the source; undefined means "derive from presence". */
  readonly delivered?: number;
  /** The sender's client platform (breakdowns only); validation sets DEFAULT_PLATFORM when not given. */
  readonly platform?: string;
}
export interface Push extends Base {
  readonly type: 'push';
  readonly chat: 'c2c' | 'group';
  readonly vendor: string;
  readonly to?: string;
}
export interface FriendAdd extends Base { readonly type: 'friend.add'; readonly user: string; readonly peer: string }
export interface FriendDelete extends Base { readonly type: 'friend.delete'; readonly user: string; readonly peer: string }
export interface GroupCreate extends Base {
  readonly type: 'group.create';
  readonly group: string;
  readonly owner?: string;
  readonly members: readonly string[];
}
export interface GroupJoin extends Base { readonly type: 'group.join'; readonly group: string; readonly user: string }
export interface GroupQuit extends Base { readonly type: 'group.quit'; readonly group: string; readonly user: string }
export interface GroupDestroy extends Base { readonly type: 'group.destroy'; readonly group: string }
export interface Callback extends Base { readonly type: 'callback'; readonly command: string; readonly answered: boolean }

export type ImEvent =
  | UserRegister
  | UserDelete
  | UserLogin
  | UserLogout
  | MsgC2C
  | MsgGroup
  | Push
  | FriendAdd
  | FriendDelete
  | GroupCreate
  | GroupJoin
  | GroupQuit
  | GroupDestroy
  | Callback;

export type EventType = ImEvent['type'];

export const EVENT_TYPES: readonly EventType[] = [
  'user.register',
  'user.delete',
  'user.login',
  'user.logout',
  'msg.c2c',
  'msg.group',
  'push',
  'friend.add',
  'friend.delete',
  'group.create',
  'group.join',
  'group.quit',
  'group.destroy',
  'callback',
];

/** Platform used when an event names none. */
export const DEFAULT_PLATFORM = 'default';

/** A line of input that was not accepted, reported to the sender. */
export interface Rejection {
  /** 1-based line (or array index + 1) in the batch. */
  readonly line: number;
  readonly reason: string;
}
