import { DateTime } from 'luxon';
import { z } from 'zod';
import { PARTY_ROLES } from '../../db/parties.js';
import { caseReference as referenceOf } from '../../db/cases.js';
import type { CaseType } from '../../workflows/contract.js';
import { buildCaseView, CaseDetailView, FlagsView } from '../case-view.js';
import { inVietnam, VN_FIXED_SINCE, vnDate } from '../../workflows/clock/vn-time.js';
import { queryCaseState } from '../workflow-errors.js';
import { withVnInstants } from '../instants.js';
import { actorOf } from '../auth/principal.js';
import { HttpProblem, problems } from '../problem.js';
import { defineRoute, type AuthRule, type HandlerContext, type RouteSpec } from '../routing/define-route.js';
import { CaseFilterQuery } from '../../db/case-filter.js';
import { resolveCaseFilter } from '../services/case-filter.js';
import { CaseId, Cursor, encodeCursor, StageLabel } from '../schemas.js';
import { stageLabel } from '../../processes/builtin/labels-vi.js';
import { checkIdempotencyKey } from '../routing/idempotent.js';

export { AttachmentInput, CreateCaseBody, isIsoInstant, PartyInput, Place, SectorCode } from '../case-body.js';
import { CreateCaseBody } from '../case-body.js';

const CreatedCase = z
  .object({
    id: CaseId,
    reference: z.string(),
    workflowId: z.string(),
    runId: z.string(),
    status: z.string(),
    stage: z.string(),
    pin: z.string().meta({
      description:
        'Citizen PIN for the public status look-up; print it on the receipt notice. Given again (audited) by GET /v1/cases/:id/receipt, to intake, officers and admins of the agency of the case only.',
    }),
    parties: z.array(z.object({ id: z.string(), role: z.enum(PARTY_ROLES) })),
    definition: z.object({ key: z.string(), version: z.number().int(), hash: z.string(), pin: z.string() }).meta({
      description: 'The definition version pinned by the case (chosen by case type and receipt date in Vietnam)',
    }),
    links: z.object({ self: z.string() }),
  })
  .meta({ id: 'CreatedCase' });

/**
 * The receipt instant of a validated `receivedAt` (IsoInstant): epoch ms, the receipt date in Vietnam and the
 * UTC ISO form. `Date.parse` gives luxon's instant for every such string it parses (checked over random
 * strings of the IsoInstant pattern, fractions and hour 24 included); a string it refuses (an offset such
 * as +19:61, which luxon accepts) or an instant before the fixed offset applies goes through luxon.
 */
export function receiptInstant(receivedAt: string): { ms: number; on: string; utc: string } {
  const ms = Date.parse(receivedAt);
  if (!Number.isNaN(ms) && ms >= VN_FIXED_SINCE) {
    return { ms, on: vnDate(ms), utc: new Date(ms).toISOString() };
  }
  const t = DateTime.fromISO(receivedAt, { setZone: true });
  return { ms: t.toMillis(), on: inVietnam(t).toISODate()!, utc: t.toUTC().toISO()! };
}

/** Human reference printed on receipts (db/cases.ts: linked cases get theirs the same way). */
export const caseReference: (id: string, type: CaseType, receivedAt: string, digits?: number) => string = referenceOf;

const example = {
  type: 'denunciation',
  channel: 'portal',
  receivedAt: '2026-07-01T09:30:00+07:00',
  agencyId: 'so-tnmt',
  subject: 'Tố cáo hành vi cấp giấy chứng nhận sai quy định',
  parties: [{ role: 'denouncer', name: 'Nguyễn Văn A', idNumber: '001203004567', phone: '0912345678' }],
};

const STAFF = ['intake', 'officer', 'supervisor', 'admin'] as const;

/** Query of `GET /v1/cases`: the shared case filter (db/case-filter.ts) with sort, cursor, page size and total. */
export const CaseListQuery = CaseFilterQuery.extend({
  sort: z.enum(['receivedAt', '-receivedAt', 'nextDueAt', '-nextDueAt']).default('-receivedAt'),
  after: Cursor.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  total: z
    .enum(['true', 'false'])
    .optional()
    .meta({ description: '`true`: the response carries `total`, the number of cases matching the filters' }),
});

const CaseReceipt = z
  .object({
    caseId: CaseId,
    reference: z.string(),
    pin: z.string().regex(/^\d{8}$/),
    publicLookup: z.string().meta({ description: 'The public status look-up for this reference and PIN' }),
  })
  .meta({ id: 'CaseReceipt' });

const CaseSummary = z
  .object({
    id: z.string(),
    reference: z.string(),
    caseType: z.string(),
    channel: z.string(),
    agencyId: z.string(),
    subject: z.string(),
    receivedAt: z.string(),
    stage: z.string(),
    stageLabel: StageLabel,
    status: z.string(),
    nextDueAt: z.string().nullable(),
    flags: FlagsView,
    link: z.string(),
  })
  .meta({ id: 'CaseSummary' });
