/**
 * Webhook and event-feed benchmark (issue 13 item 7; ADR 0026): `npm run bench -- webhooks`.
 *
 * On its own embedded PostgreSQL and Temporal dev server, with the API and a case worker in this
 * process and a real HTTP receiver on a loopback port that verifies every signature (standardwebhooks):
 *
 * 1. Delivery latency. Petitions are received through the API and wait at their first task; then
 *    supervisors reassign those tasks through `POST /v1/tasks/:id/assign` at a steady rate (default 50/s,
 *    BENCH_WEBHOOK_RATE) for BENCH_WEBHOOK_SECONDS (default 60): each reassignment is a state change whose
 *    `vn.kntc.task.claimed` event is recorded in its transaction. Latency = the receiver's arrival time −
 *    the event's `recorded_at` (the recording transaction's time, same host clock), p50/p99/max, and the
 *    events per second actually delivered.
 * 2. Feed throughput. BENCH_FEED_EVENTS (default 10,000) events are appended, then read through
 *    `GET /v1/events?limit=1000` page by page and through the SSE stream: events per second.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { type Worker } from '@temporalio/worker';
import { Webhook } from 'standardwebhooks';
import { createApp } from '../api/app.js';
import type { AppDeps } from '../api/deps.js';
import { signToken } from '../api/auth/dev-token.js';
import { appendEvents } from '../db/events.js';
import { createDb } from '../db/knex.js';
import { ROOT } from '../platform/config.js';
import { createLogger } from '../platform/logger.js';
import { createPiiKeyring } from '../platform/pii.js';
import { cachedWorkflowBundle } from '../platform/replay.js';
import { installTemporalRuntimeLogger } from '../platform/temporal.js';
// @ts-expect-error plain .mjs script without types
import { ensureTemporal } from '../scripts/install-temporal.mjs';
import { startBenchStack } from './stack.js';
import { createCaseWorker } from '../worker.js';
import { percentile } from './api.js';
import { fetchRunChain, type RunHistory } from '../platform/history.js';

/** What the subscription's delivery workflow cost in Temporal during the run. */
export interface HistoryStats {
  runs: number;
  historyEvents: number;
  workflowTasks: number;
  activities: Record<string, number>;
  /** Activity scheduled → started (the worker picking it up), ms. */
  activityStartMs: { p50: number; p99: number };
  /** Activities whose last attempt was not the first (a timeout or a failure retried). */
  activitiesRetried: number;
  /** Longest started → completed per activity type, ms. */
  longestActivityMs: Record<string, number>;
  historyEventsPerDelivered: number;
}

function history(runs: RunHistory[], delivered: number): HistoryStats {
  const ms = (t: unknown) => {
    const x = t as { seconds?: { toNumber(): number } | number; nanos?: number } | null | undefined;
    const s = typeof x?.seconds === 'number' ? x.seconds : (x?.seconds?.toNumber() ?? 0);
    return s * 1000 + (x?.nanos ?? 0) / 1e6;
  };
  const activities: Record<string, number> = {};
  const scheduled = new Map<string, number>();
  const starts: number[] = [];
  let historyEvents = 0;
  let workflowTasks = 0;
  let retried = 0;
  const startedAt = new Map<string, number>();
  const typeOf = new Map<string, string>();
  const typeBySched = new Map<string, string>();
  const longest: Record<string, number> = {};
  for (const r of runs) {
    for (const e of r.history.events ?? []) {
      historyEvents += 1;
      if (e.workflowTaskCompletedEventAttributes) workflowTasks += 1;
      const sch = e.activityTaskScheduledEventAttributes;
      if (sch) {
        const t = sch.activityType?.name ?? '?';
        activities[t] = (activities[t] ?? 0) + 1;
        scheduled.set(`${r.runId}/${String(e.eventId)}`, ms(e.eventTime));
        typeBySched.set(`${r.runId}/${String(e.eventId)}`, t);
      }
      const st = e.activityTaskStartedEventAttributes;
      if (st) {
        const at = scheduled.get(`${r.runId}/${String(st.scheduledEventId)}`);
        if (at !== undefined) starts.push(ms(e.eventTime) - at);
        if ((st.attempt ?? 1) > 1) retried += 1;
        startedAt.set(`${r.runId}/${String(e.eventId)}`, ms(e.eventTime));
        typeOf.set(
          `${r.runId}/${String(e.eventId)}`,
          typeBySched.get(`${r.runId}/${String(st.scheduledEventId)}`) ?? '?',
        );
      }
      const done = e.activityTaskCompletedEventAttributes;
      if (done) {
        const k = `${r.runId}/${String(done.startedEventId)}`;
        const t = typeOf.get(k) ?? '?';
        const d = ms(e.eventTime) - (startedAt.get(k) ?? ms(e.eventTime));
        longest[t] = Math.max(longest[t] ?? 0, Math.round(d));
      }
    }
  }
  starts.sort((a, b) => a - b);
  return {
    runs: runs.length,
    historyEvents,
    workflowTasks,
    activities,
    activityStartMs: { p50: Math.round(percentile(starts, 50)), p99: Math.round(percentile(starts, 99)) },
    activitiesRetried: retried,
    longestActivityMs: longest,
    historyEventsPerDelivered: Math.round((historyEvents / Math.max(1, delivered)) * 100) / 100,
  };
}

