/**
 * Citizen reception (issue 14 items 1–2, ADR 0028): reception places, sessions and their visits. Thin
 * handlers: validation here, the logic in api/services/reception.ts, the SQL in db/reception.ts.
 */
import { z } from 'zod';
import {
  CONTENT_TYPES,
  PLACE_KINDS,
  RECEIVED_BY,
  SESSION_KINDS,
  SESSION_MODES,
  VISIT_OUTCOMES,
  VISIT_PARTY_ROLES,
  type PlaceRecord,
  type SessionRecord,
  type VisitRecord,
} from '../../db/reception.js';
import { refusalBasis } from '../../reception/legal-rules.js';
import { vnDate } from '../../workflows/clock/vn-time.js';
import { withVnInstants } from '../instants.js';
import { DrillAgencyQuery, EnumList, narrowAgencies } from '../drill-filters.js';
import { problems } from '../problem.js';
import { defineRoute, type RouteSpec } from '../routing/define-route.js';
import { checkIdempotencyKey, idempotent } from '../routing/idempotent.js';
import {
  AgencyId,
  CaseId,
  Cursor,
  IsoDay,
  IsoInstant,
  nextLink,
  ScheduleEntryId,
  Text,
  Uuid,
  VisitorInput,
} from '../schemas.js';
import { AttachmentInput, Place, SectorCode } from './cases.js';
import { MatterView, matterView, SuggestionList, suggestionView } from './matters.js';

export const READERS = ['reception_officer', 'intake', 'officer', 'supervisor', 'auditor', 'admin'] as const;
export const RECORDERS = ['reception_officer', 'admin'] as const;
const IDENTITY_READERS = ['reception_officer', 'intake', 'officer', 'supervisor', 'admin'] as const;
const LINKERS = ['reception_officer', 'intake', 'officer', 'admin'] as const;

const PlaceId = z.string().regex(/^rp_[0-9a-f]{16}$/);
const PersonId = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._:@|-]+$/, 'a person id of the directory');
const Bool = z.enum(['true', 'false']).optional();
const flag = (v: 'true' | 'false' | undefined) => (v === undefined ? undefined : v === 'true');

const PlaceView = z
  .object({
    id: z.string(),
    agencyId: z.string(),
    name: z.string(),
    kind: z.enum(PLACE_KINDS),
    address: z.string().nullable(),
    onlineUrl: z.string().nullable(),
    active: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'ReceptionPlace' });
const placeView = (p: PlaceRecord) => {
  const { createdBy: _c, ...rest } = p;
  return rest;
};

const SessionView = z
  .object({
    id: z.string(),
    agencyId: z.string(),
    placeId: z.string(),
    kind: z.enum(SESSION_KINDS),
    leaderPersonId: z.string().nullable(),
    receivedBy: z.enum(RECEIVED_BY),
    delegatePersonId: z.string().nullable(),
    mode: z.enum(SESSION_MODES),
    sessionDate: z.string().meta({ description: 'Date of the session in Vietnam' }),
    startedAt: z.string(),
    endedAt: z.string().nullable(),
    periodId: z.string().nullable(),
    scheduleEntryId: z.string().nullable(),
    notes: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
    visits: z.number().int().optional(),
    links: z.object({ self: z.string(), visits: z.string() }),
  })
  .meta({ id: 'ReceptionSession' });
const sessionView = (s: SessionRecord & { visits?: number }) => {
  const { updatedAt: _u, ...rest } = s;
  const { sortKey: _k, ...clean } = rest as typeof rest & { sortKey?: string };
  return {
    ...clean,
    links: { self: `/v1/reception/sessions/${s.id}`, visits: `/v1/reception/visits?sessionId=${s.id}` },
  };
};

const VisitView = z
  .object({
    id: z.string(),
    sessionId: z.string(),
    agencyId: z.string(),
    visitedAt: z.string(),
    peopleCount: z.number().int(),
    isDelegation: z.boolean(),
    contentType: z.enum(CONTENT_TYPES),
    summary: z.string(),
    outcome: z.enum(VISIT_OUTCOMES),
    refusalGround: z.string().nullable(),
    refusalBasis: z
      .string()
      .nullable()
      .meta({
        description:
          'For a refused visit, the article in force on the visit date: Luật Tiếp công dân 2013 Art 9; from ' +
          '01/07/2026 NĐ 154/2026 Art 4',
      }),
    transferAgencyId: z.string().nullable(),
    transferTarget: z.string().nullable(),
    caseId: z.string().nullable(),
    matterId: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
    links: z.object({
      self: z.string(),
      session: z.string(),
      parties: z.string(),
      case: z.string().nullable(),
      matter: z.string().nullable(),
    }),
  })
  .meta({ id: 'ReceptionVisit', description: 'A visit; its people are read through `links.parties`' });
