/**
 * The task inbox and task actions. Claims live in `task_claims` (the read model keeps the tasks);
 * completion goes to the case workflow's `completeTask` Update, whose validator rejects stale or
 * completed tasks (409) and invalid form data (422, naming the fields) before anything enters history.
 */
import { z } from 'zod';
import type { TaskRow } from '../../db/case-search.js';
import { KIND_RANK, OTHER_TASK_KINDS, type OtherTaskKind, type OtherTaskRow } from '../../db/inbox-items.js';
import { EVENT_TYPES, type NewEvent } from '../../db/events.js';
import { recordTaskCompleted } from '../../platform/metrics.js';
import { caseEventsFor, nodeLabel } from '../../processes/builtin/index.js';
import { WorkflowUpdateStage } from '@temporalio/client';
import {
  completeTask,
  type CaseStateView,
  type CompleteTaskResult,
  type WorkflowAuditEntry,
} from '../../workflows/contract.js';
import type { JsonValue } from '../../workflows/engine/index.js';
import { taskApiId, TaskView } from '../case-view.js';
import { actorOf, type Principal } from '../auth/principal.js';
import { HttpProblem, problems } from '../problem.js';
import { defineRoute, type HandlerContext, type RouteSpec } from '../routing/define-route.js';
import { idempotent } from '../routing/idempotent.js';
import { splitTaskId } from '../routing/mount.js';
import { Cursor, encodeCursor, NameLabel, NodeRef, UuidRe } from '../schemas.js';
import { formatVn } from '../../workflows/clock/index.js';
import { updateIdFor } from '../update-id.js';
import { queryCaseState, sendCaseUpdate, updateProblem } from '../workflow-errors.js';

const WORKERS = ['intake', 'officer', 'supervisor', 'admin'] as const;

/** Longest wait for a completed task's case to take its next step before answering (ADR 0019). */
export const COMPLETION_ANSWER_WAIT_MS = 10_000;

/** `p`'s value, or undefined when it takes longer than `ms` (its later failure is then ignored). */
async function withinMs<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  p.catch(() => undefined);
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}
const MANAGERS = ['supervisor', 'admin'] as const;

/** `<caseId>.<taskId>`, e.g. `0b6f…0001.accept-3`. */
export const TaskId = z
  .string()
  .max(200)
  .refine((s) => {
    const { caseId, taskId } = splitTaskId(s);
    return UuidRe.test(caseId) && /^[A-Za-z_][A-Za-z0-9_.-]{0,150}-\d+$/.test(taskId);
  })
  .meta({
    description: 'Task id: `<caseId>.<taskId>` as listed by GET /v1/tasks',
    example: '0b6f3b4e-1234-4000-8000-000000000001.accept-3',
  });
const Params = z.object({ id: TaskId });

/** Business roles a principal works as: `task-role:<role>` permissions (none = every role). */
function taskRolesOf(p: Principal): string[] {
  return p.permissions.filter((x) => x.startsWith('task-role:')).map((x) => x.slice('task-role:'.length));
}
const isManager = (p: Principal) => p.roles.some((r) => (MANAGERS as readonly string[]).includes(r));

/**
 * The roles a principal works tasks as (ADR 0013): its `task-role:<role>` permissions when it has
 * any (they narrow it to those business roles), otherwise its API roles. Built-in tasks list both
 * their business roles and the API roles those map to (processes/builtin/build.ts `withApiRoles`).
 */
export function actingRoles(p: Principal): string[] {
  const limited = taskRolesOf(p);
  return limited.length > 0 ? limited : [...p.roles];
}
/** May `p` work a task with these candidate roles? */
export const mayWork = (candidateRoles: readonly string[], p: Principal): boolean =>
  actingRoles(p).some((r) => candidateRoles.includes(r));
const notCandidate = (id: string, candidateRoles: readonly string[]) =>
  new HttpProblem(
    403,
    'task-role',
    'The task is for other roles',
    `Task ${id} is worked by the roles: ${candidateRoles.join(', ')}`,
  );
