import { CallbackBodyError } from './callback-translation.js';

/** A JSON object of a callback body, with the path it was found at (for error messages). */
export interface BodyObject {
  readonly path: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** Longest user or group id accepted (events.md: 1–64 bytes of printable UTF-8). */
const MAX_ID_BYTES = 64;
/** Below this a Unix time is seconds; at or above it, milliseconds (events.md uses the same line). */
const MS_THRESHOLD = 1e11;
/** At or above this a millisecond time is really microseconds or garbage (year 5138). */
const MS_CEILING = 1e14;

// Printable: no C0/C1 control characters.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

function at(obj: BodyObject, key: string): string {
  return obj.path === '' ? key : `${obj.path}.${key}`;
}

/** The value as a body object, or a wrong-type error naming `path`. */
export function objectAt(value: unknown, path: string): BodyObject {
  if (value === undefined) throw new CallbackBodyError(path || 'body', 'missing', `${path || 'body'} is missing`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CallbackBodyError(path || 'body', 'wrong-type', `${path || 'the body'} must be a JSON object, got ${describe(value)}`);
  }
  return { path, fields: value as Record<string, unknown> };
}

/** True when the field is absent or null (Tencent omits optional fields; some senders write null). */
export function absent(obj: BodyObject, key: string): boolean {
  return obj.fields[key] === undefined || obj.fields[key] === null;
}

/** A nested object field. */
export function objectField(obj: BodyObject, key: string): BodyObject {
  return objectAt(absent(obj, key) ? undefined : obj.fields[key], at(obj, key));
}

/** A user or group id: a string of 1–64 bytes without control characters. */
export function idField(obj: BodyObject, key: string): string {
  const path = at(obj, key);
  if (absent(obj, key)) throw new CallbackBodyError(path, 'missing', `${path} is missing`);
  return checkId(obj.fields[key], path);
}

/** An optional id; an empty string counts as absent (Tencent sends `"Owner_Account": ""` for ownerless groups). */
export function optionalIdField(obj: BodyObject, key: string): string | undefined {
  if (absent(obj, key) || obj.fields[key] === '') return undefined;
  return checkId(obj.fields[key], at(obj, key));
}

function checkId(v: unknown, path: string): string {
  if (typeof v !== 'string') throw new CallbackBodyError(path, 'wrong-type', `${path} must be a string, got ${describe(v)}`);
  const bytes = Buffer.byteLength(v);
  if (bytes === 0 || bytes > MAX_ID_BYTES) {
    throw new CallbackBodyError(path, 'bad-value', `${path} must be 1–${MAX_ID_BYTES} bytes, got ${bytes}`);
  }
  if (CONTROL.test(v)) throw new CallbackBodyError(path, 'bad-value', `${path} contains a control character`);
  return v;
}

/** A free-form string field (e.g. `Info.Action`, `MsgKey`). */
export function stringField(obj: BodyObject, key: string): string {
  const path = at(obj, key);
  if (absent(obj, key)) throw new CallbackBodyError(path, 'missing', `${path} is missing`);
  const v = obj.fields[key];
  if (typeof v !== 'string') throw new CallbackBodyError(path, 'wrong-type', `${path} must be a string, got ${describe(v)}`);
  return v;
}

/** An optional free-form string field. */
export function optionalStringField(obj: BodyObject, key: string): string | undefined {
  return absent(obj, key) ? undefined : stringField(obj, key);
}

/**
 * An integer field. Tencent writes most as JSON numbers but some (`EventTime` in several samples)
 * as strings of digits, so both are read; anything else is a wrong-type error.
 */
export function integerField(obj: BodyObject, key: string): number {
  const path = at(obj, key);
  if (absent(obj, key)) throw new CallbackBodyError(path, 'missing', `${path} is missing`);
  const v = obj.fields[key];
  const n = typeof v === 'string' && /^-?\d{1,16}$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) {
    throw new CallbackBodyError(path, 'wrong-type', `${path} must be an integer, got ${describe(v)}`);
  }
  return n;
}

/** An optional integer field. */
export function optionalIntegerField(obj: BodyObject, key: string): number | undefined {
  return absent(obj, key) ? undefined : integerField(obj, key);
}

/** A Unix time in milliseconds (`EventTime` of most callbacks). */
export function msTimeField(obj: BodyObject, key: string): number {
  const t = integerField(obj, key);
  const path = at(obj, key);
  if (t <= 0) throw new CallbackBodyError(path, 'bad-value', `${path} must be a positive Unix time in milliseconds, got ${t}`);
  if (t < MS_THRESHOLD) throw new CallbackBodyError(path, 'bad-value', `${path} ${t} looks like seconds; it must be Unix milliseconds`);
  if (t >= MS_CEILING) throw new CallbackBodyError(path, 'bad-value', `${path} ${t} is too large for Unix milliseconds`);
  return t;
}

/** A Unix time in seconds (`MsgTime`, push `EventTime`), returned in milliseconds. */
export function secondsTimeField(obj: BodyObject, key: string): number {
  const t = integerField(obj, key);
  const path = at(obj, key);
  if (t <= 0) throw new CallbackBodyError(path, 'bad-value', `${path} must be a positive Unix time in seconds, got ${t}`);
  if (t >= MS_THRESHOLD) throw new CallbackBodyError(path, 'bad-value', `${path} ${t} looks like milliseconds; it must be Unix seconds`);
  return t * 1000;
}

/** An array field (possibly empty). */
export function arrayField(obj: BodyObject, key: string): readonly unknown[] {
  const path = at(obj, key);
  if (absent(obj, key)) throw new CallbackBodyError(path, 'missing', `${path} is missing`);
  const v = obj.fields[key];
  if (!Array.isArray(v)) throw new CallbackBodyError(path, 'wrong-type', `${path} must be an array, got ${describe(v)}`);
  return v;
}

/** The path of element `i` of array field `key`. */
export function elementPath(obj: BodyObject, key: string, i: number): string {
  return `${at(obj, key)}[${i}]`;
}

/**
 * The `Member_Account`s of a `[{ "Member_Account": "…" }, …]` list (MemberList, NewMemberList,
 * ExitMemberList), first occurrence kept. A malformed element is rejected alone.
 */
export function memberAccounts(obj: BodyObject, key: string): { members: string[]; rejections: { path: string; reason: string }[] } {
  const list = arrayField(obj, key);
  const members: string[] = [];
  const seen = new Set<string>();
  const rejections: { path: string; reason: string }[] = [];
  list.forEach((element, i) => {
    try {
      const user = idField(objectAt(element, elementPath(obj, key, i)), 'Member_Account');
      if (!seen.has(user)) {
        seen.add(user);
        members.push(user);
      }
    } catch (err) {
      if (!(err instanceof CallbackBodyError)) throw err;
      rejections.push({ path: err.path, reason: err.message });
    }
  });
  return { members, rejections };
}
