import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  endOfDayInstant,
  startOfDayInstant,
  VN_FIXED_SINCE,
  vnDate,
  vnInstant,
  VN_ZONE,
} from '../../workflows/clock/vn-time.js';

/** The IANA zone through luxon: what the fixed-offset arithmetic must agree with. */
const ianaDate = (ms: number) => DateTime.fromMillis(ms, { zone: VN_ZONE }).toISODate();
const ianaInstant = (ms: number) => DateTime.fromMillis(ms, { zone: VN_ZONE }).toISO();

describe('vn-time: one module for Vietnam time', () => {
  it('the civil date and the offset form agree with the IANA zone, before and after the fixed offset (1900–2200)', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 0, 1) }), (ms) => {
        expect(vnDate(ms)).toBe(ianaDate(ms));
        expect(vnInstant(ms)).toBe(ianaInstant(ms));
      }),
      { numRuns: 2000 },
    );
    for (const ms of [
      VN_FIXED_SINCE - 1,
      VN_FIXED_SINCE,
      Date.UTC(2026, 5, 30, 16, 59, 59, 999),
      Date.UTC(2026, 5, 30, 17),
    ]) {
      expect(vnDate(ms)).toBe(ianaDate(ms));
      expect(vnInstant(ms)).toBe(ianaInstant(ms));
    }
  });

  it('days begin and end in Vietnam whatever the host zone', () => {
    expect(vnDate(Date.parse('2026-06-30T17:00:00Z'))).toBe('2026-07-01');
    expect(startOfDayInstant('2026-07-01')).toBe('2026-07-01T00:00:00.000+07:00');
    expect(endOfDayInstant('2026-07-01')).toBe('2026-07-01T23:59:59.999+07:00');
  });
});
