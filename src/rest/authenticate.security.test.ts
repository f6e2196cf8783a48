import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { LocalLimitStore, type LimitStore } from '../limits/index.js';
import { testDatabaseKinds } from '../../test/support/test-databases.js';
import { VECTOR } from '../../test/support/usersig-test-vectors.js';
import { codeOf, envelopeOf, openRestHarness, SDKAPPID, type RestHarness } from '../../test/support/rest-test-harness.js';

for (const kind of testDatabaseKinds()) {
  describe(`UserSig authentication on ${kind}`, () => {
    let h: RestHarness;
    before(async () => {
      h = await openRestHarness(kind, { brakeThreshold: 1000 });
      await h.apps.create({ sdkappid: 1400000100, name: 'Keyless', secretKey: 'placeholder' });
      await h.store.db.updateTable('apps').set({ secret_key: null }).where('sdkappid', '=', 1400000100).execute();
      await h.apps.create({ sdkappid: 1400000200, name: 'Disabled', secretKey: 'dk' });
      await h.apps.setEnabled(1400000200, false);
      await h.apps.addAdmin(SDKAPPID, 'ops');
    });
    after(() => h.close());

    const expectCode = async (code: number, query: Record<string, string | undefined>, info?: RegExp) => {
      const env = envelopeOf(await h.call({ query, body: '{}' }));
      assert.equal(env.ErrorCode, code, env.ErrorInfo);
      assert.equal(env.ActionStatus, code === 0 ? 'OK' : 'FAIL');
      if (info) assert.match(env.ErrorInfo, info);
      return env;
    };

    test('60012: no sdkappid (absent or empty)', async () => {
      await expectCode(60012, { sdkappid: undefined }, /sdkappid is missing/);
      await expectCode(60012, { sdkappid: '' });
    });

    test('70002: usersig absent or empty (checked before the app is looked up)', async () => {
      await expectCode(70002, { usersig: undefined }, /UserSig is empty or absent/);
      await expectCode(70002, { usersig: '', sdkappid: '999' });
    });

    test('70020: unknown or non-numeric SDKAppID, named in ErrorInfo', async () => {
      const env = await expectCode(70020, { sdkappid: '1400999999' }, /^SDKAppID does not exist: "1400999999"$/);
      assert.equal(env.ErrorInfo.match(/does not exist/g)?.length, 1, 'said once');
      await expectCode(70020, { sdkappid: 'abc' }, /"abc"/);
    });

    test('70016: the app has no key', async () => {
      await expectCode(70016, { sdkappid: '1400000100' }, /app 1400000100 has no secret key/);
    });

    test('70003: undecodable UserSigs, a 10,000-character one included, never echoed back', async () => {
      const garbage = 'x'.repeat(10_000);
      const env = await expectCode(70003, { usersig: garbage }, /cannot be parsed/);
      assert.ok(!env.ErrorInfo.includes('xxxxxxxx'));
      await expectCode(70003, { usersig: 'not base64 !!' });
      await expectCode(70003, { usersig: h.sign().slice(0, 40) });
    });

    test('70014: UserSig made for another SDKAppID', async () => {
      await expectCode(70014, { usersig: h.sign({ sdkappid: 1400000001 }) }, /another SDKAppID/);
    });

    test('70013: UserSig made for another identifier, or identifier missing (case-sensitive)', async () => {
      await expectCode(70013, { usersig: h.sign({ identifier: 'ops' }) }, /another identifier/);
      await expectCode(70013, { usersig: h.sign({ identifier: 'Administrator' }) });
      await expectCode(70013, { identifier: undefined }, /identifier is missing/);
    });

    test('70001: expired UserSig; its last second is still valid', async () => {
      const sig = h.sign({ expire: 60 });
      h.clock.advance(60_000);
      await expectCode(0, { usersig: sig });
      h.clock.advance(1000);
      await expectCode(70001, { usersig: sig }, /expired/);
    });

    test('70009: signed with the wrong key (first character 6 instead of 5)', async () => {
      await expectCode(70009, { usersig: h.sign({ key: VECTOR.wrongKey }) }, /does not verify/);
    });

    test('60010: a valid UserSig of an account that is not an admin', async () => {
      await expectCode(60010, { identifier: 'alice', usersig: h.sign({ identifier: 'alice' }) }, /"alice" is not an admin/);
    });

    test('another admin of the app is accepted', async () => {
      await expectCode(0, { identifier: 'ops', usersig: h.sign({ identifier: 'ops' }) });
    });

    test('60006: disabled app, told only to a caller with a valid UserSig', async () => {
      await expectCode(60006, { sdkappid: '1400000200', usersig: h.sign({ sdkappid: 1400000200, key: 'dk' }) }, /^SDKAppID is disabled: 1400000200$/);
      await expectCode(70009, { sdkappid: '1400000200', usersig: h.sign({ sdkappid: 1400000200, key: 'wrong' }) });
    });

    test('app changes made elsewhere (another node) show within the 1 s app cache TTL', async () => {
      const old = h.sign();
      await expectCode(0, { usersig: old });
      const other = await h.apps.rotateKey(SDKAPPID, 'rotated-key');
      await expectCode(0, { usersig: old }); // still cached
      h.clock.advance(1000);
      await expectCode(70009, { usersig: old });
      await expectCode(0, { usersig: h.sign({ key: other.secretKey! }) });
      await h.apps.rotateKey(SDKAPPID, VECTOR.key);
      h.clock.advance(1000);
    });

    test('query parameters: names in any case, extra ones ignored, odd random values accepted', async () => {
      const sig = h.sign();
      for (const rawQuery of [
        `SdkAppId=${SDKAPPID}&Identifier=administrator&userSig=${sig}&random=1&contenttype=json`,
        `sdkappid=${SDKAPPID}&identifier=administrator&usersig=${sig}`,
        `sdkappid=${SDKAPPID}&identifier=administrator&usersig=${sig}&random=-2147483648`,
        `sdkappid=${SDKAPPID}&identifier=administrator&usersig=${sig}&random=171800000000012345678`,
        `sdkappid=${SDKAPPID}&identifier=administrator&usersig=${sig}&random=abc&RANDOM=&apn=1&ver=v4&servicename=openconfigsvr&command=getappinfo`,
      ]) {
        assert.equal(codeOf(await h.call({ rawQuery, body: '{}' })), 0, rawQuery);
      }
    });

    test('usersig: raw `*`, `%2A`, and the standard base64 alphabet with a literal `+`', async () => {
      let sig = h.sign();
      for (let i = 0; !sig.includes('*') && i < 100; i++) {
        h.clock.advance(1000);
        sig = h.sign();
      }
      assert.ok(sig.includes('*'), 'need a token with a * in it');
      const base = `sdkappid=${SDKAPPID}&identifier=administrator&random=7`;
      assert.equal(codeOf(await h.call({ rawQuery: `${base}&usersig=${sig}`, body: '{}' })), 0);
      assert.equal(codeOf(await h.call({ rawQuery: `${base}&usersig=${sig.replaceAll('*', '%2A')}`, body: '{}' })), 0);
      assert.equal(codeOf(await h.call({ rawQuery: `${base}&usersig=${encodeURIComponent(sig)}`, body: '{}' })), 0);
      const standard = sig.replaceAll('*', '+').replaceAll('-', '/').replaceAll('_', '=');
      assert.equal(codeOf(await h.call({ rawQuery: `${base}&usersig=${standard}`, body: '{}' })), 0);
    });
  });

  describe(`frequency limit and brute-force brake on ${kind}`, () => {
    let h: RestHarness;
    beforeEach(async () => {
      h = await openRestHarness(kind, { brakeThreshold: 3 });
    });
    const close = () => h.close();

    test('the 201st authenticated call within one second → 60007; free again once they are a second old', async (t) => {
      t.after(close);
      // Calls refused before the limit (here 60010) are not counted.
      for (let i = 0; i < 250; i++) {
        assert.equal(codeOf(await h.call({ query: { identifier: 'alice', usersig: h.sign({ identifier: 'alice' }) } })), 60010);
      }
      const query = h.defaultQuery();
      for (let i = 0; i < 200; i++) assert.equal(codeOf(await h.call({ query })), 0, `call ${i + 1}`);
      const env = envelopeOf(await h.call({ query }));
      assert.equal(env.ErrorCode, 60007);
      assert.match(env.ErrorInfo, /: 1400000000 on \/v4\/openconfigsvr\/getappinfo \(200 calls per second\)$/);
      // A sliding window counted in tenths of a second: free again a second and a tenth later.
      h.clock.advance(1100);
      assert.equal(codeOf(await h.call({ query })), 0);
    });

    test('the limit is configurable', async (t) => {
      await h.close();
      h = await openRestHarness(kind, { rateLimit: 2 });
      t.after(close);
      const query = h.defaultQuery();
      assert.deepEqual(
        [codeOf(await h.call({ query })), codeOf(await h.call({ query })), codeOf(await h.call({ query }))],
        [0, 0, 60007],
      );
    });

    test('over a limit store without the synchronous fast path (as a networked one is), the same answers', async (t) => {
      await h.close();
      const local = new LocalLimitStore();
      const limitStore: LimitStore = {
        admit: (...a) => local.admit(...a),
        addFailure: (...a) => local.addFailure(...a),
        failures: (...a) => local.failures(...a),
      };
      h = await openRestHarness(kind, { rateLimit: 2, limitStore });
      t.after(close);
      const query = h.defaultQuery();
      assert.equal(codeOf(await h.call({ query: { usersig: h.sign({ key: VECTOR.wrongKey }) } })), 70009);
      assert.deepEqual(
        [codeOf(await h.call({ query })), codeOf(await h.call({ query })), codeOf(await h.call({ query }))],
        [0, 0, 60007],
      );
    });

    test('repeated signature failures from one client → 70050 until the minute passes; others unaffected', async (t) => {
      t.after(close);
      const bad = { usersig: h.sign({ key: VECTOR.wrongKey }) };
      const from = '203.0.113.9';
      for (let i = 0; i < 4; i++) assert.equal(codeOf(await h.call({ query: bad, remoteAddress: from })), 70009);
      const braked = envelopeOf(await h.call({ remoteAddress: from }));
      assert.equal(braked.ErrorCode, 70050);
      assert.match(braked.ErrorInfo, /retry after a minute/);
      assert.equal(codeOf(await h.call({ remoteAddress: '198.51.100.1' })), 0);
      h.clock.advance(60_000);
      assert.equal(codeOf(await h.call({ remoteAddress: from })), 0);
    });
  });
}
