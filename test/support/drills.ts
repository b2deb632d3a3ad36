/**
 * Fault drills (issue 11 item 11): a case worker in a separate process that can be `kill -9`ed, the
 * HTTP API on a chosen database and Temporal client, a load of petitions driven through the API by
 * officers who retry what was not acknowledged with the same Idempotency-Key, and the end-of-drill
 * checks: every acknowledged start and completion reflected, read model equal to the workflows,
 * audit chain complete and verifying, no case stuck.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { expect } from 'vitest';
import { createApp } from '../../api/app.js';
import type { AppDeps } from '../../api/deps.js';
import { createAuditStore } from '../../db/audit.js';
import type { Db } from '../../db/knex.js';
import { createLogger } from '../../platform/logger.js';
import type { PiiKeyring } from '../../platform/pii.js';
import { ROOT } from '../../platform/config.js';
import { caseWorkflowId, getCaseState, type CaseStateView } from '../../workflows/contract.js';
import { vnDate } from '../../workflows/engine/runtime/index.js';
import { testAuth } from './auth.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- the worker process ----------------------------------------------------------------------

export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves when this process polls the task queue (its identity is `<pid>@<host>`). */
  ready(client: Client, timeoutMs?: number): Promise<void>;
  /** `kill -9`: no shutdown, activities and workflow tasks in flight are abandoned. */
  kill9(): Promise<void>;
  /** SIGTERM and wait (graceful shutdown), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface WorkerProcessOptions {
  temporalAddress: string;
  databaseUrl: string;
  taskQueue: string;
  /** PII_KEYS of the API (linked cases get PINs under them). */
  piiKeys: string;
  /** Appends the process's stdout and stderr here. */
  logFile: string;
}

/**
 * Starts the standalone case worker (`tsx scripts/standalone-worker.ts`) as a child
 * process, configured like a scale-out worker: TEMPORAL_ADDRESS, DATABASE_URL, its task queue.
 */
export function spawnWorker(o: WorkerProcessOptions): WorkerProcess {
  const out = fs.openSync(o.logFile, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'standalone-worker.ts')], {
    cwd: ROOT,
    stdio: ['ignore', out, out],
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      TEMPORAL_ADDRESS: o.temporalAddress,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: o.taskQueue,
      DATABASE_URL: o.databaseUrl,
      PII_KEYS: o.piiKeys,
    },
  });
  fs.closeSync(out);
  // Never leave a worker polling after this test process ends without stopping it.
  const killOnExit = () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const exited = new Promise<void>((r) =>
    child.once('exit', () => {
      process.removeListener('exit', killOnExit);
      r();
    }),
  );
  const pid = child.pid!;
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    child,
    pid,
    async ready(client, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (gone())
          throw new Error(
            `worker process ${pid} exited (${child.exitCode ?? child.signalCode}) before polling; see ${o.logFile}`,
          );
        if ((await pollerIdentities(client, o.taskQueue)).some((id) => id.startsWith(`${pid}@`))) return;
        if (Date.now() > deadline)
          throw new Error(`worker process ${pid} not polling ${o.taskQueue} after ${timeoutMs} ms; see ${o.logFile}`);
        await sleep(250);
      }
    },
    async kill9() {
      if (!gone()) child.kill('SIGKILL');
      await exited;
    },
    async stop(graceMs = 20_000) {
      if (gone()) return;
      const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(t);
    },
  };
}

/** Identities of the pollers of a task queue (workflow and activity tasks) as the server last saw them. */
export async function pollerIdentities(client: Client, taskQueue: string): Promise<string[]> {
  const ids: string[] = [];
  for (const taskQueueType of [1, 2]) {
    // TASK_QUEUE_TYPE_WORKFLOW, TASK_QUEUE_TYPE_ACTIVITY
    try {
      const r = await client.workflowService.describeTaskQueue({
        namespace: 'default',
        taskQueue: { name: taskQueue },
        taskQueueType,
      });
      for (const p of r.pollers ?? []) if (p.identity) ids.push(p.identity);
    } catch {
      // server restarting: nobody is known to poll
    }
  }
  return ids;
}

// ---- the API -----------------------------------------------------------------------------------

export interface DrillApi {
  url: string;
  deps: AppDeps;
  close(): Promise<void>;
}

