/**
 * The schedule notice by date and kind (reception/legal-rules.ts): Luật Tiếp công dân 2013 Art 24(4) for a
 * periodic day from 01/07/2014, NĐ 154/2026 Art 23(1) for an online day from 01/07/2026, none for an ad hoc day;
 * the deadline is the working day 5 working days before the reception day.
 */
import { describe, expect, it } from 'vitest';
import { noticeDeadline, scheduleNoticeRule } from '../../reception/legal-rules.js';

describe('schedule notice', () => {
  it('selects the rule by kind and date', () => {
    expect(scheduleNoticeRule('periodic', '2026-11-05')).toEqual({
      workingDays: 5,
      citation: 'Luật Tiếp công dân 2013 Art 24(4)',
    });
    expect(scheduleNoticeRule('online', '2026-11-05')).toEqual({
      workingDays: 5,
      citation: 'NĐ 154/2026/NĐ-CP Art 23(1)',
    });
    expect(scheduleNoticeRule('periodic', '2014-06-30')).toBeNull();
    expect(scheduleNoticeRule('ad_hoc', '2026-11-05')).toBeNull();
  });

  it('the deadline is the 5th working day before the day', () => {
    // Working days before Thursday 05/11/2026, latest last (a weekend between).
    const before = ['2026-10-26', '2026-10-27', '2026-10-28', '2026-10-29', '2026-10-30', '2026-11-02', '2026-11-03'];
    expect(noticeDeadline([...before, '2026-11-04'], 5)).toBe('2026-10-29');
    expect(noticeDeadline(['2026-11-03', '2026-11-04'], 5)).toBeNull();
  });
});
