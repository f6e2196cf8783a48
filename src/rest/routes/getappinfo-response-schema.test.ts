import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { specFieldNamesInWireOrder } from '../../../test/support/spec-fields.js';
import { DAY_REPORT_SCHEMA, GETAPPINFO_RESPONSE_SCHEMA } from './getappinfo-response-schema.js';

test('the day schema is the 32-field catalog, every field a string, in byte-wise order', () => {
  const names = Object.keys(DAY_REPORT_SCHEMA.properties);
  assert.equal(names.length, 32);
  assert.deepEqual(names, specFieldNamesInWireOrder());
  assert.ok(Object.values(DAY_REPORT_SCHEMA.properties).every((p) => p.type === 'string'));
});

test('the compiled serializer sorts keys whatever the object order, stringifies numbers, drops extras', async () => {
  const app = Fastify();
  app.get('/', { schema: { response: GETAPPINFO_RESPONSE_SCHEMA } }, async () => ({
    Result: [{ LoginTimes: 5, Date: '20240614', Extra: 'x', APNSMsgNum: '0' }],
    ErrorInfo: 'OK',
    ErrorCode: 0,
    ActionStatus: 'OK',
  }));
  const res = await app.inject({ method: 'GET', url: '/' });
  assert.equal(res.body, '{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"OK","Result":[{"APNSMsgNum":"0","Date":"20240614","LoginTimes":"5"}]}');
  await app.close();
});
