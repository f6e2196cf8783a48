import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StoreError } from '../store/store-error.js';
import { UserSigError } from '../usersig/index.js';
import { ApiError, ERROR_CODES } from './error-codes.js';
import { DB_FAILURE_ERRORS, errorResponse, USERSIG_FAILURE_ERRORS } from './error-response.js';

test('every UserSig failure and database failure maps to its documented code', () => {
  assert.deepEqual(
    Object.fromEntries(Object.entries(USERSIG_FAILURE_ERRORS).map(([f, name]) => [f, ERROR_CODES[name].code])),
    { empty: 70002, undecodable: 70003, sdkappid_mismatch: 70014, identifier_mismatch: 70013, expired: 70001, bad_signature: 70009 },
  );
  assert.deepEqual(
    Object.fromEntries(Object.entries(DB_FAILURE_ERRORS).map(([f, name]) => [f, ERROR_CODES[name].code])),
    { open: 130009, ping: 130010, query: 130011, decode: 130012 },
  );
});

test('UserSig errors keep their explanation; database errors keep paths and SQL for the log only', () => {
  assert.deepEqual(errorResponse(new UserSigError('expired', 'UserSig expired at X')), { code: 70001, info: 'UserSig expired at X', log: 'none' });
  const db = errorResponse(new StoreError('query', 'reading statistics: no such table: stats at /srv/imstats.db'));
  assert.equal(db.code, 130011);
  assert.equal(db.log, 'error');
  assert.doesNotMatch(db.info, /stats|srv/);
});

test('ApiError passes through; Fastify body errors are 130001, other 4xx 60002; anything else 70500', () => {
  assert.deepEqual(errorResponse(new ApiError('NOT_ADMIN', '"x" is not an admin')), {
    code: 60010,
    info: 'identifier is not an app admin: "x" is not an admin',
    log: 'none',
  });
  const ctp = Object.assign(new Error('Request body size did not match Content-Length'), { code: 'FST_ERR_CTP_INVALID_CONTENT_LENGTH', statusCode: 400 });
  assert.equal(errorResponse(ctp).code, 130001);
  const bad = Object.assign(new Error('bad'), { code: 'FST_ERR_SOMETHING', statusCode: 400 });
  assert.equal(errorResponse(bad).code, 60002);
  const bug = errorResponse(new TypeError("Cannot read properties of undefined (reading 'x')"));
  assert.deepEqual(bug, { code: 70500, info: 'internal server error; please retry', log: 'error' });
});
