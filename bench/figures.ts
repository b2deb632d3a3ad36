/**
 * Figures benchmark (issue 16 item 8, ADR 0030): one million cases in the read model of one province, and the
 * p50/p99 of the case figures (`db/case-figures.ts`, what `GET /v1/figures/cases` and `GET /v1/cases?total=true`
 * run) — group-by counts (target p99 < 300 ms) and totals. Embedded PostgreSQL only (the figures read the read
 * model; no workflow runs): the cases are bulk-inserted with generate_series, not started.
 * Then the chairman's monthly report (the stored reports' engine) for the whole province on the same seed.
 * Environment: BENCH_FIGURES_CASES (1000000), BENCH_FIGURES_RUNS (60 per query), BENCH_FIGURES_REPORT_RUNS (7),
 * BENCH_FIGURES_KEEP (a data folder to keep and reuse: seeding 1M cases took 10 minutes on the shared machine).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAgencyScope } from '../api/auth/agencies.js';
import { createCaseFigures, type FigureDimensionName } from '../db/case-figures.js';
import { caseFilterOf, type CaseFilterQuery } from '../db/case-filter.js';
import { createDb, type Db } from '../db/knex.js';
import { migrateLatest } from '../db/migrate.js';
import { freePort, startEmbeddedPostgres } from '../platform/postgres.js';
import { CHANNELS } from '../processes/builtin/letter.js';
import { computeSnapshot } from '../activities/report-engine.js';
import { MONTHLY_CHAIRMAN_FORM, reportPeriod } from '../workflows/report-contract.js';
import { percentile } from './api.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

const PROVINCE = 'tinh-bench';
const DEPARTMENTS = 30;
const COMMUNES = 170;
const agencyIds = [
  ...Array.from({ length: DEPARTMENTS }, (_, i) => `so-${String(i + 1).padStart(2, '0')}`),
  ...Array.from({ length: COMMUNES }, (_, i) => `xa-${String(i + 1).padStart(3, '0')}`),
];
const TYPES = ['letter', 'complaint_first', 'complaint_second', 'denunciation', 'petition'];
const OUTCOMES = ['legally_effective', 'withdrawn', 'not_accepted', 'concluded', 'terminated', 'answered', 'guided'];
const SECTORS = ['land', 'compensation_site_clearance', 'environment', 'social_policy', 'corruption', 'other'];
/** The bench province's code (Hồ Chí Minh City) and 170 commune codes of it; commune i is agency xa-i's place. */
const PROVINCE_CODE = '79';
const communeCode = (i: number) => String(25000 + i).padStart(5, '0');

/**
 * A province of 30 departments and 170 communes, and `n` cases over two years (2025–2026) spread over them:
 * 40% closed (an outcome, a closing instant), two thirds of complaints and denunciations accepted, a tenth
 * overdue, the open ones at one or two steps. Columns other work may add keep their defaults.
 */
export async function seedFigures(db: Db, n: number): Promise<void> {
  await db('agencies')
    .insert([
      { id: PROVINCE, parent_id: null, name: 'Tỉnh thử nghiệm', level: 'province' },
      ...agencyIds.map((id) => ({
        id,
        parent_id: PROVINCE,
        name: `Cơ quan ${id}`,
        level: id.startsWith('so-') ? 'department' : 'commune',
      })),
    ])
    .onConflict('id')
    .ignore();
  // The bulk load bypasses the per-row triggers that keep `case_facts` current (session_replication_role), then
  // builds every facts row and the monthly roll-up set-based (kntc_case_facts_rebuild_all, migrations 2026120505*).
  await db.transaction(async (trx) => {
    await trx.raw(`SET LOCAL session_replication_role = replica`);
    await bulkInsert(trx, n);
  });
  await db.raw('SELECT kntc_case_facts_rebuild_all()');
  await db.raw('VACUUM ANALYZE cases');
  await db.raw('VACUUM ANALYZE case_states');
  await db.raw('VACUUM ANALYZE case_facts');
  await db.raw('VACUUM ANALYZE case_fact_months');
  await db.raw('VACUUM ANALYZE case_fact_dims');
}

