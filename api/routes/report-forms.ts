/**
 * Report forms of the reporting regime (issue 16 items 2 and 6, ADR 0031): the regime versions and
 * the forms in force on a date, and a form computed ad hoc for a data period within the caller's
 * agency subtree, as JSON, CSV, XLSX, HTML or PDF. Stored (frozen) reports are the report lifecycle's.
 */
import { z } from 'zod';
import { isIsoDate } from '../../workflows/clock/days.js';
import { ReportError } from '../../reports/engine.js';
import { PERIODS_PER_YEAR, periodOf, REGIMES } from '../../reports/regimes.js';
import { renderAs } from '../../reports/render.js';
import { vnDate } from '../../workflows/clock/vn-time.js';
import type { PeriodKind } from '../../reports/types.js';
import { HttpProblem, problems } from '../problem.js';
import { AgencyId } from '../schemas.js';
import { defineRoute, type RouteSpec } from '../routing/define-route.js';
import { REPORT_READERS } from './reports.js';

/**
 * The regime and the form definitions are reference data (no figures): every role reads them, the reception
 * desk (`intake`) included. Computed figures are read by the roles that read stored reports (`REPORT_READERS`).
 */
const REFERENCE_READERS = ['intake', ...REPORT_READERS] as const;
/** Longest ad hoc data period (two years: e.g. the National Assembly's 1/8–31/7 report, with room). */
export const MAX_PERIOD_DAYS = 731;

const CivilDate = z
  .string()
  .max(10)
  .refine(isIsoDate, { message: 'must be an existing day written YYYY-MM-DD' })
  .refine((d) => d >= '2000-01-01' && d <= '2099-12-31', { message: 'must lie between 2000-01-01 and 2099-12-31' });

/** A form code in a path: `01-XLD` (or `01/XLD` URL-encoded). */
const FormCode = z
  .string()
  .max(16)
  .regex(/^\d{2}[-/][A-Z]{2,5}$/, 'a form code such as 01-XLD')
  .transform((s) => s.replace('-', '/'))
  .meta({ description: 'Form code, `/` written `-` (e.g. `01-XLD`, `03-KQGQ`)', example: '01-XLD' });

const Sourced = (t: z.ZodType) =>
  z.object({ value: t, source: z.string(), confirmed: z.boolean().meta({ description: 'false = UNCONFIRMED' }) });

const Regime = z
  .object({
    circular: z.string(),
    title: z.string(),
    scope: z.enum(['national', 'commune']),
    effectiveFrom: Sourced(z.string()),
    effectiveTo: z.string().optional(),
    citation: z.string(),
    dataPeriod: z.object({
      startDay: Sourced(z.number().int()),
      cutOffDay: Sourced(z.number().int()),
      month: Sourced(z.object({ startDay: z.number().int(), cutOffDay: z.number().int() })),
    }),
    narrativeFor: Sourced(z.array(z.string())),
    deadlines: z.array(
      z.object({ level: z.string(), recipient: z.string(), dayOfLastMonth: Sourced(z.number().int().nullable()) }),
    ),
    forms: Sourced(z.array(z.string())),
  })
  .meta({ id: 'ReportRegime' });

const FormSummary = z
  .object({
    code: z.string(),
    version: z.number().int(),
    title: z.string(),
    circular: z.string(),
    effectiveFrom: z.string(),
    effectiveTo: z.string().optional(),
    confirmed: z.boolean(),
  })
  .meta({ id: 'ReportFormSummary' });

const FormDefinition = z
  .object({
    code: z.string(),
    version: z.number().int(),
    title: z.string(),
    circular: z.string(),
    effectiveFrom: z.string(),
    effectiveTo: z.string().optional(),
    citation: z.string(),
    evidence: z.string(),
    confirmed: z.boolean(),
    unitHeading: z.string(),
    columns: z.array(
      z.object({
        no: z.number().int(),
        path: z.array(z.string()),
        identity: z.string().optional(),
        cell: z.record(z.string(), z.unknown()).meta({ description: 'query | sum | manual | note' }),
      }),
    ),
    rules: z.array(
      z.object({
        id: z.string(),
        left: z.number().int(),
        right: z.array(z.object({ form: z.string().optional(), col: z.number().int() })),
        citation: z.string(),
        confirmed: z.boolean(),
      }),
    ),
  })
  .meta({ id: 'ReportFormDefinition' });

