/**
 * `GET /v1/cases/export?format=csv|xlsx` (issue 16, the console's "search with … an export"): the cases a
 * case search selects — the same filters (db/case-filter.ts) and sort as `GET /v1/cases`, within the caller's
 * agency subtree — as a CSV or XLSX file of at most `limit` rows (the total and whether it was cut are in the
 * headers). Every export is written to the audit log (who, which filter, how many rows) before the file leaves.
 * The columns are the search's own: no party, no denouncer identity.
 */
import ExcelJS from 'exceljs';
import { z } from 'zod';
import { actorOf } from '../auth/principal.js';
import { withVnInstants } from '../instants.js';
import { CASE_FILTER_FIELDS, caseFilterParams, CaseFilterQuery } from '../../db/case-filter.js';
import type { CaseSearchRow } from '../../db/case-search.js';
import { resolveCaseFilter } from '../services/case-filter.js';
import { defineRoute, type RouteSpec } from '../routing/define-route.js';
import { stageLabel } from '../../processes/builtin/labels-vi.js';

export const MAX_EXPORT_ROWS = 50_000;
const PAGE = 1_000;

export const CaseExportQuery = CaseFilterQuery.extend({
  format: z.enum(['csv', 'xlsx']).meta({ description: 'The file: CSV (UTF-8 with BOM) or XLSX' }),
  sort: z.enum(['receivedAt', '-receivedAt', 'nextDueAt', '-nextDueAt']).default('-receivedAt'),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_EXPORT_ROWS)
    .default(10_000)
    .meta({ description: `At most this many rows (default 10,000, at most ${MAX_EXPORT_ROWS.toLocaleString('en')})` }),
});

const FLAGS = ['overdue', 'atRisk', 'mass', 'complex', 'remote', 'suspended'] as const;
/**
 * Column headings (Vietnamese, with the API field name) and the value of each row. `stage` is the step's name as
 * the API compares it (a built-in's is English); `Bước xử lý` beside it is its Vietnamese label (`stageLabel`).
 */
const COLUMNS: Array<[string, (r: CaseSearchRow) => string | boolean | null]> = [
  ['Số hồ sơ (reference)', (r) => r.reference],
  ['Loại (caseType)', (r) => r.caseType],
  ['Kênh tiếp nhận (channel)', (r) => r.channel],
  ['Cơ quan (agencyId)', (r) => r.agencyId],
  ['Nội dung (subject)', (r) => r.subject],
  ['Ngày nhận (receivedAt)', (r) => withVnInstants(r.receivedAt) as string],
  ['Bước (stage)', (r) => r.stage],
  ['Bước xử lý', (r) => stageLabel(r.stage)],
  ['Trạng thái (status)', (r) => r.status],
  ['Hạn tiếp theo (nextDueAt)', (r) => (r.nextDueAt === null ? null : (withVnInstants(r.nextDueAt) as string))],
  ...FLAGS.map((f): [string, (r: CaseSearchRow) => boolean] => [f, (r) => r.flags[f] === true]),
  ['Mã (id)', (r) => r.id],
];

/** A CSV field; text that a spreadsheet would run as a formula is prefixed with `'`. */
function csvField(v: string | boolean | null): string {
  if (v === null) return '';
  const s = typeof v === 'boolean' ? String(v) : /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function toCsv(rows: CaseSearchRow[]): string {
  const lines = [COLUMNS.map(([h]) => csvField(h)), ...rows.map((r) => COLUMNS.map(([, v]) => csvField(v(r))))];
  return `\uFEFF${lines.map((l) => l.join(',')).join('\r\n')}\r\n`;
}

async function toXlsx(rows: CaseSearchRow[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'kntc-flow';
  const ws = wb.addWorksheet('Hồ sơ');
  ws.addRow(COLUMNS.map(([h]) => h)).font = { bold: true };
  for (const r of rows) ws.addRow(COLUMNS.map(([, v]) => v(r)));
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const CONTENT = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

export const caseExportRoutes: RouteSpec[] = [
  defineRoute({
    method: 'get',
    path: '/v1/cases/export',
    operationId: 'exportCases',
    tags: ['Cases'],
    summary: "Export the cases a search selects (caller's agency subtree) as CSV or XLSX, audited",
    description:
      'Takes exactly the filters and sort of `GET /v1/cases`, plus `format` and a row `limit`. The file has one ' +
      'row per case (reference, type, channel, agency, subject, receipt, stage, status, next due, flags, id); ' +
      '`X-Total-Count` is the number of cases the filter selects and `X-Truncated: true` says the file stops at ' +
      '`limit`. Every export is written to the audit log (`case.export`: the filter and the row count).',
    auth: { roles: ['officer', 'supervisor', 'auditor', 'admin'], scope: { kind: 'subtree' } },
    request: { query: CaseExportQuery, queryExample: { format: 'xlsx', overdue: 'true', status: 'open' } },
    responses: {
      200: { description: 'The CSV file (XLSX with `format=xlsx`)', contentType: CONTENT.csv },
    },
    handler: async ({ query, subtree, services, principal, requestId, res }) => {
      const filter = await resolveCaseFilter(query, subtree, services.agencies);
      const total = await services.caseFigures.count(filter);
      const rows: CaseSearchRow[] = [];
      let after: { k: string; id: string } | undefined;
      while (rows.length < query.limit) {
        const page = await services.caseSearch.search({
          ...filter,
          sort: query.sort,
          ...(after ? { after } : {}),
          limit: Math.min(PAGE, query.limit - rows.length),
        });
        rows.push(...page);
        const last = page.at(-1);
        if (!last || page.length < PAGE) break;
        after = { k: last.sortKey, id: last.id };
      }
      const params = Object.fromEntries(
        caseFilterParams(
          Object.fromEntries(CASE_FILTER_FIELDS.flatMap((k) => (query[k] === undefined ? [] : [[k, query[k]]]))),
        ),
      );
      // On record before the file leaves: who exported which cases.
      await services.audit.append({
        actor: actorOf(principal),
        action: 'case.export',
        requestId,
        after: { format: query.format, filter: params, sort: query.sort, rows: rows.length, total },
      });
      const body = query.format === 'csv' ? toCsv(rows) : await toXlsx(rows);
      const day = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
      res
        .status(200)
        .type(CONTENT[query.format])
        .set('Content-Disposition', `attachment; filename="cases_${day}.${query.format}"`)
        .set('Cache-Control', 'no-store')
        .set('X-Total-Count', String(total))
        .set('X-Truncated', String(total > rows.length))
        .send(body);
    },
  }),
];
