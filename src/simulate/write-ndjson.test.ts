import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { test } from 'node:test';
import type { ImEvent } from '../events/event.js';
import { simulateEvents } from './simulate-events.js';
import { eventToJson, ndjsonChunks, ndjsonReadable, writeNdjson } from './write-ndjson.js';

const base = { time: 1_718_000_000_123, sdkappid: 1_400_000_000 };

const samples: ImEvent[] = [
  { type: 'user.register', ...base, user: 'u_1' },
  { type: 'user.delete', ...base, user: 'u_1' },
  { type: 'user.login', ...base, user: 'u_1', platform: 'iOS' },
  { type: 'user.logout', ...base, user: 'u_1', platform: 'iOS' },
  { type: 'msg.c2c', ...base, from: 'a', to: 'b', ok: true },
  { type: 'msg.c2c', ...base, from: 'a', to: 'b', delivered: 0, ok: false },
  { type: 'msg.group', ...base, from: 'a', group: '@TGS#2X' },
  { type: 'msg.group', ...base, from: 'a', group: '@TGS#2X', delivered: 17 },
  { type: 'push', ...base, chat: 'c2c', vendor: 'apns', to: 'b' },
  { type: 'push', ...base, chat: 'group', vendor: 'fcm' },
  { type: 'friend.add', ...base, user: 'a', peer: 'b' },
  { type: 'friend.delete', ...base, user: 'a', peer: 'b' },
  { type: 'group.create', ...base, group: 'g', owner: 'a', members: ['a', 'b'] },
  { type: 'group.create', ...base, group: 'g', members: [] },
  { type: 'group.join', ...base, group: 'g', user: 'c' },
  { type: 'group.quit', ...base, group: 'g', user: 'c' },
  { type: 'group.destroy', ...base, group: 'g' },
  { type: 'callback', ...base, command: 'C2C.CallbackAfterSendMsg', answered: false },
  // Ids that need escaping: quotes, backslashes, control characters, non-ASCII.
  { type: 'friend.add', ...base, user: 'say "hi"\\', peer: '用户\u0001é😀' },
];

/** What the line must parse back to: the event without undefined fields, `ok` omitted when true. */
function expected(e: ImEvent): unknown {
  const o: Record<string, unknown> = JSON.parse(JSON.stringify(e));
  if (o.ok === true) delete o.ok;
  return o;
}

test('every event type serialises to JSON that parses back to the same event', () => {
  for (const e of samples) {
    const line = eventToJson(e);
    assert.deepEqual(JSON.parse(line), expected(e), line);
    assert.ok(line.startsWith(`{"type":"${e.type}","time":${e.time},"sdkappid":${e.sdkappid}`), line);
  }
});

test('simulated events serialise like JSON.stringify modulo the default ok', () => {
  let n = 0;
  for (const e of simulateEvents({ sdkappid: 1, days: 2, users: 300, start: '20240601' })) {
    assert.deepEqual(JSON.parse(eventToJson(e)), expected(e));
    n++;
  }
  assert.ok(n > 1000);
});

/** A writable that accepts a chunk every few milliseconds, with a tiny buffer. */
function slowSink(): { sink: Writable; text: () => string; maxBuffered: () => number } {
  const parts: string[] = [];
  let maxBuffered = 0;
  const sink = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _enc, done) {
      maxBuffered = Math.max(maxBuffered, sink.writableLength);
      parts.push(chunk.toString());
      setTimeout(done, 1);
    },
  });
  return { sink, text: () => parts.join(''), maxBuffered: () => maxBuffered };
}

test('writeNdjson waits for drain: a slow sink receives every line, its buffer stays bounded', async () => {
  const events = [...simulateEvents({ sdkappid: 1, days: 1, users: 200, start: '20240601' })];
  const { sink, text, maxBuffered } = slowSink();
  const result = await writeNdjson(events, sink, { chunkBytes: 4096, maxBuffered: 8192 });
  await new Promise<void>((resolve) => sink.end(resolve));
  const lines = text().split('\n');
  assert.equal(lines.pop(), '');
  assert.equal(lines.length, events.length);
  assert.equal(result.events, events.length);
  assert.equal(result.bytes, Buffer.byteLength(text()));
  assert.deepEqual(lines.map((l) => JSON.parse(l)), events.map(expected));
  assert.ok(maxBuffered() < 8192 + 2 * 4096, `buffered ${maxBuffered()} bytes`);
});

test('writeNdjson pulls events lazily: a stalled sink stops the generator', async () => {
  let pulled = 0;
  function* counting(): Generator<ImEvent> {
    for (const e of simulateEvents({ sdkappid: 1, days: 3, users: 500, start: '20240601' })) {
      pulled++;
      yield e;
    }
  }
  const sink = new Writable({ highWaterMark: 1024, write() {} }); // never calls back
  const writing = writeNdjson(counting(), sink, { chunkBytes: 1024, maxBuffered: 2048 });
  // Counted in turns of the event loop, not milliseconds: however slow the machine, once the
  // writer is stalled no further turn pulls another event.
  const turns = async (n: number) => {
    for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
  };
  await turns(1000);
  assert.ok(sink.writableNeedDrain, 'the sink is full');
  const stalledAt = pulled;
  assert.ok(stalledAt > 0 && stalledAt < 100, `pulled ${stalledAt} events while the sink was stalled`);
  await turns(1000);
  assert.equal(pulled, stalledAt, 'nothing pulled while the sink stays stalled');
  sink.destroy();
  await assert.rejects(writing, /closed/);
});

test('writeNdjson rejects when the stream fails', async () => {
  const sink = new Writable({
    write(_chunk, _enc, done) {
      done(new Error('disk full'));
    },
  });
  const events = simulateEvents({ sdkappid: 1, days: 2, users: 500, start: '20240601' });
  await assert.rejects(writeNdjson(events, sink, { chunkBytes: 1024 }), /disk full/);
});

test('ndjsonReadable streams the same bytes through pipeline()', async () => {
  const options = { sdkappid: 5, days: 1, users: 200, start: '20240601' } as const;
  const { sink, text } = slowSink();
  await pipeline(ndjsonReadable(simulateEvents(options), 2048), sink);
  const direct = [...simulateEvents(options)].map((e) => eventToJson(e) + '\n').join('');
  assert.equal(text(), direct);
});

test('numbers are written exactly, integers of any size and the odd fraction alike', () => {
  for (const n of [0, 7, 10, 99_999_999, 100_000_000, 100_000_001, 1_000_000_000, 1_718_000_000_123, 1_718_000_000_000, Number.MAX_SAFE_INTEGER, 1.5, 1e21]) {
    const line = eventToJson({ type: 'msg.group', time: n, sdkappid: n, from: 'a', group: 'g', delivered: n });
    const back = JSON.parse(line);
    assert.equal(back.time, n, line);
    assert.equal(back.sdkappid, n, line);
    assert.equal(back.delivered, n, line);
  }
  assert.equal(JSON.parse(eventToJson({ type: 'user.register', time: NaN, sdkappid: 1, user: 'a' })).time, null);
});

test('a huge group.create (thousands of members) grows the buffer and stays one line', () => {
  const members = Array.from({ length: 5000 }, (_, i) => `member_${i}_${'x'.repeat(40)}`);
  const e: ImEvent = { type: 'group.create', ...base, group: 'big', owner: members[0], members };
  const chunks = [...ndjsonChunks([e, e], 1024)];
  const text = Buffer.concat(chunks).toString();
  assert.equal(text, `${eventToJson(e)}\n${eventToJson(e)}\n`);
  assert.deepEqual(JSON.parse(text.split('\n')[1]!), expected(e));
});
