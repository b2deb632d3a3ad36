/** Expected due dates for tests, computed with the pure clock over the seed calendar. */
import { DateTime } from 'luxon';
import { ANNOUNCEMENTS, buildCalendar, type CalendarEntry } from '../../calendar/index.js';
import { addDays, computeDeadline as compute, VN_ZONE, type DayUnit } from '../../workflows/clock/index.js';

/** Vietnam civil date of an instant. */
export function vnDateOf(ms: number): string {
  return DateTime.fromMillis(ms, { zone: VN_ZONE }).toISODate() as string;
}

/** Deadline of `amount` days from `start` on the seed calendar (+ extra entries). */
export function computeDeadline(start: string, amount: number, unit: DayUnit, entries: readonly CalendarEntry[] = ANNOUNCEMENTS) {
  const cal = buildCalendar({ from: addDays(start, -31), to: addDays(start, 1000), entries });
  return compute({ start, amount, unit }, cal);
}