async function bulkInsert(db: Db, n: number): Promise<void> {
  const id = `('00000000-0000-4000-9000-' || lpad(g::text, 12, '0'))`;
  const arr = (xs: readonly string[]) => `ARRAY['${xs.join("','")}']`;
  // Two independent hashes of g (h1, h2) spread the attributes without correlations between them.
  const series = `(SELECT g, abs(hashint4(g)) AS h1, abs(hashint4(g + 7777777)) AS h2 FROM generate_series(1, ${n}) g) s`;
  // Departments receive more than communes: half the cases go to the 30 departments.
  const agency = `CASE WHEN h1 % 2 = 0 THEN (${arr(agencyIds.slice(0, DEPARTMENTS))})[1 + (h1 / 2) % ${DEPARTMENTS}]
    ELSE (${arr(agencyIds.slice(DEPARTMENTS))})[1 + (h1 / 2) % ${COMMUNES}] END`;
  const type = `(${arr(TYPES)})[1 + (h1 / 400) % ${TYPES.length}]`;
  const received = `(timestamptz '2025-01-01T00:00:00+07:00' + (g % 730) * interval '1 day' + (h1 % 86400) * interval '1 second')`;
  // Place: a commune's cases are about that commune; a department's about one of the 170 communes, or (a tenth)
  // the province only; a twentieth record no place. Sector: one of six, a tenth unclassified.
  const commune = `CASE WHEN h1 % 2 = 1 THEN lpad((25000 + 1 + (h1 / 2) % ${COMMUNES})::text, 5, '0')
    WHEN (h2 / 9) % 10 = 0 THEN NULL ELSE lpad((25000 + 1 + (h2 / 11) % ${COMMUNES})::text, 5, '0') END`;
  const sector = `CASE WHEN (h2 / 13) % 10 = 0 THEN NULL ELSE (${arr(SECTORS)})[1 + (h2 / 130) % ${SECTORS.length}] END`;
  await db.raw(`INSERT INTO cases (id, reference, workflow_id, case_type, channel, agency_id, subject, remote_area,
      received_at, stage, status, projection_seq, sector, place_province, place_commune)
    SELECT ${id}, 'FIG-' || g, 'case-' || ${id}, ${type}, (${arr(CHANNELS)})[1 + h2 % ${CHANNELS.length}],
           ${agency}, 'Đơn thử nghiệm số ' || g, (h2 / 4200) % 13 = 0, ${received}, 'received', 'open', 1,
           ${sector}, CASE WHEN (h2 / 17) % 20 = 0 THEN NULL ELSE '${PROVINCE_CODE}' END,
           CASE WHEN (h2 / 17) % 20 = 0 THEN NULL ELSE ${commune} END
      FROM ${series}`);
  const closed = `((h2 / 7) % 5 < 2)`;
  const overdue = `((h2 / 35) % 10 = 0)`;
  const accepted = `(${type} IN ('complaint_first', 'complaint_second', 'denunciation') AND (h2 / 350) % 3 <> 0)`;
  await db.raw(`INSERT INTO case_states (case_id, case_type, agency_id, pin, stage, status, outcome, next_due_at,
      overdue, accepted_on, closed_at, state, seq)
    SELECT ${id}, ${type}, ${agency}, 'bench@1+sha256:bench',
           CASE WHEN ${closed} THEN 'completed' ELSE 'verify' END,
           CASE WHEN ${closed} THEN 'completed' ELSE 'running' END,
           CASE WHEN ${closed} THEN (${arr(OUTCOMES)})[1 + (h1 / 2000) % ${OUTCOMES.length}] END,
           CASE WHEN ${closed} THEN NULL ELSE ${received} + interval '30 days' END,
           ${overdue},
           CASE WHEN ${accepted} THEN ((${received}) AT TIME ZONE 'Asia/Ho_Chi_Minh')::date + 5 END,
           CASE WHEN ${closed} THEN ${received} + (10 + h1 % 80) * interval '1 day' END,
           jsonb_build_object('caseId', ${id}, 'status', CASE WHEN ${closed} THEN 'completed' ELSE 'running' END,
             'currentNodes', CASE WHEN ${closed} THEN '[]'::jsonb
               WHEN (h2 / 1050) % 4 = 0 THEN '[{"nodeId": "verify"}, {"nodeId": "dialogue"}]'::jsonb
               ELSE '[{"nodeId": "verify"}]'::jsonb END,
             'clocks', '[]'::jsonb, 'variables', '{}'::jsonb,
             'caseEvents', '{}'::jsonb, 'flags', jsonb_build_object('overdue', ${overdue}), 'history', '[]'::jsonb),
           1
      FROM ${series}`);
}

