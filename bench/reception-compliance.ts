/**
 * Benchmark of issue 14.8 (ADR 0029): a month's reception compliance for a whole province — about 100
 * agencies (1 province, 30 departments, 69 communes), a year of sessions (two per agency per working
 * day), one million visits — answered by the one aggregate query (reception/compliance.ts). Starts its
 * own embedded PostgreSQL; `npx tsx bench/reception-compliance.ts [visits]`; writes
 * bench/results/reception.md.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb } from '../db/knex.js';
import { migrateLatest } from '../db/migrate.js';
import { freePort, startEmbeddedPostgres } from '../platform/postgres.js';
import { monthlyCompliance } from '../reception/compliance.js';

const VISITS = Number(process.argv[2] ?? 1_000_000);
const RUNS = 30;

async function main(): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'kntc-bench-reception-'));
  const pg = await startEmbeddedPostgres({
    dataDir: path.join(tmp, 'pg'),
    port: await freePort(),
    database: 'kntc_bench',
    persistent: false,
  });
  const db = createDb(pg.url, { max: 4 });
  try {
    await migrateLatest(db);
    const t0 = Date.now();
    // 100 agencies under a province root: bench-p, 30 departments, 69 communes, each with a head and a place.
    await db.raw(`INSERT INTO agencies (id, parent_id, name, level)
      SELECT 'bench-p', NULL, 'Tỉnh bench', 'province'
      UNION ALL SELECT 'bench-d' || i, 'bench-p', 'Sở ' || i, 'department' FROM generate_series(1, 30) i
      UNION ALL SELECT 'bench-c' || i, 'bench-p', 'Xã ' || i, 'commune' FROM generate_series(1, 69) i`);
    await db.raw(
      `INSERT INTO people (id, display_name) SELECT 'h-' || id, 'Head ' || id FROM agencies WHERE id LIKE 'bench-%'`,
    );
    await db.raw(`INSERT INTO agency_staff (person_id, agency_id, roles, position)
      SELECT 'h-' || id, id, '{supervisor}', 'head' FROM agencies WHERE id LIKE 'bench-%'`);
    await db.raw(`INSERT INTO reception_places (id, agency_id, name, kind, created_by)
      SELECT 'pl-' || id, id, 'Nơi tiếp', 'reception_office', 'bench' FROM agencies WHERE id LIKE 'bench-%'`);
    // Two sessions per agency per working day of 2026 (a regular one by the board, and every ~10th day
    // one led by the head: in person, or by a delegate one time in four).
    await db.raw(`INSERT INTO reception_sessions (id, agency_id, place_id, kind, leader_person_id, received_by,
        delegate_person_id, mode, session_date, started_at, created_by)
      SELECT 's-' || a.id || '-' || d::date || '-' || k, a.id, 'pl-' || a.id,
             CASE WHEN k = 1 THEN 'regular' ELSE 'periodic' END,
             CASE WHEN k = 1 THEN NULL ELSE 'h-' || a.id END,
             CASE WHEN k = 2 AND extract(doy FROM d)::int % 4 = 0 THEN 'delegated' ELSE 'in_person' END,
             CASE WHEN k = 2 AND extract(doy FROM d)::int % 4 = 0 THEN 'h-' || a.id END,
             'in_person', d::date, d + interval '1 hour', 'bench'
        FROM agencies a, generate_series('2026-01-01'::date, '2026-12-31'::date, interval '1 day') d,
             generate_series(1, 2) k
       WHERE a.id LIKE 'bench-%' AND extract(isodow FROM d) < 6
         AND (k = 1 OR extract(doy FROM d)::int % 10 = (abs(hashtext(a.id)) % 10))`);
    const { rows: sc } = await db.raw<{ rows: Array<{ n: string }> }>(`SELECT count(*) AS n FROM reception_sessions`);
    const sessions = Number(sc[0]!.n);
    const perSession = Math.ceil(VISITS / sessions);
    await db.raw(
      `INSERT INTO reception_visits (id, session_id, agency_id, visited_at, people_count, is_delegation, content_type,
          summary, outcome, created_by)
       SELECT 'v-' || s.id || '-' || i, s.id, s.agency_id, s.started_at,
              CASE WHEN i % 50 = 0 THEN 2 ELSE 1 END + (i % 7), i % 50 = 0,
              (ARRAY['complaint','denunciation','petition','feedback'])[1 + i % 4], 'bench',
              CASE WHEN i % 5 = 0 THEN 'letter_received' ELSE 'guided' END, 'bench'
         FROM (SELECT id, agency_id, started_at, row_number() OVER (ORDER BY id) AS rn FROM reception_sessions) s,
              generate_series(1, ?) i
        WHERE (s.rn - 1) * ? + i <= ?`,
      [perSession, perSession, VISITS],
    );
    await db.raw('VACUUM ANALYZE reception_sessions');
    await db.raw('VACUUM ANALYZE reception_visits');
    const { rows: vc } = await db.raw<{ rows: Array<{ n: string }> }>(`SELECT count(*) AS n FROM reception_visits`);
    const loadS = (Date.now() - t0) / 1000;
    const agencies = (await db('agencies').where('id', 'like', 'bench-%').select('id')).map(
      (r: { id: string }) => r.id,
    );

    const times: number[] = [];
    let shortMonth = 0;
    for (let i = 0; i < RUNS; i++) {
      const month = `2026-${String(1 + (i % 12)).padStart(2, '0')}`;
      const t = process.hrtime.bigint();
      const rows = await monthlyCompliance(db, agencies, month);
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (i === 6) shortMonth = rows.filter((r) => !r.kept).length;
    }
    const { rows: plan } = await db.raw<{ rows: Array<{ 'QUERY PLAN': string }> }>(
      `EXPLAIN (ANALYZE, BUFFERS) SELECT count(*) FROM reception_sessions s JOIN reception_visits v ON v.session_id = s.id
        WHERE s.agency_id = ANY(?) AND s.session_date BETWEEN '2026-07-01' AND '2026-07-31'`,
      [agencies],
    );
    const sorted = [...times].sort((a, b) => a - b);
    const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(1);
    const report = [
      '# Reception compliance benchmark (issue 14.8)',
      '',
      'Matter suggestions on intake (`bench/reception.ts`): [reception-suggestions.md](reception-suggestions.md).',
      '',
      `Run ${new Date().toISOString()} on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), shared machine.`,
      '',
      `Data: ${agencies.length} agencies (1 province, 30 departments, 69 communes), ${sessions.toLocaleString('en')} ` +
        `sessions in 2026, ${Number(vc[0]!.n).toLocaleString('en')} visits; loaded in ${loadS.toFixed(0)} s.`,
      '',
      `\`GET /v1/reception/compliance?month=…\` for the whole province (reception/compliance.ts monthlyCompliance, ` +
        `one SQL statement), ${RUNS} runs over the 12 months:`,
      '',
      '| p50 | p90 | p99 | max |',
      '| --- | --- | --- | --- |',
      `| ${q(0.5)} ms | ${q(0.9)} ms | ${q(0.99)} ms | ${q(1)} ms |`,
      '',
      `Agencies short of the minimum in July 2026: ${shortMonth}. Target: under 1 s.`,
      '',
      "The month's sessions with their visits (a plan of the join the aggregate makes):",
      '',
      '```',
      ...plan.map((r) => r['QUERY PLAN']),
      '```',
      '',
    ].join('\n');
    writeFileSync(path.join(import.meta.dirname, 'results', 'reception.md'), report);
    console.log(report);
  } finally {
    await db.destroy();
    await pg.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
