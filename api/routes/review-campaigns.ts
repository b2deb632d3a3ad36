/**
 * Backlog review campaigns (rà soát, issue 15.5, ADR 0037): a supervisor launches a campaign with criteria
 * (mass, complex or prolonged matters open longer than N months in agencies of their subtree); the product
 * selects the matters and opens a review per matter for its agency, due on the campaign's date; the
 * campaign's workflow escalates the reviews still open then to the agency above and completes the campaign
 * when all are recorded. Outcomes: resolved, a resolution plan with its date, termination of acceptance with
 * its legal ground, referral to a task force (which is then assigned the matter).
 */
import { z } from 'zod';
import { DrillAgencyQuery, narrowAgencies } from '../drill-filters.js';
import { MATTER_FLAGS } from '../../db/matters.js';
import { REVIEW_OUTCOMES, REVIEW_STATES, type CampaignRecord, type ReviewRecord } from '../../db/review-campaigns.js';
import { isIsoDate } from '../../workflows/clock/days.js';
import { actorOf } from '../auth/principal.js';
import { forbidden } from '../auth/errors.js';
import { idempotent } from '../routing/idempotent.js';
import { defineRoute, type RouteSpec } from '../routing/define-route.js';
import { AgencyId, Cursor, nextLink, Text } from '../schemas.js';
import { TaskForceId } from './task-forces.js';

const LAUNCHERS = ['supervisor'] as const;
const READERS = ['supervisor', 'auditor', 'admin'] as const;
const REVIEWERS = ['officer', 'supervisor'] as const;

const CampaignId = z.string().regex(/^rc-[0-9a-f-]{36}$/, 'a campaign id');
const ReviewId = z.string().regex(/^rv-[0-9a-f-]{36}$/, 'a review id');
const IsoDate = z
  .string()
  .refine(isIsoDate, { message: 'must be an existing day written YYYY-MM-DD' })
  .meta({ format: 'date', example: '2027-03-31' });

const Criteria = z
  .strictObject({
    flags: z
      .array(z.enum(MATTER_FLAGS))
      .min(1)
      .max(3)
      .meta({ description: 'A matter is selected when it has any of these flags (ADR 0028)' }),
    openLongerThanMonths: z
      .number()
      .int()
      .min(0)
      .max(600)
      .meta({ description: 'Open at least N months since first received' }),
    agencyIds: z
      .array(AgencyId)
      .min(1)
      .max(500)
      .meta({ description: "Agencies within the campaign's agency subtree whose matters are reviewed" }),
  })
  .meta({ id: 'ReviewCampaignCriteria' });

const ReviewView = z
  .object({
    id: z.string(),
    campaignId: z.string(),
    matterId: z.string(),
    matterTitle: z.string(),
    agencyId: z.string().meta({ description: "The matter's agency, which reviews it" }),
    dueAt: z.string(),
    status: z.enum(['pending', 'open', 'reviewed']),
    overdue: z.boolean(),
    openedAt: z.string().nullable(),
    escalatedTo: z.string().nullable().meta({ description: 'The agency above, once the review was overdue' }),
    escalatedAt: z.string().nullable(),
    outcome: z.enum(REVIEW_OUTCOMES).nullable(),
    planDate: z.string().nullable(),
    legalGround: z.string().nullable(),
    taskForceId: z.string().nullable(),
    note: z.string().nullable(),
    reviewedAt: z.string().nullable(),
    links: z.object({ matter: z.string(), campaign: z.string() }),
  })
  .meta({ id: 'Review' });

const OutcomeCounts = z.object(Object.fromEntries(REVIEW_OUTCOMES.map((o) => [o, z.number().int()])));
const CampaignView = z
  .object({
    id: z.string(),
    name: z.string(),
    agencyId: z.string(),
    criteria: Criteria,
    dueAt: z.string(),
    status: z.enum(['running', 'completed']),
    createdAt: z.string(),
    completedAt: z.string().nullable(),
    link: z.string(),
  })
  .meta({ id: 'ReviewCampaign' });
