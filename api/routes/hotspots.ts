/**
 * Hotspot early warning (issue 15.4, ADR 0034): the clusters the detector raised, with their cases and
 * explanation, and their lifecycle (acknowledge with a plan, close). Supervisors act; supervisors,
 * auditors and admins read — always within their agency subtree (a hotspot is seen by the subtrees of
 * the agencies that received its items; cases outside the caller's subtree are counted, not named).
 */
import { z } from 'zod';
import { DrillAgencyQuery, DrillBool, narrowAgencies } from '../drill-filters.js';
import { actorOf } from '../auth/principal.js';
import { withVnInstants } from '../instants.js';
import { idempotent } from '../routing/idempotent.js';
import { defineRoute, type RouteSpec } from '../routing/define-route.js';
import type { Services } from '../routing/services.js';
import type { HotspotView } from '../../db/hotspots.js';
import { Cursor, encodeCursor, IsoInstant, Text } from '../schemas.js';
import { SectorCode } from './cases.js';
import { LEVELS } from '../../hotspots/config.js';

const READERS = ['supervisor', 'auditor', 'admin'] as const;
const ACTORS = ['supervisor'] as const;

const HotspotId = z.string().regex(/^hs-[0-9a-f-]{36}$/, 'a hotspot id');
const Level = z.enum(LEVELS);
const Status = z.enum(['open', 'acknowledged', 'closed']);

const HotspotCase = z.object({
  id: z.string(),
  reference: z.string().nullable(),
  agencyId: z.string(),
  receivedAt: z.string(),
  mass: z.boolean(),
  link: z.string(),
});

const Hotspot = z
  .object({
    id: z.string(),
    granularity: z.enum(['place_sector_respondent', 'place_sector', 'place']),
    place: z.object({ provinceCode: z.string(), communeCode: z.string().nullable() }),
    sector: z.string().nullable(),
    respondent: z
      .string()
      .nullable()
      .meta({ description: 'Normalised respondent key (`agency:<id>` or `name:<folded>`)' }),
    level: Level.nullable().meta({
      description: 'Level over the windows ending at the newest item; null: below watch now',
    }),
    scores: z.record(z.string(), z.number()).meta({ description: 'Window length (days) → weighted score' }),
    itemCount: z.number().int(),
    lastItemAt: z.string(),
    status: Status,
    plan: z
      .object({
        ownerPersonId: z.string(),
        taskForceId: z.string().nullable(),
        note: z.string().nullable(),
        acknowledgedAt: z.string(),
      })
      .nullable(),
    closeReason: z.string().nullable(),
    raisedAt: z.string(),
    levelChangedAt: z.string(),
    updatedAt: z.string(),
    link: z.string(),
  })
  .meta({ id: 'Hotspot' });

const HotspotListItem = Hotspot.extend({
  cases: z
    .array(HotspotCase)
    .meta({ description: 'Its newest cases within the longest window (at most 20, in your subtree)' }),
}).meta({ id: 'HotspotListItem' });

const HotspotDetail = Hotspot.extend({
  explanation: z.object({
    config: z.object({
      windows: z.array(z.object({ days: z.number(), thresholds: z.record(z.string(), z.number()) })),
      weights: z.record(z.string(), z.number()),
    }),
    windowEnd: z.string(),
    crossings: z.array(
      z.object({ level: Level, at: z.string(), windowDays: z.number(), threshold: z.number(), score: z.number() }),
    ),
    items: z.array(
      z.object({
        kind: z.string(),
        id: z.string().nullable(),
        reference: z.string().nullable(),
        agencyId: z.string(),
        at: z.string(),
        mass: z.boolean(),
        weight: z.number(),
        inWindows: z.array(z.number()),
      }),
    ),
  }),
  history: z.array(
    z.object({
      action: z.string(),
      from: z.string().nullable(),
      to: z.string().nullable(),
      actor: z.unknown(),
      details: z.unknown(),
      at: z.string(),
    }),
  ),
}).meta({ id: 'HotspotDetail' });

