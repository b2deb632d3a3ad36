/**
 * EXPLAIN ANALYZE of the task query the inbox calls (GET /v1/tasks?status=open&limit=200 as an officer of
 * so-tnmt) on BENCH_CONSOLE_CASES seeded cases, as bench/console.ts seeds them. `tsx bench/inbox-explain.ts`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTaskSearch } from '../db/case-search.js';
import { createOtherTaskSearch } from '../db/inbox-items.js';
// @ts-expect-error plain .mjs script without types
import { ensureTemporal } from '../scripts/install-temporal.mjs';
import { seedReadModel } from './api.js';
import { seedTasks } from './console.js';
import { startBenchStack } from './stack.js';

const N = Number(process.env.BENCH_CONSOLE_CASES ?? 100_000);
const bins = ensureTemporal({ quiet: true }) as { temporal: string };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kntc-bench-explain-'));
fs.chmodSync(tmp, 0o755);
const stops: Array<() => Promise<unknown>> = [];
try {
  const { db } = await startBenchStack(tmp, bins.temporal, stops);
  await seedReadModel(db, N);
  await seedTasks(db);
  const agencies = ['so-tnmt'];
  const captured: Array<{ sql: string; bindings: unknown[] }> = [];
  db.on('query', (q: { sql: string; bindings: unknown[] }) => captured.push(q));
  const search = createTaskSearch(db);
  // As the inbox asks (GET /v1/tasks?status=open&limit=200, a token without task-role permissions: no role filter).
  const q = { agencies, status: 'open', roles: [], limit: 200 } as Parameters<typeof search.search>[0];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const rows = await search.search(q);
    console.log(`search: ${rows.length} rows in ${(performance.now() - t0).toFixed(1)} ms`);
  }
  const { sql, bindings } = captured[captured.length - 1]!;
  const conn = (await db.client.acquireConnection()) as import('pg').Client;
  try {
    const plan = await conn.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, bindings);
    console.log(plan.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n'));
  } finally {
    await db.client.releaseConnection(conn);
  }
  // ADR 0039: the other kinds' query the same request runs (BENCH_INBOX_OTHERS rows of each kind over the agencies).
  const others = Number(process.env.BENCH_INBOX_OTHERS ?? 10_000);
  await seedOtherTasks(db, others);
  const otherSearch = createOtherTaskSearch(db);
  const oq = {
    agencies,
    apiRoles: ['supervisor'],
    roles: [],
    status: 'open' as const,
    kinds: ['compliance', 'period', 'review'] as const,
    limit: 200,
  };
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const rows = await otherSearch.search(oq);
    console.log(`other kinds: ${rows.length} rows in ${(performance.now() - t0).toFixed(1)} ms`);
  }
  const o = captured[captured.length - 1]!;
  const conn2 = (await db.client.acquireConnection()) as import('pg').Client;
  try {
    const plan = await conn2.query(`EXPLAIN (ANALYZE, BUFFERS) ${o.sql}`, o.bindings);
    console.log(plan.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n'));
  } finally {
    await db.client.releaseConnection(conn2);
  }
  console.log(`load ${os.loadavg()[0]!.toFixed(1)}`);
} finally {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  fs.rmSync(tmp, { recursive: true, force: true });
}

/** `n` compliance tasks, period tasks and reviews spread over the agencies (one period, one campaign). */
async function seedOtherTasks(db: import('../db/knex.js').Db, n: number): Promise<void> {
  await db.raw(`INSERT INTO reception_periods (id, name, starts_on, ends_on, governing_agency_id, designated_agency_id,
      flagged_target_days, report_due_time, created_by)
    SELECT 'rpd_bench000000000', 'bench', '2000-01-01', '2099-12-31', id, id, 5, '16:00', '{}'
      FROM agencies WHERE parent_id IS NULL LIMIT 1`);
  await db.raw(
    `INSERT INTO reception_compliance_tasks (id, agency_id, supervising_agency_id, rule_id, citation,
      period_first, period_last, required_days, held_days, delegated_days)
    SELECT 'rct_' || lpad(to_hex(g), 16, '0'), a.id, a.parent_id, 'r' || g, 'bench', '2026-01-01', '2026-01-31', 1, 0, 0
      FROM generate_series(1, ?::int) g
      JOIN LATERAL (SELECT id, parent_id FROM agencies ORDER BY id OFFSET g % (SELECT count(*) FROM agencies) LIMIT 1) a
        ON TRUE`,
    [n],
  );
  await db.raw(
    `INSERT INTO reception_period_tasks (id, period_id, kind, agency_id, subject_agency_id, task_date,
      due_at, status)
    SELECT 'rpt_' || lpad(to_hex(g), 16, '0'), 'rpd_bench000000000',
        CASE WHEN g % 2 = 0 THEN 'daily_report' ELSE 'duty_roster_gap' END, a.id, a.id,
        DATE '2000-01-01' + g, now() + g * interval '1 minute', CASE WHEN g % 3 = 0 THEN 'closed' ELSE 'open' END
      FROM generate_series(1, ?::int) g
      JOIN LATERAL (SELECT id FROM agencies ORDER BY id OFFSET g % (SELECT count(*) FROM agencies) LIMIT 1) a
        ON TRUE`,
    [n],
  );
  await db.raw(
    `INSERT INTO matters (id, agency_id, title, subject_norm, first_received_at, last_received_at, created_by)
    SELECT 'mb-' || g, a.id, 'bench ' || g, 'bench ' || g, now(), now(), 'bench'
      FROM generate_series(1, ?::int) g
      JOIN LATERAL (SELECT id FROM agencies ORDER BY id OFFSET g % (SELECT count(*) FROM agencies) LIMIT 1) a
        ON TRUE`,
    [n],
  );
  await db.raw(`INSERT INTO review_campaigns (id, name, agency_id, criteria, due_at, workflow_id, created_by)
    SELECT 'rc-bench', 'bench', id, '{}', now(), 'rc-bench', '{}' FROM agencies WHERE parent_id IS NULL LIMIT 1`);
  await db.raw(
    `INSERT INTO review_items (id, campaign_id, matter_id, agency_id, due_at, status, opened_at)
    SELECT 'rv-' || g, 'rc-bench', 'mb-' || g, m.agency_id, now() + g * interval '1 minute',
        CASE WHEN g % 3 = 0 THEN 'pending' ELSE 'open' END, now()
      FROM generate_series(1, ?::int) g JOIN matters m ON m.id = 'mb-' || g`,
    [n],
  );
  await db.raw('ANALYZE reception_compliance_tasks, reception_period_tasks, review_items, matters');
}
