/** The review campaign workflow's contract (ADR 0037): shared by the workflow, its activities and the API. */
import { defineSignal } from '@temporalio/workflow';

export const REVIEW_CAMPAIGN_WORKFLOW = 'reviewCampaignWorkflow';
export const reviewCampaignWorkflowId = (campaignId: string) => `review-campaign-${campaignId}`;

/** The workflow's input as the launch starts it (and the reconciler, should that start be lost). */
export const reviewCampaignInput = (campaignId: string, dueAt: string): ReviewCampaignInput => ({
  campaignId,
  dueAtMs: Date.parse(dueAt),
});

export interface ReviewCampaignInput {
  campaignId: string;
  /** When the reviews are due (epoch ms): those still open then are escalated to the agency above. */
  dueAtMs: number;
  /** Carried over a continue-as-new: the overdue reviews were escalated already. */
  escalated?: boolean;
}

export interface ReviewCampaignResult {
  campaignId: string;
  opened: number;
  escalated: number;
  /** false: the campaign's row was not found (its launch did not commit). */
  found: boolean;
}

/** A review of the campaign was recorded: the workflow counts what is left. */
export const reviewRecorded = defineSignal<[{ reviewId: string }]>('reviewRecorded');

/**
 * The reconciler of lost starts (ADR 0037, amendment of session 12): a Temporal Schedule runs it every few
 * minutes; it starts the workflow of each running campaign stored more than `olderThanSeconds` ago whose reviews
 * are all still pending (its workflow never ran: the API stopped between the launch's commit and the start).
 */
export const REVIEW_CAMPAIGN_RECONCILE_WORKFLOW = 'reviewCampaignReconcileWorkflow';
export const REVIEW_CAMPAIGN_RECONCILE_SCHEDULE_ID = 'review-campaign-reconcile';
export const REVIEW_CAMPAIGN_RECONCILE_EVERY = '5 minutes';
/**
 * A campaign younger than this is left to its launch: the start follows the commit within milliseconds, and a
 * start that fails withdraws the campaign (a reconciler's start in between would race that withdrawal).
 */
export const REVIEW_CAMPAIGN_RECONCILE_GRACE_SECONDS = 120;
export interface ReviewCampaignReconcileInput {
  /** Campaigns stored at least this long ago are reconciled (default {@link REVIEW_CAMPAIGN_RECONCILE_GRACE_SECONDS}). */
  olderThanSeconds?: number;
}
export interface ReviewCampaignReconcileResult {
  /** Running campaigns found untouched (every review pending) and older than the grace. */
  checked: number;
  /** Campaign ids whose workflow this pass started (a start lost to a crash). */
  started: string[];
  /** Campaign ids whose workflow existed already (started, not yet at its first step). */
  existing: string[];
}

/** The activity of the reconciler's workflow (activities/review-campaigns.ts). */
export interface ReviewCampaignReconcileActivities {
  startLostReviewCampaigns(input: ReviewCampaignReconcileInput): Promise<ReviewCampaignReconcileResult>;
}

/** The activities the workflow calls (activities/review-campaigns.ts). */
export interface ReviewCampaignActivities {
  openReviews(campaignId: string): Promise<{ found: boolean; opened: number }>;
  remainingReviews(campaignId: string): Promise<number>;
  /** `asOfMs`: the workflow's time when its timer fired (reviews due by then are overdue; else the database's). */
  escalateOverdueReviews(campaignId: string, asOfMs?: number): Promise<number>;
  completeCampaign(campaignId: string): Promise<void>;
}