const principalRef = (p: Principal) => p.id;

function view(t: TaskRow) {
  return {
    id: taskApiId(t.caseId, t.taskId),
    caseId: t.caseId,
    taskId: t.taskId,
    nodeId: t.nodeId,
    name: t.name,
    nameLabel: nodeLabel(t.name),
    candidateRoles: t.candidateRoles,
    agencyScope: t.agencyScope,
    status: t.status,
    openedAt: t.openedAt,
    closedAt: t.closedAt,
    dueAt: t.dueAt,
    assignee: t.assignee,
    form: t.form,
    caseReference: t.caseReference,
    caseType: t.caseType,
    agencyId: t.agencyId,
    targetAgencyId: t.targetAgencyId,
    links: { case: `/v1/cases/${t.caseId}` },
    kind: 'case' as const,
  };
}

/** ADR 0039: the id of an inbox item that is not a case task: `<kind>:<its id>` (never `<uuid>.<…>`). */
export const otherTaskApiId = (kind: OtherTaskKind, id: string) => `${kind}:${id}`;

/** Where an item of another kind is worked (the route recording its outcome) and read. */
function otherLinks(t: OtherTaskRow): { resource: string; work: { method: 'PUT' | 'POST'; href: string } | null } {
  if (t.kind === 'compliance')
    // Read: the compliance it is about (the month, the agency); worked: closed with its outcome.
    return {
      resource: `/v1/reception/compliance?month=${(t.periodFirst ?? '').slice(0, 7)}&agencyId=${t.agencyId}`,
      work: t.status === 'open' ? { method: 'POST', href: `/v1/reception/compliance/tasks/${t.id}/close` } : null,
    };
  if (t.kind === 'review')
    return { resource: `/v1/matters/${t.matterId}`, work: { method: 'POST', href: `/v1/reviews/${t.id}/outcome` } };
  const p = `/v1/reception/periods/${t.periodId}`;
  if (t.subKind === 'duty_roster_gap')
    return {
      resource: `${p}/roster/gaps?from=${t.date}&to=${t.date}&agencyId=${t.agencyId}`,
      work: { method: 'PUT', href: `${p}/roster` },
    };
  return {
    resource: `${p}/reports?date=${t.date}&agencyId=${t.agencyId}`,
    work: { method: 'PUT', href: `${p}/reports/${t.agencyId}/${t.date}` },
  };
}
function otherName(t: OtherTaskRow): string {
  if (t.kind === 'compliance')
    return `Reception days below the legal minimum: ${t.agencyId}, ${t.periodFirst}–${t.periodLast} (${t.heldDays}/${t.requiredDays} days; ${t.citation})`;
  if (t.kind === 'review') return `Review of the matter: ${t.matterTitle}`;
  if (t.subKind === 'duty_roster_gap') return `Duty roster gap: ${t.agencyId} on ${t.date}`;
  if (t.subKind === 'daily_report_late') return `Late daily report: ${t.agencyId} for ${t.date}`;
  return `Daily report: ${t.agencyId} for ${t.date}`;
}
/** dd/MM/yyyy (the rows' dates are ISO dates), as Vietnamese readers write a date. */
const viDate = (d: string | null) => (d ? formatVn(d) : '');
/** The Vietnamese display name of an item that is not a case task (its `name` stays English, as before). */
function otherNameVi(t: OtherTaskRow): string {
  if (t.kind === 'compliance')
    return `Số ngày tiếp công dân dưới mức tối thiểu theo luật: ${t.agencyId}, ${viDate(t.periodFirst)}–${viDate(t.periodLast)} (${t.heldDays}/${t.requiredDays} ngày; ${t.citation})`;
  if (t.kind === 'review') return `Rà soát vụ việc: ${t.matterTitle}`;
  if (t.subKind === 'duty_roster_gap') return `Thiếu người trực tiếp công dân: ${t.agencyId} ngày ${viDate(t.date)}`;
  if (t.subKind === 'daily_report_late') return `Báo cáo ngày nộp muộn: ${t.agencyId} ngày ${viDate(t.date)}`;
  return `Báo cáo ngày: ${t.agencyId} ngày ${viDate(t.date)}`;
}
function otherView(t: OtherTaskRow) {
  return {
    id: otherTaskApiId(t.kind, t.id),
    kind: t.kind,
    subKind: t.subKind,
    name: otherName(t),
    nameLabel: otherNameVi(t),
    candidateRoles: t.candidateRoles,
    status: t.status,
    openedAt: t.openedAt,
    closedAt: t.closedAt,
    dueAt: t.dueAt,
    assignee: null as string | null,
    agencyId: t.agencyId,
    targetAgencyId: t.targetAgencyId,
    ref: {
      id: t.id,
      periodId: t.periodId,
      date: t.date,
      matterId: t.matterId,
      campaignId: t.campaignId,
      ruleId: t.ruleId,
      citation: t.citation,
      periodFirst: t.periodFirst,
      periodLast: t.periodLast,
    },
    links: otherLinks(t),
  };
}
const InboxTask = TaskView.extend({
  caseReference: z.string(),
  caseType: z.string(),
  agencyId: z.string().meta({ description: "The case's agency" }),
  targetAgencyId: z.string().meta({
    description:
      "The agency the task is routed to: the case's agency, its superior (`agencyScope` parent) or the inspectorate serving it (`inspectorate`)",
  }),
  links: z.object({ case: z.string() }),
  kind: z.literal('case').meta({ description: "A case's user task (ADR 0039: the inbox lists other kinds too)" }),
}).meta({ id: 'InboxTask' });

