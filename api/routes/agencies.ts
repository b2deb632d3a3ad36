import { z } from 'zod';
import { ROLES } from '../auth/principal.js';
import { defineRoute, type RouteSpec } from '../routing/define-route.js';

const Agency = z
  .object({
    id: z.string(),
    parentId: z.string().nullable(),
    name: z.string(),
    level: z.enum(['province', 'department', 'commune']),
    kind: z.string().nullable().meta({ description: '`inspectorate`: the state inspectorate of its level (ADR 0010)' }),
    closedAt: z
      .string()
      .nullable()
      .meta({ description: 'Closed agencies (ADR 0024) stay listed: their cases moved to `successorId`' }),
    successorId: z.string().nullable(),
  })
  .meta({ id: 'Agency' });

export const agencyRoutes: RouteSpec[] = [
  defineRoute({
    method: 'get',
    path: '/v1/agencies',
    operationId: 'listAgencies',
    tags: ['Access'],
    summary: "The caller's agency and every agency below it (the ids to use in agencyId fields)",
    auth: { roles: ROLES, scope: { kind: 'subtree' } },
    responses: {
      200: {
        description: "Agencies of the caller's subtree, parents first",
        schema: z.object({ items: z.array(Agency) }),
      },
    },
    handler: async ({ subtree, services }) => {
      return { body: { items: await services.agencyRecords.list(subtree) } };
    },
  }),
];
