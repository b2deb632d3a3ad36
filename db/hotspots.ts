/**
 * The hotspot detector's storage (issue 15.4, ADR 0034).
 *
 * - {@link ingestHotspotItems}: the incremental update, called in the transaction that records a case
 *   (db/case-intake.ts) or a visit: the item's cluster rows, then each of its (at most 3) clusters
 *   rescored from its window (an index range scan), levels from the pure core (hotspots/score.ts);
 *   a rise is a history row, an outbox event and a notification to the area's supervisors.
 * - {@link createHotspotStore}.recompute: the full recompute from every item, the same scoring (the
 *   level of a cluster is a function of its item set), applied with the same transitions.
 * - Reading (list, detail with the explanation) and the lifecycle (acknowledge, close).
 *
 * Concurrency: every update of a cluster holds a transaction-level advisory lock on its key (two intakes
 * of one commune serialise; others do not wait), under a shared lock the full recompute takes exclusively.
 */
import { randomUUID } from 'node:crypto';
import { GRANULARITIES, type HotspotConfig, levelRank, type Level } from '../hotspots/config.js';
import {
  clustersOf,
  crossings,
  levelOf,
  longestWindowDays,
  parseClusterKey,
  weightOf,
  type DetectorItem,
  type ItemKind,
} from '../hotspots/score.js';
import { appendEvents, registerEventType, type NewEvent } from './events.js';
import {
  COUNTER_COLUMNS,
  counterOf,
  dayOf,
  INGEST_SQL,
  RECOMPUTE_LOCK,
  recentOf,
  recomputeSql,
  rebuildCountersSql,
  scoreClustersSql,
  storeRecentSql,
} from './hotspot-scoring.js';
import type { Db } from './knex.js';
import { prepared } from './prepared.js';

export const HOTSPOT_EVENT_TYPES = {
  raised: 'vn.kntc.hotspot.raised',
  levelChanged: 'vn.kntc.hotspot.level_changed',
  acknowledged: 'vn.kntc.hotspot.acknowledged',
  closed: 'vn.kntc.hotspot.closed',
} as const;
for (const t of Object.values(HOTSPOT_EVENT_TYPES)) registerEventType(t);

/** Notification kinds of a hotspot (notifications/templates.ts). */
export const HOTSPOT_NOTIFICATION_KINDS = { raised: 'hotspot_raised', levelChanged: 'hotspot_level_changed' } as const;

interface ScoredRow {
  cluster_key: string;
  last_at: Date;
  n: string | number;
  [w: string]: unknown;
}

/** A cluster rescored: its window scores and the level they justify. */
export interface Scored {
  key: string;
  lastAt: Date;
  itemCount: number;
  scores: Record<string, number>;
  level: Level | null;
}

function scoredOf(r: ScoredRow, c: HotspotConfig): Scored {
  const scores: Record<string, number> = {};
  for (const w of c.windows) scores[String(w.days)] = Math.round(Number(r[`w${w.days}`]) * 1e9) / 1e9;
  return {
    key: r.cluster_key,
    lastAt: r.last_at,
    itemCount: Number(r.n),
    scores,
    level: levelOf(scores, parseClusterKey(r.cluster_key).granularity, c),
  };
}

/** A change of a cluster's level or status made by an update. */
export interface HotspotChange {
  hotspotId: string;
  clusterKey: string;
  from: Level | null;
  to: Level | null;
  /** `raised`: a new hotspot; `level_changed`: rose or fell; `reopened`: a closed one rose above its level. */
  action: 'raised' | 'level_changed' | 'reopened';
  rising: boolean;
}

interface HotspotRow {
  id: string;
  cluster_key: string;
  granularity: string;
  province_code: string;
  commune_code: string | null;
  sector: string | null;
  respondent_key: string | null;
  level: Level | null;
  level_rank: number;
  scores: Record<string, number>;
  item_count: number;
  last_item_at: Date;
  agency_ids: string[];
  status: 'open' | 'acknowledged' | 'closed';
  closed_rank: number | null;
  plan: Record<string, unknown> | null;
  close_reason: string | null;
  raised_at: Date;
  level_changed_at: Date;
  updated_at: Date;
}

/** Supervisors (role `supervisor`, active) of the given agencies and every agency above them. */
async function areaSupervisors(trx: Db, agencies: readonly string[]): Promise<string[]> {
  const r = await trx.raw<{ rows: Array<{ person_id: string }> }>(
    `WITH RECURSIVE up AS (
       SELECT id, parent_id, 0 AS depth FROM agencies WHERE id = ANY(?::text[])
       UNION SELECT a.id, a.parent_id, up.depth + 1 FROM agencies a JOIN up ON a.id = up.parent_id WHERE up.depth < 32
     )
     SELECT DISTINCT s.person_id FROM agency_staff s JOIN people p ON p.id = s.person_id AND p.active
      WHERE s.agency_id IN (SELECT id FROM up) AND 'supervisor' = ANY(s.roles)
      ORDER BY s.person_id`,
    [[...agencies]],
  );
  return r.rows.map((x) => x.person_id);
}

