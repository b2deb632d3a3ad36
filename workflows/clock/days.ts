/**
 * Civil-date arithmetic on `YYYY-MM-DD` strings, without any time zone: a date here *is* a
 * Vietnamese civil day, so day stepping is plain proleptic-Gregorian arithmetic (BLDS 2015
 * Art 145: limits run on the solar calendar). Instants are produced only in `vn-time.ts`.
 */
import type { IsoDate } from './types';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const WEEKDAY_EN = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

/** Thrown for a malformed or impossible `YYYY-MM-DD` date. */
export class InvalidDateError extends Error {
  /** Stable machine code. */
  readonly code = 'INVALID_DATE';
  constructor(readonly value: unknown) {
    super(`Invalid date ${JSON.stringify(value)}: expected an existing day as YYYY-MM-DD`);
    this.name = 'InvalidDateError';
  }
}

/** Days since 1970-01-01 for a civil date (Howard Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Civil date for a day count since 1970-01-01. */
function civilFromDays(z: number): [number, number, number] {
  const zz = z + 719468;
  const era = Math.floor(zz / 146097);
  const doe = zz - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Day number (days since 1970-01-01) of a `YYYY-MM-DD` date; throws {@link InvalidDateError}. */
export function toDayNumber(date: IsoDate): number {
  const m = typeof date === 'string' ? ISO_DATE.exec(date) : null;
  if (!m) throw new InvalidDateError(date);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const n = daysFromCivil(y, mo, d);
  if (fromDayNumber(n) !== date) throw new InvalidDateError(date);
  return n;
}

/** `YYYY-MM-DD` for a day number. */
export function fromDayNumber(n: number): IsoDate {
  const [y, m, d] = civilFromDays(n);
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

/**
 * True when `value` is an existing day written `YYYY-MM-DD`, from year 1 (the proleptic Gregorian calendar has no
 * year 0, nor has PostgreSQL's `date`: a year-0 day was a database error, 500, wherever a route stored or queried it).
 */
export function isIsoDate(value: unknown): value is IsoDate {
  try {
    toDayNumber(value as string);
    return !(value as string).startsWith('0000');
  } catch {
    return false;
  }
}

/** `date` plus `days` (may be negative). */
export function addDays(date: IsoDate, days: number): IsoDate {
  return fromDayNumber(toDayNumber(date) + days);
}

/** Whole days from `a` to `b` (`b - a`). */
export function diffDays(a: IsoDate, b: IsoDate): number {
  return toDayNumber(b) - toDayNumber(a);
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: IsoDate): number {
  // 1970-01-01 was a Thursday (ISO 4).
  return ((((toDayNumber(date) + 3) % 7) + 7) % 7) + 1;
}

/** `30/01/2026` — the Vietnamese administrative date style. */
export function formatVn(date: IsoDate): string {
  return `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;
}

/** `Fri 30/01/2026`. */
export function formatDay(date: IsoDate): string {
  return `${WEEKDAY_EN[isoWeekday(date) - 1]} ${formatVn(date)}`;
}

/** `14/02–22/02/2026` (or `30/12/2025–02/01/2026` across years; a single day when equal). */
export function formatRange(from: IsoDate, to: IsoDate): string {
  if (from === to) return formatDay(from);
  const sameYear = from.slice(0, 4) === to.slice(0, 4);
  const head = sameYear ? `${from.slice(8, 10)}/${from.slice(5, 7)}` : formatVn(from);
  return `${head}–${formatVn(to)}`;
}