const HotspotQuery = z.strictObject({
  level: Level.optional(),
  status: Status.optional(),
  provinceCode: z
    .string()
    .regex(/^\d{2}$/)
    .optional(),
  communeCode: z
    .string()
    .regex(/^\d{5}$/)
    .optional(),
  sector: SectorCode.optional(),
  granularity: z.enum(['place_sector_respondent', 'place_sector', 'place']).optional(),
  ...DrillAgencyQuery,
  raisedFrom: IsoInstant.optional().meta({ description: 'Raised (first reached a level) at or after' }),
  raisedTo: IsoInstant.optional().meta({ description: 'Raised before' }),
  closed: DrillBool.meta({ description: '`false`: still followed (open or acknowledged); `true`: closed' }),
  includeFallen: DrillBool.meta({
    description: '`true`: also the hotspots that fell below the lowest level since they were raised (no level now)',
  }),
  // The sort key is the newest item's instant (`k`) and the level's rank (`t`).
  after: Cursor.refine((c) => c.t !== undefined && /^\d{1,2}$/.test(c.t), {
    message: 'not a cursor returned by this API',
  }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const AcknowledgeBody = z
  .strictObject({
    ownerPersonId: Text(200).meta({ description: 'The person of the directory who owns the plan' }),
    taskForceId: Text(200).nullable().default(null).meta({
      description: 'The task force (tổ công tác) taking the matter, when one is set up',
    }),
    note: Text(4000, { multiline: true }).nullable().default(null).meta({ description: 'The plan' }),
  })
  .meta({ id: 'AcknowledgeHotspot' });

const CloseBody = z.strictObject({ reason: Text(2000, { multiline: true }) }).meta({ id: 'CloseHotspot' });

const params = z.object({ id: HotspotId });
const withLink = <T extends { id: string }>(h: T) => ({ ...h, link: `/v1/hotspots/${h.id}` });

/**
 * One route of a hotspot's lifecycle (`POST /v1/hotspots/{id}/<verb>`): supervisors of the hotspot's area,
 * idempotent under `Idempotency-Key`, the hotspot answered in Vietnam time. Acknowledge and close are built
 * here alike; only the body and the service call differ.
 */
function lifecycleRoute<B extends z.ZodType>(r: {
  verb: 'acknowledge' | 'close';
  operationId: string;
  summary: string;
  description: string;
  body: B;
  bodyExample: z.input<B>;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
  act(
    services: Services,
    change: { id: string; body: z.output<B>; actor: ReturnType<typeof actorOf>; requestId: string; agencyId: string },
  ): Promise<HotspotView>;
}): RouteSpec {
  const path = `/v1/hotspots/:id/${r.verb}`;
  return defineRoute({
    method: 'post',
    path,
    operationId: r.operationId,
    tags: ['Hotspots'],
    summary: r.summary,
    description: r.description,
    auth: { roles: ACTORS, scope: { kind: 'hotspot', param: 'id' } },
    idempotencyKey: true,
    request: { params, body: r.body, bodyExample: r.bodyExample },
    responses: r.responses,
    handler: ({ req, params: p, body, principal, services, requestId }) =>
      idempotent(
        {
          key: req.get('Idempotency-Key'),
          principal,
          store: services.idempotency,
          method: 'POST',
          path,
          resourceId: p.id,
          body: { hotspot: p.id, body },
        },
        async () => {
          const h = await r.act(services, {
            id: p.id,
            body: body as z.output<B>,
            actor: actorOf(principal),
            requestId,
            agencyId: principal.agencyId,
          });
          const { clusterKey: _k, ...v } = h;
          return { body: withVnInstants(withLink(v)) };
        },
      ),
  });
}

export const hotspotRoutes: RouteSpec[] = [
  defineRoute({
    method: 'get',
    path: '/v1/hotspots',
    operationId: 'listHotspots',
    tags: ['Hotspots'],
    summary: 'Hotspots (clusters by place, sector, respondent) at a level, with their cases',
    description:
      'Clusters the detector raised (ADR 0034), highest level first, then the most recently active. A hotspot is listed to the ' +
      'subtrees of the agencies that received its items; its cases are those of your subtree.',
    auth: { roles: READERS, scope: { kind: 'subtree' } },
    request: { query: HotspotQuery, queryExample: { level: 'hot' } },
    responses: {
      200: {
        description: 'A page of hotspots; `next` is the URL of the following page',
        schema: z.object({ items: z.array(HotspotListItem), next: z.string().nullable() }).meta({ id: 'HotspotList' }),
      },
    },
    handler: async ({ query, subtree, services }) => {
      const after = query.after;
      const agencies = await narrowAgencies(subtree, query, services.agencies);
      const rows = await services.hotspots.list({
        agencies,
        raisedFrom: query.raisedFrom,
        raisedTo: query.raisedTo,
        closed: query.closed === undefined ? undefined : query.closed === 'true',
        includeFallen: query.includeFallen === 'true',
        level: query.level,
        status: query.status,
        provinceCode: query.provinceCode,
        communeCode: query.communeCode,
        sector: query.sector,
        granularity: query.granularity,
        ...(after ? { after: { rank: Number(after.t), at: after.k, id: after.id } } : {}),
        limit: query.limit,
      });
      const last = rows[rows.length - 1];
      const rest = new URLSearchParams(
        Object.entries(query).flatMap(([k, v]): Array<[string, string]> =>
          v === undefined || k === 'after' ? [] : [[k, String(v)]],
        ),
      );
      return {
        body: withVnInstants({
          items: rows.map(({ sortKey: _s, clusterKey: _k, ...h }) =>
            withLink({ ...h, cases: h.cases.map((c) => ({ ...c, link: `/v1/cases/${c.id}` })) }),
          ),
          next:
            rows.length === query.limit && last
              ? `/v1/hotspots?${rest.toString()}&after=${encodeCursor({ k: last.sortKey.at, t: String(last.sortKey.rank), id: last.id })}`
              : null,
        }),
      };
    },
  }),

  defineRoute({
    method: 'get',
    path: '/v1/hotspots/:id',
    operationId: 'getHotspot',
    tags: ['Hotspots'],
    summary: 'A hotspot with its explanation: the items behind it, their weights, which threshold it crossed and when',
    auth: { roles: READERS, scope: { kind: 'hotspot', param: 'id' } },
    request: { params },
    responses: { 200: { description: 'The hotspot', schema: HotspotDetail } },
    handler: async ({ params: p, subtree, services }) => {
      const { clusterKey: _k, ...d } = (await services.hotspots.detail(p.id, subtree))!;
      return { body: withVnInstants(withLink(d)) };
    },
  }),

  lifecycleRoute({
    verb: 'acknowledge',
    operationId: 'acknowledgeHotspot',
    summary: 'Acknowledge a hotspot with a plan: its owner, the task force taking it (if any) and a note',
    description:
      'Audited (`hotspot.acknowledged`) and announced (`vn.kntc.hotspot.acknowledged`). A closed hotspot: 409. The ' +
      "owner must be a person of the directory and the task force a running one of the caller's subtree (422).",
    body: AcknowledgeBody,
    bodyExample: { ownerPersonId: 'head-so-tnmt', taskForceId: null, note: 'Đối thoại với các hộ dân trong tuần' },
    responses: {
      200: { description: 'The hotspot, acknowledged', schema: Hotspot },
      409: { description: 'The hotspot is closed' },
      422: { description: 'ownerPersonId or taskForceId is not known (`unknown-reference`)' },
    },
    act: (services, change) =>
      services.hotspotLifecycle.acknowledge({
        ...change,
        change: {
          kind: 'acknowledged',
          plan: {
            ownerPersonId: change.body.ownerPersonId,
            taskForceId: change.body.taskForceId,
            note: change.body.note,
          },
        },
      }),
  }),

  lifecycleRoute({
    verb: 'close',
    operationId: 'closeHotspot',
    summary: 'Close a hotspot with the reason (its history is kept; only a rise above its level reopens it)',
    description: 'Audited (`hotspot.closed`) and announced (`vn.kntc.hotspot.closed`). Already closed: 409.',
    body: CloseBody,
    bodyExample: { reason: 'Đã đối thoại, các hộ dân đồng ý phương án bồi thường' },
    responses: {
      200: { description: 'The hotspot, closed', schema: Hotspot },
      409: { description: 'The hotspot is closed already' },
    },
    act: (services, change) =>
      services.hotspotLifecycle.close({ ...change, change: { kind: 'closed', reason: change.body.reason } }),
  }),

  defineRoute({
    method: 'post',
    path: '/v1/admin/hotspots/recompute',
    operationId: 'recomputeHotspots',
    tags: ['Hotspots'],
    summary: 'Recompute every hotspot from all items under the configuration in force (after a configuration change)',
    description:
      'The same scoring as the incremental update (ADR 0034); `dryRun=true` compares only and lists the clusters whose level ' +
      'differs. Intakes touching clusters wait for it (a few seconds for a million items). Audited (`hotspot.recomputed`).',
    auth: { roles: ['system_admin'], scope: { kind: 'none' } },
    request: {
      query: z.strictObject({ dryRun: z.enum(['true', 'false']).default('false') }),
    },
    responses: {
      200: {
        description: 'What the recompute found and changed',
        schema: z
          .object({
            clusters: z.number().int(),
            atLevel: z.number().int(),
            changed: z.number().int(),
            differences: z.array(z.object({ key: z.string(), stored: Level.nullable(), computed: Level.nullable() })),
            ms: z.number(),
          })
          .meta({ id: 'HotspotRecompute' }),
      },
    },
    handler: async ({ query, principal, services, requestId }) => {
      const r = await services.hotspotLifecycle.recompute({
        dryRun: query.dryRun === 'true',
        actor: actorOf(principal),
        requestId,
        startDelivery: services.startDelivery,
      });
      return {
        body: {
          clusters: r.clusters,
          atLevel: r.atLevel,
          changed: r.changed.length,
          differences: r.differences.slice(0, 1000),
          ms: Math.round(r.ms),
        },
      };
    },
  }),
];
