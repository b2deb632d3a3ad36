/**
 * Civil day → instant conversion, always in Asia/Ho_Chi_Minh (never the host zone).
 */
import { DateTime } from 'luxon';
import type { IsoDate } from './types';
import { InvalidDateError } from './days';

/** The only zone the clock uses. Vietnam has kept UTC+7 without DST since 1975. */
export const VN_ZONE = 'Asia/Ho_Chi_Minh';

function startOf(date: IsoDate): DateTime {
  const dt = DateTime.fromISO(date, { zone: VN_ZONE });
  if (!dt.isValid) throw new InvalidDateError(date);
  return dt.startOf('day');
}

/** End of the civil day, `…T23:59:59.999+07:00` (BLDS 2015 Art 148(1): a limit ends at 24:00). */
export function endOfDayInstant(date: IsoDate): string {
  return startOf(date).endOf('day').toISO() as string;
}

/** Start of the civil day, `…T00:00:00.000+07:00`. */
export function startOfDayInstant(date: IsoDate): string {
  return startOf(date).toISO() as string;
}

/** Epoch milliseconds of an ISO instant string or pass-through of a number. */
export function toEpochMillis(instant: string | number): number {
  if (typeof instant === 'number') return instant;
  const dt = DateTime.fromISO(instant, { zone: VN_ZONE });
  if (!dt.isValid) throw new InvalidDateError(instant);
  return dt.toMillis();
}
