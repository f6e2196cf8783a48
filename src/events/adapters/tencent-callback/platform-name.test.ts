import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CallbackBodyError } from './callback-translation.js';
import { platformName } from './platform-name.js';

describe('platformName', () => {
  it('spells the documented platforms one way, whatever their case', () => {
    const cases: [string, string][] = [
      ['IOS', 'iOS'],
      ['iOs', 'iOS'],
      ['ios', 'iOS'],
      ['ANDROID', 'Android'],
      ['android', 'Android'],
      ['web', 'Web'],
      ['WINDOWS', 'Windows'],
      ['mac', 'Mac'],
      ['macOS', 'Mac'],
      ['IPad', 'iPad'],
      ['restapi', 'RESTAPI'],
      [' iOS ', 'iOS'],
    ];
    for (const [raw, name] of cases) assert.equal(platformName(raw), name, raw);
  });

  it('absent, empty and Unknown are the default platform', () => {
    for (const raw of [undefined, '', '  ', 'Unknown', 'UNKNOWN']) assert.equal(platformName(raw), 'default', String(raw));
  });

  it('keeps other names as sent, and refuses over-long or control-character ones', () => {
    assert.equal(platformName('Quest3'), 'Quest3');
    assert.throws(() => platformName('x'.repeat(33)), (err: unknown) => err instanceof CallbackBodyError && err.path === 'OptPlatform');
    assert.throws(() => platformName('a\u0000b', 'KickedDevice[0].Platform'), (err: unknown) => err instanceof CallbackBodyError && err.path === 'KickedDevice[0].Platform');
  });
});