const CaseList = z
  .object({
    items: z.array(CaseSummary),
    next: z.string().nullable(),
    total: z.number().int().optional().meta({ description: 'With `total=true`: every case matching the filters' }),
  })
  .meta({ id: 'CaseList' });

/**
 * `POST /v1/cases`: checks what the schema cannot (the Idempotency-Key's form, a receipt not in the
 * future), then lets the case-start service (api/services/case-start.ts) store and start the case.
 */
const CREATE_CASE_AUTH = {
  roles: STAFF,
  scope: { kind: 'body-agency', field: 'agencyId' },
} as const satisfies AuthRule;
type CaseStartContext = HandlerContext<undefined, undefined, typeof CreateCaseBody, typeof CREATE_CASE_AUTH>;

async function createCase({ req, res, body, principal, services, requestId }: CaseStartContext): Promise<void> {
  const key = checkIdempotencyKey(req.get('Idempotency-Key'));
  const received = receiptInstant(body.receivedAt);
  if (received.ms > Date.now() + 5 * 60_000) {
    throw problems.validation([{ path: 'receivedAt', message: 'must not be in the future' }]);
  }
  const started = await services.caseStart.start({ body, received, principal, key, requestId, log: req.log });
  // ADR 0035: flagged at intake (idempotent: a replay finds the flag already recorded).
  const startedId = (started.body as { id?: unknown }).id;
  if (body.concernsCongressPersonnel === true && typeof startedId === 'string') {
    const c = await services.cases.get(startedId);
    const intake = { reason: 'flagged at intake', source: 'intake' as const };
    if (c) await services.receptionPeriods.flagCase(c, intake, { principal, requestId });
  }
  if (started.replayed) {
    res.status(started.status).set('Idempotent-Replayed', 'true').json(withVnInstants(started.body));
    return;
  }
  const { id } = started.body;
  // res.json's bytes, without Express's ETag (a hash of the body; no conditional request applies to a 201).
  res.status(201).location(`/v1/cases/${id}`).setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(withVnInstants(started.body)));
}

