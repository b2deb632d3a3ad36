/**
 * Special periods (issue 14.5, ADR 0035), e.g. a provincial Party congress: declared by a supervisor of the
 * agency that governs the agencies concerned; their duty roster per reception place and working day (with
 * the gaps), the agencies' daily reports (a task per agency and day; escalated to the agency above when
 * late), the tasks the period's workflow opened, and letters concerning congress personnel flagged, routed to
 * the designated agency and given the period's internal (non-statutory) target.
 */
import { z } from 'zod';
import { PERIOD_KINDS, PERIOD_TASK_KINDS, type Period, type PeriodTask } from '../../db/reception-periods.js';
import { isIsoDate } from '../../workflows/clock/days.js';
import { InternalClockView } from '../case-view.js';
import { vnDate } from '../../workflows/clock/vn-time.js';
import { HttpProblem, problems } from '../problem.js';
import { idempotent } from '../routing/idempotent.js';
import { defineRoute, type RouteSpec } from '../routing/define-route.js';
import { AgencyId, CaseId, Cursor, nextLink, Text } from '../schemas.js';

const MANAGERS = ['supervisor', 'admin'] as const;
const READERS = ['reception_officer', 'officer', 'supervisor', 'auditor', 'admin'] as const;
const ROSTER_WRITERS = ['reception_officer', 'supervisor', 'admin'] as const;
const REPORTERS = ['reception_officer', 'officer', 'supervisor', 'admin'] as const;
const MAX_RANGE_DAYS = 366;

const PeriodId = z.string().regex(/^rpd_[0-9a-f]{16}$/);
const Day = z
  .string()
  .refine(isIsoDate, { message: 'must be an existing day written YYYY-MM-DD' })
  .meta({ example: '2026-12-10' });
const Time = z
  .string()
  .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'a time HH:MM (Vietnam time)')
  .meta({ example: '16:00' });
const PlaceId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._:-]+$/, 'a reception place id');
const PersonId = z.string().min(1).max(200);

const PeriodFields = {
  name: Text(300).meta({ example: 'Đại hội đại biểu Đảng bộ tỉnh lần thứ XVI' }),
  kind: z.enum(PERIOD_KINDS),
  startsOn: Day,
  endsOn: Day,
  agencyIds: z
    .array(AgencyId)
    .min(1)
    .max(200)
    .meta({ description: 'The agencies concerned, each with its subtree; all within the governing agency' }),
  designatedAgencyId: AgencyId.meta({ description: 'Where letters concerning congress personnel are routed' }),
  flaggedTargetDays: z
    .number()
    .int()
    .min(1)
    .max(90)
    .meta({
      description:
        'Internal target for those letters, in working days from receipt. UNCONFIRMED: configuration — the law sets no ' +
        'such figure; the statutory clocks still apply',
    }),
  reportDueTime: Time.meta({ description: "Each day's report is due at this time (Vietnam time)" }),
};

const PeriodView = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(PERIOD_KINDS),
    startsOn: z.string(),
    endsOn: z.string(),
    governingAgencyId: z.string(),
    agencies: z.array(z.string()).meta({ description: 'The agencies concerned (subtrees expanded)' }),
    designatedAgencyId: z.string(),
    flaggedTargetDays: z.number().int(),
    flaggedTargetUnconfirmed: z.literal(true),
    reportDueTime: z.string(),
    status: z.enum(['active', 'cancelled']),
    cancelReason: z.string().nullable(),
    sequence: z.number().int(),
    workflowId: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'ReceptionPeriod' });
const DutyView = z
  .object({
    placeId: z.string(),
    placeName: z.string(),
    agencyId: z.string(),
    date: z.string(),
    personId: z.string(),
    personName: z.string(),
  })
  .meta({ id: 'ReceptionDutyEntry' });
const GapView = z
  .object({ date: z.string(), agencyId: z.string(), placeId: z.string(), placeName: z.string() })
  .meta({ id: 'ReceptionDutyGap' });
const Counts = z.object({ visits: z.number().int(), people: z.number().int(), delegations: z.number().int() });
const ReportView = z
  .object({
    periodId: z.string(),
    agencyId: z.string(),
    date: z.string(),
    visits: z.number().int(),
    people: z.number().int(),
    delegations: z.number().int(),
    incidents: z.number().int(),
    note: z.string().nullable(),
    late: z.boolean(),
    submittedAt: z.string(),
    submittedBy: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'ReceptionPeriodReport' });
