/**
 * One way of writing an instant in every API answer (ADR 0019): ISO 8601 with milliseconds and the
 * Vietnam offset, `2027-01-04T23:59:59.999+07:00` — the civil time an officer reads on the calendar
 * the law counts on (Asia/Ho_Chi_Minh). The same instant was written `…16:59:59.999Z` by routes that
 * read PostgreSQL `timestamptz` columns and `…23:59:59.999+07:00` by the clocks; clients compared
 * them as strings. Dates without a time (`2027-01-04`) are civil days and stay as they are.
 */
import { DateTime } from 'luxon';

const VN_ZONE = 'Asia/Ho_Chi_Minh';
/** A full ISO 8601 instant with an explicit offset (what the API ever writes as a date-time). */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;
const HOUR_MS = 3_600_000;
/** From 1976 Vietnam is on UTC+07:00 all year (no DST): plain arithmetic, no zone look-up. */
const FIXED_FROM_MS = Date.UTC(1976, 0, 1);

/** `instant` (any offset, or epoch ms / Date) written in the Vietnam-offset form; unparseable input unchanged. */
export function vnInstant(instant: string | number | Date): string {
  const ms = typeof instant === 'number' ? instant : instant instanceof Date ? instant.getTime() : Date.parse(instant);
  if (!Number.isFinite(ms)) return String(instant);
  if (ms >= FIXED_FROM_MS && ms < Date.UTC(9999, 0, 1)) return `${new Date(ms + 7 * HOUR_MS).toISOString().slice(0, 23)}+07:00`;
  const d = DateTime.fromMillis(ms, { zone: VN_ZONE });
  return d.isValid ? (d.toISO() ?? String(instant)) : String(instant);
}

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
