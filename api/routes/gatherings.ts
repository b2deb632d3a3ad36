/**
 * Central gatherings and delegations of mass matters (issue 15 items 1-2, ADR 0036). Thin handlers over
 * api/services/mass-matters.ts: a gathering starts its process definition (`central-gathering`); its steps are
 * tasks of the task inbox (GET /v1/tasks), worked and completed there.
 */
import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { DrillAgencyQuery, DrillBool, narrowAgencies } from '../drill-filters.js';
import {
  GATHERING_CITIES,
  GATHERING_PLACES,
  GATHERING_REPORTERS,
  type GatheringRecord,
} from '../../db/mass-matters.js';
import type { Services } from '../routing/services.js';
import { GATHERING_STEPS } from '../../processes/builtin/mass.js';
import { actorOf, type Principal } from '../auth/principal.js';
import { withVnInstants } from '../instants.js';
import { problems } from '../problem.js';
import { defineRoute, type RouteSpec } from '../routing/define-route.js';
import { idempotent } from '../routing/idempotent.js';
import { Cursor, IDEMPOTENCY_KEY, IsoInstant, nextLink, StageLabel, Text, VisitorInput } from '../schemas.js';

const READERS = ['reception_officer', 'intake', 'officer', 'supervisor', 'auditor', 'admin'] as const;
const RECORDERS = ['reception_officer', 'intake', 'officer', 'supervisor', 'admin'] as const;
const IDENTITY_READERS = ['reception_officer', 'officer', 'supervisor', 'admin'] as const;
const Uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

const CreateGathering = z
  .strictObject({
    gatheredAt: IsoInstant.meta({ description: 'When the citizens gathered (or were first seen there)' }),
    place: z.strictObject({
      kind: z.enum(GATHERING_PLACES).meta({
        description: '`central_reception_office` (Trụ sở tiếp công dân Trung ương) or `central_agency`',
      }),
      name: Text(500).meta({ description: 'The office or agency' }),
      city: z.enum(GATHERING_CITIES).meta({ description: '`hanoi` (Hà Nội) or `hcmc` (TP Hồ Chí Minh)' }),
    }),
    peopleCount: z.number().int().min(1).max(100_000),
    representatives: z.array(VisitorInput).max(10).default([]).meta({
      description: 'Their representatives (encrypted at rest; Luật Tiếp công dân 2013 Art 29 fixes how many)',
    }),
    reportedBy: z.strictObject({
      kind: z.enum(GATHERING_REPORTERS),
      reference: Text(200).optional().meta({ description: 'Who (an office, an officer id, a document number)' }),
    }),
  })
  .meta({ id: 'CreateCentralGathering' });

const Step = z.object({
  step: z.enum(GATHERING_STEPS),
  name: z.string(),
  status: z.enum(['pending', 'open', 'escalated', 'completed']),
  escalated: z.boolean().meta({ description: 'The limit was missed: the task went to the head of the agency above' }),
  taskId: z
    .string()
    .nullable()
    .meta({ description: 'The task in the inbox (GET /v1/tasks, POST /v1/tasks/{id}/complete)' }),
  agencyScope: z.string().nullable(),
  openedAt: z.string().nullable(),
  dueAt: z.string().nullable().meta({ description: "The step's limit (definition data)" }),
  completedAt: z.string().nullable(),
});

const GatheringView = z
  .object({
    id: z.string(),
    matterId: z.string(),
    agencyId: z.string(),
    gatheredAt: z.string(),
    place: z.object({ kind: z.string(), name: z.string(), city: z.string() }),
    peopleCount: z.number().int(),
    representativeCount: z.number().int(),
    reportedBy: z.object({ kind: z.string(), reference: z.string().nullable() }),
    processCaseId: z.string(),
    createdBy: z.string(),
    createdAt: z.string(),
    status: z.enum(['open', 'home', 'reported', 'closed']).meta({
      description: '`home`: the citizens are home; `reported`: the chairman has the report; `closed`: plan agreed',
    }),
    citizensHome: z.boolean(),
    homeOn: z.string().nullable(),
    homeAt: z.string().nullable(),
    reportFiled: z.boolean(),
    reportReference: z.string().nullable(),
    process: z.object({
      caseId: z.string(),
      status: z.string(),
      stage: z.string(),
      stageLabel: StageLabel,
      definition: z.string().nullable().meta({ description: 'The pinned definition `key@version+sha256:…`' }),
    }),
    steps: z.array(Step),
    links: z.object({ self: z.string(), matter: z.string(), process: z.string() }),
  })
  .meta({ id: 'CentralGathering' });

