import { z } from 'zod';
import { actorOf, AGENCY_ROLES } from '../auth/principal.js';
import { defineRoute, type RouteSpec } from '../routing/define-route.js';
import { AgencyId, Cursor, encodeCursor } from '../schemas.js';

const ApiKeyView = z
  .object({
    id: z.string(),
    name: z.string(),
    agencyId: z.string(),
    roles: z.array(z.string()),
    createdBy: z.string(),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiKey' });

const CreateApiKey = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    agencyId: AgencyId,
    // Agency roles only: the system level (system_admin) is never given to a key (ADR 0013).
    roles: z.array(z.enum(AGENCY_ROLES)).min(1).max(AGENCY_ROLES.length),
  })
  .meta({ id: 'CreateApiKey' });

const KeyId = z.string().regex(/^ak_[0-9a-f]{16}$/);

export const apiKeyRoutes: RouteSpec[] = [
  defineRoute({
    method: 'post',
    path: '/v1/api-keys',
    operationId: 'createApiKey',
    tags: ['Access'],
    summary: 'Create an API key for an integrating system (the key is shown once)',
    auth: { roles: ['admin'], scope: { kind: 'body-agency', field: 'agencyId' } },
    request: {
      body: CreateApiKey,
      bodyExample: { name: 'Cổng dịch vụ công tỉnh', agencyId: 'so-tnmt', roles: ['intake'] },
    },
    responses: {
      201: {
        description: 'The key record and the key itself (store it now: it cannot be shown again)',
        schema: ApiKeyView.extend({ key: z.string() }),
      },
    },
    handler: async ({ body, principal, services, requestId }) => {
      const { record, key } = await services.apiKeyAdmin.create(
        { name: body.name, agencyId: body.agencyId, roles: [...body.roles] },
        actorOf(principal),
        requestId,
      );
      return { status: 201, body: { ...record, key } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/api-keys',
    operationId: 'listApiKeys',
    tags: ['Access'],
    summary: "List API keys of the caller's agency subtree",
    auth: { roles: ['admin'], scope: { kind: 'subtree' } },
    request: {
      query: z.strictObject({
        after: Cursor.optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
    },
    responses: {
      200: {
        description: 'Keys, newest first (never the keys themselves); `next` is the URL of the following page',
        schema: z.object({ items: z.array(ApiKeyView), next: z.string().nullable() }),
      },
    },
    handler: async ({ query, subtree, services }) => {
      const rows = await services.apiKeys.list(subtree, {
        ...(query.after ? { after: query.after } : {}),
        limit: query.limit,
      });
      const last = rows[rows.length - 1];
      return {
        body: {
          items: rows.map(({ sortKey: _k, ...k }) => k),
          next:
            rows.length === query.limit && last
              ? `/v1/api-keys?limit=${query.limit}&after=${encodeCursor({ k: last.sortKey, id: last.id })}`
              : null,
        },
      };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/api-keys/:id',
    operationId: 'revokeApiKey',
    tags: ['Access'],
    summary: 'Revoke an API key',
    auth: { roles: ['admin'], scope: { kind: 'api-key', param: 'id' } },
    request: { params: z.object({ id: KeyId }) },
    responses: { 204: { description: 'Revoked (also when it already was)' } },
    handler: async ({ res, params, principal, services, requestId }) => {
      await services.apiKeyAdmin.revoke(params.id, actorOf(principal), requestId);
      res.status(204).end();
    },
  }),
];
