/**
 * Sustained-load benchmark (issue 11 item 11): officers receive and work petitions (the built-in
 * `petition` definition: 2 user tasks, 4 lifecycle service tasks, a read-model projection after every
 * step) through the HTTP API for a fixed duration, once per worker setting — one worker process, then
 * two — on an embedded PostgreSQL and a Temporal dev server persisted to SQLite (as `npm start` runs
 * them) that the benchmark starts itself, loopback only.
 *
 * Reported per setting: cases started, finished and task completions per second; p50/p99 latency of
 * `POST /v1/cases` and `POST /v1/tasks/:id/complete` as the client saw them; the read-model lag — time
 * from an acknowledged completion to the task no longer open in the read model (`case_tasks`, written
 * in the same transaction as `case_states`), polled every 10 ms — p50/p99/max; projections per second.
 *
 * `npm run bench -- load [--duration 10m] [--workers 1,2] [--concurrency 16] [--poll-ms 200]`.
 * The officers (bench/load-driver.mjs) run in a child process; the case workers are standalone worker
 * processes (`tsx scripts/standalone-worker.ts`), as a scale-out deployment runs them; the API runs in this process.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../api/app.js';
import type { AppDeps } from '../api/deps.js';
import { signToken } from '../api/auth/dev-token.js';
import { registerBuiltinDefinitions } from '../db/builtin-definitions.js';
import { configureAuditKeys, generateAuditKeySpec } from '../db/audit-keys.js';
import { createDb, type Db } from '../db/knex.js';
import { migrateLatest } from '../db/migrate.js';
import { ROOT } from '../platform/config.js';
import { createLogger } from '../platform/logger.js';
import { createPiiKeyring } from '../platform/pii.js';
import { freePort, startEmbeddedPostgres } from '../platform/postgres.js';
import { startDevServer } from '../platform/temporal.js';
// @ts-expect-error plain .mjs script without types
import { ensureTemporal } from '../scripts/install-temporal.mjs';
import { vnDate } from '../workflows/clock/vn-time.js';
import { percentile } from './api.js';

export interface LoadBenchOptions {
  durationMs: number;
  /** One run per entry: how many worker processes. */
  workers: number[];
  /** Officers working at the same time (each on one case). */
  concurrency: number;
  /** How often an officer looks at their case for the next open task. */
  pollMs: number;
}

/** The measurements of one worker setting. */
export interface LoadBenchRun {
  workers: number;
  seconds: number;
  started: number;
  finished: number;
  completions: number;
  projections: number;
  startMs: { p50: number; p99: number };
  completeMs: { p50: number; p99: number };
  lagMs: { p50: number; p99: number; max: number; samples: number; unseen: number };
  errors: number;
  errorSamples: string[];
  load: [number, number];
}

/** `90`, `90s`, `10m`, `1h` → ms. */
export function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(s.trim());
  if (!m) throw new Error(`--duration: expected e.g. 600, 90s, 10m; got '${s}'`);
  const n = Number(m[1]);
  return Math.round(n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h']);
}

/** Options from `--duration`, `--workers`, `--concurrency`, `--poll-ms` (defaults: 10 minutes, 1 then 2 workers, 16, 200 ms). */
export function loadBenchOptions(argv: readonly string[]): LoadBenchOptions {
  const flag = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const workers = (flag('workers') ?? '1,2').split(',').map(Number);
  if (workers.some((w) => !Number.isInteger(w) || w < 1 || w > 8))
    throw new Error('--workers: a list of 1..8, e.g. 1,2');
  return {
    durationMs: parseDuration(flag('duration') ?? '10m'),
    workers,
    concurrency: Number(flag('concurrency') ?? 16),
    pollMs: Number(flag('poll-ms') ?? 200),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A standalone worker process (`tsx scripts/standalone-worker.ts`) on `taskQueue`; resolves once it polls. */
async function startWorkerProcess(o: {
  client: Client;
  address: string;
  dbUrl: string;
  taskQueue: string;
  piiKeys: string;
  logFile: string;
}): Promise<ChildProcess> {
  const out = fs.openSync(o.logFile, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'standalone-worker.ts')], {
    cwd: ROOT,
    stdio: ['ignore', out, out],
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      TEMPORAL_ADDRESS: o.address,
      TEMPORAL_TASK_QUEUE: o.taskQueue,
      DATABASE_URL: o.dbUrl,
      PII_KEYS: o.piiKeys,
    },
  });
  fs.closeSync(out);
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`worker process exited (${child.exitCode}); see ${o.logFile}`);
    const r = await o.client.workflowService.describeTaskQueue({
      namespace: 'default',
      taskQueue: { name: o.taskQueue },
      taskQueueType: 1,
    });
    if ((r.pollers ?? []).some((p) => p.identity?.startsWith(`${child.pid}@`))) return child;
    if (Date.now() > deadline) throw new Error(`worker process not polling after 180 s; see ${o.logFile}`);
    await sleep(250);
  }
}