const ReportStatusView = z
  .object({
    agencyId: z.string(),
    date: z.string(),
    dueAt: z.string(),
    status: z.enum(['submitted', 'missing']),
    overdue: z.boolean(),
    report: ReportView.nullable(),
    recorded: Counts.meta({ description: "Visits recorded at the agency's sessions that day (the form's pre-fill)" }),
  })
  .meta({ id: 'ReceptionPeriodReportStatus' });
const TaskView = z
  .object({
    id: z.string(),
    periodId: z.string(),
    kind: z.enum(PERIOD_TASK_KINDS),
    agencyId: z.string().meta({ description: 'The agency whose staff work the task' }),
    subjectAgencyId: z.string().meta({ description: 'The agency concerned' }),
    date: z.string(),
    dueAt: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
    status: z.enum(['open', 'closed']),
    closedReason: z.string().nullable(),
    createdAt: z.string(),
    closedAt: z.string().nullable(),
  })
  .meta({ id: 'ReceptionPeriodTask' });
const FlagResult = z
  .object({ caseId: z.string(), routed: z.boolean(), agencyId: z.string(), internalClock: InternalClockView })
  .meta({ id: 'CongressPersonnelFlag' });

const view = (p: Period) => ({
  id: p.id,
  name: p.name,
  kind: p.kind,
  startsOn: p.startsOn,
  endsOn: p.endsOn,
  governingAgencyId: p.governingAgencyId,
  agencies: p.agencies,
  designatedAgencyId: p.designatedAgencyId,
  flaggedTargetDays: p.flaggedTargetDays,
  flaggedTargetUnconfirmed: true as const,
  reportDueTime: p.reportDueTime,
  status: p.status,
  cancelReason: p.cancelReason,
  sequence: p.sequence,
  workflowId: `reception-period-${p.id}`,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
});
const taskView = (t: PeriodTask) => t;

function addDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
/** `from`/`to` within the period (defaults: its first and last day), at most a year apart. */
function range(p: Period, q: { from?: string | undefined; to?: string | undefined }): { from: string; to: string } {
  const from = q.from ?? p.startsOn;
  const to = q.to ?? p.endsOn;
  if (to < from) throw problems.validation([{ path: 'query.to', message: `must not be before from (${from})` }]);
  if (to > addDays(from, MAX_RANGE_DAYS))
    throw problems.validation([{ path: 'query.to', message: `at most ${MAX_RANGE_DAYS} days after from` }]);
  return { from, to };
}

const Params = z.object({ periodId: PeriodId });
const RangeQuery = z.strictObject({
  from: Day.optional().meta({ description: "First day (default: the period's first)" }),
  to: Day.optional().meta({ description: "Last day (default: the period's last)" }),
  agencyId: AgencyId.optional().meta({ description: 'Only this agency (within your subtree)' }),
});
/** The agencies of the caller's subtree asked for (`agencyId` outside it: 404). */
function asked(subtree: readonly string[], agencyId: string | undefined): string[] {
  if (agencyId && !subtree.includes(agencyId)) throw problems.notFound(`Agency ${agencyId}`);
  return agencyId ? [agencyId] : [...subtree];
}

