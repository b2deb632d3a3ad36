/**
 * The definition registry over HTTP: list and read registered versions, register a new version
 * (JSON, or BPMN 2.0 XML import), export a version as BPMN 2.0 XML with its diagram.
 */
import { z } from 'zod';
import {
  DefinitionKeyOwned,
  DefinitionVersionExists,
  InvalidDefinition,
  type DefinitionRecord,
} from '../../db/definitions.js';
import { toBpmnXml } from '../../processes/bpmn/index.js';
import { importBpmnOffThread } from '../bpmn-import.js';
import { MAX_BPMN_BYTES, MAX_BPMN_DEPTH, MAX_BPMN_ELEMENTS } from '../../processes/bpmn/bounds.js';
import { BUILT_IN_CASE_TYPES, validateDefinition, type ValidationError } from '../../workflows/engine/index.js';
import { actorOf, SYSTEM_ROLES, type Principal } from '../auth/principal.js';
import { requestHash } from '../idempotency.js';
import { HttpProblem, problems } from '../problem.js';
import { defineRoute, type RouteSpec } from '../routing/define-route.js';
import type { Services } from '../routing/services.js';
import { AgencyId, IDEMPOTENCY_KEY } from '../schemas.js';

/** Content types read as BPMN 2.0 XML by `POST /v1/definitions`. */
export const TEXT_IMPORT_TYPES = ['application/xml', 'text/xml', 'application/bpmn+xml'];

const READERS = ['intake', 'officer', 'supervisor', 'auditor', 'admin', 'system_admin'] as const;

/**
 * The owners whose definitions a caller may read (ADR 0013): system level (always), its own agency's
 * subtree, and its ancestors (whose definitions its cases may run under).
 */
async function visibleOwners(
  principal: Principal,
  subtree: readonly string[],
  services: Services,
): Promise<string[] | undefined> {
  if (principal.roles.some((r) => (SYSTEM_ROLES as readonly string[]).includes(r))) return undefined; // the system level sees every version
  return [...new Set([...subtree, ...(await services.agencies.ancestors(principal.agencyId))])];
}
const READ_SCOPE_NOTE =
  "Lists system-level versions and those governed by the caller's agency, its subtree or its ancestors (ADR 0013); others answer 404. A system_admin sees every version.";

const DefinitionKey = z
  .string()
  .max(100)
  .regex(/^[a-z][a-z0-9_-]*$/)
  .meta({ description: 'Definition key', example: 'complaint-first' });
const Version = z.coerce.number().int().min(1).max(1_000_000).meta({ description: 'Version number (≥ 1)', example: 2 });
const Params = z.object({ key: DefinitionKey, version: Version });
const Cursor = z
  .string()
  .max(120)
  .regex(/^[a-z][a-z0-9_-]*@\d{1,7}$/)
  .meta({ description: 'Cursor: `key@version` of the last item seen' });

function cursor(after: string | undefined): { after?: { key: string; version: number } } {
  if (!after) return {};
  const at = after.lastIndexOf('@');
  return { after: { key: after.slice(0, at), version: Number(after.slice(at + 1)) } };
}

/** 422 naming each element and its problem (validation or BPMN import). */
export function invalidDefinitionProblem(errors: readonly ValidationError[]): HttpProblem {
  return new HttpProblem(
    422,
    'invalid-definition',
    'The process definition is not valid',
    errors
      .slice(0, 20)
      .map((e) => e.message)
      .join('; '),
    {
      errors: errors.map((e) => ({
        path: e.path,
        message: e.message,
        ...(e.elementId ? { elementId: e.elementId } : {}),
      })),
    },
  );
}

const DefinitionSummary = z
  .object({
    key: z.string(),
    version: z.number().int(),
    name: z.string(),
    caseType: z.string(),
    effectiveFrom: z.string().meta({ description: 'First day (inclusive, Vietnam date)' }),
    effectiveTo: z.string().nullable().meta({ description: 'First day no longer used (exclusive); null = open-ended' }),
    hash: z.string().meta({ description: 'Content hash pinned by every case of this version' }),
    pin: z.string().meta({ description: '`key@version+sha256:…` as written to each case history' }),
    registeredAt: z.string(),
    registeredBy: z.string(),
    ownerAgencyId: z.string().nullable().meta({
      description:
        "The agency governing this version: it applies to cases of that agency's subtree only; null = system level (applies everywhere)",
    }),
    links: z.object({ self: z.string(), bpmn: z.string() }),
  })
  .meta({ id: 'DefinitionSummary' });
const DefinitionView = DefinitionSummary.extend({
  content: z.record(z.string(), z.unknown()).meta({ description: 'The normalised definition' }),
}).meta({ id: 'Definition' });

const DefinitionPage = z
  .object({ items: z.array(DefinitionSummary), next: z.string().nullable() })
  .meta({ id: 'DefinitionPage' });

