/**
 * A binary min-heap of (time, actor) pairs in typed arrays, fixed capacity, with each actor's
 * position tracked so an entry can be moved earlier (a push notification waking a user up). The simulator keeps
 * exactly one entry per scheduled user, so the heap's size is bounded by the user count, and
 * the common "act, then reschedule the same user" step is one `replaceTop` (a single sift-down)
 * instead of a pop and a push. Ties come out in a deterministic (not FIFO) order.
 */
export class TimeHeap {
  readonly #times: Float64Array;
  readonly #ids: Int32Array;
  /** Where each actor sits in the heap (−1: not in it), for `decrease`. Actors are 0 … capacity − 1. */
  readonly #pos: Int32Array;
  #size = 0;

  constructor(capacity: number) {
    this.#times = new Float64Array(Math.max(1, capacity));
    this.#ids = new Int32Array(Math.max(1, capacity));
    this.#pos = new Int32Array(Math.max(1, capacity)).fill(-1);
  }

  get size(): number {
    return this.#size;
  }

  /** The earliest time (Infinity when empty). */
  topTime(): number {
    return this.#size > 0 ? this.#times[0]! : Infinity;
  }

  /** The actor with the earliest time (undefined behaviour when empty). */
  topId(): number {
    return this.#ids[0]!;
  }

  /** Adds an actor that is not in the heap. */
  push(time: number, id: number): void {
    if (this.#size >= this.#times.length) throw new RangeError('TimeHeap is full');
    if (this.#pos[id]! >= 0) throw new Error(`actor ${id} is already scheduled`);
    this.#siftUp(this.#size++, time, id);
  }

  /** The scheduled time of an actor (Infinity when not in the heap). */
  timeOf(id: number): number {
    const i = this.#pos[id]!;
    return i >= 0 ? this.#times[i]! : Infinity;
  }

  /** Moves an actor already in the heap to an earlier time. */
  decrease(id: number, time: number): void {
    const i = this.#pos[id]!;
    if (i < 0 || time > this.#times[i]!) throw new Error(`actor ${id} cannot move to a later time with decrease`);
    this.#siftUp(i, time, id);
  }

  /** Removes the top entry. */
  pop(): void {
    this.#pos[this.#ids[0]!] = -1;
    const last = --this.#size;
    if (last > 0) this.#siftDown(this.#times[last]!, this.#ids[last]!);
  }

  #siftUp(i: number, time: number, id: number): void {
    const times = this.#times;
    const ids = this.#ids;
    const pos = this.#pos;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (times[parent]! <= time) break;
      times[i] = times[parent]!;
      ids[i] = ids[parent]!;
      pos[ids[i]!] = i;
      i = parent;
    }
    times[i] = time;
    ids[i] = id;
    pos[id] = i;
  }

  /** Gives the top entry a new, later time (cheaper than pop + push). */
  replaceTop(time: number): void {
    this.#siftDown(time, this.#ids[0]!);
  }

  #siftDown(time: number, id: number): void {
    const times = this.#times;
    const ids = this.#ids;
    const n = this.#size;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && times[child + 1]! < times[child]!) child++;
      if (times[child]! >= time) break;
      times[i] = times[child]!;
      ids[i] = ids[child]!;
      this.#pos[ids[i]!] = i;
      i = child;
    }
    times[i] = time;
    ids[i] = id;
    this.#pos[id] = i;
  }
}
