/**
 * The pure scoring core of the hotspot detector (issue 15.4, ADR 0034). No I/O, no clock: a cluster's
 * score and level are a function of the SET of its items (order independent), evaluated over windows
 * that end at the cluster's newest item, so the incremental update (db/hotspots.ts, one cluster at a time
 * in the intake transaction) and the full recompute agree by construction — the property tests check it
 * (test/unit/hotspots/score.test.ts).
 */
import { GRANULARITIES, LEVELS, levelRank, type Granularity, type HotspotConfig, type Level } from './config.js';

/** `delegation`: a visit that is a delegation (ADR 0036), weighed above a mass visit. */
export type ItemKind = 'case' | 'visit' | 'delegation' | 'matter' | 'central_gathering';

/** What the detector knows of a case, visit or matter. */
export interface DetectorItem {
  kind: ItemKind;
  id: string;
  /** Epoch ms: when it was received. */
  at: number;
  provinceCode: string;
  communeCode: string | null;
  sector: string | null;
  /** The normalised respondent key (hotspots/respondent.ts), or null. */
  respondent: string | null;
  /** A mass item: 5 or more signers / visitors (representatives rule of the sources). */
  mass: boolean;
  /** The agency that received it (scopes who sees the cluster). */
  agencyId: string;
}

/** A cluster a item belongs to. */
export interface ClusterRef {
  key: string;
  granularity: Granularity;
  provinceCode: string;
  communeCode: string | null;
  sector: string | null;
  respondent: string | null;
}

/** The place part of a key: the province, and the commune when known. */
export function placeKey(provinceCode: string, communeCode: string | null): string {
  return communeCode ? `pl:${provinceCode}/${communeCode}` : `pl:${provinceCode}`;
}

/** A cluster key read back (the inverse of {@link clustersOf}'s keys). */
export function parseClusterKey(key: string): ClusterRef {
  const [place = '', ...rest] = key.split('|');
  const [provinceCode = '', communeCode] = place.slice(3).split('/');
  const sector = rest.find((p) => p.startsWith('s:'))?.slice(2) ?? null;
  const r = rest.find((p) => p.startsWith('r:'));
  const respondent = r ? key.slice(key.indexOf('|r:') + 3) : null;
  const granularity: Granularity = respondent ? 'place_sector_respondent' : sector ? 'place_sector' : 'place';
  return { key, granularity, provinceCode, communeCode: communeCode ?? null, sector, respondent };
}

/** The clusters of an item: (place, sector, respondent), (place, sector), (place) — those its data allows. */
export function clustersOf(item: Omit<DetectorItem, 'kind' | 'id' | 'at' | 'mass' | 'agencyId'>): ClusterRef[] {
  const place = placeKey(item.provinceCode, item.communeCode);
  const base = { provinceCode: item.provinceCode, communeCode: item.communeCode };
  const out: ClusterRef[] = [];
  if (item.sector && item.respondent)
    out.push({
      key: `${place}|s:${item.sector}|r:${item.respondent}`,
      granularity: 'place_sector_respondent',
      ...base,
      sector: item.sector,
      respondent: item.respondent,
    });
  if (item.sector)
    out.push({
      key: `${place}|s:${item.sector}`,
      granularity: 'place_sector',
      ...base,
      sector: item.sector,
      respondent: null,
    });
  out.push({ key: place, granularity: 'place', ...base, sector: null, respondent: null });
  return out;
}

/** The weight of an item under `config` (a plain letter 1 by default). */
export function weightOf(item: Pick<DetectorItem, 'kind' | 'mass'>, config: HotspotConfig): number {
  const w = config.weights;
  switch (item.kind) {
    case 'case':
      return item.mass ? w.massCase : w.case;
    case 'visit':
      return item.mass ? w.massVisit : w.visit;
    case 'delegation':
      return w.delegation;
    case 'matter':
      return item.mass ? w.massMatter : w.matter;
    case 'central_gathering':
      return w.centralGathering;
  }
}

const DAY = 86_400_000;

/** A weighted item of one cluster. */
export interface Weighted {
  at: number;
  weight: number;
}

/** Scores of a cluster: per window (days → weighted sum of the items within it, ending at `lastAt`). */
export interface ClusterScore {
  lastAt: number;
  /** Items within the longest window ending at `lastAt`. */
  itemCount: number;
  /** Window length in days (as a string key) → score. */
  scores: Record<string, number>;
  level: Level | null;
}

