/**
 * Reminder rungs: instants before (or after) the due day at which the engine nudges officers.
 */
import type { ResolvedRung, RungSpec } from './clock-types';
import { addDays } from './days';
import { startOfDayInstant } from './vn-time';
import { isWorkingDay } from './calendar-lookup';
import type { CalendarSnapshot, IsoDate } from './types';

/** Step `n` working days back from `due` (forward when n < 0); `due` itself is step 0. */
function shiftWorkingDays(cal: CalendarSnapshot, due: IsoDate, n: number): IsoDate {
  const dir = n >= 0 ? -1 : 1;
  let day = due;
  for (let left = Math.abs(n); left > 0;) {
    day = addDays(day, dir);
    if (isWorkingDay(cal, day)) left -= 1;
  }
  return day;
}

/**
 * Resolve rungs against a due day. A rung fires at 00:00 (Asia/Ho_Chi_Minh) of the day that is
 * `daysBefore` days before the due day, counted in calendar days (default) or working days.
 * The result is sorted by instant, ties by name; it may contain instants in the past.
 */
export function resolveRungs(cal: CalendarSnapshot, due: IsoDate, rungs: readonly RungSpec[]): ResolvedRung[] {
  return rungs
    .map((r) => {
      const date = r.unit === 'working_days' ? shiftWorkingDays(cal, due, r.daysBefore) : addDays(due, -r.daysBefore);
      return { name: r.name, date, at: startOfDayInstant(date) };
    })
    .sort((a, b) => (a.date === b.date ? a.name.localeCompare(b.name) : a.date < b.date ? -1 : 1));
}
