import type { StatefulInput } from '../aggregate/reduce-app-batch.js';
import { ADDED_FIELDS, SET_NAMES, Tally, type BucketTally } from '../aggregate/tally.js';
import type { Rejection } from '../events/event.js';

/**
 * One batch of an NDJSON file, decoded, validated and tallied as far as no state is needed (in
 * ingestStream's worker thread), in a form that crosses threads cheaply: typed arrays (moved, not
 * copied) and one table of the batch's distinct strings, instead of an object per event, whose
 * structured clone would cost about as much as parsing the JSON again. The main thread applies
 * it (Ingestor.applyPrepared): the state-dependent rest of the reduction, and the commit.
 */
export interface PreparedBatch {
  /** 1-based line of the batch's first line, and how many lines it has (blank ones included). */
  readonly firstLine: number;
  readonly lines: number;
  /** The batch id's key (ingest-stream.ts batchKey). */
  readonly key: string;
  /** The validation's now (Unix ms). */
  readonly nowMs: number;
  /** Valid events (of known apps). */
  readonly events: number;
  /** Every rejected line, in line order. */
  readonly rejections: readonly Rejection[];
  /** Per app of the valid events, in ascending SDKAppID order. */
  readonly apps: readonly PreparedApp[];
}

/** One app's part of a batch (see encodeApp). */
export interface PreparedApp {
  readonly sdkappid: number;
  /** The strings the numbers below index. */
  readonly strings: readonly string[];
  /** Stateless tally: per bucket its grain, bucket and dim (strings indices), ADDED_FIELDS.length sums, */
  readonly bucketKeys: Int32Array;
  readonly adds: Float64Array;
  /** and per (bucket, set) with members: bucket index, SET_NAMES index, member count; the members (string indices). */
  readonly sets: Int32Array;
  readonly members: Int32Array;
  /** The events reduceStateful needs, as columns: STATEFUL_TYPES index, time, two string indices, a number (NaN: none). */
  readonly types: Uint8Array;
  readonly times: Float64Array;
  readonly a: Int32Array;
  readonly b: Int32Array;
  readonly n: Float64Array;
  /** The members of group.create events, in order (their counts in `n`). */
  readonly groupMembers: Int32Array;
}

const STATEFUL_TYPES = [
  'clock',
  'user.login',
  'user.logout',
  'msg.c2c',
  'msg.group',
  'user.register',
  'user.delete',
  'group.create',
  'group.destroy',
  'group.join',
  'group.quit',
] as const satisfies ReadonlyArray<StatefulInput['type']>;
const TYPE_CODE = new Map<string, number>(STATEFUL_TYPES.map((t, i) => [t, i]));

/** The ArrayBuffers of a prepared batch, to transfer rather than copy. */
export function transferables(batch: PreparedBatch): ArrayBuffer[] {
  return batch.apps.flatMap((a) => [a.bucketKeys, a.adds, a.sets, a.members, a.types, a.times, a.a, a.b, a.n, a.groupMembers].map((x) => x.buffer as ArrayBuffer));
}

/** Packs one app's stateless tally and stateful events (see PreparedApp). */
export function encodeApp(sdkappid: number, tally: Tally, stateful: readonly StatefulInput[]): PreparedApp {
  const encoder = new AppEncoder();
  for (const e of stateful) encoder.addStateful(e);
  return encoder.finish(sdkappid, tally);
}

/**
 * Builds a PreparedApp as the events come (stateful ones packed at once, so their decoded
 * objects need not live until the batch ends), then the tally at the end.
 */
export class AppEncoder {
  readonly #strings: string[] = [];
  readonly #index = new Map<string, number>();
  readonly #types: number[] = [];
  readonly #times: number[] = [];
  readonly #a: number[] = [];
  readonly #b: number[] = [];
  readonly #n: number[] = [];
  readonly #groupMembers: number[] = [];