export const visitView = (v: VisitRecord) => {
  const { sortKey: _k, ...rest } = v as VisitRecord & { sortKey?: string };
  return {
    ...rest,
    refusalBasis: v.outcome === 'refused' ? refusalBasis(vnDate(Date.parse(v.visitedAt))) : null,
    links: {
      self: `/v1/reception/visits/${v.id}`,
      session: `/v1/reception/sessions/${v.sessionId}`,
      parties: `/v1/reception/visits/${v.id}/parties`,
      case: v.caseId ? `/v1/cases/${v.caseId}` : null,
      matter: v.matterId ? `/v1/matters/${v.matterId}` : null,
    },
  };
};

const CreatedVisit = VisitView.extend({
  case: z
    .object({
      id: z.string(),
      reference: z.string(),
      pin: z.string().optional().meta({ description: 'Citizen PIN (first answer only): print it on the receipt' }),
    })
    .nullable()
    .meta({ description: 'The case the letter received at this visit started' }),
}).meta({ id: 'CreatedReceptionVisit' });

const VisitPartyView = z
  .object({
    id: z.string(),
    role: z.enum(VISIT_PARTY_ROLES),
    redacted: z.boolean(),
    name: z.string().optional(),
    idNumber: z.string().optional(),
    phone: z.string().optional(),
    address: z.string().optional(),
    email: z.string().optional(),
  })
  .meta({ id: 'ReceptionVisitParty' });

/** The caller's subtree narrowed to `agencyId`'s (404 outside it). */
async function narrow(
  subtree: string[],
  agencyId: string | undefined,
  agencies: { subtree(id: string): Promise<string[]> },
): Promise<string[]> {
  if (!agencyId) return subtree;
  if (!subtree.includes(agencyId)) throw problems.notFound(`Agency ${agencyId}`);
  return agencies.subtree(agencyId);
}

const CreatePlace = z
  .strictObject({
    agencyId: AgencyId,
    name: Text(300),
    kind: z.enum(PLACE_KINDS).meta({
      description: '`online`: online reception (NĐ 154/2026 Art 16-24, from 01/07/2026) — needs `onlineUrl`',
    }),
    address: Text(500).optional(),
    onlineUrl: z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .optional(),
  })
  .meta({ id: 'CreateReceptionPlace' });

const CreateSession = z
  .strictObject({
    agencyId: AgencyId,
    placeId: PlaceId,
    kind: z.enum(SESSION_KINDS).meta({
      description:
        "`regular`: by the reception board (Luật Tiếp công dân 2013 Art 12); `periodic`: a leader's scheduled day " +
        '(Art 13-15, 18); `ad_hoc`: Art 18(3)',
    }),
    leaderPersonId: PersonId.optional().meta({ description: 'The leader (directory person); required unless regular' }),
    receivedBy: z.enum(RECEIVED_BY).meta({ description: 'The leader in person, or delegated (ủy quyền) to a deputy' }),
    delegatePersonId: PersonId.optional(),
    mode: z.enum(SESSION_MODES),
    startedAt: IsoInstant,
    endedAt: IsoInstant.optional(),
    sessionDate: IsoDay.optional().meta({ description: 'Default: the date of startedAt in Vietnam' }),
    periodId: z.string().min(1).max(100).optional().meta({ description: 'A special period (congress days)' }),
    scheduleEntryId: ScheduleEntryId.optional().meta({ description: 'The schedule entry of the agency it held' }),
    notes: Text(2000, { multiline: true }).optional(),
  })
  .meta({ id: 'CreateReceptionSession' });

