import { describe, expect, it } from 'vitest';
import { IsoInstant } from '../../api/schemas.js';
import { isIsoInstant } from '../../api/routes/cases.js';

// POST /v1/cases checks receivedAt without luxon when every field is in range (ADR 0011, follow-up 2):
// it must accept exactly the strings IsoInstant (pattern + luxon) accepts.
describe('isIsoInstant (receivedAt of POST /v1/cases)', () => {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;
  const d2 = (lo: number, hi: number) => String(lo + Math.floor(Math.random() * (hi - lo + 1))).padStart(2, '0');
  const randomInstant = () => {
    const year = pick([
      '0000',
      '0001',
      '1899',
      '1900',
      '1975',
      '2000',
      '2024',
      '2026',
      '2100',
      '9999',
      String(1000 + Math.floor(Math.random() * 9000)),
    ]);
    const time = `${d2(0, 25)}:${d2(0, 61)}${pick(['', `:${d2(0, 61)}`, `:${d2(0, 61)}.${'123456789'.slice(0, 1 + Math.floor(Math.random() * 9))}`])}`;
    const offset = pick(['Z', `+${d2(0, 25)}:${d2(0, 61)}`, `-${d2(0, 25)}:${d2(0, 61)}`, '+07:00', '']);
    return `${year}-${d2(0, 13)}-${d2(0, 32)}T${time}${offset}`;
  };

  it('agrees with IsoInstant over random strings of its pattern and edge cases', () => {
    const edges = [
      '2026-02-29T10:00Z',
      '2024-02-29T10:00Z',
      '1900-02-29T10:00Z',
      '2000-02-29T10:00Z',
      '2026-07-01T24:00Z',
      '2026-07-01T23:59:60Z',
      '2026-04-31T10:00Z',
      '2026-07-01T10:00+24:00',
      '2026-07-01T10:00+99:99',
      '2026-07-01T09:30:00+07:00',
      '2026-07-01T09:30',
      'x',
      '',
    ];
    let accepted = 0;
    for (const s of [...edges, ...Array.from({ length: 20_000 }, randomInstant)]) {
      const want = IsoInstant.safeParse(s).success;
      expect(isIsoInstant(s), s).toBe(want);
      if (want) accepted++;
    }
    expect(accepted).toBeGreaterThan(1000); // the sample exercises the accepting side too
  });
});
