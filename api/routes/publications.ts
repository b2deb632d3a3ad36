/**
 * Published complaint decisions and denunciation conclusions (issue 17 item 8, ADR 0043). Officers of the
 * deciding agency (or above it) preview the redacted text, publish exactly what they reviewed, and withdraw it
 * with a reason — audited; anyone reads what is in force, without logging in, by agency, type and year.
 * Public answers carry the redacted text, the decision's number and dates and the agency: never a case id,
 * reference, subject or party.
 */
import { z } from 'zod';
import type { PublishedDecision } from '../../db/published-decisions.js';
import { problems } from '../problem.js';
import { idempotent } from '../routing/idempotent.js';
import { defineRoute, type RouteSpec } from '../routing/define-route.js';
import type { Services } from '../routing/services.js';
import { AgencyId, CaseId, Cursor, encodeCursor, Text } from '../schemas.js';

const PUBLISHERS = ['officer', 'supervisor', 'admin'] as const;
const READERS = ['officer', 'supervisor', 'auditor', 'admin'] as const;

const PublicationId = z.string().regex(/^pdc_[0-9a-f]{16}$/, 'a publication id');
const Kind = z.enum(['complaint_decision', 'denunciation_conclusion']);
const DocumentId = z.string().min(1).max(100);
const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 (64 hex digits) from the preview');

const Input = {
  documentId: DocumentId.optional().meta({
    description: "The case document (a decision or conclusion); default: the case's latest one",
  }),
  text: Text(100_000, { multiline: true }).meta({
    description: 'The full text as issued. Redacted by the server; never stored or logged as sent.',
  }),
  extraTerms: z
    .array(Text(200))
    .max(50)
    .optional()
    .meta({ description: 'More words to hide (e.g. a relative named in the text); not stored' }),
};

const Replacement = z
  .object({
    kind: z.enum(['name', 'address', 'id_number', 'phone', 'email', 'term']),
    label: z.string().meta({ description: 'What replaced the value (never the value itself)' }),
    count: z.number().int(),
  })
  .meta({ id: 'RedactionReplacement' });

const Preview = z
  .object({
    documentId: z.string(),
    documentType: z.string(),
    decisionNumber: z.string().nullable(),
    issuedOn: z.string(),
    kind: Kind,
    title: z.string(),
    required: z.boolean().meta({ description: 'The law requires publication (false: allowed; see legalBasis)' }),
    legalBasis: z.string(),
    minimumDays: z.number().int(),
    redactedText: z.string(),
    textSha256: z.string().meta({ description: 'Send it back as reviewedSha256 to publish this text' }),
    replacements: z.array(Replacement),
  })
  .meta({ id: 'PublicationPreview' });

const Publication = z
  .object({
    id: z.string(),
    documentId: z.string(),
    kind: Kind,
    title: z.string(),
    decisionNumber: z.string().nullable(),
    issuedOn: z.string(),
    agencyId: z.string(),
    agencyName: z.string(),
    redactedText: z.string(),
    textSha256: z.string(),
    legalBasis: z.string(),
    minimumUntil: z.string().meta({ description: 'Last day of the statutory minimum posting (15 days after posting)' }),
    status: z.enum(['published', 'withdrawn']),
    publishedAt: z.string(),
    publishedBy: z.record(z.string(), z.unknown()),
    withdrawnAt: z.string().nullable(),
    withdrawnBy: z.record(z.string(), z.unknown()).nullable(),
    withdrawnReason: z.string().nullable(),
  })
  .meta({ id: 'DecisionPublication' });

const PublicDecision = z
  .object({
    id: z.string(),
    kind: Kind,
    title: z.string(),
    decisionNumber: z.string().nullable(),
    issuedOn: z.string(),
    agencyId: z.string(),
    agencyName: z.string(),
    publishedAt: z.string(),
    minimumUntil: z.string(),
    legalBasis: z.string(),
    excerpt: z.string().meta({ description: 'The first 300 characters of the redacted text' }),
  })
  .meta({ id: 'PublicDecisionSummary' });
const PublicDecisionDetail = PublicDecision.extend({ text: z.string() }).meta({ id: 'PublicDecision' });

const staffView = (p: PublishedDecision) => ({
  id: p.id,
  documentId: p.documentId,
  kind: p.kind,
  title: p.title,
  decisionNumber: p.decisionNumber,
  issuedOn: p.issuedOn,
  agencyId: p.agencyId,
  agencyName: p.agencyName,
  redactedText: p.redactedText,
  textSha256: p.textSha256,
  legalBasis: p.legalBasis,
  minimumUntil: p.minimumUntil,
  status: p.status,
  publishedAt: p.publishedAt,
  publishedBy: p.publishedBy,
  withdrawnAt: p.withdrawnAt,
  withdrawnBy: p.withdrawnBy,
  withdrawnReason: p.withdrawnReason,
});
const publicSummary = (p: PublishedDecision) => ({
  id: p.id,
  kind: p.kind,
  title: p.title,
  decisionNumber: p.decisionNumber,
  issuedOn: p.issuedOn,
  agencyId: p.agencyId,
  agencyName: p.agencyName,
  publishedAt: p.publishedAt,
  minimumUntil: p.minimumUntil,
  legalBasis: p.legalBasis,
  excerpt: p.redactedText.length > 300 ? `${p.redactedText.slice(0, 300)}…` : p.redactedText,
});

