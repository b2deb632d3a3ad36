/**
 * Starting a special period's workflow exactly once (ADR 0035 amendment). The API starts it right after the
 * period's commit; should that start be lost (a crash, Temporal unreachable), the reconciler that a Temporal
 * Schedule runs every few minutes starts it. Exactly once: the workflow id is the period's business key and the
 * start refuses a second run of that id, even one already finished (REJECT_DUPLICATE: "already started" counts as
 * done), and `reception_periods.workflow_started_at`, set after the start, keeps the reconciler from starting it
 * again once Temporal has forgotten a finished run (retention).
 */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { Db } from '../db/knex.js';
import { createReceptionPeriodStore } from '../db/reception-periods.js';
import {
  RECEPTION_PERIOD_WORKFLOW,
  receptionPeriodWorkflowId,
  type ReceptionPeriodInput,
} from '../workflows/reception-period-contract.js';

/** Starts the period's workflow unless it exists or existed; records the start. True when this call started it. */
export async function startPeriodWorkflow(
  deps: { db: Db; client: Client; taskQueue: string },
  periodId: string,
): Promise<boolean> {
  let started = true;
  try {
    await deps.client.workflow.start(RECEPTION_PERIOD_WORKFLOW, {
      workflowId: receptionPeriodWorkflowId(periodId),
      taskQueue: deps.taskQueue,
      args: [{ periodId } satisfies ReceptionPeriodInput],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
  } catch (e) {
    if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
    started = false;
  }
  await createReceptionPeriodStore(deps.db).markWorkflowStarted(periodId);
  return started;
}
