/**
 * Compliance with the heads' legal minimum of reception days (issue 14.4, ADR 0029): per agency of the
 * caller's subtree and month, the days its head received in person (as the rules count them) against the
 * minimum in force, the days received by a delegate, and the month's sessions, visits, people,
 * delegations and letters received; and the compliance tasks the monthly/weekly check opened.
 */
import { z } from 'zod';
import { problems } from '../problem.js';
import { AD_HOC_CASES, MINIMUM_RULES } from '../../reception/minimum-rules.js';
import { defineRoute, type RouteSpec } from '../routing/define-route.js';
import { actorOf } from '../auth/principal.js';
import { withVnInstants } from '../instants.js';
import { idempotent } from '../routing/idempotent.js';
import { AgencyId, Cursor, encodeCursor, Text } from '../schemas.js';

const READERS = ['supervisor', 'auditor', 'admin'] as const;

const Obligation = z
  .object({
    ruleId: z.string(),
    citation: z.string(),
    period: z.enum(['month', 'week']),
    first: z.string(),
    last: z.string(),
    required: z.number().int(),
    held: z.number().int(),
    delegated: z.number().int().meta({ description: 'Days received by a delegate: reported, never counted' }),
    kept: z.boolean(),
  })
  .meta({ id: 'ReceptionObligation' });
const AgencyCompliance = z
  .object({
    agencyId: z.string(),
    agencyName: z.string(),
    level: z.string(),
    head: z.object({ personId: z.string(), name: z.string() }).nullable(),
    leaderDaysHeld: z.number().int(),
    leaderDaysDelegated: z.number().int(),
    sessions: z.number().int(),
    visits: z.number().int(),
    people: z.number().int(),
    delegations: z.number().int(),
    lettersReceived: z.number().int(),
    lateNoticeDays: z.array(z.string()).meta({
      description:
        "Days of the month in the agency's reception schedule published (or moved) with less than 5 working days' " +
        'notice, each with its reason on the entry (Luật Tiếp công dân 2013 Art 24(4); online: NĐ 154/2026 Art 23(1))',
    }),
    obligations: z.array(Obligation),
    kept: z.boolean(),
  })
  .meta({ id: 'ReceptionAgencyCompliance' });
const ComplianceTask = z
  .object({
    id: z.string(),
    agencyId: z.string(),
    supervisingAgencyId: z.string().nullable(),
    leaderPersonId: z.string().nullable(),
    ruleId: z.string(),
    citation: z.string(),
    periodFirst: z.string(),
    periodLast: z.string(),
    requiredDays: z.number().int(),
    heldDays: z.number().int(),
    delegatedDays: z.number().int(),
    recipients: z.array(z.string()),
    status: z.enum(['open', 'closed']),
    createdAt: z.string(),
    closedAt: z.string().nullable(),
    closedBy: z.string().nullable().meta({ description: 'Who closed it (a person id)' }),
    outcome: z.string().nullable().meta({ description: 'What the supervising level did about the shortfall' }),
  })
  .meta({ id: 'ReceptionComplianceTask' });

const CloseComplianceTask = z
  .strictObject({
    outcome: Text(4000, { multiline: true }).meta({
      description: 'What the supervising level did: a reminder, an explanation received, a disciplinary step…',
    }),
  })
  .meta({ id: 'CloseReceptionComplianceTask' });
const CLOSE_PATH = '/v1/reception/compliance/tasks/:id/close';
const TaskParams = z.object({ id: z.string().regex(/^rct_[0-9a-f]{16}$/, 'a compliance task id') });