const ProgressRow = z.object({
  selected: z.number().int(),
  reviewed: z.number().int(),
  byOutcome: OutcomeCounts,
  open: z.number().int(),
  overdue: z.number().int(),
  escalated: z.number().int(),
});
const CampaignProgress = CampaignView.extend({
  progress: ProgressRow.extend({
    agencies: z.array(ProgressRow.extend({ agencyId: z.string() })),
  }),
}).meta({ id: 'ReviewCampaignProgress' });

const campaignView = (c: CampaignRecord) => {
  const { createdBy: _by, workflowId: _w, ...rest } = c;
  return { ...rest, link: `/v1/review-campaigns/${c.id}` };
};
const reviewView = (r: ReviewRecord) => {
  const { reviewedBy: _by, ...rest } = r;
  return {
    ...rest,
    overdue: r.status !== 'reviewed' && Date.parse(r.dueAt) < Date.now(),
    links: { matter: `/v1/matters/${r.matterId}`, campaign: `/v1/review-campaigns/${r.campaignId}` },
  };
};

const note = Text(4000).optional();
const OutcomeBody = z
  .discriminatedUnion('outcome', [
    z.strictObject({ outcome: z.literal('resolved'), note }),
    z.strictObject({
      outcome: z.literal('resolution_plan'),
      planDate: IsoDate.meta({ description: 'The date the plan resolves the matter by' }),
      note,
    }),
    z.strictObject({
      outcome: z.literal('terminated'),
      legalGround: Text(500).meta({
        description: 'The legal ground of the termination of acceptance (e.g. "Luật Khiếu nại 2011 Art 11")',
      }),
      note,
    }),
    z.strictObject({ outcome: z.literal('referred_to_task_force'), taskForceId: TaskForceId, note }),
  ])
  .meta({ id: 'ReviewOutcome' });

