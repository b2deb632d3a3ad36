import { describe, expect, it } from 'vitest';
import { addDays, diffDays, formatDay, formatRange, isIsoDate, isoWeekday, toDayNumber } from './days';
import { endOfDayInstant, startOfDayInstant } from './vn-time';

describe('civil date arithmetic', () => {
  it.each([
    ['1970-01-01', 4],
    ['2026-01-30', 5],
    ['2026-02-17', 2],
    ['2026-03-01', 7],
    ['2000-02-29', 2],
    ['2100-03-01', 1],
  ])('%s is ISO weekday %i', (d, w) => expect(isoWeekday(d)).toBe(w));

  it('adds across month, leap-day and year boundaries', () => {
    expect(addDays('2026-01-31', 29)).toBe('2026-03-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(diffDays('2026-01-30', '2026-03-01')).toBe(30);
    expect(toDayNumber('1970-01-02')).toBe(1);
  });

  it('rejects impossible dates', () => {
    for (const bad of ['2026-02-29', '2026-13-01', '2026-1-01', '20260101', '', 'x'])
      expect(isIsoDate(bad)).toBe(false);
    expect(isIsoDate('2028-02-29')).toBe(true);
  });

  it('formats like an officer', () => {
    expect(formatDay('2026-01-30')).toBe('Fri 30/01/2026');
    expect(formatRange('2026-02-14', '2026-02-22')).toBe('14/02–22/02/2026');
    expect(formatRange('2025-12-31', '2026-01-04')).toBe('31/12/2025–04/01/2026');
  });

  it('instants are always +07:00 whatever the host zone', () => {
    expect(endOfDayInstant('2026-03-02')).toBe('2026-03-02T23:59:59.999+07:00');
    expect(startOfDayInstant('2026-03-27')).toBe('2026-03-27T00:00:00.000+07:00');
  });
});
