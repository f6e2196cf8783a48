import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AppsRepo, AppError } from './apps-repo.js';
import { testDatabaseKinds, openTestStore } from '../../test/support/test-databases.js';
import type { Store } from './store.js';

for (const kind of testDatabaseKinds()) {
  describe(`apps registry on ${kind}`, () => {
    let store: Store;
    let apps: AppsRepo;
    before(async () => {
      store = await openTestStore(kind);
      apps = new AppsRepo(store);
    });
    after(() => store.close());

    test('creates an app with a generated 64-hex key and the default admin and zone', async () => {
      const app = await apps.create({ sdkappid: 1400000001, name: 'Demo', company: 'ACME' });
      assert.match(app.secretKey!, /^[0-9a-f]{64}$/);
      assert.deepEqual(app.admins, ['administrator']);
      assert.equal(app.timezone, 'Asia/Shanghai');
      assert.equal(app.enabled, true);
      await assert.rejects(apps.create({ sdkappid: 1400000001, name: 'Again' }), AppError);
    });

    test('admins: case-sensitive ids, at least one kept', async () => {
      await apps.create({ sdkappid: 1400000002, name: 'Two', admins: ['Admin'] });
      const app = await apps.addAdmin(1400000002, 'admin');
      assert.deepEqual(app.admins, ['Admin', 'admin']);
      await apps.removeAdmin(1400000002, 'Admin');
      await assert.rejects(apps.removeAdmin(1400000002, 'admin'), /at least one admin/);
    });

    test('key rotation, disabling, callback token and baselines persist', async () => {
      const before = await apps.create({ sdkappid: 1400000003, name: 'Three', timezone: 'Europe/Berlin' });
      const rotated = await apps.rotateKey(1400000003);
      assert.notEqual(rotated.secretKey, before.secretKey);
      assert.equal((await apps.setEnabled(1400000003, false)).enabled, false);
      assert.equal((await apps.setCallbackToken(1400000003, 'tok')).callbackToken, 'tok');
      const b = await apps.setBaselines(1400000003, { registeredUsers: 5000, groups: 12 });
      assert.deepEqual([b.registeredBaseline, b.groupBaseline, b.timezone], [5000, 12, 'Europe/Berlin']);
    });

    test('rejects an unknown time zone and a non-positive SDKAppID', async () => {
      await assert.rejects(apps.create({ sdkappid: 1400000004, name: 'X', timezone: 'Mars/Olympus' }), /unknown time zone "Mars\/Olympus"/);
      await assert.rejects(apps.create({ sdkappid: -1, name: 'X' }), /positive integer/);
    });
  });
}
