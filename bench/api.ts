/**
 * API benchmark (issue 6 item 12), on an embedded PostgreSQL and a Temporal dev server that it
 * starts itself, loopback only:
 *  1. 100,000 synthetic cases bulk-inserted (generate_series) into the read-model tables;
 *  2. p50/p99 latency of `GET /v1/cases/:id` (target p99 < 20 ms) and of a filtered search
 *     (`GET /v1/cases?...` when the route exists, otherwise the SQL such a search runs; target p99 < 100 ms);
 *  3. cases started per second through `POST /v1/cases` vs raw Temporal client starts of the same
 *     workflow with the same options, alternating rounds in the same run (target >= 70%);
 *  4. time from a task completion (the interpreter's `completeTask` update) to its visibility in the
 *     read model (`case_tasks`), p50/p99.
 * Every loop is bounded. Environment: BENCH_API_CASES (100000), BENCH_API_GETS (2000),
 * BENCH_API_SEARCHES (400), BENCH_API_STARTS (100 per round), BENCH_API_ROUNDS (8: API and raw alternate,
 * short rounds so that other load on the machine hits both alike),
 * BENCH_API_CONCURRENCY (16), BENCH_API_AUTH (`api-key`: starts authenticate as an integrating system; `jwt`: as a person),
 * BENCH_API_HTTP (`http`: the child's client is node:http with keep-alive; `fetch`), BENCH_API_PROFILE (a .cpuprofile file: profile 4 more API-only rounds), BENCH_API_TASK_CASES (30), BENCH_API_PARTS (`reads,starts,tasks`: which
 * parts to run; `npm run bench -- api-starts` runs the start-rate part alone and writes no file).
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, type WorkflowStartOptions } from '@temporalio/client';
import { type Worker } from '@temporalio/worker';
import { apiRoutes, createApp } from '../api/app.js';
import type { AppDeps } from '../api/deps.js';
import { signToken } from '../api/auth/dev-token.js';
import { createApiKeyStore } from '../db/api-keys.js';
import { type Db } from '../db/knex.js';
import { createLogger } from '../platform/logger.js';
import { createPiiKeyring } from '../platform/pii.js';
import { installTemporalRuntimeLogger } from '../platform/temporal.js';
import { cachedWorkflowBundle } from '../platform/replay.js';
// @ts-expect-error plain .mjs script without types
import { ensureTemporal } from '../scripts/install-temporal.mjs';
import { createCaseWorker } from '../worker.js';
import { caseWorkflowId, completeTask, PROCESS_WORKFLOW, type ProcessInput } from '../workflows/contract.js';
import {
  formatPin,
  pinDefinition,
  validateDefinition,
  type ProcessDefinitionInput,
} from '../workflows/engine/index.js';
import { drive } from './drive.js';
import { startBenchStack } from './stack.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

/** One line of the result table. */
export interface ApiBenchRow {
  metric: string;
  samples: number;
  p50: string;
  p99: string;
  result: string;
  target: string;
  met: boolean | null;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const ms = (v: number) => `${v.toFixed(2)} ms`;

/** CPU time (user + system, every thread of this process) spent by `fn`, in ms. */
async function withCpu<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const c0 = process.cpuUsage();
  const r = await fn();
  const c = process.cpuUsage(c0);
  lastCpuSplit = { user: c.user / 1000, system: c.system / 1000 };
  return [r, (c.user + c.system) / 1000];
}
/** User and system CPU ms of the last `withCpu` call (logged per start round). */
let lastCpuSplit = { user: 0, system: 0 };

/** Sequential timings of `fn` (after `warmup` untimed calls), sorted ascending, in ms; `cpu`: process CPU ms per call. */
async function timings(
  n: number,
  warmup: number,
  fn: (i: number) => Promise<void>,
): Promise<number[] & { cpu: number }> {
  for (let i = 0; i < warmup; i++) await fn(i);
  const out: number[] = [];
  const [, cpu] = await withCpu(async () => {
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await fn(i);
      out.push(performance.now() - t0);
    }
  });
  return Object.assign(
    out.sort((a, b) => a - b),
    { cpu: cpu / n },
  );
}

