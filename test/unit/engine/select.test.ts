import { describe, expect, it } from 'vitest';
import {
  isEffectiveOn,
  latestEffective,
  selectDefinition,
  validateDefinition,
  type ProcessDefinition,
} from '../../../workflows/engine/index.js';
import { linear } from './fixtures.js';

function def(
  key: string,
  version: number,
  caseType: string,
  effectiveFrom: string,
  effectiveTo?: string,
): ProcessDefinition {
  const result = validateDefinition(
    linear({ key, version, caseType, effectiveFrom, ...(effectiveTo ? { effectiveTo } : {}) }),
  );
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.definition;
}

// The law changed on 01/07/2026: old-law versions end (exclusive) where new-law versions begin.
const oldLaw = def('complaint-first', 1, 'complaint_first', '2012-07-01', '2026-07-01');
const newLaw = def('complaint-first', 2, 'complaint_first', '2026-07-01');
const denunciation = def('denunciation', 1, 'denunciation', '2019-01-01');
const all = [newLaw, denunciation, oldLaw];

describe('selectDefinition', () => {
  it.each([
    ['2026-06-30', oldLaw],
    ['2026-07-01', newLaw],
    ['2012-07-01', oldLaw],
    ['2030-01-01', newLaw],
  ])('a complaint received on %s runs under the version in force that day', (receivedOn, expected) => {
    expect(selectDefinition(all, { caseType: 'complaint_first', receivedOn })).toBe(expected);
  });

  it('returns undefined before any version is effective, or for an unknown case type', () => {
    expect(selectDefinition(all, { caseType: 'complaint_first', receivedOn: '2012-06-30' })).toBeUndefined();
    expect(selectDefinition(all, { caseType: 'petition', receivedOn: '2026-07-01' })).toBeUndefined();
  });

  it('filters by case type', () => {
    expect(selectDefinition(all, { caseType: 'denunciation', receivedOn: '2026-07-01' })).toBe(denunciation);
  });

  it('picks the highest version among overlapping ones, whatever the input order', () => {
    const v3 = def('complaint-first', 3, 'complaint_first', '2026-08-01', '2026-09-01');
    for (const list of [
      [newLaw, v3, oldLaw],
      [v3, oldLaw, newLaw],
      [oldLaw, newLaw, v3],
    ]) {
      expect(selectDefinition(list, { caseType: 'complaint_first', receivedOn: '2026-08-15' })).toBe(v3);
      expect(selectDefinition(list, { caseType: 'complaint_first', receivedOn: '2026-09-01' })).toBe(newLaw);
    }
  });

  it('breaks version ties by the smaller key, deterministically', () => {
    const a = def('agency-a', 1, 'petition', '2026-01-01');
    const b = def('agency-b', 1, 'petition', '2026-01-01');
    expect(selectDefinition([b, a], { caseType: 'petition', receivedOn: '2026-02-01' })).toBe(a);
    expect(selectDefinition([a, b], { caseType: 'petition', receivedOn: '2026-02-01' })).toBe(a);
  });

  it('rejects malformed receipt dates', () => {
    expect(() => selectDefinition(all, { caseType: 'complaint_first', receivedOn: '01/07/2026' })).toThrow(RangeError);
    expect(() => selectDefinition(all, { caseType: 'complaint_first', receivedOn: '2026-02-30' })).toThrow(RangeError);
  });
});

describe('isEffectiveOn', () => {
  it('treats effectiveFrom as inclusive and effectiveTo as exclusive', () => {
    expect(isEffectiveOn(oldLaw, '2012-07-01')).toBe(true);
    expect(isEffectiveOn(oldLaw, '2026-06-30')).toBe(true);
    expect(isEffectiveOn(oldLaw, '2026-07-01')).toBe(false);
    expect(isEffectiveOn(newLaw, '9999-12-31')).toBe(true);
  });
});

describe('latestEffective (the one selection rule, ADR 0022)', () => {
  it('picks the highest version effective on the day among those that match, ties to the smallest key', () => {
    const v1 = def('complaint-first', 1, 'complaint_first', '2012-07-01', '2026-07-01');
    const v2 = def('complaint-first', 2, 'complaint_first', '2026-07-01');
    const other = def('agency-complaint', 2, 'complaint_first', '2026-01-01');
    const byKey = (k: string) => (d: ProcessDefinition) => d.key === k;
    // The worker's call-activity resolution (activities/process.ts resolveDefinition): by key.
    expect(latestEffective([v1, v2, other], '2026-06-30', byKey('complaint-first'))).toBe(v1);
    expect(latestEffective([v2, v1, other], '2026-07-01', byKey('complaint-first'))).toBe(v2);
    expect(latestEffective([v1, v2], '2012-06-30', byKey('complaint-first'))).toBeUndefined();
    // The case start (api/services/case-start.ts, via selectDefinition): by case type, the key breaks the tie.
    expect(latestEffective([v2, other], '2026-07-01')).toBe(other);
    expect(latestEffective([other, v2], '2026-07-01')).toBe(other);
    // Input order never matters; the same key and version listed twice: the first.
    const again = { ...v2 };
    expect(latestEffective([v2, again], '2026-08-01')).toBe(v2);
  });
});