const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);

export interface WebhookBenchResult {
  rate: number;
  seconds: number;
  sent: number;
  sendErrors: number;
  delivered: number;
  deliveredPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  attemptMs: { count: number; p50: number; p99: number };
  /** Attempts that did not deliver, by error or status code. */
  failedAttempts: string[];
  /** From the event's recording to the start of its first HTTP attempt. */
  firstAttemptWaitMs: { p50: number; p99: number };
  temporal: HistoryStats;
  badSignatures: number;
  duplicates: number;
  feed: {
    events: number;
    pageSeconds: number;
    pagePerSecond: number;
    sseSeconds: number;
    ssePerSecond: number;
    streamed: number;
  };
  load: [number, number];
}

export async function runWebhookBench(log: (s: string) => void = console.error): Promise<WebhookBenchResult> {
  const RATE = env('BENCH_WEBHOOK_RATE', 50);
  const SECONDS = env('BENCH_WEBHOOK_SECONDS', 60);
  const CASES = env('BENCH_WEBHOOK_CASES', 40);
  const FEED_EVENTS = env('BENCH_FEED_EVENTS', 10_000);
  const load0 = os.loadavg()[0]!;
  const logger = createLogger('silent');
  installTemporalRuntimeLogger(logger, 'ERROR');
  const bins = ensureTemporal({ quiet: true }) as { temporal: string };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kntc-bench-webhooks-'));
  fs.chmodSync(tmp, 0o755);
  const stops: Array<() => Promise<unknown>> = [];
  try {
    log('starting embedded PostgreSQL and the Temporal dev server…');
    const { db, url, connection, native } = await startBenchStack(tmp, bins.temporal, stops);
    // The worker on its own pool, as in production (a separate process): API requests and deliveries do not
    // wait for each other's connections.
    const workerDb = createDb(url, { max: 10 });
    stops.push(() => workerDb.destroy());
    const taskQueue = `bench-webhooks-${randomUUID().slice(0, 8)}`;
    const pii = createPiiKeyring(`bench1:${Buffer.alloc(32, 7).toString('base64')}`);
    const jwtSecret = randomUUID();
    const deps: AppDeps = {
      db,
      temporal: new Client({ connection, namespace: 'default' }),
      taskQueue,
      logger,
      auth: { jwtSecret },
      pii,
      webhooks: { allowLocalhost: true, maxBackoffS: 1 },
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
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const token = await signToken(jwtSecret, {
      sub: 'bench-admin',
      agency: 'tinh-demo',
      roles: ['admin', 'intake', 'officer', 'supervisor', 'auditor'],
      permissions: [],
    });
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const { bundle } = await cachedWorkflowBundle();
    const worker: Worker = await createCaseWorker({
      connection: native,
      namespace: 'default',
      taskQueue,
      db: workerDb,
      logger,
      workflowBundle: bundle,
      pinKeys: pii,
      webhooks: { allowLocalhost: true },
    });
    const workerRun = worker.run();
    stops.push(async () => {
      worker.shutdown();
      await workerRun.catch(() => undefined);
    });

    // The receiver: verifies each signature, notes the arrival time per event id.
    const arrivals = new Map<string, number>();
    let secret = '';
    let badSignatures = 0;
    let duplicates = 0;
    const rx = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const at = Date.now();
        try {
          const ev = new Webhook(secret).verify(
            Buffer.concat(chunks).toString('utf8'),
            req.headers as Record<string, string>,
          ) as { id: string };
          if (arrivals.has(ev.id)) duplicates += 1;
          else arrivals.set(ev.id, at);
          res.writeHead(204).end();
        } catch {
          badSignatures += 1;
          res.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((r) => rx.listen(0, '127.0.0.1', () => r()));
    stops.push(
      () =>
        new Promise<void>((r) => {
          rx.close(() => r());
          rx.closeAllConnections();
        }),
    );
    const hook = await fetch(`${base}/v1/webhooks`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        name: 'bench receiver',
        url: `http://127.0.0.1:${(rx.address() as AddressInfo).port}/hooks`,
        agencyId: 'tinh-demo',
      }),
    });
    if (hook.status !== 201) throw new Error(`webhook: ${hook.status} ${await hook.text()}`);
    const created = (await hook.json()) as { id: string; secret: string };
    secret = created.secret;
    const hookId = created.id;

    log(`receiving ${CASES} petitions…`);
    const caseIds: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const r = await fetch(`${base}/v1/cases`, {
        method: 'POST',
        headers: { ...headers, 'Idempotency-Key': randomUUID() },
        body: JSON.stringify({
          type: 'petition',
          channel: 'portal',
          receivedAt: new Date().toISOString(),
          agencyId: 'so-tnmt',
          subject: 'Bench',
        }),
      });
      if (r.status !== 201) throw new Error(`case: ${r.status} ${await r.text()}`);
      caseIds.push(((await r.json()) as { id: string }).id);
    }
    const tasks: string[] = [];
    // Under load the first tasks take a while to open: up to 5 minutes for all of them.
    const openBy = Date.now() + 300_000;
    for (const id of caseIds) {
      while (Date.now() < openBy) {
        const t = await db('case_tasks')
          .where({ case_id: id, status: 'open' })
          .first<{ task_id: string } | undefined>('task_id');
        if (t) {
          tasks.push(`${id}.${t.task_id}`);
          break;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    if (tasks.length < CASES) throw new Error('not every petition opened its task');
    const startSeq = Number((await db('event_head').first<{ last_seq: string }>('last_seq')).last_seq);

    log(`reassigning tasks at ${RATE}/s for ${SECONDS} s (each one a task.claimed event)…`);
    let sent = 0;
    let sendErrors = 0;
    const errorKinds = new Map<string, number>();
    const t0 = Date.now();
    const inflight = new Set<Promise<void>>();
    for (let i = 0; i < RATE * SECONDS; i++) {
      const due = t0 + (i * 1000) / RATE;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const task = tasks[i % tasks.length]!;
      const p = fetch(`${base}/v1/tasks/${task}/assign`, {
        method: 'POST',
        headers: { ...headers, 'Idempotency-Key': randomUUID() },
        body: JSON.stringify({ assignee: `officer-${Math.floor(i / tasks.length) % 2}` }),
      }).then(
        async (r) => {
          await r.arrayBuffer();
          if (r.status === 200) sent += 1;
          else {
            sendErrors += 1;
            errorKinds.set(String(r.status), (errorKinds.get(String(r.status)) ?? 0) + 1);
          }
        },
        (err: Error) => {
          sendErrors += 1;
          errorKinds.set(err.name, (errorKinds.get(err.name) ?? 0) + 1);
        },
      );
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
    }
    await Promise.all(inflight);
    const sendSeconds = (Date.now() - t0) / 1000;
    if (errorKinds.size > 0) log(`state changes refused: ${JSON.stringify(Object.fromEntries(errorKinds))}`);
    // Every event recorded since the start (the reassignments and anything the cases did), delivered?
    const events = (await db('events').where('seq', '>', startSeq).select('id', 'recorded_at')) as Array<{
      id: string;
      recorded_at: Date;
    }>;
    for (let i = 0; i < 300 && events.some((e) => !arrivals.has(e.id)); i++)
      await new Promise((r) => setTimeout(r, 100));
    const lat = events
      .filter((e) => arrivals.has(e.id))
      .map((e) => arrivals.get(e.id)! - e.recorded_at.getTime())
      .sort((a, b) => a - b);
    const firstAt = Math.min(...events.map((e) => arrivals.get(e.id) ?? Infinity));
    const lastAt = Math.max(...events.map((e) => arrivals.get(e.id) ?? 0));

    log(
      `delivery: ${lat.length}/${events.length} events, p50 ${percentile(lat, 50)} ms, p99 ${percentile(lat, 99)} ms, max ${lat[lat.length - 1]} ms; ` +
        `${sent} sent in ${sendSeconds.toFixed(1)} s, ${sendErrors} errors, ${duplicates} duplicates, ${badSignatures} bad signatures`,
    );
    // Where the time goes: one HTTP attempt (the activity's own work is this plus three reads and one write).
    const httpMs = (
      (await db('webhook_attempts').where({ subscription_id: hookId }).select('duration_ms')) as Array<{
        duration_ms: number;
      }>
    )
      .map((a) => a.duration_ms)
      .sort((a, b) => a - b);
    log(`HTTP attempts: ${httpMs.length}, p50 ${percentile(httpMs, 50)} ms, p99 ${percentile(httpMs, 99)} ms`);
    // Attempts that did not deliver (each sends its lane to the workflow's retry with backoff).
    const failedAttempts = (
      (await db('webhook_attempts')
        .where({ subscription_id: hookId })
        .where((w) => w.whereNull('status_code').orWhere('status_code', '>=', 300))
        .select(db.raw("COALESCE(error, 'HTTP ' || status_code) AS why"))
        .count('* as n')
        .groupBy('why')) as Array<{ why: string; n: string }>
    ).map((r) => `${r.why} ×${r.n}`);
    log(`failed attempts: ${failedAttempts.join(', ') || 'none'}`);
    // Where the rest goes: from the event's recording to its first attempt's start (fetch, queue, scheduling).
    const waitMs = (
      (await db.raw(
        `SELECT (EXTRACT(EPOCH FROM MIN(a.at) - e.recorded_at) * 1000)::float AS ms
           FROM webhook_attempts a JOIN events e ON e.seq = a.event_seq
          WHERE a.subscription_id = ? GROUP BY e.seq, e.recorded_at`,
        [hookId],
      )) as { rows: Array<{ ms: number }> }
    ).rows
      .map((r) => Math.round(r.ms))
      .sort((a, b) => a - b);
    log(`recording → first attempt: p50 ${percentile(waitMs, 50)} ms, p99 ${percentile(waitMs, 99)} ms`);
    const temporal = history(await fetchRunChain(deps.temporal, `webhook-${hookId}`), lat.length);
    log(`delivery workflow: ${JSON.stringify(temporal)}`);
    // The subscription takes every type: deleted first, so that the synthetic events below are not delivered.
    await fetch(`${base}/v1/webhooks/${hookId}`, { method: 'DELETE', headers });
    log(`appending ${FEED_EVENTS} events and reading the feed…`);
    for (let done = 0; done < FEED_EVENTS; done += 1000) {
      await db.transaction((trx) =>
        appendEvents(
          trx,
          Array.from({ length: Math.min(1000, FEED_EVENTS - done) }, (_x, j) => ({
            type: 'vn.kntc.bench.synthetic',
            caseId: caseIds[j % caseIds.length]!,
            agencyId: 'so-tnmt',
            time: new Date().toISOString(),
            data: { caseId: caseIds[j % caseIds.length]!, n: done + j },
          })),
        ),
      );
    }
    const from = Number((await db('event_head').first<{ last_seq: string }>('last_seq')).last_seq) - FEED_EVENTS;
    let read = 0;
    let cursor = String(from);
    const f0 = performance.now();
    const feedDeadline = Date.now() + 60_000;
    while (read < FEED_EVENTS && Date.now() < feedDeadline) {
      const r = await fetch(`${base}/v1/events?after=${cursor}&limit=1000&type=vn.kntc.bench.synthetic`, { headers });
      const page = (await r.json()) as { items: unknown[]; next: string };
      read += page.items.length;
      cursor = page.next;
      if (page.items.length === 0) break;
    }
    const pageSeconds = (performance.now() - f0) / 1000;
    const s0 = performance.now();
    const ac = new AbortController();
    const sse = await fetch(`${base}/v1/events/stream?maxSeconds=60&type=vn.kntc.bench.synthetic`, {
      headers: { ...headers, 'Last-Event-ID': String(from) },
      signal: ac.signal,
    });
    let streamed = 0;
    let buf = '';
    const decoder = new TextDecoder();
    try {
      for await (const chunk of sse.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        const parts = buf.split('\n\n');
        buf = parts.pop()!;
        streamed += parts.filter((p) => p.includes('\ndata: ')).length;
        if (streamed >= FEED_EVENTS || performance.now() - s0 > 60_000) break;
      }
    } catch (err) {
      // The stream ended by the server (maxSeconds) or cut: what was counted stands.
      if ((err as Error).name !== 'AbortError') throw err;
    } finally {
      // Aborting while the body is being read rejects the read with an AbortError: abort only after the loop.
      ac.abort();
    }
    const sseSeconds = (performance.now() - s0) / 1000;
    log(
      `feed: ${read} events by page in ${pageSeconds.toFixed(1)} s; ${streamed} by SSE in ${sseSeconds.toFixed(1)} s`,
    );
    return {
      rate: RATE,
      seconds: sendSeconds,
      sent,
      sendErrors,
      delivered: lat.length,
      deliveredPerSecond: lat.length / Math.max(0.001, (lastAt - firstAt) / 1000),
      latencyMs: { p50: percentile(lat, 50), p99: percentile(lat, 99), max: lat[lat.length - 1] ?? NaN },
      attemptMs: { count: httpMs.length, p50: percentile(httpMs, 50), p99: percentile(httpMs, 99) },
      failedAttempts,
      firstAttemptWaitMs: { p50: percentile(waitMs, 50), p99: percentile(waitMs, 99) },
      temporal,
      badSignatures,
      duplicates,
      feed: {
        events: read,
        pageSeconds,
        pagePerSecond: read / pageSeconds,
        sseSeconds,
        ssePerSecond: streamed / sseSeconds,
        streamed,
      },
      load: [load0, os.loadavg()[0]!],
    };
  } finally {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Runs the benchmark, writes bench/results/webhooks.md and answers its markdown. */
export async function runAndWriteWebhookBench(log: (s: string) => void = console.error): Promise<string> {
  const r = await runWebhookBench(log);
  const f = (n: number) => n.toFixed(1);
  const md = [
    `### Webhooks and the event feed (${os.cpus().length} CPUs, Node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z, ` +
      `load ${r.load[0].toFixed(1)} → ${r.load[1].toFixed(1)})`,
    '',
    '`npm run bench -- webhooks` (bench/webhooks.ts; ADR 0026). One worker and the API in one process, embedded PostgreSQL, Temporal dev',
    'server, a loopback receiver verifying every signature. State changes: task reassignments through the API, each recording a',
    "`vn.kntc.task.claimed` event in its transaction; latency = arrival at the receiver − the event's recording (clock_timestamp, just before its commit).",
    '',
    '| metric | value | target |',
    '|---|---:|---|',
    `| state changes sent | ${r.sent} in ${f(r.seconds)} s (${f(r.sent / r.seconds)}/s; ${r.sendErrors} errors) | ${r.rate}/s |`,
    `| events delivered | ${r.delivered} (${f(r.deliveredPerSecond)}/s), ${r.duplicates} twice, ${r.badSignatures} bad signatures | all, once |`,
    `| delivery latency p50 | ${f(r.latencyMs.p50)} ms | |`,
    `| delivery latency p99 | ${f(r.latencyMs.p99)} ms | < 1000 ms — ${r.latencyMs.p99 < 1000 ? 'met' : 'not met'} |`,
    `| delivery latency max | ${f(r.latencyMs.max)} ms | |`,
    `| one HTTP attempt p50 / p99 | ${f(r.attemptMs.p50)} / ${f(r.attemptMs.p99)} ms (${r.attemptMs.count} attempts; failed: ${r.failedAttempts.join(', ') || 'none'}) | |`,
    `| recording → first attempt p50 / p99 | ${f(r.firstAttemptWaitMs.p50)} / ${f(r.firstAttemptWaitMs.p99)} ms | |`,
    `| delivery workflow in Temporal | ${r.temporal.runs} run(s), ${r.temporal.historyEvents} history events ` +
      `(${r.temporal.historyEventsPerDelivered} per event delivered), ${r.temporal.workflowTasks} workflow tasks, ` +
      `activities ${Object.entries(r.temporal.activities)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}; ` +
      `activity scheduled → started p50 / p99 ${r.temporal.activityStartMs.p50} / ${r.temporal.activityStartMs.p99} ms, ` +
      `${r.temporal.activitiesRetried} retried | |`,
    `| feed read, \`GET /v1/events?limit=1000\` | ${r.feed.events} events in ${f(r.feed.pageSeconds)} s = ${f(r.feed.pagePerSecond)} events/s | |`,
    `| feed read, SSE stream | ${r.feed.streamed} events in ${f(r.feed.sseSeconds)} s = ${f(r.feed.ssePerSecond)} events/s | |`,
    '',
  ].join('\n');
  fs.mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'bench', 'results', 'webhooks.md'), `${md}\n`);
  return md;
}
