/**
 * The Temporal Schedule that drafts the reports (ADR 0032): on the 15th of every month at 00:05 Vietnam
 * time — the day after a data period ends (TT 02/2021/TT-TTCP Điều 7.1.a: periods end on the 14th) — it
 * starts `reportDraftingWorkflow`, which starts one `reportWorkflow` per agency and report due. Created
 * once at start-up; an existing schedule is left as it is (its spec is the one below unless an operator
 * changed it on purpose). Overlaps are skipped; a missed run (the cluster was down) is caught up within a day.
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { REPORT_SCHEDULE_ID } from '../workflows/report-contract.js';

export const REPORT_SCHEDULE_SPEC = {
  calendars: [{ dayOfMonth: 15, hour: 0, minute: 5, comment: 'the day after a data period ends (the 14th)' }],
  timezone: 'Asia/Ho_Chi_Minh',
};

/** Creates the drafting schedule unless it exists; answers whether it was created. */
export async function ensureReportSchedule(client: Client, taskQueue: string): Promise<boolean> {
  try {
    await client.schedule.create({
      scheduleId: REPORT_SCHEDULE_ID,
      spec: REPORT_SCHEDULE_SPEC,
      action: {
        type: 'startWorkflow',
        workflowType: 'reportDraftingWorkflow',
        workflowId: 'reports-drafting-run',
        taskQueue,
        args: [{}],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    });
    return true;
  } catch (e) {
    if (e instanceof ScheduleAlreadyRunning) return false;
    throw e;
  }
}