export const receptionComplianceRoutes: RouteSpec[] = [
  defineRoute({
    method: 'get',
    path: '/v1/reception/compliance',
    operationId: 'receptionCompliance',
    tags: ['Reception'],
    summary: "A month's compliance with the heads' legal minimum of reception days, per agency of your subtree",
    description:
      'Counted: distinct days of sessions led by the head of the agency (the directory) in person, periodic or ad hoc, ' +
      'in person or online (the last two are UNCONFIRMED settings, ADR 0029); delegated sessions are reported apart and ' +
      'never counted (the Law says "trực tiếp"). Rules by level, selected by the date: ' +
      MINIMUM_RULES.map((r) => `${r.id} (${r.days}/${r.period}, ${r.from}–${r.to ?? '…'}: ${r.citation})`).join('; ') +
      `. Ad hoc reception is also owed in the cases of ${AD_HOC_CASES.citation}. One row per open agency (no paging).`,
    auth: { roles: READERS, scope: { kind: 'subtree' } },
    request: {
      query: z.strictObject({
        month: z
          .string()
          .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM')
          .meta({ example: '2026-07' }),
        agencyId: AgencyId.optional().meta({ description: 'That agency and those below it (within your subtree)' }),
      }),
      queryExample: { month: '2026-07' },
    },
    responses: {
      200: { description: 'Per agency', schema: z.object({ month: z.string(), items: z.array(AgencyCompliance) }) },
    },
    handler: async ({ query, subtree, services }) => {
      // An agency outside the caller's subtree finds nothing that exists for them: 404, as the case search.
      if (query.agencyId && !subtree.includes(query.agencyId)) throw problems.notFound(`Agency ${query.agencyId}`);
      const agencies = query.agencyId
        ? (await services.agencies.subtree(query.agencyId)).filter((a) => subtree.includes(a))
        : subtree;
      const rows = await services.receptionCompliance.month(agencies, query.month);
      return {
        body: {
          month: query.month,
          items: rows.map(({ headPersonId, headName, parentId: _p, ...r }) => ({
            ...r,
            head: headPersonId ? { personId: headPersonId, name: headName ?? '' } : null,
          })),
        },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/reception/compliance/tasks',
    operationId: 'listReceptionComplianceTasks',
    tags: ['Reception'],
    summary:
      'Compliance tasks: a head fell short of the minimum (supervised from your subtree: the level that closes them)',
    auth: { roles: READERS, scope: { kind: 'subtree' } },
    request: {
      query: z.strictObject({
        status: z.enum(['open', 'closed']).optional(),
        after: Cursor.optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
    },
    responses: {
      200: {
        description: 'Newest first',
        schema: z.object({ items: z.array(ComplianceTask), next: z.string().nullable() }),
      },
    },
    handler: async ({ query, subtree, services }) => {
      const rows = await services.receptionCompliance.tasks({
        agencies: subtree,
        ...(query.status ? { status: query.status } : {}),
        ...(query.after ? { after: query.after } : {}),
        limit: query.limit,
      });
      const last = rows[rows.length - 1];
      return {
        body: {
          items: rows.map(({ sortKey: _k, ...t }) => t),
          next:
            rows.length === query.limit && last
              ? `/v1/reception/compliance/tasks?limit=${query.limit}${query.status ? `&status=${query.status}` : ''}` +
                `&after=${encodeCursor({ k: last.sortKey, id: last.id })}`
              : null,
        },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/reception/compliance/tasks/:id',
    operationId: 'getReceptionComplianceTask',
    tags: ['Reception'],
    summary: 'One compliance task: the shortfall (agency, rule and its citation, period, days required and held)',
    description:
      'Read by supervisors, auditors and admins of the supervising agency (the agency above the one that fell short; ' +
      'the agency itself when it is a root) or above it: the level that closes it. With the name of the agency.',
    auth: { roles: READERS, scope: { kind: 'owned', param: 'id', resource: 'compliance-task' } },
    request: { params: TaskParams },
    responses: {
      200: {
        description: 'The task',
        schema: ComplianceTask.extend({ agencyName: z.string().nullable() }).meta({
          id: 'ReceptionComplianceTaskDetail',
        }),
      },
    },
    handler: async ({ params: p, services }) => {
      const t = await services.receptionCompliance.task(p.id);
      if (!t) throw problems.notFound(`Compliance task ${p.id}`);
      return { body: withVnInstants(t) };
    },
  }),
  defineRoute({
    method: 'post',
    path: CLOSE_PATH,
    operationId: 'closeReceptionComplianceTask',
    tags: ['Reception'],
    summary: 'Close a compliance task with what the supervising level did about the shortfall',
    description:
      'Supervisors and admins of the supervising agency (the agency above the one that fell short) or above it. ' +
      'Audited (`reception.compliance_task_closed`, citing the rule). Already closed: 409. Idempotent under ' +
      '`Idempotency-Key`.',
    auth: { roles: ['supervisor', 'admin'], scope: { kind: 'owned', param: 'id', resource: 'compliance-task' } },
    idempotencyKey: true,
    request: {
      params: TaskParams,
      body: CloseComplianceTask,
      bodyExample: { outcome: 'Đã nhắc nhở Chủ tịch UBND xã; tháng sau bố trí đủ ngày tiếp công dân định kỳ' },
    },
    responses: {
      200: { description: 'The task, closed', schema: ComplianceTask },
      409: { description: 'The task is closed already' },
    },
    handler: ({ req, params: p, body, principal, services, requestId }) =>
      idempotent(
        {
          key: req.get('Idempotency-Key'),
          principal,
          store: services.idempotency,
          method: 'POST',
          path: CLOSE_PATH,
          resourceId: p.id,
          body: { task: p.id, body },
        },
        async () => ({
          status: 200,
          body: withVnInstants(
            await services.receptionCompliance.close({
              id: p.id,
              outcome: body.outcome,
              actor: actorOf(principal),
              requestId,
            }),
          ),
        }),
      ),
  }),
];
