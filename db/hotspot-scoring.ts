/**
 * The SQL of the hotspot detector's scoring (ADR 0034, amended for issue 15.8): the same rule as the pure core
 * (hotspots/score.ts — a window of D days ends at the cluster's newest item, `at > last − D·24 h`, and the
 * level is the highest threshold × granularity scale any window reaches), evaluated in PostgreSQL so that
 *
 * - the incremental update reads a cluster's window from its per-(cluster, UTC day) counters
 *   (`hotspot_cluster_days`: at most D + 1 rows) plus the items of the window's first, partial day (an index
 *   range of `hotspot_items`), whatever the number of items; and applies an unchanged level in the same
 *   statement;
 * - the full recompute scores, the same way, every cluster that can be at a level (its all-time weight from
 *   `hotspot_clusters` reaches the lowest threshold, or it has a hotspot row) and compares them with the stored
 *   hotspots in the same statement, answering only the clusters whose row must change.
 *
 * Numbers in the SQL come from the validated configuration only. The level computed here is a hint: callers
 * recompute it with the pure core (`levelOf`) from the returned scores and take the general path on any doubt.
 */
import { GRANULARITIES, LEVELS, type Granularity, type HotspotConfig } from '../hotspots/config.js';
import { longestWindowDays, type ItemKind } from '../hotspots/score.js';

/** Advisory-lock namespace of the detector (the shared/exclusive recompute lock; clusters hash their key). */
export const RECOMPUTE_LOCK = 0x4b4e5443; // 'KNTC'

const DAY_SECS = 86_400;
const n = (x: number) => Number(x).toString();

/** Counter columns: one per weight class (kind × mass). */
export const COUNTER_COLUMNS = [
  'n_case',
  'n_mass_case',
  'n_visit',
  'n_mass_visit',
  'n_delegation',
  'n_matter',
  'n_mass_matter',
  'n_gathering',
] as const;
type CounterColumn = (typeof COUNTER_COLUMNS)[number];

/** The counter column of an item. */
export function counterOf(kind: ItemKind, mass: boolean): CounterColumn {
  switch (kind) {
    case 'case':
      return mass ? 'n_mass_case' : 'n_case';
    case 'visit':
      return mass ? 'n_mass_visit' : 'n_visit';
    case 'delegation':
      return 'n_delegation';
    case 'matter':
      return mass ? 'n_mass_matter' : 'n_matter';
    case 'central_gathering':
      return 'n_gathering';
  }
}

/** The UTC day number of an instant (epoch ms), as the counters key it. */
export function dayOf(ms: number): number {
  return Math.floor(ms / (DAY_SECS * 1000));
}

/** SQL: the UTC day number of a timestamptz expression. */
export function daySql(expr: string): string {
  return `floor(extract(epoch FROM ${expr}) / ${DAY_SECS})::int`;
}

/** SQL: an item's weight under `c` (columns item_kind, mass of `alias`). */
export function itemWeightSql(c: HotspotConfig, alias: string): string {
  const w = c.weights;
  return `(CASE ${alias}.item_kind
    WHEN 'case' THEN CASE WHEN ${alias}.mass THEN ${n(w.massCase)} ELSE ${n(w.case)} END
    WHEN 'visit' THEN CASE WHEN ${alias}.mass THEN ${n(w.massVisit)} ELSE ${n(w.visit)} END
    WHEN 'delegation' THEN ${n(w.delegation)}
    WHEN 'matter' THEN CASE WHEN ${alias}.mass THEN ${n(w.massMatter)} ELSE ${n(w.matter)} END
    ELSE ${n(w.centralGathering)} END)::numeric`;
}

/** SQL: an item's counter column condition (item_kind, mass of `alias`). */
function itemClassSql(col: CounterColumn, alias: string): string {
  const [kind, mass] = (
    {
      n_case: ['case', false],
      n_mass_case: ['case', true],
      n_visit: ['visit', false],
      n_mass_visit: ['visit', true],
      n_delegation: ['delegation', null],
      n_matter: ['matter', false],
      n_mass_matter: ['matter', true],
      n_gathering: ['central_gathering', null],
    } as const
  )[col];
  return `${alias}.item_kind = '${kind}'${mass === null ? '' : ` AND ${mass ? '' : 'NOT '}${alias}.mass`}`;
}

