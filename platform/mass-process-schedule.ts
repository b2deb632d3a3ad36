/**
 * The Temporal Schedule of the mass-matter process reconciler (ADR 0036, amended): every few minutes it starts
 * `massProcessReconcileWorkflow`, which starts the delegation-reception and central-gathering processes whose
 * start was lost between the commit of their row and the workflow start. Registered at start-up through
 * `ensureIntervalSchedule` (idempotent; an existing schedule is brought to this definition and task queue).
 */
import type { Client } from '@temporalio/client';
import {
  MASS_PROCESS_RECONCILE_EVERY,
  MASS_PROCESS_RECONCILE_SCHEDULE_ID,
  MASS_PROCESS_RECONCILE_WORKFLOW,
  type MassProcessReconcileInput,
} from '../workflows/mass-process-contract.js';
import { ensureIntervalSchedule } from './schedules.js';

/** Creates the reconciler's schedule, or brings an existing one to this definition; answers whether it was created. */
export function ensureMassProcessReconcileSchedule(
  client: Client,
  taskQueue: string,
  opts: { scheduleId?: string; input?: MassProcessReconcileInput } = {},
): Promise<boolean> {
  return ensureIntervalSchedule(client, {
    scheduleId: opts.scheduleId ?? MASS_PROCESS_RECONCILE_SCHEDULE_ID,
    every: MASS_PROCESS_RECONCILE_EVERY,
    workflowType: MASS_PROCESS_RECONCILE_WORKFLOW,
    taskQueue,
    input: opts.input ?? {},
  });
}