export const reviewCampaignRoutes: RouteSpec[] = [
  defineRoute({
    method: 'post',
    path: '/v1/review-campaigns',
    operationId: 'launchReviewCampaign',
    tags: ['Review campaigns'],
    summary: 'Launch a backlog review campaign (rà soát): select the matters, open a review per matter',
    description:
      "`agencyId` is the campaign's agency (yours or below); `criteria.agencyIds` must be within its subtree (422 naming the field). The reviews are due at the end of `dueOn` (Vietnam); those still open then are escalated to the agency above. Audited; a retry with the same Idempotency-Key answers the first outcome. When the campaign's workflow cannot be started, the campaign is withdrawn (audited) and the answer is 503: retry with the same key.",
    auth: { roles: LAUNCHERS, scope: { kind: 'body-agency', field: 'agencyId' } },
    idempotencyKey: true,
    request: {
      body: z
        .strictObject({ name: Text(300), agencyId: AgencyId, criteria: Criteria, dueOn: IsoDate })
        .meta({ id: 'LaunchReviewCampaign' }),
      bodyExample: {
        name: 'Rà soát vụ việc tồn đọng 2026',
        agencyId: 'so-tnmt',
        criteria: { flags: ['prolonged', 'complex', 'mass'], openLongerThanMonths: 6, agencyIds: ['so-tnmt'] },
        dueOn: '2099-03-31',
      },
    },
    responses: {
      201: { description: 'The campaign, with how many matters it selected', schema: CampaignProgress },
      422: { description: 'An agency outside the subtree, or a due date already past (naming the field)' },
      503: { description: 'The workflow could not be started: the campaign was withdrawn; retry with the same key' },
    },
    handler: async ({ req, body, principal, services, requestId }) =>
      idempotent(
        {
          key: req.get('Idempotency-Key'),
          principal,
          store: services.idempotency,
          method: 'POST',
          path: '/v1/review-campaigns',
          resourceId: body.agencyId,
          body,
        },
        async () => {
          const { id } = await services.reviewCampaigns.launch(
            {
              name: body.name,
              agencyId: body.agencyId,
              criteria: body.criteria,
              dueAt: `${body.dueOn}T23:59:59.999+07:00`,
            },
            { actor: actorOf(principal), requestId },
          );
          return { status: 201, body: await progressOf(services, id) };
        },
      ),
  }),

  defineRoute({
    method: 'get',
    path: '/v1/review-campaigns',
    operationId: 'listReviewCampaigns',
    tags: ['Review campaigns'],
    summary: 'Review campaigns of agencies within your subtree, newest first',
    auth: { roles: READERS, scope: { kind: 'subtree' } },
    request: {
      query: z.strictObject({
        ...DrillAgencyQuery,
        runningFrom: IsoDate.optional().meta({ description: 'Running on or after this day: not completed before it' }),
        runningTo: IsoDate.optional().meta({ description: 'Running on or before this day: launched by its end' }),
        after: Cursor.optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
    },
    responses: {
      200: {
        description: 'A page of campaigns; `next` is the URL of the following page',
        schema: z.object({ items: z.array(CampaignView), next: z.string().nullable() }),
      },
    },
    handler: async ({ query, subtree, services }) => {
      const agencies = await narrowAgencies(subtree, query, services.agencies);
      const rows = await services.reviewCampaigns.store.list(
        agencies,
        query.limit,
        { from: query.runningFrom, to: query.runningTo },
        query.after,
      );
      return {
        body: {
          items: rows.map(({ sortKey: _k, ...c }) => campaignView(c)),
          next: nextLink('/v1/review-campaigns', query, rows, query.limit),
        },
      };
    },
  }),

  defineRoute({
    method: 'get',
    path: '/v1/review-campaigns/reviews',
    operationId: 'listCampaignReviews',
    tags: ['Review campaigns'],
    summary: "The reviews of your subtree's matters across campaigns (the supervisor's view), due first",
    description:
      "The list behind the monthly report's rows VIII.1.a–d (issue 16 item 6), by the same SQL definition: the " +
      "reviews of the agencies' matters (the review's `agencyId`; `GET /v1/reviews` is the work list, with those " +
      'escalated to you); with `runningFrom`/`runningTo`, of campaigns running some day of the window (launched by ' +
      'the end of `runningTo`, not completed before `runningFrom`). `state`, as of the end of `runningTo` (or now): ' +
      '`reviewed`; `overdue` (due by then and not reviewed by its due time); `escalated` to the agency above.',
    auth: { roles: READERS, scope: { kind: 'subtree' } },
    request: {
      query: z.strictObject({
        ...DrillAgencyQuery,
        runningFrom: IsoDate.optional().meta({ description: 'Campaigns not completed before this day' }),
        runningTo: IsoDate.optional().meta({ description: 'Campaigns launched by the end of this day' }),
        state: z.enum(REVIEW_STATES).optional(),
        campaignId: CampaignId.optional(),
        after: Cursor.optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
      queryExample: { runningFrom: '2026-11-15', runningTo: '2026-12-14', state: 'overdue' },
    },
    responses: {
      200: {
        description: 'A page of reviews; `next` is the URL of the following page',
        schema: z
          .object({
            items: z.array(ReviewView.extend({ campaignName: z.string() }).meta({ id: 'CampaignReview' })),
            next: z.string().nullable(),
          })
          .meta({ id: 'CampaignReviewList' }),
      },
    },
    handler: async ({ query, subtree, services }) => {
      const agencies = await narrowAgencies(subtree, query, services.agencies);
      const rows = await services.reviewCampaigns.store.campaignReviews({
        agencies,
        fromDay: query.runningFrom,
        toDay: query.runningTo,
        state: query.state,
        campaignId: query.campaignId,
        after: query.after,
        limit: query.limit,
      });
      return {
        body: {
          items: rows.map(({ sortKey: _k, campaignName, ...r }) => ({ ...reviewView(r), campaignName })),
          next: nextLink('/v1/review-campaigns/reviews', query, rows, query.limit),
        },
      };
    },
  }),

  defineRoute({
    method: 'get',
    path: '/v1/review-campaigns/:id',
    operationId: 'getReviewCampaign',
    tags: ['Review campaigns'],
    summary: "A campaign's progress: selected, reviewed by outcome, open, overdue and escalated, per agency",
    auth: { roles: READERS, scope: { kind: 'owned', param: 'id', resource: 'review-campaign' } },
    request: { params: z.object({ id: CampaignId }) },
    responses: { 200: { description: 'The campaign and its progress', schema: CampaignProgress } },
    handler: async ({ params: p, services }) => ({ body: await progressOf(services, p.id) }),
  }),

  defineRoute({
    method: 'get',
    path: '/v1/reviews',
    operationId: 'listReviews',
    tags: ['Review campaigns'],
    summary: 'Reviews for your agency subtree (its own, and those escalated to it), due first',
    auth: { roles: ['officer', 'supervisor', 'auditor', 'admin'], scope: { kind: 'subtree' } },
    request: {
      query: z.strictObject({
        campaignId: CampaignId.optional(),
        status: z.enum(['pending', 'open', 'reviewed']).optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
    },
    responses: { 200: { description: 'Reviews', schema: z.object({ items: z.array(ReviewView) }) } },
    handler: async ({ query, subtree, services }) => ({
      body: {
        items: (await services.reviewCampaigns.store.reviews({ agencies: subtree, ...query })).map(reviewView),
      },
    }),
  }),

  defineRoute({
    method: 'post',
    path: '/v1/reviews/:id/outcome',
    operationId: 'recordReviewOutcome',
    tags: ['Review campaigns'],
    summary: "Record a review's outcome (the matter's agency or an agency above it); audited, idempotent",
    description:
      "A referral to a task force assigns the matter to it (the task force must be running and set up over the matter's agency: 422 naming `taskForceId`). The same outcome again answers the review; another one 409.",
    auth: { roles: REVIEWERS, scope: { kind: 'owned', param: 'id', resource: 'review' } },
    request: {
      params: z.object({ id: ReviewId }),
      body: OutcomeBody,
      bodyExample: { outcome: 'resolution_plan', planDate: '2099-06-30', note: 'Đối thoại lần hai trong quý' },
    },
    responses: {
      200: { description: 'The review', schema: ReviewView },
      409: { description: 'Recorded already with another outcome, or not open yet' },
      403: { description: 'A referral to a task force by someone other than a supervisor' },
      422: { description: 'The task force does not fit (naming `taskForceId`)' },
    },
    handler: async ({ params: p, body, principal, services, requestId }) => {
      // Handing a matter to a task force is a supervisor's act, as on POST /v1/task-forces/:id/assignments.
      if (
        body.outcome === 'referred_to_task_force' &&
        !principal.roles.some((r) => r === 'supervisor' || r === 'admin')
      )
        throw forbidden('Only a supervisor refers a matter to a task force');
      return {
        body: reviewView(await services.reviewCampaigns.record(p.id, body, { actor: actorOf(principal), requestId })),
      };
    },
  }),
];

async function progressOf(services: Parameters<RouteSpec['handler']>[0]['services'], id: string) {
  const c = (await services.reviewCampaigns.store.get(id))!;
  const agencies = await services.reviewCampaigns.store.progress(id);
  const sum = (f: (x: (typeof agencies)[number]) => number) => agencies.reduce((n, a) => n + f(a), 0);
  return {
    ...campaignView(c),
    progress: {
      selected: sum((a) => a.selected),
      reviewed: sum((a) => a.reviewed),
      byOutcome: Object.fromEntries(REVIEW_OUTCOMES.map((o) => [o, sum((a) => a.byOutcome[o])])),
      open: sum((a) => a.open),
      overdue: sum((a) => a.overdue),
      escalated: sum((a) => a.escalated),
      agencies,
    },
  };
}