interface Query {
  name: string;
  query: CaseFilterQuery;
  groupBy?: FigureDimensionName[];
}

const Q1 = { receivedFrom: '2026-01-01T00:00:00+07:00', receivedTo: '2026-04-01T00:00:00+07:00' };
const QUERIES: Query[] = [
  { name: 'total, whole province, no filter', query: {} },
  { name: 'total, whole province, received in a quarter', query: Q1 },
  { name: 'total, overdue + open, whole province', query: { overdue: 'true', status: 'open' } },
  { name: 'group by agency, whole province, no filter', query: {}, groupBy: ['agency'] },
  {
    name: 'group by agency × type, received in a month',
    query: { receivedFrom: '2026-03-01T00:00:00+07:00', receivedTo: '2026-04-01T00:00:00+07:00' },
    groupBy: ['agency', 'type'],
  },
  { name: 'group by status × onTime, one department', query: { agencyId: 'so-01' }, groupBy: ['status', 'onTime'] },
  {
    name: 'group by outcome, closed in a quarter',
    query: { closedFrom: '2026-01-01T00:00:00+07:00', closedTo: '2026-04-01T00:00:00+07:00' },
    groupBy: ['outcome'],
  },
  { name: 'group by receivedMonth, whole province', query: {}, groupBy: ['receivedMonth'] },
  { name: 'group by receivedQuarter × type, whole province', query: {}, groupBy: ['receivedQuarter', 'type'] },
  { name: 'group by sector × status, whole province', query: {}, groupBy: ['sector', 'status'] },
  { name: 'group by commune, received in a quarter', query: Q1, groupBy: ['commune'] },
  {
    name: 'group by sector × overdue, one commune (place)',
    query: { communeCode: communeCode(7) },
    groupBy: ['sector', 'overdue'],
  },
  {
    name: 'group by type × overdue, accepted in a year',
    query: { acceptedFrom: '2025-01-01', acceptedTo: '2026-01-01' },
    groupBy: ['type', 'overdue'],
  },
  { name: 'group by channel, whole province, open', query: { status: 'open' }, groupBy: ['channel'] },
];