/** The recent-count column (items of the longest window ending at the newest item) of a counter column. */
export const recentOf = (col: CounterColumn) => `r_${col}`;

/** SQL: the weight of a counter row under `c` (exact numeric, or float8 for a bound). */
function counterWeightSql(
  c: HotspotConfig,
  alias: string,
  type: 'numeric' | 'float8' = 'numeric',
  column: (col: CounterColumn) => string = (col) => col,
): string {
  const w = c.weights;
  const by: Record<CounterColumn, number> = {
    n_case: w.case,
    n_mass_case: w.massCase,
    n_visit: w.visit,
    n_mass_visit: w.massVisit,
    n_delegation: w.delegation,
    n_matter: w.matter,
    n_mass_matter: w.massMatter,
    n_gathering: w.centralGathering,
  };
  return `(${COUNTER_COLUMNS.map((col) => `${alias}.${column(col)}::${type} * ${n(by[col])}`).join(' + ')})`;
}

/** SQL: the granularity of a cluster key expression (as parseClusterKey reads it). */
export function granularitySql(key: string): string {
  return `(CASE WHEN ${key} LIKE '%|r:%' THEN 'place_sector_respondent' WHEN ${key} LIKE '%|s:%' THEN 'place_sector'
    ELSE 'place' END)`;
}

/** SQL: the level rank (0 below watch … 3 hot) that window score columns `w<days>` of `alias` justify. */
export function rankSql(c: HotspotConfig, alias: string, granularity: string): string {
  const per = (g: Granularity) =>
    `GREATEST(${c.windows
      .map((w) => {
        const arms = [...LEVELS]
          .map((l, i) => [l, i + 1] as const)
          .reverse()
          .map(([l, r]) => `WHEN ${alias}.w${w.days} >= ${n(w.thresholds[l] * c.scale[g])} THEN ${r}`)
          .join(' ');
        return `CASE ${arms} ELSE 0 END`;
      })
      .join(', ')})`;
  return `(CASE ${granularity} ${GRANULARITIES.map((g) => `WHEN '${g}' THEN ${per(g)}`).join(' ')} ELSE 0 END)`;
}

/** SQL: the scores object of window columns `w<days>` of `alias` (as the hotspots row stores it). */
export function scoresJsonSql(c: HotspotConfig, alias: string): string {
  return `jsonb_build_object(${c.windows.map((w) => `'${w.days}', ${alias}.w${w.days}`).join(', ')})`;
}

/**
 * Statement 1 of the incremental update: the detector's shared lock and the clusters' own locks (in key order),
 * then the items' cluster rows (an item already recorded is skipped) and, for the rows actually inserted, their
 * per-day counters and their clusters' totals. Bindings: the sorted keys, then the rows as JSON
 * ({cluster_key, item_kind, item_id, at, mass, agency_id, day, counter, g: granularity index}). Answers `inserted`.
 */
