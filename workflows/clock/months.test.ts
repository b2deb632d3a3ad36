import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCalendar } from '../../calendar/build';
import { isWorkingDay } from './calendar-lookup';
import { diffDays } from './days';
import { computeDeadline } from './deadline';
import { addMonthsClamped, daysInMonth } from './months';
import { ClockInputError } from './validate';

const cal = buildCalendar({ from: '2024-01-01', to: '2036-12-31' });

describe('addMonthsClamped — BLDS 2015 Art 148(3) corresponding day', () => {
  it.each([
    ['2026-01-15', 1, '2026-02-15', false],
    ['2026-01-31', 1, '2026-02-28', true],
    ['2028-01-31', 1, '2028-02-29', true], // leap year
    ['2026-03-31', 1, '2026-04-30', true],
    ['2026-11-30', 3, '2027-02-28', true],
    ['2025-12-31', 2, '2026-02-28', true],
    ['2026-12-15', 1, '2027-01-15', false], // year boundary
    ['2028-02-29', 12, '2029-02-28', true],
    ['2028-02-29', 48, '2032-02-29', false],
    ['2027-02-28', 12, '2028-02-28', false], // not the 29th: "corresponding" is the same number
  ] as const)('%s + %i months → %s (clamped %s)', (start, n, date, clamped) => {
    expect(addMonthsClamped(start, n)).toMatchObject({ date, clamped });
  });

  it('knows month lengths', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((m) => daysInMonth(2026, m))).toEqual([
      31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
    ]);
    expect([daysInMonth(2028, 2), daysInMonth(2100, 2), daysInMonth(2000, 2)]).toEqual([29, 28, 29]);
  });
});

