import { describe, expect, it } from 'vitest';
import {
  AD_HOC_CASES,
  counts,
  heldDays,
  MINIMUM_RULES,
  obligationsFor,
  ruleFor,
  weeksStartingIn,
} from '../../reception/minimum-rules.js';

describe('reception minimum rules (issue 14.1, ADR 0029)', () => {
  it('every rule cites its article and the rules of a level never overlap in time', () => {
    for (const r of MINIMUM_RULES) {
      expect(r.citation).toMatch(/Art \d+/);
      for (const o of MINIMUM_RULES) {
        if (o === r || o.level !== r.level) continue;
        const disjoint = (r.to !== null && r.to < o.from) || (o.to !== null && o.to < r.from);
        expect(disjoint, `${r.id} / ${o.id}`).toBe(true);
      }
    }
    expect(AD_HOC_CASES.citation).toContain('Art 18(3)');
  });

  it('a commune chairman: one day a week until 30/06/2026, two days a month from 01/07/2026', () => {
    expect(ruleFor('commune', '2026-06-30')).toMatchObject({ days: 1, period: 'week', id: 'commune-chair-weekly' });
    expect(ruleFor('commune', '2026-07-01')).toMatchObject({ days: 2, period: 'month' });
    expect(ruleFor('commune', '2026-07-01')?.citation).toContain('136/2025');
    expect(ruleFor('commune', '2014-06-30')).toBeUndefined();
  });

  it('the provincial chairman and department heads: one day a month (Art 12(5), Art 18(2))', () => {
    expect(ruleFor('province', '2026-12-01')).toMatchObject({ days: 1, period: 'month' });
    expect(ruleFor('province', '2026-12-01')?.citation).toContain('Art 12(5)');
    expect(ruleFor('department', '2026-06-30')?.citation).toContain('Art 18(2)');
    expect(ruleFor('department', '2026-07-01')).toMatchObject({ days: 1, period: 'month' });
  });

  it('a commune owes the weeks starting in June 2026 and the month of July 2026, never both', () => {
    const june = obligationsFor('commune', '2026-06');
    expect(june.map((o) => o.first)).toEqual(['2026-06-01', '2026-06-08', '2026-06-15', '2026-06-22', '2026-06-29']);
    expect(june.every((o) => o.period === 'week' && o.rule.days === 1)).toBe(true);
    // The week of Monday 29/06 runs to Sunday 05/07 under the weekly rule (in force on its Monday).
    expect(june.at(-1)).toMatchObject({ first: '2026-06-29', last: '2026-07-05' });
    expect(obligationsFor('commune', '2026-07')).toEqual([
      expect.objectContaining({ period: 'month', first: '2026-07-01', last: '2026-07-31' }),
    ]);
    expect(obligationsFor('province', '2026-02')).toEqual([
      expect.objectContaining({ first: '2026-02-01', last: '2026-02-28' }),
    ]);
  });

  it('ISO weeks starting in a month', () => {
    expect(weeksStartingIn('2026-12').map((w) => w.first)).toEqual([
      '2026-12-07',
      '2026-12-14',
      '2026-12-21',
      '2026-12-28',
    ]);
    expect(weeksStartingIn('2026-06')[0]).toEqual({ first: '2026-06-01', last: '2026-06-07' });
  });

  it('only in-person sessions of the head count, each day once; delegated and regular sessions do not', () => {
    const s = (date: string, o: Partial<Parameters<typeof counts>[0]> = {}) => ({
      date,
      receivedBy: 'in_person' as const,
      mode: 'in_person' as const,
      kind: 'periodic' as const,
      ...o,
    });
    expect(counts(s('2026-07-02', { receivedBy: 'delegated' }))).toBe(false);
    expect(counts(s('2026-07-02', { kind: 'regular' }))).toBe(false);
    expect(counts(s('2026-07-02', { mode: 'online' }))).toBe(true);
    expect(counts(s('2026-07-02', { mode: 'online' }), { onlineCounts: false, adHocCounts: true })).toBe(false);
    expect(counts(s('2026-07-02', { kind: 'ad_hoc' }), { onlineCounts: true, adHocCounts: false })).toBe(false);
    const sessions = [s('2026-07-02'), s('2026-07-02'), s('2026-07-09', { receivedBy: 'delegated' }), s('2026-08-01')];
    expect(heldDays(sessions, '2026-07-01', '2026-07-31')).toBe(1);
  });
});
