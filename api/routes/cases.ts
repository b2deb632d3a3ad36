import { DateTime } from 'luxon';
import { z } from 'zod';
import { PARTY_ROLES } from '../../db/parties.js';
import { caseReference as referenceOf } from '../../db/cases.js';
import { CHANNELS } from '../../processes/builtin/index.js';
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
import {
  AgencyId,
  CaseId,
  Cursor,
  encodeCursor,
  IDEMPOTENCY_KEY,
  IdNumber,
  IsoInstant,
  PhoneNumber,
} from '../schemas.js';

/** A party as given at intake; stored encrypted before the workflow starts (only references reach Temporal). */
export const PartyInput = z
  .strictObject({
    role: z.enum(PARTY_ROLES),
    name: z.string().trim().min(1).max(200),
    idNumber: IdNumber.optional(),
    phone: PhoneNumber.optional(),
    address: z.string().trim().min(1).max(500).optional(),
    email: z.email().max(254).optional(),
    isRepresentative: z.boolean().default(false),
  })
  .meta({ id: 'PartyInput' });

/** Metadata of a document received with the case (the file itself lives in the document store). */
export const AttachmentInput = z
  .strictObject({
    name: z.string().trim().min(1).max(255),
    mediaType: z
      .string()
      .max(100)
      .regex(/^[A-Za-z]+\/[A-Za-z0-9.+-]+$/, 'a media type such as application/pdf'),
    sizeBytes: z.number().int().min(0).max(1_000_000_000),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits')
      .optional(),
    pages: z.number().int().min(1).max(100_000).optional(),
  })
  .meta({ id: 'AttachmentInput' });

/** Where the matter arose: a province and, when known, a commune of the 2025 administrative units. */
export const Place = z
  .strictObject({
    provinceCode: z.string().regex(/^\d{2}$/, 'a 2-digit province code (2025 units)'),
    communeCode: z
      .string()
      .regex(/^\d{5}$/, 'a 5-digit commune code (2025 units)')
      .optional(),
  })
  .meta({
    id: 'Place',
    description: 'Province and commune/ward codes of the 2025 administrative units (General Statistics Office)',
  });

/** A sector of the configurable list (`land`, `compensation_site_clearance`, `environment`, …). */
export const SectorCode = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, 'a sector code such as land')
  .meta({ description: 'Sector code of the configurable list (e.g. `land`, `environment`, `corruption`)' });

const ISO_INSTANT_PARTS =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;
/**
 * `IsoInstant`'s check (api/schemas.ts: the pattern and luxon's validity) without luxon for the strings a
 * client sends (ADR 0011, follow-up 2): a match whose fields are all in range (month, the day in that month
 * of the Gregorian calendar, hour ≤ 23, minute and second ≤ 59, offset ≤ 15:59) is valid for luxon too;
 * anything else (hour 24, year before 1900, an odd offset) goes to luxon. Checked equal over random strings
 * (test/unit/case-start-fast.test.ts).
 */
export function isIsoInstant(s: string): boolean {
  const m = ISO_INSTANT_PARTS.exec(s);
  if (m) {
    const y = +m[1]!,
      mo = +m[2]!,
      d = +m[3]!;
    const days =
      mo === 2
        ? (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
          ? 29
          : 28
        : mo === 4 || mo === 6 || mo === 9 || mo === 11
          ? 30
          : 31;
    if (
      y >= 1900 &&
      mo >= 1 &&
      mo <= 12 &&
      d >= 1 &&
      d <= days &&
      +m[4]! <= 23 &&
      +m[5]! <= 59 &&
      (m[6] === undefined || +m[6] <= 59) &&
      (m[7] === undefined || (+m[7] <= 15 && +m[8]! <= 59))
    )
      return true;
  }
  return IsoInstant.safeParse(s).success;
}
/** `IsoInstant` for `receivedAt`: the same strings, message and schema (max 40, date-time). */
const ReceivedAt = z
  .string()
  .max(40)
  .refine(isIsoInstant, {
    message:
      'must be an ISO-8601 date-time with an offset (at most ±15:59, year 1900 or later), e.g. 2026-07-01T09:30:00+07:00',
  })
  .meta({ format: 'date-time', example: '2026-07-01T09:30:00+07:00' });

/** Request body of `POST /v1/cases` (grows with the lifecycles). */
export const CreateCaseBody = z
  .strictObject({
    type: z.enum(['letter', 'complaint_first', 'complaint_second', 'denunciation', 'petition']),
    // One list: every channel the built-in definitions take (processes/builtin/letter.ts CHANNELS).
    channel: z.enum(CHANNELS).meta({ description: 'How the case arrived (the `channel` values the definitions use)' }),
    receivedAt: ReceivedAt,
    agencyId: AgencyId,
    subject: z.string().trim().min(1).max(500),
    remoteArea: z.boolean().default(false),
    parties: z.array(PartyInput).max(50).default([]),
    respondent: z.string().trim().min(1).max(500).optional().meta({
      description:
        'The decision, act, agency or official complained about / denounced (a description; people go in `parties`)',
    }),
    respondentAgencyId: AgencyId.optional().meta({
      description:
        'The respondent as an agency of the directory (issue 15.4); the hotspot detector clusters on it, else on `respondent` normalised',
    }),
    place: Place.optional(),
    sector: SectorCode.optional(),
    contentSummary: z
      .string()
      .trim()
      .min(1)
      .max(4000)
      .optional()
      .meta({ description: 'Summary of the content (no personal data of a denouncer)' }),
    attachments: z.array(AttachmentInput).max(100).default([]),
    signersCount: z.number().int().min(1).max(100_000).optional().meta({
      description:
        'Number of people who signed (mass cases: 5 or more); representatives are the parties with isRepresentative',
    }),
    concernsCongressPersonnel: z.boolean().optional().meta({
      description:
        'The letter concerns congress personnel (ADR 0035): with a special period active for the agency on the ' +
        "receipt day, the case is recorded with it, routed to the period's designated agency and given its " +
        'internal target',
    }),
  })
  .meta({ id: 'CreateCase' });
export type CreateCaseBody = z.infer<typeof CreateCaseBody>;

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
  const key = req.get('Idempotency-Key');
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
    throw problems.badRequest('Idempotency-Key must be 1-255 visible ASCII characters');
  }
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
