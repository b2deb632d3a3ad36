/**
 * The chairman's report's roll-up and derived figures (issue 16): the consolidation sums the units' figures except
 * where one record can be of several units (hotspots: counted distinct by id); I.3 is the legal minimum of the
 * agencies' levels attributed to the 15th–14th data period (a month's obligation to the period holding its first
 * day, a week's to the one holding its Monday).
 */
import { describe, expect, it } from 'vitest';
import { DISTINCT_ROWS, requiredLeaderDays, sumSnapshots } from '../../activities/report-engine.js';
import type { ReportSnapshot, SnapshotCell } from '../../reports/types.js';

const snap = (cells: Record<string, SnapshotCell>): ReportSnapshot => ({
  form: { code: 'chairman-monthly', version: 1, title: 't', circular: 'c' },
  agencyId: 'a',
  agencyName: 'A',
  period: { from: '2031-02-15', to: '2031-03-14' },
  header: [],
  columns: [{ no: 1, label: 'Số liệu' }],
  rows: Object.entries(cells).map(([code, cell]) => ({ code, label: code, cells: { '1': cell } })),
  checks: [],
  computedAt: '2031-03-15T00:00:00+07:00',
});

describe('consolidation of the chairman’s report', () => {
  it('sums one-agency records, counts hotspots distinct (one spanning two units counts once)', () => {
    expect(DISTINCT_ROWS).toEqual(['VI.1', 'VI.1.a', 'VI.1.b']);
    const rows = sumSnapshots([
      snap({ 'II.1': { value: 3 }, 'VI.1.a': { value: 2, items: ['h1', 'h2'] } }),
      snap({ 'II.1': { value: 4 }, 'VI.1.a': { value: 1, items: ['h2'] } }),
      snap({ 'II.1': { value: null }, 'VI.1.a': { value: 0, items: [] } }),
    ]);
    const cell = (code: string) => rows.find((r) => r.code === code)!.cells['1']!;
    expect(cell('II.1')).toEqual({ value: 7 });
    expect(cell('VI.1.a')).toEqual({ value: 2, items: ['h1', 'h2'] });
  });

  it('falls back to the sum when a submitted snapshot predates the ids; keeps notes and the UNCONFIRMED mark', () => {
    const rows = sumSnapshots([
      snap({ 'VI.1': { value: 2, items: ['h1', 'h2'] }, 'I.3': { value: 2, note: 'n', unconfirmed: true } }),
      snap({ 'VI.1': { value: 1 }, 'I.3': { value: 1, note: 'n', unconfirmed: true } }),
    ]);
    expect(rows.find((r) => r.code === 'VI.1')!.cells['1']).toEqual({ value: 3 });
    expect(rows.find((r) => r.code === 'I.3')!.cells['1']).toEqual({ value: 3, note: 'n', unconfirmed: true });
  });
});

describe('I.3: leaders’ reception days required in the data period', () => {
  it('a commune after 01/07/2026: 2 days, March’s obligation in the 15/02–14/03 period', () => {
    const r = requiredLeaderDays(['commune'], '2031-02-15', '2031-03-14');
    expect(r.days).toBe(2);
    expect(r.citations.join()).toContain('Art 15(2)(d)');
  });

  it('a commune before: one day a week, each week in the period holding its Monday', () => {
    // Mondays 18/05, 25/05, 01/06, 08/06/2026.
    expect(requiredLeaderDays(['commune'], '2026-05-15', '2026-06-14').days).toBe(4);
    // Across the change: the weeks of 15, 22, 29 June (weekly rule) and July's 2 days (monthly rule).
    expect(requiredLeaderDays(['commune'], '2026-06-15', '2026-07-14').days).toBe(5);
  });

  it('province and department: one day a month; a year of data periods owes exactly the year’s minimum', () => {
    expect(requiredLeaderDays(['province', 'department'], '2031-02-15', '2031-03-14').days).toBe(2);
    let year = 0;
    for (let m = 1; m <= 12; m++) {
      const prev = m === 1 ? '2030-12' : `2031-${String(m - 1).padStart(2, '0')}`;
      year += requiredLeaderDays(['province'], `${prev}-15`, `2031-${String(m).padStart(2, '0')}-14`).days;
    }
    expect(year).toBe(12);
  });
});
