/**
 * A review campaign whose workflow start was lost (ADR 0037, amendment of session 12): the launch stores the
 * campaign and its reviews, commits, then starts `reviewCampaignWorkflow`; should the API stop between the two, the
 * campaign stays stored with every review pending and nothing to open them. The reconciler a Temporal Schedule runs
 * starts it (same id and input as the launch), once, audited; a campaign within its grace is left to its launch,
 * and one whose workflow exists is not started again. Real Temporal (a worker on the API's queue) and PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECONCILER_MEMO } from '../../activities/review-campaigns.js';
import { createAgencyScope } from '../../api/auth/agencies.js';
import { createReviewCampaignService } from '../../api/services/review-campaigns.js';
import { createAuditStore } from '../../db/audit.js';
import { createMatterStore } from '../../db/matters.js';
import { createReviewCampaignStore } from '../../db/review-campaigns.js';
import { ensureReviewCampaignReconcileSchedule } from '../../platform/review-campaign-schedule.js';
import {
  REVIEW_CAMPAIGN_RECONCILE_EVERY,
  REVIEW_CAMPAIGN_RECONCILE_WORKFLOW,
  REVIEW_CAMPAIGN_WORKFLOW,
  reviewCampaignInput,
  reviewCampaignWorkflowId,
  type ReviewCampaignReconcileResult,
} from '../../workflows/review-campaign-contract.js';
import { startTestApi, type TestApi } from '../support/api.js';
import { uniqueQueue } from '../support/temporal.js';

let api: TestApi;
const A = 'so-tnmt';

beforeAll(async () => {
  api = await startTestApi({ worker: true });
  const at = new Date(Date.now() - 2 * 365 * 86_400_000).toISOString();
  await api.tdb.db('matters').insert({
    id: randomUUID(),
    agency_id: A,
    title: 'Vụ việc tồn đọng',
    subject_norm: 'vu viec ton dong',
    first_received_at: at,
    last_received_at: at,
    created_by: 'test',
    prolonged: true,
  });
}, 120_000);
afterAll(async () => {
  await api?.close();
});

async function eventually<T>(f: () => Promise<T | undefined>, what: string, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const actor = { type: 'user' as const, id: 'sup-tinh', roles: ['supervisor'] };
const input = () => ({
  name: 'Rà soát vụ việc tồn đọng',
  agencyId: A,
  criteria: { flags: ['prolonged' as const], openLongerThanMonths: 6, agencyIds: [A] },
  dueAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
});
/** The launch of the API, on the test's database, with `temporal` as its Temporal client. */
const service = (temporal: Client, taskQueue = api.deps.taskQueue) =>
  createReviewCampaignService({
    db: api.tdb.appDb,
    store: createReviewCampaignStore(api.tdb.appDb),
    matters: createMatterStore(api.tdb.appDb),
    audit: createAuditStore(api.tdb.appDb),
    agencies: createAgencyScope(api.tdb.appDb),
    taskForces: {} as never,
    temporal,
    taskQueue,
    logger: { warn: () => undefined },
  });

/**
 * A launch that stops after its commit, before its workflow starts (the process killed): its start never answers,
 * so neither the start nor the withdrawal happens. Answers the campaign's id once it is stored.
 */
async function crashedLaunch(): Promise<string> {
  let stored!: (id: string) => void;
  const id = new Promise<string>((r) => (stored = r));
  const hangs = {
    workflow: {
      start: (_type: string, o: { workflowId: string }) => {
        stored(o.workflowId.replace(/^review-campaign-/, ''));
        return new Promise(() => undefined);
      },
    },
  } as unknown as Client;
  void service(hangs).launch(input(), { actor: actor as never, requestId: `crash-${randomUUID()}` });
  return id;
}

const pass = (olderThanSeconds?: number) =>
  api.dev.client.workflow.execute(REVIEW_CAMPAIGN_RECONCILE_WORKFLOW, {
    taskQueue: api.deps.taskQueue,
    workflowId: `review-campaign-reconcile-test-${randomUUID()}`,
    args: [olderThanSeconds === undefined ? {} : { olderThanSeconds }],
  }) as Promise<ReviewCampaignReconcileResult>;

const runs = async (campaignId: string) => {
  const ids: string[] = [];
  for await (const w of api.dev.client.workflow.list({
    query: `WorkflowId = '${reviewCampaignWorkflowId(campaignId)}'`,
  }))
    ids.push(w.runId);
  return ids;
};
const exists = (campaignId: string) =>
  api.dev.client.workflow
    .getHandle(reviewCampaignWorkflowId(campaignId))
    .describe()
    .then(
      () => true,
      () => false,
    );
const recovered = (campaignId: string) =>
  api.tdb
    .db('audit_log')
    .where({ action: 'review_campaign.started_by_reconciler' })
    .where('after', '@>', JSON.stringify({ campaignId }));
const statuses = async (campaignId: string) =>
  (await api.tdb.db('review_items').where({ campaign_id: campaignId }).select('status')).map(
    (r: { status: string }) => r.status,
  );

