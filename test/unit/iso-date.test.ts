/** `isIsoDate`: an existing day written YYYY-MM-DD, from year 1 (PostgreSQL's `date` has no year 0). */
import { describe, expect, it } from 'vitest';
import { isIsoDate } from '../../workflows/clock/days.js';

describe('isIsoDate', () => {
  it('accepts existing days from year 1 and refuses year 0, impossible days and other forms', () => {
    for (const d of ['0001-01-01', '2024-02-29', '2026-12-31', '9999-12-31']) expect(isIsoDate(d), d).toBe(true);
    for (const d of ['0000-01-01', '0000-12-31', '2026-02-29', '2026-13-01', '2026-1-01', '2026-12-01T00:00', 20261201])
      expect(isIsoDate(d), String(d)).toBe(false);
  });
});