/** Counts one public read from this client (429 with Retry-After past the limit). */
function limitReads(services: Services, ip: string | undefined, set: (k: string, v: string) => void): void {
  try {
    services.publicReads.hit(ip ?? 'unknown');
  } catch (e) {
    set('Retry-After', String((e as { extra?: { retryAfterSeconds?: number } }).extra?.retryAfterSeconds ?? 60));
    throw e;
  }
}

const EXAMPLE_TEXT =
  'QUYẾT ĐỊNH giải quyết khiếu nại của ông Nguyễn Văn An, CCCD 001203004567, trú tại 12 Lê Lợi ... ' +
  'Giữ nguyên Quyết định số 12/QĐ-UBND.';

export const publicationRoutes: RouteSpec[] = [
  defineRoute({
    method: 'post',
    path: '/v1/cases/:id/publications/preview',
    operationId: 'previewDecisionPublication',
    tags: ['Publications'],
    summary: "Preview the redacted text of the case's decision or conclusion before publishing it",
    description:
      'Every party\'s name, address, ID number, phone and email is replaced by a label ("[Người khiếu nại]"), ' +
      'ignoring case, diacritics and spacing; ID-card, phone and email patterns of anyone too; and `extraTerms`. ' +
      "The denouncer's identity never survives (Luật Tố cáo 2018 Art 8(3), 40(3); NĐ 31/2019 Art 6(1)). " +
      'Nothing is stored. 409 when the case has no issued decision or conclusion yet.',
    auth: { roles: PUBLISHERS, scope: { kind: 'case', param: 'id' } },
    request: {
      params: z.object({ id: CaseId }),
      body: z.strictObject(Input).meta({ id: 'PublicationPreviewRequest' }),
      bodyExample: { text: EXAMPLE_TEXT },
    },
    responses: {
      200: { description: 'The redacted text and what was replaced', schema: Preview },
      409: { description: 'No issued decision or conclusion yet' },
      422: { description: 'documentId is not a publishable document of the case' },
    },
    handler: async ({ case: c, body, services }) => {
      const p = await services.publications.preview(c, body);
      return {
        body: {
          documentId: p.document.id,
          documentType: p.document.type,
          decisionNumber: p.document.reference,
          issuedOn: p.document.issuedOn,
          kind: p.rule.kind,
          title: p.rule.title,
          required: p.rule.required,
          legalBasis: p.rule.legalBasis,
          minimumDays: p.rule.minimumDays,
          redactedText: p.redactedText,
          textSha256: p.textSha256,
          replacements: p.replacements,
        },
        headers: { 'Cache-Control': 'no-store' },
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/cases/:id/publications',
    operationId: 'publishDecision',
    tags: ['Publications'],
    summary: 'Publish the reviewed, redacted decision or conclusion on the public portal',
    description:
      "The text is redacted again and published only if it is the one reviewed (`reviewedSha256` = the preview's " +
      '`textSha256`; 409 otherwise). One publication in force per document (409). Audited (`decision.published`: ' +
      "the hash and the replacement counts, never the text). Officers, supervisors and admins of the case's agency " +
      'or above it; idempotent with `Idempotency-Key`.',
    auth: { roles: PUBLISHERS, scope: { kind: 'case', param: 'id' } },
    idempotencyKey: true,
    request: {
      params: z.object({ id: CaseId }),
      body: z.strictObject({ ...Input, reviewedSha256: Sha256 }).meta({ id: 'PublishDecisionRequest' }),
      bodyExample: { text: EXAMPLE_TEXT, reviewedSha256: '0'.repeat(64) },
    },
    responses: {
      201: { description: 'Published', schema: Publication },
      409: { description: 'Not the reviewed text, already published, or nothing issued yet' },
    },
    handler: ({ req, case: c, body, principal, services, requestId }) =>
      idempotent(
        {
          key: req.get('Idempotency-Key'),
          principal,
          store: services.idempotency,
          method: 'POST',
          path: '/v1/cases/:id/publications',
          resourceId: c.id,
          body: { caseId: c.id, body },
        },
        async () => {
          const p = await services.publications.publish(c, body, { principal, requestId });
          return {
            status: 201,
            body: staffView(p),
            headers: { Location: `/v1/public/decisions/${p.id}` },
          };
        },
      ),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/cases/:id/publications',
    operationId: 'listCasePublications',
    tags: ['Publications'],
    summary: "The case's publications, in force and withdrawn, newest first",
    auth: { roles: READERS, scope: { kind: 'case', param: 'id' } },
    request: { params: z.object({ id: CaseId }) },
    responses: { 200: { description: 'Publications', schema: z.object({ items: z.array(Publication) }) } },
    handler: async ({ case: c, services }) => ({
      body: { items: (await services.publications.store.forCase(c.id)).map(staffView) },
    }),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/cases/:id/publications/:publicationId/withdraw',
    operationId: 'withdrawDecisionPublication',
    tags: ['Publications'],
    summary: 'Withdraw a publication (a reason is required; the row is kept)',
    description:
      'The public list and page stop showing it at once. Audited with the reason and whether the statutory ' +
      'minimum posting (15 days) was met. 409 when already withdrawn.',
    auth: { roles: PUBLISHERS, scope: { kind: 'case', param: 'id' } },
    request: {
      params: z.object({ id: CaseId, publicationId: PublicationId }),
      body: z.strictObject({ reason: Text(1000, { multiline: true }) }).meta({ id: 'WithdrawPublicationRequest' }),
      bodyExample: { reason: 'Văn bản còn sót thông tin cá nhân cần che' },
    },
    responses: {
      200: { description: 'The withdrawn publication', schema: Publication },
      409: { description: 'Already withdrawn' },
    },
    handler: async ({ case: c, params, body, principal, services, requestId }) => ({
      body: staffView(
        await services.publications.withdraw(c, params.publicationId, body.reason, { principal, requestId }),
      ),
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/public/decisions',
    operationId: 'listPublicDecisions',
    tags: ['Public'],
    summary: 'Published complaint decisions and denunciation conclusions (no login)',
    description:
      'What agencies publish on their portal (Luật Khiếu nại 2011 Art 41; Luật Tố cáo 2018 Art 40): redacted ' +
      'texts in force, newest first, by cursor. Filters: `agencyId` (with `includeSubtree=true`, its subtree), ' +
      '`type`, `year` of issue. Rate-limited per client address (429 with Retry-After).',
    auth: 'public',
    request: {
      query: z.strictObject({
        agencyId: AgencyId.optional(),
        includeSubtree: z.enum(['true', 'false']).default('false'),
        type: Kind.optional(),
        year: z.coerce.number().int().min(2000).max(2100).optional(),
        after: Cursor.optional(),
        limit: z.coerce.number().int().min(1).max(100).default(20),
      }),
    },
    responses: {
      200: {
        description: 'Decisions and conclusions in force',
        schema: z.object({ items: z.array(PublicDecision), next: z.string().nullable() }),
      },
      404: { description: 'No such agency' },
      429: { description: 'Too many requests from this client; see Retry-After' },
    },
    handler: async ({ req, res, query, services }) => {
      limitReads(services, req.ip, (k, v) => res.set(k, v));
      let agencies: string[] | undefined;
      if (query.agencyId) {
        if ((await services.agencies.ancestors(query.agencyId)).length === 0)
          throw problems.notFound(`Agency ${query.agencyId}`);
        agencies = query.includeSubtree === 'true' ? await services.agencies.subtree(query.agencyId) : [query.agencyId];
      }
      const rows = await services.publications.store.listPublic({
        ...(agencies ? { agencies } : {}),
        ...(query.type ? { kind: query.type } : {}),
        ...(query.year !== undefined ? { year: query.year } : {}),
        ...(query.after ? { after: query.after } : {}),
        limit: query.limit,
      });
      const last = rows[rows.length - 1];
      const q = new URLSearchParams({
        limit: String(query.limit),
        ...(query.agencyId ? { agencyId: query.agencyId, includeSubtree: query.includeSubtree } : {}),
        ...(query.type ? { type: query.type } : {}),
        ...(query.year !== undefined ? { year: String(query.year) } : {}),
      });
      return {
        body: {
          items: rows.map(publicSummary),
          next:
            rows.length === query.limit && last
              ? `/v1/public/decisions?${q.toString()}&after=${encodeCursor({ k: last.sortKey, id: last.id })}`
              : null,
        },
        headers: { 'Cache-Control': 'public, max-age=60' },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/public/decisions/:id',
    operationId: 'getPublicDecision',
    tags: ['Public'],
    summary: 'A published decision or conclusion: its redacted text (no login)',
    description: 'A withdrawn or unknown publication answers 404. Rate-limited per client address.',
    auth: 'public',
    request: { params: z.object({ id: PublicationId }) },
    responses: {
      200: { description: 'The publication', schema: PublicDecisionDetail },
      429: { description: 'Too many requests from this client; see Retry-After' },
    },
    handler: async ({ req, res, params, services }) => {
      limitReads(services, req.ip, (k, v) => res.set(k, v));
      const p = await services.publications.store.get(params.id);
      if (!p || p.status !== 'published') throw problems.notFound(`Publication ${params.id}`);
      return {
        body: { ...publicSummary(p), text: p.redactedText },
        headers: { 'Cache-Control': 'public, max-age=60' },
      };
    },
  }),
];