/** A rise to announce: the change, the agencies of its hotspot's items and the newest case of its cluster. */
interface Rise {
  change: HotspotChange;
  agencyIds: readonly string[];
  newestCase: string | null;
}

/** The rises a hotspot notification announces (its `detail.rises`, kept out of any index). */
export interface NotifiedRise {
  hotspotId: string;
  level: Level | null;
  action: HotspotChange['action'];
}

/**
 * The notifications of the rises of one update (ADR 0034): each supervisor of an area is told once per set of
 * rises — a supervisor above several agencies of a hotspot, or concerned by the nested clusters one intake
 * raises together, gets one message, not one per agency or cluster. Supervisors concerned by the same rises
 * share one `case_notifications` row (kind `hotspot_raised` when any of them is new, else
 * `hotspot_level_changed`). It is about the newest case of those rises when one has a case; else (a cluster
 * raised by visits, delegations or central gatherings only) about the hotspot itself (subject `hotspot`, linked
 * to GET /v1/hotspots/:id). Its `idem_key` is bounded (`hotspot:<id>`; a recompute after a configuration change
 * may raise hundreds of clusters at once, beyond a btree entry): the rises are in `detail`. Answers the ids, to
 * start after the commit.
 */
async function notifySupervisors(trx: Db, rises: readonly Rise[]): Promise<string[]> {
  const byPerson = new Map<string, Rise[]>();
  for (const r of rises)
    for (const p of await areaSupervisors(trx, r.agencyIds)) byPerson.set(p, [...(byPerson.get(p) ?? []), r]);
  const groups = new Map<string, { people: string[]; rises: Rise[] }>();
  for (const [person, mine] of byPerson) {
    const key = mine.map((r) => r.change.hotspotId).join(',');
    const g = groups.get(key) ?? { people: [], rises: mine };
    g.people.push(person);
    groups.set(key, g);
  }
  const ids: string[] = [];
  for (const g of groups.values()) {
    const id = `ntf-${randomUUID()}`;
    const raised = g.rises.some((r) => r.change.action === 'raised');
    const withCase = g.rises.filter((r) => r.newestCase !== null).at(-1);
    // Without a case: about the highest (then last) rise's hotspot.
    const top = g.rises.reduce((a, r) => (levelRank(r.change.to) >= levelRank(a.change.to) ? r : a));
    const ref = parseClusterKey(top.change.clusterKey);
    const notified: NotifiedRise[] = g.rises.map((r) => ({
      hotspotId: r.change.hotspotId,
      level: r.change.to,
      action: r.change.action,
    }));
    await trx('case_notifications').insert({
      id,
      ...(withCase
        ? { case_id: withCase.newestCase, subject_kind: 'case', subject_id: withCase.newestCase }
        : { case_id: null, subject_kind: 'hotspot', subject_id: top.change.hotspotId }),
      agency_id: withCase ? null : (top.agencyIds[0] ?? null),
      idem_key: `hotspot:${id}`,
      node_id: null,
      kind: raised ? HOTSPOT_NOTIFICATION_KINDS.raised : HOTSPOT_NOTIFICATION_KINDS.levelChanged,
      recipients: [...g.people].sort().map((p) => `person:${p}`),
      // What the message says of a hotspot: its place, sector and level, never a respondent (a person may be named).
      detail: JSON.stringify({
        subject: 'hotspot',
        hotspotId: top.change.hotspotId,
        path: `/v1/hotspots/${top.change.hotspotId}`,
        reference: ref.communeCode ? `${ref.provinceCode}/${ref.communeCode}` : ref.provinceCode,
        provinceCode: ref.provinceCode,
        communeCode: ref.communeCode,
        sector: ref.sector,
        level: top.change.to,
        granularity: ref.granularity,
        riseCount: notified.length,
        rises: notified,
      }),
    });
    ids.push(id);
  }
  return ids;
}

/**
 * Applies rescored clusters: new rows for clusters that reached a level, updates of existing ones (scores,
 * level, status), a history row per level change, and for each rise an outbox event and a notification to
 * the supervisors of the area (a `case_notifications` row naming them, about the newest case of the
 * cluster, or the hotspot when it has no case; its delivery is started by the caller once the transaction
 * commits). Events go last.
 */