function page(rows: DefinitionRecord[], limit: number, path: string, filters: Record<string, string>) {
  const last = rows[rows.length - 1];
  const next =
    rows.length === limit && last
      ? `${path}?${new URLSearchParams({ ...filters, limit: String(limit), after: `${last.key}@${last.version}` }).toString()}`
      : null;
  return { items: rows.map(summary), next };
}

function summary(r: DefinitionRecord) {
  const self = `/v1/definitions/${r.key}/versions/${r.version}`;
  return {
    key: r.key,
    version: r.version,
    name: r.name,
    caseType: r.caseType,
    effectiveFrom: r.effectiveFrom,
    effectiveTo: r.effectiveTo,
    hash: r.hash,
    pin: `${r.key}@${r.version}+${r.hash}`,
    registeredAt: r.registeredAt,
    registeredBy: r.registeredBy,
    ownerAgencyId: r.ownerAgencyId,
    links: { self, bpmn: `${self}/bpmn` },
  };
}

/** Body of `POST /v1/definitions` (JSON). Elements are checked by validateDefinition (422 naming them). */
export const RegisterDefinitionBody = z
  .strictObject({
    key: z.string().max(100),
    version: z.number().int(),
    name: z.string().max(500),
    caseType: z.string().max(100),
    effectiveFrom: z.string().max(10),
    effectiveTo: z.string().max(10).optional(),
    legalBasis: z.string().max(2000).optional(),
    variables: z.record(z.string(), z.unknown()).optional(),
    nodes: z.array(z.record(z.string(), z.unknown())).max(2000),
    flows: z.array(z.record(z.string(), z.unknown())).max(5000),
  })
  .meta({ id: 'RegisterDefinition' });

const example = {
  key: 'agency-feedback',
  version: 1,
  name: 'Phản ánh — quy trình của Sở',
  caseType: 'agency_feedback',
  effectiveFrom: '2026-07-01',
  nodes: [
    { type: 'startEvent', id: 'start' },
    {
      type: 'userTask',
      id: 'answer',
      name: 'Trả lời phản ánh',
      candidateRoles: ['resolver'],
      agencyScope: 'resolving',
      form: { fields: [{ name: 'answer', type: 'string', required: true }] },
    },
    { type: 'endEvent', id: 'end', outcome: 'answered' },
  ],
  flows: [
    { id: 'f1', source: 'start', target: 'answer' },
    { id: 'f2', source: 'answer', target: 'end' },
  ],
};

const DefinitionHeatmap = z
  .object({
    key: z.string(),
    version: z.number().int(),
    openCases: z.number().int().meta({ description: 'Open cases pinned to the version, in the agencies counted' }),
    nodes: z.array(
      z.object({
        nodeId: z.string(),
        waiting: z.number().int().meta({ description: 'Open cases waiting at this step now' }),
        overdue: z.number().int().meta({ description: 'Of those waiting, overdue' }),
        atRisk: z.number().int().meta({ description: 'Of those waiting, at risk (a warning rung fired)' }),
        breached: z.number().int().meta({ description: 'Open cases that recorded a breach of a limit at this step' }),
      }),
    ),
  })
  .meta({ id: 'DefinitionHeatmap' });

