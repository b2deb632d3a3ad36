/**
 * Stored reports (issue 16 items 3–5, ADR 0032). Who may act:
 * - read (list, get, a version, export, consolidation): officer, supervisor, auditor, admin of the
 *   report's agency or any agency above it (the subtree rule) — the same roles that compute a form ad hoc
 *   (`REPORT_READERS`); the reception desk (`intake`) reads the regime and the form definitions only, no figures;
 * - write the free-text sections and submit: officer, supervisor, admin of the report's own agency only
 *   (a report is the agency's own statement; the level above reads it, 403 when it tries to write);
 * - reopen (with a reason): supervisor or admin (the agency's head and the leaders above) of the report's
 *   agency or any agency above it.
 */
import { z } from 'zod';
import type { Request } from 'express';
import { actorOf, type Principal } from '../auth/principal.js';
import { EXPORT_FORMATS } from '../../activities/report-engine.js';
import type { ReportRecord, ReportVersionRecord } from '../../db/reports.js';
import { REPORT_KINDS, REPORT_STATUSES, parsePeriodKey, type ReportActor } from '../../workflows/report-contract.js';
import { problems } from '../problem.js';
import { defineRoute, type RouteSpec } from '../routing/define-route.js';
import type { Services } from '../routing/services.js';
import { idempotent } from '../routing/idempotent.js';
import { AgencyId } from '../schemas.js';
import { updateIdFor } from '../update-id.js';

/** Who reads figures: stored reports and forms computed ad hoc (api/routes/report-forms.ts) alike. */
export const REPORT_READERS = ['officer', 'supervisor', 'auditor', 'admin'] as const;
const READERS = REPORT_READERS;
const WRITERS = ['officer', 'supervisor', 'admin'] as const;
const REOPENERS = ['supervisor', 'admin'] as const;

const ReportId = z
  .string()
  .regex(/^rpt-[0-9a-f-]{36}$/)
  .meta({ description: 'Report id (`rpt-…`)', example: 'rpt-0b6f3b4e-1234-4000-8000-000000000001' });
const PeriodKey = z
  .string()
  .refine((v) => parsePeriodKey(v) !== undefined, {
    message: 'a period such as 2026-M03, 2026-Q1, 2026-H1, 2026-9M, 2026-Y',
  })
  .meta({ description: 'Data period: `2026-M03`, `2026-Q1`, `2026-H1`, `2026-9M`, `2026-Y`', example: '2026-Q1' });
const Actor = z.object({ type: z.string(), id: z.string(), agency: z.string().nullable() });
const Text = z.string().max(20_000);

const Sections = z
  .object({ assessment: Text.optional(), proposals: Text.optional() })
  .meta({ id: 'ReportSections', description: 'Free text the agency writes before submitting' });

const VersionSummary = z
  .object({
    version: z.number().int(),
    cause: z.enum(['scheduled', 'reopened']),
    computedAt: z.string(),
    reopenReason: z.string().nullable(),
    reopenedBy: Actor.nullable(),
    submittedAt: z.string().nullable(),
    submittedBy: Actor.nullable(),
    sha256: z
      .string()
      .nullable()
      .meta({ description: 'sha256 of the canonical JSON of {snapshot, sections}, once submitted' }),
  })
  .meta({ id: 'ReportVersionSummary' });

