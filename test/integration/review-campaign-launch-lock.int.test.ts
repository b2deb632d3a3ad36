/**
 * Launching a review campaign (api/services/review-campaigns.ts launch, ADR 0037) and the audit chain head (ADR
 * 0034, session 11 amendment). The launch started the campaign's workflow inside its transaction, after its audit
 * entry: every audit writer of the deployment waited for that Temporal round trip (or the client's timeout when
 * Temporal is down). It now starts the workflow after the commit; a start that fails withdraws the stored campaign
 * (audited) and answers 503, so a retry with the same Idempotency-Key launches it again.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgencyScope } from '../../api/auth/agencies.js';
import { HttpProblem } from '../../api/problem.js';
import { createReviewCampaignService } from '../../api/services/review-campaigns.js';
import { appendAudit, createAuditStore, SYSTEM_ACTOR } from '../../db/audit.js';
import { createMatterStore } from '../../db/matters.js';
import { createReviewCampaignStore } from '../../db/review-campaigns.js';
import { createTestDb, type TestDb } from '../support/db.js';

let tdb: TestDb;
beforeAll(async () => {
  tdb = await createTestDb();
  const at = new Date(Date.now() - 2 * 365 * 86_400_000).toISOString();
  await tdb.db('matters').insert({
    id: randomUUID(),
    agency_id: 'so-tnmt',
    title: 'Vụ việc tồn đọng',
    subject_norm: 'vu viec ton dong',
    first_received_at: at,
    last_received_at: at,
    created_by: 'test',
    prolonged: true,
  });
});
afterAll(async () => {
  await tdb?.drop();
});

function serviceWith(start: (type: string, opts: { workflowId: string }) => Promise<unknown>) {
  return createReviewCampaignService({
    db: tdb.db,
    store: createReviewCampaignStore(tdb.db),
    matters: createMatterStore(tdb.db),
    audit: createAuditStore(tdb.db),
    agencies: createAgencyScope(tdb.db),
    taskForces: {} as never,
    temporal: { workflow: { start } } as unknown as Client,
    taskQueue: 'test',
    logger: { warn: () => undefined },
  });
}

const input = () => ({
  name: 'Rà soát',
  agencyId: 'so-tnmt',
  criteria: { flags: ['prolonged' as const], openLongerThanMonths: 6, agencyIds: ['so-tnmt'] },
  dueAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
});
const actor = { type: 'user' as const, id: 'sup-1', roles: ['supervisor'] };

describe('launching a review campaign', () => {
  it('does not hold the audit chain head while its workflow starts', async () => {
    let release!: () => void;
    const go = new Promise<void>((r) => (release = r));
    let starting!: () => void;
    const started = new Promise<void>((r) => (starting = r));
    const svc = serviceWith(async () => {
      starting();
      await go;
      return {};
    });
    const launch = svc.launch(input(), { actor: actor as never, requestId: 'req-1' });
    await started;
    // While the workflow is starting, another writer appends to the audit log without waiting (NOWAIT: an error
    // at once if the head is locked).
    const other = await tdb.db
      .transaction(async (trx) => {
        await trx.raw('SELECT 1 FROM audit_chain_head WHERE id = 1 FOR UPDATE NOWAIT');
        await appendAudit(trx, { actor: SYSTEM_ACTOR, action: 'test.append', after: {} }, trx);
        return 'appended';
      })
      .catch((e: unknown) => String(e));
    release();
    const { id, selected } = await launch;
    expect({ other, selected }).toEqual({ other: 'appended', selected: 1 });
    expect(await tdb.db('audit_log').where({ action: 'review_campaign.launched' })).toHaveLength(1);
    expect((await tdb.db('review_campaigns').where({ id }).first()).status).toBe('running');
  });

  it('a start that fails withdraws the stored campaign (audited) and answers 503', async () => {
    const ids: string[] = [];
    const svc = serviceWith((_type, opts) => {
      ids.push(opts.workflowId);
      return Promise.reject(new Error('Temporal unavailable'));
    });
    const before = await tdb.db('review_campaigns').count<Array<{ count: string }>>('* as count');
    const err = await svc.launch(input(), { actor: actor as never, requestId: 'req-2' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpProblem);
    expect((err as HttpProblem).status).toBe(503);
    expect(await tdb.db('review_campaigns').count<Array<{ count: string }>>('* as count')).toEqual(before);
    expect(ids).toHaveLength(1);
    const campaignId = ids[0]!.replace(/^review-campaign-/, '');
    expect(await tdb.db('review_items').where({ campaign_id: campaignId })).toHaveLength(0);
    const audit = await tdb
      .db('audit_log')
      .where('after', '@>', JSON.stringify({ id: campaignId }))
      .orderBy('seq');
    expect(audit.map((r: { action: string }) => r.action)).toEqual([
      'review_campaign.launched',
      'review_campaign.withdrawn',
    ]);
  });

  it('a start reported failed whose workflow ran and opened the reviews keeps the campaign (201, not withdrawn)', async () => {
    const store = createReviewCampaignStore(tdb.db);
    let campaignId = '';
    const svc = serviceWith(async (_type, opts) => {
      // The server took the start and the workflow opened the reviews; the answer was lost (a timeout).
      campaignId = opts.workflowId.replace(/^review-campaign-/, '');
      await store.open(campaignId);
      throw new Error('deadline exceeded');
    });
    const { id, selected } = await svc.launch(input(), { actor: actor as never, requestId: 'req-3' });
    expect({ id, selected }).toEqual({ id: campaignId, selected: 1 });
    expect((await tdb.db('review_campaigns').where({ id }).first()).status).toBe('running');
    expect((await tdb.db('review_items').where({ campaign_id: id })).map((r: { status: string }) => r.status)).toEqual([
      'open',
    ]);
    expect(
      await tdb
        .db('audit_log')
        .where({ action: 'review_campaign.withdrawn' })
        .where('after', '@>', JSON.stringify({ id })),
    ).toEqual([]);
  });

  it('a start that finds the workflow already started (by the reconciler, ADR 0037) keeps the campaign', async () => {
    let workflowId = '';
    const svc = serviceWith((type, opts) => {
      workflowId = opts.workflowId;
      return Promise.reject(new WorkflowExecutionAlreadyStartedError('already started', opts.workflowId, type));
    });
    const { id, selected } = await svc.launch(input(), { actor: actor as never, requestId: 'req-4' });
    expect({ workflowId, selected }).toEqual({ workflowId: `review-campaign-${id}`, selected: 1 });
    expect((await tdb.db('review_campaigns').where({ id }).first()).status).toBe('running');
    expect(await tdb.db('review_items').where({ campaign_id: id })).toHaveLength(1);
    expect(
      await tdb
        .db('audit_log')
        .where({ action: 'review_campaign.withdrawn' })
        .where('after', '@>', JSON.stringify({ id })),
    ).toEqual([]);
  });
});
