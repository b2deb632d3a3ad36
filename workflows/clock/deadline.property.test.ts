import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCalendar } from '../../calendar/build';
import { isWorkingDay } from './calendar-lookup';
import { createClock, evaluateClock } from './clock';
import { addDays, diffDays } from './days';
import { computeDeadline } from './deadline';
import { resumeClock, suspendClock } from './ledger';
import type { DayUnit } from './types';

const cal = buildCalendar({ from: '2024-01-01', to: '2031-12-31' });
const FIRST = '2024-01-01';

/** Start dates 2024-01-01 … 2029-12-31 (leaves room for long limits inside the snapshot). */
const startArb = fc.integer({ min: 0, max: diffDays(FIRST, '2029-12-31') }).map((n) => addDays(FIRST, n));
const unitArb = fc.constantFrom<DayUnit>('calendar_days', 'working_days');
const amountArb = fc.integer({ min: 1, max: 120 });

describe('deadline properties', () => {
  it('a working-day due date is always a working day, with exactly `amount` working days in (start, due]', () => {
    fc.assert(
      fc.property(startArb, amountArb, (start, amount) => {
        const { due } = computeDeadline({ start, amount, unit: 'working_days' }, cal);
        expect(isWorkingDay(cal, due)).toBe(true);
        let n = 0;
        for (let d = addDays(start, 1); d <= due; d = addDays(d, 1)) if (isWorkingDay(cal, d)) n++;
        expect(n).toBe(amount);
      }),
      { numRuns: 300 },
    );
  });

  it('a calendar-day due date is ≥ start + amount, is a working day, and only non-working days lie between', () => {
    fc.assert(
      fc.property(startArb, amountArb, (start, amount) => {
        const { due } = computeDeadline({ start, amount, unit: 'calendar_days' }, cal);
        const last = addDays(start, amount);
        expect(diffDays(last, due)).toBeGreaterThanOrEqual(0);
        expect(isWorkingDay(cal, due)).toBe(true);
        for (let d = last; d < due; d = addDays(d, 1)) expect(isWorkingDay(cal, d)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('adding a day never moves the due date earlier', () => {
    fc.assert(
      fc.property(startArb, amountArb, unitArb, (start, amount, unit) => {
        const a = computeDeadline({ start, amount, unit }, cal).due;
        const b = computeDeadline({ start, amount: amount + 1, unit }, cal).due;
        expect(diffDays(a, b)).toBeGreaterThanOrEqual(unit === 'working_days' ? 1 : 0);
      }),
      { numRuns: 300 },
    );
  });

  it('a later start never gives an earlier due date', () => {
    fc.assert(
      fc.property(startArb, amountArb, unitArb, (start, amount, unit) => {
        const a = computeDeadline({ start, amount, unit }, cal).due;
        const b = computeDeadline({ start: addDays(start, 1), amount, unit }, cal).due;
        expect(diffDays(a, b)).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });

  it('a suspension of k days never moves the due date earlier, and the clock equals computeDeadline without it', () => {
    fc.assert(
      fc.property(
        startArb,
        amountArb,
        unitArb,
        fc.integer({ min: 0, max: 150 }),
        fc.integer({ min: 0, max: 60 }),
        (start, amount, unit, offset, k) => {
          const clock = createClock({
            ruleId: 'P',
            legalBasis: 'test',
            budget: { amount, unit },
            startEvent: { name: 'Start', date: start },
            suspensionBasis: 'Luật Tố cáo 2018 Art 34(2)',
          });
          const plain = evaluateClock(clock, cal).due as string;
          expect(plain).toBe(computeDeadline({ start, amount, unit }, cal).due);
          const from = addDays(start, offset);
          const suspended = resumeClock(suspendClock(clock, { from, decision: 'S' }), {
            to: addDays(from, k),
            decision: 'R',
          });
          const due = evaluateClock(suspended, cal).due as string;
          expect(diffDays(plain, due)).toBeGreaterThanOrEqual(0);
          // For calendar days the delay never exceeds k plus a roll-forward over non-working days.
          if (unit === 'calendar_days' && diffDays(from, plain) >= 0) {
            for (let d = addDays(plain, k); d < due; d = addDays(d, 1)) expect(isWorkingDay(cal, d)).toBe(false);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
