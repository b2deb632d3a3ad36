/**
 * Matters (vụ việc, issue 14.3, ADR 0028): repeat letters and visits linked to one matter by an officer's
 * decision, with counts and the prolonged/complex flags of configurable criteria. Thin handlers over
 * api/services/reception.ts and db/matters.ts.
 */
import { z } from 'zod';
import { FLAG_CRITERIA, MATTER_LINK_DECISIONS, MATTER_LINK_KINDS, MATTER_STATUSES } from '../../db/matters.js';
import type { MatterRecord, Suggestion } from '../../db/matters.js';
import { CONTENT_TYPES } from '../../db/reception.js';
import { vnDate } from '../../workflows/clock/vn-time.js';
import { DrillAgencyQuery, narrowAgencies } from '../drill-filters.js';
import { withVnInstants } from '../instants.js';
import { problems } from '../problem.js';
import { defineRoute, type RouteSpec } from '../routing/define-route.js';
import { idempotent } from '../routing/idempotent.js';
import { Place, SectorCode } from '../case-body.js';
import { AgencyId, Cursor, encodeCursor, IsoInstant, Text, Uuid, VisitorInput } from '../schemas.js';

const READERS = ['reception_officer', 'intake', 'officer', 'supervisor', 'auditor', 'admin'] as const;
const LINKERS = ['reception_officer', 'intake', 'officer', 'admin'] as const;
const DECIDERS = ['officer', 'supervisor', 'admin'] as const;
const Bool = z.enum(['true', 'false']).optional();
const flag = (v: 'true' | 'false' | undefined) => (v === undefined ? undefined : v === 'true');

export const MatterView = z
  .object({
    id: z.string(),
    agencyId: z.string(),
    title: z.string(),
    contentType: z.string().nullable(),
    firstReceivedAt: z.string(),
    lastReceivedAt: z.string(),
    timesReceived: z.number().int().meta({ description: 'Receptions: visits, and letters not received at a visit' }),
    lettersCount: z.number().int(),
    peopleMax: z.number().int(),
    prolonged: z.boolean(),
    complex: z.boolean(),
    mass: z.boolean(),
    flagRules: z.array(z.string()).meta({ description: 'The flag rules that hold now (GET /v1/matters/flag-rules)' }),
    status: z.enum(MATTER_STATUSES),
    finalDecisionAt: z.string().nullable(),
    place: z.object({ provinceCode: z.string(), communeCode: z.string().nullable() }).nullable().meta({
      description: 'Province and commune/ward of the 2025 administrative units (the hotspot detector keys on it)',
    }),
    sector: z.string().nullable(),
    respondentKey: z.string().nullable().meta({
      description: 'The respondent as the hotspot detector keys it: `agency:<id>` or `name:<folded name>`',
    }),
    respondentAgencyId: z
      .string()
      .nullable()
      .meta({ description: 'The respondent agency, when the respondent is one' }),
    createdAt: z.string(),
    links: z.object({ self: z.string(), visits: z.string() }),
  })
  .meta({ id: 'Matter' });
export const matterView = (m: MatterRecord & { flagRules: string[] }) => ({
  id: m.id,
  agencyId: m.agencyId,
  title: m.title,
  contentType: m.contentType,
  firstReceivedAt: m.firstReceivedAt,
  lastReceivedAt: m.lastReceivedAt,
  timesReceived: m.timesReceived,
  lettersCount: m.lettersCount,
  peopleMax: m.peopleMax,
  prolonged: m.prolonged,
  complex: m.complex,
  mass: m.mass,
  flagRules: m.flagRules,
  status: m.status,
  finalDecisionAt: m.finalDecisionAt,
  place: m.place,
  sector: m.sector,
  respondentKey: m.respondentKey,
  respondentAgencyId: m.respondentKey?.startsWith('agency:') ? m.respondentKey.slice('agency:'.length) : null,
  createdAt: m.createdAt,
  links: { self: `/v1/matters/${m.id}`, visits: `/v1/reception/visits?matterId=${m.id}` },
});

const LinkView = z
  .object({
    id: z.string(),
    kind: z.enum(MATTER_LINK_KINDS),
    refId: z.string(),
    decision: z.enum(MATTER_LINK_DECISIONS),
    reason: z.string().nullable(),
    linkedBy: z.string(),
    at: z.string(),
  })
  .meta({ id: 'MatterLink' });