export const INGEST_SQL = `WITH lk AS MATERIALIZED (
    SELECT pg_advisory_xact_lock_shared(${RECOMPUTE_LOCK}) AS s,
           (SELECT count(pg_advisory_xact_lock(${RECOMPUTE_LOCK}, hashtext(k))) FROM unnest(?::text[]) AS k) AS c
  ),
  v AS MATERIALIZED (
    SELECT v.* FROM json_to_recordset(?::json) AS v(cluster_key text, item_kind text, item_id text, at timestamptz,
                                                  mass boolean, agency_id text, day int, counter text, g int)
     WHERE (SELECT count(*) FROM lk) = 1
  ),
  ins AS (
    INSERT INTO hotspot_items (cluster_key, item_kind, item_id, at, mass, agency_id)
    SELECT cluster_key, item_kind, item_id, at, mass, agency_id FROM v
    ON CONFLICT (cluster_key, item_kind, item_id) DO NOTHING
    RETURNING cluster_key, item_kind, item_id
  ),
  cnt AS (
    INSERT INTO hotspot_cluster_days AS d (cluster_key, day, ${COUNTER_COLUMNS.join(', ')}, last_at)
    SELECT v.cluster_key, v.day,
           ${COUNTER_COLUMNS.map((col) => `count(*) FILTER (WHERE v.counter = '${col}')`).join(', ')},
           max(v.at)
      FROM v JOIN ins USING (cluster_key, item_kind, item_id)
     GROUP BY v.cluster_key, v.day
    ON CONFLICT (cluster_key, day) DO UPDATE SET
      ${COUNTER_COLUMNS.map((col) => `${col} = d.${col} + excluded.${col}`).join(', ')},
      last_at = GREATEST(d.last_at, excluded.last_at)
    RETURNING 1
  ),
  tot AS (
    INSERT INTO hotspot_clusters AS t (cluster_key, g, ${COUNTER_COLUMNS.join(', ')}, last_at)
    SELECT v.cluster_key, min(v.g),
           ${COUNTER_COLUMNS.map((col) => `count(*) FILTER (WHERE v.counter = '${col}')`).join(', ')},
           max(v.at)
      FROM v JOIN ins USING (cluster_key, item_kind, item_id)
     GROUP BY v.cluster_key
    ON CONFLICT (cluster_key) DO UPDATE SET
      ${COUNTER_COLUMNS.map((col) => `${col} = t.${col} + excluded.${col}`).join(', ')},
      last_at = GREATEST(t.last_at, excluded.last_at)
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM ins) AS inserted, (SELECT count(*) FROM cnt) AS days,
         (SELECT count(*) FROM tot) AS clusters`;

/**
 * The scoring CTEs shared by the incremental update and the full recompute: from `l` (key, agencies, last_at —
 * the clusters to score), each cluster's window scores and item count from its counters (days after each
 * window's first day) plus the items of that first, partial day (read only when that day has items); then `r`:
 * with the granularity and level rank; `recent` stores each cluster's counts in the longest window (the
 * recompute's bound, see `recomputeSql`) when they changed.
 */
function scoringCtes(c: HotspotConfig, storeRecent = true): string {
  const longest = longestWindowDays(c);
  const bd = (days: number) => daySql(`l.last_at - make_interval(secs => ${days * DAY_SECS})`);
  const edge = c.windows.map(
    (w) => `CROSS JOIN LATERAL (
      SELECT ${
        w.days === longest
          ? COUNTER_COLUMNS.map((col) => `count(*) FILTER (WHERE ${itemClassSql(col, 'i')}) AS ${col}, `).join('')
          : ''
      }COALESCE(sum(${itemWeightSql(c, 'i')}), 0) AS w FROM hotspot_items i
       WHERE cd.has${w.days} AND i.cluster_key = l.key
         AND i.at > l.last_at - make_interval(secs => ${w.days * DAY_SECS})
         AND i.at < to_timestamp((${bd(w.days)} + 1)::bigint * ${DAY_SECS})
    ) e${w.days}`,
  );
  return `s AS (
      SELECT l.key, l.agencies, l.last_at, ${granularitySql('l.key')} AS g,
             ${COUNTER_COLUMNS.map((col) => `cd.${col} + e${longest}.${col} AS ${recentOf(col)}`).join(', ')},
             ${c.windows.map((w) => `cd.w${w.days} + e${w.days}.w AS w${w.days}`).join(', ')}
        FROM l
       CROSS JOIN LATERAL (
         SELECT ${COUNTER_COLUMNS.map(
           (col) => `COALESCE(sum(d.${col}) FILTER (WHERE d.day > ${bd(longest)}), 0)::int AS ${col}`,
         ).join(', ')},
                ${c.windows.map((w) => `COALESCE(bool_or(d.day = ${bd(w.days)}), false) AS has${w.days}`).join(', ')},
                ${c.windows
                  .map(
                    (w) =>
                      `COALESCE(sum(${counterWeightSql(c, 'd')}) FILTER (WHERE d.day > ${bd(w.days)}), 0)
                       AS w${w.days}`,
                  )
                  .join(', ')}
           FROM hotspot_cluster_days d
          WHERE d.cluster_key = l.key AND d.day >= ${bd(longest)} AND d.day <= ${daySql('l.last_at')}
       ) cd
       ${edge.join('\n       ')}
    ),
    r AS (
      SELECT s.*, (${COUNTER_COLUMNS.map((col) => `s.${recentOf(col)}`).join(' + ')}) AS n,
             ${rankSql(c, 's', 's.g')} AS rank
        FROM s
    )${
      storeRecent
        ? `,
    recent AS (
      UPDATE hotspot_clusters t SET ${COUNTER_COLUMNS.map((col) => `${recentOf(col)} = r.${recentOf(col)}`).join(', ')},
             recent_days = ${longest}
        FROM r WHERE t.cluster_key = r.key AND (t.recent_days <> ${longest} OR ${COUNTER_COLUMNS.map(
          (col) => `t.${recentOf(col)} <> r.${recentOf(col)}`,
        ).join(' OR ')})
      RETURNING 1
    )`
        : ''
    }`;
}

