/**
 * Task forces (tổ công tác, issue 15.3, ADR 0037): a team from several agencies with a lead, a mandate and
 * an end date, set up for matters, cases or a special period. Supervisors set them up, within their subtree
 * (the governing agency they name is theirs or below, and its subtree holds every member's agency); the
 * matters and cases assigned to it route their tasks to its members (GET /v1/tasks), who read those cases —
 * each access outside their own subtree audited — until the end date or their removal.
 */
import { z } from 'zod';
import { DrillAgencyQuery, narrowAgencies } from '../drill-filters.js';
import { ASSIGNMENT_KINDS, TASK_FORCE_WORK_STATES, type TaskForceDetail } from '../../db/task-forces.js';
import { isIsoDate } from '../../workflows/clock/days.js';
import { vnDate } from '../../workflows/clock/vn-time.js';
import { actorOf } from '../auth/principal.js';
import { idempotent } from '../routing/idempotent.js';
import { defineRoute, type RouteSpec } from '../routing/define-route.js';
import { AgencyId, Cursor, nextLink, Text, UuidRe } from '../schemas.js';

const ACTORS = ['supervisor'] as const;
const READERS = ['supervisor', 'auditor', 'admin'] as const;

export const TaskForceId = z.string().regex(/^tf-[0-9a-f-]{36}$/, 'a task force id');
const PersonId = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'a person id of the directory');
const IsoDate = z
  .string()
  .refine(isIsoDate, { message: 'must be an existing day written YYYY-MM-DD' })
  .meta({ format: 'date', example: '2027-06-30' });
const Uuid = z.string().regex(UuidRe, 'a UUID');

const Member = z
  .strictObject({
    personId: PersonId,
    agencyId: AgencyId.optional().meta({
      description: 'The agency the member acts for (needed only when they are staff of several in the subtree)',
    }),
  })
  .meta({ id: 'TaskForceMemberInput' });

const TaskForceView = z
  .object({
    id: z.string(),
    name: z.string(),
    mandate: z.string(),
    governingAgencyId: z.string(),
    leadPersonId: z.string(),
    periodId: z.string().nullable(),
    endsOn: z.string(),
    active: z.boolean().meta({ description: 'false once the end date has passed' }),
    createdAt: z.string(),
    members: z.array(
      z.object({ personId: z.string(), agencyId: z.string(), addedAt: z.string(), removedAt: z.string().nullable() }),
    ),
    assignments: z.array(
      z.object({ kind: z.enum(ASSIGNMENT_KINDS), refId: z.string(), agencyId: z.string(), assignedAt: z.string() }),
    ),
    link: z.string(),
  })
  .meta({ id: 'TaskForce' });

const WorkView = z
  .object({
    taskForceId: z.string(),
    taskForceName: z.string(),
    governingAgencyId: z.string(),
    endsOn: z.string().meta({ description: "The task force's last day" }),
    kind: z.enum(ASSIGNMENT_KINDS),
    refId: z.string().meta({ description: 'The matter or case id' }),
    agencyId: z.string().meta({ description: "The matter's or case's agency" }),
    assignedAt: z.string(),
    done: z.boolean().meta({ description: 'The case or the matter is closed' }),
    links: z.object({ taskForce: z.string(), case: z.string().optional(), matter: z.string().optional() }),
  })
  .meta({ id: 'TaskForceAssignmentItem' });

const todayVn = () => vnDate(Date.now());
function view(tf: TaskForceDetail) {
  const { createdBy: _by, ...rest } = tf;
  return { ...rest, active: tf.endsOn >= todayVn(), link: `/v1/task-forces/${tf.id}` };
}

const CreateBody = z
  .strictObject({
    name: Text(300),
    mandate: Text(4000).meta({ description: 'What the task force is set up to do (nhiệm vụ)' }),
    governingAgencyId: AgencyId.meta({
      description:
        "The agency governing the task force: yours or one below, whose subtree holds every member's agency and every matter and case assigned",
    }),
    leadPersonId: PersonId.meta({ description: 'The lead (tổ trưởng): one of the members' }),
    members: z.array(Member).min(1).max(200),
    periodId: z.string().trim().min(1).max(200).nullable().default(null).meta({
      description: 'The special period (`reception_periods` id) it serves, if any',
    }),
    endsOn: IsoDate.meta({ description: "The last day (Vietnam) of the members' access" }),
    matterIds: z.array(Uuid).max(500).default([]),
    caseIds: z.array(Uuid).max(500).default([]),
  })
  .meta({ id: 'CreateTaskForce' });

const params = z.object({ id: TaskForceId });

