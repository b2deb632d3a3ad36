/** The review campaign workflow's contract (ADR 0037): shared by the workflow, its activities and the API. */
import { defineSignal } from '@temporalio/workflow';

export const REVIEW_CAMPAIGN_WORKFLOW = 'reviewCampaignWorkflow';
export const reviewCampaignWorkflowId = (campaignId: string) => `review-campaign-${campaignId}`;

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

/** The activities the workflow calls (activities/review-campaigns.ts). */
export interface ReviewCampaignActivities {
  openReviews(campaignId: string): Promise<{ found: boolean; opened: number }>;
  remainingReviews(campaignId: string): Promise<number>;
  /** `asOfMs`: the workflow's time when its timer fired (reviews due by then are overdue; else the database's). */
  escalateOverdueReviews(campaignId: string, asOfMs?: number): Promise<number>;
  completeCampaign(campaignId: string): Promise<void>;
}
