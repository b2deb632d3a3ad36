/**
 * The calendar a case holds, grown on demand (ADR 0017). The statutory clocks read working days
 * from a snapshot fetched by an activity (recorded in history, so replay is deterministic). A case
 * needs days around each of its dates: a month before (a limit counted back) and the snapshot's
 * span after. When it needs a day outside the snapshot it holds, the interpreter fetches a wider one
 * — the union of what it holds and what it needs — instead of failing its workflow task. Pure.
 */
import { addDays, CalendarCoverageError, diffDays, isIsoDate } from '../../clock/index.js';

/** Days before a case date the snapshot covers. */
export const CALENDAR_LEAD_DAYS = 31;
/** Default span of a snapshot (≈ 3 years: every limit of the built-ins, extensions included). */
export const CALENDAR_SPAN_DAYS = 1100;
/** The longest snapshot the calendar builder makes (calendar/build.ts: 20 years). */
export const CALENDAR_MAX_DAYS = 366 * 20;

/** A covered range of days, both ends included. */
export interface DayRange {
  from: string;
  to: string;
}

/**
 * The days the calendar builder can make (calendar/lunar.ts: the lunar tables cover the years
 * 1900–2199, which the Tết and Giỗ Tổ holidays need). A case never asks for a day outside them.
 */
export const CALENDAR_FIRST_DAY = '1900-01-01';
export const CALENDAR_LAST_DAY = '2199-12-31';

/** `r` within the days the calendar can be built for. */
function clamped(r: DayRange): DayRange {
  return {
    from: r.from < CALENDAR_FIRST_DAY ? CALENDAR_FIRST_DAY : r.from,
    to: r.to > CALENDAR_LAST_DAY ? CALENDAR_LAST_DAY : r.to,
  };
}

/**
 * Days after a case date the snapshot must cover (a year: every limit of the built-ins counted
 * from one date fits, extensions included); a snapshot is widened when it covers less.
 */
export const CALENDAR_MIN_AHEAD_DAYS = 366;

/** The days a case needs around `date`: {@link CALENDAR_LEAD_DAYS} before, {@link CALENDAR_MIN_AHEAD_DAYS} after. */
export function neededAround(date: string): DayRange {
  return clamped({ from: addDays(date, -CALENDAR_LEAD_DAYS), to: addDays(date, CALENDAR_MIN_AHEAD_DAYS) });
}

/**
 * What a case fetches for `date` when it must widen its snapshot: as the first snapshot does,
 * {@link CALENDAR_LEAD_DAYS} before and the rest of `span` after (at least the needed year), so
 * that it widens seldom — about once every two years of a long case with the default span.
 */
export function fetchedAround(date: string, span = CALENDAR_SPAN_DAYS): DayRange {
  return clamped({
    from: addDays(date, -CALENDAR_LEAD_DAYS),
    to: addDays(date, Math.max(span - CALENDAR_LEAD_DAYS, CALENDAR_MIN_AHEAD_DAYS)),
  });
}

/** True when `outer` covers every day of `inner`. */
export function coversRange(outer: DayRange | undefined, inner: DayRange): boolean {
  return outer !== undefined && outer.from <= inner.from && outer.to >= inner.to;
}

/** The smallest range covering both. */
export function unionRange(a: DayRange | undefined, b: DayRange): DayRange {
  if (!a) return b;
  return { from: a.from < b.from ? a.from : b.from, to: a.to > b.to ? a.to : b.to };
}

/**
 * The wider snapshot range a case holding `current` must fetch when it lacks days needed around
 * one of `dates` (non-dates are ignored), or undefined when `current` covers them all.
 */
export function widerRange(
  current: DayRange | undefined,
  dates: readonly unknown[],
  span = CALENDAR_SPAN_DAYS,
): DayRange | undefined {
  let wanted: DayRange | undefined;
  for (const d of dates) {
    if (typeof d !== 'string' || !isIsoDate(d)) continue;
    if (!coversRange(current, neededAround(d))) wanted = unionRange(wanted, fetchedAround(d, span));
  }
  return wanted === undefined ? undefined : unionRange(current, wanted);
}

/** True when a snapshot of `range` can be built (at most {@link CALENDAR_MAX_DAYS} days). */
export function buildable(range: DayRange): boolean {
  return diffDays(range.from, range.to) <= CALENDAR_MAX_DAYS;
}

/**
 * Why a date cannot be one of the case's dates because no calendar snapshot could cover it together
 * with the dates the case has (`caseDates`: its case events and today), or null.
 */
export function calendarReachProblem(
  field: string,
  date: string,
  caseDates: readonly string[],
  span = CALENDAR_SPAN_DAYS,
): string | null {
  if (isIsoDate(date) && (date < CALENDAR_FIRST_DAY || date > CALENDAR_LAST_DAY)) {
    return `${field}: ${date} is outside the days the working-day calendar covers (${CALENDAR_FIRST_DAY}..${CALENDAR_LAST_DAY}) (rule calendarReach)`;
  }
  let range: DayRange | undefined;
  for (const d of [...caseDates, date]) if (isIsoDate(d)) range = unionRange(range, fetchedAround(d, span));
  if (!range || buildable(range)) return null;
  return `${field}: ${date} is too far from the case's other dates (${[...caseDates].sort().join(', ')}): its working-day calendar can span at most 20 years (rule calendarReach)`;
}

/** The CalendarCoverageError inside `err` (possibly wrapped as a cause), if any. */
export function coverageErrorOf(err: unknown): CalendarCoverageError | undefined {
  for (let e = err, depth = 0; e && depth < 5; depth++) {
    if (e instanceof CalendarCoverageError) return e;
    if (
      typeof e === 'object' &&
      e !== null &&
      (e as { code?: unknown }).code === 'CALENDAR_NOT_COVERED' &&
      typeof (e as { date?: unknown }).date === 'string'
    ) {
      return e as CalendarCoverageError;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
