/**
 * Stuck cases (ADR 0017): the cases whose workflow task keeps failing, listed for admins of their
 * agency subtree, and their reset to before the bad input (Temporal's workflow reset), audited with
 * the admin's reason.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { actorOf } from '../auth/principal.js';
import { HttpProblem } from '../problem.js';
import { CaseId } from '../schemas.js';
import { defineRoute, type RouteSpec } from '../routing/define-route.js';
import { findStuckCases, resetCase, ResetRefused } from '../stuck-cases.js';

const StuckCaseView = z
  .object({
    caseId: z.string(),
    reference: z.string(),
    caseType: z.string(),
    agencyId: z.string(),
    workflowId: z.string(),
    runId: z.string(),
    attempts: z.number().int().meta({ description: 'Attempt of the failing workflow task (failures so far + 1)' }),
    failingSince: z.string().nullable().meta({ description: 'When the failing workflow task was first scheduled' }),
    lastFailure: z
      .string()
      .nullable()
      .meta({ description: 'The failure recorded in the workflow history (cut to 500 characters)' }),
    lastUpdateEventId: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'The last accepted Update: `before: "last-update"` resets to before it' }),
    links: z.object({ case: z.string(), reset: z.string() }),
  })
  .meta({ id: 'StuckCase' });

const ResetBody = z
  .strictObject({
    eventId: z.number().int().positive().optional().meta({
      description:
        'A WorkflowTaskCompleted event of the current run (GET /v1/cases/:id/history): that workflow task runs again without what followed',
    }),
    before: z.enum(['last-update']).optional().meta({
      description:
        '`last-update`: to before the last accepted Update (a task completion or legal event), which is dropped',
    }),
    reason: z
      .string()
      .trim()
      .min(10)
      .max(1000)
      .meta({ description: 'Why the case is reset (kept in the audit log only; no personal data)' }),
    reapplySignals: z.boolean().optional().meta({
      description:
        "Reapply the signals received after the reset point (calendar changes, linked cases' completions); default true. Updates are never reapplied.",
    }),
  })
  .refine((b) => (b.eventId === undefined) !== (b.before === undefined), {
    message: 'give either eventId or before',
    path: ['before'],
  })
  .meta({ id: 'ResetCase' });

export const adminCaseRoutes: RouteSpec[] = [
  defineRoute({
    method: 'get',
    path: '/v1/admin/stuck-cases',
    operationId: 'listStuckCases',
    tags: ['Operations'],
    summary: 'Cases whose workflow task keeps failing (admins, within their agency subtree)',
    description: `A running case whose pending workflow task has failed at least twice (attempt ≥ 3). Their number is the \`kntc_cases_stuck\` gauge of /metrics. Found through Temporal (visibility, then one describe per running case): an operations view, not a hot path.`,
    auth: { roles: ['admin'], scope: { kind: 'subtree' } },
    responses: {
      200: { description: 'Stuck cases', schema: z.object({ items: z.array(StuckCaseView) }) },
      503: { description: 'Temporal did not answer' },
    },
    handler: async ({ subtree, services }) => {
      let items;
      try {
        items = await findStuckCases(services.deps, { agencies: subtree });
      } catch (e) {
        services.deps.logger.warn({ err: e }, 'stuck cases: Temporal did not answer');
        throw new HttpProblem(
          503,
          'temporal-unavailable',
          'Temporal did not answer',
          'The stuck cases are found through Temporal, which did not answer; try again',
        );
      }
      return {
        body: {
          items: items.map((s) => ({
            ...s,
            links: { case: `/v1/cases/${s.caseId}`, reset: `/v1/admin/cases/${s.caseId}/reset` },
          })),
        },
      };
    },
  }),

  defineRoute({
    method: 'post',
    path: '/v1/admin/cases/:id/reset',
    operationId: 'resetCase',
    tags: ['Operations'],
    summary:
      "Reset a running case to before its bad input (Temporal workflow reset; admins of the case's agency subtree)",
    description:
      'Resets the case workflow to a WorkflowTaskCompleted event: `eventId`, or `before: "last-update"` — the workflow task that accepted the last Update, which is dropped. Updates after the reset point are not reapplied (the officer enters the corrected input again); signals are, unless `reapplySignals: false`. ' +
      'The read model goes back to the reset point and shows the new run. Audited (`case.reset`) with the reason. A case that is not running answers 409.',
    auth: { roles: ['admin'], scope: { kind: 'case', param: 'id' } },
    request: {
      params: z.object({ id: CaseId }),
      body: ResetBody,
      bodyExample: {
        before: 'last-update',
        reason: 'acceptedOn entered as 2026-01-05 instead of 2026-12-01; the case is stuck since',
      },
    },
    responses: {
      200: {
        description: 'Reset: the new run',
        schema: z.object({
          caseId: z.string(),
          previousRunId: z.string(),
          runId: z.string(),
          eventId: z.number().int(),
          droppedUpdateEventId: z.number().int().nullable(),
        }),
      },
      409: { description: 'The case is not running, or has no Update to drop' },
      422: { description: 'The body is not valid, or eventId is not a WorkflowTaskCompleted event of the current run' },
    },
    handler: async ({ body, principal, services, requestId, ...ctx }) => {
      const c = ctx.case;
      let r;
      try {
        r = await resetCase(
          services.deps,
          { id: c.id, workflowId: c.workflowId, caseType: c.caseType, agencyId: c.agencyId },
          body,
          requestId,
        );
      } catch (e) {
        if (e instanceof ResetRefused)
          throw new HttpProblem(e.status, e.code, 'The case cannot be reset so', e.message);
        throw e;
      }
      await services.audit.append({
        actor: actorOf(principal),
        action: 'case.reset',
        caseId: c.id,
        requestId,
        // The failure's text may quote case data: the audit log keeps its hash only (references, ADR 0006).
        before: {
          runId: r.previousRunId,
          droppedUpdateEventId: r.droppedUpdateEventId,
          lastFailureSha256: r.lastFailure === null ? null : createHash('sha256').update(r.lastFailure).digest('hex'),
        },
        after: {
          runId: r.runId,
          resetToEventId: r.eventId,
          reason: body.reason,
          reapplySignals: body.reapplySignals !== false,
        },
      });
      return {
        body: {
          caseId: c.id,
          previousRunId: r.previousRunId,
          runId: r.runId,
          eventId: r.eventId,
          droppedUpdateEventId: r.droppedUpdateEventId,
        },
      };
    },
  }),
];
