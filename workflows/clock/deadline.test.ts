import { describe, expect, it } from 'vitest';
import { buildCalendar } from '../../calendar/build';
import { CalendarCoverageError } from './calendar-lookup';
import { computeDeadline } from './deadline';
import type { CalendarSnapshot, DayUnit } from './types';
import { ClockInputError } from './validate';

const cal = buildCalendar({ from: '2024-01-01', to: '2030-12-31' });

describe('computeDeadline — worked examples from the brief', () => {
  it('30 calendar days from Fri 30/01/2026: day 30 is Sun 01/03, rolls to Mon 02/03/2026', () => {
    const r = computeDeadline({ start: '2026-01-30', amount: 30, unit: 'calendar_days', startLabel: 'Received' }, cal);
    expect(r.due).toBe('2026-03-02');
    expect(r.dueAt).toBe('2026-03-02T23:59:59.999+07:00');
    expect(r.calendarVersion).toBe(cal.version);
    expect(r.derivation.map((s) => s.kind)).toEqual(['start', 'count', 'roll_forward', 'due']);
    expect(r.derivation[0]?.text).toBe(
      'Received Fri 30/01/2026; counting starts Sat 31/01/2026 (BLDS 2015 Art 147(2))',
    );
    expect(r.derivation[1]).toMatchObject({ from: '2026-01-31', to: '2026-03-01', days: 30 });
    expect(r.derivation[2]).toMatchObject({ from: '2026-03-01', to: '2026-03-02', legalBasis: 'BLDS 2015 Art 148(5)' });
    expect(r.derivation[2]?.text).toBe(
      'Day 30 falls on Sun 01/03/2026, not a working day (weekly rest day): limit rolls to Mon 02/03/2026 (BLDS 2015 Art 148(5))',
    );
    expect(r.derivation[3]).toMatchObject({ kind: 'due', date: '2026-03-02', legalBasis: 'BLDS 2015 Art 148(1)' });
  });

  it('7 working days from Thu 12/02/2026 across Tết 2026 end on Mon 02/03/2026 (not Tue 03/03)', () => {
    // Fri 13/02 (1); 14–22/02 Tết; Mon 23 – Fri 27/02 (2–6); weekend; Mon 02/03 (7).
    const r = computeDeadline({ start: '2026-02-12', amount: 7, unit: 'working_days', startLabel: 'Received' }, cal);
    expect(r.due).toBe('2026-03-02');
    expect(r.derivation.map((s) => [s.kind, s.from, s.to, s.days])).toEqual([
      ['start', '2026-02-13', undefined, undefined],
      ['count', '2026-02-13', '2026-02-13', 1],
      ['skip', '2026-02-14', '2026-02-22', 9],
      ['count', '2026-02-23', '2026-02-27', 5],
      ['skip', '2026-02-28', '2026-03-01', 2],
      ['count', '2026-03-02', '2026-03-02', 1],
      ['due', undefined, undefined, undefined],
    ]);
    expect(r.derivation[2]?.text).toBe('Skipped 14/02–22/02/2026: Tết Nguyên Đán 2026 (announced days off)');
    expect(r.derivation[4]?.text).toBe('Skipped 28/02–01/03/2026: weekly rest days (QĐ 188/1999/QĐ-TTg Art 1)');
    expect(r.derivation[5]?.text).toBe('Working day 7: Mon 02/03/2026');
  });
});

