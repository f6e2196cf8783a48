import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { callbackSign, verifyCallbackSign } from './verify-callback-sign.js';

const TOKEN = 'k8s-callback-token';
const NOW_MS = Date.UTC(2024, 5, 10, 10, 0, 0);
const NOW_S = NOW_MS / 1000;

/** The sign computed independently of the code under test. */
const signOf = (requestTime: number | string) => createHash('sha256').update(`${TOKEN}${requestTime}`).digest('hex');

describe('verifyCallbackSign', () => {
  it('accepts hex(sha256(token + RequestTime)) for a RequestTime within 5 minutes either way', () => {
    for (const t of [NOW_S, NOW_S - 300, NOW_S + 300, NOW_S - 1]) {
      assert.deepEqual(verifyCallbackSign({ token: TOKEN, requestTime: String(t), sign: signOf(t), nowMs: NOW_MS }), { ok: true }, String(t - NOW_S));
    }
    assert.equal(callbackSign(TOKEN, String(NOW_S)), signOf(NOW_S));
  });

  it('accepts the sign in upper case and a numeric RequestTime', () => {
    assert.equal(verifyCallbackSign({ token: TOKEN, requestTime: NOW_S, sign: signOf(NOW_S).toUpperCase(), nowMs: NOW_MS }).ok, true);
  });

  it('refuses a wrong sign: another token, another time, a flipped digit, wrong length or not hex', () => {
    const good = signOf(NOW_S);
    const flipped = (good[0] === '0' ? '1' : '0') + good.slice(1);
    const wrong = [
      createHash('sha256').update(`other${NOW_S}`).digest('hex'),
      signOf(NOW_S - 1),
      flipped,
      good.slice(0, 62),
      `${good}00`,
      'z'.repeat(64),
    ];
    for (const sign of wrong) {
      const r = verifyCallbackSign({ token: TOKEN, requestTime: String(NOW_S), sign, nowMs: NOW_MS });
      assert.deepEqual(r.ok ? 'ok' : r.failure, 'bad-sign', sign);
    }
  });

  it('refuses a missing sign or RequestTime', () => {
    const noSign = verifyCallbackSign({ token: TOKEN, requestTime: String(NOW_S), sign: undefined, nowMs: NOW_MS });
    assert.deepEqual(noSign, { ok: false, failure: 'missing-sign', message: 'Sign is missing; this app signs its callbacks' });
    const empty = verifyCallbackSign({ token: TOKEN, requestTime: String(NOW_S), sign: '', nowMs: NOW_MS });
    assert.equal(empty.ok ? 'ok' : empty.failure, 'missing-sign');
    const noTime = verifyCallbackSign({ token: TOKEN, requestTime: undefined, sign: signOf(''), nowMs: NOW_MS });
    assert.equal(noTime.ok ? 'ok' : noTime.failure, 'missing-request-time');
  });

  it('refuses a RequestTime that is not Unix seconds, even with a matching sign', () => {
    for (const t of ['soon', '-5', `${NOW_S}.5`, String(NOW_MS * 1000)]) {
      const r = verifyCallbackSign({ token: TOKEN, requestTime: t, sign: signOf(t), nowMs: NOW_MS });
      assert.equal(r.ok ? 'ok' : r.failure, 'bad-request-time', t);
    }
  });

  it('refuses a stale (> 5 min old) or future (> 5 min ahead) RequestTime even with a matching sign', () => {
    const stale = verifyCallbackSign({ token: TOKEN, requestTime: String(NOW_S - 301), sign: signOf(NOW_S - 301), nowMs: NOW_MS });
    assert.deepEqual(stale, { ok: false, failure: 'stale-request-time', message: 'RequestTime is 301 s old; at most 300 s is accepted' });
    const future = verifyCallbackSign({ token: TOKEN, requestTime: String(NOW_S + 301), sign: signOf(NOW_S + 301), nowMs: NOW_MS });
    assert.deepEqual(future, { ok: false, failure: 'future-request-time', message: 'RequestTime is 301 s in the future; at most 300 s is accepted' });
    const aMillisecondPast = verifyCallbackSign({ token: TOKEN, requestTime: String(NOW_S - 300), sign: signOf(NOW_S - 300), nowMs: NOW_MS + 1 });
    assert.equal(aMillisecondPast.ok ? 'ok' : aMillisecondPast.failure, 'stale-request-time');
  });

  it('never puts the token or the expected sign in a message', () => {
    const r = verifyCallbackSign({ token: TOKEN, requestTime: String(NOW_S), sign: signOf(NOW_S + 1), nowMs: NOW_MS });
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.doesNotMatch(r.message, new RegExp(TOKEN));
      assert.doesNotMatch(r.message, new RegExp(signOf(NOW_S)));
    }
  });
});
