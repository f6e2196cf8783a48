/**
 * Exact distinct sets of dense per-app member ids (see member_ids), stored as one BLOB per set in
 * whichever of two forms is smaller:
 * - gap varints: the ids sorted ascending, each written as the gap to the previous one minus one,
 *   in unsigned LEB128 varints (7 bits a byte): about a byte a member, best for sparse sets;
 * - a bitmap: BITMAP_MAGIC, the varint index of the first byte, then bit `id & 7` of byte
 *   `id >>> 3` for every member from there on: a bit a possible id, best for dense sets (an
 *   active-users day of a big app holds most of its ids: 1/8 of the varint bytes at 100 %, 1/5 at
 *   60 %), and read by getstats' reach and retention as words without decoding a member.
 * The magic is five continuation bytes, which no gap-varint set starts with (a varint is at most
 * five bytes and the fifth ends it), so sets written before bitmaps existed read unchanged.
 *
 * Why not Roaring (the `roaring` CRoaring package builds here; `roaring-wasm` is the pure
 * alternative): Roaring is these same two forms chosen per 65,536-id chunk plus a run form. This
 * store's sets are one app's dense ids, mostly a single chunk, so a per-set choice gets the same
 * sizes (measured on random sets: 2,000 of 100,000 ids 4.0 kB Roaring against 2.2 kB varints;
 * 40,000 of 100,000 16.4 kB against 12.5 kB bitmap), needs no native build or wasm, and reads
 * identically on every database; so this codec is ours (about 120 lines) rather than a dependency.
 */

/** Starts every bitmap-form set: five varint continuation bytes, then the form's version. */
const BITMAP_MAGIC = [0x80, 0x80, 0x80, 0x80, 0x80, 0x01] as const;

function isBitmap(bytes: Uint8Array): boolean {
  if (bytes.length < BITMAP_MAGIC.length) return false;
  for (let i = 0; i < BITMAP_MAGIC.length; i++) if (bytes[i] !== BITMAP_MAGIC[i]) return false;
  return true;
}

function varintLength(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    len++;
  }
  return len;
}

/** The bitmap form's byte index of its first byte and where its bits begin. */
function bitmapHeader(bytes: Uint8Array): { readonly first: number; readonly bitsAt: number } {
  let first = 0;
  let i = BITMAP_MAGIC.length;
  for (let k = 0; ; k++) {
    if (i >= bytes.length || k > 4) throw new Error('corrupt id set: truncated bitmap header');
    const b = bytes[i++]!;
    first += (b & 0x7f) * WEIGHTS[k]!;
    if (b < 0x80) break;
  }
  return { first, bitsAt: i };
}

/** Sorted, unique ids → bytes, in the smaller form. */
export function encodeIdSet(ids: ArrayLike<number>): Uint8Array {
  if (ids.length === 0) return new Uint8Array(0);
  const first = ids[0]! >>> 3;
  const bitmapBytes = BITMAP_MAGIC.length + varintLength(first) + (ids[ids.length - 1]! >>> 3) - first + 1;
  // Every member costs at least a varint byte: a bitmap no longer than the member count wins outright.
  if (bitmapBytes <= ids.length) return encodeBitmap(ids, first, bitmapBytes);
  const varints = encodeVarints(ids);
  return varints.length <= bitmapBytes ? varints : encodeBitmap(ids, first, bitmapBytes);
}

function encodeBitmap(ids: ArrayLike<number>, first: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const base = writeBitmapHeader(out, first) - first;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    out[base + (id >>> 3)]! |= 1 << (id & 7);
  }
  return out;
}

/** Writes the bitmap form's header for a first byte index `first` into `out`; returns where its bits begin. */
function writeBitmapHeader(out: Uint8Array, first: number): number {
  out.set(BITMAP_MAGIC);
  let n = BITMAP_MAGIC.length;
  let v = first;
  while (v >= 0x80) {
    out[n++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 0x80);
  }
  out[n++] = v;
  return n;
}

