import { describe, expect, it } from 'vitest';
import { deadlineCoverage } from '../../../processes/builtin/index.js';
import { clockOf, DEFS } from './helpers.js';

/** Every row of the master deadline table, spec §2.1-§2.3 (shared/domain/lifecycle-spec.md). */
const MASTER_ROWS = [
  'K1',
  'K1a',
  'K2',
  'K3',
  'K3a',
  'K3b',
  'K4',
  'K5',
  'K6',
  'K7',
  'K8',
  'K9',
  'K9a',
  'K10',
  'K11',
  'K11a',
  'K11b',
  'K11c',
  'K12',
  'K13',
  'K14',
  'K15',
  'K16',
  'K17',
  'K-D1',
  'K-D2',
  'K-D3',
  'K-D4',
  'T1',
  'T1a',
  'T2',
  'T3',
  'T4',
  'T5',
  'T5a',
  'T5b',
  'T6',
  'T7',
  'T8',
  'T8a',
  'T9',
  'T9a',
  'T9b',
  'T10',
  'T11',
  'T11a',
  'T12',
  'C1',
  'C2',
  'C3',
  'C4',
  'C4a',
  'C5',
  'C6',
  'C7',
  'C8',
];

describe('deadlineCoverage', () => {
  it('mentions every row of the master table exactly once, in order', () => {
    expect(deadlineCoverage.map((r) => r.row)).toEqual(MASTER_ROWS);
  });

  it('every row cites its article; rows without a clock say why', () => {
    for (const r of deadlineCoverage) {
      expect(r.legalBasis, r.row).toBeTruthy();
      if (r.status !== 'clock') expect(r.note, `${r.row} explains why it has no clock`).toBeTruthy();
      if (r.status === 'clock' || r.status === 'check')
        expect(r.refs.length, `${r.row} names its nodes`).toBeGreaterThan(0);
    }
  });

  it.each(deadlineCoverage.filter((r) => r.refs.length > 0).map((r) => [r.row, r] as const))(
    '%s: every referenced node exists and carries the named clock',
    (_row, r) => {
      for (const ref of r.refs) {
        for (const version of ref.versions) {
          const d = DEFS.find((x) => x.key === ref.key && x.version === version);
          expect(d, `${ref.key} v${version}`).toBeDefined();
          const n = d!.nodes.find((x) => x.id === ref.node);
          expect(n, `${ref.key} v${version} node ${ref.node}`).toBeDefined();
          if (ref.ruleId) expect(clockOf(n!)?.ruleId, `${ref.key} v${version} ${ref.node}`).toBe(ref.ruleId);
        }
      }
    },
  );

  it('every clock of every definition is accounted for by some row', () => {
    const covered = new Set(deadlineCoverage.flatMap((r) => r.refs.flatMap((ref) => (ref.ruleId ? [ref.ruleId] : []))));
    const used = new Set(DEFS.flatMap((d) => d.nodes.flatMap((n) => clockOf(n)?.ruleId ?? [])));
    expect([...used].filter((id) => !covered.has(id))).toEqual([]);
  });
});
