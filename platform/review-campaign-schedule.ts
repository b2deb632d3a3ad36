/**
 * The Temporal Schedule of the review campaign reconciler (ADR 0037, amendment of session 12): every few minutes it
 * starts `reviewCampaignReconcileWorkflow`, which starts the workflow of each campaign whose start was lost between
 * the launch's commit and the workflow start. Registered at start-up through `ensureIntervalSchedule` (idempotent; an
 * existing schedule is brought to this definition and task queue).
 */
import type { Client } from '@temporalio/client';
import {
  REVIEW_CAMPAIGN_RECONCILE_EVERY,
  REVIEW_CAMPAIGN_RECONCILE_SCHEDULE_ID,
  REVIEW_CAMPAIGN_RECONCILE_WORKFLOW,
  type ReviewCampaignReconcileInput,
} from '../workflows/review-campaign-contract.js';
import { ensureIntervalSchedule } from './schedules.js';

/** Creates the reconciler's schedule, or brings an existing one to this definition; answers whether it was created. */
export function ensureReviewCampaignReconcileSchedule(
  client: Client,
  taskQueue: string,
  opts: { scheduleId?: string; input?: ReviewCampaignReconcileInput } = {},
): Promise<boolean> {
  return ensureIntervalSchedule(client, {
    scheduleId: opts.scheduleId ?? REVIEW_CAMPAIGN_RECONCILE_SCHEDULE_ID,
    every: REVIEW_CAMPAIGN_RECONCILE_EVERY,
    workflowType: REVIEW_CAMPAIGN_RECONCILE_WORKFLOW,
    taskQueue,
    input: opts.input ?? {},
  });
}
