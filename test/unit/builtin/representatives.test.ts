import { describe, expect, it } from 'vitest';
import { allowedRepresentatives, validateRepresentatives } from '../../../processes/builtin/index.js';

const people = (n: number) => Array.from({ length: n }, (_, i) => `party-${i + 1}`);

describe('validateRepresentatives (TCD Art 29; KN Art 8(4)-(5))', () => {
  it('12 signers with 6 representatives: refused (more than 10 people -> at most 5)', () => {
    const r = validateRepresentatives(people(12), people(6));
    expect(r.ok).toBe(false);
    expect(r.massCase).toBe(true);
    expect(r.ok ? [] : r.errors).toEqual([expect.objectContaining({ code: 'too_many', legalBasis: expect.stringContaining('Luật Tiếp công dân 2013 Art 29') })]);
  });

  it('12 signers with 5 representatives: accepted, mass case', () => {
    expect(validateRepresentatives(people(12), people(5))).toEqual({ ok: true, massCase: true, allowed: { min: 1, max: 5 } });
  });

  it('7 signers with 3 representatives: refused (5-10 people -> 1 or 2)', () => {
    const r = validateRepresentatives(people(7), people(3));
    expect(r.ok ? [] : r.errors.map((e) => e.code)).toEqual(['too_many']);
    expect(validateRepresentatives(people(7), people(2)).ok).toBe(true);
  });

  it('5 or more signers must appoint at least one representative', () => {
    const r = validateRepresentatives(people(5), []);
    expect(r.ok ? [] : r.errors.map((e) => e.code)).toEqual(['too_few']);
  });

  it('a representative must be one of the signers (KN Art 8(5)); duplicates are refused', () => {
    const r = validateRepresentatives(people(6), ['party-1', 'outsider']);
    expect(r.ok ? [] : r.errors).toEqual([expect.objectContaining({ code: 'not_a_signer', legalBasis: 'Luật Khiếu nại 2011 Art 8(5)' })]);
    const d = validateRepresentatives(people(6), ['party-1', 'party-1']);
    expect(d.ok ? [] : d.errors.map((e) => e.code)).toEqual(['duplicate']);
  });

  it('fewer than 5 signers: not a mass case, no count rule', () => {
    expect(validateRepresentatives(people(4), [])).toMatchObject({ ok: true, massCase: false });
    expect(validateRepresentatives(people(1), [])).toMatchObject({ ok: true, massCase: false });
    expect(validateRepresentatives([], []).ok).toBe(false);
  });

  it.each([[4, 0, 4], [5, 1, 2], [10, 1, 2], [11, 1, 5], [200, 1, 5]])('%i signers: %i..%i representatives', (n, min, max) => {
    expect(allowedRepresentatives(n)).toEqual({ min, max });
  });
});