export const receptionPeriodRoutes: RouteSpec[] = [
  defineRoute({
    method: 'post',
    path: '/v1/reception/periods',
    operationId: 'createReceptionPeriod',
    tags: ['Reception'],
    summary: 'Declare a special period (e.g. a provincial Party congress)',
    description:
      'By a supervisor or admin of the governing agency or above it; every agency concerned (with its subtree) and the ' +
      'designated agency must be within the governing agency (422 naming the field: a commune cannot declare a ' +
      "province's period). Starts the period's workflow (daily report tasks, escalations, roster checks). Audited; " +
      'idempotent with `Idempotency-Key`.',
    auth: { roles: MANAGERS, scope: { kind: 'body-agency', field: 'governingAgencyId' } },
    idempotencyKey: true,
    request: {
      body: z
        .strictObject({ ...PeriodFields, governingAgencyId: AgencyId.meta({ description: 'The declaring agency' }) })
        .meta({ id: 'CreateReceptionPeriod' }),
      bodyExample: {
        name: 'Đại hội đại biểu Đảng bộ tỉnh',
        kind: 'party_congress',
        startsOn: '2026-12-07',
        endsOn: '2026-12-11',
        governingAgencyId: 'tinh-demo',
        agencyIds: ['so-tnmt'],
        designatedAgencyId: 'so-tnmt',
        flaggedTargetDays: 5,
        reportDueTime: '16:00',
      },
    },
    responses: {
      201: { description: 'The period', schema: PeriodView },
      422: { description: 'An agency is not within the governing agency, or the dates are reversed' },
    },
    handler: ({ req, body, principal, services, requestId }) =>
      idempotent(
        {
          key: req.get('Idempotency-Key'),
          principal,
          store: services.idempotency,
          method: 'POST',
          path: '/v1/reception/periods',
          resourceId: body.governingAgencyId,
          body,
        },
        async () => {
          const p = await services.receptionPeriods.create(body, { principal, requestId });
          return { status: 201, body: view(p), headers: { Location: `/v1/reception/periods/${p.id}` } };
        },
      ),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/reception/periods',
    operationId: 'listReceptionPeriods',
    tags: ['Reception'],
    summary: "Special periods governed by or concerning the caller's agency subtree, latest first",
    auth: { roles: READERS, scope: { kind: 'subtree' } },
    request: {
      query: z.strictObject({
        status: z.enum(['active', 'cancelled']).optional(),
        activeOn: Day.optional().meta({ description: 'Only periods that include this day' }),
        after: Cursor.optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
    },
    responses: {
      200: {
        description: 'Periods',
        schema: z.object({ items: z.array(PeriodView), next: z.string().nullable() }),
      },
    },
    handler: async ({ query, subtree, services }) => {
      const rows = await services.receptionPeriods.store.list({
        agencies: subtree,
        ...(query.status ? { status: query.status } : {}),
        ...(query.activeOn ? { activeOn: query.activeOn } : {}),
        ...(query.after ? { after: query.after } : {}),
        limit: query.limit,
      });
      return {
        body: {
          items: rows.map(view),
          next: nextLink('/v1/reception/periods', query, rows, query.limit, (p) => ({ k: p.startsOn, id: p.id })),
        },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/reception/periods/:periodId',
    operationId: 'getReceptionPeriod',
    tags: ['Reception'],
    summary: 'A special period',
    auth: { roles: READERS, scope: { kind: 'period', param: 'periodId' } },
    request: { params: Params },
    responses: { 200: { description: 'The period', schema: PeriodView } },
    handler: ({ period }) => ({ body: view(period) }),
  }),
  defineRoute({
    method: 'patch',
    path: '/v1/reception/periods/:periodId',
    operationId: 'changeReceptionPeriod',
    tags: ['Reception'],
    summary: "Change a special period (a reason is required; its workflow re-plans its days' tasks)",
    description:
      '`agencyIds` replaces the agencies concerned. Supervisors and admins of the governing agency or above (403 for ' +
      'an agency it concerns). A cancelled period cannot change (409). Audited with before, after and the reason.',
    auth: { roles: MANAGERS, scope: { kind: 'period', param: 'periodId', manage: true } },
    request: {
      params: Params,
      body: z
        .strictObject({
          ...Object.fromEntries(Object.entries(PeriodFields).map(([k, v]) => [k, v.optional()])),
          reason: Text(1000).meta({ description: 'Why it changed (kept in the audit log)' }),
        })
        .meta({ id: 'ChangeReceptionPeriod' }),
      bodyExample: { endsOn: '2026-12-12', reason: 'Đại hội kéo dài thêm một ngày' },
    },
    responses: {
      200: { description: 'The period as changed', schema: PeriodView },
      409: { description: 'The period is cancelled' },
    },
    handler: async ({ period, body, principal, services, requestId }) => {
      const patch = body as Parameters<typeof services.receptionPeriods.change>[1];
      return { body: view(await services.receptionPeriods.change(period.id, patch, { principal, requestId })) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/reception/periods/:periodId/cancel',
    operationId: 'cancelReceptionPeriod',
    tags: ['Reception'],
    summary: 'Cancel a special period (kept; its open tasks close and its workflow ends; a reason is required)',
    auth: { roles: MANAGERS, scope: { kind: 'period', param: 'periodId', manage: true } },
    request: {
      params: Params,
      body: z.strictObject({ reason: Text(1000) }).meta({ id: 'CancelReceptionPeriod' }),
      bodyExample: { reason: 'Đại hội lùi sang năm sau' },
    },
    responses: { 200: { description: 'The cancelled period (cancelling twice changes nothing)', schema: PeriodView } },
    handler: async ({ period, body, principal, services, requestId }) => ({
      body: view(await services.receptionPeriods.cancel(period.id, body.reason, { principal, requestId })),
    }),
  }),
  defineRoute({
    method: 'put',
    path: '/v1/reception/periods/:periodId/roster',
    operationId: 'setReceptionPeriodDuty',
    tags: ['Reception'],
    summary: 'Set the duty staff of a reception place on a working day of the period',
    description:
      "Replaces that place's duty staff for the day (an empty list clears it). The place must be an active reception " +
      'place of an agency concerned within your subtree, the day a working day of the period (public-agency calendar), ' +
      "each person active staff of the place's agency in the directory (422 naming the field). Audited. When none of " +
      "the agency's places is left without duty staff that day, its roster-gap task closes.",
    auth: { roles: ROSTER_WRITERS, scope: { kind: 'period', param: 'periodId' } },
    request: {
      params: Params,
      body: z
        .strictObject({
          placeId: PlaceId,
          date: Day,
          personIds: z.array(PersonId).max(50).meta({ description: 'People of the directory on duty' }),
        })
        .meta({ id: 'SetReceptionDuty' }),
      bodyExample: { placeId: 'so-tnmt-main', date: '2026-12-08', personIds: ['head-so-tnmt'] },
    },
    responses: {
      200: {
        description: 'The place and day as set',
        schema: z.object({
          placeId: z.string(),
          agencyId: z.string(),
          date: z.string(),
          personIds: z.array(z.string()),
        }),
      },
      409: { description: 'The period is cancelled' },
    },
    handler: async ({ period, body, subtree, principal, services, requestId }) => ({
      body: await services.receptionPeriods.setDuty(period, body, subtree, { principal, requestId }),
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/reception/periods/:periodId/roster',
    operationId: 'getReceptionPeriodRoster',
    tags: ['Reception'],
    summary: "The period's duty roster for the places of your subtree, by day and place",
    auth: { roles: READERS, scope: { kind: 'period', param: 'periodId' } },
    request: { params: Params, query: RangeQuery },
    responses: { 200: { description: 'Duty entries', schema: z.object({ items: z.array(DutyView) }) } },
    handler: async ({ period, query, subtree, services }) => {
      const { from, to } = range(period, query);
      const agencies = asked(subtree, query.agencyId).filter((a) => period.agencies.includes(a));
      return { body: { items: await services.receptionPeriods.store.roster(period.id, agencies, from, to) } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/reception/periods/:periodId/roster/gaps',
    operationId: 'getReceptionPeriodRosterGaps',
    tags: ['Reception'],
    summary: 'Every working day × reception place of the agencies concerned without a duty entry',
    description:
      'Working days on the public-agency calendar within the period (and `from`…`to`); active places of the agencies ' +
      'concerned within your subtree. The period workflow checks the same the day before and opens a task per agency.',
    auth: { roles: READERS, scope: { kind: 'period', param: 'periodId' } },
    request: { params: Params, query: RangeQuery },
    responses: {
      200: { description: 'Gaps, by day and place', schema: z.object({ items: z.array(GapView), count: z.number() }) },
    },
    handler: async ({ period, query, subtree, services }) => {
      const { from, to } = range(period, query);
      const items = await services.receptionPeriods.gaps(period, asked(subtree, query.agencyId), from, to);
      return { body: { items, count: items.length } };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/v1/reception/periods/:periodId/reports/:agencyId/:date',
    operationId: 'submitReceptionPeriodReport',
    tags: ['Reception'],
    summary: "Submit (or correct) an agency's daily report of the period",
    description:
      "`visits`, `people` and `delegations` default to those recorded at the agency's reception sessions that day. " +
      'Closes the day\'s "daily report" task (and its escalation). A report after the due time is marked `late`. ' +
      'The agency must be one concerned within your subtree (404 otherwise), the day within the period and begun ' +
      '(422). A second submission corrects the first (audited with both).',
    auth: { roles: REPORTERS, scope: { kind: 'period', param: 'periodId' } },
    request: {
      params: z.object({ periodId: PeriodId, agencyId: AgencyId, date: Day }),
      body: z
        .strictObject({
          visits: z.number().int().min(0).max(100_000).optional(),
          people: z.number().int().min(0).max(1_000_000).optional(),
          delegations: z.number().int().min(0).max(10_000).optional(),
          incidents: z.number().int().min(0).max(10_000),
          note: Text(2000).nullable().optional().meta({ description: "Short notes (no citizen's personal data)" }),
        })
        .meta({ id: 'SubmitReceptionPeriodReport' }),
      bodyExample: { incidents: 0, note: 'Tình hình ổn định' },
    },
    responses: {
      200: { description: 'The report as stored', schema: ReportView },
      409: { description: 'The period is cancelled' },
    },
    handler: async ({ period, params, body, subtree, principal, services, requestId }) => {
      if (!subtree.includes(params.agencyId)) throw problems.notFound(`Agency ${params.agencyId}`);
      return {
        body: await services.receptionPeriods.submitReport(period, params.agencyId, params.date, body, {
          principal,
          requestId,
        }),
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/reception/periods/:periodId/reports',
    operationId: 'listReceptionPeriodReports',
    tags: ['Reception'],
    summary: "A day's reports of the agencies concerned in your subtree: submitted or missing (with the pre-fill)",
    auth: { roles: READERS, scope: { kind: 'period', param: 'periodId' } },
    request: {
      params: Params,
      query: z.strictObject({
        date: Day.optional().meta({ description: 'The day (default today, Vietnam time)' }),
        agencyId: AgencyId.optional(),
      }),
    },
    responses: { 200: { description: 'One row per agency', schema: z.object({ items: z.array(ReportStatusView) }) } },
    handler: async ({ period, query, subtree, services }) => {
      const date = query.date ?? vnDate(Date.now());
      const items = await services.receptionPeriods.reportsOn(period, date, asked(subtree, query.agencyId));
      return { body: { items } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/reception/periods/:periodId/tasks',
    operationId: 'listReceptionPeriodTasks',
    tags: ['Reception'],
    summary: "Tasks the period's workflow opened (daily reports, late-report escalations, roster gaps), by day",
    auth: { roles: READERS, scope: { kind: 'period', param: 'periodId' } },
    request: {
      params: Params,
      query: z.strictObject({
        status: z.enum(['open', 'closed']).optional(),
        kind: z.enum(PERIOD_TASK_KINDS).optional(),
        after: Cursor.optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
    },
    responses: {
      200: { description: 'Tasks', schema: z.object({ items: z.array(TaskView), next: z.string().nullable() }) },
    },
    handler: async ({ period, query, subtree, services }) => {
      const rows = await services.receptionPeriods.store.tasks({
        periodId: period.id,
        agencies: subtree,
        ...(query.status ? { status: query.status } : {}),
        ...(query.kind ? { kind: query.kind } : {}),
        ...(query.after ? { after: query.after } : {}),
        limit: query.limit,
      });
      return {
        body: {
          items: rows.map(taskView),
          next: nextLink(`/v1/reception/periods/${period.id}/tasks`, query, rows, query.limit, (t) => ({
            k: t.date,
            id: t.id,
          })),
        },
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/cases/:id/congress-personnel',
    operationId: 'flagCaseCongressPersonnel',
    tags: ['Cases'],
    summary: 'Flag a case as concerning congress personnel (special period routing and internal target)',
    description:
      "With a special period active for the case's agency on its receipt day: the case is recorded with the period, " +
      "routed to the period's designated agency (its workflow and read model move, `case.agency_moved` audited) and " +
      'given the internal target (working days from receipt; not a statutory clock). 422 when no period applies. ' +
      'Flagging again answers the flag as it is. The reason stays with the flag, not in the audit log.',
    auth: { roles: ['intake', 'officer', 'supervisor', 'admin'], scope: { kind: 'case', param: 'id' } },
    request: {
      params: z.object({ id: CaseId }),
      body: z.strictObject({ reason: Text(1000) }).meta({ id: 'FlagCongressPersonnel' }),
      bodyExample: { reason: 'Đơn liên quan đến nhân sự đại hội' },
    },
    responses: {
      200: { description: 'The flag and where the case is now', schema: FlagResult },
      422: { description: "No special period is active for the case's agency on its receipt day" },
    },
    handler: async ({ case: c, body, principal, services, requestId }) => {
      const r = await services.receptionPeriods.flagCase(
        c,
        { reason: body.reason, source: 'officer' },
        { principal, requestId },
      );
      if (!r.flag)
        throw new HttpProblem(
          422,
          'no-special-period',
          'No special period applies',
          `id: no special period is active for ${c.agencyId} on the case's receipt day`,
          { errors: [{ path: 'id', message: `no special period is active for ${c.agencyId} on the receipt day` }] },
        );
      const clocks = await services.receptionPeriods.internalClocks(c.id, true);
      return {
        body: {
          caseId: c.id,
          routed: r.routed,
          agencyId: r.flag.routedToAgencyId,
          internalClock: clocks.find((k) => k.periodId === r.flag!.periodId)!,
        },
      };
    },
  }),
];
