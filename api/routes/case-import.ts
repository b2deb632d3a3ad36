/**
 * `POST /v1/cases/import` (ADR 0027): cases already under way in another system, each started at the
 * step its established facts reach, its clocks counted from them. Per-row results; a dry run writes
 * nothing. The CLI (`npm run import`) posts files to it.
 */
import { z } from 'zod';
import { withVnInstants } from '../instants.js';
import { importCases, MAX_IMPORT_ROWS } from '../import/service.js';
import { defineRoute, type RouteSpec } from '../routing/define-route.js';
import { NameLabel } from '../schemas.js';

const ImportBody = z
  .strictObject({
    source: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .regex(/^[^\s].*$/)
      .default('api')
      .meta({
        description:
          'The source system or file, as the clocks\' derivations name it ("imported: accepted on 06/07/2026 per source …")',
      }),
    dryRun: z
      .boolean()
      .default(false)
      .meta({ description: 'Validate every row, compute the step and clocks it reaches, write and start nothing' }),
    rows: z.array(z.record(z.string(), z.unknown())).min(1).max(MAX_IMPORT_ROWS).meta({
      description:
        'Cases (`ImportCaseRow`: the `POST /v1/cases` body + `sourceId` + `steps`), each validated on its own: a bad row is reported, the others go on',
    }),
  })
  .meta({ id: 'ImportCases' });

const RowError = z.object({ field: z.string(), message: z.string() });
const RowResult = z
  .object({
    index: z.number().int(),
    sourceId: z.string().nullable(),
    outcome: z.enum(['imported', 'existing', 'valid', 'rejected', 'conflict', 'failed']),
    status: z.number().int().meta({
      description:
        "The row's own status: 201 imported, 200 existing / valid (dry run), 404 agency not in your subtree, 409 source id imported with other content, 422 invalid, 503 not recorded (retry)",
    }),
    caseId: z.string().optional(),
    reference: z.string().optional(),
    definition: z.string().optional(),
    preview: z
      .object({
        status: z.string(),
        stage: z.string(),
        openTasks: z.array(
          z.object({ nodeId: z.string(), name: z.string(), nameLabel: NameLabel, dueAt: z.string().nullable() }),
        ),
        clocks: z.array(z.record(z.string(), z.unknown())),
        pastBreaches: z.array(
          z.object({
            nodeId: z.string(),
            ruleId: z.string(),
            legalBasis: z.string(),
            due: z.string(),
            at: z.string(),
            status: z.string(),
            imported: z.boolean().optional(),
          }),
        ),
        caseEvents: z.record(z.string(), z.string()),
      })
      .optional()
      .meta({
        description:
          'The step the facts reach, its clocks (with derivations) and the limits the facts show missed (recorded, not escalated)',
      }),
    errors: z.array(RowError).optional(),
  })
  .meta({ id: 'ImportRowResult' });
const ImportResult = z
  .object({
    dryRun: z.boolean(),
    source: z.string(),
    total: z.number().int(),
    counts: z.object({
      imported: z.number().int(),
      existing: z.number().int(),
      valid: z.number().int(),
      rejected: z.number().int(),
      conflict: z.number().int(),
      failed: z.number().int(),
    }),
    results: z.array(RowResult),
  })
  .meta({ id: 'ImportResult' });

const example = {
  source: 'legacy-kntc-2025',
  dryRun: true,
  rows: [
    {
      sourceId: 'SO-TNMT/KN/2026/0142',
      type: 'complaint_first',
      channel: 'reception_desk',
      receivedAt: '2026-07-01T09:30:00+07:00',
      agencyId: 'so-tnmt',
      subject: 'Khiếu nại quyết định thu hồi đất',
      steps: [
        {
          task: 'accept',
          on: '2026-07-06',
          data: { acceptanceDecision: 'accept', acceptanceNoticeOn: '2026-07-06', acceptedOn: '2026-07-06' },
        },
        { event: 'extend', date: '2026-07-20', amount: 15, ruleId: 'K3', decision: '20/QĐ-UBND' },
      ],
    },
  ],
};

export const caseImportRoutes: RouteSpec[] = [
  defineRoute({
    method: 'post',
    path: '/v1/cases/import',
    operationId: 'importCases',
    tags: ['Cases'],
    summary:
      'Import cases already under way: each starts at the step its established facts reach, its clocks counted from them',
    description:
      "Each row is the `POST /v1/cases` body plus `sourceId` (the case's id in the source: the import is idempotent per source id — the same row again " +
      'answers the same case, another row under it 409) and `steps`: the task completions (`task`, `on`, `data`) and legal events (`event` as its route, `date`, ' +
      "its body's fields) the source shows, in order. Every row is checked whole against the definition version it pins (the step open when each fact " +
      "comes, form data and date rules, dates in order and not in the future, the law's limits on extensions) before anything is written; a row is imported " +
      'entirely or not at all. A limit the facts show missed is recorded on the case as a past breach (flag `overdue`, `breaches[].imported`) without ' +
      'opening an escalation; a limit they satisfy never breaches; a clock still running continues. Per-row results, always 200.',
    auth: { roles: ['admin'], scope: { kind: 'subtree' } },
    request: { body: ImportBody, bodyExample: example },
    responses: {
      200: {
        description: 'Per-row results (imported / existing / valid / rejected / conflict / failed)',
        schema: ImportResult,
      },
    },
    handler: async ({ req, body, principal, subtree, services, requestId }) => {
      const summary = await importCases({
        services,
        principal,
        subtree,
        requestId,
        log: req.log,
        source: body.source,
        rows: body.rows,
        dryRun: body.dryRun,
      });
      return { status: 200, body: withVnInstants(summary) };
    },
  }),
];
