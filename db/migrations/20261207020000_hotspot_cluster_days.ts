import type { Knex } from 'knex';

const COLS = [
  'n_case',
  'n_mass_case',
  'n_visit',
  'n_mass_visit',
  'n_delegation',
  'n_matter',
  'n_mass_matter',
  'n_gathering',
];

/**
 * The hotspot detector's per-(cluster, day) counters (issue 15.8, ADR 0034 amended): how many items of each
 * weight class (kind × mass) a cluster received on one UTC day, and the newest receipt that day. The
 * incremental update adds an item to at most three rows (one per granularity) and reads a cluster's window from
 * at most `longest window + 1` rows (plus the items of the window's first, partial day), whatever the number of
 * items. Counts, not weights: a configuration change needs no rebuild. `hotspot_clusters`: the same counts over
 * all time and the newest item, per cluster — the incremental update's window end — and the counts in the longest
 * window ending there, kept by every scoring (`recent_days`: of which window), the full recompute's tighter bound
 * (a cluster whose longest window weighs less than every threshold cannot be at a level). Filled from
 * `hotspot_items`.
 */
export async function up(db: Knex): Promise<void> {
  await db.raw(`CREATE TABLE hotspot_cluster_days (
    cluster_key text NOT NULL,
    day integer NOT NULL,
    n_case integer NOT NULL DEFAULT 0,
    n_mass_case integer NOT NULL DEFAULT 0,
    n_visit integer NOT NULL DEFAULT 0,
    n_mass_visit integer NOT NULL DEFAULT 0,
    n_delegation integer NOT NULL DEFAULT 0,
    n_matter integer NOT NULL DEFAULT 0,
    n_mass_matter integer NOT NULL DEFAULT 0,
    n_gathering integer NOT NULL DEFAULT 0,
    last_at timestamptz NOT NULL,
    PRIMARY KEY (cluster_key, day)
  )`);
  await db.raw(`INSERT INTO hotspot_cluster_days
    SELECT cluster_key, floor(extract(epoch FROM at) / 86400)::int,
           count(*) FILTER (WHERE item_kind = 'case' AND NOT mass), count(*) FILTER (WHERE item_kind = 'case' AND mass),
           count(*) FILTER (WHERE item_kind = 'visit' AND NOT mass),
           count(*) FILTER (WHERE item_kind = 'visit' AND mass),
           count(*) FILTER (WHERE item_kind = 'delegation'),
           count(*) FILTER (WHERE item_kind = 'matter' AND NOT mass),
           count(*) FILTER (WHERE item_kind = 'matter' AND mass),
           count(*) FILTER (WHERE item_kind = 'central_gathering'), max(at)
      FROM hotspot_items GROUP BY 1, 2`);
  await db.raw(`CREATE TABLE hotspot_clusters (
    cluster_key text PRIMARY KEY,
    g smallint NOT NULL,
    ${COLS.map((c) => `${c} integer NOT NULL DEFAULT 0`).join(',\n    ')},
    last_at timestamptz NOT NULL,
    ${COLS.map((c) => `r_${c} integer NOT NULL DEFAULT 0`).join(',\n    ')},
    recent_days integer NOT NULL DEFAULT 0
  )`);
  await db.raw(`INSERT INTO hotspot_clusters (cluster_key, g, ${COLS.join(', ')}, last_at)
    SELECT cluster_key,
           CASE WHEN cluster_key LIKE '%|r:%' THEN 0 WHEN cluster_key LIKE '%|s:%' THEN 1 ELSE 2 END,
           ${COLS.map((c) => `sum(${c})`).join(', ')}, max(last_at)
      FROM hotspot_cluster_days GROUP BY 1`);
  // Recent counts of the default longest window (90 days); another configuration's are stored by the first
  // full recompute (recent_days tells which window they are of).
  await db.raw(`UPDATE hotspot_clusters t SET ${COLS.map((c) => `r_${c} = x.${c}`).join(', ')}, recent_days = 90
    FROM (SELECT i.cluster_key,
                 count(*) FILTER (WHERE item_kind = 'case' AND NOT mass) AS n_case,
                 count(*) FILTER (WHERE item_kind = 'case' AND mass) AS n_mass_case,
                 count(*) FILTER (WHERE item_kind = 'visit' AND NOT mass) AS n_visit,
                 count(*) FILTER (WHERE item_kind = 'visit' AND mass) AS n_mass_visit,
                 count(*) FILTER (WHERE item_kind = 'delegation') AS n_delegation,
                 count(*) FILTER (WHERE item_kind = 'matter' AND NOT mass) AS n_matter,
                 count(*) FILTER (WHERE item_kind = 'matter' AND mass) AS n_mass_matter,
                 count(*) FILTER (WHERE item_kind = 'central_gathering') AS n_gathering
            FROM hotspot_items i JOIN hotspot_clusters c ON c.cluster_key = i.cluster_key
           WHERE i.at > c.last_at - make_interval(secs => 90 * 86400)
           GROUP BY i.cluster_key) x
   WHERE x.cluster_key = t.cluster_key`);
}

export async function down(db: Knex): Promise<void> {
  await db.raw('DROP TABLE hotspot_clusters');
  await db.raw('DROP TABLE hotspot_cluster_days');
}