/** ADR 0039: an inbox item that is not a case task: worked at `links.work` (its own route), never claimed here. */
const OtherInboxTask = z
  .object({
    id: z.string().meta({
      description: '`<kind>:<id>` (e.g. `review:rv-…`); not a case task id: `/v1/tasks/{id}/…` do not take it',
    }),
    kind: z.enum(OTHER_TASK_KINDS).meta({
      description:
        '`compliance`: a head fell short of the legal minimum of reception days (for the supervising agency); ' +
        '`period`: a special-period task (daily report, late report, duty-roster gap); `review`: a backlog review',
    }),
    subKind: z.string().nullable().meta({ description: 'period: daily_report | daily_report_late | duty_roster_gap' }),
    name: z.string(),
    nameLabel: z.string().meta({ description: 'Vietnamese display name of the item (show this; `name` is English)' }),
    candidateRoles: z.array(z.string()).meta({ description: 'The API roles of the route that works it' }),
    status: z.enum(['open', 'completed', 'cancelled']),
    openedAt: z.string(),
    closedAt: z.string().nullable(),
    dueAt: z.string().nullable(),
    assignee: z
      .string()
      .nullable()
      .meta({ description: 'Always null: never claimed (the route that works it does not enforce claims)' }),
    agencyId: z.string().meta({ description: 'The agency concerned (the one that fell short, reports, reviews)' }),
    targetAgencyId: z.string().meta({ description: 'The agency whose staff work it (its subtree lists it)' }),
    ref: z
      .object({
        id: z.string(),
        periodId: z.string().nullable(),
        date: z.string().nullable(),
        matterId: z.string().nullable(),
        campaignId: z.string().nullable(),
        ruleId: z.string().nullable(),
        citation: z.string().nullable(),
        periodFirst: z.string().nullable(),
        periodLast: z.string().nullable(),
      })
      .meta({ description: 'The resource: its id, and the period, matter, campaign or compliance rule it is about' }),
    links: z.object({
      resource: z.string().meta({ description: 'Where it is read' }),
      work: z
        .object({ method: z.enum(['PUT', 'POST']), href: z.string() })
        .nullable()
        .meta({
          description:
            'The route that records its outcome (null: nothing left to record, e.g. a closed compliance task)',
        }),
    }),
  })
  .meta({ id: 'OtherInboxTask' });

type Ctx = HandlerContext<typeof Params, undefined, z.ZodType | undefined>;

