/**
 * One way of writing an instant in every API answer (ADR 0019): ISO 8601 with milliseconds and the
 * Vietnam offset, `2027-01-04T23:59:59.999+07:00` — the civil time an officer reads on the calendar
 * the law counts on (Asia/Ho_Chi_Minh). The same instant was written `…16:59:59.999Z` by routes that
 * read PostgreSQL `timestamptz` columns and `…23:59:59.999+07:00` by the clocks; clients compared
 * them as strings. Dates without a time (`2027-01-04`) are civil days and stay as they are.
 */
import { vnInstant } from '../workflows/clock/vn-time.js';

/** A full ISO 8601 instant with an explicit offset (what the API ever writes as a date-time). */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** True for a string the API writes as a date-time (an ISO instant with an offset). */
export function isInstantString(s: string): boolean {
  return s.length <= 40 && INSTANT.test(s) && Number.isFinite(Date.parse(s));
}

/**
 * A copy of a JSON answer with every instant (Date, or a string that is an ISO instant with an
 * offset) in the Vietnam-offset form. Objects and arrays are copied; other values kept.
 */
export function withVnInstants(value: unknown, depth = 0): unknown {
  if (depth > 64) return value;
  if (typeof value === 'string') return isInstantString(value) ? vnInstant(value) : value;
  if (value instanceof Date) return Number.isFinite(value.getTime()) ? vnInstant(value) : value;
  if (Array.isArray(value)) return value.map((v) => withVnInstants(v, depth + 1));
  if (value !== null && typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = withVnInstants(v, depth + 1);
    return out;
  }
  return value;
}
