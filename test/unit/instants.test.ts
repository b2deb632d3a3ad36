import { describe, expect, it } from 'vitest';
import { isInstantString, withVnInstants } from '../../api/instants.js';
import { vnInstant } from '../../workflows/clock/vn-time.js';

describe('one date-time form in answers (ADR 0019)', () => {
  it('writes any instant with the Vietnam offset and milliseconds', () => {
    expect(vnInstant('2027-01-04T16:59:59.999Z')).toBe('2027-01-04T23:59:59.999+07:00');
    expect(vnInstant('2027-01-04T23:59:59.999+07:00')).toBe('2027-01-04T23:59:59.999+07:00');
    expect(vnInstant('2026-07-01T09:30:00+07:00')).toBe('2026-07-01T09:30:00.000+07:00');
    expect(vnInstant(new Date('2026-06-30T17:30:00Z'))).toBe('2026-07-01T00:30:00.000+07:00');
    // Before 1976 the zone database applies (UTC+08:00 in 1960 in the south).
    expect(vnInstant('1960-01-01T00:00:00Z')).toMatch(/^1960-01-01T0[78]:00:00\.000\+0[78]:00$/);
  });

  it('rewrites instants deep in a body and leaves days, other strings and non-plain objects alone', () => {
    const body = {
      dueAt: '2027-01-04T16:59:59.999Z',
      due: '2027-01-04',
      subject: 'Khiếu nại 2027-01-04T16:59',
      at: new Date('2027-01-04T16:59:59.999Z'),
      items: [{ openedAt: '2026-12-02T01:00:00.000Z', n: 1, ok: true, none: null }],
    };
    expect(withVnInstants(body)).toEqual({
      dueAt: '2027-01-04T23:59:59.999+07:00',
      due: '2027-01-04',
      subject: 'Khiếu nại 2027-01-04T16:59',
      at: '2027-01-04T23:59:59.999+07:00',
      items: [{ openedAt: '2026-12-02T08:00:00.000+07:00', n: 1, ok: true, none: null }],
    });
    expect(isInstantString('2027-01-04')).toBe(false);
    expect(isInstantString('2027-13-44T00:00:00Z')).toBe(false);
  });
});
