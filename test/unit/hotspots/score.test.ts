/**
 * Property tests of the detector's pure core (issue 15.7, ADR 0034): clusters do not depend on the order
 * items arrive in; a cluster's level never exceeds what its items justify (checked against a brute-force
 * recount), and is reached; folding items in one at a time (the incremental update) equals detecting
 * over all of them (the full recompute); the explanation's crossings agree with the level.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HOTSPOT_CONFIG, LEVELS, levelRank, type HotspotConfig } from '../../../hotspots/config.js';
import {
  clustersOf,
  crossings,
  detect,
  parseClusterKey,
  scoreCluster,
  weightOf,
  type DetectorItem,
} from '../../../hotspots/score.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 6, 1);

const item: fc.Arbitrary<DetectorItem> = fc.record({
  kind: fc.constantFrom(
    'case' as const,
    'visit' as const,
    'delegation' as const,
    'matter' as const,
    'central_gathering' as const,
  ),
  id: fc.uuid(),
  at: fc.integer({ min: 0, max: 200 }).map((d) => T0 + d * DAY + 3_600_000),
  provinceCode: fc.constantFrom('01', '79'),
  communeCode: fc.constantFrom(null, '00070', '00073'),
  sector: fc.constantFrom(null, 'land', 'environment'),
  respondent: fc.constantFrom(null, 'agency:ubnd-xa-a', 'name:nguyen van a'),
  mass: fc.boolean(),
  agencyId: fc.constantFrom('so-tnmt', 'ubnd-xa-b'),
});

const config: fc.Arbitrary<HotspotConfig> = fc
  .record({
    d1: fc.integer({ min: 1, max: 60 }),
    d2: fc.integer({ min: 61, max: 180 }),
    t: fc.array(fc.integer({ min: 1, max: 15 }), { minLength: 3, maxLength: 3 }),
    w: fc.array(fc.constantFrom(0.5, 1, 2, 3, 5), { minLength: 8, maxLength: 8 }),
  })
  .map(({ d1, d2, t, w }) => {
    const [a, b, c] = [...t].sort((x, y) => x - y) as [number, number, number];
    return {
      windows: [
        { days: d1, thresholds: { watch: a, warning: b, hot: c } },
        { days: d2, thresholds: { watch: a * 2, warning: b * 2, hot: c * 2 } },
      ],
      weights: {
        case: w[0]!,
        massCase: w[1]!,
        visit: w[2]!,
        massVisit: w[3]!,
        matter: w[4]!,
        massMatter: w[5]!,
        centralGathering: w[6]!,
        delegation: w[7]!,
      },
      scale: { place_sector_respondent: 1, place_sector: 1.5, place: 3 },
    };
  });

/** The level of a cluster by brute force: every window ending at the newest item, every level's threshold. */
function bruteLevel(items: DetectorItem[], key: string, c: HotspotConfig): number {
  const mine = items.filter((i) => clustersOf(i).some((r) => r.key === key));
  const end = Math.max(...mine.map((i) => i.at));
  const g = parseClusterKey(key).granularity;
  let best = 0;
  for (const w of c.windows) {
    const sum = mine.filter((i) => i.at > end - w.days * DAY && i.at <= end).reduce((s, i) => s + weightOf(i, c), 0);
    LEVELS.forEach((l, idx) => {
      if (sum + 1e-9 >= w.thresholds[l] * c.scale[g]) best = Math.max(best, idx + 1);
    });
  }
  return best;
}

const plain = (m: ReturnType<typeof detect>) =>
  [...m.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => [k, v.level, v.scores, v.itemCount, v.lastAt]);

describe('hotspot detector core', () => {
  it('clusters do not depend on the order items arrive in', () => {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 60 }), config, fc.nat(), (items, c, seed) => {
        const shuffled = fc.sample(fc.shuffledSubarray(items, { minLength: items.length }), { numRuns: 1, seed })[0]!;
        expect(plain(detect(shuffled, c))).toEqual(plain(detect(items, c)));
      }),
      { numRuns: 200 },
    );
  });

  it("a cluster's level is exactly what its items justify (never more, never less)", () => {
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 60 }), config, (items, c) => {
        for (const [key, cl] of detect(items, c)) expect(levelRank(cl.level)).toBe(bruteLevel(items, key, c));
      }),
      { numRuns: 200 },
    );
  });

  it('folding items in one at a time (incremental) equals detecting over all of them (full recompute)', () => {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 50 }), config, (items, c) => {
        // The incremental path rescoring only the clusters of each new item, as db/hotspots.ts does.
        const byKey = new Map<string, { at: number; weight: number }[]>();
        const state = new Map<string, ReturnType<typeof scoreCluster>>();
        for (const it of items) {
          for (const ref of clustersOf(it)) {
            const list = byKey.get(ref.key) ?? [];
            list.push({ at: it.at, weight: weightOf(it, c) });
            byKey.set(ref.key, list);
            state.set(ref.key, scoreCluster(list, ref.granularity, c));
          }
        }
        const full = detect(items, c);
        expect(new Set(state.keys())).toEqual(new Set(full.keys()));
        for (const [k, s] of state) {
          const f = full.get(k)!;
          expect([s.level, s.scores, s.itemCount, s.lastAt]).toEqual([f.level, f.scores, f.itemCount, f.lastAt]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("the explanation's crossings are ordered, justified by their window's score, and reach the level's peak", () => {
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 60 }), config, (items, c) => {
        for (const [key, cl] of detect(items, c)) {
          const mine = items.filter((i) => clustersOf(i).some((r) => r.key === key));
          const xs = crossings(
            mine.map((i) => ({ at: i.at, weight: weightOf(i, c) })),
            cl.granularity,
            c,
          );
          xs.forEach((x, i) => {
            expect(x.level).toBe(LEVELS[i]);
            expect(x.score).toBeGreaterThanOrEqual(x.threshold - 1e-9);
            if (i > 0) expect(x.at).toBeGreaterThanOrEqual(xs[i - 1]!.at);
          });
          // The level now (at the newest item) was reached at some instant: the crossings include it.
          expect(xs.length).toBeGreaterThanOrEqual(levelRank(cl.level));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('a rising land dispute in one commune: 5 letters make a watch, 10 a warning, 20 hot (defaults)', () => {
    const c = DEFAULT_HOTSPOT_CONFIG;
    const letters = Array.from({ length: 20 }, (_, i) => ({
      kind: 'case' as const,
      id: `c${i}`,
      at: T0 + i * 3_600_000,
      provinceCode: '01',
      communeCode: '00070',
      sector: 'land',
      respondent: 'agency:ubnd-hoan-kiem',
      mass: false,
      agencyId: 'so-tnmt',
    }));
    const levelAfter = (n: number) =>
      detect(letters.slice(0, n), c).get('pl:01/00070|s:land|r:agency:ubnd-hoan-kiem')?.level;
    expect([4, 5, 9, 10, 19, 20].map(levelAfter)).toEqual([null, 'watch', 'watch', 'warning', 'warning', 'hot']);
    // A mass letter weighs 3.
    expect(weightOf({ kind: 'case', mass: true }, c)).toBe(3);
  });

  it('cluster keys read back', () => {
    fc.assert(
      fc.property(item, (it) => {
        for (const ref of clustersOf(it)) expect(parseClusterKey(ref.key)).toEqual(ref);
      }),
    );
  });
});
