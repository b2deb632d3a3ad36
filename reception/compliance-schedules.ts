/**
 * Registers the Temporal Schedules of the reception compliance check (ADR 0029): monthly (the 1st,
 * 01:00 Vietnam time: the previous month) and weekly (Mondays 01:00: the previous ISO week, for the
 * weekly rule of commune chairmen until 30/06/2026). Idempotent: an existing schedule is kept (its
 * action is updated to the current task queue). Overlapping runs are skipped; a run missed while the
 * cluster was down is caught up within a week.
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import {
  RECEPTION_COMPLIANCE_SCHEDULES,
  RECEPTION_COMPLIANCE_WORKFLOW,
  SCHEDULE_TIME_ZONE,
  type ReceptionComplianceInput,
} from '../workflows/reception-compliance-contract.js';

export async function ensureReceptionComplianceSchedules(client: Client, taskQueue: string): Promise<string[]> {
  const ids: string[] = [];
  for (const s of RECEPTION_COMPLIANCE_SCHEDULES) {
    const action = {
      type: 'startWorkflow' as const,
      workflowType: RECEPTION_COMPLIANCE_WORKFLOW,
      workflowId: `${s.scheduleId}-run`,
      taskQueue,
      args: [{ period: s.period } satisfies ReceptionComplianceInput],
    };
    try {
      await client.schedule.create({
        scheduleId: s.scheduleId,
        spec: { cronExpressions: [s.cron], timezone: SCHEDULE_TIME_ZONE },
        action,
        policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '7 days' },
      });
    } catch (e) {
      if (!(e instanceof ScheduleAlreadyRunning)) throw e;
      await client.schedule.getHandle(s.scheduleId).update((prev) => ({ ...prev, action }));
    }
    ids.push(s.scheduleId);
  }
  return ids;
}