/** The level the window scores justify for a granularity: the highest threshold any window reaches. */
export function levelOf(scores: Record<string, number>, granularity: Granularity, config: HotspotConfig): Level | null {
  let best = 0;
  for (const w of config.windows) {
    const s = scores[String(w.days)] ?? 0;
    LEVELS.forEach((l, i) => {
      if (s >= w.thresholds[l] * config.scale[granularity] && i + 1 > best) best = i + 1;
    });
  }
  return best === 0 ? null : LEVELS[best - 1]!;
}

/** Window scores of items ending at `end` (items after `end` are not counted). */
export function windowScores(items: readonly Weighted[], end: number, config: HotspotConfig): Record<string, number> {
  const out: Record<string, number> = {};
  for (const w of config.windows) {
    let s = 0;
    for (const it of items) if (it.at <= end && it.at > end - w.days * DAY) s += it.weight;
    out[String(w.days)] = round(s);
  }
  return out;
}

/** Sums of float weights are compared to thresholds: rounded to 1e-9 so the order of addition never matters. */
function round(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

/** A cluster's score and level from its items (any order). */
export function scoreCluster(
  items: readonly Weighted[],
  granularity: Granularity,
  config: HotspotConfig,
): ClusterScore {
  const lastAt = items.reduce((m, i) => Math.max(m, i.at), -Infinity);
  const scores = windowScores(items, lastAt, config);
  const longest = longestWindowDays(config) * DAY;
  const itemCount = items.filter((i) => i.at > lastAt - longest).length;
  return { lastAt, itemCount, scores, level: items.length ? levelOf(scores, granularity, config) : null };
}

/** The longest window (days): items older than it (before the newest item) no longer count. */
export function longestWindowDays(config: HotspotConfig): number {
  return Math.max(...config.windows.map((w) => w.days));
}

/** Full detection: every cluster of `items` with its score (clusters below watch included, level null). */
export function detect(items: readonly DetectorItem[], config: HotspotConfig): Map<string, ClusterScore & ClusterRef> {
  const groups = new Map<string, { ref: ClusterRef; items: Weighted[] }>();
  for (const it of items) {
    const weight = weightOf(it, config);
    for (const ref of clustersOf(it)) {
      let g = groups.get(ref.key);
      if (!g) groups.set(ref.key, (g = { ref, items: [] }));
      g.items.push({ at: it.at, weight });
    }
  }
  const out = new Map<string, ClusterScore & ClusterRef>();
  for (const [key, g] of groups) out.set(key, { ...g.ref, ...scoreCluster(g.items, g.ref.granularity, config) });
  return out;
}

/** When a cluster first reached a level: the window and threshold it crossed, and its score then. */
export interface Crossing {
  level: Level;
  /** Epoch ms: the receipt of the item that brought the window's score to the threshold. */
  at: number;
  windowDays: number;
  threshold: number;
  score: number;
}

/**
 * The explanation of a cluster's level: for each level it reached, the first item instant at which
 * some window (ending then) held enough weight — which threshold, in which window, with what score.
 * Evaluated on the items' own receipt instants, so it is as order independent as the level itself.
 */
export function crossings(items: readonly Weighted[], granularity: Granularity, config: HotspotConfig): Crossing[] {
  const times = [...new Set(items.map((i) => i.at))].sort((a, b) => a - b);
  const out: Crossing[] = [];
  let reached = 0;
  for (const t of times) {
    const scores = windowScores(items, t, config);
    for (const [i, l] of LEVELS.entries()) {
      if (i + 1 <= reached) continue;
      // The shortest window that reaches the level (the most pressing reason).
      const w = config.windows
        .filter((x) => (scores[String(x.days)] ?? 0) >= x.thresholds[l] * config.scale[granularity])
        .sort((a, b) => a.days - b.days)[0];
      if (!w) break;
      out.push({
        level: l,
        at: t,
        windowDays: w.days,
        threshold: round(w.thresholds[l] * config.scale[granularity]),
        score: scores[String(w.days)]!,
      });
      reached = i + 1;
    }
    if (reached === LEVELS.length) break;
  }
  return out;
}

export { GRANULARITIES, LEVELS, levelRank };
export type { Granularity, Level };