/** The open task named by the path (read model), or 404 / 409. */
async function openTask(ctx: Pick<Ctx, 'params' | 'services'>): Promise<TaskRow> {
  const { caseId, taskId } = splitTaskId(ctx.params.id);
  const t = await ctx.services.taskSearch.get(caseId, taskId);
  if (!t) throw problems.notFound(`Task ${ctx.params.id}`);
  if (t.status !== 'open')
    throw new HttpProblem(409, 'task-not-open', 'The task is not open', `Task ${ctx.params.id} is ${t.status}`);
  return t;
}

const claimed = (t: TaskRow, assignee: string | null) => ({ ...view(t), assignee });

/** The feed event of a task taken by `assignee` (claimed, or assigned by a supervisor `by`): references only. */
const claimEvent = (t: TaskRow, assignee: string, by: string): NewEvent => ({
  type: EVENT_TYPES.taskClaimed,
  caseId: t.caseId,
  agencyId: t.agencyId,
  time: new Date().toISOString(),
  data: {
    caseId: t.caseId,
    reference: t.caseReference,
    caseType: t.caseType,
    agencyId: t.agencyId,
    taskId: taskApiId(t.caseId, t.taskId),
    nodeId: t.nodeId,
    name: t.name,
    targetAgencyId: t.targetAgencyId,
    assignee,
    assignedBy: by,
  },
});

/** Idempotency-Key handling of a task action (scoped per caller, action and task). */
const once = (
  ctx: {
    req: { get(h: string): string | undefined };
    principal: Principal;
    services: Ctx['services'];
    params: { id: string };
    body: unknown;
  },
  action: string,
) => ({
  key: ctx.req.get('Idempotency-Key'),
  principal: ctx.principal,
  store: ctx.services.idempotency,
  method: 'POST',
  path: `/v1/tasks/:id/${action}`,
  resourceId: ctx.params.id,
  body: { task: ctx.params.id, body: ctx.body ?? null },
});