const CreateVisit = z
  .strictObject({
    visitedAt: IsoInstant,
    peopleCount: z.number().int().min(1).max(100_000).optional().meta({ description: 'Default: the visitors listed' }),
    isDelegation: z.boolean().default(false).meta({ description: 'A delegation (đoàn đông người)' }),
    visitors: z.array(VisitorInput).min(1).max(50),
    representatives: z
      .array(VisitorInput)
      .max(10)
      .default([])
      .meta({
        description:
          "A delegation's representatives (Luật Tiếp công dân 2013 Art 29: 5-10 people send 1 or 2, " +
          'more than 10 at most 5)',
      }),
    respondent: Text(500).optional().meta({ description: 'The agency, official or decision complained about' }),
    contentType: z.enum(CONTENT_TYPES),
    summary: Text(4000, { multiline: true }).meta({ description: 'The content (no personal data of a denouncer)' }),
    outcome: z.enum(VISIT_OUTCOMES).meta({
      description:
        '`guided`, `answered` (on the spot), `letter_received` (starts a case), `transferred`, `refused` (with the ground, Art 9)',
    }),
    refusalGround: Text(1000, { multiline: true }).optional(),
    transferAgencyId: AgencyId.optional(),
    transferTarget: Text(500).optional(),
    letter: z
      .strictObject({
        caseType: z.enum(['letter', 'complaint_first', 'complaint_second', 'denunciation', 'petition']).optional(),
        subject: Text(500).optional(),
        remoteArea: z.boolean().optional(),
        attachments: z.array(AttachmentInput).max(100).optional(),
      })
      .optional()
      .meta({ description: 'The letter received (outcome letter_received); default case type by content type' }),
    matterId: Uuid.optional().meta({ description: 'The matter the officer confirmed at intake (see suggestions)' }),
    place: Place.optional().meta({ description: 'Where the matter arose: the visit feeds the hotspot detector' }),
    sector: SectorCode.optional(),
    respondentAgencyId: AgencyId.optional().meta({ description: 'The respondent as an agency of the directory' }),
    securityLiaison: z.boolean().default(false).meta({
      description:
        'A crowd: tell the police when its delegation process opens (a recorded notification; Luật Tiếp công dân 2013 Art 30(3))',
    }),
  })
  .meta({ id: 'CreateReceptionVisit' });

