import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecentDeliveries } from './recent-deliveries.js';

describe('RecentDeliveries', () => {
  it('remembers a key for the window, then forgets it', () => {
    const r = new RecentDeliveries(60_000, 10);
    r.add('a', 1_000);
    assert.equal(r.has('a', 1_000), true);
    assert.equal(r.has('a', 60_999), true);
    assert.equal(r.has('a', 61_000), false);
    assert.equal(r.has('b', 1_000), false);
  });

  it('keeps at most maxEntries, dropping the oldest', () => {
    const r = new RecentDeliveries(60_000, 3);
    for (const [i, k] of ['a', 'b', 'c', 'd'].entries()) r.add(k, 1_000 + i);
    assert.equal(r.size, 3);
    assert.deepEqual(['a', 'b', 'c', 'd'].map((k) => r.has(k, 2_000)), [false, true, true, true]);
  });

  it('drops expired entries as new ones come, so its size follows the traffic of one window', () => {
    const r = new RecentDeliveries(10, 1_000);
    for (let t = 0; t < 500; t++) r.add(`k${t}`, t);
    assert.ok(r.size <= 11, `size ${r.size}`);
  });

  it('adding a key again renews it', () => {
    const r = new RecentDeliveries(100, 10);
    r.add('a', 0);
    r.add('a', 90);
    assert.equal(r.has('a', 150), true);
  });
});
