import { absent, msTimeField, type BodyObject } from './body-fields.js';

/**
 * The time of a group or friend change: the body's `EventTime` (ms) when present, else the
 * arrival time (Tencent's friend callbacks and older group callbacks carry no timestamp).
 */
export function eventTimeOrArrival(obj: BodyObject, arrivalMs: number): { readonly time: number; readonly stamped: boolean } {
  return absent(obj, 'EventTime') ? { time: arrivalMs, stamped: false } : { time: msTimeField(obj, 'EventTime'), stamped: true };
}