export const SuggestionList = z
  .object({
    items: z.array(
      z
        .object({
          matter: MatterView,
          samePerson: z.boolean().meta({ description: 'A visitor or representative matches (keyed identity hash)' }),
          sameRespondent: z.boolean(),
          similarity: z.number().meta({ description: 'Trigram similarity of the subject (0-1)' }),
          score: z.number(),
        })
        .meta({ id: 'MatterSuggestion' }),
    ),
  })
  .meta({ id: 'MatterSuggestionList' });
export const suggestionView = (s: Suggestion) => ({
  ...s,
  matter: matterView({ ...s.matter, flagRules: s.matter.flagReasons }),
});

/** A matter's structured place, sector and respondent (ADR 0034), checked against the reference data. */
const PlaceFields = {
  place: Place.optional(),
  sector: SectorCode.optional(),
  respondentAgencyId: AgencyId.optional().meta({ description: 'The respondent as an agency of the directory' }),
  respondent: Text(500)
    .optional()
    .meta({ description: 'The respondent as a text (an official, a decision), keyed as the detector keys cases' }),
};

export const matterRoutes: RouteSpec[] = [
  defineRoute({
    method: 'post',
    path: '/v1/matters',
    operationId: 'createMatter',
    tags: ['Matters'],
    summary: "Open a matter, optionally with its first visit or case (the officer's decision; audited)",
    auth: { roles: LINKERS, scope: { kind: 'body-agency', field: 'agencyId' } },
    idempotencyKey: true,
    request: {
      body: z
        .strictObject({
          agencyId: AgencyId,
          title: Text(500),
          contentType: z.enum(CONTENT_TYPES).optional(),
          link: z.strictObject({ kind: z.enum(MATTER_LINK_KINDS), refId: Uuid }).optional(),
          ...PlaceFields,
        })
        .meta({ id: 'CreateMatter' }),
      bodyExample: {
        agencyId: 'so-tnmt',
        title: 'Tranh chấp ranh giới đất thửa 123 xã A',
        contentType: 'complaint',
        place: { provinceCode: '01', communeCode: '00004' },
        sector: 'land',
      },
    },
    responses: {
      201: { description: 'The matter', schema: MatterView },
      422: {
        description: 'A place, sector or respondent agency the reference data does not know (`unknown-reference`)',
      },
    },
    handler: ({ req, body, principal, services, requestId }) =>
      idempotent(
        {
          key: req.get('Idempotency-Key'),
          principal,
          store: services.idempotency,
          method: 'POST',
          path: '/v1/matters',
          resourceId: 'matter',
          body,
        },
        async () => {
          const m = await services.reception.createMatter(body, principal, req.get('Idempotency-Key'), requestId);
          const [v] = await services.reception.effective([m]);
          return { status: 201, body: withVnInstants(matterView(v!)), headers: { location: `/v1/matters/${m.id}` } };
        },
      ),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/matters',
    operationId: 'listMatters',
    tags: ['Matters'],
    summary: "Matters of the caller's subtree, most recently received first (flags, status, dates)",
    description:
      '`prolonged`/`complex` follow the configurable criteria of `GET /v1/matters/flag-rules` (a time criterion holds ' +
      'from the day it is met, without any other change).',
    auth: { roles: READERS, scope: { kind: 'subtree' } },
    request: {
      query: z.strictObject({
        ...DrillAgencyQuery,
        status: z.enum(MATTER_STATUSES).optional(),
        prolonged: Bool,
        complex: Bool,
        mass: Bool,
        receivedFrom: IsoInstant.optional(),
        receivedTo: IsoInstant.optional(),
        firstReceivedTo: IsoInstant.optional().meta({
          description: 'First received before this instant (the monthly report: under follow-up at the period end)',
        }),
        minTimesReceived: z.coerce.number().int().min(1).max(10_000).optional(),
        provinceCode: Place.shape.provinceCode.optional(),
        communeCode: z
          .string()
          .regex(/^\d{5}$/, 'a 5-digit commune code (2025 units)')
          .optional(),
        sector: SectorCode.optional(),
        respondentAgencyId: AgencyId.optional(),
        after: Cursor.optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
    },
    responses: {
      200: {
        description: 'A page of matters',
        schema: z.object({ items: z.array(MatterView), next: z.string().nullable() }).meta({ id: 'MatterList' }),
      },
    },
    handler: async ({ query, subtree, services }) => {
      const agencies = await narrowAgencies(subtree, query, services.agencies);
      const rules = await services.matters.rules(vnDate(Date.now()));
      const rows = await services.matters.list(
        {
          agencies,
          status: query.status,
          prolonged: flag(query.prolonged),
          complex: flag(query.complex),
          mass: flag(query.mass),
          receivedFrom: query.receivedFrom,
          receivedTo: query.receivedTo,
          firstReceivedTo: query.firstReceivedTo,
          minTimesReceived: query.minTimesReceived,
          provinceCode: query.provinceCode,
          communeCode: query.communeCode,
          sector: query.sector,
          respondentKey: query.respondentAgencyId ? `agency:${query.respondentAgencyId}` : undefined,
          after: query.after,
          limit: query.limit,
        },
        rules,
      );
      const items = await services.reception.effective(rows, rules);
      const last = rows[rows.length - 1];
      const rest = new URLSearchParams(
        Object.entries(query).flatMap(([k, v]): Array<[string, string]> =>
          v === undefined || k === 'after' ? [] : [[k, String(v)]],
        ),
      );
      if (last) rest.set('after', encodeCursor({ k: last.sortKey, id: last.id }));
      return {
        body: {
          items: items.map(matterView),
          next: rows.length === query.limit && last ? `/v1/matters?${rest.toString()}` : null,
        },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/matters/flag-rules',
    operationId: 'listMatterFlagRules',
    tags: ['Matters'],
    summary:
      'The criteria that make a matter prolonged or complex (configuration; UNCONFIRMED where the law is silent)',
    auth: { roles: READERS, scope: { kind: 'none' } },
    responses: {
      200: {
        description: 'The rules in force today',
        schema: z
          .object({
            items: z.array(
              z.object({
                id: z.string(),
                flag: z.enum(['prolonged', 'complex']),
                criterion: z.enum(FLAG_CRITERIA),
                threshold: z.number().int().nullable(),
                effectiveFrom: z.string(),
                effectiveTo: z.string().nullable(),
                source: z.string(),
                unconfirmed: z.boolean(),
              }),
            ),
          })
          .meta({ id: 'MatterFlagRules' }),
      },
    },
    handler: async ({ services }) => ({
      body: { items: await services.matters.rules(vnDate(Date.now())) },
    }),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/matters/suggestions',
    operationId: 'suggestMatters',
    tags: ['Matters'],
    summary: 'Likely existing matters for an intake (same person or representative, respondent, similar subject)',
    description:
      'The identities sent are hashed (keyed) for the look-up and not stored; matching never decrypts other records. ' +
      'A POST so that no identity travels in a URL. Nothing is linked: confirm with `POST /v1/matters/{id}/links`.',
    auth: { roles: LINKERS, scope: { kind: 'body-agency', field: 'agencyId' } },
    request: {
      body: z
        .strictObject({
          agencyId: AgencyId.meta({
            description: "The receiving agency, in the caller's subtree (its subtree is searched)",
          }),
          people: z.array(VisitorInput).max(60).default([]),
          respondent: Text(500).optional(),
          subject: Text(4000, { multiline: true }).optional(),
          limit: z.number().int().min(1).max(50).default(10),
        })
        .refine((b) => b.people.length > 0 || b.respondent !== undefined || b.subject !== undefined, {
          message: 'give people, a respondent or a subject',
          path: ['subject'],
        })
        .meta({ id: 'MatterSuggestionQuery' }),
      bodyExample: {
        agencyId: 'so-tnmt',
        people: [{ name: 'Nguyễn Văn A', idNumber: '001203004567' }],
        subject: 'Tranh chấp ranh giới đất thửa 123',
      },
    },
    responses: { 200: { description: 'Suggestions, best first', schema: SuggestionList } },
    handler: async ({ body, services }) => {
      // The scope put the agency in the caller's subtree (404 otherwise); its own subtree is searched.
      const found = await services.reception.suggest({
        subtree: await services.agencies.subtree(body.agencyId),
        people: body.people,
        respondent: body.respondent,
        subject: body.subject,
        limit: body.limit,
      });
      return { headers: { 'cache-control': 'no-store' }, body: { items: found.map(suggestionView) } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/matters/:id',
    operationId: 'getMatter',
    tags: ['Matters'],
    summary: 'A matter with its counts, flags and every link decision',
    auth: { roles: READERS, scope: { kind: 'reception', param: 'id', resource: 'matter' } },
    request: { params: z.object({ id: Uuid }) },
    responses: {
      200: {
        description: 'The matter',
        schema: MatterView.extend({ decisions: z.array(LinkView) }).meta({ id: 'MatterDetail' }),
      },
    },
    handler: async ({ reception: m, services }) => {
      const [v] = await services.reception.effective([m]);
      return { body: { ...matterView(v!), decisions: await services.matters.links(m.id) } };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/v1/matters/:id',
    operationId: 'updateMatter',
    tags: ['Matters'],
    summary: "Record a matter's final decision date, close or reopen it, retitle it (audited; flags re-evaluated)",
    auth: { roles: DECIDERS, scope: { kind: 'reception', param: 'id', resource: 'matter' } },
    request: {
      params: z.object({ id: Uuid }),
      body: z
        .strictObject({
          status: z.enum(MATTER_STATUSES).optional(),
          finalDecisionAt: IsoInstant.nullable().optional().meta({
            description: 'When the final decision (quyết định giải quyết cuối cùng / kết luận) was issued',
          }),
          title: Text(500).optional(),
          place: Place.nullable().optional().meta({ description: 'null clears it' }),
          sector: SectorCode.nullable().optional(),
          respondentAgencyId: AgencyId.nullable().optional(),
          respondent: Text(500).nullable().optional(),
        })
        .meta({ id: 'UpdateMatter' }),
      bodyExample: { finalDecisionAt: '2026-07-15T10:00:00+07:00' },
    },
    responses: {
      200: { description: 'The matter', schema: MatterView },
      422: {
        description: 'A place, sector or respondent agency the reference data does not know (`unknown-reference`)',
      },
    },
    handler: async ({ params, body, principal, services, requestId }) => {
      if (body.finalDecisionAt && Date.parse(body.finalDecisionAt) > Date.now() + 5 * 60_000)
        throw problems.validation([{ path: 'finalDecisionAt', message: 'must not be in the future' }]);
      const m = await services.reception.updateMatter(
        params.id,
        {
          ...body,
          ...(body.finalDecisionAt
            ? { finalDecisionAt: new Date(Date.parse(body.finalDecisionAt)).toISOString() }
            : {}),
        },
        principal,
        requestId,
      );
      const [v] = await services.reception.effective([m]);
      return { body: matterView(v!) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/matters/:id/links',
    operationId: 'decideMatterLink',
    tags: ['Matters'],
    summary: 'Confirm or reject that a visit or a case belongs to this matter (audited; nothing merged silently)',
    description:
      'A confirmed visit also confirms the case its letter started. A reference confirmed in another matter → 409. ' +
      'A rejected suggestion is not suggested again for that visit.',
    auth: { roles: LINKERS, scope: { kind: 'reception', param: 'id', resource: 'matter' } },
    request: {
      params: z.object({ id: Uuid }),
      body: z
        .strictObject({
          kind: z.enum(MATTER_LINK_KINDS),
          refId: Uuid,
          decision: z.enum(MATTER_LINK_DECISIONS),
          reason: Text(1000, { multiline: true }).optional(),
        })
        .meta({ id: 'DecideMatterLink' }),
      bodyExample: { kind: 'visit', refId: '0b6f3b4e-1234-4000-8000-000000000001', decision: 'confirmed' },
    },
    responses: {
      200: {
        description: 'The matter after the decision',
        schema: z.object({ linkId: z.string(), matter: MatterView }).meta({ id: 'MatterLinkDecision' }),
      },
      409: { description: 'Already linked elsewhere, or the opposite decision was recorded' },
    },
    handler: async ({ params, body, principal, services, requestId }) => {
      const r = await services.reception.decideLink(params.id, body, principal, requestId);
      const [v] = await services.reception.effective([r.matter]);
      return { body: { linkId: r.linkId, matter: matterView(v!) } };
    },
  }),
];
