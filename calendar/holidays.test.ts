import { describe, expect, it } from 'vitest';
import { nationalDayAdjacent, statutoryHolidays, substituteDays } from './holidays';

const dates = (year: number, opts = {}): string[] => statutoryHolidays(year, opts).map((e) => e.date);

describe('statutory holidays (BLLĐ 2019 Art 112(1))', () => {
  it('2026: 11 days with default Tết pattern and 2/9 + 1/9', () => {
    expect(dates(2026)).toEqual([
      '2026-01-01',
      '2026-02-16',
      '2026-02-17',
      '2026-02-18',
      '2026-02-19',
      '2026-02-20',
      '2026-04-26',
      '2026-04-30',
      '2026-05-01',
      '2026-09-01',
      '2026-09-02',
    ]);
    for (const e of statutoryHolidays(2026)) {
      expect(e).toMatchObject({ working: false, kind: 'public_holiday', source: 'BLLĐ 2019 Art 112(1)' });
    }
  });

  it('Tết pattern and the 2/9 adjacent day are configurable (Art 112(3))', () => {
    expect(dates(2026, { tet: { before: 2, after: 3 }, nationalDayAdjacent: 'after' })).toEqual([
      '2026-01-01',
      '2026-02-15',
      '2026-02-16',
      '2026-02-17',
      '2026-02-18',
      '2026-02-19',
      '2026-04-26',
      '2026-04-30',
      '2026-05-01',
      '2026-09-02',
      '2026-09-03',
    ]);
    expect(() => statutoryHolidays(2026, { tet: { before: 1, after: 3 } })).toThrow(/5 days/);
  });

  it.each([
    [2022, '2022-09-01'], // Fri 2/9 → Thu 1/9 (as announced)
    [2023, '2023-09-01'], // Sat 2/9 → Fri 1/9 (as announced)
    [2024, '2024-09-03'], // Mon 2/9 → Tue 3/9 (as announced)
    [2025, '2025-09-01'], // Tue 2/9 → Mon 1/9 (as announced)
    [2026, '2026-09-01'], // Wed 2/9 → tie, default before (UNCONFIRMED)
    [2027, '2027-09-03'], // Thu 2/9 → Fri 3/9
    [2029, '2029-09-03'], // Sun 2/9 → Mon 3/9
  ])('auto National Day adjacent day %i → %s', (year, date) => expect(nationalDayAdjacent(year)).toBe(date));
});

describe('substitute days off (BLLĐ 2019 Art 111(3))', () => {
  it('2027: Tết on Sat/Sun → Wed 10 and Thu 11/02; 1/5 Sat → Mon 03/05', () => {
    const subs = substituteDays(statutoryHolidays(2027), new Set());
    expect(subs.map((s) => [s.date, s.kind])).toEqual([
      ['2027-02-10', 'substitute_day_off'],
      ['2027-02-11', 'substitute_day_off'],
      ['2027-05-03', 'substitute_day_off'],
    ]);
    expect(subs[0]?.id).toBe('statutory:2027:tet:substitute:2027-02-10');
  });

  it('a substitute skips days already off for another reason', () => {
    const subs = substituteDays(statutoryHolidays(2027), new Set(['2027-05-03']));
    expect(subs.map((s) => s.date)).toContain('2027-05-04');
  });

  it('Giỗ Tổ 2026 on Sunday → Mon 27/04/2026', () => {
    expect(substituteDays(statutoryHolidays(2026), new Set()).map((s) => s.date)).toEqual(['2026-04-27']);
  });
});

describe('before BLLĐ 2019 (years < 2021)', () => {
  it('2020: 2/9 only, cited to BLLĐ 2012 Art 115(1)', () => {
    const h = statutoryHolidays(2020);
    expect(h.filter((e) => e.date.startsWith('2020-09')).map((e) => e.date)).toEqual(['2020-09-02']);
    expect(h.every((e) => e.source === 'BLLĐ 2012 Art 115(1)')).toBe(true);
    // 2020: Tết default 24/01–28/01 (Sat 25, Sun 26 → 29, 30/01); 2/9 Wed.
    expect(substituteDays(h, new Set()).map((s) => [s.date, s.source])).toEqual([
      ['2020-01-29', 'BLLĐ 2012 Art 115(3)'],
      ['2020-01-30', 'BLLĐ 2012 Art 115(3)'],
    ]);
  });
});
