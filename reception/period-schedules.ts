/**
 * Registers the Temporal Schedule of the special periods' reconciler (ADR 0035 amendment): every 5 minutes it
 * starts the workflow of each declared period whose start was lost. Idempotent (platform/schedules.ts
 * `ensureSchedule`); overlapping runs are skipped.
 */
import type { Client } from '@temporalio/client';
import { ensureSchedule } from '../platform/schedules.js';
import {
  RECEPTION_PERIOD_RECONCILE_SCHEDULE,
  RECEPTION_PERIOD_RECONCILE_WORKFLOW,
  type PeriodReconcileInput,
} from '../workflows/reception-period-contract.js';
import { SCHEDULE_TIME_ZONE } from '../workflows/reception-compliance-contract.js';

export async function ensureReceptionPeriodReconcileSchedule(client: Client, taskQueue: string): Promise<string> {
  const s = RECEPTION_PERIOD_RECONCILE_SCHEDULE;
  await ensureSchedule(client, {
    scheduleId: s.scheduleId,
    spec: { cronExpressions: [s.cron], timezone: SCHEDULE_TIME_ZONE },
    action: {
      type: 'startWorkflow',
      workflowType: RECEPTION_PERIOD_RECONCILE_WORKFLOW,
      workflowId: `${s.scheduleId}-run`,
      taskQueue,
      args: [{} satisfies PeriodReconcileInput],
    },
    catchupWindow: '10 minutes',
  });
  return s.scheduleId;
}