/**
 * Statement 2 of the incremental update (after statement 1, so its snapshot holds every item of the locked
 * clusters): each cluster scored (`scoringCtes`), and a hotspot row whose level does not change updated in the
 * same statement (scores, count, newest item, agencies). Binding: JSON [{key, agencies}]. Answers per cluster:
 * cluster_key, last_at, n, w<days>…, rank (SQL's), applied (row updated here), has_row.
 */
export function scoreClustersSql(c: HotspotConfig): string {
  return `WITH k AS (SELECT * FROM json_to_recordset(?::json) AS k(key text, agencies text[])),
    l AS (SELECT k.key, k.agencies, t.last_at FROM k JOIN hotspot_clusters t ON t.cluster_key = k.key),
    ${scoringCtes(c)},
    upd AS (
      UPDATE hotspots h SET scores = ${scoresJsonSql(c, 'r')}, item_count = r.n,
             last_item_at = date_trunc('milliseconds', r.last_at),
             agency_ids = ARRAY(SELECT DISTINCT x FROM unnest(h.agency_ids || r.agencies) AS x ORDER BY x),
             updated_at = now()
        FROM r
       WHERE h.cluster_key = r.key AND h.level_rank = r.rank
         AND NOT (h.status = 'closed' AND r.rank > COALESCE(h.closed_rank, 0))
      RETURNING h.cluster_key
    )
    SELECT r.key AS cluster_key, r.last_at, r.n, ${c.windows.map((w) => `r.w${w.days}`).join(', ')}, r.rank,
           r.key IN (SELECT cluster_key FROM upd) AS applied,
           EXISTS (SELECT 1 FROM hotspots h WHERE h.cluster_key = r.key) AS has_row
      FROM r`;
}

/**
 * The full recompute's one statement. Candidates: every cluster whose weight in the longest window (its recent
 * counts, kept by every scoring, under the weights in force — an upper bound of every window's score) reaches
 * the lowest threshold of its granularity, every cluster whose recent counts are of another longest window (a
 * configuration change: they are recomputed and stored), and every cluster with a hotspot row; the others
 * cannot be at a level. Each candidate scored
 * as the incremental update scores it, its level rank compared with the stored hotspot; answers the clusters
 * whose row must change (`dirty`: a new one at a level, a different level, scores, count or newest item) or whose
 * stored recent counts are stale (`stale`, with the counts to store: `storeRecentSql`), with the totals (`n_all`
 * clusters, `at_level`) on every row — one row with a null key when nothing differs.
 */
