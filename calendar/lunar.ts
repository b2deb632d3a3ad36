/**
 * Lunar dates through `@dqcai/vn-lunar`, which implements the **Vietnamese** lunisolar calendar
 * (Hồ Ngọc Đức's tables computed for UTC+7): Tết 1985 is 21/01/1985 and Tết 2007 is
 * 17/02/2007 in Vietnam (China: 20/01/1985, 18/02/2007). Both are asserted in lunar.test.ts.
 */
import { getSolarDate } from '@dqcai/vn-lunar';
import { addDays } from '../workflows/clock/days';
import type { IsoDate } from '../workflows/clock/types';

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Solar date of lunar day/month (non-leap month) in the lunar year that begins in `year`. */
export function lunarToSolar(year: number, month: number, day: number): IsoDate {
  if (!Number.isInteger(year) || year < 1900 || year > 2199) throw new RangeError(`Unsupported year ${year}`);
  const s = getSolarDate(day, month, year, false);
  if (!s.year) throw new RangeError(`No solar date for lunar ${day}/${month}/${year}`);
  return `${pad(s.year, 4)}-${pad(s.month)}-${pad(s.day)}`;
}

/** Mùng 1 Tết (1st day of the 1st lunar month) of the lunar year starting in solar `year`. */
export function lunarNewYear(year: number): IsoDate {
  return lunarToSolar(year, 1, 1);
}

/** Last day of the previous lunar year (29 or 30 tháng Chạp), i.e. the day before Mùng 1. */
export function lunarNewYearsEve(year: number): IsoDate {
  return addDays(lunarNewYear(year), -1);
}

/** Giỗ Tổ Hùng Vương: 10th day of the 3rd lunar month (BLLĐ 2019 Art 112(1)(đ)). */
export function hungKingsDay(year: number): IsoDate {
  return lunarToSolar(year, 3, 10);
}
