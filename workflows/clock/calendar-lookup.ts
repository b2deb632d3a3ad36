/**
 * Questions asked of a {@link CalendarSnapshot}: is this day a working day, and why (not)?
 */
import { isoWeekday, toDayNumber } from './days';
import { LEGAL } from './legal';
import type { CalendarException, CalendarSnapshot, IsoDate, WeekRule } from './types';

/** Default weekly rule for public agencies: Mon–Fri working (QĐ 188/1999/QĐ-TTg Art 1). */
export const DEFAULT_WEEK_RULE: WeekRule = Object.freeze({
  workingWeekdays: Object.freeze([1, 2, 3, 4, 5]),
  source: LEGAL.weeklyRest,
});

/**
 * Thrown when a computation needs a day the snapshot does not cover. The caller (an activity)
 * should fetch a wider snapshot; the clock never guesses outside its data.
 */
export class CalendarCoverageError extends Error {
  /** Stable machine code. */
  readonly code = 'CALENDAR_NOT_COVERED';
  constructor(
    readonly date: IsoDate,
    readonly coveredFrom: IsoDate,
    readonly coveredTo: IsoDate,
  ) {
    super(`Calendar snapshot covers ${coveredFrom}..${coveredTo} but ${date} was needed`);
    this.name = 'CalendarCoverageError';
  }
}

/** Why a day is (non-)working. */
export interface DayInfo {
  readonly date: IsoDate;
  readonly working: boolean;
  /** The exception applied, if any. */
  readonly exception?: CalendarException;
  /** True when the weekly rule alone makes it a rest day (and no exception applies). */
  readonly weeklyRest: boolean;
}

const indexCache = new WeakMap<CalendarSnapshot, Map<IsoDate, CalendarException>>();

function indexOf(cal: CalendarSnapshot): Map<IsoDate, CalendarException> {
  let idx = indexCache.get(cal);
  if (!idx) {
    idx = new Map(cal.exceptions.map((e) => [e.date, e] as const));
    indexCache.set(cal, idx);
  }
  return idx;
}

/** True when `date` lies inside the snapshot's covered range. */
export function covers(cal: CalendarSnapshot, date: IsoDate): boolean {
  const n = toDayNumber(date);
  return n >= toDayNumber(cal.from) && n <= toDayNumber(cal.to);
}

/**
 * Working status of one day: an exception wins over the weekly rule.
 * @throws CalendarCoverageError when `date` is outside the snapshot.
 */
export function dayInfo(cal: CalendarSnapshot, date: IsoDate): DayInfo {
  if (!covers(cal, date)) throw new CalendarCoverageError(date, cal.from, cal.to);
  const exception = indexOf(cal).get(date);
  if (exception) return { date, working: exception.working, exception, weeklyRest: false };
  const working = cal.weekRule.workingWeekdays.includes(isoWeekday(date));
  return { date, working, weeklyRest: !working };
}

/** True when public agencies work on `date`. @throws CalendarCoverageError outside the snapshot. */
export function isWorkingDay(cal: CalendarSnapshot, date: IsoDate): boolean {
  return dayInfo(cal, date).working;
}
