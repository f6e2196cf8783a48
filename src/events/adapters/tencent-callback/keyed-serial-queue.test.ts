import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyedSerialQueue } from './keyed-serial-queue.js';

/** A job the test finishes by hand, recording when it started. */
function gate(log: string[], name: string): { job: () => Promise<string>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return {
    job: async () => {
      log.push(`start ${name}`);
      await opened;
      log.push(`end ${name}`);
      return name;
    },
    open,
  };
}

describe('KeyedSerialQueue', () => {
  it('runs one key in order, one job at a time; other keys do not wait', async () => {
    const q = new KeyedSerialQueue<number>(10);
    const log: string[] = [];
    const a1 = gate(log, 'a1');
    const a2 = gate(log, 'a2');
    const b1 = gate(log, 'b1');
    const r1 = q.run(1, a1.job)!;
    const r2 = q.run(1, a2.job)!;
    const r3 = q.run(2, b1.job)!;
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(log, ['start a1', 'start b1'], 'a2 waits for a1; b1 does not');
    b1.open();
    assert.equal(await r3, 'b1');
    a1.open();
    assert.equal(await r1, 'a1');
    a2.open();
    assert.equal(await r2, 'a2');
    assert.deepEqual(log, ['start a1', 'start b1', 'end b1', 'end a1', 'start a2', 'end a2']);
    assert.equal(q.pending, 0);
  });

  it('refuses jobs beyond maxPending and takes them again once some finished', async () => {
    const q = new KeyedSerialQueue<string>(2);
    const log: string[] = [];
    const x = gate(log, 'x');
    const y = gate(log, 'y');
    const rx = q.run('k', x.job)!;
    const ry = q.run('j', y.job)!;
    assert.equal(q.run('k', async () => 'z'), undefined);
    assert.equal(q.pending, 2);
    x.open();
    await rx;
    assert.equal(await q.run('k', async () => 'z'), 'z');
    y.open();
    await ry;
  });

  it('a failing job rejects its own promise only; the key goes on; drained waits for everything', async () => {
    const q = new KeyedSerialQueue<number>(10);
    const failing = q.run(1, async () => {
      throw new Error('boom');
    })!;
    const next = q.run(1, async () => 'after')!;
    await assert.rejects(failing, /boom/);
    assert.equal(await next, 'after');
    let late = false;
    q.run(3, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      late = true;
    });
    await q.drained();
    assert.equal(late, true);
    assert.equal(q.pending, 0);
  });
});