export const taskForceRoutes: RouteSpec[] = [
  defineRoute({
    method: 'post',
    path: '/v1/task-forces',
    operationId: 'createTaskForce',
    tags: ['Task forces'],
    summary: 'Set up a task force (tổ công tác) over matters, cases or a special period (supervisors)',
    description:
      "The governing agency must be the caller's or below it, and its subtree must hold every member's agency (the level above them all) and the agency of every matter and case assigned; otherwise 422 naming the field. Audited; a retry with the same Idempotency-Key answers the first outcome.",
    auth: { roles: ACTORS, scope: { kind: 'body-agency', field: 'governingAgencyId' } },
    idempotencyKey: true,
    request: {
      body: CreateBody,
      bodyExample: {
        name: 'Tổ công tác vụ việc đất đai xã B',
        mandate: 'Rà soát, đối thoại và đề xuất giải quyết dứt điểm',
        governingAgencyId: 'so-tnmt',
        leadPersonId: 'head-so-tnmt',
        members: [{ personId: 'head-so-tnmt' }],
        endsOn: '2099-12-31',
      },
    },
    responses: {
      201: { description: 'The task force', schema: TaskForceView },
      409: { description: 'A matter or case is worked by another task force' },
      422: { description: 'A member, the lead, the period, a matter or a case does not fit (naming the field)' },
    },
    handler: async ({ req, body, principal, services, requestId }) =>
      idempotent(
        {
          key: req.get('Idempotency-Key'),
          principal,
          store: services.idempotency,
          method: 'POST',
          path: '/v1/task-forces',
          resourceId: body.governingAgencyId,
          body,
        },
        async () => {
          const subtree = await services.agencies.subtree(body.governingAgencyId);
          const tf = await services.taskForces.create(body, { subtree, actor: actorOf(principal), requestId });
          return { status: 201, body: view(tf) };
        },
      ),
  }),

  defineRoute({
    method: 'get',
    path: '/v1/task-forces',
    operationId: 'listTaskForces',
    tags: ['Task forces'],
    summary: 'Task forces governed within your agency subtree, newest first',
    auth: { roles: READERS, scope: { kind: 'subtree' } },
    request: {
      query: z.strictObject({
        ...DrillAgencyQuery,
        activeFrom: IsoDate.optional().meta({ description: 'Active on or after this day: ending on or after it' }),
        activeTo: IsoDate.optional().meta({ description: 'Active on or before this day: set up by its end' }),
        after: Cursor.optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
    },
    responses: {
      200: {
        description:
          'A page of task forces (without members and assignments: see each one); `next`: the following page',
        schema: z.object({
          items: z.array(TaskForceView.omit({ members: true, assignments: true })),
          next: z.string().nullable(),
        }),
      },
    },
    handler: async ({ query, subtree, services }) => {
      const agencies = await narrowAgencies(subtree, query, services.agencies);
      const rows = await services.taskForces.store.list(
        agencies,
        query.limit,
        { from: query.activeFrom, to: query.activeTo },
        query.after,
      );
      return {
        body: {
          items: rows.map(({ createdBy: _by, sortKey: _k, ...r }) => ({
            ...r,
            active: r.endsOn >= todayVn(),
            link: `/v1/task-forces/${r.id}`,
          })),
          next: nextLink('/v1/task-forces', query, rows, query.limit),
        },
      };
    },
  }),

  defineRoute({
    method: 'get',
    path: '/v1/task-forces/assignments',
    operationId: 'listTaskForceAssignments',
    tags: ['Task forces'],
    summary: 'The matters and cases assigned to task forces governed within your subtree, newest assignment first',
    description:
      "The list behind the monthly report's rows VII.1.a–c (issue 16 item 6), by the same SQL definition: with " +
      '`activeFrom`/`activeTo`, the work of task forces active some day of the window (set up by the end of ' +
      '`activeTo`, ending on or after `activeFrom`) assigned by the end of `activeTo`. `state`: `done` (the case or ' +
      'matter closed), `undone`, `lapsed` (not done, and the task force ended before `activeTo`, or today).',
    auth: { roles: READERS, scope: { kind: 'subtree' } },
    request: {
      query: z.strictObject({
        ...DrillAgencyQuery,
        activeFrom: IsoDate.optional().meta({ description: 'Task forces ending on or after this day' }),
        activeTo: IsoDate.optional().meta({
          description: 'Task forces set up, and work assigned, by the end of this day',
        }),
        state: z.enum(TASK_FORCE_WORK_STATES).optional(),
        taskForceId: TaskForceId.optional(),
        // This list's cursor names its item as `<case|matter>:<id>` (a cursor of another list is refused).
        after: Cursor.refine((c) => /^(case|matter):./.test(c.id), 'not a cursor of this list').optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
      queryExample: { activeFrom: '2026-11-15', activeTo: '2026-12-14', state: 'lapsed' },
    },
    responses: {
      200: {
        description: 'A page of assigned work; `next` is the URL of the following page',
        schema: z
          .object({ items: z.array(WorkView), next: z.string().nullable() })
          .meta({ id: 'TaskForceAssignmentList' }),
      },
    },
    handler: async ({ query, subtree, services }) => {
      const agencies = await narrowAgencies(subtree, query, services.agencies);
      const rows = await services.taskForces.store.work({
        agencies,
        fromDay: query.activeFrom,
        toDay: query.activeTo,
        state: query.state,
        asOfDay: query.activeTo ?? todayVn(),
        taskForceId: query.taskForceId,
        after: query.after,
        limit: query.limit,
      });
      return {
        body: {
          items: rows.map(({ sortKey: _k, ...w }) => ({
            ...w,
            links: {
              taskForce: `/v1/task-forces/${w.taskForceId}`,
              [w.kind]: w.kind === 'case' ? `/v1/cases/${w.refId}` : `/v1/matters/${w.refId}`,
            },
          })),
          next: nextLink('/v1/task-forces/assignments', query, rows, query.limit, (r) => ({
            k: r.sortKey,
            id: `${r.kind}:${r.refId}`,
          })),
        },
      };
    },
  }),

  defineRoute({
    method: 'get',
    path: '/v1/task-forces/:id',
    operationId: 'getTaskForce',
    tags: ['Task forces'],
    summary: 'A task force with its members and the matters and cases it works',
    auth: { roles: READERS, scope: { kind: 'owned', param: 'id', resource: 'task-force' } },
    request: { params },
    responses: { 200: { description: 'The task force', schema: TaskForceView } },
    handler: async ({ params: p, services }) => ({ body: view((await services.taskForces.store.get(p.id))!) }),
  }),

  defineRoute({
    method: 'post',
    path: '/v1/task-forces/:id/members',
    operationId: 'addTaskForceMember',
    tags: ['Task forces'],
    summary: 'Add a member (staff of an agency within the governing agency subtree); audited, idempotent',
    auth: { roles: ACTORS, scope: { kind: 'owned', param: 'id', resource: 'task-force' } },
    request: { params, body: Member, bodyExample: { personId: 'head-so-tnmt' } },
    responses: {
      200: { description: 'The task force', schema: TaskForceView },
      422: { description: 'Not staff of an agency within the governing agency subtree (naming the field)' },
    },
    handler: async ({ params: p, body, principal, services, requestId }) => {
      const tf = (await services.taskForces.store.get(p.id))!;
      const subtree = await services.agencies.subtree(tf.governingAgencyId);
      const after = await services.taskForces.addMember(p.id, body, { subtree, actor: actorOf(principal), requestId });
      return { body: view(after) };
    },
  }),

  defineRoute({
    method: 'delete',
    path: '/v1/task-forces/:id/members/:personId',
    operationId: 'removeTaskForceMember',
    tags: ['Task forces'],
    summary: "Remove a member: their access to the task force's cases ends at once; audited",
    auth: { roles: ACTORS, scope: { kind: 'owned', param: 'id', resource: 'task-force' } },
    request: { params: z.object({ id: TaskForceId, personId: PersonId }) },
    responses: {
      200: { description: 'The task force', schema: TaskForceView },
      404: { description: 'Not a member' },
      409: { description: 'The lead (name another lead first)' },
    },
    handler: async ({ params: p, principal, services, requestId }) => ({
      body: view(await services.taskForces.removeMember(p.id, p.personId, { actor: actorOf(principal), requestId })),
    }),
  }),

  defineRoute({
    method: 'post',
    path: '/v1/task-forces/:id/assignments',
    operationId: 'assignToTaskForce',
    tags: ['Task forces'],
    summary: 'Assign a matter or a case to the task force: their tasks go to its members; audited, idempotent',
    auth: { roles: ACTORS, scope: { kind: 'owned', param: 'id', resource: 'task-force' } },
    request: {
      params,
      body: z
        .strictObject({ kind: z.enum(ASSIGNMENT_KINDS), refId: Uuid.meta({ description: 'The matter or case id' }) })
        .meta({ id: 'TaskForceAssignment' }),
      bodyExample: { kind: 'matter', refId: '0b6f3b4e-1234-4000-8000-000000000001' },
    },
    responses: {
      200: { description: 'The task force', schema: TaskForceView },
      409: { description: 'Worked by another task force' },
      422: { description: 'No such matter or case within the governing agency subtree (naming `refId`)' },
    },
    handler: async ({ params: p, body, principal, services, requestId }) => {
      const tf = (await services.taskForces.store.get(p.id))!;
      const subtree = await services.agencies.subtree(tf.governingAgencyId);
      await services.taskForces.assign(p.id, body.kind, body.refId, { subtree, actor: actorOf(principal), requestId });
      return { body: view((await services.taskForces.store.get(p.id))!) };
    },
  }),
];
