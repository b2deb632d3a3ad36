/**
 * The activities of reviewCampaignWorkflow (ADR 0037): open the campaign's reviews, count what is left,
 * escalate the overdue ones to the agency above (audit entry and outbox event per review, in one
 * transaction) and complete the campaign. Each is idempotent: a retry or a repeat changes nothing more.
 */
import { appendAudit } from '../db/audit.js';
import { appendEvents, registerEventType } from '../db/events.js';
import type { Db } from '../db/knex.js';
import { createReviewCampaignStore } from '../db/review-campaigns.js';
import type { ReviewCampaignActivities } from '../workflows/review-campaign-contract.js';

export const REVIEW_ESCALATED_EVENT = 'vn.kntc.review.escalated';
export const CAMPAIGN_COMPLETED_EVENT = 'vn.kntc.review_campaign.completed';
registerEventType(REVIEW_ESCALATED_EVENT);
registerEventType(CAMPAIGN_COMPLETED_EVENT);

const SYSTEM = { type: 'system', id: 'review-campaign', agency: null };

export function createReviewCampaignActivities(deps: { db: Db }): ReviewCampaignActivities {
  const { db } = deps;
  const store = createReviewCampaignStore(db);
  return {
    async openReviews(campaignId) {
      if (!(await store.exists(campaignId))) return { found: false, opened: 0 };
      return { found: true, opened: await store.open(campaignId) };
    },
    remainingReviews: (campaignId) => store.remaining(campaignId),
    async escalateOverdueReviews(campaignId, asOfMs) {
      return db.transaction(async (trx) => {
        const done = await store.escalateOverdue(campaignId, trx, asOfMs);
        for (const r of done)
          await appendAudit(
            db,
            {
              actor: SYSTEM,
              action: 'review.escalated',
              after: { campaignId, reviewId: r.id, agencyId: r.agencyId, escalatedTo: r.to },
            },
            trx,
          );
        await appendEvents(
          trx,
          done.map((r) => ({
            type: REVIEW_ESCALATED_EVENT,
            caseId: null,
            agencyId: r.agencyId,
            time: new Date().toISOString(),
            data: { campaignId, reviewId: r.id, agencyId: r.agencyId, escalatedTo: r.to },
          })),
        );
        return done.length;
      });
    },
    async completeCampaign(campaignId) {
      await db.transaction(async (trx) => {
        const c = await trx('review_campaigns')
          .where({ id: campaignId })
          .first<{ agency_id: string } | undefined>('agency_id');
        if (!c || !(await store.complete(campaignId, trx))) return;
        await appendAudit(db, { actor: SYSTEM, action: 'review_campaign.completed', after: { campaignId } }, trx);
        await appendEvents(trx, [
          {
            type: CAMPAIGN_COMPLETED_EVENT,
            caseId: null,
            agencyId: c.agency_id,
            time: new Date().toISOString(),
            data: { campaignId },
          },
        ]);
      });
    },
  };
}