function stopProcess(child: ChildProcess, graceMs = 30_000): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Watches acknowledged completions until the read model shows them (the task no longer open in
 * `case_tasks`), every `everyMs`; records the lag of each.
 */
function lagWatcher(db: Db, everyMs = 10) {
  const pending = new Map<string, { caseId: string; taskId: string; at: number }>();
  const lags: Array<{ lag: number; at: number }> = [];
  let running = true;
  const loop = (async () => {
    while (running || pending.size > 0) {
      if (pending.size > 0) {
        const items = [...pending.values()];
        const { rows } = await db.raw<{ rows: Array<{ case_id: string; task_id: string }> }>(
          `SELECT t.case_id, t.task_id FROM case_tasks t JOIN unnest(?::text[], ?::text[]) AS p(case_id, task_id) USING (case_id, task_id) WHERE t.status <> 'open'`,
          [items.map((i) => i.caseId) as unknown as string, items.map((i) => i.taskId) as unknown as string],
        );
        const now = Date.now();
        for (const r of rows) {
          const k = `${r.case_id}.${r.task_id}`;
          const p = pending.get(k);
          if (p) {
            lags.push({ lag: Math.max(0, now - p.at), at: p.at });
            pending.delete(k);
          }
        }
      }
      await sleep(everyMs);
    }
  })();
  return {
    add(a: { caseId: string; taskId: string; at: number }) {
      pending.set(`${a.caseId}.${a.taskId}`, a);
    },
    /** Stops once every pending completion is seen or `graceMs` passed; returns the lags (with their ack times) and how many were never seen. */
    async stop(graceMs = 60_000): Promise<{ lags: Array<{ lag: number; at: number }>; unseen: number }> {
      running = false;
      const deadline = Date.now() + graceMs;
      while (pending.size > 0 && Date.now() < deadline) await sleep(50);
      const unseen = pending.size;
      pending.clear();
      await loop;
      return { lags, unseen };
    },
  };
}

interface DriverDone {
  t0: number;
  starts: Array<[number, number]>;
  completions: Array<[number, number]>;
  finished: number[];
  errors: string[];
  errorCount: number;
}

