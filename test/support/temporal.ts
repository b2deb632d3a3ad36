import { randomBytes } from 'node:crypto';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { inject } from 'vitest';
import { WORKFLOWS_PATH } from '../../worker.js';
import { freePort } from '../../platform/postgres.js';
import { registerSearchAttributes, startTimeSkippingServer } from '../../platform/temporal.js';

/** A unique task queue per test file/test (servers are shared across files). */
export function uniqueQueue(prefix = 'test'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** The workflow bundle, built once per test file. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error } as never,
  });
  return bundle;
}

/**
 * A time-skipping environment on a test server of this file's own, started here and stopped by the
 * environment's `teardown()`. Time on a test server only moves forward and is global to it: files
 * that shared one inherited each other's skipped years (a run reached 2128, where a test's fixed
 * 2031 dates were "too far back", and then 2200, past the lunar tables) and each other's leaked
 * time locks. A fresh server starts at the real now. The SDK only exposes time skipping for servers
 * it spawns itself, so we use its internal `create` with `server: { type: 'existing' }` — the same
 * code path, minus the spawn.
 */
export async function timeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const server = await startTimeSkippingServer(inject('timeSkippingBinary'), await freePort());
  try {
    const c = await Connection.connect({ address: server.address });
    try {
      await registerSearchAttributes(c, 'default');
    } finally {
      await c.close();
    }
    const create = (
      TestWorkflowEnvironment as unknown as {
        create(o: {
          supportsTimeSkipping: boolean;
          address: string;
          server: { type: 'existing' };
        }): Promise<TestWorkflowEnvironment>;
      }
    ).create.bind(TestWorkflowEnvironment);
    const env = await create({ supportsTimeSkipping: true, address: server.address, server: { type: 'existing' } });
    const teardown = env.teardown.bind(env);
    env.teardown = async () => {
      try {
        await teardown();
      } finally {
        await server.stop();
      }
    };
    return env;
  } catch (e) {
    await server.stop();
    throw e;
  }
}

/**
 * Makes time skip again when something left it locked: a lock the Java test server leaked for a
 * linked case that ended after its parent closed (see linkedCasesEndedAfterParent in process.ts), or
 * a workflow task stuck on an earlier file's dead task queue. A one-minute skip is started (far more
 * than `probeMs` of real time) and, while it does not return within `probeMs`, one more lock is
 * released, at most `max`. Self-checking: on a server that skips, it releases nothing and costs one
 * round trip and one minute of server time. Call it only while nothing of
 * yours is in flight (a lock held by running work would be released too early). Returns how many
 * locks it released.
 */
export async function releaseStuckTimeLocks(
  env: TestWorkflowEnvironment,
  { max = 10, probeMs = 3000 } = {},
): Promise<number> {
  const skip = 60_000;
  const from = await env.currentTimeMs();
  const skipped = env.sleep(skip).then(() => true);
  for (let released = 0; ; released++) {
    if (await Promise.race([skipped, new Promise<false>((r) => setTimeout(() => r(false), probeMs))])) return released;
    // A slow answer is not a stuck lock: when the server's clock has moved on, the skip happened and
    // the server took the test's lock back. Releasing one more then would leave time unlocked: it
    // would run free (every timer and activity timeout firing at once, clocks breached under the
    // test's feet) for the rest of the file.
    if ((await env.currentTimeMs()) >= from + skip) {
      await skipped;
      return released;
    }
    if (released === max) throw new Error(`time does not skip after releasing ${max} time-skipping lock(s)`);
    await env.connection.testService!.unlockTimeSkipping({});
  }
}

/**
 * Whether a workflow task is outstanding (scheduled or started, not yet completed), read from the history: the
 * last workflow-task event is not a completion. The Java test server's DescribeWorkflowExecution never fills
 * `pendingWorkflowTask` (TestWorkflowMutableStateImpl.describeWorkflowExecution), so the history is the only
 * place that shows the workflow task an activity's completion or a signal scheduled.
 */
function workflowTaskOutstanding(events: ReadonlyArray<Record<string, unknown>>): boolean {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.workflowTaskCompletedEventAttributes) return false;
    if (
      e.workflowTaskScheduledEventAttributes ||
      e.workflowTaskStartedEventAttributes ||
      e.workflowTaskFailedEventAttributes ||
      e.workflowTaskTimedOutEventAttributes
    )
      return true;
  }
  return true; // no workflow task completed yet: the first one is outstanding
}

/**
 * Terminates a case on the time-skipping server only once it is quiet: no activity scheduled or
 * running and no workflow task outstanding. The Java test server takes a time-skipping lock for
 * every scheduled activity and every scheduled workflow task and does not release either when the
 * workflow is terminated under it (2 of 2 locks leaked per termination in test/scratch probing,
 * 2026-11-28): time then never skips again on that server, and a later `env.sleep` runs in real time
 * until the test times out. The workflow task is read from the history, not from DescribeWorkflowExecution,
 * which on this server never shows one: the check that read it terminated cases in the window between an
 * activity's completion and the workflow task it scheduled — a lock leaked whenever the worker was slow to
 * take that task (a loaded machine; CI 2026-12-03). Quiet twice in a row with the same history length.
 * Returns whether the case was still running (and is now terminated).
 */
export async function terminateWhenQuiet(
  handle: WorkflowHandle,
  reason = 'test done',
  { timeoutMs = 20_000 } = {},
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let lastLength = -1;
  for (let quietChecks = 0; quietChecks < 2;) {
    const d = await handle.describe();
    if (d.status.name !== 'RUNNING') return false;
    const events = ((await handle.fetchHistory()).events ?? []) as unknown as Array<Record<string, unknown>>;
    const busy =
      (d.raw.pendingActivities?.length ?? 0) > 0 ||
      d.raw.pendingWorkflowTask != null ||
      workflowTaskOutstanding(events) ||
      (quietChecks > 0 && events.length !== lastLength);
    quietChecks = busy ? 0 : quietChecks + 1;
    lastLength = events.length;
    if (Date.now() > deadline)
      throw new Error(
        `${handle.workflowId} still busy after ${timeoutMs} ms (activities or a workflow task in flight): not terminated`,
      );
    await new Promise((r) => setTimeout(r, 20));
  }
  await handle.terminate(reason);
  return true;
}

/**
 * Waits (real time; no time skipping) until a run has closed and returns its status name. A case's
 * query may already say `completed` while the run is still finishing its last workflow task
 * (projection, search attributes), so a closed status is awaited, not read once.
 */
export async function closedStatus(h: WorkflowHandle, { timeoutMs = 20_000 } = {}): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status } = await h.describe();
    if (status.name !== 'RUNNING') return status.name;
    if (Date.now() > deadline) throw new Error(`${h.workflowId} still running after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Client and worker connections to the run's Temporal dev server (integration tests). */
export async function devServer(): Promise<{
  client: Client;
  connection: Connection;
  nativeConnection: NativeConnection;
  address: string;
  close(): Promise<void>;
}> {
  const address = inject('temporalDevAddress');
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  return {
    client: new Client({ connection, namespace: 'default' }),
    connection,
    nativeConnection,
    address,
    async close() {
      await connection.close();
      await nativeConnection.close();
    },
  };
}