export const taskRoutes: RouteSpec[] = [
  defineRoute({
    method: 'get',
    path: '/v1/tasks',
    operationId: 'listTasks',
    tags: ['Tasks'],
    summary: "Task inbox: tasks routed to the caller's agency subtree (by role, assignee, status, kind)",
    description:
      "A task is routed by its `agencyScope` to the case's agency (receiving, resolving), the agency above it (parent: e.g. a superior's review or report demand) or the inspectorate serving it (inspectorate), and is listed — and can be claimed and completed — within that agency's subtree only. Principals holding `task-role:<role>` permissions see the case tasks of those business roles (e.g. resolver, letter_officer); others see every role unless `role` is given. Ordered by due date (none last). " +
      'ADR 0039: the inbox also lists the tasks the product opens outside a case (`kind`): reception compliance shortfalls (routed to the supervising agency; supervisors, admins), special-period tasks (daily reports, late reports, duty-roster gaps: reception officers, officers, supervisors, admins; roster gaps not officers) and backlog reviews (officers, supervisors), each to the roles of the route that works it, within the subtree of the agency it is routed to. `task-role:` permissions do not narrow them (their routes check API roles only); `role` does. They are worked at `links.work` and are never claimed (`assignee=me` and `caseId` list case tasks only). A reception officer sees only those. At one due date case tasks come first, then compliance, period and review tasks.',
    auth: { roles: [...WORKERS, 'reception_officer'], scope: { kind: 'subtree' } },
    request: {
      query: z.strictObject({
        status: z.enum(['open', 'completed', 'cancelled']).default('open'),
        assignee: z
          .enum(['me', 'unassigned'])
          .optional()
          .meta({ description: '`me`: claimed by the caller; `unassigned`: nobody holds it' }),
        role: NodeRef.optional().meta({ description: 'A candidate (business) role, e.g. resolver' }),
        kind: z
          .enum(['case', ...OTHER_TASK_KINDS])
          .optional()
          .meta({ description: 'Only this kind (default: all)' }),
        caseId: z.string().regex(UuidRe).optional(),
        after: Cursor.optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
    },
    responses: {
      200: {
        description: 'Tasks by due date; `next` is the URL of the following page',
        schema: z.object({ items: z.array(z.union([InboxTask, OtherInboxTask])), next: z.string().nullable() }),
      },
    },
    handler: async ({ query, principal, subtree, services, requestId }) => {
      const roles = query.role ? [query.role] : taskRolesOf(principal);
      const after = query.after;
      // The kind the previous page ended on (ADR 0039; a cursor without `r` ended on a case task).
      const afterKind = (after?.r ?? 'case') as keyof typeof KIND_RANK;
      if (!Object.hasOwn(KIND_RANK, afterKind))
        throw problems.validation([{ path: 'after', message: 'not a cursor of GET /v1/tasks' }]);
      const rank = KIND_RANK[afterKind];
      const kinds: ReadonlyArray<'case' | OtherTaskKind> = query.kind ? [query.kind] : ['case', ...OTHER_TASK_KINDS];
      const worksCases = principal.roles.some((r) => (WORKERS as readonly string[]).includes(r));
      const caseRows = async (): Promise<TaskRow[]> => {
        if (!worksCases || !kinds.includes('case')) return [];
        const taskForce = await services.taskForces.casesOf(principal);
        return services.taskSearch.search({
          agencies: subtree,
          taskForceCases: taskForce.caseIds,
          taskForceTargets: taskForce.targets,
          status: query.status,
          roles,
          ...(query.assignee === 'me'
            ? { assignee: principalRef(principal) }
            : query.assignee === 'unassigned'
              ? { assignee: null }
              : {}),
          ...(query.caseId ? { caseId: query.caseId } : {}),
          ...(after
            ? {
                after:
                  rank === 0
                    ? { k: after.k, caseId: after.id, taskId: after.t ?? '' }
                    : { k: after.k, caseId: '', taskId: '', beyondKey: true },
              }
            : {}),
          limit: query.limit,
        });
      };
      const others = kinds.filter((k): k is OtherTaskKind => k !== 'case');
      const [cases, other] = await Promise.all([
        caseRows(),
        query.assignee === 'me' || query.caseId || others.length === 0
          ? Promise.resolve([])
          : services.otherTasks.search({
              agencies: subtree,
              apiRoles: principal.roles,
              // `task-role:` permissions narrow case tasks only (business roles, ADR 0013): the routes that work
              // the other kinds check API roles, so those decide; an explicit `role` narrows every kind.
              roles: query.role ? [query.role] : [],
              status: query.status,
              kinds: others,
              ...(after ? { after: { k: after.k, rank, id: after.id } } : {}),
              limit: query.limit,
            }),
      ]);
      // ADR 0037: tasks seen through a task force, outside the caller's subtree, are an audited access.
      const foreign = [...new Set(cases.filter((t) => !subtree.includes(t.targetAgencyId)).map((t) => t.caseId))];
      if (foreign.length > 0) await services.taskForces.listed(principal, foreign, requestId);
      // Both lists are in (sort key, rank, id) order; merged on (sort key, rank): ids never compared across kinds.
      type Item = { c: TaskRow; o?: undefined } | { o: OtherTaskRow; c?: undefined };
      const merged: Item[] = [];
      let i = 0;
      let j = 0;
      while (merged.length < query.limit && (i < cases.length || j < other.length)) {
        const c = cases[i];
        const o = other[j];
        if (c && (!o || c.sortKey <= o.sortKey)) {
          merged.push({ c });
          i++;
        } else if (o) {
          merged.push({ o });
          j++;
        }
      }
      const last = merged[merged.length - 1];
      const rest = new URLSearchParams(
        Object.entries(query).flatMap(([k, v]): Array<[string, string]> =>
          v === undefined || k === 'after' ? [] : [[k, String(v)]],
        ),
      );
      const cursor = !last
        ? ''
        : last.c
          ? encodeCursor({ k: last.c.sortKey, id: last.c.caseId, t: last.c.taskId })
          : encodeCursor({ k: last.o.sortKey, id: last.o.id, r: last.o.kind });
      return {
        body: {
          items: merged.map((x) => (x.c ? view(x.c) : otherView(x.o))),
          next: merged.length === query.limit && last ? `/v1/tasks?${rest.toString()}&after=${cursor}` : null,
        },
      };
    },
  }),

  defineRoute({
    method: 'post',
    path: '/v1/tasks/:id/claim',
    operationId: 'claimTask',
    tags: ['Tasks'],
    summary: 'Claim an open task (take it yourself)',
    auth: { roles: WORKERS, scope: { kind: 'task', param: 'id' } },
    idempotencyKey: true,
    request: { params: Params },
    responses: {
      200: { description: 'The task, claimed by the caller', schema: InboxTask },
      409: { description: 'Claimed by someone else, or not open' },
    },
    handler: (ctx) =>
      idempotent(once(ctx, 'claim'), async () => {
        const { principal, services, requestId } = ctx;
        const t = await openTask(ctx);
        if (!mayWork(t.candidateRoles, principal)) throw notCandidate(ctx.params.id, t.candidateRoles);
        const me = principalRef(principal);
        // The claim, its audit entry and its feed event commit together (ADR 0026).
        const claim = await services.taskClaims.claim(t, me, actorOf(principal), requestId, claimEvent(t, me, me));
        if (claim.assignee !== me)
          throw new HttpProblem(
            409,
            'task-claimed',
            'The task is claimed by someone else',
            `Task ${ctx.params.id} is held by ${claim.assignee}; a supervisor can reassign it`,
          );
        return { body: claimed(t, me) };
      }),
  }),

  defineRoute({
    method: 'post',
    path: '/v1/tasks/:id/assign',
    operationId: 'assignTask',
    tags: ['Tasks'],
    summary: 'Assign an open task to someone (supervisors)',
    auth: { roles: MANAGERS, scope: { kind: 'task', param: 'id' } },
    idempotencyKey: true,
    request: {
      params: Params,
      body: z
        .strictObject({
          assignee: z
            .string()
            .trim()
            .min(1)
            .max(200)
            .regex(/^[\x21-\x7e]+$/, 'a principal id (JWT sub or API key id)'),
        })
        .meta({ id: 'AssignTask' }),
      bodyExample: { assignee: 'officer-nguyen@so-tnmt' },
    },
    responses: { 200: { description: 'The task with its new assignee', schema: InboxTask } },
    handler: (ctx) =>
      idempotent(once(ctx, 'assign'), async () => {
        const { principal, services, requestId, body } = ctx;
        const t = await openTask(ctx);
        // A manager limited to some business roles assigns only their tasks; an API key assignee must
        // hold a candidate role. A person assigned must hold one when completing (assignment grants no role).
        if (taskRolesOf(principal).length > 0 && !mayWork(t.candidateRoles, principal))
          throw notCandidate(ctx.params.id, t.candidateRoles);
        if (/^ak_[0-9a-f]{16}$/.test(body.assignee)) {
          const key = await services.apiKeys.get(body.assignee);
          if (key && !key.roles.some((r) => t.candidateRoles.includes(r))) {
            throw problems.validation([
              {
                path: 'assignee',
                message: `this API key holds none of the task's candidate roles (${t.candidateRoles.join(', ')})`,
              },
            ]);
          }
        }
        const by = principalRef(principal);
        await services.taskClaims.assign(
          t,
          body.assignee,
          by,
          actorOf(principal),
          requestId,
          claimEvent(t, body.assignee, by),
        );
        return { body: claimed(t, body.assignee) };
      }),
  }),

  defineRoute({
    method: 'post',
    path: '/v1/tasks/:id/release',
    operationId: 'releaseTask',
    tags: ['Tasks'],
    summary: 'Release a claimed task back to the pool (its holder, or a supervisor)',
    auth: { roles: WORKERS, scope: { kind: 'task', param: 'id' } },
    idempotencyKey: true,
    request: { params: Params },
    responses: {
      200: { description: 'The task, unassigned', schema: InboxTask },
      409: { description: 'Held by someone else (only they or a supervisor may release it)' },
    },
    handler: (ctx) =>
      idempotent(once(ctx, 'release'), async () => {
        const { principal, services, requestId } = ctx;
        const t = await openTask(ctx);
        const held = await services.claims.get(t.caseId, t.taskId);
        if (held && held.assignee !== principalRef(principal) && !isManager(principal)) {
          throw new HttpProblem(
            409,
            'task-claimed',
            'The task is claimed by someone else',
            `Task ${ctx.params.id} is held by ${held.assignee}`,
          );
        }
        const released = await services.claims.release(t.caseId, t.taskId);
        if (released) {
          await services.audit.append({
            actor: actorOf(principal),
            action: 'task.released',
            caseId: t.caseId,
            requestId,
            before: { taskId: t.taskId, assignee: released.assignee },
          });
        }
        return { body: claimed(t, null) };
      }),
  }),

  defineRoute({
    method: 'post',
    path: '/v1/tasks/:id/complete',
    operationId: 'completeTask',
    tags: ['Tasks'],
    summary: 'Complete a task with its form data (validated by the case workflow)',
    description:
      "Goes to the case workflow as a Temporal Update with a validator: an unknown, stale or already-completed task answers 409, form data that fails the task's form 422 (naming the fields); rejected requests never enter the case history. " +
      'Dates of case events the form establishes (e.g. `acceptedOn` → `accepted`) are passed to the statutory clocks automatically. ' +
      "Only a caller working as one of the task's candidate roles may complete it (403; `task-role:<role>` permissions narrow a caller to those roles). " +
      'A task claimed by someone else can only be completed by them: a supervisor or admin reassigns it first. ' +
      'A retry with the same Idempotency-Key answers the first outcome, even after a crash.',
    auth: { roles: WORKERS, scope: { kind: 'task', param: 'id' } },
    idempotencyKey: true,
    request: {
      params: Params,
      body: z
        .strictObject({
          data: z
            .record(z.string().max(100), z.unknown())
            .meta({ description: "Form data: the fields of the task's form" }),
        })
        .meta({ id: 'CompleteTask' }),
      bodyExample: {
        data: { acceptanceDecision: 'accept', acceptedOn: '2026-07-03', acceptanceNoticeOn: '2026-07-03' },
      },
    },
    responses: {
      200: {
        description:
          "Completed. The answer comes once the case has taken its next step (the automated steps after the task have run), so `openTasks` are the case's new open tasks",
        schema: z
          .object({
            taskId: z.string(),
            openTasks: z.array(
              z.object({
                id: z.string(),
                nodeId: z.string(),
                name: z.string(),
                nameLabel: NameLabel,
                dueAt: z.string().nullable(),
              }),
            ),
            settled: z.boolean().meta({
              description: `false: the next step did not finish within ${COMPLETION_ANSWER_WAIT_MS / 1000} s (e.g. a failing service being retried); \`openTasks\` are those open now, and the tasks it leads to appear in GET /v1/tasks when it has run`,
            }),
          })
          .meta({ id: 'TaskCompleted' }),
      },
      409: { description: 'The task is not open (stale or completed), or held by someone else' },
      422: { description: 'The form data is not valid (errors name the fields)' },
    },
    handler: (ctx) =>
      idempotent(once(ctx, 'complete'), async () => {
        const { principal, services, requestId, body, params } = ctx;
        const c = ctx.case;
        const { taskId } = splitTaskId(params.id);
        const held = await services.claims.get(c.id, taskId);
        // Held by someone else: only they complete it, until a supervisor or admin reassigns it (ADR 0013).
        if (held && held.assignee !== principalRef(principal)) {
          throw new HttpProblem(
            409,
            'task-claimed',
            'The task is claimed by someone else',
            `Task ${params.id} is held by ${held.assignee}; a supervisor can reassign it`,
          );
        }
        // The node and candidate roles of the task: from the read model, or (projection lag) from the workflow itself.
        const projected = await services.taskSearch.get(c.id, taskId);
        let nodeId = projected?.nodeId;
        let candidateRoles = projected?.candidateRoles;
        let live: CaseStateView | undefined;
        if (!nodeId) {
          live = await queryCaseState(services.deps.temporal, c.workflowId);
          const t = live.tasks.find((x) => x.id === taskId);
          nodeId = t?.nodeId;
          candidateRoles = t?.candidateRoles;
          if (!nodeId) throw problems.notFound(`Task ${params.id}`);
        }
        // Checked here and again by the case's Update validator (against its own state).
        if (candidateRoles && !mayWork(candidateRoles, principal)) throw notCandidate(params.id, candidateRoles);
        const data = body.data as Record<string, JsonValue>;
        const pinned = await services.cases.pinnedDefinition(c.id);
        const definition = pinned
          ? await services.definitions.getCached(pinned.key, pinned.version, pinned.hash)
          : undefined;
        const caseEvents = definition ? caseEventsFor(definition.content, nodeId, data) : {};
        // Field names and case events only: form values may carry references the audit log need not copy.
        // The case records this entry once it has applied the completion, and so does this handler after
        // the answer: whichever comes first writes it (once per task), so a crash loses nothing (ADR 0013).
        const audit: WorkflowAuditEntry = {
          key: `task.completed:${c.id}.${taskId}`,
          action: 'task.completed',
          actor: actorOf(principal),
          ...(requestId ? { requestId } : {}),
          before: { taskId, nodeId, assignee: held?.assignee ?? null },
          after: { taskId, nodeId, fields: Object.keys(data).sort(), caseEvents },
        };
        // A retry under the same Idempotency-Key sends the same Update id: Temporal answers the first outcome.
        const updateId = updateIdFor({
          principal: principal,
          operation: 'task.complete',
          key: ctx.req.get('Idempotency-Key'),
          request: { task: params.id, data },
        });
        let result: CompleteTaskResult;
        let settled = true;
        try {
          // Accepted (validated) first; then the answer of the case once it has taken its next step
          // (ADR 0019), waited for at most COMPLETION_ANSWER_WAIT_MS: past that, the open tasks as the
          // workflow shows them now, `settled: false`.
          const handle = services.deps.temporal.workflow.getHandle(c.workflowId);
          const update = await sendCaseUpdate(() =>
            handle.startUpdate(completeTask, {
              args: [
                {
                  caseId: c.id,
                  taskId,
                  data,
                  caseEvents,
                  actor: `${principal.type}:${principal.id}`,
                  actorRoles: actingRoles(principal),
                  audit,
                },
              ],
              updateId,
              waitForStage: WorkflowUpdateStage.ACCEPTED,
            }),
          );
          const answered = await withinMs(update.result(), COMPLETION_ANSWER_WAIT_MS);
          if (answered !== undefined) result = answered;
          else {
            settled = false;
            result = { taskId, openTasks: (await queryCaseState(services.deps.temporal, c.workflowId)).openTasks };
          }
        } catch (e) {
          throw updateProblem(e);
        }
        // Answered by the case (settled): the completion was applied, so the claim goes and the actor's
        // entry is written here too (once per task, ADR 0013). Not yet answered: its outcome is unknown
        // (another completion may have been applied first), so only the case's projection writes the entry.
        if (settled) {
          await services.claims.release(c.id, taskId);
          await services.audit.appendOnce(audit.key, {
            actor: audit.actor,
            action: audit.action,
            caseId: c.id,
            requestId: audit.requestId ?? null,
            before: audit.before,
            after: audit.after,
          });
        }
        recordTaskCompleted(nodeId);
        return {
          body: {
            taskId: taskApiId(c.id, taskId),
            openTasks: result.openTasks.map((t) => ({
              id: taskApiId(c.id, t.id),
              nodeId: t.nodeId,
              name: t.name,
              nameLabel: nodeLabel(t.name),
              dueAt: t.dueAt ?? null,
            })),
            settled,
          },
        };
      }),
  }),
];