/** The HTTP API (in this process) on `db` and `temporal`, with test auth; no worker. */
export async function startDrillApi(o: {
  db: Db;
  temporal: Client;
  taskQueue: string;
  pii: PiiKeyring;
}): Promise<DrillApi> {
  const deps: AppDeps = {
    db: o.db,
    temporal: o.temporal,
    taskQueue: o.taskQueue,
    logger: createLogger('silent'),
    auth: testAuth,
    pii: o.pii,
  };
  const server: Server = await new Promise((resolve) => {
    const s = createApp(deps).listen(0, '127.0.0.1', () => resolve(s));
  });
  const a = server.address();
  return {
    url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`,
    deps,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

// ---- the load: officers working petitions through the API -------------------------------------

type Json = Record<string, unknown>;

/** One HTTP exchange as the client saw it. */
interface Attempt {
  status: number | 'error';
  reason?: string;
}

/** A request sent until acknowledged (2xx) or refused (4xx), each retry with the same Idempotency-Key. */
export interface Exchange {
  what: 'start' | 'complete';
  caseId?: string;
  taskId?: string;
  key: string;
  attempts: Attempt[];
  /** When the first attempt was sent, and when the final answer came (ms since the epoch). */
  sentAt: number;
  ackedAt?: number;
  /** The final answer: 2xx = acknowledged. */
  final?: { status: number; body: Json };
}

/** What the officers did and got: the ledger the end-of-drill checks compare with the system. */
export class Ledger {
  readonly exchanges: Exchange[] = [];
  /** Acknowledged starts: case id → Idempotency-Key. */
  readonly started = new Map<string, string>();
  /** Acknowledged completions: `<caseId>.<taskId>` (API task id). */
  readonly completed = new Set<string>();
  /** Cases whose script reached the end (the read model says closed). */
  readonly finished = new Set<string>();
  get acknowledgedCompletions(): number {
    return this.completed.size;
  }
  /** Officers holding a task they are about to complete (see `thinkMs`). */
  holding = 0;
  /** Requests sent and not answered yet (`what`: only those). */
  inFlight(what?: Exchange['what']): Exchange[] {
    return this.exchanges.filter((x) => !x.final && (what === undefined || x.what === what));
  }
  /** Exchanges retried at least once (a failure or a timeout before their answer). */
  get retried(): Exchange[] {
    return this.exchanges.filter((e) => e.attempts.length > 1);
  }
}

export interface LoadOptions {
  url: string;
  /** An officer of the cases' agency (and the agency itself). */
  headers: Record<string, string>;
  agencyId: string;
  cases: number;
  /** Cases driven at the same time. */
  concurrency: number;
  /** Form data by task node id; a node not listed is completed with `{}`. */
  forms: Record<string, Json>;
  /** Hard bound of the whole load. */
  deadline: number;
  /** Per-request timeout (then retried with the same key). */
  requestTimeoutMs?: number;
  /** Between starting cases (spreads the burst a little). */
  startGapMs?: number;
  /** An officer's time with a task before completing it (filling in the form). */
  thinkMs?: number;
  log?: (s: string) => void;
}

/** A petition received two days ago in Vietnam (the built-in `petition`, or a drill definition for `petition`). */
export function petitionBody(agencyId: string, n: number): Json {
  return {
    type: 'petition',
    channel: 'portal',
    receivedAt: new Date(Date.now() - 2 * 86_400_000).toISOString(),
    agencyId,
    subject: `Kiến nghị diễn tập số ${n}`,
  };
}

/** Today in Vietnam (form dates: decided, responded). */
export const todayVn = () => vnDate(Date.now());

/** Sends until a 2xx or a 4xx (other than 429) answers; network errors, timeouts and 5xx are retried with the same key. */
async function exchange(
  ledger: Ledger,
  o: LoadOptions,
  init: Pick<Exchange, 'what' | 'key' | 'caseId' | 'taskId'>,
  method: string,
  urlPath: string,
  body: unknown,
): Promise<Exchange> {
  const x: Exchange = { ...init, attempts: [], sentAt: Date.now() };
  ledger.exchanges.push(x);
  for (let wait = 200; Date.now() < o.deadline; wait = Math.min(wait * 2, 2000)) {
    try {
      const r = await fetch(o.url + urlPath, {
        method,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(o.requestTimeoutMs ?? 90_000),
        headers: { ...o.headers, 'content-type': 'application/json', 'Idempotency-Key': x.key },
      });
      const text = await r.text();
      const json = (text ? JSON.parse(text) : {}) as Json;
      x.attempts.push({
        status: r.status,
        ...(typeof json.reason === 'string'
          ? { reason: json.reason }
          : typeof json.type === 'string'
            ? { reason: json.type }
            : {}),
      });
      if (r.status < 300 || (r.status < 500 && r.status !== 429)) {
        x.final = { status: r.status, body: json };
        if (r.status < 300) x.ackedAt = Date.now();
        return x;
      }
    } catch (e) {
      x.attempts.push({ status: 'error', reason: (e as Error).name });
    }
    await sleep(wait);
  }
  return x;
}

/** GET answering JSON, or undefined while the service cannot answer. */
async function getJson(o: LoadOptions, urlPath: string): Promise<Json | undefined> {
  try {
    const r = await fetch(o.url + urlPath, { headers: o.headers, signal: AbortSignal.timeout(10_000) });
    return r.status === 200 ? ((await r.json()) as Json) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One officer's work on one case: receive it, then complete each task the read model shows open
 * (each completion once, under its own key) until the read model says the case is closed.
 */
async function workCase(ledger: Ledger, o: LoadOptions, n: number): Promise<void> {
  const start = await exchange(
    ledger,
    o,
    { what: 'start', key: `drill-start-${randomUUID()}` },
    'POST',
    '/v1/cases',
    petitionBody(o.agencyId, n),
  );
  if (!start.final || start.final.status !== 201) return;
  const caseId = String(start.final.body.id);
  start.caseId = caseId;
  ledger.started.set(caseId, start.key);
  const done = new Set<string>();
  while (Date.now() < o.deadline) {
    const c = await getJson(o, `/v1/cases/${caseId}`);
    if (c?.status === 'closed') {
      ledger.finished.add(caseId);
      return;
    }
    const task = ((c?.openTasks ?? []) as Array<{ id: string; nodeId: string }>).find((t) => !done.has(t.id));
    if (!task) {
      await sleep(150);
      continue;
    }
    done.add(task.id);
    if (o.thinkMs) {
      ledger.holding += 1;
      await sleep(o.thinkMs);
      ledger.holding -= 1;
    }
    const x = await exchange(
      ledger,
      o,
      { what: 'complete', caseId, taskId: task.id, key: `drill-complete-${randomUUID()}` },
      'POST',
      `/v1/tasks/${task.id}/complete`,
      { data: o.forms[task.nodeId] ?? {} },
    );
    // A refusal is left for the checks to report; the officer goes on with what the case shows next.
    if (x.final && x.final.status < 300) ledger.completed.add(task.id);
  }
}

/** Runs `cases` case scripts, `concurrency` at a time; resolves when all ended or the deadline passed. */
export async function runLoad(ledger: Ledger, o: LoadOptions): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: o.concurrency }, async () => {
      while (next < o.cases && Date.now() < o.deadline) {
        const n = next++;
        if (o.startGapMs) await sleep(o.startGapMs * (n % o.concurrency));
        await workCase(ledger, o, n);
      }
    }),
  );
}

/** Resolves once `pred` holds (checked every `everyMs`), or throws after `timeoutMs`. */
export async function waitFor(what: string, pred: () => boolean, timeoutMs: number, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * The moment to inject a fault: at least `completions` acknowledged and a completion in flight
 * (sent, not answered), so that the fault hits requests under way and not an idle system.
 */
export function faultMoment(ledger: Ledger, completions: number, timeoutMs = 120_000): Promise<void> {
  return waitFor(
    `${completions} acknowledged completions and one in flight`,
    () => ledger.acknowledgedCompletions >= completions && ledger.inFlight('complete').length > 0,
    timeoutMs,
    2,
  );
}

/** Requests sent before `at` and acknowledged after it (under way across a fault injected at `at`). */
export function acrossFault(ledger: Ledger, at: number): Exchange[] {
  return ledger.exchanges.filter((x) => x.sentAt <= at && x.ackedAt !== undefined && x.ackedAt > at);
}

/**
 * Activity executions of the cases' workflows that took more than one attempt, by activity type
 * (from their histories: ActivityTaskStarted events with attempt > 1), and workflow tasks that
 * timed out (a worker that died holding them): evidence that a fault hit work in flight.
 */
export async function retriesInHistories(
  client: Client,
  caseIds: Iterable<string>,
): Promise<{ activities: Record<string, number>; workflowTaskTimeouts: number }> {
  const activities: Record<string, number> = {};
  let workflowTaskTimeouts = 0;
  for (const id of caseIds) {
    const history = await client.workflow.getHandle(caseWorkflowId(id)).fetchHistory();
    const types = new Map<string, string>();
    for (const e of history.events ?? []) {
      if (e.activityTaskScheduledEventAttributes)
        types.set(String(e.eventId), e.activityTaskScheduledEventAttributes.activityType?.name ?? '?');
      const started = e.activityTaskStartedEventAttributes;
      if (started && (started.attempt ?? 1) > 1) {
        const type = types.get(String(started.scheduledEventId)) ?? '?';
        activities[type] = (activities[type] ?? 0) + 1;
      }
      if (e.workflowTaskTimedOutEventAttributes) workflowTaskTimeouts += 1;
    }
  }
  return { activities, workflowTaskTimeouts };
}

// ---- the end-of-drill checks ---------------------------------------------------------------------

export interface DrillCheckOptions {
  db: Db;
  temporal: Client;
  ledger: Ledger;
  /** The actor of the officers' completions as the audit log records it (`actor.id`). */
  actorId: string;
  /** How long the system may take to settle after the fault (every case closed, projections caught up). */
  settleMs: number;
}

/** What the checks found (also logged by the drills). */
export interface DrillReport {
  started: number;
  completions: number;
  retried: number;
  settledInMs: number;
  auditEntries: number;
}

const sorted = <T>(xs: Iterable<T>) => [...xs].sort();

/** `complete <task>: error TimeoutError → 500 → 200`: one line per exchange. */
export function describeExchanges(xs: readonly Exchange[]): string[] {
  return xs.map(
    (x) =>
      `${x.what} ${x.taskId ?? x.caseId ?? ''}: ${x.attempts.map((a) => `${a.status}${a.reason ? ` ${a.reason}` : ''}`).join(' → ')}`,
  );
}

/**
 * The end of every drill:
 *  1. every acknowledged start is a case (read-model row, one `case.received` audit entry) whose
 *     workflow exists and — no case stuck — has run to its end within `settleMs`;
 *  2. every request the officers sent was finally acknowledged (a retry with the same key gets the
 *     original answer, never a refusal of its own first attempt);
 *  3. every acknowledged completion is completed in its workflow and has exactly one `task.completed`
 *     audit entry with the officer as actor, and no other task was completed;
 *  4. the read model equals the workflows: `case_states` (status, stage, outcome, next due) and
 *     `case_tasks` (every task and its status) against the `getCaseState` query;
 *  5. the audit chain verifies.
 */
export async function checkDrill(o: DrillCheckOptions): Promise<DrillReport> {
  const { db, temporal, ledger } = o;
  const caseIds = sorted(ledger.started.keys());
  expect(caseIds.length, 'acknowledged starts').toBeGreaterThan(0);

  // 1. No case stuck: every case's workflow ends, and its projection catches up, within the bound.
  const t0 = Date.now();
  const deadline = t0 + o.settleMs;
  const views = new Map<string, CaseStateView>();
  for (const id of caseIds) {
    const h = temporal.workflow.getHandle(caseWorkflowId(id));
    for (;;) {
      const d = await h.describe().catch(() => undefined);
      const row = await db('case_states').where({ case_id: id }).first('status');
      if (d && d.status.name !== 'RUNNING' && row?.status !== undefined && row.status !== 'running') break;
      if (Date.now() > deadline) {
        const pending = d?.raw.pendingActivities
          ?.map((a) => `${a.activityType?.name} attempt ${a.attempt} ${a.lastFailure?.message ?? ''}`)
          .join('; ');
        const open =
          d && d.status.name === 'RUNNING'
            ? (await h.query(getCaseState).catch(() => undefined))?.openTasks.map((t) => t.id).join(', ')
            : undefined;
        throw new Error(
          `case ${id} stuck ${o.settleMs} ms after the fault: workflow ${d?.status.name ?? 'unknown'}, read model ${row?.status ?? 'no row'}; ` +
            `pending activities: ${pending || 'none'}; open tasks: ${open || 'none'}; the officer's requests: ${describeExchanges(ledger.exchanges.filter((x) => x.caseId === id)).join('; ')}`,
        );
      }
      await sleep(250);
    }
    expect((await h.describe()).status.name, `case ${id} workflow`).toBe('COMPLETED');
    views.set(id, await h.query(getCaseState));
  }
  const settledInMs = Date.now() - t0;

  // 2. Every request finally acknowledged.
  const unacknowledged = describeExchanges(ledger.exchanges.filter((x) => !x.final || x.final.status >= 300));
  expect(unacknowledged, 'requests never acknowledged (each retried with its Idempotency-Key)').toEqual([]);

  // 1 (cont.) and 3. The cases and their audit entries.
  const cases = await db('cases').whereIn('id', caseIds).select('id');
  expect(sorted(cases.map((c: { id: string }) => c.id)), 'read-model case rows of the acknowledged starts').toEqual(
    caseIds,
  );
  const audit = (await db('audit_log')
    .whereIn('case_id', caseIds)
    .whereIn('action', ['case.received', 'task.completed'])
    .select('action', 'case_id', 'actor', 'after', 'before')) as Array<{
    action: string;
    case_id: string;
    actor: { id: string };
    after: { taskId?: string } | null;
    before: { taskId?: string } | null;
  }>;
  const received = audit.filter((e) => e.action === 'case.received').map((e) => e.case_id);
  expect(sorted(received), 'one case.received audit entry per acknowledged start').toEqual(caseIds);

  const completedInWorkflows = caseIds.flatMap((id) =>
    views
      .get(id)!
      .tasks.filter((t) => t.status === 'completed')
      .map((t) => `${id}.${t.id}`),
  );
  expect(sorted(completedInWorkflows), 'tasks completed in the workflows = the acknowledged completions').toEqual(
    sorted(ledger.completed),
  );
  const completionEntries = audit
    .filter((e) => e.action === 'task.completed')
    // The actor as the API records it (`id`), or as `<type>:<id>` (the form the Update carries).
    .map(
      (e) =>
        `${e.case_id}.${e.after?.taskId ?? e.before?.taskId ?? '?'} by ${e.actor.id.replace(/^(user|api_key):/, '')}`,
    );
  expect(
    sorted(completionEntries),
    'exactly one task.completed audit entry with the actor per acknowledged completion',
  ).toEqual(sorted([...ledger.completed].map((t) => `${t} by ${o.actorId}`)));

  // 4. Read model = workflows.
  for (const id of caseIds) {
    const v = views.get(id)!;
    const s = await db('case_states').where({ case_id: id }).first();
    expect(s, `case_states row of ${id}`).toBeDefined();
    expect(
      {
        status: s.status,
        stage: s.stage,
        outcome: s.outcome ?? null,
        nextDueAt: s.next_due_at ? new Date(s.next_due_at).toISOString() : null,
      },
      `case_states of ${id} = its workflow`,
    ).toEqual({
      status: v.status,
      stage: v.stage,
      outcome: v.outcome ?? null,
      nextDueAt: v.nextDueAt ? new Date(v.nextDueAt).toISOString() : null,
    });
    const tasks = await db('case_tasks').where({ case_id: id }).select('task_id', 'node_id', 'status');
    expect(
      sorted(
        tasks.map((t: { task_id: string; node_id: string; status: string }) => `${t.task_id} ${t.node_id} ${t.status}`),
      ),
      `case_tasks of ${id} = its workflow's tasks`,
    ).toEqual(sorted(v.tasks.map((t) => `${t.id} ${t.nodeId} ${t.status}`)));
  }

  // 5. The chain.
  const verified = await createAuditStore(db).verify();
  expect(verified, 'audit chain').toMatchObject({ ok: true });
  return {
    started: caseIds.length,
    completions: ledger.completed.size,
    retried: ledger.retried.length,
    settledInMs,
    auditEntries: verified.checked,
  };
}
