/**
 * Drives the built-in lifecycle definitions through the real `processWorkflow` on the
 * time-skipping server, with the real lifecycle activities over a throwaway database. Steps are
 * the ones of test/unit/builtin/driver.ts (task completions carry `caseEventsFor`; legal events go
 * through `sendMessage`), so the pure-runner scenarios and these stay comparable.
 *
 * The shared time-skipping server's clock is "now" (and only moves forward), so scenarios date
 * their cases from the server's current day and compute the expected due dates with the pure
 * clock over the seed calendar (test/support/clock.ts), the calendar the worker serves here.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { DateTime } from 'luxon';
import pino from 'pino';
import { createLifecycleActivities } from '../../../activities/lifecycle.js';
import { createGenericActivities } from '../../../activities/process.js';
import { buildCalendar } from '../../../calendar/index.js';
import { BUILTIN_DEFINITIONS, caseEventsFor } from '../../../processes/builtin/index.js';
import { addDays, computeDeadline as computeLimit, VN_ZONE } from '../../../workflows/clock/index.js';
import {
  completeTask,
  getCaseState,
  sendMessage,
  type CaseStateView,
  type ClockView,
  type ProcessInput,
  type ProjectCaseStateInput,
} from '../../../workflows/contract.js';
import {
  formatPin,
  isEffectiveOn,
  pinDefinition,
  validateDefinition,
  type JsonValue,
  type ProcessDefinition,
  type ProcessDefinitionInput,
} from '../../../workflows/engine/index.js';
import { createTestDb, type TestDb } from '../../support/db.js';
import { vnDateOf } from '../../support/clock.js';
import { computeDeadline } from '../../support/clock.js';
import { terminateWhenQuiet, timeSkippingEnv, uniqueQueue, workflowBundle } from '../../support/temporal.js';
import { skipTime } from '../../support/process.js';
import { randomUUID } from 'node:crypto';

export const DAY = 86_400_000;

const DEFS: ProcessDefinition[] = BUILTIN_DEFINITIONS.map((d) => {
  const v = validateDefinition(d);
  if (!v.ok) throw new Error(`${d.key} v${d.version} invalid`);
  return v.definition;
});

/** Built-in definition `key` version `version`, pinned. */
export function builtin(key: string, version: number): Pick<ProcessInput, 'definition' | 'pin'> {
  const d = DEFS.find((x) => x.key === key && x.version === version);
  if (!d) throw new Error(`no built-in ${key} v${version}`);
  const pin = pinDefinition(d);
  return { definition: d, pin: { ...pin, label: formatPin(pin) } };
}

/** Real lifecycle activities on a throwaway database + the interpreter's infrastructure activities. */
export async function lifecycleActivities(): Promise<{
  tdb: TestDb;
  activities: Record<string, unknown>;
  projected: ProjectCaseStateInput[];
}> {
  const tdb = await createTestDb();
  const projected: ProjectCaseStateInput[] = [];
  const activities = {
    ...createGenericActivities(),
    ...createLifecycleActivities({
      db: tdb.db,
      logger: pino({ level: 'silent' }),
      calendar: async (from, to) => buildCalendar({ from, to }),
    }),
    async getCalendarSnapshot(r: { from: string; to: string }) {
      return buildCalendar(r);
    },
    async resolveDefinition(q: { key: string; on: string }) {
      const best = DEFS.filter((d) => d.key === q.key && isEffectiveOn(d, q.on)).sort(
        (a, b) => b.version - a.version,
      )[0];
      if (!best) throw new Error(`no built-in ${q.key} on ${q.on}`);
      return builtin(best.key, best.version);
    },
    async projectCaseState(p: ProjectCaseStateInput) {
      projected.push(p);
      return { applied: true };
    },
  };
  return { tdb, activities, projected };
}

/** Cases started on the current worker: terminated when it stops. */
const started: WorkflowHandle[] = [];

/**
 * Runs `fn` with a worker on a fresh queue, then terminates the cases still running (and the linked
 * cases they started, children first): a case left with timers on a queue nobody polls would hold
 * a workflow task open at its next timer, and the time-skipping server does not skip time while a
 * workflow task is outstanding. Each is terminated only once quiet (terminateWhenQuiet): terminating
 * a case under an in-flight activity leaks that activity's time lock on the Java test server, and
 * every later sleep on it then runs in real time.
 */
