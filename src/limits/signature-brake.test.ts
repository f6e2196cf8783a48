import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeClock } from '../../test/support/fake-clock.js';
import { SignatureBrake, type SignatureAttempt } from './signature-brake.js';

const attempt = (client: string, sdkappid: string, identifier = 'administrator'): SignatureAttempt => ({ client, sdkappid, identifier });

async function fail(brake: SignatureBrake, a: SignatureAttempt, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await brake.recordFailure(a);
}

test('one client failing at one app brakes that (client, app) only', async () => {
  const brake = new SignatureBrake({ clock: fakeClock() });
  await fail(brake, attempt('10.0.0.1', '1400000000'), 21);
  assert.equal(await brake.braked(attempt('10.0.0.1', '1400000000')), 'client');
  assert.equal(await brake.braked(attempt('10.0.0.1', '1400000000', 'ops')), 'client', 'any identifier of that app from that client');
  assert.equal(await brake.braked(attempt('10.0.0.1', '1400000001')), undefined, 'another app from the same address');
  assert.equal(await brake.braked(attempt('10.0.0.2', '1400000000')), undefined, 'the same app from another address');
});

test('many clients failing at one account brake that (app, identifier) only', async () => {
  const brake = new SignatureBrake({ clientThreshold: 20, accountThreshold: 50, clock: fakeClock() });
  for (let i = 0; i < 51; i++) await brake.recordFailure(attempt(`10.0.1.${i}`, '1400000000'));
  assert.equal(await brake.braked(attempt('10.9.9.9', '1400000000')), 'account');
  assert.equal(await brake.braked(attempt('10.9.9.9', '1400000000', 'ops')), undefined, 'another admin of that app');
  assert.equal(await brake.braked(attempt('10.9.9.9', '1400000001')), undefined, 'the same identifier of another app');
});

test('keys stay bounded and unambiguous whatever the URL holds', async () => {
  const brake = new SignatureBrake({ clientThreshold: 1, clock: fakeClock() });
  const long = 'x'.repeat(10_000);
  await fail(brake, attempt('10.0.0.1', '1', long), 2);
  assert.equal(await brake.braked(attempt('10.0.0.1', '1', long)), 'client');
  // A space cannot shift one part into the next: "a b"+"c" differs from "a"+"b c".
  await fail(brake, attempt('a b', 'c'), 2);
  assert.equal(await brake.braked(attempt('a', 'b c')), undefined);
});
