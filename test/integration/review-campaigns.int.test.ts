/**
 * Backlog review campaigns (issue 15.5, ADR 0037) on the real stack: a province supervisor launches a
 * campaign; the matters meeting its criteria are selected and their reviews opened by the campaign's
 * workflow for each matter's agency; outcomes are recorded (a referral assigns the matter to a task force);
 * progress per agency; the campaign completes when every review is recorded; overdue reviews escalate.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReviewCampaignActivities } from '../../activities/review-campaigns.js';
import { authHeader } from '../support/auth.js';
import { apiCaller, poll, startTestApi, type Json, type TestApi } from '../support/api.js';

let api: TestApi;
const call = apiCaller(() => api.url);
const A = 'so-tnmt';
const B = 'ubnd-xa-b';
const C = 'ubnd-xa-a';

const monthsAgo = (n: number) => {
  const d = new Date();
  d.setUTCMonth(d.getUTCMonth() - n);
  return d.toISOString();
};
async function matter(agencyId: string, flags: { prolonged?: boolean; complex?: boolean; mass?: boolean }, at: string) {
  const id = randomUUID();
  await api.tdb.db('matters').insert({
    id,
    agency_id: agencyId,
    title: `Vụ việc ${id.slice(0, 6)}`,
    subject_norm: `vu viec ${id.slice(0, 6)}`,
    first_received_at: at,
    last_received_at: at,
    created_by: 'test',
    prolonged: flags.prolonged ?? false,
    complex: flags.complex ?? false,
    mass: flags.mass ?? false,
  });
  return id;
}
const future = (days: number) => new Date(Date.now() + 7 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);

let m1: string;
let m2: string;
beforeAll(async () => {
  api = await startTestApi({ worker: true });
  m1 = await matter(A, { prolonged: true }, monthsAgo(24));
  m2 = await matter(B, { mass: true }, monthsAgo(8));
  await matter(A, {}, monthsAgo(8)); // no flag (under the seeded 12-month rule that makes a matter prolonged)
  await matter(C, { prolonged: true }, monthsAgo(24)); // an agency the campaign does not name
  await matter(A, { complex: true }, monthsAgo(1)); // not open long enough
  const closed = await matter(A, { complex: true }, monthsAgo(30));
  await api.tdb.db('matters').where({ id: closed }).update({ status: 'closed' });
}, 120_000);
afterAll(async () => {
  await api?.close();
});

describe('backlog review campaigns', () => {
  let campaignId: string;
  const sup = () => authHeader({ roles: ['supervisor'], agency: 'tinh-demo', sub: 'sup-tinh' });
  const body = (over: Json = {}): Json => ({
    name: 'Rà soát vụ việc tồn đọng',
    agencyId: 'tinh-demo',
    criteria: { flags: ['prolonged', 'complex', 'mass'], openLongerThanMonths: 6, agencyIds: [A, B] },
    dueOn: future(30),
    ...over,
  });

  it('refuses criteria outside the subtree and bad input, naming the field, before any write', async () => {
    const dept = await call(
      'POST',
      '/v1/review-campaigns',
      await authHeader({ roles: ['supervisor'], agency: A }),
      body({ agencyId: A }),
    );
    expect(dept.status, dept.text).toBe(422);
    expect(dept.json.errors).toEqual([{ path: 'criteria.agencyIds.1', message: `${B} is not within ${A}` }]);
    const past = await call('POST', '/v1/review-campaigns', await sup(), body({ dueOn: '2020-01-01' }));
    expect(past.status).toBe(422);
    expect((past.json.errors as Json[])[0]!.path).toBe('dueOn');
    const bad = await call(
      'POST',
      '/v1/review-campaigns',
      await sup(),
      body({ criteria: { flags: ['urgent'], openLongerThanMonths: -1, agencyIds: [] } }),
    );
    expect(bad.status).toBe(400);
    expect((bad.json.errors as Json[]).map((e) => e.path).sort()).toEqual([
      'criteria.agencyIds',
      'criteria.flags.0',
      'criteria.openLongerThanMonths',
    ]);
    const officer = await call('POST', '/v1/review-campaigns', await authHeader({ roles: ['officer'] }), body());
    expect(officer.status).toBe(403);
    expect(await api.tdb.db('review_campaigns').count('* as n').first()).toEqual({ n: 0 });
  });

  it('selects the matters, opens a review per matter for its agency, idempotently', async () => {
    const key = randomUUID();
    const r = await call('POST', '/v1/review-campaigns', await sup(), body(), key);
    expect(r.status, r.text).toBe(201);
    campaignId = r.json.id as string;
    const again = await call('POST', '/v1/review-campaigns', await sup(), body(), key);
    expect(again.json.id).toBe(campaignId);
    expect(await api.tdb.db('review_campaigns').count('* as n').first()).toEqual({ n: 1 });
    expect(r.json).toMatchObject({ status: 'running', progress: { selected: 2, reviewed: 0, open: 2, overdue: 0 } });
    expect((r.json.progress as { agencies: Json[] }).agencies.map((a) => [a.agencyId, a.selected])).toEqual([
      [A, 1],
      [B, 1],
    ]);
    // The campaign's workflow opens the reviews.
    const officerA = await authHeader({ roles: ['officer'], agency: A });
    const open = await poll(
      'the reviews opened',
      () => call('GET', `/v1/reviews?campaignId=${campaignId}&status=open`, officerA),
      (x) => (x.json.items as Json[] | undefined)?.length === 1,
    );
    expect((open.json.items as Json[])[0]).toMatchObject({ matterId: m1, agencyId: A, overdue: false });
    // B's review is not A's to see.
    const bItems = await call(
      'GET',
      `/v1/reviews?campaignId=${campaignId}`,
      await authHeader({ roles: ['officer'], agency: B }),
    );
    expect((bItems.json.items as Json[]).map((i) => i.matterId)).toEqual([m2]);
    expect(
      (await api.tdb.db('audit_log').where({ action: 'review_campaign.launched' })).map(
        (e) => (e.after as Json).selected,
      ),
    ).toEqual([2]);
  });

  it('records outcomes: validated per outcome; a referral assigns the matter to the task force', async () => {
    const officerA = await authHeader({ roles: ['officer'], agency: A });
    const officerB = await authHeader({ roles: ['officer'], agency: B });
    const reviewOf = async (h: Record<string, string>) =>
      ((await call('GET', `/v1/reviews?campaignId=${campaignId}`, h)).json.items as Json[])[0]!;
    const rA = await reviewOf(officerA);
    const rB = await reviewOf(officerB);
    // Another agency's review: not found.
    expect((await call('POST', `/v1/reviews/${rA.id}/outcome`, officerB, { outcome: 'resolved' })).status).toBe(404);
    const noGround = await call('POST', `/v1/reviews/${rA.id}/outcome`, officerA, { outcome: 'terminated' });
    expect(noGround.status).toBe(400);
    expect((noGround.json.errors as Json[])[0]!.path).toBe('legalGround');
    const noDate = await call('POST', `/v1/reviews/${rA.id}/outcome`, officerA, { outcome: 'resolution_plan' });
    expect((noDate.json.errors as Json[])[0]!.path).toBe('planDate');
    const ok = await call('POST', `/v1/reviews/${rA.id}/outcome`, officerA, {
      outcome: 'terminated',
      legalGround: 'Luật Khiếu nại 2011 Art 11',
    });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.json).toMatchObject({
      status: 'reviewed',
      outcome: 'terminated',
      legalGround: 'Luật Khiếu nại 2011 Art 11',
    });
    const same = await call('POST', `/v1/reviews/${rA.id}/outcome`, officerA, {
      outcome: 'terminated',
      legalGround: 'Luật Khiếu nại 2011 Art 11',
    });
    expect(same.status).toBe(200);
    const other = await call('POST', `/v1/reviews/${rA.id}/outcome`, officerA, { outcome: 'resolved' });
    expect(other.status).toBe(409);

    // A task force over the commune, set up by the province.
    const tf = await call('POST', '/v1/task-forces', await sup(), {
      name: 'Tổ công tác xã B',
      mandate: 'Giải quyết vụ việc đông người',
      governingAgencyId: 'tinh-demo',
      leadPersonId: 'head-ubnd-xa-b',
      members: [{ personId: 'head-ubnd-xa-b' }],
      endsOn: future(90),
    });
    expect(tf.status, tf.text).toBe(201);
    // Referring to a task force is a supervisor's act (as assigning to it is): an officer is refused.
    const byOfficer = await call('POST', `/v1/reviews/${rB.id}/outcome`, officerB, {
      outcome: 'referred_to_task_force',
      taskForceId: tf.json.id,
    });
    expect(byOfficer.status, byOfficer.text).toBe(403);
    const supervisorB = await authHeader({ roles: ['supervisor'], agency: B });
    const unknownTf = await call('POST', `/v1/reviews/${rB.id}/outcome`, supervisorB, {
      outcome: 'referred_to_task_force',
      taskForceId: `tf-${randomUUID()}`,
    });
    expect(unknownTf.status).toBe(422);
    expect((unknownTf.json.errors as Json[])[0]!.path).toBe('taskForceId');
    const referred = await call('POST', `/v1/reviews/${rB.id}/outcome`, supervisorB, {
      outcome: 'referred_to_task_force',
      taskForceId: tf.json.id,
    });
    expect(referred.status, referred.text).toBe(200);
    const after = await call('GET', `/v1/task-forces/${tf.json.id as string}`, await sup());
    expect(after.json.assignments).toMatchObject([{ kind: 'matter', refId: m2, agencyId: B }]);
    const recorded = await api.tdb.db('audit_log').where({ action: 'review.recorded' }).orderBy('seq');
    expect(recorded.map((e) => [(e.after as Json).outcome, e.legal_basis])).toEqual([
      ['terminated', 'Luật Khiếu nại 2011 Art 11'],
      ['referred_to_task_force', null],
    ]);
  });

  it('reports progress per agency and completes once every review is recorded', async () => {
    const done = await poll(
      'the campaign completed',
      async () => call('GET', `/v1/review-campaigns/${campaignId}`, await sup()),
      (x) => x.json.status === 'completed',
    );
    expect(done.json.progress).toMatchObject({
      selected: 2,
      reviewed: 2,
      open: 0,
      overdue: 0,
      byOutcome: { resolved: 0, resolution_plan: 0, terminated: 1, referred_to_task_force: 1 },
      agencies: [
        { agencyId: A, selected: 1, reviewed: 1, byOutcome: { terminated: 1 } },
        { agencyId: B, selected: 1, reviewed: 1, byOutcome: { referred_to_task_force: 1 } },
      ],
    });
    expect(await api.tdb.db('audit_log').where({ action: 'review_campaign.completed' })).toHaveLength(1);
    const commune = await call(
      'GET',
      `/v1/review-campaigns/${campaignId}`,
      await authHeader({ roles: ['supervisor'], agency: B }),
    );
    expect(commune.status).toBe(404);
  });

  it('escalates an overdue review to the agency above, once, with its audit entry and event', async () => {
    const r = await call(
      'POST',
      '/v1/review-campaigns',
      await sup(),
      body({ criteria: { flags: ['prolonged'], openLongerThanMonths: 12, agencyIds: [A] } }),
    );
    expect(r.status, r.text).toBe(201);
    const id = r.json.id as string;
    await poll(
      'the review opened',
      () => api.tdb.db('review_items').where({ campaign_id: id, status: 'open' }),
      (x) => x.length === 1,
    );
    // Its due date passed (the workflow's own timer is covered on the time-skipping server).
    await api.tdb.db('review_items').where({ campaign_id: id }).update({ due_at: '2026-01-01T00:00:00Z' });
    const acts = createReviewCampaignActivities({ db: api.tdb.appDb });
    expect(await acts.escalateOverdueReviews(id)).toBe(1);
    expect(await acts.escalateOverdueReviews(id)).toBe(0);
    const progress = await call('GET', `/v1/review-campaigns/${id}`, await sup());
    expect(progress.json.progress).toMatchObject({ selected: 1, open: 1, overdue: 1, escalated: 1 });
    const province = await call(
      'GET',
      `/v1/reviews?campaignId=${id}`,
      await authHeader({ roles: ['officer'], agency: 'tinh-demo' }),
    );
    expect(province.json.items).toMatchObject([{ matterId: m1, escalatedTo: 'tinh-demo', overdue: true }]);
    expect(await api.tdb.db('audit_log').where({ action: 'review.escalated' })).toHaveLength(1);
    expect(await api.tdb.db('events').where({ type: 'vn.kntc.review.escalated' })).toHaveLength(1);
  });
});