const SessionListQuery = z.strictObject({
  ...DrillAgencyQuery,
  from: IsoDay.optional().meta({ description: 'Session date from (Vietnam)' }),
  to: IsoDay.optional(),
  kind: EnumList(SESSION_KINDS).optional(),
  leaderPersonId: PersonId.optional(),
  receivedBy: z.enum(RECEIVED_BY).optional(),
  mode: z.enum(SESSION_MODES).optional(),
  placeId: PlaceId.optional(),
  periodId: z.string().min(1).max(100).optional(),
  after: Cursor.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const VisitListQuery = z.strictObject({
  ...DrillAgencyQuery,
  sessionId: Uuid.optional(),
  from: IsoDay.optional().meta({ description: 'Session date from (Vietnam)' }),
  to: IsoDay.optional(),
  visitedFrom: IsoInstant.optional().meta({
    description: 'Visited at or after (the report forms count by visit time)',
  }),
  visitedTo: IsoInstant.optional().meta({ description: 'Visited before' }),
  contentType: EnumList(CONTENT_TYPES).optional(),
  outcome: EnumList(VISIT_OUTCOMES).optional(),
  delegation: Bool,
  leaderPersonId: PersonId.optional(),
  sessionKind: EnumList(SESSION_KINDS).optional(),
  receivedBy: z
    .enum(RECEIVED_BY)
    .optional()
    .meta({ description: "The session's head received in person or delegated" }),
  repeat: Bool.meta({ description: '`true`: visits of a matter received more than once (as the forms count them)' }),
  matterId: Uuid.optional(),
  matterFlag: z.enum(['prolonged', 'complex', 'mass']).optional(),
  after: Cursor.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const receptionRoutes: RouteSpec[] = [
  defineRoute({
    method: 'post',
    path: '/v1/reception/places',
    operationId: 'createReceptionPlace',
    tags: ['Reception'],
    summary: 'Add a reception place of an agency (audited)',
    auth: { roles: ['admin'], scope: { kind: 'body-agency', field: 'agencyId' } },
    idempotencyKey: true,
    request: {
      body: CreatePlace,
      bodyExample: {
        agencyId: 'so-tnmt',
        name: 'Phòng tiếp công dân Sở',
        kind: 'department_point',
        address: '1 Lê Lợi',
      },
    },
    responses: { 201: { description: 'The place', schema: PlaceView } },
    handler: ({ req, body, principal, services, requestId }) =>
      idempotent(
        {
          key: req.get('Idempotency-Key'),
          principal,
          store: services.idempotency,
          method: 'POST',
          path: '/v1/reception/places',
          resourceId: 'place',
          body,
        },
        async () => {
          const p = await services.reception.createPlace(body, principal, requestId);
          return {
            status: 201,
            body: withVnInstants(placeView(p)),
            headers: { location: `/v1/reception/places/${p.id}` },
          };
        },
      ),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/reception/places',
    operationId: 'listReceptionPlaces',
    tags: ['Reception'],
    summary: "Reception places of the caller's subtree",
    auth: { roles: READERS, scope: { kind: 'subtree' } },
    request: {
      query: z.strictObject({
        agencyId: AgencyId.optional(),
        kind: z.enum(PLACE_KINDS).optional(),
        active: Bool,
        after: Cursor.optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
    },
    responses: {
      200: {
        description: 'A page of places',
        schema: z.object({ items: z.array(PlaceView), next: z.string().nullable() }).meta({ id: 'ReceptionPlaceList' }),
      },
    },
    handler: async ({ query, subtree, services }) => {
      const agencies = await narrow(subtree, query.agencyId, services.agencies);
      const rows = await services.receptionStore.places({
        agencies,
        kind: query.kind,
        active: flag(query.active),
        after: query.after,
        limit: query.limit,
      });
      return {
        body: {
          items: rows.map(({ sortKey: _k, ...p }) => placeView(p)),
          next: nextLink('/v1/reception/places', query, rows, query.limit),
        },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/reception/places/:id',
    operationId: 'getReceptionPlace',
    tags: ['Reception'],
    summary: 'A reception place',
    auth: { roles: READERS, scope: { kind: 'reception', param: 'id', resource: 'place' } },
    request: { params: z.object({ id: PlaceId }) },
    responses: { 200: { description: 'The place', schema: PlaceView } },
    handler: async ({ reception }) => ({
      body: placeView(reception),
    }),
  }),
  defineRoute({
    method: 'patch',
    path: '/v1/reception/places/:id',
    operationId: 'updateReceptionPlace',
    tags: ['Reception'],
    summary: 'Change a reception place (audited; `active: false` retires it)',
    auth: { roles: ['admin'], scope: { kind: 'reception', param: 'id', resource: 'place' } },
    request: {
      params: z.object({ id: PlaceId }),
      body: z
        .strictObject({
          name: Text(300).optional(),
          kind: z.enum(PLACE_KINDS).optional(),
          address: Text(500).optional(),
          onlineUrl: z
            .url({ protocol: /^https?$/ })
            .max(2000)
            .optional(),
          active: z.boolean().optional(),
        })
        .meta({ id: 'UpdateReceptionPlace' }),
      bodyExample: { name: 'Phòng tiếp công dân (cơ sở 2)' },
    },
    responses: { 200: { description: 'The place', schema: PlaceView } },
    handler: async ({ params, body, principal, services, requestId }) => {
      const p = await services.reception.updatePlace(params.id, body, principal, requestId);
      if (!p) throw problems.notFound(`Place ${params.id}`);
      return { body: placeView(p) };
    },
  }),

  defineRoute({
    method: 'post',
    path: '/v1/reception/sessions',
    operationId: 'createReceptionSession',
    tags: ['Reception'],
    summary: 'Record a reception session (regular, periodic or ad hoc; in person or delegated; on site or online)',
    description:
      'Recorded as held: who received (the leader in person, or their delegate), where and when. The leader and the ' +
      'delegate are people of the directory working at the agency. An Idempotency-Key makes a retry the same session.',
    auth: { roles: RECORDERS, scope: { kind: 'body-agency', field: 'agencyId' } },
    idempotencyKey: true,
    request: {
      body: CreateSession,
      bodyExample: {
        agencyId: 'so-tnmt',
        placeId: 'rp_0123456789abcdef',
        kind: 'regular',
        receivedBy: 'in_person',
        mode: 'in_person',
        startedAt: '2026-07-01T08:00:00+07:00',
      },
    },
    responses: { 201: { description: 'The session', schema: SessionView } },
    handler: async ({ req, body, principal, services, requestId }) => {
      const key = checkIdempotencyKey(req.get('Idempotency-Key'));
      return idempotent(
        {
          key,
          principal,
          store: services.idempotency,
          method: 'POST',
          path: '/v1/reception/sessions',
          resourceId: 'session',
          body,
        },
        async () => {
          const s = await services.reception.recordSession(body, principal, key, requestId);
          return {
            status: 201,
            body: withVnInstants(sessionView(s)),
            headers: { location: `/v1/reception/sessions/${s.id}` },
          };
        },
      );
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/reception/sessions',
    operationId: 'listReceptionSessions',
    tags: ['Reception'],
    summary: "Reception sessions of the caller's subtree, newest first (filters for supervisors)",
    auth: { roles: READERS, scope: { kind: 'subtree' } },
    request: { query: SessionListQuery },
    responses: {
      200: {
        description: 'A page of sessions',
        schema: z
          .object({ items: z.array(SessionView), next: z.string().nullable() })
          .meta({ id: 'ReceptionSessionList' }),
      },
    },
    handler: async ({ query, subtree, services }) => {
      const agencies = await narrowAgencies(subtree, query, services.agencies);
      const rows = await services.receptionStore.sessions({ ...query, agencies });
      return {
        body: {
          items: rows.map(sessionView),
          next: nextLink('/v1/reception/sessions', query, rows, query.limit),
        },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/reception/sessions/:id',
    operationId: 'getReceptionSession',
    tags: ['Reception'],
    summary: 'A reception session',
    auth: { roles: READERS, scope: { kind: 'reception', param: 'id', resource: 'session' } },
    request: { params: z.object({ id: Uuid }) },
    responses: { 200: { description: 'The session', schema: SessionView } },
    handler: async ({ reception }) => ({
      body: sessionView(reception),
    }),
  }),

  defineRoute({
    method: 'post',
    path: '/v1/reception/sessions/:id/visits',
    operationId: 'createReceptionVisit',
    tags: ['Reception'],
    summary: 'Record a visit of a session; a received letter starts its case (linked both ways)',
    description:
      "Visitors and representatives are stored encrypted; a denunciation visitor's identity is never in logs, events " +
      'or the workflow (Luật Tố cáo 2018 Art 47). With `outcome: letter_received` the case starts through the idempotent ' +
      'case start under a key derived from the visit (a retry with the same Idempotency-Key never starts two cases). ' +
      '`matterId` links the visit to a matter the officer chose from the suggestions; nothing is linked otherwise.',
    auth: { roles: RECORDERS, scope: { kind: 'reception', param: 'id', resource: 'session' } },
    idempotencyKey: true,
    request: {
      params: z.object({ id: Uuid }),
      body: CreateVisit,
      bodyExample: {
        visitedAt: '2026-07-01T08:30:00+07:00',
        visitors: [{ name: 'Nguyễn Văn A', idNumber: '001203004567' }],
        contentType: 'petition',
        summary: 'Kiến nghị về việc cấp giấy chứng nhận quyền sử dụng đất',
        outcome: 'guided',
      },
    },
    responses: {
      201: { description: 'The visit (and the case its letter started)', schema: CreatedVisit },
      409: { description: 'The matter link conflicts with an earlier decision' },
      422: { description: 'A field refers to something it may not (named in `errors`)' },
    },
    handler: async ({ req, params, body, principal, services, requestId }) => {
      const key = checkIdempotencyKey(req.get('Idempotency-Key'));
      const session = (await services.receptionStore.session(params.id))!;
      // The stored answer of the key never holds the citizen PIN (GET /v1/cases/{id}/receipt gives it again).
      let pin: string | undefined;
      const reply = await idempotent(
        {
          key,
          principal,
          store: services.idempotency,
          method: 'POST',
          path: '/v1/reception/sessions/:id/visits',
          resourceId: session.id,
          body: { session: session.id, body },
        },
        async () => {
          const r = await services.reception.recordVisit({
            session,
            input: body,
            principal,
            key,
            requestId,
            log: req.log,
          });
          pin = r.caseRef?.pin;
          const caseRef = r.caseRef ? { id: r.caseRef.id, reference: r.caseRef.reference } : null;
          return {
            status: 201,
            headers: { location: `/v1/reception/visits/${r.visit.id}`, 'cache-control': 'no-store' },
            body: withVnInstants({ ...visitView(r.visit), case: caseRef }),
          };
        },
      );
      const b = reply.body as { case: { pin?: string } | null };
      if (pin && b.case) b.case.pin = pin;
      return { ...reply, headers: { ...reply.headers, 'cache-control': 'no-store' } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/reception/visits',
    operationId: 'listReceptionVisits',
    tags: ['Reception'],
    summary: "Visits of the caller's subtree, newest first (filters for supervisors; no identities)",
    auth: { roles: READERS, scope: { kind: 'subtree' } },
    request: { query: VisitListQuery },
    responses: {
      200: {
        description: 'A page of visits',
        schema: z.object({ items: z.array(VisitView), next: z.string().nullable() }).meta({ id: 'ReceptionVisitList' }),
      },
    },
    handler: async ({ query, subtree, services }) => {
      const agencies = await narrowAgencies(subtree, query, services.agencies);
      const { delegation, repeat, ...rest } = query;
      const rows = await services.receptionStore.visits({
        ...rest,
        isDelegation: flag(delegation),
        repeat: flag(repeat),
        agencies,
      });
      return {
        body: { items: rows.map(visitView), next: nextLink('/v1/reception/visits', query, rows, query.limit) },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/reception/visits/:id',
    operationId: 'getReceptionVisit',
    tags: ['Reception'],
    summary: 'A visit (its case and matter linked; no identities)',
    auth: { roles: READERS, scope: { kind: 'reception', param: 'id', resource: 'visit' } },
    request: { params: z.object({ id: Uuid }) },
    responses: { 200: { description: 'The visit', schema: VisitView } },
    handler: async ({ reception }) => ({ body: visitView(reception) }),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/reception/visits/:id/parties',
    operationId: 'listReceptionVisitParties',
    tags: ['Reception'],
    summary: "The people of a visit (a denunciation's visitors redacted without identity:read)",
    description:
      "A denunciation visitor's identity (and their representatives') is returned only to callers holding " +
      '`identity:read` for the agency; each such read is written to the audit log first.',
    auth: { roles: IDENTITY_READERS, scope: { kind: 'reception', param: 'id', resource: 'visit' } },
    request: { params: z.object({ id: Uuid }) },
    responses: {
      200: {
        description: 'The people',
        schema: z.object({ items: z.array(VisitPartyView) }).meta({ id: 'ReceptionVisitParties' }),
      },
    },
    handler: async ({ reception: visit, principal, services, requestId }) => {
      return {
        headers: { 'cache-control': 'no-store' },
        body: { items: await services.reception.visitParties(visit, principal, requestId) },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/reception/visits/:id/matter-suggestions',
    operationId: 'suggestMattersForVisit',
    tags: ['Reception', 'Matters'],
    summary: 'Likely existing matters of a recorded visit (same person or representative, respondent, subject)',
    description:
      'Matches compare keyed hashes of normalised identities (never decrypting other records) and the subject by ' +
      'trigram similarity. Nothing is linked: confirm or reject with `POST /v1/matters/{id}/links`.',
    auth: { roles: LINKERS, scope: { kind: 'reception', param: 'id', resource: 'visit' } },
    request: {
      params: z.object({ id: Uuid }),
      query: z.strictObject({ limit: z.coerce.number().int().min(1).max(50).default(10) }),
    },
    responses: { 200: { description: 'Suggestions, best first', schema: SuggestionList } },
    handler: async ({ reception: visit, query, subtree, services }) => {
      const found = await services.reception.suggest({ subtree, visit, people: [], limit: query.limit });
      return { body: { items: found.map(suggestionView) } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/cases/:id/reception',
    operationId: 'getCaseReception',
    tags: ['Cases', 'Reception'],
    summary: 'The reception visit a case was received at, and its matter',
    auth: { roles: READERS, scope: { kind: 'case', param: 'id' } },
    request: { params: z.object({ id: CaseId }) },
    responses: {
      200: {
        description: 'Visit and matter (null when none)',
        schema: z.object({ visit: VisitView.nullable(), matter: MatterView.nullable() }).meta({ id: 'CaseReception' }),
      },
    },
    handler: async ({ case: c, services }) => {
      const r = await services.reception.ofCase(c.id);
      const [m] = r.matter ? await services.reception.effective([r.matter]) : [];
      return { body: { visit: r.visit ? visitView(r.visit) : null, matter: m ? matterView(m) : null } };
    },
  }),
];
