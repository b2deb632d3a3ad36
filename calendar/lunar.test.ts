import { describe, expect, it } from 'vitest';
import { hungKingsDay, lunarNewYear, lunarNewYearsEve } from './lunar';

// Mùng 1 Tết in Vietnam (UTC+7). Cross-checked against an independent new-moon computation
// (Meeus / Hồ Ngọc Đức): every date below starts on the new moon of that day at UTC+7.
const TET: ReadonlyArray<[number, string]> = [
  [2020, '2020-01-25'],
  [2021, '2021-02-12'],
  [2022, '2022-02-01'],
  [2023, '2023-01-22'],
  [2024, '2024-02-10'],
  [2025, '2025-01-29'],
  [2026, '2026-02-17'],
  [2027, '2027-02-06'],
  [2028, '2028-01-26'],
  [2029, '2029-02-13'],
  // 2030: new moon 02/02 16:07 UTC = 23:07 in Vietnam but 00:07 on 03/02 in China, so Tết Canh Tuất
  // is 02/02/2030 in Vietnam (03/02 in China). The brief listed 03/02 — the Chinese date.
  [2030, '2030-02-02'],
  [2031, '2031-01-23'],
  [2032, '2032-02-11'],
  [2033, '2033-01-31'],
  [2034, '2034-02-19'],
  [2035, '2035-02-08'],
];

describe('lunar calendar (Vietnamese, UTC+7)', () => {
  it.each(TET)('Tết %i is %s', (year, date) => expect(lunarNewYear(year)).toBe(date));

  it('uses the Vietnamese, not the Chinese (UTC+8), calendar', () => {
    expect(lunarNewYear(1985)).toBe('1985-01-21'); // China: 1985-02-20
    expect(lunarNewYear(2007)).toBe('2007-02-17'); // China: 2007-02-18
    expect(lunarNewYear(2030)).toBe('2030-02-02'); // China: 2030-02-03
  });

  it.each([
    [2020, '2020-04-02'],
    [2021, '2021-04-21'],
    [2022, '2022-04-10'],
    [2023, '2023-04-29'], // year with a leap 2nd month
    [2024, '2024-04-18'],
    [2025, '2025-04-07'],
    [2026, '2026-04-26'],
    [2027, '2027-04-16'],
  ])('Giỗ Tổ Hùng Vương %i is %s', (year, date) => expect(hungKingsDay(year)).toBe(date));

  it('the last day of the lunar year is the eve of Mùng 1', () => {
    expect(lunarNewYearsEve(2026)).toBe('2026-02-16');
    expect(lunarNewYearsEve(2025)).toBe('2025-01-28');
  });

  it('refuses years outside the supported range', () => {
    expect(() => lunarNewYear(1800)).toThrow(RangeError);
  });
});
