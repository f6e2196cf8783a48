import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { translateCallback } from './translate-callback.js';
import type { CallbackInput, CallbackTranslation, TranslatedCallback } from './callback-translation.js';
import { stateChangeBody, T0_MS } from '../../../../test/support/tencent-callback-samples.js';

const APP = 1400000000;
const ARRIVAL = T0_MS + 60_000;

/** OptPlatform `iOS` unless one (possibly undefined) is given. */
function state(body: unknown, ...platform: [string?]): CallbackTranslation {
  const optPlatform = platform.length === 0 ? 'iOS' : platform[0];
  const input: CallbackInput = { sdkappid: APP, command: 'State.StateChange', optPlatform, body, arrivalMs: ARRIVAL };
  return translateCallback(input);
}

function translated(t: CallbackTranslation): TranslatedCallback {
  assert.equal(t.kind, 'events', t.kind === 'malformed' ? t.error.message : t.kind === 'ignored' ? t.reason : '');
  return t as TranslatedCallback;
}

describe('State.StateChange', () => {
  it('Login becomes user.login for Info.To_Account at EventTime (ms) on the OptPlatform', () => {
    const t = translated(state(stateChangeBody({ action: 'Login', user: 'u_1001' }), 'Android'));
    assert.deepEqual(t.events, [{ type: 'user.login', time: T0_MS + 123, sdkappid: APP, user: 'u_1001', platform: 'Android' }]);
    assert.deepEqual(t.rejections, []);
    assert.equal(t.command, 'State.StateChange');
  });

  it('Logout and Disconnect both become user.logout', () => {
    for (const action of ['Logout', 'Disconnect']) {
      const t = translated(state(stateChangeBody({ action, user: 'u_7', reason: action === 'Logout' ? 'Unregister' : 'LinkClose' }), 'Web'));
      assert.deepEqual(t.events, [{ type: 'user.logout', time: T0_MS + 123, sdkappid: APP, user: 'u_7', platform: 'Web' }], action);
    }
  });

  it('normalises OptPlatform IOS to iOS, so a login and its logout pair up', () => {
    const login = translated(state(stateChangeBody({ action: 'Login' }), 'IOS'));
    const logout = translated(state(stateChangeBody({ action: 'Logout' }), 'iOS'));
    assert.equal((login.events[0] as { platform: string }).platform, 'iOS');
    assert.equal((logout.events[0] as { platform: string }).platform, 'iOS');
  });

  it('an absent or Unknown OptPlatform is the default platform', () => {
    for (const p of [undefined, '', 'Unknown']) {
      const t = translated(state(stateChangeBody(), p));
      assert.equal((t.events[0] as { platform: string }).platform, 'default', String(p));
    }
  });

  it('a Login with KickedDevice logs out each kicked platform first, at the same instant', () => {
    const t = translated(state(stateChangeBody({ action: 'Login', user: 'testuser316', kicked: ['Windows', 'ANDROID'] }), 'iOS'));
    assert.deepEqual(t.events, [
      { type: 'user.logout', time: T0_MS + 123, sdkappid: APP, user: 'testuser316', platform: 'Windows' },
      { type: 'user.logout', time: T0_MS + 123, sdkappid: APP, user: 'testuser316', platform: 'Android' },
      { type: 'user.login', time: T0_MS + 123, sdkappid: APP, user: 'testuser316', platform: 'iOS' },
    ]);
  });

  it('a kicked platform listed twice ends its session once; a malformed KickedDevice element is rejected alone', () => {
    const body = stateChangeBody({ kicked: ['Mac', 'mac'] });
    (body.KickedDevice as unknown[]).push({ Platform: 7 }, 'iPad');
    const t = translated(state(body, 'iPad'));
    assert.deepEqual(
      t.events.map((e) => `${e.type}/${(e as { platform: string }).platform}`),
      ['user.logout/Mac', 'user.login/iPad'],
    );
    assert.deepEqual(
      t.rejections.map((r) => r.path),
      ['KickedDevice[2].Platform', 'KickedDevice[3]'],
    );
  });

  it('KickedDevice on a Logout is not a login replacing sessions: only the logout', () => {
    const t = translated(state(stateChangeBody({ action: 'Logout', kicked: ['Windows'] })));
    assert.deepEqual(t.events.map((e) => e.type), ['user.logout']);
  });

  it('EventTime given as a string of digits is read as milliseconds', () => {
    const t = translated(state(stateChangeBody({ eventTime: String(T0_MS + 5) })));
    assert.equal(t.events[0]!.time, T0_MS + 5);
  });

  it('without EventTime the arrival time is used and there is no dedupe key', () => {
    const body = stateChangeBody();
    delete body.EventTime;
    const t = translated(state(body));
    assert.equal(t.events[0]!.time, ARRIVAL);
    assert.equal(t.dedupeKey, undefined);
  });

  it('dedupe key: identical retries share it; user, EventTime, action or platform changes it', () => {
    const key = (over: Parameters<typeof stateChangeBody>[0], p = 'iOS') => translated(state(stateChangeBody(over), p)).dedupeKey;
    const base = key({});
    assert.ok(base);
    assert.equal(key({}), base);
    assert.equal(key({}, 'IOS'), base, 'the normalised platform is the identity');
    const others = [key({ user: 'u_1002' }), key({ eventTime: T0_MS + 124 }), key({ action: 'Logout' }), key({}, 'Android')];
    assert.equal(new Set([base, ...others]).size, 5);
  });

  it('custom-status and other actions are acknowledged without events', () => {
    const t = state(stateChangeBody({ action: 'SetCustomStatus' }));
    assert.equal(t.kind, 'ignored');
    assert.match((t as { reason: string }).reason, /SetCustomStatus/);
  });

  it('malformed bodies name the field and the problem', () => {
    const noUser = stateChangeBody();
    delete (noUser.Info as Record<string, unknown>).To_Account;
    const cases: [unknown, string, string, RegExp][] = [
      [noUser, 'Info.To_Account', 'missing', /Info\.To_Account is missing/],
      [{ ...stateChangeBody(), Info: 'Login' }, 'Info', 'wrong-type', /Info must be a JSON object/],
      [{ CallbackCommand: 'State.StateChange', EventTime: T0_MS }, 'Info', 'missing', /Info is missing/],
      [stateChangeBody({ user: '' }), 'Info.To_Account', 'bad-value', /1–64 bytes/],
      [{ ...stateChangeBody(), Info: { Action: 1, To_Account: 'u' } }, 'Info.Action', 'wrong-type', /must be a string, got number 1/],
      [stateChangeBody({ eventTime: T0_MS / 1000 }), 'EventTime', 'bad-value', /looks like seconds/],
      [stateChangeBody({ eventTime: 'yesterday' }), 'EventTime', 'wrong-type', /must be an integer/],
      [{ ...stateChangeBody({ kicked: [] }), KickedDevice: { Platform: 'Web' } }, 'KickedDevice', 'wrong-type', /must be an array/],
      [[stateChangeBody()], 'body', 'wrong-type', /must be a JSON object, got an array/],
      [null, 'body', 'wrong-type', /got null/],
    ];
    for (const [body, path, problem, message] of cases) {
      const t = state(body);
      assert.equal(t.kind, 'malformed', `${path}: ${JSON.stringify(body)}`);
      if (t.kind !== 'malformed') continue;
      assert.equal(t.error.path, path);
      assert.equal(t.error.problem, problem);
      assert.match(t.error.message, message);
    }
  });
});