const Report = z
  .object({
    id: z.string(),
    agencyId: z.string(),
    kind: z.enum(REPORT_KINDS),
    period: z.string(),
    periodFrom: z.string(),
    periodTo: z.string(),
    regime: z.string().meta({ description: 'The circular the report is drafted under' }),
    formCode: z.string(),
    status: z.enum(REPORT_STATUSES),
    dueOn: z.string().meta({ description: 'Sending deadline (a civil day; UNCONFIRMED by level: see `deadline`)' }),
    dueAt: z.string(),
    deadline: z
      .record(z.string(), z.unknown())
      .meta({ description: 'The rule, its source, and its derivation on the calendar' }),
    overdue: z.boolean(),
    escalatedAt: z.string().nullable(),
    sections: Sections,
    currentVersion: z.number().int(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Report' });

const ReportWithVersions = Report.extend({ versions: z.array(VersionSummary) }).meta({ id: 'ReportWithVersions' });
const ReportVersion = VersionSummary.extend({
  sections: Sections.nullable(),
  snapshot: z.unknown().meta({ description: 'The computed forms (frozen once submitted)' }),
}).meta({ id: 'ReportVersion' });

const Cell = z.object({ value: z.number().nullable() });
const Consolidation = z
  .object({
    reportId: z.string(),
    agencyId: z.string(),
    kind: z.enum(REPORT_KINDS),
    period: z.string(),
    includesOwn: z.boolean().meta({ description: "The report's own current version is part of the sums" }),
    submitted: z.array(
      z.object({
        agencyId: z.string(),
        reportId: z.string(),
        version: z.number().int(),
        sha256: z.string(),
        submittedAt: z.string(),
      }),
    ),
    notSubmitted: z.array(
      z.object({
        agencyId: z.string(),
        name: z.string(),
        reportId: z.string().nullable(),
        status: z.enum(REPORT_STATUSES).nullable(),
        overdue: z.boolean(),
      }),
    ),
    forms: z.array(
      z.object({
        code: z.string(),
        title: z.string(),
        rows: z.array(z.object({ code: z.string(), label: z.string(), cells: z.record(z.string(), Cell) })),
        checks: z
          .array(z.object({ rule: z.string(), ok: z.boolean(), detail: z.string() }))
          .optional()
          .meta({
            description: "A periodic report: the form's rules (cross-form ones too) on the consolidated figures",
          }),
      }),
    ),
  })
  .meta({ id: 'ReportConsolidation' });

function reportView(r: ReportRecord) {
  return {
    id: r.id,
    agencyId: r.agencyId,
    kind: r.kind,
    period: r.periodKey,
    periodFrom: r.periodFrom,
    periodTo: r.periodTo,
    regime: r.regime,
    formCode: r.formCode,
    status: r.status,
    dueOn: r.dueOn,
    dueAt: r.dueAt,
    deadline: r.deadline,
    overdue: r.overdue,
    escalatedAt: r.escalatedAt,
    sections: r.sections,
    currentVersion: r.currentVersion,
    updatedAt: r.updatedAt,
  };
}

function versionSummary(v: ReportVersionRecord) {
  return {
    version: v.version,
    cause: v.cause,
    computedAt: v.computedAt,
    reopenReason: v.reopenReason,
    reopenedBy: v.reopenedBy,
    submittedAt: v.submittedAt,
    submittedBy: v.submittedBy,
    sha256: v.hash,
  };
}

const byId = z.object({ id: ReportId });

/**
 * The handler of submit and reopen: the request under the caller's Idempotency-Key, sent as an Update of the
 * report's workflow whose id is derived from that key (a retried request is the same Update).
 */
function throughWorkflow<B>(
  path: string,
  operation: string,
  run: (c: {
    report: ReportRecord;
    body: B;
    services: Services;
    send: { actor: ReportActor; requestId: string; updateId: string };
  }) => Promise<unknown>,
) {
  return (ctx: {
    req: Request;
    params: { id: string };
    body: B;
    report: ReportRecord;
    principal: Principal;
    services: Services;
    requestId: string;
  }) => {
    const { req, params, body, principal } = ctx;
    const key = req.get('Idempotency-Key');
    const request = { report: params.id, body };
    return idempotent(
      { key, principal, store: ctx.services.idempotency, method: 'POST', path, resourceId: params.id, body: request },
      async () => {
        const updateId = updateIdFor({ principal, operation, key, request });
        const send = { actor: actorOf(principal), requestId: ctx.requestId, updateId };
        return { body: await run({ report: ctx.report, body, services: ctx.services, send }) };
      },
    );
  };
}

export const reportRoutes: RouteSpec[] = [
  defineRoute({
    method: 'get',
    path: '/v1/reports',
    operationId: 'listReports',
    tags: ['Reports'],
    summary: "The stored reports of the caller's agency subtree (monthly and periodic), newest period first",
    auth: { roles: READERS, scope: { kind: 'subtree' } },
    request: {
      query: z.strictObject({
        kind: z.enum(REPORT_KINDS).optional(),
        period: PeriodKey.optional(),
        status: z.enum(REPORT_STATUSES).optional(),
        agencyId: AgencyId.optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
    },
    responses: { 200: { description: 'The reports', schema: z.object({ items: z.array(Report) }) } },
    handler: async ({ query, subtree, services }) => {
      // An agency outside the caller's subtree finds nothing that exists for them: 404, as the case search.
      if (query.agencyId && !subtree.includes(query.agencyId)) throw problems.notFound(`Agency ${query.agencyId}`);
      const rows = await services.reports.list({
        agencies: subtree,
        kind: query.kind,
        periodKey: query.period,
        status: query.status,
        agencyId: query.agencyId,
        limit: query.limit,
      });
      return { body: { items: rows.map(reportView) } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/reports/:id',
    operationId: 'getReport',
    tags: ['Reports'],
    summary: 'A report: status, sending deadline, free-text sections and its versions',
    auth: { roles: READERS, scope: { kind: 'report', param: 'id' } },
    request: { params: byId },
    responses: { 200: { description: 'The report', schema: ReportWithVersions } },
    handler: async ({ report, services }) => ({
      body: { ...reportView(report), versions: (await services.reports.versions(report.id)).map(versionSummary) },
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/reports/:id/versions/:version',
    operationId: 'getReportVersion',
    tags: ['Reports'],
    summary: 'One version of a report: its computed forms, and once submitted its sections, hash, who and when',
    auth: { roles: READERS, scope: { kind: 'report', param: 'id' } },
    request: { params: z.object({ id: ReportId, version: z.coerce.number().int().min(1).max(100_000) }) },
    responses: { 200: { description: 'The version', schema: ReportVersion } },
    handler: async ({ params, report, services }) => {
      const v = await services.reports.version(report.id, params.version);
      if (!v) throw problems.notFound(`Version ${params.version} of report ${report.id}`);
      return { body: { ...versionSummary(v), sections: v.sections, snapshot: v.snapshot } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/reports/:id/versions/:version/export',
    operationId: 'exportReportVersion',
    tags: ['Reports'],
    summary:
      'A version exported as JSON (the canonical JSON that was hashed), CSV, XLSX, HTML or PDF (the form renderers)',
    auth: { roles: READERS, scope: { kind: 'report', param: 'id' } },
    request: {
      params: z.object({ id: ReportId, version: z.coerce.number().int().min(1).max(100_000) }),
      query: z.strictObject({
        format: z.enum(EXPORT_FORMATS).default('json'),
        form: z.string().max(40).optional().meta({ description: 'The form code (default: the first form)' }),
      }),
    },
    responses: {
      200: { description: 'The rendered form', contentType: 'application/octet-stream' },
    },
    handler: async ({ params, query, report, services, res }) => {
      const out = await services.reports.export(report, params.version, query.format, query.form);
      res
        .status(200)
        .set('content-type', out.contentType)
        .set(
          'content-disposition',
          `${query.format === 'html' ? 'inline' : 'attachment'}; ` +
            `filename="${report.agencyId}-${report.periodKey}-v${params.version}.${out.extension}"`,
        )
        .send(out.body);
    },
  }),
  defineRoute({
    method: 'put',
    path: '/v1/reports/:id/sections',
    operationId: 'updateReportSections',
    tags: ['Reports'],
    summary: 'Write the free-text sections (assessment, proposals) of a report not yet submitted',
    description:
      'Fields sent replace those stored; fields left out stay. Audited. A submitted report answers 409 (reopen it first).',
    auth: { roles: WRITERS, scope: { kind: 'report', param: 'id', ownAgencyOnly: true } },
    idempotencyKey: true,
    request: {
      params: byId,
      body: z.strictObject({ assessment: Text.optional(), proposals: Text.optional() }),
      bodyExample: {
        assessment: 'Tình hình khiếu nại, tố cáo trong tháng ổn định.',
        proposals: 'Đề nghị tăng cường đối thoại.',
      },
    },
    responses: {
      200: { description: 'The report', schema: Report },
      409: { description: 'The report is submitted' },
    },
    handler: ({ req, params, body, report, principal, services, requestId }) =>
      idempotent(
        {
          key: req.get('Idempotency-Key'),
          principal,
          store: services.idempotency,
          method: 'PUT',
          path: '/v1/reports/:id/sections',
          resourceId: params.id,
          body: { report: params.id, body },
        },
        async () => {
          const r = await services.reports.updateSections(report, body, actorOf(principal), requestId);
          return { body: reportView(r) };
        },
      ),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/reports/:id/submit',
    operationId: 'submitReport',
    tags: ['Reports'],
    summary: 'Submit a report: its current version is frozen (snapshot, sections, sha256, who and when)',
    description:
      'The sha256 goes to the audit log and `vn.kntc.report.submitted` to the event feed. `version`: the version reviewed ' +
      '(a newer one answers 409 `StaleVersion`). A submitted report answers 409 `ReportSubmitted`.',
    auth: { roles: WRITERS, scope: { kind: 'report', param: 'id', ownAgencyOnly: true } },
    idempotencyKey: true,
    request: {
      params: byId,
      body: z.strictObject({ version: z.number().int().min(1).optional() }),
      bodyExample: {},
    },
    responses: {
      200: {
        description: 'Frozen',
        schema: z.object({
          reportId: z.string(),
          version: z.number().int(),
          sha256: z.string(),
          submittedAt: z.string(),
        }),
      },
      409: { description: 'The report cannot be submitted now (reason given)' },
    },
    handler: throughWorkflow('/v1/reports/:id/submit', 'report.submit', async (c) => {
      const r = await c.services.reports.submit(c.report, { ...c.send, version: c.body.version });
      return { reportId: r.reportId, version: r.version, sha256: r.hash, submittedAt: r.submittedAt };
    }),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/reports/:id/reopen',
    operationId: 'reopenReport',
    tags: ['Reports'],
    summary: 'Reopen a submitted report with a reason: a new draft version; the submitted versions stay',
    description: 'Audited with the reason. The new version is computed from the data as it is now; submit it again.',
    auth: { roles: REOPENERS, scope: { kind: 'report', param: 'id' } },
    idempotencyKey: true,
    request: {
      params: byId,
      body: z.strictObject({ reason: z.string().trim().min(1).max(2000) }),
      bodyExample: { reason: 'Số liệu mục II chưa đầy đủ' },
    },
    responses: {
      200: { description: 'Reopened', schema: z.object({ reportId: z.string(), version: z.number().int() }) },
      409: { description: 'The report is not submitted (reason given)' },
    },
    handler: throughWorkflow('/v1/reports/:id/reopen', 'report.reopen', (c) =>
      c.services.reports.reopen(c.report, { ...c.send, reason: c.body.reason }),
    ),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/reports/:id/consolidation',
    operationId: 'getReportConsolidation',
    tags: ['Reports'],
    summary:
      'The roll-up: the submitted reports of the agencies directly below summed with this one; who has not submitted',
    description:
      'Sums the frozen snapshots (their last submitted version), never recomputes them. A report reopened and not yet ' +
      'resubmitted is listed under `notSubmitted`. A periodic report (quarter, 6, 9 months, year): the regime’s forms ' +
      'one by one — a row for the agency’s own records, one per unit below that submitted (its total), the total — ' +
      'with the forms’ rules (cross-form ones too) checked on the consolidated figures.',
    auth: { roles: READERS, scope: { kind: 'report', param: 'id' } },
    request: { params: byId },
    responses: { 200: { description: 'The consolidation', schema: Consolidation } },
    handler: async ({ report, services }) => ({ body: await services.reports.consolidation(report) }),
  }),
];
