import { describe, expect, it } from 'vitest';
import { isWorkingDay } from '../workflows/clock/calendar-lookup';
import { ANNOUNCEMENTS } from './announcements';
import { buildCalendar, listDays } from './build';
import type { CalendarEntry } from './types';

const cal = buildCalendar({ from: '2025-01-01', to: '2027-12-31' });
const exception = (date: string) => cal.exceptions.find((e) => e.date === date);

describe('buildCalendar', () => {
  it.each([
    ['2026-01-01', false, 'public_holiday'],
    ['2026-01-02', false, 'announced_day_off'], // VPCP 12729/VPCP-KGVX
    ['2026-01-10', true, 'makeup_working_day'],
    ['2026-02-13', true, undefined],
    ['2026-02-14', false, 'announced_day_off'],
    ['2026-02-22', false, 'announced_day_off'],
    ['2026-02-23', true, undefined],
    ['2026-04-27', false, 'substitute_day_off'],
    ['2025-02-03', true, undefined], // statutory Tết 2025 default (Sat 01/02 → substitute 03/02) superseded
    ['2025-04-26', true, 'makeup_working_day'],
    ['2025-05-02', false, 'announced_day_off'],
    ['2027-02-10', false, 'substitute_day_off'],
  ] as const)('%s working=%s (%s)', (date, working, kind) => {
    expect(isWorkingDay(cal, date)).toBe(working);
    expect(exception(date)?.kind).toBe(kind);
  });

  it('is deterministic and versioned by content', () => {
    const again = buildCalendar({ from: '2025-01-01', to: '2027-12-31' });
    expect(again).toEqual(cal);
    expect(cal.version).toMatch(/^vn-agency:[0-9a-f]{14}$/);
    const changed = buildCalendar({
      from: '2025-01-01',
      to: '2027-12-31',
      entries: [...ANNOUNCEMENTS, entry({ id: 'ann:x:2027-11-24', date: '2027-11-24', working: false })],
    });
    expect(changed.version).not.toBe(cal.version);
  });

  it('exceptions are sorted, unique per date and inside the range', () => {
    const ds = cal.exceptions.map((e) => e.date);
    expect([...ds].sort()).toEqual(ds);
    expect(new Set(ds).size).toBe(ds.length);
    expect(ds.every((d) => d >= cal.from && d <= cal.to)).toBe(true);
  });

  it('notes the unconfirmed defaults and uncertain entries for auditors', () => {
    expect(cal.notes?.some((n) => n.startsWith('2026: no announcement loaded for national-day'))).toBe(true);
    expect(cal.notes?.some((n) => n.startsWith('2027: no announcement loaded for tet'))).toBe(true);
    expect(cal.notes?.some((n) => n.includes('2025-02-08') && n.includes('uncertain'))).toBe(true);
  });

  it('minConfidence drops uncertain announcements (statutory defaults apply again)', () => {
    const strict = buildCalendar({ from: '2025-01-01', to: '2025-12-31', minConfidence: 'reported' });
    expect(isWorkingDay(strict, '2025-04-26')).toBe(false); // make-up Saturday not applied
    expect(isWorkingDay(strict, '2025-05-02')).toBe(true);
    expect(isWorkingDay(strict, '2025-02-08')).toBe(false);
    // Tết 2025 is 'uncertain' too (not in the sources): the statutory default applies again, 28/01–01/02
    // (29 Chạp – Mùng 4) with Sat 01/02 made good on Mon 03/02 (BLLĐ 2019 Art 111(3)).
    expect(isWorkingDay(strict, '2025-01-27')).toBe(true);
    expect(isWorkingDay(strict, '2025-02-01')).toBe(false);
    expect(isWorkingDay(strict, '2025-02-03')).toBe(false);
  });

  it('asOf reproduces the calendar as known on a day (entries are effective-dated)', () => {
    const before = buildCalendar({ from: '2026-01-01', to: '2026-01-31', asOf: '2025-12-24' });
    expect(isWorkingDay(before, '2026-01-02')).toBe(true);
    expect(isWorkingDay(before, '2026-01-10')).toBe(false);
    const after = buildCalendar({ from: '2026-01-01', to: '2026-01-31', asOf: '2025-12-25' });
    expect(isWorkingDay(after, '2026-01-02')).toBe(false);
    expect(isWorkingDay(after, '2026-01-10')).toBe(true);
  });

  it('a later version of an entry (same id) wins; supersedes removes statutory groups and entries', () => {
    const announce2026NationalDay: CalendarEntry[] = [
      entry({
        id: 'ann:2026-2-9:2026-09-03',
        date: '2026-09-03',
        working: false,
        supersedes: ['statutory:2026:national-day:*'],
      }),
      entry({ id: 'ann:2026-2-9:2026-09-02', date: '2026-09-02', working: false }),
    ];
    const c = buildCalendar({ from: '2026-08-01', to: '2026-09-30', entries: announce2026NationalDay });
    expect(isWorkingDay(c, '2026-09-01')).toBe(true);
    expect(isWorkingDay(c, '2026-09-03')).toBe(false);
    expect(c.notes?.some((n) => n.startsWith('2026: no announcement loaded for national-day'))).toBe(false);

    const corrected = buildCalendar({
      from: '2026-08-01',
      to: '2026-09-30',
      entries: [
        ...announce2026NationalDay,
        { ...announce2026NationalDay[0]!, working: true, kind: 'makeup_working_day', effectiveFrom: '2026-08-20' },
      ],
    });
    expect(isWorkingDay(corrected, '2026-09-03')).toBe(true);
  });

  it('rejects bad ranges', () => {
    expect(() => buildCalendar({ from: '2026-02-01', to: '2026-01-01' })).toThrow(RangeError);
    expect(() => buildCalendar({ from: '2026-02-30', to: '2026-03-01' })).toThrow(RangeError);
  });
});

describe('listDays', () => {
  it('lists every day with working status and reason', () => {
    const days = listDays('2026-01-01', '2026-01-11', cal);
    expect(days).toHaveLength(11);
    expect(days.map((d) => [d.date, d.working, d.kind])).toEqual([
      ['2026-01-01', false, 'public_holiday'],
      ['2026-01-02', false, 'announced_day_off'],
      ['2026-01-03', false, 'weekly_rest_day'],
      ['2026-01-04', false, 'weekly_rest_day'],
      ['2026-01-05', true, 'working_day'],
      ['2026-01-06', true, 'working_day'],
      ['2026-01-07', true, 'working_day'],
      ['2026-01-08', true, 'working_day'],
      ['2026-01-09', true, 'working_day'],
      ['2026-01-10', true, 'makeup_working_day'],
      ['2026-01-11', false, 'weekly_rest_day'],
    ]);
    expect(days[1]).toMatchObject({
      source: 'VPCP 12729/VPCP-KGVX (25/12/2025)',
      entryId: 'ann:2026-new-year:2026-01-02',
    });
    expect(days[2]).toMatchObject({ weekday: 6, source: 'QĐ 188/1999/QĐ-TTg Art 1' });
  });
});

function entry(p: Pick<CalendarEntry, 'id' | 'date' | 'working'> & Partial<CalendarEntry>): CalendarEntry {
  return {
    kind: p.working ? 'makeup_working_day' : 'announced_day_off',
    name: 'Test announcement',
    source: 'test',
    effectiveFrom: '2026-01-01',
    confidence: 'confirmed',
    ...p,
  };
}