export const caseRoutes: RouteSpec[] = [
  defineRoute({
    method: 'post',
    path: '/v1/cases',
    operationId: 'createCase',
    tags: ['Cases'],
    summary: 'Receive a case (complaint, denunciation, petition or letter) and start its workflow',
    description:
      'Parties are stored encrypted before the workflow starts; the workflow carries references only. The response carries the citizen PIN once.',
    auth: CREATE_CASE_AUTH,
    idempotencyKey: true,
    request: { body: CreateCaseBody, bodyExample: example },
    responses: { 201: { description: 'Case received; its workflow is running', schema: CreatedCase } },
    handler: createCase,
  }),

  defineRoute({
    method: 'get',
    path: '/v1/cases',
    operationId: 'listCases',
    tags: ['Cases'],
    summary: "Search cases of the caller's agency subtree (filters, sort, cursor pagination)",
    description:
      'Answers from the read model (see README "Read model & consistency"). Boolean filters take `true` (only cases with the flag) or `false` (only without).',
    auth: { roles: ['intake', 'officer', 'supervisor', 'auditor', 'admin'], scope: { kind: 'subtree' } },
    request: { query: CaseListQuery, queryExample: { overdue: 'true', sort: 'nextDueAt' } },
    responses: { 200: { description: 'A page of cases; `next` is the URL of the following page', schema: CaseList } },
    handler: async ({ query, subtree, services }) => {
      const filter = await resolveCaseFilter(query, subtree, services.agencies);
      const [rows, total] = await Promise.all([
        services.caseSearch.search({
          ...filter,
          sort: query.sort,
          ...(query.after ? { after: query.after } : {}),
          limit: query.limit,
        }),
        query.total === 'true' ? services.caseFigures.count(filter) : undefined,
      ]);
      const last = rows[rows.length - 1];
      const rest = new URLSearchParams(
        Object.entries(query).flatMap(([k, v]): Array<[string, string]> =>
          v === undefined || k === 'after' ? [] : [[k, String(v)]],
        ),
      );
      return {
        body: {
          items: rows.map((r) => ({
            id: r.id,
            reference: r.reference,
            caseType: r.caseType,
            channel: r.channel,
            agencyId: r.agencyId,
            subject: r.subject,
            receivedAt: r.receivedAt,
            stage: r.stage,
            stageLabel: stageLabel(r.stage),
            status: r.status,
            nextDueAt: r.nextDueAt,
            flags: r.flags,
            link: `/v1/cases/${r.id}`,
          })),
          next:
            rows.length === query.limit && last
              ? `/v1/cases?${rest.toString()}&after=${encodeCursor({ k: last.sortKey, id: last.id })}`
              : null,
          ...(total === undefined ? {} : { total }),
        },
      };
    },
  }),

  defineRoute({
    method: 'get',
    path: '/v1/cases/:id',
    operationId: 'getCase',
    tags: ['Cases'],
    summary: 'Get a case: stage, status, flags, open tasks, clocks with derivations, linked cases, documents',
    description:
      'By default answers from the read model, which is projected after each workflow step (it may lag the workflow by that step). ' +
      "`consistent=true` answers from the workflow itself (its `getCaseState` query). A linked case (started by another case's workflow, e.g. " +
      'the complaint a letter was accepted as) is a case like any other: `parentCaseId`/`parent` name the case that started it, whose ' +
      "`linkedCases` list it. Besides the case's agency subtree, an agency to whose subtree one of its tasks (open or completed) is routed " +
      '(a superior, the inspectorate) may read the case here — this route only.',
    // Also readable (only this route) by the agencies a task of the case is routed to (ADR 0012).
    auth: {
      roles: ['intake', 'officer', 'supervisor', 'auditor', 'admin'],
      scope: { kind: 'case', param: 'id', routedTaskReaders: true },
    },
    request: {
      params: z.object({ id: CaseId }),
      query: z.strictObject({
        consistent: z
          .enum(['true', 'false'])
          .optional()
          .meta({ description: '`true`: ask the workflow (live, slower)' }),
      }),
    },
    responses: {
      200: { description: 'The case', schema: CaseDetailView },
      409: { description: 'consistent=true on a case whose workflow cannot answer (not an interpreter case)' },
    },
    handler: async ({ case: c, query, services }) => {
      if (query.consistent === 'true') {
        const [extras, live] = await Promise.all([
          services.caseDetails.extras(c.id),
          queryCaseState(services.deps.temporal, c.workflowId),
        ]);
        const internalClocks = await services.receptionPeriods.internalClocks(c.id, live.status === 'running');
        const body = buildCaseView(c, live, { ...extras, seq: c.projectionSeq, asOf: null, source: 'workflow' });
        return { body: internalClocks.length > 0 ? { ...body, internalClocks } : body };
      }
      const [extras, projected, internalClocks] = await Promise.all([
        services.caseDetails.extras(c.id),
        services.caseSearch.detail(c.id),
        services.receptionPeriods.internalClocks(c.id, c.status === 'open'),
      ]);
      const view = buildCaseView(c, projected.state, {
        ...extras,
        stored: projected.flags,
        seq: projected.seq ?? c.projectionSeq,
        asOf: projected.projectedAt ?? c.updatedAt,
        source: 'read-model',
      });
      // ADR 0035: internal (non-statutory) targets next to the statutory clocks, only when the case has some.
      return { body: internalClocks.length > 0 ? { ...view, internalClocks } : view };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/cases/:id/receipt',
    operationId: 'getCaseReceipt',
    tags: ['Cases'],
    summary: 'Reference and citizen PIN of a case, to print (again) on its receipt or acceptance notice',
    description:
      'The PIN is what a citizen gives, with the reference, to the public status look-up. `POST /v1/cases` returns it once; ' +
      'a linked case (the complaint a letter was accepted as, ADR 0012) gets its PIN from the projection that creates it, and this ' +
      "route is how the officer who sends its acceptance notice (KN 2011 Art 27; TC 2018 Art 29(3)) learns it. Only the case's own " +
      'agency subtree may ask (not agencies a task is routed to); every answer is written to the audit log and is not cached. A case with no PIN stored yet (a linked case projected by a worker without ' +
      'the PII keyring) gets its PIN here, derived as POST derives it, and stored.',
    auth: { roles: ['intake', 'officer', 'admin'], scope: { kind: 'case', param: 'id' } },
    request: { params: z.object({ id: CaseId }) },
    responses: {
      200: { description: 'Reference and PIN', schema: CaseReceipt },
      409: {
        description:
          'The PIN cannot be given back (stored before PIN keys were configured, or under a key no longer configured)',
      },
    },
    handler: async ({ case: c, principal, services, requestId }) => {
      const pin = await services.pins.issued(c.reference, c.id);
      if (!pin) {
        throw new HttpProblem(
          409,
          'pin-not-recoverable',
          'The PIN of this case cannot be given back',
          `Case ${c.reference} has a PIN stored in a form that cannot be derived again (a legacy hash, or a key no longer configured)`,
        );
      }
      // Written before the PIN leaves: who learnt a citizen's PIN is on record.
      await services.audit.append({
        actor: actorOf(principal),
        action: 'case.pin_read',
        caseId: c.id,
        requestId,
        after: { reference: c.reference },
      });
      return {
        headers: { 'cache-control': 'no-store' },
        body: { caseId: c.id, reference: c.reference, pin, publicLookup: `/v1/public/cases/${c.reference}?pin=${pin}` },
      };
    },
  }),
];