async function applyScored(
  trx: Db,
  scored: readonly Scored[],
  agencies: { add?: ReadonlyMap<string, readonly string[]>; set?: ReadonlyMap<string, readonly string[]> },
  ctx: { trigger?: { kind: ItemKind; id: string; agencyId: string } | undefined; deferEvents?: boolean | undefined },
): Promise<{ changes: HotspotChange[]; notifications: string[]; events: NewEvent[] }> {
  if (scored.length === 0) return { changes: [], notifications: [], events: [] };
  const existing = new Map(
    (
      await trx<HotspotRow>('hotspots')
        .whereIn(
          'cluster_key',
          scored.map((s) => s.key),
        )
        .forUpdate()
        .select('*')
    ).map((r) => [r.cluster_key, r]),
  );
  const changes: HotspotChange[] = [];
  const history: Array<Record<string, unknown>> = [];
  const now = new Date();
  for (const s of scored) {
    const row = existing.get(s.key);
    const rank = levelRank(s.level);
    const union = (base: readonly string[]) => {
      const set = agencies.set?.get(s.key);
      if (set) return [...new Set(set)].sort();
      return [...new Set([...base, ...(agencies.add?.get(s.key) ?? [])])].sort();
    };
    if (!row) {
      if (rank === 0) continue;
      const ref = parseClusterKey(s.key);
      const id = `hs-${randomUUID()}`;
      await trx('hotspots').insert({
        id,
        cluster_key: s.key,
        granularity: ref.granularity,
        province_code: ref.provinceCode,
        commune_code: ref.communeCode,
        sector: ref.sector,
        respondent_key: ref.respondent,
        level: s.level,
        level_rank: rank,
        scores: JSON.stringify(s.scores),
        item_count: s.itemCount,
        last_item_at: s.lastAt,
        agency_ids: union([]),
        status: 'open',
        raised_at: now,
        level_changed_at: now,
      });
      history.push({
        hotspot_id: id,
        action: 'raised',
        from_level: null,
        to_level: s.level,
        details: { scores: s.scores },
      });
      changes.push({ hotspotId: id, clusterKey: s.key, from: null, to: s.level, action: 'raised', rising: true });
      continue;
    }
    const levelChanged = rank !== row.level_rank;
    const reopen = row.status === 'closed' && rank > (row.closed_rank ?? 0);
    await trx('hotspots')
      .where({ id: row.id })
      .update({
        level: s.level,
        level_rank: rank,
        scores: JSON.stringify(s.scores),
        item_count: s.itemCount,
        last_item_at: s.lastAt,
        agency_ids: union(row.agency_ids),
        ...(levelChanged ? { level_changed_at: now } : {}),
        ...(reopen ? { status: 'open', closed_rank: null } : {}),
        updated_at: now,
      });
    if (levelChanged) {
      history.push({
        hotspot_id: row.id,
        action: 'level_changed',
        from_level: row.level,
        to_level: s.level,
        details: { scores: s.scores },
      });
    }
    if (reopen) history.push({ hotspot_id: row.id, action: 'reopened', from_level: row.level, to_level: s.level });
    if (levelChanged || reopen)
      changes.push({
        hotspotId: row.id,
        clusterKey: s.key,
        from: row.level,
        to: s.level,
        action: reopen ? 'reopened' : 'level_changed',
        rising: rank > row.level_rank || reopen,
      });
  }
  if (history.length > 0)
    await trx('hotspot_history').insert(
      history.map((h) => ({
        ...h,
        details: JSON.stringify(h.details ?? {}),
        actor: JSON.stringify({ type: 'system' }),
      })),
    );
  const events: NewEvent[] = [];
  const rises: Rise[] = [];
  for (const c of changes.filter((x) => x.rising)) {
    const row = await trx<HotspotRow>('hotspots').where({ id: c.hotspotId }).first('*');
    if (!row) continue;
    const ref = parseClusterKey(c.clusterKey);
    events.push({
      type: c.action === 'raised' ? HOTSPOT_EVENT_TYPES.raised : HOTSPOT_EVENT_TYPES.levelChanged,
      caseId: null,
      agencyId: ctx.trigger?.agencyId ?? row.agency_ids[0] ?? null,
      time: now.toISOString(),
      // References only: the respondent (a person may be named) stays behind the API's access rules.
      data: {
        hotspotId: c.hotspotId,
        granularity: ref.granularity,
        provinceCode: ref.provinceCode,
        communeCode: ref.communeCode,
        sector: ref.sector,
        from: c.from,
        level: c.to,
        reopened: c.action === 'reopened',
        scores: row.scores,
      },
    });
    // The newest case of the cluster carries the notification (its reference and link are the message's).
    const newestCase =
      ctx.trigger?.kind === 'case'
        ? ctx.trigger.id
        : (
            await trx('hotspot_items')
              .where({ cluster_key: c.clusterKey, item_kind: 'case' })
              .orderBy([
                { column: 'at', order: 'desc' },
                { column: 'item_id', order: 'asc' },
              ])
              .first<{ item_id: string } | undefined>('item_id')
          )?.item_id;
    rises.push({ change: c, agencyIds: row.agency_ids, newestCase: newestCase ?? null });
  }
  const notifications = await notifySupervisors(trx, rises);
  if (ctx.deferEvents) return { changes, notifications, events };
  if (events.length > 0) await appendEvents(trx, events);
  return { changes, notifications, events: [] };
}

