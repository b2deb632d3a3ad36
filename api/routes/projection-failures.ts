import { z } from 'zod';
import { defineRoute, type RouteSpec } from '../routing/define-route.js';

const ProjectionFailure = z
  .object({
    caseId: z.string(),
    agencyId: z.string().nullable(),
    seq: z.number().int(),
    reason: z
      .string()
      .meta({ description: 'untranslatable_character, invalid_text, data_exception or limit_exceeded' }),
    sqlstate: z.string().nullable(),
    outcome: z.enum(['sanitized', 'failed']).meta({
      description:
        '`sanitized`: written with the refused characters replaced by U+FFFD; `failed`: not written, the read model shows the last good projection',
    }),
    occurrences: z.number().int(),
    firstAt: z.string(),
    lastAt: z.string(),
  })
  .meta({ id: 'ProjectionFailure' });

export const projectionFailureRoutes: RouteSpec[] = [
  defineRoute({
    method: 'get',
    path: '/v1/admin/projection-failures',
    operationId: 'listProjectionFailures',
    tags: ['Admin'],
    summary: 'Cases whose read-model projection the database refused (ADR 0016)',
    description:
      'A projection PostgreSQL refuses for its data (a NUL, a lone surrogate, text of the wrong type) is never retried forever: ' +
      'it is written with the refused characters replaced, or skipped, counted in `kntc_projection_failures_total` and listed here ' +
      '(the latest per case; no input text).',
    auth: { roles: ['admin'], scope: { kind: 'subtree' } },
    responses: {
      200: {
        description: 'The latest refused projection of each case, latest first',
        schema: z.object({ items: z.array(ProjectionFailure) }),
      },
    },
    handler: async ({ subtree, services }) => {
      const items = await services.projectionFailures.list(subtree);
      return { body: { items } };
    },
  }),
];
