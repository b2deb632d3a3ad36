/**
 * The one way kntc-flow registers a Temporal Schedule (report drafting, reception compliance, …): created
 * when missing; when it exists, its spec, action and policies are brought to the code's definition (a new
 * release's spec — e.g. the report drafting turned daily — takes effect; the task queue follows the
 * deployment). Overlapping runs are skipped; runs missed while the cluster was down are caught up within
 * `catchupWindow`. Idempotent: answers whether this call created the schedule.
 */
import {
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleOptionsStartWorkflowAction,
  type ScheduleSpec,
} from '@temporalio/client';
import type { Workflow } from '@temporalio/common';

export interface ScheduleDefinition {
  scheduleId: string;
  spec: ScheduleSpec;
  action: ScheduleOptionsStartWorkflowAction<Workflow>;
  /** How far back a missed run is still caught up (e.g. `1 day`). */
  catchupWindow: string;
}

export async function ensureSchedule(client: Client, d: ScheduleDefinition): Promise<boolean> {
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: d.catchupWindow };
  try {
    await client.schedule.create({ scheduleId: d.scheduleId, spec: d.spec, action: d.action, policies });
    return true;
  } catch (e) {
    if (!(e instanceof ScheduleAlreadyRunning)) throw e;
    await client.schedule
      .getHandle(d.scheduleId)
      .update((prev) => ({ ...prev, spec: d.spec, action: d.action, policies: { ...prev.policies, ...policies } }));
    return false;
  }
}

/**
 * A reconciler's schedule (lost workflow starts of mass-matter processes, review campaigns, …): every `every`, one
 * run at a time (`<scheduleId>-run`) of `workflowType` with `input`; missed runs caught up within an hour.
 */
export function ensureIntervalSchedule(
  client: Client,
  d: { scheduleId: string; every: string; workflowType: string; taskQueue: string; input: unknown },
): Promise<boolean> {
  return ensureSchedule(client, {
    scheduleId: d.scheduleId,
    spec: { intervals: [{ every: d.every }] },
    action: {
      type: 'startWorkflow',
      workflowType: d.workflowType,
      workflowId: `${d.scheduleId}-run`,
      taskQueue: d.taskQueue,
      args: [d.input],
    },
    catchupWindow: '1 hour',
  });
}