/** Statement 2's text per configuration (generated once). */
const scoreSqlOf = new WeakMap<HotspotConfig, string>();

/** What an incremental update did: its level changes, the notifications to start after commit, and (with
 * `deferEvents`) the outbox events the caller appends last in its transaction. */
export interface IngestResult {
  changes: HotspotChange[];
  notifications: string[];
  events: NewEvent[];
}

/**
 * The incremental update for new items (a case, a visit, a central gathering), in the caller's transaction `trx`
 * (the intake write's own), in two statements whatever the number of items behind the clusters:
 *
 * 1. the detector's shared lock and each cluster's lock (key order), the item's cluster rows and, when they are
 *    new, the per-day counters and cluster totals (db/hotspot-scoring.ts `INGEST_SQL`);
 * 2. each cluster (at most 3 per item) scored from at most `longest window + 1` counter rows and the items of its
 *    windows' first days, and a hotspot row whose level is unchanged updated in place (`scoreClustersSql`).
 *
 * A level change (new hotspot, rise, fall, reopening: rare) then takes the general path (`applyScored`: row,
 * history, notification, event). Items without a place belong to no cluster. Lock order: these cluster locks and
 * hotspot rows come before the audit chain head, and events last: call it before any audit append of `trx` and
 * pass `deferEvents` to append the answered events after it (ADR 0034). Answers the changes and the
 * notifications to start once `trx` commits.
 */
export async function ingestHotspotItems(
  trx: Db,
  items: readonly DetectorItem[],
  config: HotspotConfig,
  opts: { deferEvents?: boolean } = {},
): Promise<IngestResult> {
  const rows = items.flatMap((it) =>
    clustersOf(it).map((ref) => ({
      cluster_key: ref.key,
      item_kind: it.kind,
      item_id: it.id,
      at: new Date(it.at).toISOString(),
      mass: it.mass,
      agency_id: it.agencyId,
      day: dayOf(it.at),
      counter: counterOf(it.kind, it.mass),
      g: GRANULARITIES.indexOf(ref.granularity),
    })),
  );
  if (rows.length === 0) return { changes: [], notifications: [], events: [] };
  const keys = [...new Set(rows.map((r) => r.cluster_key))].sort();
  // Named prepared statements (db/prepared.ts): parsed and planned once per connection, not per intake.
  await prepared(trx, INGEST_SQL, [keys, JSON.stringify(rows)], 'kntc_hotspot');
  const add = new Map<string, string[]>();
  for (const r of rows) add.set(r.cluster_key, [...new Set([...(add.get(r.cluster_key) ?? []), r.agency_id])]);
  let scoreSql = scoreSqlOf.get(config);
  if (scoreSql === undefined) scoreSqlOf.set(config, (scoreSql = scoreClustersSql(config)));
  const scored = await prepared<{ rows: Array<ScoredRow & { rank: number; applied: boolean; has_row: boolean }> }>(
    trx,
    scoreSql,
    [JSON.stringify(keys.map((key) => ({ key, agencies: add.get(key) ?? [] })))],
    'kntc_hotspot',
  );
  // The pure core decides the level; the statement's in-place update stands only where both agree.
  const rest = scored.rows
    .map((row) => ({ row, s: scoredOf(row, config) }))
    .filter(({ row, s }) => {
      const rank = levelRank(s.level);
      if (row.applied) return rank !== Number(row.rank);
      return row.has_row || rank > 0;
    })
    .map(({ s }) => s);
  const last = items[items.length - 1]!;
  return applyScored(
    trx,
    rest,
    { add },
    { trigger: { kind: last.kind, id: last.id, agencyId: last.agencyId }, deferEvents: opts.deferEvents },
  );
}

/** People at one visit from which it counts as a mass visit (as a mass letter: 5 or more). */
export const MASS_VISIT_MIN_PEOPLE = 5;

/**
 * A reception visit's place, sector and respondent (issue 15.4): written on its row and fed to the detector,
 * in the transaction that records the visit (call it right after `insertVisit`, with the fields checked by
 * db/places.ts `check`). A delegation weighs as one (kind `delegation`), a visit of 5 or more people as a mass
 * visit. Answers the changes and the notifications to start once `trx` commits; undefined when the visit does
 * not exist.
 */