export function recomputeSql(c: HotspotConfig): string {
  const longest = longestWindowDays(c);
  const min = (g: Granularity) => n(Math.min(...c.windows.map((w) => w.thresholds.watch * c.scale[g])));
  return `WITH l AS MATERIALIZED (
      SELECT t.cluster_key AS key, '{}'::text[] AS agencies, t.last_at, t.recent_days AS old_days,
             ${COUNTER_COLUMNS.map((col) => `t.${recentOf(col)} AS old_${col}`).join(', ')}
        FROM hotspot_clusters t
       WHERE t.recent_days <> ${longest}
          OR ${counterWeightSql(c, 't', 'float8', recentOf)}
               >= (CASE t.g ${GRANULARITIES.map((x, i) => `WHEN ${i} THEN ${min(x)}`).join(' ')} END) - 1e-6
          OR EXISTS (SELECT 1 FROM hotspots h WHERE h.cluster_key = t.cluster_key)
    ),
    ${scoringCtes(c, false)},
    x AS (
      SELECT r.*, CASE WHEN h.id IS NULL THEN r.rank > 0
                       -- The row holds the instant as JavaScript wrote it (milliseconds).
                       ELSE h.level_rank <> r.rank OR h.item_count <> r.n
                            OR h.last_item_at <> date_trunc('milliseconds', r.last_at)
                            OR h.scores <> ${scoresJsonSql(c, 'r')} END AS dirty,
             l.old_days <> ${longest}
               OR ${COUNTER_COLUMNS.map((col) => `l.old_${col} <> r.${recentOf(col)}`).join(' OR ')}
               AS stale
        FROM r JOIN l ON l.key = r.key LEFT JOIN hotspots h ON h.cluster_key = r.key
    ),
    tot AS (
      SELECT (SELECT count(*) FROM hotspot_clusters) AS n_all, count(*) FILTER (WHERE rank > 0) AS at_level FROM r
    ),
    d AS (
      SELECT x.key AS cluster_key, x.last_at, x.n, ${c.windows.map((w) => `x.w${w.days}`).join(', ')}, x.rank, x.dirty,
             x.stale, ${COUNTER_COLUMNS.map((col) => `x.${recentOf(col)}`).join(', ')}
        FROM x WHERE x.dirty OR x.stale
    )
    SELECT d.*, tot.n_all, tot.at_level FROM tot LEFT JOIN d ON true`;
}

/** Stores recent counts (of a `longest`-day window) the full recompute found stale. Binding: JSON rows. */
export function storeRecentSql(longest: number): string {
  const set = COUNTER_COLUMNS.map((col) => `${recentOf(col)} = v.${recentOf(col)}`).join(', ');
  const cols = COUNTER_COLUMNS.map((col) => `${recentOf(col)} int`).join(', ');
  return `UPDATE hotspot_clusters t SET ${set},
           recent_days = ${longest}
      FROM json_to_recordset(?::json) AS v(cluster_key text, ${cols})
     WHERE t.cluster_key = v.cluster_key`;
}

/**
 * Rebuilds the counters and cluster totals from `hotspot_items` (a repair, or after a bulk load of items that
 * bypassed the incremental update); recent counts are of a `longest`-day window.
 */
export function rebuildCountersSql(longest: number): string[] {
  const gIndex = GRANULARITIES.map((g, i) => `WHEN '${g}' THEN ${i}`).join(' ');
  return [
    'TRUNCATE hotspot_cluster_days, hotspot_clusters',
    `INSERT INTO hotspot_cluster_days (cluster_key, day, ${COUNTER_COLUMNS.join(', ')}, last_at)
     SELECT i.cluster_key, ${daySql('i.at')}, ${COUNTER_COLUMNS.map(
       (col) => `count(*) FILTER (WHERE ${itemClassSql(col, 'i')})`,
     ).join(', ')}, max(i.at)
       FROM hotspot_items i GROUP BY 1, 2`,
    `INSERT INTO hotspot_clusters (cluster_key, g, ${COUNTER_COLUMNS.join(', ')}, last_at)
     SELECT d.cluster_key,
             CASE ${granularitySql('d.cluster_key')} ${gIndex} END,
            ${COUNTER_COLUMNS.map((col) => `sum(d.${col})`).join(', ')}, max(d.last_at)
       FROM hotspot_cluster_days d GROUP BY d.cluster_key`,
    `UPDATE hotspot_clusters t SET ${COUNTER_COLUMNS.map((col) => `${recentOf(col)} = x.${col}`).join(', ')},
            recent_days = ${longest}
       FROM (SELECT d.cluster_key, ${COUNTER_COLUMNS.map((col) => `sum(i_${col}) AS ${col}`).join(', ')}
               FROM (SELECT i.cluster_key, ${COUNTER_COLUMNS.map(
                 (col) => `(${itemClassSql(col, 'i')})::int AS i_${col}`,
               ).join(', ')}
                       FROM hotspot_items i JOIN hotspot_clusters c ON c.cluster_key = i.cluster_key
                      WHERE i.at > c.last_at - make_interval(secs => ${longest * DAY_SECS})) d
              GROUP BY d.cluster_key) x
      WHERE x.cluster_key = t.cluster_key`,
  ];
}
