/**
 * `npm run bench -- hotspots`: the hotspot detector at scale (issue 15.8, ADR 0034). On its own embedded
 * PostgreSQL (migrated), loads BENCH_HOTSPOT_ITEMS (default 1,000,000) cases and visits as detector items —
 * 70 % cases, 30 % visits, 5 % mass, over the 3,321 communes of the 2025 units (a few hundred "busy" ones
 * get 40 % of the items), 9 sectors, 20,000 respondents, received over the last 3 years; every item has a
 * place, sector and respondent, so each is in 3 clusters (3 million `hotspot_items` rows) — then measures:
 *
 * - the full recompute: the first one (creates every hotspot at a level, with its history, events and
 *   notifications), then a steady-state one (same configuration: compares and writes nothing) and a dry run —
 *   each one statement over the per-cluster counters (db/hotspot-scoring.ts), after the counters are built
 *   from the bulk-loaded items (`rebuildCounters`, as a repair would);
 * - the incremental update for one new case (`ingestHotspotItems` in its own transaction, what the intake
 *   transaction adds), BENCH_HOTSPOT_SAMPLES times (default 500) into busy communes: p50 / p99 / max.
 *
 * Writes bench/results/hotspots.md.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createDb } from '../db/knex.js';
import { migrateLatest } from '../db/migrate.js';
import { createHotspotStore, ingestHotspotItems } from '../db/hotspots.js';
import { DEFAULT_HOTSPOT_CONFIG } from '../hotspots/config.js';
import { freePort, startEmbeddedPostgres } from '../platform/postgres.js';

const N = Number(process.env.BENCH_HOTSPOT_ITEMS ?? 1_000_000);
const SAMPLES = Number(process.env.BENCH_HOTSPOT_SAMPLES ?? 500);
const SECTORS = [
  'land',
  'compensation_site_clearance',
  'environment',
  'social_policy',
  'corruption',
  'construction',
  'administrative_procedure',
  'justice',
  'other',
];

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

export async function runHotspotBench(log: (s: string) => void): Promise<string> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'kntc-bench-hotspots-'));
  const stops: Array<() => Promise<unknown>> = [];
  try {
    const pg = await startEmbeddedPostgres({
      dataDir: path.join(tmp, 'pg'),
      port: await freePort(),
      database: 'kntc_bench',
      persistent: false,
    });
    stops.push(() => pg.stop());
    const db = createDb(pg.url, { max: 4 });
    stops.push(() => db.destroy());
    await migrateLatest(db);
    const load0 = os.loadavg()[0]!;

    log(`loading ${N} items (3 cluster rows each)…`);
    let t = performance.now();
    // Items generated in SQL: commune i % 3321 (every 8th item to one of 300 busy communes), sector, respondent.
    await db.raw(`SET maintenance_work_mem = '256MB'`);
    await db.raw(
      `CREATE TEMP TABLE bench_items AS
       WITH c AS (SELECT row_number() OVER (ORDER BY code) - 1 AS n, code, province_code FROM admin_communes),
            g AS (SELECT i, (CASE WHEN i % 5 < 2 THEN (i * 7919) % 300 ELSE (i * 104729) % 3321 END) AS cn FROM generate_series(1::bigint, ?::bigint) i)
       SELECT g.i, c.code AS commune, c.province_code AS province,
              (ARRAY[${SECTORS.map((s) => `'${s}'`).join(',')}])[1 + (g.i * 31) % 9] AS sector,
              'name:bench respondent ' || ((g.i * 17) % 20000) AS respondent,
              CASE WHEN g.i % 10 < 7 THEN 'case' ELSE 'visit' END AS kind,
              g.i % 20 = 0 AS mass,
              now() - make_interval(secs => (g.i * 2654435761) % (3 * 365 * 86400)) AS at,
              (ARRAY['so-tnmt','ubnd-xa-a','ubnd-xa-b','thanh-tra-tinh'])[1 + g.i % 4] AS agency
         FROM g JOIN c ON c.n = g.cn`,
      [N],
    );
    await db.raw(`ALTER TABLE hotspot_items SET UNLOGGED`).catch(() => undefined);
    await db.raw(
      `INSERT INTO hotspot_items (cluster_key, item_kind, item_id, at, mass, agency_id)
       SELECT k.key, b.kind, 'bench-' || b.i, b.at, b.mass, b.agency FROM bench_items b
        CROSS JOIN LATERAL (VALUES
          ('pl:' || b.province || '/' || b.commune || '|s:' || b.sector || '|r:' || b.respondent),
          ('pl:' || b.province || '/' || b.commune || '|s:' || b.sector),
          ('pl:' || b.province || '/' || b.commune)) AS k(key)`,
    );
    await db.raw(`ALTER TABLE hotspot_items SET LOGGED`).catch(() => undefined);
    const rows = Number((await db('hotspot_items').count('* as n'))[0]!.n);
    log(`loaded ${rows} rows in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const store = createHotspotStore(db, DEFAULT_HOTSPOT_CONFIG);
    // Loaded in bulk, not through the incremental update: its counters and cluster totals built from the items.
    t = performance.now();
    await store.rebuildCounters();
    for (const table of ['hotspot_items', 'hotspot_cluster_days', 'hotspot_clusters'])
      await db.raw(`VACUUM ANALYZE ${table}`);
    const days = Number((await db('hotspot_cluster_days').count('* as n'))[0]!.n);
    log(`counters: ${days} (cluster, day) rows in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    t = performance.now();
    const first = await store.recompute();
    const firstMs = performance.now() - t;
    log(`first recompute: ${first.clusters} clusters, ${first.atLevel} at a level, ${firstMs.toFixed(0)} ms`);
    const loadSteady = os.loadavg()[0]!;
    const steady: number[] = [];
    for (let i = 0; i < 3; i++) {
      t = performance.now();
      const r = await store.recompute();
      steady.push(performance.now() - t);
      if (r.changed.length !== 0) throw new Error(`steady recompute changed ${r.changed.length} clusters`);
    }
    t = performance.now();
    const dry = await store.recompute({ dryRun: true });
    const dryMs = performance.now() - t;
    if (dry.differences.length !== 0) throw new Error(`dry run found ${dry.differences.length} differences`);
    log(`steady recompute: ${steady.map((x) => x.toFixed(0)).join(', ')} ms; dry run ${dryMs.toFixed(0)} ms`);

    // The incremental update for one new case, into the busy communes (their clusters have the most items).
    const busy = (
      await db.raw<{ rows: Array<{ commune: string; province: string }> }>(
        `SELECT DISTINCT commune, province FROM bench_items WHERE i % 5 < 2 LIMIT 300`,
      )
    ).rows;
    const loadInc = os.loadavg()[0]!;
    const lat: number[] = [];
    for (let i = 0; i < SAMPLES + 20; i++) {
      const p = busy[i % busy.length]!;
      const item = {
        kind: 'case' as const,
        id: `new-${randomUUID()}`,
        at: Date.now(),
        provinceCode: p.province,
        communeCode: p.commune,
        sector: SECTORS[i % SECTORS.length]!,
        respondent: `name:bench respondent ${i % 50}`,
        mass: i % 20 === 0,
        agencyId: 'so-tnmt',
      };
      const t1 = performance.now();
      await db.transaction((trx) => ingestHotspotItems(trx, [item], DEFAULT_HOTSPOT_CONFIG));
      if (i >= 20) lat.push(performance.now() - t1); // the first 20 warm the pool and plans
    }
    const after = await store.recompute({ dryRun: true });
    const table = [
      `### Hotspot detector (${os.cpus().length} CPUs, Node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z, ` +
        `load ${load0.toFixed(1)} → ${os.loadavg()[0]!.toFixed(1)})`,
      '',
      `${N.toLocaleString('en')} cases and visits (${rows.toLocaleString('en')} cluster rows, ${first.clusters.toLocaleString('en')} clusters), ` +
        `default configuration (30/90-day windows).`,
      '',
      '| measure | result | target |',
      '| --- | --- | --- |',
      `| first full recompute (raises ${first.atLevel.toLocaleString('en')} hotspots: rows, history, events, notifications) | ${(firstMs / 1000).toFixed(2)} s | — |`,
      `| full recompute, steady state (median of 3: ${steady.map((x) => (x / 1000).toFixed(2)).join(', ')} s; load ${loadSteady.toFixed(1)}; ` +
        `scores every cluster that can be at a level, writes nothing) | ${(pct(steady, 50) / 1000).toFixed(2)} s | < 5 s |`,
      `| full recompute, dry run | ${(dryMs / 1000).toFixed(2)} s | — |`,
      `| incremental update for one new case (own transaction; load ${loadInc.toFixed(1)}), p50 | ${pct(lat, 50).toFixed(1)} ms | — |`,
      `| incremental update for one new case, p99 (${SAMPLES} samples) | ${pct(lat, 99).toFixed(1)} ms | < 10 ms |`,
      `| incremental update, max | ${Math.max(...lat).toFixed(1)} ms | — |`,
      `| incremental = full recompute afterwards (clusters whose level differs) | ${after.differences.length} | 0 |`,
    ].join('\n');
    await writeFile(path.join(import.meta.dirname, 'results', 'hotspots.md'), `${table}\n`);
    return table;
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await rm(tmp, { recursive: true, force: true });
  }
}