export async function recordVisitPlace(
  trx: Db,
  v: {
    visitId: string;
    place: { provinceCode: string; communeCode: string | null };
    sector: string | null;
    respondentKey: string | null;
  },
  config: HotspotConfig,
  opts: { deferEvents?: boolean } = {},
): Promise<IngestResult | undefined> {
  const [row] = await trx('reception_visits')
    .where({ id: v.visitId })
    .update({
      place_province: v.place.provinceCode,
      place_commune: v.place.communeCode,
      sector: v.sector,
      respondent_key: v.respondentKey,
    })
    .returning<Array<{ visited_at: Date; people_count: number; is_delegation: boolean; agency_id: string }>>([
      'visited_at',
      'people_count',
      'is_delegation',
      'agency_id',
    ]);
  if (!row) return undefined;
  return ingestHotspotItems(
    trx,
    [
      {
        kind: row.is_delegation ? 'delegation' : 'visit',
        id: v.visitId,
        at: row.visited_at.getTime(),
        provinceCode: v.place.provinceCode,
        communeCode: v.place.communeCode,
        sector: v.sector,
        respondent: v.respondentKey,
        mass: row.is_delegation || row.people_count >= MASS_VISIT_MIN_PEOPLE,
        agencyId: row.agency_id,
      },
    ],
    config,
    opts,
  );
}

/** A supervisor's change of a hotspot (ADR 0034): acknowledged with a plan, or closed with a reason. */
export type HotspotTransition =
  | { kind: 'acknowledged'; plan: { ownerPersonId: string; taskForceId: string | null; note: string | null } }
  | { kind: 'closed'; reason: string };

/** A hotspot as the API shows it (before instants are written in Vietnam time). */
export interface HotspotView {
  id: string;
  clusterKey: string;
  granularity: string;
  place: { provinceCode: string; communeCode: string | null };
  sector: string | null;
  respondent: string | null;
  level: Level | null;
  scores: Record<string, number>;
  itemCount: number;
  lastItemAt: string;
  status: 'open' | 'acknowledged' | 'closed';
  plan: Record<string, unknown> | null;
  closeReason: string | null;
  raisedAt: string;
  levelChangedAt: string;
  updatedAt: string;
}

