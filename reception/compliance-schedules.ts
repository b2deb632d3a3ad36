/**
 * Registers the Temporal Schedules of the reception compliance check (ADR 0029): monthly (the 1st,
 * 01:00 Vietnam time: the previous month) and weekly (Mondays 01:00: the previous ISO week, for the
 * weekly rule of commune chairmen until 30/06/2026). Idempotent (platform/schedules.ts `ensureSchedule`:
 * an existing schedule is brought to this definition, its action to the current task queue). Overlapping
 * runs are skipped; a run missed while the cluster was down is caught up within a week.
 */
import type { Client } from '@temporalio/client';
import { ensureSchedule } from '../platform/schedules.js';
import {
  RECEPTION_COMPLIANCE_SCHEDULES,
  RECEPTION_COMPLIANCE_WORKFLOW,
  SCHEDULE_TIME_ZONE,
  type ReceptionComplianceInput,
} from '../workflows/reception-compliance-contract.js';

export async function ensureReceptionComplianceSchedules(client: Client, taskQueue: string): Promise<string[]> {
  const ids: string[] = [];
  for (const s of RECEPTION_COMPLIANCE_SCHEDULES) {
    await ensureSchedule(client, {
      scheduleId: s.scheduleId,
      spec: { cronExpressions: [s.cron], timezone: SCHEDULE_TIME_ZONE },
      action: {
        type: 'startWorkflow',
        workflowType: RECEPTION_COMPLIANCE_WORKFLOW,
        workflowId: `${s.scheduleId}-run`,
        taskQueue,
        args: [{ period: s.period } satisfies ReceptionComplianceInput],
      },
      catchupWindow: '7 days',
    });
    ids.push(s.scheduleId);
  }
  return ids;
}
