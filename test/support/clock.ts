/** Expected due dates for tests, computed with the pure clock over the seed calendar. */
import { ANNOUNCEMENTS, buildCalendar, type CalendarEntry } from '../../calendar/index.js';
import { addDays, computeDeadline as compute, type DayUnit } from '../../workflows/clock/index.js';
import { vnDate } from '../../workflows/clock/vn-time.js';

/** Vietnam civil date of an instant (the workflows' own helper). */
export const vnDateOf = vnDate;

/** Deadline of `amount` days from `start` on the seed calendar (+ extra entries). */
export function computeDeadline(
  start: string,
  amount: number,
  unit: DayUnit,
  entries: readonly CalendarEntry[] = ANNOUNCEMENTS,
) {
  const cal = buildCalendar({ from: addDays(start, -31), to: addDays(start, 1000), entries });
  return compute({ start, amount, unit }, cal);
}