const Cell = z.object({
  value: z
    .number()
    .nullable()
    .meta({ description: 'null: a manual column (entered by the agency) or the note column' }),
  drillDown: z
    .string()
    .optional()
    .meta({
      description:
        'The list behind the number (same filter): the case search, or for other records their list (reception ' +
        'sessions and visits, hotspots, central gatherings, task forces, review campaigns)',
    }),
  note: z.string().optional().meta({ description: 'How the number is counted or where its rule comes from' }),
  unconfirmed: z.boolean().optional().meta({ description: 'The figure rests on a rule the sources do not confirm' }),
  items: z
    .array(z.string())
    .optional()
    .meta({ description: 'Ids of the records counted, where a consolidation counts them distinct (hotspots)' }),
});
const ReportSnapshot = z
  .object({
    form: z.object({ code: z.string(), version: z.number().int(), title: z.string(), circular: z.string() }),
    agencyId: z.string(),
    agencyName: z.string(),
    period: z.object({ from: z.string(), to: z.string() }),
    header: z.array(
      z.object({
        row: z.number().int(),
        col: z.number().int(),
        rowSpan: z.number().int(),
        colSpan: z.number().int(),
        text: z.string(),
      }),
    ),
    columns: z.array(
      z.object({
        no: z.number().int(),
        label: z.string(),
        identity: z.string().optional(),
        manual: z.boolean().optional(),
      }),
    ),
    rows: z.array(z.object({ code: z.string(), label: z.string(), cells: z.record(z.string(), Cell) })),
    checks: z.array(z.object({ rule: z.string(), ok: z.boolean(), detail: z.string() })),
    computedAt: z.string(),
  })
  .meta({ id: 'ReportSnapshot' });

const AtQuery = z.strictObject({
  at: CivilDate.optional().meta({ description: 'Date the forms are in force (default: today)' }),
});