const AGENCIES = ['so-tnmt', 'thanh-tra-tinh', 'ubnd-xa-a', 'ubnd-xa-b'];
const TYPES = ['letter', 'complaint_first', 'complaint_second', 'denunciation', 'petition'];

/**
 * Bulk-inserts `n` synthetic cases into `cases` and `case_states` (one SQL statement each) with ids
 * `00000000-0000-4000-8000-<12 digits>`: agencies, types, receipt dates over two years, a tenth
 * overdue. Columns other routes may have added are left to their defaults.
 */
export async function seedReadModel(db: Db, n: number): Promise<void> {
  // The per-row triggers that keep `case_facts` current take a lock per case: 100,000 in one statement exhaust the
  // lock table ("out of shared memory"). Bypass them for the bulk load (session_replication_role), then build the
  // facts set-based, as bench/figures.ts does.
  await db.transaction(async (trx) => {
    await trx.raw(`SET LOCAL session_replication_role = replica`);
    await seedRows(trx, n);
  });
  await db.raw('SELECT kntc_case_facts_rebuild_all()');
  // Vacuum now, not in the middle of the measurements (insert-triggered autovacuum).
  await db.raw('VACUUM ANALYZE cases');
  await db.raw('VACUUM ANALYZE case_states');
  await db.raw('VACUUM ANALYZE case_facts');
}

async function seedRows(db: Db, n: number): Promise<void> {
  const id = `('00000000-0000-4000-8000-' || lpad(g::text, 12, '0'))`;
  const agency = `(ARRAY['${AGENCIES.join("','")}'])[1 + g % ${AGENCIES.length}]`;
  const type = `(ARRAY['${TYPES.join("','")}'])[1 + (g / 7) % ${TYPES.length}]`;
  const received = `timestamptz '2025-01-01T00:00:00Z' + (g % 700) * interval '1 day' + (g % 86400) * interval '1 second'`;
  await db.raw(`INSERT INTO cases (id, reference, workflow_id, case_type, channel, agency_id, subject, remote_area, received_at, stage, status, projection_seq)
    SELECT ${id}, 'BENCH-' || g, 'case-' || ${id}, ${type}, 'portal', ${agency}, 'Đơn thử nghiệm số ' || g, g % 13 = 0,
           ${received}, CASE WHEN g % 3 = 0 THEN 'verification' ELSE 'received' END, CASE WHEN g % 5 = 0 THEN 'closed' ELSE 'open' END, 1
      FROM generate_series(1, ${n}) g`);
  await db.raw(`INSERT INTO case_states (case_id, case_type, agency_id, pin, stage, status, outcome, next_due_at, overdue, state, seq)
    SELECT ${id}, ${type}, ${agency}, 'bench-ten-steps@1+sha256:bench',
           CASE WHEN g % 3 = 0 THEN 'verification' ELSE 'received' END, CASE WHEN g % 5 = 0 THEN 'completed' ELSE 'running' END, NULL,
           ${received} + interval '30 days', g % 10 = 0,
           jsonb_build_object('caseId', ${id}, 'pin', 'bench-ten-steps@1+sha256:bench', 'status', 'running', 'stage', 'received',
             'currentNodes', '[]'::jsonb, 'openTasks', '[]'::jsonb, 'tasks', '[]'::jsonb, 'clocks', '[]'::jsonb, 'nextDueAt', NULL,
             'variables', '{}'::jsonb, 'caseEvents', '{}'::jsonb, 'flags', jsonb_build_object('overdue', g % 10 = 0), 'history', '[]'::jsonb, 'children', '[]'::jsonb),
           1
      FROM generate_series(1, ${n}) g`);
}

const benchId = (g: number) => `00000000-0000-4000-8000-${String(g).padStart(12, '0')}`;

