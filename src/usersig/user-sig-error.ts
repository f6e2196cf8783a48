/** Why a UserSig was refused; rest/ maps each to its ErrorCode. */
export type UserSigFailure =
  | 'empty' // 70002
  | 'undecodable' // 70003
  | 'sdkappid_mismatch' // 70014
  | 'identifier_mismatch' // 70013
  | 'expired' // 70001
  | 'bad_signature'; // 70009

/**
 * A refused UserSig. The message explains the failure but never contains the UserSig itself
 * (nor the key): error messages end up in responses and logs.
 */
export class UserSigError extends Error {
  constructor(
    readonly failure: UserSigFailure,
    message: string,
  ) {
    super(message);
    this.name = 'UserSigError';
  }
}
