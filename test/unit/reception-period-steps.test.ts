/**
 * The steps of a special period's workflow (ADR 0035): per working day a roster check the day before, the
 * report tasks at the start of the day and the escalation at the due time, earliest first; steps already run
 * are not planned again (a re-plan after a change, or continue-as-new).
 */
import { describe, expect, it } from 'vitest';
import { pendingSteps, type PeriodPlan } from '../../workflows/reception-period-contract.js';

const H = 3_600_000;
const plan: PeriodPlan = {
  status: 'active',
  days: [
    { date: '2026-12-08', opensAt: 24 * H, dueAt: 40 * H, rosterCheckAt: 14 * H },
    { date: '2026-12-07', opensAt: 0, dueAt: 16 * H, rosterCheckAt: -10 * H },
  ],
};

describe('pendingSteps', () => {
  it('orders every step of every day by its instant', () => {
    expect(pendingSteps(plan, new Set()).map((s) => s.key)).toEqual([
      'roster:2026-12-07',
      'open:2026-12-07',
      'roster:2026-12-08',
      'late:2026-12-07',
      'open:2026-12-08',
      'late:2026-12-08',
    ]);
  });
  it('leaves out the steps already run', () => {
    const done = new Set(['roster:2026-12-07', 'open:2026-12-07', 'late:2026-12-07']);
    expect(pendingSteps(plan, done).map((s) => s.key)).toEqual([
      'roster:2026-12-08',
      'open:2026-12-08',
      'late:2026-12-08',
    ]);
  });
  it('at the same instant: roster check, then report tasks, then escalation', () => {
    const same: PeriodPlan = {
      status: 'active',
      days: [{ date: '2026-12-09', opensAt: 5, dueAt: 5, rosterCheckAt: 5 }],
    };
    expect(pendingSteps(same, new Set()).map((s) => s.kind)).toEqual(['roster', 'open', 'late']);
  });
});
