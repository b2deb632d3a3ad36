/**
 * Backlog review campaigns (rà soát, issue 15.5, ADR 0037): launch (select the matters, store the campaign
 * and its reviews and start its workflow, which owns it from then on) and record a review's outcome (a
 * referral assigns the matter to the task force). Audited. The launch's workflow starts after the commit, so
 * the audit chain head is not held across the Temporal round trip (ADR 0034, session 11); a start that fails
 * withdraws the stored campaign (audited) and answers 503, and a retry with the same Idempotency-Key launches
 * it again (the key holds no answer until the launch succeeds). A start lost to a crash after the commit is made
 * by the reconciler a Temporal Schedule runs (ADR 0037, amendment of session 12).
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { startWorkflowOnce } from '../../platform/start-once.js';
import type { AuditInput, AuditStore } from '../../db/audit.js';
import type { Db } from '../../db/knex.js';
import type { MatterStore } from '../../db/matters.js';
import type {
  CampaignCriteria,
  ReviewCampaignStore,
  ReviewOutcomeInput,
  ReviewRecord,
} from '../../db/review-campaigns.js';
import { vnDate } from '../../workflows/clock/vn-time.js';
import {
  REVIEW_CAMPAIGN_WORKFLOW,
  reviewCampaignInput,
  reviewCampaignWorkflowId,
  reviewRecorded,
} from '../../workflows/review-campaign-contract.js';
import type { AgencyScope } from '../auth/agencies.js';
import { HttpProblem, problems } from '../problem.js';
import { unprocessable } from './reception.js';
import type { TaskForceService } from './task-forces.js';

type AuditActor = AuditInput['actor'];

export function createReviewCampaignService(d: {
  db: Db;
  store: ReviewCampaignStore;
  matters: Pick<MatterStore, 'rules' | 'get'>;
  audit: Pick<AuditStore, 'append'>;
  agencies: AgencyScope;
  taskForces: TaskForceService;
  temporal: Client;
  taskQueue: string;
  logger: { warn(o: object, m: string): void };
}) {
  return {
    store: d.store,
    async launch(
      input: { name: string; agencyId: string; criteria: CampaignCriteria; dueAt: string },
      a: { actor: AuditActor; requestId: string },
    ) {
      const scope = await d.agencies.subtree(input.agencyId);
      for (const [i, ag] of input.criteria.agencyIds.entries())
        if (!scope.includes(ag))
          throw unprocessable(`criteria.agencyIds.${i}`, `${ag} is not within ${input.agencyId}`);
      if (Date.parse(input.dueAt) <= Date.now()) throw unprocessable('dueOn', 'the due date is already past');
      const rules = await d.matters.rules(vnDate(Date.now()));
      const id = `rc-${randomUUID()}`;
      const workflowId = reviewCampaignWorkflowId(id);
      const launched = await d.db.transaction(async (trx) => {
        const selected = await d.store.select(input.criteria, rules, trx);
        const reviews = selected.map((m) => ({ id: `rv-${randomUUID()}`, matterId: m.id, agencyId: m.agencyId }));
        await d.store.insert(
          {
            id,
            name: input.name,
            agencyId: input.agencyId,
            criteria: input.criteria,
            dueAt: input.dueAt,
            workflowId,
            createdBy: a.actor,
          },
          reviews,
          trx,
        );
        await d.audit.append(
          {
            actor: a.actor,
            action: 'review_campaign.launched',
            requestId: a.requestId,
            after: {
              id,
              agencyId: input.agencyId,
              criteria: input.criteria,
              dueAt: input.dueAt,
              selected: reviews.length,
            },
          },
          trx,
        );
        return { id, selected: reviews.length };
      });
      // After the commit: the audit head (locked by the append above until the commit) is not held across the
      // Temporal round trip, and the workflow finds its campaign.
      // Should the process stop before this start, the reconciler starts it (same id and input) once the campaign
      // is older than its grace (activities/review-campaigns.ts `startLostReviewCampaigns`).
      const args = reviewCampaignInput(id, input.dueAt);
      try {
        // Once ever, as the reconciler starts it: a run of the id already there (the reconciler started it meanwhile,
        // this start having taken longer than its grace; or a run it started that completed) owns the campaign.
        await startWorkflowOnce(d.temporal, REVIEW_CAMPAIGN_WORKFLOW, {
          taskQueue: d.taskQueue,
          workflowId,
          args: [args],
        });
      } catch (err) {
        // Withdrawn, so that nothing stays stored without a workflow to open its reviews; the client retries. A
        // workflow that did start after all (a timeout after the server accepted it) finds no campaign and ends;
        // one that already opened the reviews keeps its campaign, and the launch stands.
        const withdrawn = await d.db.transaction(async (trx) => {
          if (!(await d.store.removeUntouched(id, trx))) return false;
          await d.audit.append(
            {
              actor: a.actor,
              action: 'review_campaign.withdrawn',
              requestId: a.requestId,
              after: { id, reason: 'workflow_not_started' },
            },
            trx,
          );
          return true;
        });
        if (!withdrawn) {
          d.logger.warn({ err, campaignId: id }, 'review campaign start reported a failure but its workflow runs');
          return launched;
        }
        d.logger.warn({ err, campaignId: id }, 'review campaign stored but its workflow did not start: withdrawn');
        throw problems.unavailable(
          'The campaign could not be started and was withdrawn; retry the request (with the same Idempotency-Key).',
        );
      }
      return launched;
    },

    /** Records a review's outcome (once; the same outcome again answers the review, another one 409). */
    async record(
      id: string,
      o: ReviewOutcomeInput,
      a: { actor: AuditActor; requestId: string },
    ): Promise<ReviewRecord> {
      const before = (await d.store.review(id))!;
      if (before.status === 'reviewed') {
        if (before.outcome === o.outcome) return before;
        throw new HttpProblem(
          409,
          'review-recorded',
          'The review is recorded',
          `Review ${id} is recorded as ${before.outcome}`,
        );
      }
      if (before.status === 'pending')
        throw new HttpProblem(409, 'review-not-open', 'The review is not open yet', `Review ${id} is not open yet`);
      let tfSubtree: string[] = [];
      if (o.outcome === 'referred_to_task_force') {
        const tf = await d.taskForces.store.get(o.taskForceId!);
        if (!tf) throw unprocessable('taskForceId', `no task force ${o.taskForceId}`);
        if (tf.endsOn < vnDate(Date.now()))
          throw unprocessable('taskForceId', `task force ${tf.id} ended on ${tf.endsOn}`);
        tfSubtree = await d.agencies.subtree(tf.governingAgencyId);
        if (!tfSubtree.includes(before.agencyId))
          throw unprocessable('taskForceId', `task force ${tf.id} is not set up over ${before.agencyId}`);
      }
      await d.db.transaction(async (trx) => {
        await d.store.lockReview(id, trx);
        const now = (await d.store.review(id, trx))!;
        if (now.status === 'reviewed')
          throw new HttpProblem(
            409,
            'review-recorded',
            'The review is recorded',
            `Review ${id} is recorded as ${now.outcome}`,
          );
        await d.store.record(id, o, a.actor, trx);
        if (o.outcome === 'referred_to_task_force')
          await d.taskForces.assign(o.taskForceId!, 'matter', before.matterId, { subtree: tfSubtree, ...a }, trx);
        await d.audit.append(
          {
            actor: a.actor,
            action: 'review.recorded',
            requestId: a.requestId,
            legalBasis: o.outcome === 'terminated' ? (o.legalGround ?? null) : null,
            before: { reviewId: id, status: before.status },
            after: {
              reviewId: id,
              campaignId: before.campaignId,
              matterId: before.matterId,
              outcome: o.outcome,
              planDate: o.planDate ?? null,
              taskForceId: o.taskForceId ?? null,
            },
          },
          trx,
        );
      });
      // The campaign's workflow recounts (it also recounts daily, should this signal be lost).
      try {
        await d.temporal.workflow
          .getHandle(reviewCampaignWorkflowId(before.campaignId))
          .signal(reviewRecorded, { reviewId: id });
      } catch (e) {
        d.logger.warn({ err: e, campaignId: before.campaignId }, 'review campaign: signal not delivered');
      }
      return (await d.store.review(id))!;
    },
  };
}