const DelegationView = z
  .object({
    id: z.string(),
    matterId: z.string(),
    sourceKind: z.enum(['visit', 'case']),
    sourceId: z.string(),
    agencyId: z.string(),
    peopleCount: z.number().int(),
    securityLiaison: z.boolean(),
    processCaseId: z.string(),
    receptionSessionId: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
    status: z.enum(['open', 'escalated', 'received']),
    task: z
      .object({
        id: z.string(),
        nodeId: z.string(),
        status: z.string(),
        agencyScope: z.string(),
        openedAt: z.string(),
        dueAt: z.string().nullable(),
      })
      .nullable(),
    links: z.object({ matter: z.string(), process: z.string() }),
  })
  .meta({ id: 'MatterDelegation' });

/** A gathering id from the caller and its Idempotency-Key: a retried request is the same gathering. */
function gatheringIdOf(principal: Principal, key: string | undefined): string {
  if (key === undefined) return randomUUID();
  const h = createHash('sha256').update(`central-gathering|${principal.type}:${principal.id}|${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

async function views(services: Services, list: readonly GatheringRecord[]) {
  const states = await services.massMatterStore.processStates(list.map((g) => g.processCaseId));
  for (const g of list) await services.massMatters.ensureStarted(g.processCaseId, states.get(g.processCaseId));
  return list.map((g) => withVnInstants(services.massMatters.gatheringView(g, states.get(g.processCaseId))));
}

export const gatheringRoutes: RouteSpec[] = [
  defineRoute({
    method: 'post',
    path: '/v1/matters/:id/gatherings',
    operationId: 'recordCentralGathering',
    tags: ['Mass matters'],
    summary: 'Record citizens of the province gathered at a central place (Hà Nội, TP HCM); starts its process',
    description:
      'Starts the `central-gathering` process definition in force (versioned data, like the statutory lifecycles): ' +
      'dispatch a competent officer, coordinate with the central citizen reception office, bring the citizens home, ' +
      'report to the provincial chairman, agree a resolution plan — each a task with its limit, escalated to the head ' +
      'of the agency above when missed. Flags the matter mass; feeds the hotspot detector when the matter has a place. ' +
      'The representatives rule (Luật Tiếp công dân 2013 Art 29) is checked first. Idempotent per Idempotency-Key.',
    auth: { roles: RECORDERS, scope: { kind: 'reception', param: 'id', resource: 'matter' } },
    idempotencyKey: true,
    request: {
      params: z.object({ id: Uuid }),
      body: CreateGathering,
      bodyExample: {
        gatheredAt: '2026-07-01T07:30:00+07:00',
        place: { kind: 'central_reception_office', name: 'Trụ sở Tiếp công dân Trung ương', city: 'hanoi' },
        peopleCount: 40,
        representatives: [{ name: 'Nguyễn Văn A' }, { name: 'Trần Thị B' }],
        reportedBy: { kind: 'central_reception_office', reference: 'CV 123/BTCDTW' },
      },
    },
    responses: {
      201: { description: 'The gathering with its steps', schema: GatheringView },
      422: { description: 'The representatives rule or a field (named in `errors`)' },
    },
    handler: async ({ req, params, body, principal, services, requestId }) => {
      const key = req.get('Idempotency-Key');
      if (key !== undefined && !IDEMPOTENCY_KEY.test(key))
        throw problems.badRequest('Idempotency-Key must be 1-255 visible ASCII characters');
      if (Date.parse(body.gatheredAt) > Date.now() + 5 * 60_000)
        throw problems.validation([{ path: 'gatheredAt', message: 'must not be in the future' }]);
      const matter = (await services.matters.get(params.id))!;
      return idempotent(
        {
          key,
          principal,
          store: services.idempotency,
          method: 'POST',
          path: '/v1/matters/:id/gatherings',
          resourceId: matter.id,
          body: { matter: matter.id, body },
        },
        async () => {
          const { gathering } = await services.massMatters.recordGathering({
            id: gatheringIdOf(principal, key),
            matter,
            input: {
              gatheredAt: new Date(Date.parse(body.gatheredAt)).toISOString(),
              place: body.place,
              peopleCount: body.peopleCount,
              representatives: body.representatives,
              reportedBy: { kind: body.reportedBy.kind, reference: body.reportedBy.reference ?? null },
            },
            principal,
            requestId,
            log: req.log,
          });
          const [v] = await views(services, [gathering]);
          return { status: 201, headers: { location: `/v1/gatherings/${gathering.id}` }, body: v };
        },
      );
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/gatherings/:id',
    operationId: 'getCentralGathering',
    tags: ['Mass matters'],
    summary: 'A central gathering with its steps, limits, escalations and status (no identities)',
    auth: { roles: READERS, scope: { kind: 'reception', param: 'id', resource: 'gathering' } },
    request: { params: z.object({ id: Uuid }) },
    responses: { 200: { description: 'The gathering', schema: GatheringView } },
    handler: async ({ params, services }) => {
      const g = (await services.massMatterStore.gathering(params.id))!;
      const [v] = await views(services, [g]);
      return { body: v };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/gatherings/:id/representatives',
    operationId: 'getCentralGatheringRepresentatives',
    tags: ['Mass matters'],
    summary: "The gathering's representatives (decrypted; each read audited first)",
    auth: { roles: IDENTITY_READERS, scope: { kind: 'reception', param: 'id', resource: 'gathering' } },
    request: { params: z.object({ id: Uuid }) },
    responses: {
      200: {
        description: 'The representatives',
        schema: z.object({ items: z.array(VisitorInput) }).meta({ id: 'CentralGatheringRepresentatives' }),
      },
    },
    handler: async ({ params, principal, services, requestId }) => {
      await services.audit.append({
        actor: actorOf(principal),
        action: 'matter.central_gathering_representatives_read',
        requestId,
        after: { gatheringId: params.id },
      });
      return {
        headers: { 'cache-control': 'no-store' },
        body: { items: await services.massMatterStore.representatives(params.id) },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/matters/:id/gatherings',
    operationId: 'listMatterGatherings',
    tags: ['Mass matters'],
    summary: 'The central gatherings of a matter, newest first',
    auth: { roles: READERS, scope: { kind: 'reception', param: 'id', resource: 'matter' } },
    request: { params: z.object({ id: Uuid }) },
    responses: {
      200: {
        description: 'Gatherings',
        schema: z.object({ items: z.array(GatheringView) }).meta({ id: 'CentralGatheringList' }),
      },
    },
    handler: async ({ params, subtree, services }) => {
      const list = await services.massMatterStore.gatherings({ matterId: params.id, agencies: subtree, limit: 200 });
      return {
        body: {
          items: await views(
            services,
            list.map(({ sortKey: _k, ...g }) => g),
          ),
        },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/gatherings',
    operationId: 'listCentralGatherings',
    tags: ['Mass matters'],
    summary: "Central gatherings of the caller's agency subtree (the supervisor's view), newest first",
    auth: { roles: READERS, scope: { kind: 'subtree' } },
    request: {
      query: z.strictObject({
        ...DrillAgencyQuery,
        gatheredFrom: IsoInstant.optional().meta({ description: 'Gathered at or after' }),
        gatheredTo: IsoInstant.optional().meta({ description: 'Gathered before' }),
        broughtHome: DrillBool.meta({ description: "`true`: the citizens were brought home (the process's step)" }),
        after: Cursor.optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
    },
    responses: {
      200: {
        description: 'A page of gatherings; `next` is the URL of the following page',
        schema: z.object({ items: z.array(GatheringView), next: z.string().nullable() }),
      },
    },
    handler: async ({ query, subtree, services }) => {
      const list = await services.massMatterStore.gatherings({
        agencies: await narrowAgencies(subtree, query, services.agencies),
        limit: query.limit,
        from: query.gatheredFrom,
        to: query.gatheredTo,
        broughtHome: query.broughtHome === undefined ? undefined : query.broughtHome === 'true',
        after: query.after,
      });
      return {
        body: {
          items: await views(
            services,
            list.map(({ sortKey: _k, ...g }) => g),
          ),
          next: nextLink('/v1/gatherings', query, list, query.limit),
        },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/matters/:id/delegations',
    operationId: 'listMatterDelegations',
    tags: ['Mass matters'],
    summary: "A matter's delegations: the head's task to receive each crowd, its limit, escalation and session",
    auth: { roles: READERS, scope: { kind: 'reception', param: 'id', resource: 'matter' } },
    request: { params: z.object({ id: Uuid }) },
    responses: {
      200: {
        description: 'Delegations',
        schema: z.object({ items: z.array(DelegationView) }).meta({ id: 'MatterDelegationList' }),
      },
    },
    handler: async ({ params, services }) => {
      const list = await services.massMatterStore.delegationsOf(params.id);
      const states = await services.massMatterStore.processStates(list.map((d) => d.processCaseId));
      for (const d of list) await services.massMatters.ensureStarted(d.processCaseId, states.get(d.processCaseId));
      return {
        body: {
          items: list.map((d) => withVnInstants(services.massMatters.delegationView(d, states.get(d.processCaseId)))),
        },
      };
    },
  }),
];
