/**
 * Each sliding window is kept as this many slot counters (plus the current one), so a key costs
 * a dozen numbers however many calls it makes: an exact log of 200 timestamps per app would cost
 * 20 times more, and a token bucket lets through up to twice its size in one window.
 */
export const SLOTS_PER_WINDOW = 10;

/** Calls admitted in one slot of a key's window. */
export interface SlotCount {
  readonly slot: number;
  count: number;
}

/**
 * One admission decision on a key's slot counters (oldest first; changed in place): true and
 * counted when fewer than `limit` calls were admitted in the slots overlapping
 * (nowMs − windowMs, nowMs]. Counting whole slots errs on the safe side: any `windowMs`
 * interval ending at an admitted call lies within the slots summed for it, so it holds at most
 * `limit` admitted calls; the cost is that a call may be refused up to one slot (a tenth of the
 * window) early. A Redis store runs the same arithmetic in a script.
 */
export function admitInSlots(slots: SlotCount[], limit: number, windowMs: number, nowMs: number): boolean {
  const slotMs = Math.max(1, Math.ceil(windowMs / SLOTS_PER_WINDOW));
  const current = Math.floor(nowMs / slotMs);
  const oldest = Math.floor((nowMs - windowMs) / slotMs);
  while (slots.length > 0 && slots[0]!.slot < oldest) slots.shift();
  let admitted = 0;
  for (const s of slots) admitted += s.count;
  if (admitted >= limit) return false;
  const last = slots[slots.length - 1];
  // A clock that stepped back counts in the newest slot, which keeps the bound.
  if (last !== undefined && last.slot >= current) last.count++;
  else slots.push({ slot: current, count: 1 });
  return true;
}
