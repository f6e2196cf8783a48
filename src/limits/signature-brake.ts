import { createHash } from 'node:crypto';
import type { Clock } from './clock.js';
import { FailureBrake } from './failure-brake.js';
import type { LimitStore } from './limit-store.js';
import { LocalLimitStore } from './local-limit-store.js';

/** Failed UserSig checks allowed per client address and app per minute: 20. */
export const DEFAULT_CLIENT_BRAKE_THRESHOLD = 20;
/** Failed UserSig checks allowed per app and identifier per minute, from all clients together: 200. */
export const DEFAULT_ACCOUNT_BRAKE_THRESHOLD = 200;

/** Who tried: the client's address (after trust-proxy) and the app and identifier of the URL. */
export interface SignatureAttempt {
  readonly client: string;
  readonly sdkappid: string;
  readonly identifier: string;
}

export interface SignatureBrakeOptions {
  /** Failures per (client, app) per window before that pair is braked; default 20. */
  readonly clientThreshold?: number;
  /** Failures per (app, identifier) per window, all clients together, before that account is braked; default 200. */
  readonly accountThreshold?: number;
  /** Default 60 000 ms. */
  readonly windowMs?: number;
  /** Default a LocalLimitStore (this process). */
  readonly store?: LimitStore;
  readonly clock?: Clock;
}

/**
 * The brake on failed UserSig checks (70050), with two keys counted separately:
 *
 * - (client address, SDKAppID): one client guessing at one app is stopped after 20 failures a
 *   minute. It cannot touch another app, nor the same app from another address.
 * - (SDKAppID, identifier): many addresses guessing one account together are stopped after 200
 *   failures a minute. Only that account of that app is braked.
 *
 * A braked caller whose UserSig was already verified is let through by the caller of this class
 * (the cache proves it is no guess), so a brake engaged by strangers delays only new UserSigs.
 */
export class SignatureBrake {
  readonly #byClient: FailureBrake;
  readonly #byAccount: FailureBrake;

  constructor(options: SignatureBrakeOptions = {}) {
    const store = options.store ?? new LocalLimitStore();
    const common = { store, ...(options.windowMs !== undefined ? { windowMs: options.windowMs } : {}), ...(options.clock ? { clock: options.clock } : {}) };
    this.#byClient = new FailureBrake({ ...common, prefix: 'brake:client:', threshold: options.clientThreshold ?? DEFAULT_CLIENT_BRAKE_THRESHOLD });
    this.#byAccount = new FailureBrake({ ...common, prefix: 'brake:account:', threshold: options.accountThreshold ?? DEFAULT_ACCOUNT_BRAKE_THRESHOLD });
  }

  /** Which key is braked for this attempt, if any. */
  async braked(attempt: SignatureAttempt): Promise<'client' | 'account' | undefined> {
    const [client, account] = keysOf(attempt);
    // Both asked at once: a shared store answers them in one round trip's time.
    const [byClient, byAccount] = await Promise.all([this.#byClient.isBraked(client), this.#byAccount.isBraked(account)]);
    return byClient ? 'client' : byAccount ? 'account' : undefined;
  }

  /** As braked, answered at once when the store has a synchronous path (LimitStore.failuresNow), else the promise. */
  brakedNow(attempt: SignatureAttempt): 'client' | 'account' | undefined | Promise<'client' | 'account' | undefined> {
    const [client, account] = keysOf(attempt);
    const byClient = this.#byClient.isBrakedNow(client);
    if (byClient instanceof Promise) return this.braked(attempt);
    if (byClient) return 'client';
    const byAccount = this.#byAccount.isBrakedNow(account);
    if (byAccount instanceof Promise) return byAccount.then((b) => (b ? 'account' : undefined));
    return byAccount ? 'account' : undefined;
  }

  /** Records one failed check under both keys. */
  async recordFailure(attempt: SignatureAttempt): Promise<void> {
    const [client, account] = keysOf(attempt);
    await Promise.all([this.#byClient.recordFailure(client), this.#byAccount.recordFailure(account)]);
  }
}

/** Keys of bounded size whatever the URL holds (an identifier may be kilobytes long). */
function keysOf(a: SignatureAttempt): [string, string] {
  return [`${short(a.client)} ${short(a.sdkappid)}`, `${short(a.sdkappid)} ${short(a.identifier)}`];
}

function short(part: string): string {
  return part.length <= 64 && !part.includes(' ') ? part : `#${createHash('sha256').update(part).digest('base64url')}`;
}
