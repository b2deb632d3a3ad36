/**
 * Helpers for interpreter workflow tests: pin a definition, build the workflow input, run a
 * worker with fake activities on the time-skipping server.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createGenericActivities } from '../../activities/process.js';
import { buildCalendar } from '../../calendar/index.js';
import type { CaseStateView, ProcessInput, ProjectCaseStateInput } from '../../workflows/contract.js';
import { getCaseState } from '../../workflows/contract.js';
import {
  formatPin,
  pinDefinition,
  validateDefinition,
  type ProcessDefinitionInput,
} from '../../workflows/engine/index.js';
import { releaseStuckTimeLocks, uniqueQueue, workflowBundle } from './temporal.js';

export { releaseStuckTimeLocks };
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';

/** Validates and pins a definition; throws on invalid test fixtures. */
export function pinned(d: ProcessDefinitionInput): Pick<ProcessInput, 'definition' | 'pin'> {
  const v = validateDefinition(d);
  if (!v.ok) throw new Error(`invalid fixture ${d.key}: ${v.errors.map((e) => e.message).join('; ')}`);
  const pin = pinDefinition(v.definition);
  return { definition: v.definition, pin: { ...pin, label: formatPin(pin) } };
}

/** A process input for a fresh case. */
export function processInput(d: ProcessDefinitionInput, extra: Partial<ProcessInput> = {}): ProcessInput {
  return {
    caseId: randomUUID(),
    caseType: d.caseType,
    agencyId: 'so-tnmt',
    caseEvents: { received: '2026-11-27' },
    ...pinned(d),
    ...extra,
  };
}

/** Fake activities: generic ones, calendar from the seed, projections recorded in memory. */
export function fakeActivities(definitions: ProcessDefinitionInput[] = [], overrides: Record<string, unknown> = {}) {
  const projected: ProjectCaseStateInput[] = [];
  const activities = {
    ...createGenericActivities(),
    async getCalendarSnapshot(r: { from: string; to: string }) {
      // As the real activity: a range the calendar cannot be built for is not retried.
      try {
        return buildCalendar(r);
      } catch (e) {
        throw e instanceof RangeError ? ApplicationFailure.nonRetryable(e.message, 'CalendarRangeUnsupported') : e;
      }
    },
    async resolveDefinition(q: { key: string; on: string }) {
      const d = definitions.find((x) => x.key === q.key);
      if (!d) throw new Error(`no fixture ${q.key}`);
      return pinned(d);
    },
    async projectCaseState(p: ProjectCaseStateInput) {
      projected.push(p);
      return { applied: true };
    },
    ...overrides,
  };
  return { activities, projected };
}

/** Runs `fn` with a worker on a fresh queue. */
export async function withWorker<T>(
  env: TestWorkflowEnvironment,
  activities: object,
  fn: (taskQueue: string) => Promise<T>,
): Promise<T> {
  const taskQueue = uniqueQueue('proc');
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
  });
  return worker.runUntil(fn(taskQueue));
}

/**
 * Polls the case state (real time, no time skipping) until `pred` holds, for at most `timeoutMs` of
 * real time: a budget in time, not in polls, since a case on a loaded machine (the full suite beside
 * other work) may take many seconds to take its first steps.
 */
export async function until(
  env: TestWorkflowEnvironment,
  h: WorkflowHandle,
  pred: (s: CaseStateView) => boolean,
  what = 'condition',
  { timeoutMs = 90_000 } = {},
): Promise<CaseStateView> {
  const deadline = Date.now() + timeoutMs;
  let last: CaseStateView | undefined;
  do {
    // A query can hang on the Java test server while a run is being continued-as-new: retry it.
    const s = await Promise.race([
      h.query(getCaseState),
      new Promise<undefined>((r) => setTimeout(() => r(undefined), 3000)),
    ]);
    if (s && pred(s)) return s;
    last = s ?? last;
    await new Promise((r) => setTimeout(r, 25));
  } while (Date.now() < deadline);
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}: status ${last?.status ?? '(no answer)'}, at ${JSON.stringify(last?.currentNodes ?? [])}`,
  );
}

/**
 * Lets `ms` of server time pass (env.sleep), failing fast instead of hanging when the server does
 * not skip because something holds a time-skipping lock: a workflow task waiting on a task queue
 * nobody polls any more, a lock leaked by a linked case (see linkedCasesEndedAfterParent) or by a
 * case terminated under an in-flight activity (see terminateWhenQuiet).
 */
export async function skipTime(env: TestWorkflowEnvironment, ms: number, realLimitMs = 20_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<'stalled'>((r) => {
    timer = setTimeout(() => r('stalled'), realLimitMs);
  });
  try {
    const r = await Promise.race([env.sleep(ms).then(() => 'slept' as const), stalled]);
    if (r === 'stalled')
      throw new Error(
        `the time-skipping server did not skip ${ms} ms within ${realLimitMs} ms of real time: a time lock is held`,
      );
  } finally {
    clearTimeout(timer);
  }
}

/** Waits (real time) until every workflow id has closed; linked cases of the tests end at once. */
export async function waitClosed(
  env: TestWorkflowEnvironment,
  workflowIds: string[],
  realLimitMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + realLimitMs;
  for (const id of workflowIds) {
    const h = env.client.workflow.getHandle(id);
    while ((await h.describe()).status.name === 'RUNNING') {
      if (Date.now() > deadline) throw new Error(`workflow ${id} still running after ${realLimitMs} ms`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

/**
 * The Java time-skipping test server leaks one time-skipping lock for every child workflow that
 * completes, fails or is cancelled after its parent run has closed: the child takes a lock "unlocked
 * by the parent" when it reports its end, the parent is gone, the NOT_FOUND is swallowed, and the lock
 * is never released (TestWorkflowMutableStateImpl.processCompleteWorkflowExecution & co.). From then on
 * time no longer skips on that server: every later env.sleep / result() on it — this file's and every
 * later file's — runs in real time. Linked cases are ABANDONed cases in their own right, and one the
 * parent waits for signals its parent *before* it ends, so the parent often closes first.
 *
 * Counts, for closed parent runs whose children have closed, the children whose end the parent never
 * recorded: each may have leaked a lock. Release them with releaseStuckTimeLocks(env, { max: n }).
 */
export async function linkedCasesEndedAfterParent(env: TestWorkflowEnvironment, parentIds: string[]): Promise<number> {
  let n = 0;
  for (const id of parentIds) {
    const history = await env.client.workflow.getHandle(id).fetchHistory();
    const started = new Set<string>();
    const reported = new Set<string>();
    for (const e of history.events ?? []) {
      const s = e.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId;
      if (s) started.add(s);
      const ended =
        e.childWorkflowExecutionCompletedEventAttributes ??
        e.childWorkflowExecutionFailedEventAttributes ??
        e.childWorkflowExecutionCanceledEventAttributes ??
        e.childWorkflowExecutionTimedOutEventAttributes ??
        e.childWorkflowExecutionTerminatedEventAttributes;
      if (ended?.workflowExecution?.workflowId) reported.add(ended.workflowExecution.workflowId);
    }
    for (const child of started) {
      if (reported.has(child)) continue;
      const status = (await env.client.workflow.getHandle(child).describe()).status.name;
      if (status === 'COMPLETED' || status === 'FAILED' || status === 'CANCELLED') n += 1;
    }
  }
  return n;
}
