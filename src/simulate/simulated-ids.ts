import type { ResolvedOptions } from './simulate-options.js';

/** The user id of user index i (user indices follow registration order). */
export function simulatedUserId(i: number): string {
  return `u_${i + 1}`;
}

/** A Tencent-looking group id, unique per serial (a bijective mix of it). */
export function simulatedGroupId(serial: number): string {
  return `@TGS#2${(Math.imul(serial, 0x9e3779b1) >>> 0).toString(36).toUpperCase().padStart(7, '0')}`;
}

/** Users registered before the first simulated day. */
export function preRegisteredUsers(o: ResolvedOptions): number {
  return Math.round(o.users * o.preRegisteredShare);
}