const CASES: ReadonlyArray<[string, string, number, DayUnit, string]> = [
  // [label, start, amount, unit, due]
  ['cal: ends on a working day, no roll', '2026-03-02', 30, 'calendar_days', '2026-04-01'],
  ['cal: day 30 = Sat 14/02/2026, first day of Tết → Mon 23/02', '2026-01-15', 30, 'calendar_days', '2026-02-23'],
  ['cal: day 10 = Thu 30/04/2026, 30/4–1/5 + weekend → Mon 04/05', '2026-04-20', 10, 'calendar_days', '2026-05-04'],
  ['cal: Sun 26/04/2026 Giỗ Tổ + Mon 27/04 substitute → Tue 28/04', '2026-04-25', 1, 'calendar_days', '2026-04-28'],
  ['cal: Wed 02/09/2026 (1/9 + 2/9 default) → Thu 03/09', '2026-08-28', 5, 'calendar_days', '2026-09-03'],
  [
    'cal: year end — 01/01/2026 and announced 02/01 + weekend → Mon 05/01',
    '2025-12-29',
    3,
    'calendar_days',
    '2026-01-05',
  ],
  ['cal: make-up Saturday 10/01/2026 is a working day, no roll', '2026-01-03', 7, 'calendar_days', '2026-01-10'],
  ['cal: Tết 2025 (25/01–02/02) → Mon 03/02/2025', '2025-01-20', 10, 'calendar_days', '2025-02-03'],
  ['cal: 2/9/2025 break (30/08–02/09) → Wed 03/09/2025', '2025-08-29', 2, 'calendar_days', '2025-09-03'],
  ['cal: make-up Sat 26/04/2025 is working', '2025-04-25', 1, 'calendar_days', '2025-04-26'],
  [
    'cal: Tết 2027 statutory default 05–09/02 + substitutes 10–11/02 → Fri 12/02/2027',
    '2027-02-04',
    1,
    'calendar_days',
    '2027-02-12',
  ],
  ['cal: 1/5/2027 Sat → substitute Mon 03/05 → Tue 04/05/2027', '2027-04-29', 2, 'calendar_days', '2027-05-04'],
  ['cal: year end 2024 → Wed 01/01/2025 holiday → Thu 02/01/2025', '2024-12-31', 1, 'calendar_days', '2025-01-02'],
  ['wd: plain week', '2026-03-02', 5, 'working_days', '2026-03-09'],
  ['wd: New Year 2026 off 01–04/01 → Fri 09/01', '2025-12-31', 5, 'working_days', '2026-01-09'],
  ['wd: 6th working day is make-up Sat 10/01/2026', '2025-12-31', 6, 'working_days', '2026-01-10'],
  ['wd: 30/4–1/5/2026 → Wed 06/05', '2026-04-29', 3, 'working_days', '2026-05-06'],
  ['wd: Giỗ Tổ 2026 + substitute + 30/4–1/5 → Mon 11/05', '2026-04-22', 10, 'working_days', '2026-05-11'],
  ['wd: 2/9/2025 break → Wed 03/09/2025', '2025-08-29', 1, 'working_days', '2025-09-03'],
  ['wd: Tết 2025, 7th day is make-up Sat 08/02/2025', '2025-01-23', 7, 'working_days', '2025-02-08'],
  ['wd: event on a Saturday counts from Monday', '2026-03-07', 1, 'working_days', '2026-03-09'],
  ['wd: Tết 2027 default → 05–11/02 skipped', '2027-02-03', 3, 'working_days', '2027-02-15'],
];

describe('computeDeadline — table', () => {
  it.each(CASES)('%s', (_label, start, amount, unit, due) => {
    const r = computeDeadline({ start, amount, unit }, cal);
    expect(r.due).toBe(due);
    expect(r.dueAt).toBe(`${due}T23:59:59.999+07:00`);
  });

  it('groups consecutive skipped days with mixed causes into one step', () => {
    // Sat 25/04 weekend, Sun 26/04 Giỗ Tổ, Mon 27/04 substitute day off.
    const r = computeDeadline({ start: '2026-04-23', amount: 2, unit: 'working_days' }, cal);
    expect(r.due).toBe('2026-04-28');
    const skip = r.derivation.find((s) => s.kind === 'skip');
    expect(skip).toMatchObject({ from: '2026-04-25', to: '2026-04-27', days: 3 });
    expect(skip?.reason).toBe('weekly_rest_day,public_holiday,substitute_day_off');
    expect(skip?.text).toContain('Giỗ Tổ Hùng Vương');
    expect(skip?.legalBasis).toContain('BLLĐ 2019 Art 111(3)');
  });

  it('roll-forward over Tết names the holiday', () => {
    const r = computeDeadline({ start: '2026-01-15', amount: 30, unit: 'calendar_days' }, cal);
    const roll = r.derivation.find((s) => s.kind === 'roll_forward');
    expect(roll).toMatchObject({ from: '2026-02-14', to: '2026-02-23', days: 9 });
    expect(roll?.text).toContain('Tết Nguyên Đán 2026');
  });
});

describe('computeDeadline — errors', () => {
  const small: CalendarSnapshot = buildCalendar({ from: '2026-01-01', to: '2026-01-31' });

  it('refuses to guess beyond the snapshot', () => {
    expect(() => computeDeadline({ start: '2026-01-20', amount: 20, unit: 'working_days' }, small)).toThrow(
      CalendarCoverageError,
    );
    expect(() => computeDeadline({ start: '2026-01-20', amount: 30, unit: 'calendar_days' }, small)).toThrow(
      CalendarCoverageError,
    );
  });

  it.each([
    [{ start: '2026-02-30', amount: 1, unit: 'calendar_days' }],
    [{ start: '2026-2-3', amount: 1, unit: 'calendar_days' }],
    [{ start: '2026-02-03', amount: 0, unit: 'calendar_days' }],
    [{ start: '2026-02-03', amount: 1.5, unit: 'calendar_days' }],
    [{ start: '2026-02-03', amount: 1, unit: 'weeks' }],
  ])('rejects malformed input %j', (input) => {
    expect(() => computeDeadline(input as never, cal)).toThrow(ClockInputError);
  });
});