export async function withWorker<T>(
  env: TestWorkflowEnvironment,
  activities: object,
  fn: (taskQueue: string) => Promise<T>,
): Promise<T> {
  const taskQueue = uniqueQueue('life');
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
  });
  return worker.runUntil(async () => {
    try {
      return await fn(taskQueue);
    } finally {
      await terminateStarted(env);
    }
  });
}

/** Terminates every case started in this scenario and every linked case they started, children first. */
async function terminateStarted(env: TestWorkflowEnvironment): Promise<void> {
  const order: string[] = [];
  const visit = async (workflowId: string): Promise<void> => {
    if (order.includes(workflowId)) return;
    const view = await env.client.workflow
      .getHandle(workflowId)
      .query(getCaseState)
      .catch(() => undefined);
    for (const child of view?.children ?? []) await visit(child.workflowId);
    order.push(workflowId); // after its children
  };
  for (const h of started.splice(0)) await visit(h.workflowId);
  for (const id of order) {
    const h = env.client.workflow.getHandle(id);
    // Never let clean-up hide the scenario's own failure: a case that stays busy is terminated anyway
    // (its leaked lock is released by the next file's timeSkippingEnv).
    await terminateWhenQuiet(h, 'scenario done').catch(async (e: unknown) => {
      console.warn(`clean-up: ${(e as Error).message}; terminating anyway`);
      await h.terminate('scenario done').catch(() => undefined);
    });
  }
}

/** The server's current Vietnam day. */
export async function serverDay(env: TestWorkflowEnvironment): Promise<string> {
  return vnDateOf(await env.currentTimeMs());
}

/**
 * Moves the server's time forward to `day` at `time` (Vietnam local time). Fails within a minute,
 * naming the cause, when the server does not skip (a leaked time-skipping lock) instead of letting
 * the sleep run in real time until the test times out.
 */
export async function sleepUntil(env: TestWorkflowEnvironment, day: string, time = '09:00:00'): Promise<void> {
  const target = DateTime.fromISO(`${day}T${time}`, { zone: VN_ZONE }).toMillis();
  const now = await env.currentTimeMs();
  if (target > now) await skipTime(env, target - now, 60_000);
}

/** A case of a built-in definition, driven through the workflow's updates and query. */
export class LifeCase {
  private constructor(
    readonly env: TestWorkflowEnvironment,
    readonly handle: WorkflowHandle,
    readonly input: ProcessInput,
  ) {}

  static async start(
    env: TestWorkflowEnvironment,
    taskQueue: string,
    key: string,
    version: number,
    receivedOn: string,
    variables: Record<string, JsonValue> = {},
  ): Promise<LifeCase> {
    return LifeCase.startPinned(env, taskQueue, builtin(key, version), receivedOn, variables);
  }

  /** A case of an agency's own version of a built-in (e.g. `petitionDefinition({ responseDeadline })`). */
  static async startDefinition(
    env: TestWorkflowEnvironment,
    taskQueue: string,
    d: ProcessDefinitionInput,
    receivedOn: string,
    variables: Record<string, JsonValue> = {},
  ): Promise<LifeCase> {
    const v = validateDefinition(d);
    if (!v.ok) throw new Error(`${d.key} v${d.version} invalid: ${JSON.stringify(v.errors.slice(0, 3))}`);
    const pin = pinDefinition(v.definition);
    return LifeCase.startPinned(
      env,
      taskQueue,
      { definition: v.definition, pin: { ...pin, label: formatPin(pin) } },
      receivedOn,
      variables,
    );
  }

  private static async startPinned(
    env: TestWorkflowEnvironment,
    taskQueue: string,
    pinned: Pick<ProcessInput, 'definition' | 'pin'>,
    receivedOn: string,
    variables: Record<string, JsonValue>,
  ): Promise<LifeCase> {
    const caseId = randomUUID();
    const input: ProcessInput = {
      caseId,
      caseType: pinned.definition.caseType,
      agencyId: 'ubnd-xa-test',
      caseEvents: { received: receivedOn },
      variables: { receivedOn, ...variables },
      ...pinned,
    };
    const handle = await env.client.workflow.start('processWorkflow', {
      taskQueue,
      workflowId: `case-${caseId}`,
      args: [input],
    });
    started.push(handle);
    const c = new LifeCase(env, handle, input);
    await c.settled();
    return c;
  }