function viewOf(r: HotspotRow): HotspotView {
  return {
    id: r.id,
    clusterKey: r.cluster_key,
    granularity: r.granularity,
    place: { provinceCode: r.province_code, communeCode: r.commune_code },
    sector: r.sector,
    respondent: r.respondent_key,
    level: r.level,
    scores: r.scores,
    itemCount: r.item_count,
    lastItemAt: r.last_item_at.toISOString(),
    status: r.status,
    plan: r.plan,
    closeReason: r.close_reason,
    raisedAt: r.raised_at.toISOString(),
    levelChangedAt: r.level_changed_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export interface HotspotListQuery {
  agencies: readonly string[];
  level?: Level | undefined;
  status?: 'open' | 'acknowledged' | 'closed' | undefined;
  provinceCode?: string | undefined;
  communeCode?: string | undefined;
  sector?: string | undefined;
  granularity?: string | undefined;
  /** Raised (first reached a level) in `[raisedFrom, raisedTo)`. */
  raisedFrom?: string | undefined;
  raisedTo?: string | undefined;
  /** `false`: open or acknowledged; `true`: closed. */
  closed?: boolean | undefined;
  /** Also the hotspots with no level now (fell below watch since they were raised). */
  includeFallen?: boolean | undefined;
  after?: { rank: number; at: string; id: string } | undefined;
  limit: number;
}

/** A case behind a hotspot (within the reader's subtree). */
export interface HotspotCase {
  id: string;
  reference: string | null;
  agencyId: string;
  receivedAt: string;
  mass: boolean;
}

export function createHotspotStore(db: Db, config: HotspotConfig) {
  /** Cases of the clusters within their longest window (newest first, `per` each), in `agencies` only. */
  async function casesOf(
    rows: readonly HotspotRow[],
    agencies: readonly string[],
    per: number,
  ): Promise<Map<string, HotspotCase[]>> {
    const out = new Map<string, HotspotCase[]>();
    if (rows.length === 0) return out;
    const longest = longestWindowDays(config);
    const r = await db.raw<{
      rows: Array<{
        cluster_key: string;
        item_id: string;
        reference: string | null;
        agency_id: string;
        at: Date;
        mass: boolean;
      }>;
    }>(
      `SELECT h.cluster_key, x.item_id, x.reference, x.agency_id, x.at, x.mass
         FROM unnest(?::text[], ?::timestamptz[]) AS h(cluster_key, last_at)
         CROSS JOIN LATERAL (
           SELECT i.item_id, c.reference, i.agency_id, i.at, i.mass FROM hotspot_items i
             LEFT JOIN cases c ON c.id = i.item_id
            WHERE i.cluster_key = h.cluster_key AND i.item_kind = 'case' AND i.agency_id = ANY(?::text[])
              AND i.at > h.last_at - make_interval(days => ${longest})
            ORDER BY i.at DESC, i.item_id LIMIT ${per}
         ) x`,
      [rows.map((x) => x.cluster_key), rows.map((x) => x.last_item_at.toISOString()), [...agencies]],
    );
    for (const x of r.rows) {
      const list = out.get(x.cluster_key) ?? [];
      list.push({
        id: x.item_id,
        reference: x.reference,
        agencyId: x.agency_id,
        receivedAt: x.at.toISOString(),
        mass: x.mass,
      });
      out.set(x.cluster_key, list);
    }
    return out;
  }

  return {
    config,
    /** Whether the hotspot exists and one of its items is of an agency in `agencies` (the scope check). */
    async visible(id: string, agencies: readonly string[]): Promise<boolean> {
      const r = await db('hotspots')
        .where({ id })
        .whereRaw('agency_ids && ?::text[]', [[...agencies]])
        .first('id');
      return Boolean(r);
    },

    /** Hotspots at a level (or closed/acknowledged ones at any) within `agencies`, highest level first. */
    async list(
      q: HotspotListQuery,
    ): Promise<Array<HotspotView & { cases: HotspotCase[]; sortKey: { rank: number; at: string } }>> {
      const rows = await db<HotspotRow>('hotspots')
        .whereRaw('agency_ids && ?::text[]', [[...q.agencies]])
        .modify((b) => {
          if (!q.includeFallen) b.whereNotNull('level');
          else b.whereNotNull('raised_at');
          if (q.raisedFrom) b.where('raised_at', '>=', q.raisedFrom);
          if (q.raisedTo) b.where('raised_at', '<', q.raisedTo);
          if (q.closed !== undefined) b.where('status', q.closed ? '=' : '<>', 'closed');
          if (q.level) b.where('level', q.level);
          if (q.status) b.where('status', q.status);
          if (q.provinceCode) b.where('province_code', q.provinceCode);
          if (q.communeCode) b.where('commune_code', q.communeCode);
          if (q.sector) b.where('sector', q.sector);
          if (q.granularity) b.where('granularity', q.granularity);
          if (q.after)
            b.whereRaw('(level_rank, last_item_at, id) < (?, ?::timestamptz, ?)', [
              q.after.rank,
              q.after.at,
              q.after.id,
            ]);
        })
        .orderBy([
          { column: 'level_rank', order: 'desc' },
          { column: 'last_item_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(q.limit)
        .select<HotspotRow[]>('*');
      const cases = await casesOf(rows, q.agencies, 20);
      return rows.map((r) => ({
        ...viewOf(r),
        cases: cases.get(r.cluster_key) ?? [],
        sortKey: { rank: r.level_rank, at: r.last_item_at.toISOString() },
      }));
    },

    /**
     * A hotspot with its explanation: the items behind it (newest first, at most 500; cases outside
     * `agencies` counted but not named), each with its weight, the threshold each level crossed and when
     * (hotspots/score.ts `crossings`, over the same items), and its lifecycle history.
     */
    async detail(id: string, agencies: readonly string[]) {
      const row = await db<HotspotRow>('hotspots').where({ id }).first('*');
      if (!row) return undefined;
      const ref = parseClusterKey(row.cluster_key);
      const items = await db('hotspot_items as i')
        .leftJoin('cases as c', 'c.id', 'i.item_id')
        .where('i.cluster_key', row.cluster_key)
        .orderBy([
          { column: 'i.at', order: 'desc' },
          { column: 'i.item_id', order: 'asc' },
          { column: 'i.item_kind', order: 'asc' },
        ])
        .limit(5000)
        .select<
          Array<{
            item_kind: ItemKind;
            item_id: string;
            at: Date;
            mass: boolean;
            agency_id: string;
            reference: string | null;
          }>
        >('i.item_kind', 'i.item_id', 'i.at', 'i.mass', 'i.agency_id', 'c.reference');
      const weighted = items.map((i) => ({
        at: i.at.getTime(),
        weight: weightOf({ kind: i.item_kind, mass: i.mass }, config),
      }));
      const longest = longestWindowDays(config) * 86_400_000;
      const end = row.last_item_at.getTime();
      const history = await db('hotspot_history').where({ hotspot_id: id }).orderBy('id').select<
        Array<{
          action: string;
          from_level: string | null;
          to_level: string | null;
          actor: unknown;
          details: unknown;
          at: Date;
        }>
      >('action', 'from_level', 'to_level', 'actor', 'details', 'at');
      return {
        ...viewOf(row),
        explanation: {
          config: {
            windows: config.windows.map((w) => ({
              days: w.days,
              thresholds: Object.fromEntries(
                Object.entries(w.thresholds).map(([l, t]) => [
                  l,
                  Math.round(t * config.scale[ref.granularity] * 1e9) / 1e9,
                ]),
              ),
            })),
            weights: config.weights,
          },
          windowEnd: row.last_item_at.toISOString(),
          crossings: crossings(weighted, ref.granularity, config).map((c) => ({
            ...c,
            at: new Date(c.at).toISOString(),
          })),
          items: items
            .filter((i) => i.at.getTime() > end - longest)
            .slice(0, 500)
            .map((i) => {
              const mine = agencies.includes(i.agency_id);
              return {
                kind: i.item_kind,
                id: mine ? i.item_id : null,
                reference: mine ? i.reference : null,
                agencyId: i.agency_id,
                at: i.at.toISOString(),
                mass: i.mass,
                weight: weightOf({ kind: i.item_kind, mass: i.mass }, config),
                inWindows: config.windows.filter((w) => i.at.getTime() > end - w.days * 86_400_000).map((w) => w.days),
              };
            }),
        },
        history: history.map((h) => ({
          action: h.action,
          from: h.from_level,
          to: h.to_level,
          actor: h.actor,
          details: h.details,
          at: h.at.toISOString(),
        })),
      };
    },

    /**
     * A supervisor's change of a hotspot: acknowledged with a plan (owner, task force, note), or closed with a
     * reason (only a rise above the level it was closed at reopens it). One path for both: the row is re-read
     * under `FOR UPDATE` in `trx` (a concurrent acknowledgement, closure or rise is seen, never overwritten), then
     * written with its history row. Audited by the caller in `trx` (the event goes last). Answers the hotspot
     * before and after; `closed` when it already is; undefined when missing.
     */
    async transition(
      trx: Db,
      id: string,
      change: HotspotTransition,
      actor: unknown,
    ): Promise<{ before: HotspotView; after: HotspotView } | 'closed' | undefined> {
      const row = await trx<HotspotRow>('hotspots').where({ id }).forUpdate().first('*');
      if (!row) return undefined;
      if (row.status === 'closed') return 'closed';
      const now = new Date();
      const cols =
        change.kind === 'acknowledged'
          ? { status: 'acknowledged', plan: JSON.stringify({ ...change.plan, acknowledgedAt: now.toISOString() }) }
          : { status: 'closed', closed_rank: row.level_rank, close_reason: change.reason };
      const [after] = await trx('hotspots')
        .where({ id })
        .update({ ...cols, updated_at: now })
        .returning('*');
      await trx('hotspot_history').insert({
        hotspot_id: id,
        action: change.kind,
        from_level: row.level,
        to_level: row.level,
        actor: JSON.stringify(actor),
        details: JSON.stringify(change.kind === 'acknowledged' ? change.plan : { reason: change.reason }),
      });
      return { before: viewOf(row), after: viewOf(after as HotspotRow) };
    },

    /** The lifecycle event of an acknowledgement or closure (append last in its transaction). */
    lifecycleEvent(kind: 'acknowledged' | 'closed', v: HotspotView, agencyId: string | null): NewEvent {
      return {
        type: HOTSPOT_EVENT_TYPES[kind],
        caseId: null,
        agencyId,
        time: new Date().toISOString(),
        data: {
          hotspotId: v.id,
          level: v.level,
          status: v.status,
          granularity: v.granularity,
          ...v.place,
          sector: v.sector,
        },
      };
    },

    /**
     * The full recompute: every cluster that can be at a level under the configuration in force (its all-time
     * weight reaches the lowest threshold of its granularity) or has a row, scored from its counters in one
     * statement that answers only the clusters whose row differs (db/hotspot-scoring.ts `recomputeSql`); then
     * the same transitions as the incremental update for those. Holds the detector's lock exclusively
     * (intakes that touch clusters wait for it). `dryRun`: computes and compares, writes nothing.
     */
    async recompute(opts: { dryRun?: boolean; trx?: Db } = {}): Promise<{
      clusters: number;
      atLevel: number;
      changed: HotspotChange[];
      differences: Array<{ key: string; stored: Level | null; computed: Level | null }>;
      notifications: string[];
      /** The feed events, when run in the caller's transaction (appended by the caller after its audit entry). */
      events: NewEvent[];
      ms: number;
    }> {
      const t0 = performance.now();
      // In the caller's transaction when given (its audit entry commits with the effects), else its own.
      const within = <T>(f: (trx: Db) => Promise<T>): Promise<T> => (opts.trx ? f(opts.trx) : db.transaction(f));
      return within(async (trx) => {
        await trx.raw(`SELECT pg_advisory_xact_lock(${RECOMPUTE_LOCK})`);
        const r = await trx.raw<{
          rows: Array<ScoredRow & { rank: number; dirty: boolean; stale: boolean; n_all: string; at_level: string }>;
        }>(recomputeSql(config));
        const total = Number(r.rows[0]?.n_all ?? 0);
        const atLevelSql = Number(r.rows[0]?.at_level ?? 0);
        const answered = r.rows.filter((row) => row.cluster_key !== null);
        const stale = answered.filter((row) => row.stale);
        if (!opts.dryRun && stale.length > 0) {
          // Recent counts of another longest window (a configuration change): stored for the next bound.
          const cols = COUNTER_COLUMNS.map((col) => recentOf(col));
          for (let i = 0; i < stale.length; i += 5000) {
            const chunk = stale.slice(i, i + 5000).map((row) => ({
              cluster_key: row.cluster_key,
              ...Object.fromEntries(cols.map((col) => [col, Number(row[col])])),
            }));
            await trx.raw(storeRecentSql(longestWindowDays(config)), [JSON.stringify(chunk)]);
          }
        }
        const dirtyRows = answered.filter((row) => row.dirty);
        const scored = dirtyRows.map((row) => scoredOf(row, config));
        const stored = new Map(
          (
            await trx('hotspots')
              .whereIn(
                'cluster_key',
                scored.map((x) => x.key),
              )
              .select<Array<{ cluster_key: string; level: Level | null }>>('cluster_key', 'level')
          ).map((x) => [x.cluster_key, x.level]),
        );
        const differences = scored
          .filter((x) => (stored.get(x.key) ?? null) !== x.level)
          .map((x) => ({ key: x.key, stored: stored.get(x.key) ?? null, computed: x.level }));
        // At a level: SQL's count, corrected by the pure core's verdict on the clusters answered.
        const atLevel =
          atLevelSql +
          dirtyRows.reduce(
            (acc, row, i) => acc + (levelRank(scored[i]!.level) > 0 ? 1 : 0) - (Number(row.rank) > 0 ? 1 : 0),
            0,
          );
        if (opts.dryRun) {
          return {
            clusters: total,
            atLevel,
            changed: [],
            differences,
            notifications: [],
            events: [],
            ms: performance.now() - t0,
          };
        }
        const dirty = scored.filter((x) => stored.has(x.key) || x.level !== null);
        const set = new Map<string, string[]>();
        if (dirty.length > 0) {
          const a = await trx.raw<{ rows: Array<{ cluster_key: string; agencies: string[] }> }>(
            `SELECT cluster_key, array_agg(DISTINCT agency_id ORDER BY agency_id) AS agencies FROM hotspot_items
              WHERE cluster_key = ANY(?::text[]) GROUP BY cluster_key`,
            [dirty.map((d) => d.key)],
          );
          for (const x of a.rows) set.set(x.cluster_key, x.agencies);
        }
        // In the caller's transaction, its events come back for the caller to append after its audit entry
        // (lock order: audit head → event head).
        const applied = await applyScored(trx, dirty, { set }, { deferEvents: opts.trx !== undefined });
        return {
          clusters: total,
          atLevel,
          changed: applied.changes,
          differences,
          notifications: applied.notifications,
          events: applied.events,
          ms: performance.now() - t0,
        };
      });
    },

    /**
     * Rebuilds the detector's counters and cluster totals from `hotspot_items` (a repair, or after items were
     * loaded in bulk without the incremental update), under the detector's exclusive lock.
     */
    async rebuildCounters(): Promise<void> {
      await db.transaction(async (trx) => {
        await trx.raw(`SELECT pg_advisory_xact_lock(${RECOMPUTE_LOCK})`);
        for (const sql of rebuildCountersSql(longestWindowDays(config))) await trx.raw(sql);
      });
    },

    /** Hotspot notifications recorded but never started (a crash between commit and start): their ids. */
    unstartedNotifications: (olderThanMs: number): Promise<string[]> => unstartedHotspotNotifications(db, olderThanMs),
  };
}

/**
 * Hotspot notifications recorded but never started (the process crashed between the commit and the start of
 * their delivery), at least `olderThanMs` old: their ids (at most 1000). Swept by the admin recompute and by the
 * `mass-process-reconcile` schedule's run (activities/mass-matters.ts).
 */
export async function unstartedHotspotNotifications(db: Db, olderThanMs: number): Promise<string[]> {
  const rows = await db('case_notifications as n')
    .whereIn('n.kind', Object.values(HOTSPOT_NOTIFICATION_KINDS))
    .where('n.status', 'queued')
    .where('n.recorded_at', '<', new Date(Date.now() - olderThanMs))
    .whereNull('n.reason')
    .whereNotExists((b) => b.select(1).from('notification_deliveries as d').whereRaw('d.notification_id = n.id'))
    .orderBy([{ column: 'n.recorded_at' }, { column: 'n.id' }])
    .limit(1000)
    .select<Array<{ id: string }>>('n.id');
  return rows.map((r) => r.id);
}

export type HotspotStore = ReturnType<typeof createHotspotStore>;