/** A definition of `n` sequential user tasks: each completion is one projected step. */
function userTaskChain(n: number): ProcessDefinitionInput {
  const id = (i: number) => `t${i}`;
  return {
    key: 'bench-user-tasks',
    version: 1,
    name: 'Benchmark: sequential user tasks',
    caseType: 'petition',
    effectiveFrom: '2026-01-01',
    nodes: [
      { type: 'startEvent', id: 'start' },
      ...Array.from({ length: n }, (_, i) => ({
        type: 'userTask' as const,
        id: id(i + 1),
        name: `Task ${i + 1}`,
        candidateRoles: ['officer'],
        agencyScope: 'receiving' as const,
      })),
      { type: 'endEvent', id: 'end', outcome: 'done' },
    ],
    flows: [
      { id: 'f0', source: 'start', target: id(1) },
      ...Array.from({ length: n - 1 }, (_, i) => ({ id: `f${i + 1}`, source: id(i + 1), target: id(i + 2) })),
      { id: `f${n}`, source: id(n), target: 'end' },
    ],
  } as ProcessDefinitionInput;
}

export type ApiBenchPart = 'reads' | 'starts' | 'tasks';
export const API_BENCH_PARTS: readonly ApiBenchPart[] = ['reads', 'starts', 'tasks'];

