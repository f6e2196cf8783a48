import { FIELD_NAMES } from '../../catalog/fields.js';

/** Byte-wise order (the names are ASCII, so UTF-16 order is byte order). */
const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** One day of the answer: every catalog field a string, properties in byte-wise order. */
export const DAY_REPORT_SCHEMA = {
  type: 'object',
  properties: Object.fromEntries([...FIELD_NAMES].sort(byteOrder).map((name) => [name, { type: 'string' }])),
} as const;

/**
 * The getappinfo answer as Fastify's response schema, generated from the field catalog.
 * fast-json-stringify writes properties in schema order, so the keys come out byte-wise sorted at
 * the top level and in each day; absent properties (the failure envelope's `Result`, fields not
 * asked for) are left out. Serves success and failure alike: both are HTTP 200.
 */
export const GETAPPINFO_RESPONSE_SCHEMA = {
  200: {
    type: 'object',
    required: ['ActionStatus', 'ErrorCode', 'ErrorInfo'],
    properties: {
      ActionStatus: { type: 'string' },
      ErrorCode: { type: 'integer' },
      ErrorInfo: { type: 'string' },
      Result: { type: 'array', items: DAY_REPORT_SCHEMA },
    },
  },
} as const;