describe('computeDeadline — months and years', () => {
  it('1 month from Sat 31/01/2026: no 31/02, last day Sat 28/02, rolls to Mon 02/03/2026', () => {
    const r = computeDeadline({ start: '2026-01-31', amount: 1, unit: 'months', startLabel: 'Received' }, cal);
    expect(r.unit).toBe('months');
    expect(r.due).toBe('2026-03-02');
    expect(r.dueAt).toBe('2026-03-02T23:59:59.999+07:00');
    expect(r.derivation.map((s) => s.kind)).toEqual(['start', 'count', 'roll_forward', 'due']);
    expect(r.derivation[1]).toMatchObject({
      from: '2026-02-01',
      to: '2026-02-28',
      days: 28,
      reason: 'months,no_corresponding_day',
      legalBasis: 'BLDS 2015 Art 148(3)',
    });
    expect(r.derivation[1]?.text).toBe(
      '1 month from Sat 31/01/2026 ends on the corresponding day of the last month; February 2026 has no day 31 (31/02/2026), ' +
        "so the limit's last day is the last day of that month, Sat 28/02/2026 (28 calendar days, 01/02/2026 – 28/02/2026) (BLDS 2015 Art 148(3))",
    );
    expect(r.derivation[2]?.text).toBe(
      'The last day falls on Sat 28/02/2026, not a working day (non-working 28/02–01/03/2026: weekly rest days): limit rolls to Mon 02/03/2026 (BLDS 2015 Art 148(5))',
    );
  });

  it('1 year from Tue 29/02/2028 ends Wed 28/02/2029 (Art 148(4), Art 148(3) by analogy)', () => {
    const r = computeDeadline({ start: '2028-02-29', amount: 1, unit: 'years' }, cal);
    expect(r.due).toBe('2029-02-28');
    expect(r.derivation.map((s) => s.kind)).toEqual(['start', 'count', 'due']);
    expect(r.derivation[1]).toMatchObject({
      to: '2029-02-28',
      days: 365,
      legalBasis: 'BLDS 2015 Art 148(4); BLDS 2015 Art 148(3) by analogy',
    });
    expect(r.derivation[1]?.text).toContain(
      '1 year from Tue 29/02/2028 ends on the corresponding day and month of the last year; February 2029 has no day 29',
    );
  });

  it('1 year to sue (Luật TTHC Art 116(3)) from Fri 27/11/2026: Sat 27/11/2027 rolls to Mon 29/11/2027', () => {
    const r = computeDeadline({ start: '2026-11-27', amount: 1, unit: 'years' }, cal);
    expect(r.due).toBe('2027-11-29');
    expect(r.derivation[1]).toMatchObject({
      to: '2027-11-27',
      days: 365,
      reason: 'years',
      legalBasis: 'BLDS 2015 Art 148(4)',
    });
    expect(r.derivation[1]?.text).toBe(
      '1 year from Fri 27/11/2026 ends on the corresponding day and month of the last year, Sat 27/11/2027 (365 calendar days, 28/11/2026 – 27/11/2027) (BLDS 2015 Art 148(4))',
    );
  });

  it('plural wording for several months', () => {
    const r = computeDeadline({ start: '2026-11-30', amount: 3, unit: 'months' }, cal);
    expect(r.derivation[1]?.text).toMatch(
      /^3 months from Mon 30\/11\/2026 end on the corresponding day of the last month; February 2027 has no day 30/,
    );
  });

  it.each([
    ['1 month into Tết 2026: Sun 15/02 → Mon 23/02', '2026-01-15', 1, 'months', '2026-02-23'],
    ['1 month onto 30/4–1/5 2026: Thu 30/04 → Mon 04/05', '2026-03-31', 1, 'months', '2026-05-04'],
    ['3 months from 30/11/2026: Sun 28/02/2027 → Mon 01/03/2027', '2026-11-30', 3, 'months', '2027-03-01'],
    ['2 months from 31/12/2025: Sat 28/02/2026 → Mon 02/03/2026', '2025-12-31', 2, 'months', '2026-03-02'],
    ['1 month from 31/01/2028 (leap year): Tue 29/02/2028', '2028-01-31', 1, 'months', '2028-02-29'],
    ['1 year from 28/02/2027: Mon 28/02/2028 (not 29/02)', '2027-02-28', 1, 'years', '2028-02-28'],
    [
      '4 years from 29/02/2028: 29/02/2032 exists again (a Sunday) → Mon 01/03/2032',
      '2028-02-29',
      4,
      'years',
      '2032-03-01',
    ],
    ['1 month over a year end: Mon 15/12/2025 → Thu 15/01/2026', '2025-12-15', 1, 'months', '2026-01-15'],
    [
      '1 month ending on New Year 2026: Mon 01/12/2025 → 01/01 + 02/01 off + weekend → Mon 05/01/2026',
      '2025-12-01',
      1,
      'months',
      '2026-01-05',
    ],
  ] as const)('%s', (_l, start, amount, unit, due) => {
    expect(computeDeadline({ start, amount, unit }, cal).due).toBe(due);
  });

  it('12 months and 1 year agree; the due day is always a working day on or after the corresponding day', () => {
    const day = fc
      .integer({ min: 0, max: 365 * 8 })
      .map((n) => new Date(Date.UTC(2024, 0, 1 + n)).toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, fc.integer({ min: 1, max: 3 }), (start, years) => {
        const y = computeDeadline({ start, amount: years, unit: 'years' }, cal);
        const m = computeDeadline({ start, amount: years * 12, unit: 'months' }, cal);
        expect(y.due).toBe(m.due);
        expect(isWorkingDay(cal, y.due)).toBe(true);
        expect(diffDays(addMonthsClamped(start, years * 12).date, y.due)).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 200 },
    );
  });

  it('a later start never gives an earlier due date (months)', () => {
    const day = fc
      .integer({ min: 0, max: 365 * 8 })
      .map((n) => new Date(Date.UTC(2024, 0, 1 + n)).toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, fc.integer({ min: 1, max: 24 }), (start, n) => {
        const a = computeDeadline({ start, amount: n, unit: 'months' }, cal).due;
        const next = new Date(Date.parse(`${start}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
        const b = computeDeadline({ start: next, amount: n, unit: 'months' }, cal).due;
        expect(diffDays(a, b)).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 200 },
    );
  });

  it('rejects unknown units with a message naming all four', () => {
    expect(() => computeDeadline({ start: '2026-01-01', amount: 1, unit: 'weeks' as never }, cal)).toThrow(
      /'calendar_days', 'working_days', 'months' or 'years'/,
    );
    expect(() => computeDeadline({ start: '2026-01-01', amount: 0, unit: 'months' }, cal)).toThrow(ClockInputError);
  });
});
