/**
 * The Temporal Schedule that drafts the reports (ADR 0032): every day at 00:05 Vietnam time it starts
 * `reportDraftingWorkflow`, which drafts every report whose data period ended (TT 02/2021/TT-TTCP Điều
 * 7.1.a: periods end on the 14th; the regime's days are configuration) and that has no draft yet — one
 * `reportWorkflow` per agency and report. Idempotent: a day the schedule missed is caught up the next day
 * (within DRAFTING_CATCH_UP_DAYS). Registered at start-up through `ensureSchedule` (platform/schedules.ts:
 * an existing schedule — the former monthly one included — is brought to this definition).
 */
import type { Client } from '@temporalio/client';
import { REPORT_SCHEDULE_ID } from '../workflows/report-contract.js';
import { ensureSchedule } from './schedules.js';

export const REPORT_SCHEDULE_SPEC = {
  calendars: [{ hour: 0, minute: 5, comment: 'daily: drafts the reports whose data period ended, not drafted yet' }],
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
