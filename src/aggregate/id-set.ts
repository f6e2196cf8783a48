/**
 * Exact distinct sets of dense per-app member ids (see member_ids), stored as one BLOB per set:
 * the ids sorted ascending, each written as the gap to the previous one minus one, in unsigned
 * LEB128 varints (7 bits a byte). Why not Roaring (the `roaring` CRoaring package builds here;
 * `roaring-wasm` is the pure alternative): measured on random sets of dense ids, Roaring's
 * portable format only wins on very dense sets (40,000 of 100,000 ids: 16.4 kB against 40 kB)
 * and loses on the sets this store is mostly made of, hours × platforms of a few percent of the
 * users (2,000 of 100,000: 4.0 kB against 2.2 kB; 300 of 100,000: 624 B against 504 B; 6,000 of
 * 20,000: 8.2 kB against 6.0 kB). Gap varints are at most ~1 byte a member whenever a set holds
 * more than 1/128 of the app's ids, need no native build or wasm, and read identically on every
 * database, so this codec is ours (40 lines) rather than a dependency.
 */

/** Sorted, unique ids → bytes. */
export function encodeIdSet(ids: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(ids.length * 5);
  let n = 0;
  let prev = -1;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    let gap = id - prev - 1;
    prev = id;
    while (gap >= 0x80) {
      out[n++] = (gap & 0x7f) | 0x80;
      gap >>>= 7;
    }
    out[n++] = gap;
  }
  return out.slice(0, n);
}

/** 128^k: the weight of a varint's k-th byte (multiplied, not shifted: gaps may exceed 2^31). */
const WEIGHTS = [1, 0x80, 0x4000, 0x200000, 0x10000000];

/** Bytes → sorted, unique ids. Throws on a truncated varint (a corrupt row must not count). */
export function decodeIdSet(bytes: Uint8Array): Uint32Array {
  const n = bytes.length;
  const out = new Uint32Array(n);
  let count = 0;
  let prev = -1;
  let i = 0;
  while (i < n) {
    let b = bytes[i++]!;
    // Most gaps of a set read by getstats fit one byte: the fast path (reach reads ~60 sets a call).
    if (b < 0x80) {
      prev += b + 1;
      out[count++] = prev;
      continue;
    }
    let gap = b & 0x7f;
    let k = 1;
    do {
      if (i >= n || k > 4) throw new Error('corrupt id set: truncated or oversized varint');
      b = bytes[i++]!;
      gap += (b & 0x7f) * WEIGHTS[k++]!;
    } while (b & 0x80);
    prev += gap + 1;
    out[count++] = prev;
  }
  return out.subarray(0, count);
}

/** The union of a sorted set and candidate ids (any order, duplicates allowed), and how many were new. */
export function unionIds(sorted: Uint32Array, candidates: Iterable<number>): { readonly ids: Uint32Array; readonly added: number } {
  const extra = Uint32Array.from(new Set(candidates)).sort();
  const out = new Uint32Array(sorted.length + extra.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < sorted.length || j < extra.length) {
    if (j >= extra.length || (i < sorted.length && sorted[i]! < extra[j]!)) out[n++] = sorted[i++]!;
    else if (i >= sorted.length || extra[j]! < sorted[i]!) out[n++] = extra[j++]!;
    else {
      out[n++] = sorted[i++]!;
      j++;
    }
  }
  return { ids: out.subarray(0, n), added: n - sorted.length };
}