function encodeVarints(ids: ArrayLike<number>): Uint8Array {
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

/** Bytes (either form) → sorted, unique ids. Throws on a truncated varint (a corrupt row must not count). */
export function decodeIdSet(bytes: Uint8Array): Uint32Array {
  return isBitmap(bytes) ? decodeBitmap(bytes) : decodeVarints(bytes);
}

function decodeBitmap(bytes: Uint8Array): Uint32Array {
  const { first, bitsAt } = bitmapHeader(bytes);
  let count = 0;
  for (let i = bitsAt; i < bytes.length; i++) count += BITS_IN_BYTE[bytes[i]!]!;
  const out = new Uint32Array(count);
  let n = 0;
  for (let i = bitsAt; i < bytes.length; i++) {
    let b = bytes[i]!;
    const at = (first + i - bitsAt) * 8;
    while (b !== 0) {
      const low = b & -b;
      out[n++] = at + 31 - Math.clz32(low);
      b ^= low;
    }
  }
  return out;
}

const BITS_IN_BYTE = Uint8Array.from({ length: 256 }, (_, b) => {
  let n = 0;
  for (let x = b; x; x &= x - 1) n++;
  return n;
});

function decodeVarints(bytes: Uint8Array): Uint32Array {
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

const NO_IDS = new Uint32Array(0);

/**
 * A stored set (either form; undefined: none yet) with candidate ids added (any order,
 * duplicates allowed): the bytes encodeIdSet gives for the union, and how many were new.
 * A bitmap that stays one is merged bit by bit (copied once, the candidates' bits set) without
 * decoding its members: a big app's active-users day is most of its ids, and decoding it to
 * 32-bit ids on every batch cost 4 bytes a member (3.4 MB for 860,000 users) in short-lived
 * buffers, the bulk of a long ingest's memory peaks.
 */
export function addToIdSet(bytes: Uint8Array | undefined, candidates: Iterable<number>): { readonly bytes: Uint8Array; readonly added: number } {
  const extra = Uint32Array.from(new Set(candidates)).sort();
  if (bytes !== undefined && extra.length > 0 && isBitmap(bytes)) {
    const merged = addToBitmap(bytes, extra);
    if (merged) return merged;
  }
  const { ids, added } = unionSorted(bytes === undefined ? NO_IDS : decodeIdSet(bytes), extra);
  return { bytes: added === 0 && bytes !== undefined ? bytes : encodeIdSet(ids), added };
}

/**
 * addToIdSet of a bitmap-form set and sorted unique ids, when the union's bitmap is no longer
 * than its member count (encodeIdSet then picks the bitmap outright: the same bytes); undefined
 * otherwise (the set grew sparse: encodeIdSet must compare the forms).
 */
function addToBitmap(bytes: Uint8Array, extra: Uint32Array): { readonly bytes: Uint8Array; readonly added: number } | undefined {
  const { first, bitsAt } = bitmapHeader(bytes);
  const last = first + bytes.length - bitsAt - 1;
  let added = 0;
  for (let i = 0; i < extra.length; i++) {
    const at = extra[i]! >>> 3;
    if (at < first || at > last || ((bytes[bitsAt + at - first]! >> (extra[i]! & 7)) & 1) === 0) added++;
  }
  if (added === 0) return { bytes, added };
  let count = 0;
  for (let i = bitsAt; i < bytes.length; i++) count += BITS_IN_BYTE[bytes[i]!]!;
  const lo = Math.min(first, extra[0]! >>> 3);
  const hi = Math.max(last, extra[extra.length - 1]! >>> 3);
  const length = BITMAP_MAGIC.length + varintLength(lo) + hi - lo + 1;
  if (length > count + added) return undefined;
  const out = new Uint8Array(length);
  const base = writeBitmapHeader(out, lo) - lo;
  out.set(bytes.subarray(bitsAt), base + first);
  for (let i = 0; i < extra.length; i++) out[base + (extra[i]! >>> 3)]! |= 1 << (extra[i]! & 7);
  return { bytes: out, added };
}

/** The union of two sorted sets of unique ids, and how many of `extra` were not in `sorted`. */
function unionSorted(sorted: Uint32Array, extra: Uint32Array): { readonly ids: Uint32Array; readonly added: number } {
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

/**
 * The bytes a bitmap from id 0 needs to hold the set (`(max id >>> 3) + 1`; 0 when empty): read
 * from the header of a bitmap, by decoding gap varints.
 */
export function idSetBitmapSpan(bytes: Uint8Array): number {
  if (isBitmap(bytes)) {
    const { first, bitsAt } = bitmapHeader(bytes);
    return bytes.length > bitsAt ? first + bytes.length - bitsAt : 0;
  }
  const ids = decodeVarints(bytes);
  return ids.length ? (ids[ids.length - 1]! >>> 3) + 1 : 0;
}

/**
 * The set as a bitmap from id 0 (bit `id & 7` of byte `id >>> 3`) in a fresh buffer of
 * `byteLength` bytes, at least idSetBitmapSpan and a multiple of 4 so it can be read as 32-bit
 * words: OR-ing and counting words does not depend on the machine's byte order.
 */
export function idSetBitmap(bytes: Uint8Array, byteLength: number): Uint8Array {
  if (byteLength % 4 !== 0) throw new Error('idSetBitmap: the length must be whole 32-bit words');
  const out = new Uint8Array(byteLength);
  if (isBitmap(bytes)) {
    const { first, bitsAt } = bitmapHeader(bytes);
    if (first + bytes.length - bitsAt > byteLength) throw new Error('idSetBitmap: the set does not fit');
    out.set(bytes.subarray(bitsAt), first);
    return out;
  }
  const ids = decodeVarints(bytes);
  if (ids.length && ids[ids.length - 1]! >>> 3 >= byteLength) throw new Error('idSetBitmap: the set does not fit');
  for (let i = 0; i < ids.length; i++) out[ids[i]! >>> 3]! |= 1 << (ids[i]! & 7);
  return out;
}

/** Set bits of a 32-bit word. */
export function bitCount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}
