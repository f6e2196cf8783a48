import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sdkAppIdOf } from './sdkappid-param.js';

test('an SDKAppID parameter is a canonical decimal safe integer, one spelling per app', () => {
  assert.equal(sdkAppIdOf('1400000000'), 1400000000);
  assert.equal(sdkAppIdOf('1'), 1);
  assert.equal(sdkAppIdOf('9007199254740991'), Number.MAX_SAFE_INTEGER);
  for (const raw of ['', '0', '01400000000', '+1400000000', '-1', '1e9', '1400000000.0', ' 1', '0x10', '9007199254740992', '12345678901234567', 'abc']) {
    assert.equal(sdkAppIdOf(raw), undefined, JSON.stringify(raw));
  }
});