  /** The linked case a call activity of `parent` started (tracked for termination like the others). */
  static async linked(parent: LifeCase, calledKey: string): Promise<LifeCase> {
    const s = await parent.settled((x) => x.children.some((l) => l.calledKey === calledKey), `linked ${calledKey}`);
    const link = s.children.find((l) => l.calledKey === calledKey)!;
    const handle = parent.env.client.workflow.getHandle(link.workflowId);
    started.push(handle);
    const view = await handle.query(getCaseState);
    const [key, version] = view.pin.split('+')[0]!.split('@') as [string, string];
    const input: ProcessInput = {
      caseId: link.caseId,
      caseType: calledKey,
      caseEvents: view.caseEvents,
      ...builtin(key, Number(version)),
    };
    const c = new LifeCase(parent.env, handle, input);
    await c.settled();
    return c;
  }

  get caseId(): string {
    return this.input.caseId;
  }

  state(): Promise<CaseStateView> {
    return this.handle.query(getCaseState);
  }

  /** Waits until no service task or call activity is in flight (user tasks / timers only). */
  async settled(pred: (s: CaseStateView) => boolean = () => true, what = 'settled'): Promise<CaseStateView> {
    const def = this.input.definition;
    const busy = (s: CaseStateView) =>
      s.currentNodes.some((n) => {
        const node = def.nodes.find((x) => x.id === n.nodeId);
        return node?.type === 'serviceTask' || (node?.type === 'callActivity' && !node.wait);
      });
    for (let i = 0; i < 400; i++) {
      const s = await this.state();
      if (s.status === 'completed' || (!busy(s) && s.status === 'running' && pred(s))) return s;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(
      `case ${this.caseId}: timed out waiting for ${what}: ${JSON.stringify((await this.state()).currentNodes)}`,
    );
  }

  /** Node ids of the open user tasks (sorted). */
  async open(): Promise<string[]> {
    return (await this.settled()).openTasks.map((t) => t.nodeId).sort();
  }

  /** The statutory clock of the open user task `nodeId` (its due rule). */
  async dueClock(nodeId: string): Promise<ClockView> {
    const s = await this.settled();
    const task = s.openTasks.find((t) => t.nodeId === nodeId);
    const clock = s.clocks.find((c) => c.timerId === task?.dueTimerId);
    if (!clock)
      throw new Error(`no due clock on open task ${nodeId} (open: ${s.openTasks.map((t) => t.nodeId).join(', ')})`);
    return clock;
  }

  /** Due day of the open task `nodeId`, from its clock. */
  async due(nodeId: string): Promise<string | null | undefined> {
    return (await this.dueClock(nodeId)).due;
  }

  /** Clocks of timer events (boundaries / catch events) by ruleId. */
  async timerClocks(prefix = ''): Promise<Record<string, string | null | undefined>> {
    const s = await this.settled();
    return Object.fromEntries(
      s.clocks
        .filter((c) => c.purpose !== 'due' && c.nodeId.startsWith(prefix) && c.ruleId)
        .map((c) => [c.ruleId!, c.due]),
    );
  }

  /**
   * Completes the open task `nodeId` with `data` and the case events it establishes (as the API
   * does), or with none (`withCaseEvents: false`: the recordCaseEvent results must date them).
   */
  async complete(
    nodeId: string,
    data: Record<string, JsonValue>,
    opts: { withCaseEvents?: boolean } = {},
  ): Promise<void> {
    const s = await this.settled((x) => x.openTasks.some((t) => t.nodeId === nodeId), `open task ${nodeId}`);
    const task = s.openTasks.find((t) => t.nodeId === nodeId);
    if (!task) throw new Error(`no open task ${nodeId}`);
    // A date that records an act already done cannot lie in the future (ADR 0017): the act happened,
    // so the server's day has come — the scenario's clock moves to it first.
    const acts = task.form.fields
      .filter((f) => f.type === 'date' && f.notAfter?.includes('today'))
      .map((f) => data[f.name]);
    await this.reach(acts);
    await this.handle.executeUpdate(completeTask, {
      args: [
        {
          caseId: this.caseId,
          taskId: task.id,
          data,
          caseEvents: opts.withCaseEvents === false ? {} : caseEventsFor(this.input.definition, nodeId, data),
        },
      ],
    });
    await this.settled();
  }

  /** Sends a legal event / message; returns the result or the rejection message. */
  async send(
    name: string,
    p: { date: string; amount?: number; ruleId?: string; variables?: Record<string, JsonValue> },
  ): Promise<{ caught: number; clocksChanged: number } | string> {
    await this.reach([p.date]); // a legal event records a decision already taken
    try {
      const r = await this.handle.executeUpdate(sendMessage, {
        args: [
          {
            caseId: this.caseId,
            name,
            date: p.date,
            decision: `${name}-${p.date}`,
            ...(p.amount === undefined ? {} : { amount: p.amount }),
            ...(p.ruleId === undefined ? {} : { ruleId: p.ruleId }),
            variables: { eventOn: p.date, ...(p.variables ?? {}) },
          },
        ],
      });
      await this.settled();
      return r;
    } catch (err) {
      const cause = (err as { cause?: { message?: string } }).cause;
      return cause?.message ?? String(err);
    }
  }

  /** Moves the server's time to the latest of `days` (its first minute) when that day has not come yet. */
  private async reach(days: readonly unknown[]): Promise<void> {
    const latest = days
      .filter((d): d is string => typeof d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d))
      .sort()
      .at(-1);
    if (latest && latest > (await serverDay(this.env))) {
      await sleepUntil(this.env, latest, '00:00:01');
      await this.settled();
    }
  }

