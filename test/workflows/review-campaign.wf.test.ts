/**
 * A backlog review campaign on the time-skipping server (issue 15.5, ADR 0037): the workflow opens the
 * campaign's two reviews, counts one recorded before the due date, escalates the other — still open at the
 * due date — to the agency above (and nothing before), and completes the campaign once it is recorded too.
 */
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  REVIEW_CAMPAIGN_WORKFLOW,
  reviewRecorded,
  type ReviewCampaignActivities,
  type ReviewCampaignInput,
  type ReviewCampaignResult,
} from '../../workflows/review-campaign-contract.js';
import { skipTime, withWorker } from '../support/process.js';
import { timeSkippingEnv } from '../support/temporal.js';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await timeSkippingEnv();
}, 60_000);
afterAll(async () => {
  await env?.teardown();
});

const DAY = 86_400_000;
const PARENT: Record<string, string> = { 'so-tnmt': 'tinh-demo', 'ubnd-xa-b': 'tinh-demo' };

/** Waits (real time) for `pred`: the workflow's steps after a skip or a signal, on a plain client. */
async function waitFor(what: string, pred: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('reviewCampaignWorkflow', () => {
  it('escalates the one review overdue at the due date, then completes when it is recorded', async () => {
    // The campaign's reviews as the store holds them (activities/review-campaigns.ts does this in SQL).
    const reviews = [
      { id: 'rv-1', agencyId: 'so-tnmt', status: 'pending', escalatedTo: null as string | null },
      { id: 'rv-2', agencyId: 'ubnd-xa-b', status: 'pending', escalatedTo: null as string | null },
    ];
    let remainingCalls = 0;
    let completed = 0;
    const escalations: string[] = [];
    const activities: ReviewCampaignActivities = {
      async openReviews() {
        let opened = 0;
        for (const r of reviews.filter((x) => x.status === 'pending')) {
          r.status = 'open';
          opened++;
        }
        return { found: true, opened };
      },
      async remainingReviews() {
        remainingCalls++;
        return reviews.filter((r) => r.status !== 'reviewed').length;
      },
      async escalateOverdueReviews() {
        const due = reviews.filter((r) => r.status === 'open' && r.escalatedTo === null);
        for (const r of due) {
          r.escalatedTo = PARENT[r.agencyId]!;
          escalations.push(`${r.id}→${r.escalatedTo}`);
        }
        return due.length;
      },
      async completeCampaign() {
        completed++;
      },
    };
    await withWorker(env, activities, async (taskQueue) => {
      // A plain client: time moves only when the test skips it.
      const client = new Client({ connection: env.connection });
      const now = await env.currentTimeMs();
      const input: ReviewCampaignInput = { campaignId: 'rc-test', dueAtMs: now + 3 * DAY };
      const h = await client.workflow.start(REVIEW_CAMPAIGN_WORKFLOW, {
        taskQueue,
        workflowId: `review-campaign-rc-test-${now}`,
        args: [input],
      });
      await waitFor('the reviews opened and counted', () => remainingCalls >= 1);
      expect(reviews.map((r) => r.status)).toEqual(['open', 'open']);

      // The first review is recorded a day in: counted, nothing escalated. The skip ends on the campaign's daily
      // recount timer, armed a moment before or after the skip began: the review is recorded once that recount ran,
      // not while its timer is firing. A signal whose workflow task runs while the timer fires makes the workflow
      // cancel a timer the Java test server has already fired: it refuses the completion ("invalid history builder
      // state for action") after marking the task completed, and the run is wedged until its next event (CI,
      // 2026-12-03). The real server handles that race; the skip, not the workflow, is what creates it here.
      const beforeDay = remainingCalls;
      await skipTime(env, DAY);
      await waitFor('the daily recount', () => remainingCalls > beforeDay);
      reviews[0]!.status = 'reviewed';
      const before = remainingCalls;
      await h.signal(reviewRecorded, { reviewId: 'rv-1' });
      await waitFor('the recount after the signal', () => remainingCalls > before);
      expect(escalations).toEqual([]);
      expect(completed).toBe(0);

      // Past the due date: the open review goes to the agency above, once.
      await skipTime(env, 2 * DAY + 60_000);
      await waitFor('the escalation', () => escalations.length > 0);
      expect(escalations).toEqual(['rv-2→tinh-demo']);
      expect(completed).toBe(0);

      // Recorded: the campaign completes.
      reviews[1]!.status = 'reviewed';
      await h.signal(reviewRecorded, { reviewId: 'rv-2' });
      const result = (await h.result()) as ReviewCampaignResult;
      expect(result).toEqual({ campaignId: 'rc-test', opened: 2, escalated: 1, found: true });
      expect(completed).toBe(1);
      expect(escalations).toEqual(['rv-2→tinh-demo']);
    });
  }, 120_000);

  it('ends at once when its campaign did not commit', async () => {
    const activities: ReviewCampaignActivities = {
      openReviews: async () => ({ found: false, opened: 0 }),
      remainingReviews: async () => {
        throw new Error('not called');
      },
      escalateOverdueReviews: async () => {
        throw new Error('not called');
      },
      completeCampaign: async () => {
        throw new Error('not called');
      },
    };
    await withWorker(env, activities, async (taskQueue) => {
      const client = new Client({ connection: env.connection });
      const r = await client.workflow.execute(REVIEW_CAMPAIGN_WORKFLOW, {
        taskQueue,
        workflowId: `review-campaign-missing-${Date.now()}`,
        args: [{ campaignId: 'rc-missing', dueAtMs: (await env.currentTimeMs()) + DAY }],
      });
      expect(r).toEqual({ campaignId: 'rc-missing', opened: 0, escalated: 0, found: false });
    });
  });
});