describe('a review campaign whose workflow start was lost', () => {
  it('is left to its launch within the grace, then started by one pass, once, and opens its reviews', async () => {
    const id = await crashedLaunch();
    // Stored, committed, every review pending, no workflow: nothing would ever open them.
    const row = await eventually(
      async () => (await api.tdb.db('review_campaigns').where({ id }).first()) as { status: string } | undefined,
      'the campaign stored',
    );
    expect(row.status).toBe('running');
    expect(await statuses(id)).toEqual(['pending']);
    expect(await exists(id)).toBe(false);

    // The default grace: a campaign just stored may still be started (or withdrawn) by its launch.
    const early = await pass();
    expect(early.started).not.toContain(id);
    expect(early.existing).not.toContain(id);
    expect(await exists(id)).toBe(false);

    // Two passes at once past the grace (a scheduled run and a manual one): one start between them.
    const [a, b] = await Promise.all([pass(0), pass(0)]);
    expect([...a.started, ...b.started].filter((x) => x === id)).toEqual([id]);
    const h = api.dev.client.workflow.getHandle(reviewCampaignWorkflowId(id));
    const d = await h.describe();
    expect(d.type).toBe(REVIEW_CAMPAIGN_WORKFLOW);
    expect(d.taskQueue).toBe(api.deps.taskQueue);
    // The launch's input: the campaign and its due instant.
    const dueAt = ((await api.tdb.db('review_campaigns').where({ id }).first('due_at')) as { due_at: Date }).due_at;
    const history = await h.fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const payload = started?.input?.payloads?.[0]?.data;
    expect(JSON.parse(Buffer.from(payload!).toString('utf8'))).toEqual(reviewCampaignInput(id, dueAt.toISOString()));
    // The workflow runs: the review opens.
    await eventually(async () => ((await statuses(id))[0] === 'open' ? true : undefined), 'the review opened');
    const entries = await recovered(id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actor: { type: 'system', id: 'review-campaign' },
      after: { campaignId: id, workflowId: reviewCampaignWorkflowId(id) },
    });

    // Again: nothing to start; one run, one entry.
    const again = await pass(0);
    expect(again.started).not.toContain(id);
    expect(again.existing).not.toContain(id);
    expect(await runs(id)).toHaveLength(1);
    expect(await recovered(id)).toHaveLength(1);
    await h.terminate('test done');
  });

  it('a campaign whose workflow already runs is not started again, nor audited', async () => {
    // Launched for real, its workflow on a queue no worker polls: started, its reviews still pending.
    const idle = uniqueQueue('idle');
    const { id } = await service(api.dev.client, idle).launch(input(), {
      actor: actor as never,
      requestId: `idle-${randomUUID()}`,
    });
    expect(await statuses(id)).toEqual(['pending']);
    const before = await runs(id);
    expect(before).toHaveLength(1);
    const r = await pass(0);
    expect(r.started).not.toContain(id);
    expect(r.existing).toContain(id);
    expect(await runs(id)).toEqual(before);
    expect(await recovered(id)).toHaveLength(0);
    await api.dev.client.workflow.getHandle(reviewCampaignWorkflowId(id)).terminate('test done');
  });

  it("a start of the reconciler's own whose entry did not commit is audited by the next pass, once", async () => {
    const id = await crashedLaunch();
    await eventually(async () => (await api.tdb.db('review_campaigns').where({ id }).first()) as unknown, 'stored');
    // As the reconciler starts it (its memo), on a queue no worker polls; then its transaction failed.
    const c = (await api.tdb.db('review_campaigns').where({ id }).first('due_at')) as { due_at: Date };
    await api.dev.client.workflow.start(REVIEW_CAMPAIGN_WORKFLOW, {
      taskQueue: uniqueQueue('idle'),
      workflowId: reviewCampaignWorkflowId(id),
      args: [reviewCampaignInput(id, c.due_at.toISOString())],
      memo: RECONCILER_MEMO,
    });
    expect((await pass(0)).started).toContain(id);
    expect((await pass(0)).started).not.toContain(id);
    expect(await recovered(id)).toHaveLength(1);
    expect(await runs(id)).toHaveLength(1);
    await api.dev.client.workflow.getHandle(reviewCampaignWorkflowId(id)).terminate('test done');
  });

  it('the reconciler is a Temporal Schedule every 5 minutes, registered idempotently', async () => {
    const scheduleId = `review-campaign-reconcile-${randomUUID()}`;
    const temporal = api.dev.client;
    expect(await ensureReviewCampaignReconcileSchedule(temporal, api.deps.taskQueue, { scheduleId })).toBe(true);
    expect(await ensureReviewCampaignReconcileSchedule(temporal, api.deps.taskQueue, { scheduleId })).toBe(false);
    const handle = temporal.schedule.getHandle(scheduleId);
    try {
      const d = await handle.describe();
      expect(d.action).toMatchObject({
        workflowType: REVIEW_CAMPAIGN_RECONCILE_WORKFLOW,
        taskQueue: api.deps.taskQueue,
      });
      const next = d.info.nextActionTimes.slice(0, 2).map((t) => t.getTime());
      expect(REVIEW_CAMPAIGN_RECONCILE_EVERY).toBe('5 minutes');
      expect(next[1]! - next[0]!).toBe(5 * 60_000);
      // A run of the schedule completes a pass on the worker's queue.
      await handle.trigger();
      const result = await eventually(async () => {
        const last = (await handle.describe()).info.recentActions.at(-1);
        if (!last) return undefined;
        const wf = temporal.workflow.getHandle(
          last.action.workflow.workflowId,
          last.action.workflow.firstExecutionRunId,
        );
        return (await wf.result()) as ReviewCampaignReconcileResult;
      }, 'the scheduled pass');
      expect(result).toMatchObject({ checked: expect.any(Number), started: expect.any(Array) });
    } finally {
      await handle.delete();
    }
  });
});
