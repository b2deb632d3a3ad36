/**
 * EXPLAIN ANALYZE of the task query the inbox calls (GET /v1/tasks?status=open&limit=200 as an officer of
 * so-tnmt) on BENCH_CONSOLE_CASES seeded cases, as bench/console.ts seeds them. `tsx bench/inbox-explain.ts`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTaskSearch } from '../db/case-search.js';
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
  console.log(`load ${os.loadavg()[0]!.toFixed(1)}`);
} finally {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  fs.rmSync(tmp, { recursive: true, force: true });
}