  #intern(s: string): number {
    let i = this.#index.get(s);
    if (i === undefined) {
      this.#index.set(s, (i = this.#strings.length));
      this.#strings.push(s);
    }
    return i;
  }

  /** Packs the next stateful event (or clock mark), in order. */
  addStateful(e: StatefulInput): void {
    let a = -1;
    let b = -1;
    let n = Number.NaN;
    switch (e.type) {
      case 'user.login':
      case 'user.logout':
        a = this.#intern(e.user);
        b = this.#intern(e.platform);
        break;
      case 'msg.c2c':
        // Only the ones needsState keeps: delivered, derived from presence, and nothing to tell apart.
        if (e.delivered !== undefined || !e.ok) throw new Error('a msg.c2c with a stated delivery needs no state');
        a = this.#intern(e.from);
        b = this.#intern(e.to);
        break;
      case 'msg.group':
        a = this.#intern(e.from);
        b = this.#intern(e.group);
        if (e.delivered !== undefined) n = e.delivered;
        break;
      case 'user.register':
      case 'user.delete':
        a = this.#intern(e.user);
        break;
      case 'group.create':
        a = this.#intern(e.group);
        n = e.members.length;
        for (const m of e.members) this.#groupMembers.push(this.#intern(m));
        break;
      case 'group.destroy':
        a = this.#intern(e.group);
        break;
      case 'group.join':
      case 'group.quit':
        a = this.#intern(e.group);
        b = this.#intern(e.user);
        break;
      default:
        break;
    }
    this.#types.push(TYPE_CODE.get(e.type)!);
    this.#times.push(e.time);
    this.#a.push(a);
    this.#b.push(b);
    this.#n.push(n);
  }

  /** The app's part, with `tally` (its stateless counts) packed too. */
  finish(sdkappid: number, tally: Tally): PreparedApp {
    const intern = (s: string) => this.#intern(s);
    const buckets = tally.buckets();
    const bucketKeys = new Int32Array(buckets.length * 3);
    const adds = new Float64Array(buckets.length * ADDED_FIELDS.length);
    const sets: number[] = [];
    let memberCount = 0;
    buckets.forEach((t, i) => {
      bucketKeys[i * 3] = intern(t.key.grain);
      bucketKeys[i * 3 + 1] = intern(t.key.bucket);
      bucketKeys[i * 3 + 2] = intern(t.key.dim);
      ADDED_FIELDS.forEach((f, j) => (adds[i * ADDED_FIELDS.length + j] = t.adds[f] ?? 0));
      SET_NAMES.forEach((set, j) => {
        const m = t.members[set];
        if (m?.size) {
          sets.push(i, j, m.size);
          memberCount += m.size;
        }
      });
    });
    const members = new Int32Array(memberCount);
    let k = 0;
    for (let s = 0; s < sets.length; s += 3) {
      for (const m of buckets[sets[s]!]!.members[SET_NAMES[sets[s + 1]!]!]!) members[k++] = intern(m);
    }
    return {
      sdkappid,
      strings: this.#strings,
      bucketKeys,
      adds,
      sets: Int32Array.from(sets),
      members,
      types: Uint8Array.from(this.#types),
      times: Float64Array.from(this.#times),
      a: Int32Array.from(this.#a),
      b: Int32Array.from(this.#b),
      n: Float64Array.from(this.#n),
      groupMembers: Int32Array.from(this.#groupMembers),
    };
  }
}

/** A fresh Tally holding the app's stateless tally (a new one per call: a retried transaction starts again). */
export function decodeTally(app: PreparedApp): Tally {
  const { strings: s, bucketKeys, adds, sets, members } = app;
  const tally = new Tally();
  const bucketCount = bucketKeys.length / 3;
  const setsOf: Array<Partial<Record<string, string[]>>> = Array.from({ length: bucketCount }, () => ({}));
  for (let i = 0, k = 0; i < sets.length; i += 3) {
    const list = new Array<string>(sets[i + 2]!);
    for (let j = 0; j < list.length; j++) list[j] = s[members[k++]!]!;
    setsOf[sets[i]!]![SET_NAMES[sets[i + 1]!]!] = list;
  }
  for (let i = 0; i < bucketCount; i++) {
    const sums: Record<string, number> = {};
    for (let j = 0; j < ADDED_FIELDS.length; j++) {
      const v = adds[i * ADDED_FIELDS.length + j]!;
      if (v !== 0) sums[ADDED_FIELDS[j]!] = v;
    }
    tally.absorb({ grain: s[bucketKeys[i * 3]!]!, bucket: s[bucketKeys[i * 3 + 1]!]!, dim: s[bucketKeys[i * 3 + 2]!]! }, sums as BucketTally['adds'], setsOf[i]!);
  }
  return tally;
}

/** The app's stateful events as reduceStateful takes them. */
export function decodeStateful(app: PreparedApp): StatefulInput[] {
  const { sdkappid, strings: s, types, times, a, b, n, groupMembers } = app;
  const out = new Array<StatefulInput>(types.length);
  let g = 0;
  for (let i = 0; i < types.length; i++) {
    const time = times[i]!;
    const type = STATEFUL_TYPES[types[i]!]!;
    switch (type) {
      case 'clock':
        out[i] = { type, time, sdkappid };
        break;
      case 'user.login':
      case 'user.logout':
        out[i] = { type, time, sdkappid, user: s[a[i]!]!, platform: s[b[i]!]! };
        break;
      case 'msg.c2c':
        out[i] = { type, time, sdkappid, from: s[a[i]!]!, to: s[b[i]!]!, ok: true };
        break;
      case 'msg.group':
        out[i] = { type, time, sdkappid, from: s[a[i]!]!, group: s[b[i]!]!, ...(Number.isNaN(n[i]) ? {} : { delivered: n[i]! }) };
        break;
      case 'user.register':
      case 'user.delete':
        out[i] = { type, time, sdkappid, user: s[a[i]!]! };
        break;
      case 'group.create': {
        const members = new Array<string>(n[i]!);
        for (let j = 0; j < members.length; j++) members[j] = s[groupMembers[g++]!]!;
        out[i] = { type, time, sdkappid, group: s[a[i]!]!, members };
        break;
      }
      case 'group.destroy':
        out[i] = { type, time, sdkappid, group: s[a[i]!]! };
        break;
      case 'group.join':
      case 'group.quit':
        out[i] = { type, time, sdkappid, group: s[a[i]!]!, user: s[b[i]!]! };
        break;
    }
  }
  return out;
}