  /** Moves time to `day` (Vietnam) and waits for the case to settle. */
  async at(day: string, time = '09:00:00'): Promise<CaseStateView> {
    await sleepUntil(this.env, day, time);
    return this.settled();
  }
}

/** Rows the lifecycle activities wrote for a case. */
export async function records(tdb: TestDb, caseId: string) {
  const [documents, notifications, flags, events] = await Promise.all([
    tdb.db('case_documents').where({ case_id: caseId }).orderBy('recorded_at').orderBy('id'),
    tdb.db('case_notifications').where({ case_id: caseId }).orderBy('recorded_at').orderBy('id'),
    tdb.db('case_flags').where({ case_id: caseId }),
    tdb.db('case_events').where({ case_id: caseId }).orderBy('id'),
  ]);
  return {
    documents: documents as Array<{
      type: string;
      issued_on: string | null;
      sent_on: string | null;
      received_on: string | null;
      recipients: string[];
    }>,
    notifications: notifications as Array<{ kind: string; recipients: string[] }>,
    flags: Object.fromEntries(flags.map((f: { flag: string; value: JsonValue }) => [f.flag, f.value])) as Record<
      string,
      JsonValue
    >,
    events: events as Array<{ kind: string; name: string; occurred_on: string | null }>,
  };
}

export { addDays };

/** Expected due dates on the seed calendar: N calendar days / N working days after `start`. */
export const cal = (start: string, n: number): string => computeDeadline(start, n, 'calendar_days').due;
export const wd = (start: string, n: number): string => computeDeadline(start, n, 'working_days').due;
/** N years after `start` (BLDS 2015 Art 148(4)-(5)) on the seed calendar. */
export const yr = (start: string, n: number): string =>
  computeLimit(
    { start, amount: n, unit: 'years' },
    buildCalendar({ from: addDays(start, -31), to: addDays(start, 366 * n + 60) }),
  ).due;

/** Per-file fixture: this worker's time-skipping env plus a throwaway DB with the real lifecycle activities. */
export async function openLifecycleFixture(): Promise<{
  env: TestWorkflowEnvironment;
  tdb: TestDb;
  activities: Record<string, unknown>;
}> {
  const env = await timeSkippingEnv();
  const { tdb, activities } = await lifecycleActivities();
  return { env, tdb, activities };
}

export async function closeLifecycleFixture(
  env: TestWorkflowEnvironment | undefined,
  tdb: TestDb | undefined,
): Promise<void> {
  await env?.teardown();
  await tdb?.drop();
}