const ComputeQuery = z
  .strictObject({
    from: CivilDate.optional().meta({ description: 'First day of the data period (inclusive)' }),
    to: CivilDate.optional().meta({ description: 'Last day of the data period (inclusive)' }),
    kind: z
      .enum(['month', 'quarter', 'half', 'nine_months', 'year'])
      .optional()
      .meta({ description: 'Instead of from/to: a periodic data period of the regime in force (with year, index)' }),
    year: z.coerce.number().int().min(2000).max(2099).optional(),
    index: z.coerce.number().int().min(1).max(12).optional().meta({ description: 'month 1–12, quarter 1–4; else 1' }),
    agencyId: AgencyId.optional().meta({ description: "Agency reported (its subtree); default: the caller's agency" }),
    format: z.enum(['json', 'csv', 'xlsx', 'html', 'pdf']).default('json'),
  })
  .superRefine((q, ctx) => {
    const range = q.from !== undefined || q.to !== undefined;
    if (range && q.kind !== undefined)
      ctx.addIssue({ code: 'custom', path: ['kind'], message: 'give either from/to or kind/year/index' });
    else if (range) {
      if (q.from === undefined) ctx.addIssue({ code: 'custom', path: ['from'], message: 'required with to' });
      if (q.to === undefined) ctx.addIssue({ code: 'custom', path: ['to'], message: 'required with from' });
      if (q.from && q.to && q.from > q.to)
        ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
      if (q.from && q.to && (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 >= MAX_PERIOD_DAYS)
        ctx.addIssue({ code: 'custom', path: ['to'], message: `the period may span at most ${MAX_PERIOD_DAYS} days` });
    } else if (q.kind === undefined)
      ctx.addIssue({ code: 'custom', path: ['from'], message: 'give from/to or kind/year/index' });
    else {
      if (q.year === undefined) ctx.addIssue({ code: 'custom', path: ['year'], message: `required with kind` });
      const max = PERIODS_PER_YEAR[q.kind];
      if ((q.index ?? 1) > max)
        ctx.addIssue({ code: 'custom', path: ['index'], message: `must be 1..${max} for ${q.kind}` });
    }
  });

export const reportFormRoutes: RouteSpec[] = [
  defineRoute({
    method: 'get',
    path: '/v1/reports/regimes',
    operationId: 'listReportRegimes',
    tags: ['Reports'],
    summary: 'Versions of the reporting regime: data periods, sending deadlines by level, forms (UNCONFIRMED marked)',
    description:
      'Configuration per circular (TT 02/2021, 01/2024, 02/2025 for communes, 06/2025), each value with its source; ' +
      '`confirmed: false` marks what the sources do not give (e.g. every sending deadline by level).',
    auth: { roles: REFERENCE_READERS, scope: { kind: 'none' } },
    responses: {
      200: { description: 'The regime versions, oldest first', schema: z.object({ items: z.array(Regime) }) },
    },
    handler: () => ({ body: { items: REGIMES } }),
  }),

  defineRoute({
    method: 'get',
    path: '/v1/reports/forms',
    operationId: 'listReportForms',
    tags: ['Reports'],
    summary: 'Report forms in force on a date (01–02/TCD, 01–04/XLD, 01–04/KQGQ)',
    auth: { roles: REFERENCE_READERS, scope: { kind: 'none' } },
    request: { query: AtQuery },
    responses: { 200: { description: 'Forms in force', schema: z.object({ items: z.array(FormSummary) }) } },
    handler: ({ query, services }) => ({
      body: { items: services.reportForms.listForms(query.at ?? vnDate(Date.now())) },
    }),
  }),

  defineRoute({
    method: 'get',
    path: '/v1/reports/forms/:code',
    operationId: 'getReportForm',
    tags: ['Reports'],
    summary: 'One report form in force on a date: columns (header paths, cell queries), rules, evidence',
    auth: { roles: REFERENCE_READERS, scope: { kind: 'none' } },
    request: { params: z.object({ code: FormCode }), query: AtQuery },
    responses: { 200: { description: 'The form version', schema: FormDefinition } },
    handler: ({ params, query, services }) => {
      const at = query.at ?? vnDate(Date.now());
      const f = services.reportForms.selectForm(params.code, at);
      if (!f) throw problems.notFound(`Form ${params.code} in force on ${at}`);
      return { body: f };
    },
  }),

  defineRoute({
    method: 'get',
    path: '/v1/reports/forms/:code/compute',
    operationId: 'computeReportForm',
    tags: ['Reports'],
    summary: "Compute a report form for a data period over an agency's subtree (JSON, CSV, XLSX, HTML or PDF)",
    description:
      'Rows: the agency’s own records, one row per direct child agency (with its subtree), and the total. ' +
      'Every case cell whose filter the case search offers links to it (`drillDown`). `checks` reports the ' +
      'form’s identities and cross-form rules (03/KQGQ(1) = 01/XLD(20), …). The period is `from`/`to` (inclusive ' +
      'civil dates) or `kind`/`year`/`index` of the regime in force. `format=csv|xlsx|html|pdf` answers a file ' +
      '(XLSX laid out like the form, merged header cells, numbers as numbers) instead of the JSON snapshot.',
    auth: { roles: REPORT_READERS, scope: { kind: 'subtree' } },
    request: {
      params: z.object({ code: FormCode }),
      query: ComputeQuery,
      queryExample: { from: '2026-06-15', to: '2026-07-14' },
    },
    responses: {
      200: { description: 'The computed form (JSON; other formats per `format`)', schema: ReportSnapshot },
      404: { description: 'No such form in force, or the agency is not in the caller’s subtree' },
    },
    handler: async ({ params, query, principal, subtree, services, res }) => {
      const agencyId = query.agencyId ?? principal.agencyId;
      // An agency outside the caller's subtree is not found for them.
      if (!subtree.includes(agencyId)) throw problems.notFound(`Agency ${agencyId}`);
      let period: { from: string; to: string };
      if (query.kind) {
        const kind: PeriodKind = query.kind;
        const year = query.year!;
        const index = query.index ?? 1;
        // The regime whose period it is: selected by the period's end under the first regime's rule.
        try {
          const { from, to } = periodOf(kind, year, index);
          period = { from, to };
        } catch (e) {
          // An index beyond the kind's periods, or a period before the first regime: a client's mistake.
          if (e instanceof RangeError)
            throw problems.validation([{ path: /index/.test(e.message) ? 'index' : 'year', message: e.message }]);
          throw e;
        }
      } else period = { from: query.from!, to: query.to! };
      let snap;
      try {
        snap = await services.reportForms.computeReport({ formCode: params.code, agencyId, period });
      } catch (e) {
        if (e instanceof ReportError && e.kind === 'unknown_form')
          throw problems.notFound(`Form ${params.code} in force on ${period.to}`);
        if (e instanceof ReportError && e.kind === 'unknown_agency') throw problems.notFound(`Agency ${agencyId}`);
        if (e instanceof ReportError) throw new HttpProblem(400, 'validation', 'The request is not valid', e.message);
        throw e;
      }
      if (query.format === 'json') return { body: snap };
      const out = await renderAs(query.format, snap);
      const name = `${snap.form.code.replace('/', '-')}_${agencyId}_${period.from}_${period.to}.${out.extension}`;
      res
        .status(200)
        .type(out.contentType)
        .set('Content-Disposition', `${query.format === 'html' ? 'inline' : 'attachment'}; filename="${name}"`)
        .set('Cache-Control', 'no-store')
        .send(out.body);
    },
  }),
];
