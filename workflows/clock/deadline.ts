/**
 * One statutory time limit in days, counted under the Civil Code (BLDS 2015 Art 147–148).
 */
import { endOfDayInstant } from './vn-time';
import { dueStep, startStep } from './steps';
import type { CalendarSnapshot, DayUnit, DeadlineInput, DeadlineResult, DerivationStep, IsoDate } from './types';
import { countMonths } from './months';
import { assertAmount, assertDate, assertLimitUnit } from './validate';
import { rollForward, walk } from './walk';

/**
 * Last day of `amount` days of `unit` counted after `after`, with derivation steps (no start or
 * due step). Used by {@link computeDeadline} and by the clock after a suspension.
 * - calendar days: every day counts; the last day rolls forward to the next working day when it
 *   is not one (BLDS 2015 Art 148(5));
 * - working days: only working days count, so the last day is always a working day.
 * @internal
 */
export function countFrom(
  cal: CalendarSnapshot,
  after: IsoDate,
  amount: number,
  unit: DayUnit,
  offset = 0,
): { due: IsoDate; lastCounted: IsoDate; steps: DerivationStep[] } {
  const w = walk(cal, { after, unit, need: amount, offset });
  const lastCounted = w.lastCounted ?? after;
  const steps = [...w.steps];
  let due = lastCounted;
  if (unit === 'calendar_days') {
    const rolled = rollForward(cal, lastCounted, offset + amount);
    due = rolled.due;
    if (rolled.step) steps.push(rolled.step);
  }
  return { due, lastCounted, steps };
}

/**
 * Compute the due date of a time limit of `amount` `unit`s (days, working days, months or years)
 * starting from the event on `start`, using the calendar snapshot.
 *
 * Rules applied:
 * - BLDS 2015 Art 147(2)-(3): the event day is not counted; day 1 is the next day;
 * - BLDS 2015 Art 148(1): the limit ends at 24:00 of its last day → `dueAt` is `…T23:59:59.999+07:00`;
 * - BLDS 2015 Art 148(3)-(4): a limit in months (years) ends on the corresponding day of the last
 *   month (day and month of the last year), or on the last day of that month when it has no such day;
 * - BLDS 2015 Art 148(5): a calendar-day, month or year limit ending on a non-working day ends on the
 *   next working day;
 * - "N ngày làm việc": only working days of the snapshot count (QĐ 188/1999/QĐ-TTg Art 1 weekly rule,
 *   BLLĐ 2019 Art 111–112 holidays and announced exceptions).
 *
 * @example computeDeadline({ start: '2026-01-30', amount: 30, unit: 'calendar_days' }, cal).due === '2026-03-02'
 * @throws ClockInputError for malformed input; CalendarCoverageError when the snapshot is too short.
 */
export function computeDeadline(input: DeadlineInput, cal: CalendarSnapshot): DeadlineResult {
  assertDate(input.start, 'start');
  assertAmount(input.amount, 'amount');
  assertLimitUnit(input.unit, 'unit');
  const counted =
    input.unit === 'months' || input.unit === 'years'
      ? countMonths(cal, input.start, input.amount, input.unit)
      : countFrom(cal, input.start, input.amount, input.unit);
  const derivation = [startStep(input.start, input.startLabel), ...counted.steps, dueStep(counted.due)];
  return {
    start: input.start,
    amount: input.amount,
    unit: input.unit,
    due: counted.due,
    dueAt: endOfDayInstant(counted.due),
    calendarVersion: cal.version,
    derivation,
  };
}
