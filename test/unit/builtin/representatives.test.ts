import { describe, expect, it } from 'vitest';
import { allowedRepresentatives, validateRepresentatives } from '../../../processes/builtin/index.js';
import { Driver } from './driver.js';

const people = (n: number) => Array.from({ length: n }, (_, i) => `party-${i + 1}`);

describe('validateRepresentatives (TCD Art 29; KN Art 8(4)-(5))', () => {
  it('12 signers with 6 representatives: refused (more than 10 people -> at most 5)', () => {
    const r = validateRepresentatives(people(12), people(6));
    expect(r.ok).toBe(false);
    expect(r.massCase).toBe(true);
    expect(r.ok ? [] : r.errors).toEqual([
      expect.objectContaining({
        code: 'too_many',
        legalBasis: expect.stringContaining('Luật Tiếp công dân 2013 Art 29'),
      }),
    ]);
  });

  it('12 signers with 5 representatives: accepted, mass case', () => {
    expect(validateRepresentatives(people(12), people(5))).toEqual({
      ok: true,
      massCase: true,
      allowed: { min: 1, max: 5 },
    });
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
    expect(r.ok ? [] : r.errors).toEqual([
      expect.objectContaining({ code: 'not_a_signer', legalBasis: 'Luật Khiếu nại 2011 Art 8(5)' }),
    ]);
    const d = validateRepresentatives(people(6), ['party-1', 'party-1']);
    expect(d.ok ? [] : d.errors.map((e) => e.code)).toEqual(['duplicate']);
  });

  it('fewer than 5 signers: not a mass case, no count rule', () => {
    expect(validateRepresentatives(people(4), [])).toMatchObject({ ok: true, massCase: false });
    expect(validateRepresentatives(people(1), [])).toMatchObject({ ok: true, massCase: false });
    expect(validateRepresentatives([], []).ok).toBe(false);
  });

  it.each([
    [4, 0, 4],
    [5, 1, 2],
    [10, 1, 2],
    [11, 1, 5],
    [200, 1, 5],
  ])('%i signers: %i..%i representatives', (n, min, max) => {
    expect(allowedRepresentatives(n)).toEqual({ min, max });
  });

  it('the signer count of the intake counts when not every signer is listed: 12 signers, 6 of them listed as representatives', () => {
    const r = validateRepresentatives(people(6), people(6), 12);
    expect(r.ok ? [] : r.errors.map((e) => e.code)).toEqual(['too_many']);
    expect(r.allowed).toEqual({ min: 1, max: 5 });
    // A representative not among the listed signers may be one of the unlisted ones: not refused for that.
    expect(validateRepresentatives(people(3), ['party-1', 'unlisted-9'], 12).ok).toBe(true);
    expect(validateRepresentatives(people(12), ['party-1', 'outsider'], 12).ok).toBe(false);
  });
});

/** The rule for every kind of case (ADR 0018): the case waits at `appointRepresentatives`; acceptance cannot start until it holds. */
describe('representatives before acceptance, for complaints and denunciations as for letters', () => {
  const twelve = { signersCount: 12, signerRefs: people(6), representativeRefs: people(6), massCase: true };
  it.each([
    ['complaint-first', 2, 'accept'],
    ['complaint-first', 1, 'accept'],
    ['complaint-second', 2, 'accept'],
    ['denunciation', 2, 'initial'],
    ['denunciation', 1, 'initial'],
  ] as const)(
    '%s v%i: 12 signers naming 6 representatives wait; 3 appointed in writing, %s opens',
    (key, version, first) => {
      const d = Driver.of(key, version, '2026-07-06', twelve);
      expect(d.open).toEqual(['appointRepresentatives']);
      expect(d.calls).toContain('checkRepresentatives:representatives');
      // Still more than 5: asked again.
      d.complete('appointRepresentatives', { representativeRefs: people(6), appointmentDocumentRef: 'VB-1' });
      expect(d.open).toEqual(['appointRepresentatives']);
      d.complete('appointRepresentatives', { representativeRefs: people(3), appointmentDocumentRef: 'VB-2' });
      expect(d.open).toEqual([first]);
    },
  );

  it('one signer, or a valid appointment: no step added', () => {
    expect(Driver.of('complaint-first', 2, '2026-07-06').open).toEqual(['accept']);
    expect(
      Driver.of('complaint-first', 2, '2026-07-06', {
        signersCount: 1,
        signerRefs: ['party-1'],
        representativeRefs: [],
      }).open,
    ).toEqual(['accept']);
    expect(Driver.of('denunciation', 2, '2026-07-06', { ...twelve, representativeRefs: people(2) }).open).toEqual([
      'initial',
    ]);
  });
});
