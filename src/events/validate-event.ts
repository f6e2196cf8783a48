import { DEFAULT_PLATFORM, type EventType, type ImEvent } from './event.js';

/** Unix times below this are seconds sent by mistake (events.md: time is milliseconds). */
const MIN_MS_TIME = 1e11;
/** Events further in the future than this are refused (clock skew allowance). */
export const MAX_FUTURE_MS = 10 * 60_000;
const MAX_ID_BYTES = 64;
const MAX_PLATFORM_BYTES = 32;

export interface ValidationContext {
  /** The app of events that name none (HTTP query, CLI flag). */
  readonly defaultSdkappid?: number;
  /** Now, Unix ms. */
  readonly nowMs: number;
  /** Events older than now minus this many days are refused. */
  readonly retentionDays: number;
}

/** A validated event, or the reason the input is not one. */
export type Validated = { readonly ok: true; readonly event: ImEvent } | { readonly ok: false; readonly reason: string };

class Invalid extends Error {}

type Obj = Record<string, unknown>;

// Printable: no C0/C1 control characters.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function id(o: Obj, key: string, maxBytes = MAX_ID_BYTES): string {
  return checkId(o[key], `field "${key}"`, maxBytes);
}

function checkId(v: unknown, label: string, maxBytes = MAX_ID_BYTES): string {
  if (v === undefined || v === null) throw new Invalid(`missing ${label}`);
  if (typeof v !== 'string') throw new Invalid(`${label} must be a string, got ${typeof v}`);
  const bytes = Buffer.byteLength(v);
  if (bytes === 0 || bytes > maxBytes) throw new Invalid(`${label} must be 1–${maxBytes} bytes, got ${bytes}`);
  if (CONTROL.test(v)) throw new Invalid(`${label} contains a control character`);
  return v;
}

function optionalId(o: Obj, key: string, maxBytes?: number): string | undefined {
  return o[key] === undefined || o[key] === null ? undefined : id(o, key, maxBytes);
}

function platform(o: Obj): string {
  return optionalId(o, 'platform', MAX_PLATFORM_BYTES) ?? DEFAULT_PLATFORM;
}

function count(o: Obj, key: string, max: number): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > max) {
    throw new Invalid(`field "${key}" must be an integer from 0 to ${max}, got ${JSON.stringify(v)}`);
  }
  return v;
}

function bool(o: Obj, key: string, fallback?: boolean): boolean {
  const v = o[key];
  if (v === undefined || v === null) {
    if (fallback === undefined) throw new Invalid(`missing field "${key}"`);
    return fallback;
  }
  if (typeof v !== 'boolean') throw new Invalid(`field "${key}" must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

function members(o: Obj, owner: string | undefined): string[] {
  const v = o.members;
  if (v === undefined || v === null) return owner ? [owner] : [];
  if (!Array.isArray(v)) throw new Invalid('field "members" must be an array of user ids');
  const list = v.map((m: unknown, i) => checkId(m, `members[${i}]`));
  if (owner && !list.includes(owner)) list.push(owner);
  return [...new Set(list)];
}

function time(o: Obj, ctx: ValidationContext): number {
  const t = o.time;
  if (t === undefined || t === null) throw new Invalid('missing field "time"');
  if (typeof t !== 'number' || !Number.isFinite(t)) throw new Invalid(`field "time" must be a number (Unix ms), got ${JSON.stringify(t)}`);
  if (t < MIN_MS_TIME) throw new Invalid(`field "time" ${t} looks like seconds; times are Unix milliseconds`);
  if (t > ctx.nowMs + MAX_FUTURE_MS) throw new Invalid(`time ${new Date(t).toISOString()} is more than 10 minutes in the future`);
  if (t < ctx.nowMs - ctx.retentionDays * 86_400_000) {
    throw new Invalid(`time ${new Date(t).toISOString()} is older than the ${ctx.retentionDays}-day retention window`);
  }
  return Math.floor(t);
}

function sdkappid(o: Obj, ctx: ValidationContext): number {
  const v = o.sdkappid;
  if (v === undefined || v === null) {
    if (ctx.defaultSdkappid === undefined) throw new Invalid('missing field "sdkappid" (or name the app with --sdkappid)');
    return ctx.defaultSdkappid;
  }
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n <= 0) throw new Invalid(`field "sdkappid" must be a positive integer, got ${JSON.stringify(v)}`);
  if (ctx.defaultSdkappid !== undefined && n !== ctx.defaultSdkappid) {
    throw new Invalid(`event is for app ${n}, but this batch is for app ${ctx.defaultSdkappid}`);
  }
  return n;
}

/**
 * Per type: checks the fields and normalises them in place (defaults, lower-case vendor). The
 * decoded object becomes the event: no copy per event, which matters at hundreds of thousands
 * of events a second.
 */
const checkers: { readonly [T in EventType]: (o: Obj) => void } = {
  'user.register': (o) => void id(o, 'user'),
  'user.delete': (o) => void id(o, 'user'),
  'user.login': (o) => {
    id(o, 'user');
    o.platform = platform(o);
  },
  'user.logout': (o) => {
    id(o, 'user');
    o.platform = platform(o);
  },
  'msg.c2c': (o) => {
    id(o, 'from');
    id(o, 'to');
    o.delivered = count(o, 'delivered', 1);
    o.ok = bool(o, 'ok', true);
    o.platform = platform(o);
  },
  'msg.group': (o) => {
    id(o, 'from');
    id(o, 'group');
    o.delivered = count(o, 'delivered', 1e9);
    o.platform = platform(o);
  },
  push: (o) => {
    if (o.chat !== 'c2c' && o.chat !== 'group') throw new Invalid(`field "chat" must be "c2c" or "group", got ${JSON.stringify(o.chat)}`);
    o.vendor = id(o, 'vendor', 32).toLowerCase();
    o.to = optionalId(o, 'to');
  },
  'friend.add': (o) => {
    id(o, 'user');
    id(o, 'peer');
  },
  'friend.delete': (o) => {
    id(o, 'user');
    id(o, 'peer');
  },
  'group.create': (o) => {
    id(o, 'group');
    o.owner = optionalId(o, 'owner');
    o.members = members(o, o.owner as string | undefined);
  },
  'group.join': (o) => {
    id(o, 'group');
    id(o, 'user');
  },
  'group.quit': (o) => {
    id(o, 'group');
    id(o, 'user');
  },
  'group.destroy': (o) => void id(o, 'group'),
  callback: (o) => {
    id(o, 'command', 128);
    o.answered = bool(o, 'answered');
  },
};

/** Checks one decoded input object against events.md and normalises it, in place, into the canonical event. */
export function validateEvent(input: unknown, ctx: ValidationContext): Validated {
  try {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw new Invalid(`an event must be a JSON object, got ${Array.isArray(input) ? 'an array' : input === null ? 'null' : typeof input}`);
    }
    const o = input as Obj;
    const type = o.type;
    if (type === undefined) throw new Invalid('missing field "type"');
    if (typeof type !== 'string' || !Object.hasOwn(checkers, type)) throw new Invalid(`unknown event type ${JSON.stringify(type)}`);
    o.time = time(o, ctx);
    o.sdkappid = sdkappid(o, ctx);
    checkers[type as EventType](o);
    return { ok: true, event: o as unknown as ImEvent };
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, reason: err.message };
    throw err;
  }
}