/** Runs the API benchmark; returns the table rows and writes nothing (see `runAndWriteApiBench`). */
export async function runApiBench(
  log: (s: string) => void = console.error,
  parts: readonly ApiBenchPart[] = (process.env.BENCH_API_PARTS?.split(',') as ApiBenchPart[] | undefined) ??
    API_BENCH_PARTS,
): Promise<{ rows: ApiBenchRow[]; notes: string[] }> {
  const N = env('BENCH_API_CASES', 100_000);
  const GETS = env('BENCH_API_GETS', 2000);
  const SEARCHES = env('BENCH_API_SEARCHES', 400);
  const STARTS = env('BENCH_API_STARTS', 100);
  const ROUNDS = env('BENCH_API_ROUNDS', 8);
  const CONCURRENCY = env('BENCH_API_CONCURRENCY', 16);
  const TASK_CASES = env('BENCH_API_TASK_CASES', 30);
  const TASKS_PER_CASE = 5;
  const notes: string[] = [];
  const rows: ApiBenchRow[] = [];

  const logger = createLogger('silent');
  installTemporalRuntimeLogger(logger, 'ERROR');
  const bins = ensureTemporal({ quiet: true }) as { temporal: string };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kntc-bench-api-'));
  fs.chmodSync(tmp, 0o755); // the embedded server runs as the `postgres` user when we are root
  const stops: Array<() => Promise<unknown>> = [];
  try {
    log('starting embedded PostgreSQL and the Temporal dev server…');
    const { db, connection, native } = await startBenchStack(tmp, bins.temporal, stops);
    const client = new Client({ connection, namespace: 'default' });
    // Two queues: the API starts cases on one nobody polls, so start throughput measures the start
    // path and not the worker's backlog; the worker serves the task-completion measurement.
    const startQueue = `bench-api-starts-${randomUUID().slice(0, 8)}`;
    const taskQueue = `bench-api-tasks-${randomUUID().slice(0, 8)}`;

    // The API's Temporal client records what POST /v1/cases starts, so raw starts start exactly that.
    let captured: { type: string; options: WorkflowStartOptions } | undefined;
    const apiClient = new Client({ connection, namespace: 'default' });
    const realStart = apiClient.workflow.start.bind(apiClient.workflow);
    apiClient.workflow.start = (async (type: string, options: WorkflowStartOptions) => {
      captured ??= { type, options };
      return realStart(type, options);
    }) as typeof apiClient.workflow.start;

    const jwtSecret = randomUUID();
    const deps: AppDeps = {
      db,
      temporal: apiClient,
      taskQueue: startQueue,
      logger,
      auth: { jwtSecret },
      pii: createPiiKeyring(`bench1:${Buffer.alloc(32, 7).toString('base64')}`),
    };
    const app = createApp(deps);
    const server = await new Promise<import('node:http').Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    stops.push(
      () =>
        new Promise<void>((r) => {
          server.close(() => r());
          server.closeAllConnections();
        }),
    );
    const addr = server.address();
    const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    // Integrating systems (the ones that start cases in bulk) authenticate with an API key; people with a JWT.
    // BENCH_API_AUTH=jwt benches the starts with a person's token instead (reads always use the token).
    const token = await signToken(jwtSecret, {
      sub: 'bench-admin',
      agency: 'tinh-demo',
      roles: ['admin', 'intake', 'officer', 'supervisor', 'auditor'],
      permissions: [],
    });
    const headers = { authorization: `Bearer ${token}` };
    const startAuth = process.env.BENCH_API_AUTH === 'jwt' ? 'jwt' : 'api-key';
    const startHeaders: Record<string, string> =
      startAuth === 'jwt'
        ? headers
        : {
            'x-api-key': (
              await createApiKeyStore(db).create({
                name: 'bench integrator',
                agencyId: 'tinh-demo',
                roles: ['intake'],
                createdBy: 'bench',
              })
            ).key,
          };

    const { bundle } = await cachedWorkflowBundle();
    const worker: Worker = await createCaseWorker({
      connection: native,
      namespace: 'default',
      taskQueue,
      db,
      logger,
      workflowBundle: bundle,
    });
    const workerRun = worker.run();
    stops.push(async () => {
      worker.shutdown();
      await workerRun.catch(() => undefined);
    });

    if (parts.includes('reads')) {
      // 1. The read model.
      const t0 = performance.now();
      await seedReadModel(db, N);
      log(`seeded ${N} cases in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      notes.push(
        `Read model: ${N.toLocaleString('en')} synthetic cases bulk-inserted with generate_series into \`cases\` and \`case_states\` (${((performance.now() - t0) / 1000).toFixed(1)} s).`,
      );

      // 2a. GET /v1/cases/:id, sequential, one keep-alive client, random ids.
      const getLat = await timings(GETS, 500, async () => {
        const r = await fetch(`${base}/v1/cases/${benchId(1 + Math.floor(Math.random() * N))}`, { headers });
        if (r.status !== 200) throw new Error(`GET /v1/cases/:id → ${r.status} ${await r.text()}`);
        await r.arrayBuffer();
      });
      rows.push({
        metric: 'GET /v1/cases/:id (HTTP, sequential)',
        samples: GETS,
        p50: ms(percentile(getLat, 50)),
        p99: ms(percentile(getLat, 99)),
        result: `API process CPU ${getLat.cpu.toFixed(2)} ms/request`,
        target: 'p99 < 20 ms',
        met: percentile(getLat, 99) < 20,
      });
      log(`GET /v1/cases/:id p50 ${ms(percentile(getLat, 50))} p99 ${ms(percentile(getLat, 99))}`);

      // 2b. Filtered search: the list route when it exists, otherwise the SQL it would run.
      const listRoute = apiRoutes().find((r) => r.method === 'get' && r.path === '/v1/cases');
      const searchQuery = (i: number) => {
        const from = new Date(Date.UTC(2025, (i * 5) % 20, 1));
        const to = new Date(from.getTime() + 90 * 86_400_000);
        return {
          agency: AGENCIES[i % AGENCIES.length]!,
          type: TYPES[i % TYPES.length]!,
          from: from.toISOString(),
          to: to.toISOString(),
        };
      };
      let searchLat: number[] & { cpu: number };
      let searchLabel: string;
      const shape = listRoute?.request?.query?.shape as Record<string, unknown> | undefined;
      const httpSearch = shape && ['type', 'overdue'].every((k) => k in shape);
      if (httpSearch) {
        const keys = Object.keys(shape);
        const fromKey = keys.find((k) => /^received(From|After|Since)$/.test(k));
        const toKey = keys.find((k) => /^received(To|Before|Until)$/.test(k));
        const agencyKey = keys.find((k) => /^agency(Id)?$/.test(k));
        searchLabel = `GET /v1/cases?type&overdue${agencyKey ? `&${agencyKey}` : ''}${fromKey ? `&${fromKey}&${toKey ?? ''}` : ''} (HTTP, sequential)`;
        searchLat = await timings(SEARCHES, 50, async (i) => {
          const q = searchQuery(i);
          const p = new URLSearchParams({ type: q.type, overdue: 'true' });
          if (agencyKey) p.set(agencyKey, q.agency);
          if (fromKey) p.set(fromKey, q.from);
          if (toKey) p.set(toKey, q.to);
          const r = await fetch(`${base}/v1/cases?${p.toString()}`, { headers });
          if (r.status !== 200) throw new Error(`GET /v1/cases?${p.toString()} → ${r.status} ${await r.text()}`);
          await r.arrayBuffer();
        });
      } else {
        searchLabel = 'filtered search — SQL of the list route (no HTTP route yet)';
        notes.push(
          '`GET /v1/cases` (list/search) is not declared yet: the search row times the SQL it would run (agency subtree + type + overdue + received between, newest first, page of 50) on the same pool, without HTTP.',
        );
        const subtreeOf = (a: string) => (a === 'tinh-demo' ? [...AGENCIES, 'tinh-demo'] : [a]);
        searchLat = await timings(SEARCHES, 50, async (i) => {
          const q = searchQuery(i);
          await db.raw(
            `SELECT c.*, s.overdue, s.next_due_at FROM cases c JOIN case_states s ON s.case_id = c.id
             WHERE c.agency_id = ANY(?) AND c.case_type = ? AND s.overdue AND c.received_at >= ? AND c.received_at < ?
             ORDER BY c.received_at DESC, c.id DESC LIMIT 50`,
            [subtreeOf(q.agency) as unknown as string, q.type, q.from, q.to],
          );
        });
      }
      rows.push({
        metric: searchLabel,
        samples: SEARCHES,
        p50: ms(percentile(searchLat, 50)),
        p99: ms(percentile(searchLat, 99)),
        result: `API process CPU ${searchLat.cpu.toFixed(2)} ms/request`,
        target: 'p99 < 100 ms',
        met: percentile(searchLat, 99) < 100,
      });
      log(`search p50 ${ms(percentile(searchLat, 50))} p99 ${ms(percentile(searchLat, 99))}`);
    }
    if (parts.includes('starts')) {
      // 3. Starts per second: POST /v1/cases vs raw client starts of the same workflow, alternating rounds.
      const body = apiRoutes().find((r) => r.method === 'post' && r.path === '/v1/cases')?.request?.bodyExample;
      if (!body) throw new Error('POST /v1/cases declares no bodyExample');
      const post = async () => {
        const r = await fetch(`${base}/v1/cases`, {
          method: 'POST',
          headers: { ...startHeaders, 'content-type': 'application/json', 'Idempotency-Key': randomUUID() },
          body: JSON.stringify(body),
        });
        if (r.status !== 201) throw new Error(`POST /v1/cases → ${r.status} ${await r.text()}`);
        await r.arrayBuffer();
      };
      await post(); // captures the workflow type and options
      if (!captured) throw new Error('POST /v1/cases started no workflow through client.workflow.start');
      const model = captured;
      const raw = async () => {
        const id = randomUUID();
        const args = (model.options.args ?? []).map((a) =>
          a && typeof a === 'object' && 'caseId' in a ? { ...a, caseId: id } : a,
        );
        await client.workflow.start(model.type, {
          ...model.options,
          workflowId: caseWorkflowId(id),
          args,
        } as WorkflowStartOptions);
      };
      // The HTTP client: in a child process by default (an integrator's client does not share the API's event
      // loop); BENCH_API_CLIENT=inline runs it in this process, as the benchmark did before 2026-11-28.
      const inline = process.env.BENCH_API_CLIENT === 'inline';
      // The child's client: node:http with a keep-alive agent (default), or fetch (BENCH_API_HTTP=fetch, as before 2026-11-28T01:10Z).
      const httpClient = process.env.BENCH_API_HTTP === 'fetch' ? 'fetch' : 'http';
      const loader = inline
        ? undefined
        : fork(fileURLToPath(new URL('./http-load.mjs', import.meta.url)), [], {
            stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
          });
      const ask = (m: object) =>
        new Promise<{ seconds?: number; cpuMs?: number; error?: string; ready?: boolean }>((resolve, reject) => {
          loader!.once('message', (r) => resolve(r as never));
          loader!.once('error', reject);
          loader!.send(m);
        });
      if (loader) {
        stops.push(async () => {
          loader.disconnect();
        });
        await ask({
          url: `${base}/v1/cases`,
          headers: { ...startHeaders, 'content-type': 'application/json' },
          body: JSON.stringify(body),
          client: httpClient,
        });
      }
      const clientCpu = { api: 0 };
      /** `n` POSTs at CONCURRENCY; elapsed seconds. */
      const postRound = async (n: number): Promise<number> => {
        if (!loader) return drive(n, CONCURRENCY, post);
        const r = await ask({ run: n, concurrency: CONCURRENCY });
        if (r.error || r.seconds === undefined) throw new Error(`load generator: ${r.error ?? 'no answer'}`);
        clientCpu.api += r.cpuMs ?? 0;
        return r.seconds;
      };
      for (let i = 0; i < 30; i++) await Promise.all([post(), raw()]); // warm-up (server side)
      if (loader) await postRound(60); // and the load generator's
      clientCpu.api = 0;
      const totals = { api: 0, raw: 0 };
      const cpu = { api: 0, raw: 0 };
      // SQL statements (knex 'query' events, BEGIN/COMMIT included) and transactions during the API rounds.
      const sql = { statements: 0, transactions: 0, counting: false };
      db.on('query', (q: { sql?: string }) => {
        if (!sql.counting) return;
        sql.statements++;
        if (/^\s*BEGIN/i.test(q.sql ?? '')) sql.transactions++;
      });
      // New TCP connections to the API during the timed rounds (the client keeps its connections alive).
      let connections = 0;
      const onConnection = () => {
        connections++;
      };
      server.on('connection', onConnection);
      for (let r = 0; r < ROUNDS; r++) {
        for (const v of (r % 2 === 0 ? ['api', 'raw'] : ['raw', 'api']) as Array<'api' | 'raw'>) {
          sql.counting = v === 'api';
          const [s, c] = await withCpu(() => (v === 'api' ? postRound(STARTS) : drive(STARTS, CONCURRENCY, raw)));
          sql.counting = false;
          totals[v] += s;
          cpu[v] += c;
          log(
            `round ${r + 1}: ${v === 'api' ? 'POST /v1/cases' : 'raw client start'}: ${STARTS} in ${s.toFixed(2)} s; CPU ${(c / STARTS).toFixed(2)} ms each (user ${(lastCpuSplit.user / STARTS).toFixed(2)}, system ${(lastCpuSplit.system / STARTS).toFixed(2)})`,
          );
        }
      }
      server.off('connection', onConnection);
      log(`new HTTP connections during the timed rounds: ${connections}`);
      const profileOut = process.env.BENCH_API_PROFILE;
      if (profileOut) {
        // BENCH_API_PROFILE=<file.cpuprofile>: a CPU profile of this process over 4 more API-only rounds (not timed).
        const inspector = await import('node:inspector/promises');
        const session = new inspector.Session();
        session.connect();
        await session.post('Profiler.enable');
        await session.post('Profiler.setSamplingInterval', { interval: 200 });
        await session.post('Profiler.start');
        for (let i = 0; i < 4; i++) await postRound(STARTS);
        const { profile } = await session.post('Profiler.stop');
        fs.writeFileSync(profileOut, JSON.stringify(profile));
        session.disconnect();
        log(`CPU profile of ${4 * STARTS} POSTs written to ${profileOut}`);
      }
      const apiRate = (STARTS * ROUNDS) / totals.api;
      const rawRate = (STARTS * ROUNDS) / totals.raw;
      rows.push({
        metric: `cases started/s, raw Temporal client (\`${model.type}\`, concurrency ${CONCURRENCY})`,
        samples: STARTS * ROUNDS,
        p50: '',
        p99: '',
        result: `${rawRate.toFixed(1)}/s; process CPU ${(cpu.raw / (STARTS * ROUNDS)).toFixed(1)} ms/case`,
        target: '',
        met: null,
      });
      const clientNote = inline
        ? 'HTTP client in the API process'
        : `HTTP client in a child process, its CPU ${(clientCpu.api / (STARTS * ROUNDS)).toFixed(1)} ms/case`;
      rows.push({
        metric: `cases started/s, POST /v1/cases (${startAuth === 'jwt' ? 'JWT' : 'API key'}, concurrency ${CONCURRENCY})`,
        samples: STARTS * ROUNDS,
        p50: '',
        p99: '',
        result: `${apiRate.toFixed(1)}/s = ${((apiRate / rawRate) * 100).toFixed(0)}% of raw; API process CPU ${(cpu.api / (STARTS * ROUNDS)).toFixed(1)} ms/case (${clientNote})`,
        target: '>= 70% of raw',
        met: apiRate / rawRate >= 0.7,
      });
      const n = STARTS * ROUNDS;
      rows.push({
        metric: 'of which: SQL per POST /v1/cases (statements incl. BEGIN/COMMIT; transactions)',
        samples: n,
        p50: '',
        p99: '',
        result: `${(sql.statements / n).toFixed(1)} statements, ${(sql.transactions / n).toFixed(1)} transactions`,
        target: '',
        met: null,
      });
      notes.push(
        `Starts: POST /v1/cases (${startAuth === 'jwt' ? "a person's JWT (`BENCH_API_AUTH=jwt`)" : "an integrating system's API key, as integrators start cases — `BENCH_API_AUTH=jwt`: a person's token —"}; validation, Idempotency-Key, encrypted party, PIN, read-model seed + audit entry, \`${model.type}\` start) vs \`client.workflow.start('${model.type}')\` with the options and input the API used (same payload, same Temporal connection), concurrency ${CONCURRENCY} for both (${connections} new HTTP connections during the timed rounds: keep-alive), 30 untimed starts of each first, then ${ROUNDS} alternating rounds of ${STARTS}; no worker polls their task queue for either (both measure the start path only). ${inline ? 'The HTTP client ran in the API process (BENCH_API_CLIENT=inline).' : `The HTTP client (${httpClient === 'http' ? 'node:http, keep-alive agent; `BENCH_API_HTTP=fetch` for fetch as before 2026-11-28T01:10Z' : 'fetch, BENCH_API_HTTP=fetch'}) runs in a child process, as an integrator's would not share the API's event loop; \`BENCH_API_CLIENT=inline\` runs fetch in-process as before 2026-11-28.`}`,
      );
    }
    if (parts.includes('tasks')) {
      // 4. Task completion → read model.
      const tasksRoute = apiRoutes().find(
        (r) => r.method === 'post' && /^\/v1\/tasks\/:[A-Za-z]+\/complete$/.test(r.path),
      );
      const v = validateDefinition(userTaskChain(TASKS_PER_CASE));
      if (!v.ok) throw new Error(`bench definition invalid: ${JSON.stringify(v.errors)}`);
      const pin = pinDefinition(v.definition);
      const visible: number[] = [];
      const acked: number[] = [];
      for (let c = 0; c < TASK_CASES; c++) {
        const caseId = randomUUID();
        const input: ProcessInput = {
          caseId,
          caseType: 'petition',
          agencyId: 'so-tnmt',
          definition: v.definition,
          pin: { ...pin, label: formatPin(pin) },
          caseEvents: { received: '2026-11-27' },
        };
        const workflowId = caseWorkflowId(caseId);
        if (tasksRoute) {
          // The case as the read model knows it (the task route scopes by the case's agency).
          await db('cases').insert({
            id: caseId,
            reference: `BENCH-T-${c}`,
            workflow_id: workflowId,
            case_type: 'petition',
            channel: 'portal',
            agency_id: 'so-tnmt',
            subject: 'benchmark',
            received_at: '2026-11-27T02:00:00Z',
            stage: 'received',
            status: 'open',
          });
        }
        const h = await client.workflow.start(PROCESS_WORKFLOW, { taskQueue, workflowId, args: [input] });
        for (let k = 0; k < TASKS_PER_CASE; k++) {
          // Wait until the task is open in the read model (as an officer's inbox shows it).
          let task: { task_id: string } | undefined;
          for (let w = 0; w < 5000 && !task; w++) {
            task = await db('case_tasks').where({ case_id: caseId, status: 'open' }).first('task_id');
            if (!task) await new Promise((r) => setTimeout(r, 2));
          }
          if (!task) throw new Error(`task ${k + 1} of ${caseId} never became visible`);
          const start = performance.now();
          if (tasksRoute) {
            const r = await fetch(`${base}${tasksRoute.path.replace(/:[A-Za-z]+/, `${caseId}.${task.task_id}`)}`, {
              method: 'POST',
              headers: { ...headers, 'content-type': 'application/json', 'Idempotency-Key': randomUUID() },
              body: JSON.stringify({ data: {} }),
            });
            if (r.status >= 300) throw new Error(`${tasksRoute.path} → ${r.status} ${await r.text()}`);
            await r.arrayBuffer();
          } else {
            await h.executeUpdate(completeTask, { args: [{ caseId, taskId: task.task_id, data: {}, actor: 'bench' }] });
          }
          acked.push(performance.now() - start);
          // Visible: the completed task is no longer open in case_tasks (the projected step).
          for (let w = 0; w < 10_000; w++) {
            const still = await db('case_tasks')
              .where({ case_id: caseId, task_id: task.task_id, status: 'open' })
              .first('task_id');
            if (!still) break;
            await new Promise((r) => setImmediate(r));
          }
          visible.push(performance.now() - start);
        }
        await h.result();
      }
      visible.sort((a, b) => a - b);
      acked.sort((a, b) => a - b);
      const via = tasksRoute
        ? `POST ${tasksRoute.path} (HTTP → completeTask update)`
        : 'completeTask update (no task route yet)';
      rows.push({
        metric: `task completion acknowledged — ${via}`,
        samples: acked.length,
        p50: ms(percentile(acked, 50)),
        p99: ms(percentile(acked, 99)),
        result: '',
        target: '',
        met: null,
      });
      rows.push({
        metric: 'task completion → visible in the read model (case_tasks)',
        samples: visible.length,
        p50: ms(percentile(visible, 50)),
        p99: ms(percentile(visible, 99)),
        result: '',
        target: '(report p99)',
        met: null,
      });
      notes.push(
        `Task → read model: ${TASK_CASES} processWorkflow cases of ${TASKS_PER_CASE} sequential user tasks; each completion is timed from the ${tasksRoute ? `\`POST ${tasksRoute.path}\`` : '`completeTask` update'} call until \`case_tasks\` no longer shows the task open (the \`projectCaseState\` activity after the step), polled on the same database.`,
      );
    }
    return { rows, notes };
  } finally {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** The markdown table of the rows. */
export function apiBenchTable(rows: readonly ApiBenchRow[]): string {
  return [
    '| metric | samples | p50 | p99 | result | target | met |',
    '|---|---:|---:|---:|---|---|:-:|',
    ...rows.map(
      (r) =>
        `| ${r.metric} | ${r.samples} | ${r.p50} | ${r.p99} | ${r.result} | ${r.target} | ${r.met === null ? '' : r.met ? 'yes' : '**no**'} |`,
    ),
  ].join('\n');
}

/** Runs the benchmark, prints the markdown and writes it to bench/results/api.md. */
export async function runAndWriteApiBench(log: (s: string) => void = console.error): Promise<string> {
  const started = new Date();
  const loadBefore = os.loadavg()[0]!;
  const { rows, notes } = await runApiBench(log);
  const loadAfter = os.loadavg()[0]!;
  const md = [
    `### API benchmark (${os.cpus().length} CPUs, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${started.toISOString().slice(0, 16)}Z)`,
    '',
    apiBenchTable(rows),
    '',
    ...notes.map((n) => `- ${n}`),
    '',
    `Embedded PostgreSQL and Temporal dev server (SQLite, in memory) on the same machine as the API, worker and load generator; loopback only. 1-minute load average ${loadBefore.toFixed(1)} at the start, ${loadAfter.toFixed(1)} at the end (other processes on the machine count: latency percentiles are only comparable at similar load). Reproduce with \`npm run bench -- api\`.`,
    '',
  ].join('\n');
  const out = new URL('./results/api.md', import.meta.url);
  fs.mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  fs.writeFileSync(out, md);
  return md;
}