/** Runs the benchmark: one run per worker setting; returns the runs (writes nothing). */
export async function runLoadBench(
  o: LoadBenchOptions,
  log: (s: string) => void = console.error,
): Promise<LoadBenchRun[]> {
  const bins = ensureTemporal({ quiet: true }) as { temporal: string };
  // The audit chain's HMAC key (ADR 0014), the same in the API here and in the worker processes (their env).
  process.env.AUDIT_HMAC_KEYS ??= generateAuditKeySpec('bench-load');
  configureAuditKeys(process.env.AUDIT_HMAC_KEYS);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kntc-bench-load-'));
  fs.chmodSync(tmp, 0o755); // the embedded server runs as the `postgres` user when we are root
  const stops: Array<() => Promise<unknown>> = [];
  const runs: LoadBenchRun[] = [];
  try {
    log('starting embedded PostgreSQL and the Temporal dev server (SQLite file)…');
    const [pg, dev] = await Promise.all([
      startEmbeddedPostgres({
        dataDir: path.join(tmp, 'pg'),
        port: await freePort(),
        database: 'kntc_bench',
        persistent: false,
      }),
      startDevServer({
        binary: bins.temporal,
        port: await freePort(),
        namespace: 'default',
        dbFile: path.join(tmp, 'temporal', 'temporal.db'),
        logFile: path.join(tmp, 'temporal.log'),
      }),
    ]);
    stops.push(
      () => pg.stop(),
      () => dev.stop(),
    );
    const db = createDb(pg.url, { max: 10 });
    stops.push(() => db.destroy());
    await migrateLatest(db);
    await registerBuiltinDefinitions(db);
    const connection = await Connection.connect({ address: dev.address });
    stops.push(() => connection.close());
    const client = new Client({ connection, namespace: 'default' });
    const jwtSecret = randomUUID();
    const piiKeys = `bench1:${Buffer.alloc(32, 7).toString('base64')}`;
    const token = await signToken(jwtSecret, {
      sub: 'bench-officer@so-tnmt',
      agency: 'so-tnmt',
      roles: ['officer'],
      permissions: ['task-role:letter_officer', 'task-role:resolver'],
    });
    const today = vnDate(Date.now());

    for (const workers of o.workers) {
      const taskQueue = `bench-load-${workers}w-${randomUUID().slice(0, 8)}`;
      const deps: AppDeps = {
        db,
        temporal: client,
        taskQueue,
        logger: createLogger('silent'),
        auth: { jwtSecret },
        pii: createPiiKeyring(piiKeys),
      };
      const server = await new Promise<import('node:http').Server>((resolve) => {
        const s = createApp(deps).listen(0, '127.0.0.1', () => resolve(s));
      });
      const addr = server.address();
      const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
      log(`${workers} worker process(es): starting…`);
      const children = await Promise.all(
        Array.from({ length: workers }, (_, i) =>
          startWorkerProcess({
            client,
            address: dev.address,
            dbUrl: pg.url,
            taskQueue,
            piiKeys,
            logFile: path.join(tmp, `worker-${workers}-${i}.log`),
          }),
        ),
      );
      const projectionSum = async () =>
        Number((await db('case_states').sum<Array<{ s: string | null }>>('seq as s'))[0]!.s ?? 0);
      const projectionsBefore = await projectionSum();
      let projectionsAtEnd: Promise<number> | undefined;
      const endTimer = setTimeout(() => {
        projectionsAtEnd = projectionSum();
      }, o.durationMs);
      const watcher = lagWatcher(db);
      const driver = fork(fileURLToPath(new URL('./load-driver.mjs', import.meta.url)), [], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      const load: [number, number] = [os.loadavg()[0]!, 0];
      log(`${workers} worker process(es): ${o.concurrency} officers for ${(o.durationMs / 1000).toFixed(0)} s…`);
      const done = await new Promise<DriverDone>((resolve, reject) => {
        driver.on(
          'message',
          (m: { ack?: { caseId: string; taskId: string; at: number }; done?: DriverDone; error?: string }) => {
            if (m.ack) watcher.add(m.ack);
            else if (m.done) resolve(m.done);
            else if (m.error) reject(new Error(`load driver: ${m.error}`));
          },
        );
        driver.once('exit', (code) => reject(new Error(`load driver exited (${code})`)));
        driver.send({
          url,
          headers: { authorization: `Bearer ${token}` },
          concurrency: o.concurrency,
          durationMs: o.durationMs,
          pollMs: o.pollMs,
          body: {
            type: 'petition',
            channel: 'portal',
            receivedAt: new Date(Date.now() - 86_400_000).toISOString(),
            agencyId: 'so-tnmt',
            subject: 'Kiến nghị (benchmark)',
          },
          forms: {
            accept: { petitionDecision: 'accept', decidedOn: today },
            respond: { respondedOn: today, responseRef: 'CV-bench' },
          },
        });
      });
      load[1] = os.loadavg()[0]!;
      driver.removeAllListeners('exit');
      driver.disconnect();
      clearTimeout(endTimer);
      const { lags: allLags, unseen } = await watcher.stop();
      const projections = (await (projectionsAtEnd ?? projectionSum())) - projectionsBefore;
      const lags = allLags
        .filter((l) => l.at - done.t0 <= o.durationMs)
        .map((l) => l.lag)
        .sort((a, b) => a - b);
      await Promise.all(children.map((c) => stopProcess(c)));
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });

      // Rates over the timed window; latencies of the requests acknowledged in it.
      const inWindow = <T extends [number, number]>(xs: T[]) => xs.filter(([t]) => t <= o.durationMs);
      const seconds = o.durationMs / 1000;
      const startLat = inWindow(done.starts)
        .map(([, ms]) => ms)
        .sort((a, b) => a - b);
      const completeLat = inWindow(done.completions)
        .map(([, ms]) => ms)
        .sort((a, b) => a - b);
      const run: LoadBenchRun = {
        workers,
        seconds,
        started: startLat.length,
        finished: done.finished.filter((t) => t <= o.durationMs).length,
        completions: completeLat.length,
        projections,
        startMs: { p50: percentile(startLat, 50), p99: percentile(startLat, 99) },
        completeMs: { p50: percentile(completeLat, 50), p99: percentile(completeLat, 99) },
        lagMs: {
          p50: percentile(lags, 50),
          p99: percentile(lags, 99),
          max: lags[lags.length - 1] ?? NaN,
          samples: lags.length,
          unseen,
        },
        errors: done.errorCount,
        errorSamples: done.errors.slice(0, 5),
        load,
      };
      runs.push(run);
      log(`${workers} worker process(es): ${JSON.stringify(run)}`);
    }
    return runs;
  } finally {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '–');