export const definitionRoutes: RouteSpec[] = [
  defineRoute({
    method: 'get',
    path: '/v1/definitions',
    operationId: 'listDefinitions',
    tags: ['Definitions'],
    summary: 'Registered process-definition versions (built-in and agency-registered)',
    description: READ_SCOPE_NOTE,
    auth: { roles: READERS, scope: { kind: 'none' } },
    request: {
      query: z.strictObject({
        caseType: z
          .enum(BUILT_IN_CASE_TYPES)
          .optional()
          .meta({ description: 'Only versions of this built-in case type' }),
        after: Cursor.optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
    },
    responses: {
      200: {
        description: 'Versions ordered by key, then version; `next` is the URL of the following page',
        schema: DefinitionPage,
      },
    },
    handler: async ({ query, principal, subtree, services }) => {
      const visibleTo = await visibleOwners(principal, subtree, services);
      const rows = await services.definitions.list({
        ...(query.caseType ? { caseType: query.caseType } : {}),
        ...cursor(query.after),
        limit: query.limit,
        ...(visibleTo ? { visibleTo } : {}),
      });
      return { body: page(rows, query.limit, '/v1/definitions', query.caseType ? { caseType: query.caseType } : {}) };
    },
  }),

  defineRoute({
    method: 'get',
    path: '/v1/definitions/:key/versions',
    operationId: 'listDefinitionVersions',
    tags: ['Definitions'],
    summary: 'Every registered version of one definition key',
    description: READ_SCOPE_NOTE,
    auth: { roles: READERS, scope: { kind: 'none' } },
    request: {
      params: z.object({ key: DefinitionKey }),
      query: z.strictObject({ after: Cursor.optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
    },
    responses: {
      200: { description: 'Versions in order', schema: DefinitionPage },
      404: { description: 'No version of this key' },
    },
    handler: async ({ params, query, principal, subtree, services }) => {
      const visibleTo = await visibleOwners(principal, subtree, services);
      const rows = await services.definitions.list({
        key: params.key,
        ...cursor(query.after),
        limit: query.limit,
        ...(visibleTo ? { visibleTo } : {}),
      });
      if (rows.length === 0 && !query.after) throw problems.notFound(`Definition ${params.key}`);
      return { body: page(rows, query.limit, `/v1/definitions/${params.key}/versions`, {}) };
    },
  }),

  defineRoute({
    method: 'get',
    path: '/v1/definitions/:key/versions/:version',
    operationId: 'getDefinition',
    tags: ['Definitions'],
    summary: 'One registered definition version, with its content',
    description: READ_SCOPE_NOTE,
    auth: { roles: READERS, scope: { kind: 'none' } },
    request: { params: Params },
    responses: {
      200: { description: 'The definition', schema: DefinitionView },
      404: { description: 'No such version' },
    },
    handler: async ({ params, principal, subtree, services }) => {
      const r = await services.definitions.get(
        params.key,
        params.version,
        await visibleOwners(principal, subtree, services),
      );
      if (!r) throw problems.notFound(`Definition ${params.key} version ${params.version}`);
      return { body: { ...summary(r), content: r.content } };
    },
  }),

  defineRoute({
    method: 'get',
    path: '/v1/definitions/:key/versions/:version/heatmap',
    operationId: 'getDefinitionHeatmap',
    tags: ['Definitions'],
    summary: 'Open cases of a definition version per step: waiting, overdue, at risk, breached (the diagram heatmap)',
    description:
      "Counts over the read model of the open cases pinned to this version in the caller's agency subtree (or `agencyId`'s, " +
      'within it). A step is counted where a case waits now (`waiting`, with `overdue` and `atRisk` of those) and where an ' +
      'open case recorded a breach of a limit (`breached`). ' +
      READ_SCOPE_NOTE,
    auth: { roles: ['officer', 'supervisor', 'auditor', 'admin'], scope: { kind: 'subtree' } },
    request: {
      params: Params,
      query: z.strictObject({
        agencyId: AgencyId.optional().meta({ description: "Narrow to this agency's subtree (within the caller's)" }),
      }),
    },
    responses: {
      200: { description: 'Counts per step', schema: DefinitionHeatmap },
      404: { description: 'No such version, or an agency outside the caller subtree' },
    },
    handler: async ({ params, query, principal, subtree, services }) => {
      const r = await services.definitions.get(
        params.key,
        params.version,
        await visibleOwners(principal, subtree, services),
      );
      if (!r) throw problems.notFound(`Definition ${params.key} version ${params.version}`);
      let agencies: readonly string[] = subtree;
      if (query.agencyId) {
        if (!subtree.includes(query.agencyId)) throw problems.notFound(`Agency ${query.agencyId}`);
        agencies = await services.agencies.subtree(query.agencyId);
      }
      const counts = await services.heatmap.counts(r.key, r.version, agencies);
      return { body: { key: r.key, version: r.version, ...counts } };
    },
  }),

  defineRoute({
    method: 'get',
    path: '/v1/definitions/:key/versions/:version/bpmn',
    operationId: 'exportDefinitionBpmn',
    tags: ['Definitions'],
    summary: 'Export a definition version as BPMN 2.0 XML (with diagram; opens in bpmn.io / Camunda Modeler)',
    description: READ_SCOPE_NOTE,
    auth: { roles: READERS, scope: { kind: 'none' } },
    request: { params: Params },
    responses: {
      200: { description: 'BPMN 2.0 XML', schema: z.string(), contentType: 'application/xml' },
      404: { description: 'No such version' },
    },
    handler: async ({ params, principal, subtree, services, res }) => {
      const r = await services.definitions.get(
        params.key,
        params.version,
        await visibleOwners(principal, subtree, services),
      );
      if (!r) throw problems.notFound(`Definition ${params.key} version ${params.version}`);
      const xml = await toBpmnXml(r.content);
      res
        .status(200)
        .type('application/xml')
        .set('Content-Disposition', `inline; filename="${r.key}-v${r.version}.bpmn"`)
        .send(xml);
    },
  }),

  defineRoute({
    method: 'post',
    path: '/v1/definitions',
    operationId: 'registerDefinition',
    tags: ['Definitions'],
    summary: 'Register a new definition version (JSON, or BPMN 2.0 XML import)',
    description:
      'A version is immutable once registered: the same key+version with identical content answers 200 (nothing changes); ' +
      'with different content 409. Invalid definitions answer 422 with `errors` naming each element. Running cases keep the version they pinned. ' +
      "The version applies to new cases of the governing agency's subtree only (`owner`: default the caller's agency; an agency of its subtree; " +
      '`system` = everywhere, system_admin only; ADR 0013). Every version of a key has the same governing agency (409 `definition-key-owned` otherwise).',
    auth: {
      roles: ['admin', 'system_admin'],
      scope: { kind: 'governing-agency', param: 'owner', systemRoles: SYSTEM_ROLES },
    },
    idempotencyKey: true,
    request: {
      query: z.strictObject({
        owner: z
          .union([z.literal('system'), AgencyId])
          .optional()
          .meta({
            description:
              "The agency governing the new version (its subtree runs it): default the caller's own; `system` for the system level (system_admin only)",
          }),
      }),
      body: RegisterDefinitionBody,
      bodyExample: example,
      textImport: {
        contentTypes: TEXT_IMPORT_TYPES,
        description:
          'JSON definition, or BPMN 2.0 XML (Content-Type: application/xml) in the subset GET …/bpmn exports (kntc extension elements for version, case type, clocks, forms). ' +
          `A document over ${MAX_BPMN_BYTES} bytes is refused with 413, one with more than ${MAX_BPMN_ELEMENTS} XML elements or nested more than ${MAX_BPMN_DEPTH} deep with 422, before it is parsed; it is parsed off the event loop.`,
        async convert(xml) {
          // Bounded (413 / 422 at once), then parsed in a worker thread: one import never stalls the server (issue 11.5).
          const r = await importBpmnOffThread(xml);
          if (!r.ok) throw invalidDefinitionProblem(r.errors);
          return r.definition;
        },
      },
    },
    responses: {
      201: { description: 'Registered', schema: DefinitionView },
      200: { description: 'This exact version was already registered (no change)', schema: DefinitionView },
      409: { description: 'This key and version exist with different content' },
      422: { description: 'Invalid definition (errors name the elements)' },
    },
    handler: async ({ req, body, principal, governingAgency, services, requestId }) => {
      const owner = governingAgency ?? null;
      const idemKey = req.get('Idempotency-Key');
      if (idemKey !== undefined && !IDEMPOTENCY_KEY.test(idemKey))
        throw problems.badRequest('Idempotency-Key must be 1-255 visible ASCII characters');
      // Invalid definitions store nothing, not even the idempotency key.
      const valid = validateDefinition(body);
      if (!valid.ok) throw invalidDefinitionProblem(valid.errors);
      const scope = `POST /v1/definitions ${principal.type}:${principal.id}`;
      if (idemKey) {
        const r0 = await services.idempotency.reserve(
          scope,
          idemKey,
          requestHash('POST', '/v1/definitions', owner === principal.agencyId ? body : { body, owner }),
          `${valid.definition.key}@${valid.definition.version}`,
        );
        if (!r0.fresh && r0.response)
          return {
            status: r0.response.status,
            body: r0.response.body,
            headers: { 'Idempotent-Replayed': 'true' } as Record<string, string>,
          };
      }
      try {
        const { record, created } = await services.definitions.register(
          valid.definition,
          `${principal.type}:${principal.id}`,
          { ownerAgencyId: owner },
        );
        if (record.ownerAgencyId !== owner) throw new DefinitionKeyOwned(record.key, record.ownerAgencyId);
        if (created) {
          await services.audit.append({
            actor: actorOf(principal),
            action: 'definition.registered',
            requestId,
            after: {
              key: record.key,
              version: record.version,
              hash: record.hash,
              caseType: record.caseType,
              effectiveFrom: record.effectiveFrom,
              effectiveTo: record.effectiveTo,
              ownerAgencyId: record.ownerAgencyId,
            },
          });
        }
        const reply = { status: created ? 201 : 200, body: { ...summary(record), content: record.content } };
        if (idemKey) await services.idempotency.complete(scope, idemKey, reply);
        return { ...reply, headers: { Location: reply.body.links.self } as Record<string, string> };
      } catch (e) {
        if (e instanceof InvalidDefinition) throw invalidDefinitionProblem(e.errors);
        if (e instanceof DefinitionVersionExists)
          throw new HttpProblem(409, 'definition-version-exists', 'Definition version exists', e.message);
        // Who governs the key is not named: it may be an agency outside the caller's subtree.
        if (e instanceof DefinitionKeyOwned) {
          throw new HttpProblem(
            409,
            'definition-key-owned',
            'The definition key is governed by another agency',
            `Versions of ${e.key} are registered by the agency (or the system level) that governs the key; choose another key`,
          );
        }
        throw e;
      }
    },
  }),
];
