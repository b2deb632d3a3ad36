/**
 * The activities of reviewCampaignWorkflow (ADR 0037): open the campaign's reviews, count what is left,
 * escalate the overdue ones to the agency above (audit entry and outbox event per review, in one
 * transaction) and complete the campaign. Each is idempotent: a retry or a repeat changes nothing more.
 * And the reconciler's pass, which starts the workflow of a campaign whose start was lost.
 */
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { startedByMemo, startWorkflowOnce } from '../platform/start-once.js';
import { appendAudit } from '../db/audit.js';
import { appendEvents, registerEventType } from '../db/events.js';
import type { Db } from '../db/knex.js';
import { createReviewCampaignStore } from '../db/review-campaigns.js';
import {
  REVIEW_CAMPAIGN_RECONCILE_GRACE_SECONDS,
  REVIEW_CAMPAIGN_WORKFLOW,
  reviewCampaignInput,
  reviewCampaignWorkflowId,
  type ReviewCampaignActivities,
  type ReviewCampaignReconcileActivities,
} from '../workflows/review-campaign-contract.js';

export const REVIEW_ESCALATED_EVENT = 'vn.kntc.review.escalated';
export const CAMPAIGN_COMPLETED_EVENT = 'vn.kntc.review_campaign.completed';
registerEventType(REVIEW_ESCALATED_EVENT);
registerEventType(CAMPAIGN_COMPLETED_EVENT);

const SYSTEM = { type: 'system', id: 'review-campaign', agency: null };
const RECOVERED = 'review_campaign.started_by_reconciler';
/** Memo of a start the reconciler made: read back should its audit entry not have committed. */
export const RECONCILER_MEMO = { startedBy: 'review-campaign-reconcile' } as const;

/** Starts the campaign's workflow once ever (a running or closed run is left alone); whether this call did. */
function startOnce(client: Client, taskQueue: string, c: { id: string; dueAt: string }): Promise<boolean> {
  return startWorkflowOnce(client, REVIEW_CAMPAIGN_WORKFLOW, {
    taskQueue,
    workflowId: reviewCampaignWorkflowId(c.id),
    args: [reviewCampaignInput(c.id, c.dueAt)],
    memo: RECONCILER_MEMO,
  });
}

export function createReviewCampaignActivities(deps: {
  db: Db;
}): ReviewCampaignActivities & ReviewCampaignReconcileActivities {
  const { db } = deps;
  const store = createReviewCampaignStore(db);
  return {
    /**
     * The reconciler's pass (ADR 0037, amendment of session 12): starts the workflow of each campaign stored but
     * never started (`store.untouched`: older than the grace, so a launch in flight is left to start it or to
     * withdraw it), with the launch's id and input, at most once ever (REJECT_DUPLICATE: an existing run, even a
     * closed one, is left alone). Each start it makes is audited (`review_campaign.started_by_reconciler`) in one
     * transaction with the campaign row locked and found still untouched (a withdrawal waits for it; concurrent
     * passes serialise on it), the start, then the entry (the audit head is not held across the call to
     * Temporal). Should the entry not commit after the start, the run carries the reconciler's memo and the next
     * pass audits it then. At most 500 a pass; on the worker's task queue, with its client.
     */
    async startLostReviewCampaigns(input) {
      const ctx = Context.current();
      const ids = await store.untouched({
        olderThanSeconds: input.olderThanSeconds ?? REVIEW_CAMPAIGN_RECONCILE_GRACE_SECONDS,
        limit: 500,
      });
      const started: string[] = [];
      const existing: string[] = [];
      for (const id of ids) {
        ctx.heartbeat(id);
        const outcome = await db.transaction(async (trx) => {
          const c = await store.lockUntouched(id, trx);
          if (!c) return 'gone';
          if (!(await startOnce(ctx.client, ctx.info.taskQueue, c))) {
            // Started before: by the launch, another pass (its entry committed), or by a pass of ours whose entry
            // did not commit (the memo says so and no entry exists: write it now).
            const audited = await trx('audit_log')
              .where({ action: RECOVERED })
              .where('after', '@>', JSON.stringify({ campaignId: id }))
              .first<{ seq: unknown } | undefined>('seq');
            if (audited) return 'existing';
            if (!(await startedByMemo(ctx.client, reviewCampaignWorkflowId(id), RECONCILER_MEMO))) return 'existing';
          }
          await appendAudit(
            db,
            { actor: SYSTEM, action: RECOVERED, after: { campaignId: id, workflowId: reviewCampaignWorkflowId(id) } },
            trx,
          );
          return 'started';
        });
        if (outcome === 'started') started.push(id);
        else if (outcome === 'existing') existing.push(id);
      }
      return { checked: ids.length, started, existing };
    },
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
