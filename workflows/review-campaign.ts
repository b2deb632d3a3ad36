/**
 * reviewCampaignWorkflow (rà soát, issue 15.5, ADR 0037): one per backlog review campaign. It opens the
 * campaign's reviews (one per selected matter, for the matter's agency), waits for their outcomes (a signal
 * per recorded review; a daily recount in case one was lost), escalates the reviews still open at the due
 * date to the agency above, and completes the campaign when every review is recorded.
 */
import { condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  reviewRecorded,
  type ReviewCampaignActivities,
  type ReviewCampaignInput,
  type ReviewCampaignReconcileActivities,
  type ReviewCampaignReconcileInput,
  type ReviewCampaignReconcileResult,
  type ReviewCampaignResult,
} from './review-campaign-contract.js';

const acts = proxyActivities<ReviewCampaignActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

const RECOUNT_MS = 24 * 3_600_000;

export async function reviewCampaignWorkflow(input: ReviewCampaignInput): Promise<ReviewCampaignResult> {
  let changed = false;
  setHandler(reviewRecorded, () => {
    changed = true;
  });
  const { found, opened } = await acts.openReviews(input.campaignId);
  if (!found) return { campaignId: input.campaignId, opened: 0, escalated: 0, found: false };
  let escalatedNow = 0;
  let escalated = input.escalated === true;
  for (;;) {
    changed = false;
    const remaining = await acts.remainingReviews(input.campaignId);
    if (remaining === 0) break;
    const untilDue = input.dueAtMs - Date.now();
    if (!escalated && untilDue <= 0) {
      escalatedNow += await acts.escalateOverdueReviews(input.campaignId, Date.now());
      escalated = true;
      continue;
    }
    await condition(() => changed, escalated ? RECOUNT_MS : Math.min(untilDue, RECOUNT_MS));
    if (workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof reviewCampaignWorkflow>({ ...input, escalated });
    }
  }
  await acts.completeCampaign(input.campaignId);
  return { campaignId: input.campaignId, opened, escalated: escalatedNow, found: true };
}

const reconcileActs = proxyActivities<ReviewCampaignReconcileActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2, maximumAttempts: 5 },
});

/**
 * reviewCampaignReconcileWorkflow: run by the Temporal Schedule REVIEW_CAMPAIGN_RECONCILE_SCHEDULE_ID, it starts the
 * workflow of every campaign whose start was lost (the API stopped between the launch's commit and the start).
 */
export async function reviewCampaignReconcileWorkflow(
  input: ReviewCampaignReconcileInput = {},
): Promise<ReviewCampaignReconcileResult> {
  return reconcileActs.startLostReviewCampaigns(input);
}
