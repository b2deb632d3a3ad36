/**
 * Statutory public holidays for public agencies, year by year (BLLĐ 2019 Art 112(1)), and the
 * substitute days off when a holiday falls on the weekly rest day (BLLĐ 2019 Art 111(3)).
 *
 * Two things are fixed each year by the Prime Minister (BLLĐ 2019 Art 112(3)) and so are only
 * *defaults* here, always overridable by announced entries (announcements.ts):
 * - which 5 days make up Tết Nguyên Đán — default: the last day of the old lunar year plus
 *   Mùng 1–4 (`tet: { before: 1, after: 4 }`);
 * - which day next to 2/9 is the second National Day holiday — default `'auto'`: a weekday
 *   adjacent to 2/9, preferring the one that joins a weekend, else 1/9. This reproduces
 *   2022 (1/9), 2023 (1/9), 2024 (3/9) and 2025 (1/9).
 */
import { addDays, isoWeekday } from '../workflows/clock/days';
import type { IsoDate } from '../workflows/clock/types';
import { hungKingsDay, lunarNewYear } from './lunar';
import type { CalendarEntry } from './types';

/** BLLĐ 2019 (Luật 45/2019/QH14) took effect 01/01/2021. */
const LABOUR_CODE_EFFECTIVE: IsoDate = '2021-01-01';
const HOLIDAY_SOURCE = 'BLLĐ 2019 Art 112(1)';
const SUBSTITUTE_SOURCE = 'BLLĐ 2019 Art 111(3)';

/** Choice of the day next to 2/9. */
export type NationalDayAdjacent = 'before' | 'after' | 'auto';

/** Options of the statutory defaults. */
export interface HolidayOptions {
  /** Tết days before Mùng 1 and from Mùng 1 (inclusive). Must total 5. Default 1 + 4. */
  readonly tet?: { readonly before: number; readonly after: number };
  /** Second National Day holiday. Default 'auto'. */
  readonly nationalDayAdjacent?: NationalDayAdjacent;
}

const pad = (n: number): string => String(n).padStart(2, '0');
const solar = (year: number, month: number, day: number): IsoDate => `${year}-${pad(month)}-${pad(day)}`;
const isWeekend = (d: IsoDate): boolean => isoWeekday(d) >= 6;

/** The day next to 2/9 that is the second National Day holiday of `year`. */
export function nationalDayAdjacent(year: number, choice: NationalDayAdjacent = 'auto'): IsoDate {
  const before = solar(year, 9, 1);
  const after = solar(year, 9, 3);
  if (choice === 'before') return before;
  if (choice === 'after') return after;
  if (isWeekend(before) && !isWeekend(after)) return after;
  if (isWeekend(after) && !isWeekend(before)) return before;
  // Both weekdays: prefer the one that touches a weekend (Mon 1/9 or Fri 3/9).
  if (isoWeekday(after) === 5) return after;
  return before;
}

/** Labour Code in force for a year: BLLĐ 2019 from 2021, BLLĐ 2012 (Luật 10/2012/QH13) before. */
const code = (year: number) =>
  year >= 2021
    ? { holiday: HOLIDAY_SOURCE, substitute: SUBSTITUTE_SOURCE, effectiveFrom: LABOUR_CODE_EFFECTIVE }
    : { holiday: 'BLLĐ 2012 Art 115(1)', substitute: 'BLLĐ 2012 Art 115(3)', effectiveFrom: '2013-05-01' };

function entry(year: number, group: string, date: IsoDate, name: string): CalendarEntry {
  return {
    id: `statutory:${year}:${group}:${date}`,
    date,
    working: false,
    kind: 'public_holiday',
    name,
    source: code(year).holiday,
    effectiveFrom: code(year).effectiveFrom,
  };
}

/**
 * Public holidays of one solar year under BLLĐ 2019 Art 112(1), without substitutes:
 * 1/1; Tết (5 days, lunar); Giỗ Tổ 10/3 lunar; 30/4; 1/5; 2/9 and one adjacent day
 * (before 2021, BLLĐ 2012 Art 115(1): 2/9 only, cited as such).
 * Ids are `statutory:<year>:<group>:<date>` with groups new-year, tet, hung-kings,
 * reunification, labour-day, national-day.
 */
export function statutoryHolidays(year: number, opts: HolidayOptions = {}): CalendarEntry[] {
  const tet = opts.tet ?? { before: 1, after: 4 };
  if (tet.before + tet.after !== 5 || tet.before < 0 || tet.after < 1) {
    throw new RangeError(
      `Tết must be 5 days including Mùng 1 (BLLĐ 2019 Art 112(1)(b)); got ${tet.before}+${tet.after}`,
    );
  }
  const mung1 = lunarNewYear(year);
  const tetName = `Tết Nguyên Đán ${year}`;
  const tetDays: CalendarEntry[] = [];
  for (let i = -tet.before; i < tet.after; i++) tetDays.push(entry(year, 'tet', addDays(mung1, i), tetName));
  // BLLĐ 2012 Art 115(1) (until 31/12/2020) gave 2/9 alone; BLLĐ 2019 adds an adjacent day.
  const national =
    year < 2021 ? [solar(year, 9, 2)] : [solar(year, 9, 2), nationalDayAdjacent(year, opts.nationalDayAdjacent)].sort();
  return [
    entry(year, 'new-year', solar(year, 1, 1), 'Tết Dương lịch (New Year)'),
    ...tetDays,
    entry(year, 'hung-kings', hungKingsDay(year), 'Giỗ Tổ Hùng Vương (10/3 lunar)'),
    entry(year, 'reunification', solar(year, 4, 30), 'Ngày Chiến thắng (30/4)'),
    entry(year, 'labour-day', solar(year, 5, 1), 'Quốc tế Lao động (1/5)'),
    ...national.map((d) => entry(year, 'national-day', d, 'Quốc khánh (2/9)')),
  ].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/**
 * Substitute days off (nghỉ bù), BLLĐ 2019 Art 111(3): a holiday on the weekly rest day (Sat/Sun
 * for public agencies, QĐ 188/1999/QĐ-TTg Art 1) gives a
 * day off on the next working day — the next weekday that is not itself a holiday, not an
 * announced day off and not already taken by an earlier substitute. Holidays are processed in
 * date order.
 *
 * @param holidays statutory holidays still in force (after announcements removed superseded ones)
 * @param otherOff dates already off for another reason (announced days off)
 */
export function substituteDays(holidays: readonly CalendarEntry[], otherOff: ReadonlySet<IsoDate>): CalendarEntry[] {
  const taken = new Set<IsoDate>([...holidays.map((h) => h.date), ...otherOff]);
  const out: CalendarEntry[] = [];
  const sorted = [...holidays].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  for (const h of sorted) {
    if (!isWeekend(h.date)) continue;
    let d = addDays(h.date, 1);
    while (isWeekend(d) || taken.has(d)) d = addDays(d, 1);
    taken.add(d);
    const prefix = h.id.slice(0, h.id.lastIndexOf(':'));
    out.push({
      id: `${prefix}:substitute:${d}`,
      date: d,
      working: false,
      kind: 'substitute_day_off',
      name: `Substitute day off for ${h.name} (${h.date.slice(8, 10)}/${h.date.slice(5, 7)})`,
      source: h.source === HOLIDAY_SOURCE ? SUBSTITUTE_SOURCE : code(2020).substitute,
      effectiveFrom: h.effectiveFrom,
    });
  }
  return out;
}
