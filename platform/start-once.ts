/**
 * Starting a workflow at most once ever under its id (REJECT_DUPLICATE: a running or closed run is left alone, never
 * a second run), as the reconcilers of lost starts (mass-matter processes, review campaigns) and the launches they
 * back up need, and reading back whether a run was started by one of them (its memo).
 */
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowStartOptions } from '@temporalio/client';
import { WorkflowIdReusePolicy, type Workflow } from '@temporalio/common';

/** Starts `workflowType` with `options` unless a run of its id exists or existed; answers whether this call did. */
export async function startWorkflowOnce(
  client: Client,
  workflowType: string,
  options: Omit<WorkflowStartOptions<Workflow>, 'workflowIdReusePolicy'>,
): Promise<boolean> {
  try {
    await client.workflow.start(workflowType, {
      ...options,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    } as WorkflowStartOptions<Workflow>);
    return true;
  } catch (e) {
    if (e instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw e;
  }
}

/** Whether the workflow's run carries `memo.startedBy` (a reconciler's start whose audit entry may not have committed). */
export async function startedByMemo(client: Client, workflowId: string, memo: { startedBy: string }): Promise<boolean> {
  const d = await client.workflow.getHandle(workflowId).describe();
  return d.memo?.startedBy === memo.startedBy;
}
