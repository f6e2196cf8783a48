import { absent, arrayField, elementPath, integerField, msTimeField, optionalStringField, type BodyObject } from '../tencent-callback/body-fields.js';
import { CallbackBodyError, type ItemRejection } from '../tencent-callback/callback-translation.js';
import { idField } from '../tencent-callback/body-fields.js';

/**
 * A Unix-ms time OpenIM may leave at Go's zero value (`createTime` of a group or user it did not
 * fill in): the field's value when present and non-zero, else the arrival time.
 */
export function msTimeOrArrival(obj: BodyObject, key: string, arrivalMs: number): { readonly time: number; readonly stamped: boolean } {
  if (absent(obj, key) || integerField(obj, key) === 0) return { time: arrivalMs, stamped: false };
  return { time: msTimeField(obj, key), stamped: true };
}

/** An integer field OpenIM always writes (Go structs without omitempty) but a proxy might drop: absent reads as 0. */
export function intOrZero(obj: BodyObject, key: string): number {
  return absent(obj, key) ? 0 : integerField(obj, key);
}

/** The operationID of the body, else of the header; undefined when both are empty. */
export function operationIdOf(obj: BodyObject, header: string | undefined): string | undefined {
  const fromBody = optionalStringField(obj, 'operationID');
  if (fromBody) return fromBody;
  return header ? header : undefined;
}

/**
 * A list of user ids (`kickedUserIDs`, `membersID`, `friendUserIDs`, `userIDList`), first
 * occurrence kept; a bad element is left out alone with its reason, the rest still count.
 */
export function idList(obj: BodyObject, key: string): { ids: string[]; rejections: ItemRejection[] } {
  const list = arrayField(obj, key);
  const ids: string[] = [];
  const seen = new Set<string>();
  const rejections: ItemRejection[] = [];
  list.forEach((element, i) => {
    const path = elementPath(obj, key, i);
    try {
      const id = idField({ path: '', fields: { [path]: element } }, path);
      if (!seen.has(id)) {
        seen.add(id);
        ids.push(id);
      }
    } catch (err) {
      if (!(err instanceof CallbackBodyError)) throw err;
      rejections.push({ path: err.path, reason: err.message });
    }
  });
  return { ids, rejections };
}