/** The markdown report of the runs. */
export function loadBenchMarkdown(o: LoadBenchOptions, runs: readonly LoadBenchRun[], started: Date): string {
  const short = o.durationMs < 600_000;
  return [
    `### Sustained load (${os.cpus().length} CPUs, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${started.toISOString().slice(0, 16)}Z)`,
    '',
    short
      ? `**Short run: ${(o.durationMs / 1000).toFixed(0)} s per setting** (the benchmark's default is 10 minutes; this run only checks that it works and shows the format).`
      : `${(o.durationMs / 60_000).toFixed(0)} minutes per setting.`,
    '',
    '| worker processes | cases started/s | cases finished/s | completions/s | projections/s | POST /v1/cases p50 / p99 | complete p50 / p99 | read-model lag p50 / p99 / max | errors | load avg (start → end) |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...runs.map(
      (r) =>
        `| ${r.workers} | ${f1(r.started / r.seconds)} | ${f1(r.finished / r.seconds)} | ${f1(r.completions / r.seconds)} | ${f1(r.projections / r.seconds)} | ${f1(r.startMs.p50)} / ${f1(r.startMs.p99)} ms | ${f1(r.completeMs.p50)} / ${f1(r.completeMs.p99)} ms | ${f1(r.lagMs.p50)} / ${f1(r.lagMs.p99)} / ${f1(r.lagMs.max)} ms${r.lagMs.unseen ? ` (${r.lagMs.unseen} never seen)` : ''} | ${r.errors} | ${r.load[0].toFixed(1)} → ${r.load[1].toFixed(1)} |`,
    ),
    '',
    `- Work: ${o.concurrency} officers (a child process, node:http keep-alive) each receive a petition (\`POST /v1/cases\`, the built-in \`petition\` definition), look at it every ${o.pollMs} ms (\`GET /v1/cases/:id\`, the read model) and complete each open task (\`POST /v1/tasks/:id/complete\`: accept, then respond — 2 completions, 4 lifecycle service tasks and a projection after every step per case), then take the next case; for the duration, after which the cases under way finish unmeasured. Rates and latencies count what was acknowledged within the duration.`,
    `- Read-model lag: from the completion's acknowledgement (the client's clock) to the first poll (every 10 ms, in the benchmark process) that finds the task no longer open in \`case_tasks\` (the projection writes \`case_states\` and \`case_tasks\` in one transaction), for the completions acknowledged within the duration; ${runs.map((r) => `${r.lagMs.samples} samples with ${r.workers} worker(s)`).join(', ')}.`,
    '- Projections/s: the growth of `case_states.seq` summed over every case (one per projected step) from the start to the end of the duration.',
    '- Everything on this machine: the API (in the benchmark process), the worker processes (`tsx scripts/standalone-worker.ts`), the embedded PostgreSQL, the Temporal dev server (SQLite file, as `npm start` runs it) and the load generator share its cores; loopback only. Load average is the 1-minute one, other processes on the machine included.',
    ...runs
      .filter((r) => r.errors > 0)
      .map(
        (r) =>
          `- Errors with ${r.workers} worker(s): ${r.errors}, e.g. ${r.errorSamples.map((e) => `\`${e}\``).join('; ')}`,
      ),
    '',
    `Reproduce with \`npm run bench -- load --duration ${short ? `${Math.round(o.durationMs / 1000)}s` : `${Math.round(o.durationMs / 60_000)}m`} --workers ${o.workers.join(',')} --concurrency ${o.concurrency}\`.`,
    '',
  ].join('\n');
}

/** Runs the benchmark, prints the markdown and writes it to bench/results/load.md. */
export async function runAndWriteLoadBench(
  argv: readonly string[],
  log: (s: string) => void = console.error,
): Promise<string> {
  const o = loadBenchOptions(argv);
  const started = new Date();
  const runs = await runLoadBench(o, log);
  const md = loadBenchMarkdown(o, runs, started);
  fs.mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  fs.writeFileSync(new URL('./results/load.md', import.meta.url), md);
  return md;
}
