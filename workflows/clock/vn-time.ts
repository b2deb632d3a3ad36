/**
 * Vietnam time, in one place: the zone the law counts in (Asia/Ho_Chi_Minh), the civil day of an
 * instant, civil day → instant, and an instant written with the Vietnam offset. Pure (luxon only):
 * workflow code, the clocks, the activities and the API all use it.
 */
import { DateTime, FixedOffsetZone } from 'luxon';
import { InvalidDateError } from './days';
import type { IsoDate } from './types';

/** The only zone the law counts in. */
export const VN_ZONE = 'Asia/Ho_Chi_Minh';

// Vietnam has kept UTC+7 without daylight saving since 13/06/1975 (IANA Asia/Ho_Chi_Minh): a fixed offset
// gives the same local time as the IANA zone for any later instant, without an Intl look-up per call.
const VN_FIXED = FixedOffsetZone.instance(7 * 60);
/** From this instant on, Vietnam time is UTC+07:00 (plain arithmetic gives it). */
export const VN_FIXED_SINCE = Date.UTC(1975, 5, 13);

/** The zone of an instant: the fixed UTC+7 offset from 1975 (no Intl look-up), else the IANA zone. */
const zoneAt = (ms: number) => (ms >= VN_FIXED_SINCE ? VN_FIXED : VN_ZONE);

/** The instant in Vietnam's local time. */
export function inVietnam(t: DateTime): DateTime {
  return t.toMillis() >= VN_FIXED_SINCE ? t.setZone(VN_FIXED) : t.setZone(VN_ZONE);
}

/** The Vietnam civil date (`YYYY-MM-DD`) of an epoch-ms instant. */
export function vnDate(ms: number): string {
  return DateTime.fromMillis(ms, { zone: zoneAt(ms) }).toISODate() as string;
}

/** Epoch ms of an ISO instant (one without an offset is read as Vietnam time); NaN when unparseable. */
export function msOf(iso: string): number {
  return DateTime.fromISO(iso, { zone: VN_ZONE }).toMillis();
}

/** Epoch milliseconds of an ISO instant string or pass-through of a number. @throws InvalidDateError */
export function toEpochMillis(instant: string | number): number {
  if (typeof instant === 'number') return instant;
  const dt = DateTime.fromISO(instant, { zone: VN_ZONE });
  if (!dt.isValid) throw new InvalidDateError(instant);
  return dt.toMillis();
}

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

/** `instant` (any offset, or epoch ms / Date) written in the Vietnam-offset form; unparseable input unchanged. */
export function vnInstant(instant: string | number | Date): string {
  const ms = typeof instant === 'number' ? instant : instant instanceof Date ? instant.getTime() : Date.parse(instant);
  if (!Number.isFinite(ms)) return String(instant);
  const d = DateTime.fromMillis(ms, { zone: zoneAt(ms) });
  return d.isValid ? (d.toISO() ?? String(instant)) : String(instant);
}
