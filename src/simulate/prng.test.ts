import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cumulate, hash3, Prng } from './prng.js';

test('the same seed gives the same sequence, another seed a different one', () => {
  const a = new Prng(42);
  const b = new Prng(42);
  const c = new Prng(43);
  const sa = Array.from({ length: 100 }, () => a.u32());
  assert.deepEqual(Array.from({ length: 100 }, () => b.u32()), sa);
  assert.notDeepEqual(Array.from({ length: 100 }, () => c.u32()), sa);
});

test('the sequence for a seed is frozen (the simulator output format depends on it)', () => {
  const p = new Prng(1);
  assert.deepEqual(
    Array.from({ length: 4 }, () => p.u32()),
    [1828152527, 3394835397, 2967886022, 2251045104],
  );
});

test('seeds beyond 32 bits still differ', () => {
  assert.notEqual(new Prng(1).u32(), new Prng(1 + 2 ** 32).u32());
});

test('uniform, exponential and Pareto draws have the expected means', () => {
  const p = new Prng(7);
  const n = 200_000;
  let u = 0;
  let e = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = p.next();
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
    u += x;
    e += p.exp(3);
  }
  assert.ok(lo >= 0 && hi < 1);
  assert.ok(Math.abs(u / n - 0.5) < 0.005, `uniform mean ${u / n}`);
  assert.ok(Math.abs(e / n - 3) < 0.05, `exponential mean ${e / n}`);
  let par = 0;
  for (let i = 0; i < n; i++) par += Math.min(1000, p.pareto(3));
  assert.ok(Math.abs(par / n - 1.5) < 0.03, `pareto(3) mean ${par / n}`);
  let z = 0;
  let z2 = 0;
  for (let i = 0; i < n; i++) {
    const x = p.normal();
    z += x;
    z2 += x * x;
  }
  assert.ok(Math.abs(z / n) < 0.01 && Math.abs(z2 / n - 1) < 0.02, `normal mean ${z / n}, variance ${z2 / n}`);
});

test('int stays in range and pick follows the weights', () => {
  const p = new Prng(3);
  const counts = [0, 0, 0];
  const cum = cumulate([1, 0, 3]);
  for (let i = 0; i < 40_000; i++) {
    const k = p.int(5);
    assert.ok(Number.isInteger(k) && k >= 0 && k < 5);
    counts[p.pick(cum)]!++;
  }
  assert.equal(counts[1], 0);
  assert.ok(Math.abs(counts[2]! / counts[0]! - 3) < 0.2, `ratio ${counts[2]! / counts[0]!}`);
});

test('hash3 is stable and sensitive to every argument', () => {
  assert.equal(hash3(1, 2, 3), hash3(1, 2, 3));
  const h = hash3(1, 2, 3);
  assert.notEqual(hash3(2, 2, 3), h);
  assert.notEqual(hash3(1, 3, 3), h);
  assert.notEqual(hash3(1, 2, 4), h);
  assert.ok(h >= 0 && h < 2 ** 32);
});
