/**
 * The Temporal Schedule that drafts the reports (ADR 0032): on the 15th of every month at 00:05 Vietnam
 * time — the day after a data period ends (TT 02/2021/TT-TTCP Điều 7.1.a: periods end on the 14th) — it
 * starts `reportDraftingWorkflow`, which starts one `reportWorkflow` per agency and report due. Registered
 * at start-up through `ensureSchedule` (platform/schedules.ts: an existing schedule is brought to this definition). Overlaps are skipped; a missed run (the cluster was down) is caught up within a day.
 */
import type { Client } from '@temporalio/client';
import { REPORT_SCHEDULE_ID } from '../workflows/report-contract.js';
import { ensureSchedule } from './schedules.js';

export const REPORT_SCHEDULE_SPEC = {
  calendars: [{ dayOfMonth: 15, hour: 0, minute: 5, comment: 'the day after a data period ends (the 14th)' }],
  timezone: 'Asia/Ho_Chi_Minh',
};

/** Creates the drafting schedule, or brings an existing one to this definition; answers whether it was created. */
export function ensureReportSchedule(client: Client, taskQueue: string): Promise<boolean> {
  return ensureSchedule(client, {
    scheduleId: REPORT_SCHEDULE_ID,
    spec: REPORT_SCHEDULE_SPEC,
    action: {
      type: 'startWorkflow',
      workflowType: 'reportDraftingWorkflow',
      workflowId: 'reports-drafting-run',
      taskQueue,
      args: [{}],
    },
    catchupWindow: '1 day',
  });
}