export async function runFiguresBench(log: (s: string) => void = console.error): Promise<string> {
  const N = env('BENCH_FIGURES_CASES', 1_000_000);
  const RUNS = env('BENCH_FIGURES_RUNS', 60);
  const REPORT_RUNS = env('BENCH_FIGURES_REPORT_RUNS', 7);
  const keep = process.env.BENCH_FIGURES_KEEP;
  const dataDir = keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'kntc-bench-figures-'));
  const fresh = !fs.existsSync(path.join(dataDir, 'pg', 'PG_VERSION'));
  const pg = await startEmbeddedPostgres({
    dataDir: path.join(dataDir, 'pg'),
    port: await freePort(),
    database: 'kntc_bench',
    persistent: keep !== undefined,
  });
  const db = createDb(pg.url, { max: 4 });
  const load0 = os.loadavg()[0]!;
  try {
    await migrateLatest(db);
    const have = Number((await db('cases').count<{ count: string }[]>('* as count'))[0]!.count);
    let seeded = '';
    if (fresh || have < N) {
      const t0 = performance.now();
      await seedFigures(db, N);
      seeded = `${N.toLocaleString('en')} cases bulk-inserted with generate_series in ${((performance.now() - t0) / 1000).toFixed(1)} s`;
      log(seeded);
    } else {
      seeded = `${have.toLocaleString('en')} cases reused from ${dataDir}`;
      // A kept database migrated since: the per-dimension roll-up and covering indexes want fresh statistics and a
      // visibility map (index-only scans).
      await db.raw('VACUUM ANALYZE case_facts');
      await db.raw('ANALYZE case_fact_months');
      await db.raw('VACUUM ANALYZE case_fact_dims');
    }
    const figures = createCaseFigures(db);
    const scope = createAgencyScope(db);
    const rows: string[] = [];
    for (const q of QUERIES) {
      const agencies = await scope.subtree(q.query.agencyId ?? PROVINCE);
      const filter = caseFilterOf(q.query, agencies);
      const run = () => (q.groupBy ? figures.groupBy(filter, q.groupBy) : figures.count(filter));
      for (let i = 0; i < 3; i++) await run();
      const times: number[] = [];
      let result = '';
      for (let i = 0; i < RUNS; i++) {
        const t0 = performance.now();
        const r = await run();
        times.push(performance.now() - t0);
        result = typeof r === 'number' ? `${r.toLocaleString('en')} cases` : `${r.length} groups`;
      }
      times.sort((a, b) => a - b);
      const p99 = percentile(times, 99);
      const target = q.groupBy ? 300 : 300;
      rows.push(
        `| ${q.name} | ${RUNS} | ${percentile(times, 50).toFixed(1)} ms | ${p99.toFixed(1)} ms | ${result} | ${p99 < target ? 'yes' : '**no**'} |`,
      );
      log(rows[rows.length - 1]!);
    }
    // The chairman's monthly report (the stored reports' engine, activities/report-engine.ts, as bench/reports.ts
    // measures it on its own seed) for the whole province, on this seed: target under 2 s.
    const period = reportPeriod('monthly', 2026, 3);
    const report: number[] = [];
    let month = 0;
    for (let i = 0; i < REPORT_RUNS; i++) {
      const t0 = performance.now();
      const snap = await computeSnapshot(db, {
        formCode: MONTHLY_CHAIRMAN_FORM,
        at: period.to,
        agencyId: PROVINCE,
        agencies: await scope.subtree(PROVINCE),
        period,
        regime: '06/2025/TT-TTCP',
      });
      report.push(performance.now() - t0);
      month = snap.rows.find((r) => r.code === 'II.1')!.cells['1']!.value ?? 0;
    }
    const reportSorted = [...report].sort((a, b) => a - b);
    const reportRow =
      `| monthly report to the chairman, whole province (${period.from}–${period.to}: ` +
      `${month.toLocaleString('en')} cases) | ${REPORT_RUNS} | ${percentile(reportSorted, 50).toFixed(1)} ms | ` +
      `${reportSorted.at(-1)!.toFixed(1)} ms (max) | ${reportSorted.at(-1)! < 2000 ? 'yes' : '**no**'} (< 2 s) |`;
    log(reportRow);
    const load = os.loadavg().map((l) => l.toFixed(1));
    return [
      `### Figures benchmark (${os.cpus().length} CPUs, Node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z, load ${load0.toFixed(1)} → ${load[0]}; uptime load averages at the end ${load.join(', ')})`,
      '',
      '| query (db/case-figures.ts, sequential) | runs | p50 | p99 | result | p99 < 300 ms |',
      '|---|---:|---:|---:|---|:-:|',
      ...rows,
      '',
      '| stored report (activities/report-engine.ts computeSnapshot) | runs | median | slowest | under 2 s |',
      '|---|---:|---:|---:|:-:|',
      reportRow,
      '',
      `- Read model: ${seeded}; one province of ${DEPARTMENTS} departments and ${COMMUNES} communes.`,
      '- Embedded PostgreSQL on the same machine, shared with other work (the load average above counts).',
      '- Reproduce with `npm run bench -- figures`.',
    ].join('\n');
  } finally {
    await db.destroy();
    await pg.stop();
    if (!keep) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
