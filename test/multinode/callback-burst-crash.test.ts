// Issue 10 (1): an answer with ErrorCode 0 means the callback is stored. A burst of callbacks far
// beyond what applies within the 1.5 s answer budget goes to a real `imstats serve`, which is
// killed (SIGKILL) in the middle; a restarted server on the same database then applies what was
// left. Every callback answered 0 is counted, and none twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { AppsRepo } from '../../src/store/apps-repo.js';
import { openStore, type Store } from '../../src/store/store.js';
import { createTestDatabase, testDatabaseKinds } from '../support/test-databases.js';
import { imstatsServe, serverUrl } from './imstats-serve.js';
import { decodeIdSet } from '../../src/aggregate/id-set.js';

const APP = 1400000611;
const CALLBACKS = 4000;
/** Requests in flight at once. */
const CONCURRENCY = 64;
/** The server is killed once this many answers came back: well inside the burst. */
const KILL_AFTER_ANSWERS = 1200;

interface Answer {
  readonly sender: string;
  readonly code: number | undefined;
}

function post(base: string, i: number, nowS: number): Promise<Answer> {
  const sender = `s${i}`;
  const body = JSON.stringify({
    CallbackCommand: 'C2C.CallbackAfterSendMsg',
    From_Account: sender,
    To_Account: 'peer',
    MsgSeq: i,
    MsgRandom: 7,
    MsgTime: nowS,
    MsgKey: `${i}_7_${nowS}`,
    SendMsgResult: 0,
  });
  const url = new URL(`/v4/imstats/callback?SdkAppid=${APP}&CallbackCommand=C2C.CallbackAfterSendMsg&contenttype=json&OptPlatform=iOS`, base);
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (s: string) => (text += s));
      res.on('end', () => {
        try {
          resolve({ sender, code: (JSON.parse(text) as { ErrorCode: number }).ErrorCode });
        } catch {
          resolve({ sender, code: undefined });
        }
      });
      res.on('error', () => resolve({ sender, code: undefined }));
    });
    // A request cut by the kill has no answer: Tencent would retry it, it proves nothing here.
    req.on('error', () => resolve({ sender, code: undefined }));
    req.end(body);
  });
}

/** Senders counted in C2CSendMsgUserNum (one row each, whatever the day) and the C2C messages counted. */
async function counted(store: Store): Promise<{ senders: Set<string>; messages: number; waiting: number }> {
  // Distinct senders are kept as sets of dense member ids (stat_sets); names come from member_ids.
  const sets = await store.db.selectFrom('stat_sets').select('ids').where('sdkappid', '=', APP).where('field', '=', 'C2CSendMsgUserNum').where('dim', '=', '').where('grain', '=', 'day').execute();
  const names = new Map((await store.db.selectFrom('member_ids').select(['id', 'member']).where('sdkappid', '=', APP).execute()).map((r) => [Number(r.id), r.member]));
  const members = sets.flatMap((r) => [...decodeIdSet(r.ids)].map((id) => ({ member: names.get(id) ?? `#${id}` })));
  const sums = await store.db.selectFrom('stats').select('C2CUpMsgNum').where('sdkappid', '=', APP).where('dim', '=', '').where('grain', '=', 'day').execute();
  const waiting = await store.db.selectFrom('callback_inbox').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  return { senders: new Set(members.map((m) => m.member)), messages: sums.reduce((n, r) => n + Number(r.C2CUpMsgNum), 0), waiting: Number(waiting.n) };
}

for (const kind of testDatabaseKinds()) {
  test(`kill -9 during a callback burst: every callback answered 0 is counted once (${kind})`, { timeout: 180_000 }, async (t) => {
    const db = await createTestDatabase(kind);
    let server = imstatsServe(db.url);
    try {
      const store = await openStore(db.url);
      try {
        await new AppsRepo(store).create({ sdkappid: APP, name: 'burst', createdAt: Date.now() - 86_400_000, timezone: 'UTC' });
      } finally {
        await store.close();
      }
      const base = await serverUrl(server);
      const nowS = Math.floor(Date.now() / 1000);
      const answers: Answer[] = [];
      let next = 0;
      let killed = false;
      const worker = async () => {
        while (next < CALLBACKS && !killed) {
          const answer = await post(base, next++, nowS);
          answers.push(answer);
          if (!killed && answers.length >= KILL_AFTER_ANSWERS) {
            killed = true;
            server.process.kill('SIGKILL');
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      await server.exited;
      const burstMs = Date.now() - nowS * 1000;
      const answered = answers.filter((a) => a.code === 0).map((a) => a.sender);
      assert.ok(answered.length >= KILL_AFTER_ANSWERS / 2, `most answers before the kill were 0 (${answered.length})`);
      assert.ok(answers.length < CALLBACKS, 'the server was killed before the burst ended');

      const check = await openStore(db.url);
      const atKill = await counted(check);
      t.diagnostic(`${answered.length} answered 0 within ${burstMs} ms, ${answers.filter((a) => a.code === undefined).length} cut by the kill; at the kill ${atKill.messages} applied and ${atKill.waiting} stored waiting`);
      const restarted = Date.now();
      server = imstatsServe(db.url);
      await serverUrl(server);
      try {
        // The restarted server drains what the killed one stored; poll (bounded) until the inbox is empty.
        let seen = await counted(check);
        for (let i = 0; i < 600 && seen.waiting > 0; i++) {
          await new Promise((r) => setTimeout(r, 100));
          seen = await counted(check);
        }
        assert.equal(seen.waiting, 0, 'the restarted server applied every stored callback');
        t.diagnostic(`the restarted server drained the inbox within ${Date.now() - restarted} ms`);
        const lost = answered.filter((s) => !seen.senders.has(s));
        assert.deepEqual(lost.slice(0, 10), [], `${lost.length} of ${answered.length} callbacks answered 0 were not counted`);
        assert.equal(seen.messages, seen.senders.size, 'every counted callback counted once (one message per sender)');
        assert.ok(seen.senders.size <= answers.length, 'nothing counted that was not sent');
      } finally {
        await check.close();
      }
    } finally {
      await server.stop();
      await db.drop();
    }
  });
}
