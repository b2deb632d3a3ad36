import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { openApiPath, type RouteSpec } from './routing/define-route.js';
import { IDEMPOTENCY_KEY } from './schemas.js';

/** RFC 9457 problem details, as every error is rendered. */
export const ProblemSchema = z
  .object({
    type: z.string().meta({ example: 'https://kntc-flow.vn/problems/validation' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

/**
 * The OpenAPI 3.1 document, generated from the same route specs that are mounted: what /docs shows
 * is what runs. Each operation carries `x-kntc-auth` (roles and scope) and its security schemes.
 */
export function buildOpenApi(specs: readonly RouteSpec[], info: { version: string }) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'People: a JWT with claims sub, name, agency, roles[] and optional permissions[] (e.g. identity:read).',
  });
  registry.registerComponent('securitySchemes', 'apiKey', {
    type: 'apiKey',
    in: 'header',
    name: 'X-Api-Key',
    description: 'Integrating systems: an API key (also accepted as `Authorization: ApiKey <key>`).',
  });

  for (const s of specs) {
    if (s.hidden) continue;
    const rq = s.request ?? {};
    const responses: Record<string, unknown> = {};
    for (const [status, r] of Object.entries(s.responses)) {
      // An error declared without a body is rendered as problem details, like every error: say so (typed errors in generated clients).
      responses[status] = r.schema
        ? { description: r.description, content: { [r.contentType ?? 'application/json']: { schema: r.schema } } }
        : Number(status) >= 400
          ? problem(r.description)
          : { description: r.description };
    }
    if (rq.body || rq.query) responses['400'] ??= problem('Invalid request (fields named in `errors`)');
    if (s.auth !== 'public') {
      responses['401'] ??= problem('Missing or invalid credential');
      responses['403'] ??= problem('The caller lacks the role');
      if (s.auth.scope.kind !== 'none' && s.auth.scope.kind !== 'subtree')
        responses['404'] ??= problem("Not found, or outside the caller's agency subtree");
    } else if (rq.params) responses['404'] ??= problem('Not found');
    if (s.idempotencyKey) responses['422'] ??= problem('Idempotency-Key reused with a different request');
    if (rq.body) responses['413'] ??= problem('Body too large');

    const rule =
      s.auth === 'public'
        ? 'Public: no authentication.'
        : `Roles: ${s.auth.roles.join(', ')}. Scope: ${
            s.auth.scope.kind === 'none'
              ? 'not agency-bound'
              : s.auth.scope.kind === 'subtree'
                ? "results limited to the caller's agency subtree"
                : s.auth.scope.kind === 'governing-agency'
                  ? `governs the caller's agency subtree: \`${s.auth.scope.param}\` names an agency of it (default: the caller's own; otherwise 404), or \`system\` for the system level (${s.auth.scope.systemRoles.join(', ')} only; otherwise 403)`
                  : "the resource must be in the caller's agency subtree (otherwise 404)"
          }.`;
    registry.registerPath({
      method: s.method,
      path: openApiPath(s.path),
      operationId: s.operationId,
      summary: s.summary,
      description: [s.description, rule].filter(Boolean).join('\n\n'),
      tags: s.tags,
      security: s.auth === 'public' ? [] : [{ bearerAuth: [] }, { apiKey: [] }],
      request: {
        ...(rq.params ? { params: rq.params } : {}),
        ...(rq.query ? { query: rq.query } : {}),
        ...(s.idempotencyKey
          ? {
              headers: z.object({
                'Idempotency-Key': z.string().regex(IDEMPOTENCY_KEY).optional().meta({
                  description:
                    'Same key + same body → the same response; same key + different body → 422. 1-255 visible ASCII characters.',
                }),
              }),
            }
          : {}),
        ...(rq.body
          ? {
              body: {
                required: true,
                description: rq.textImport?.description,
                content: {
                  'application/json': { schema: rq.body, ...(rq.bodyExample ? { example: rq.bodyExample } : {}) },
                  ...Object.fromEntries((rq.textImport?.contentTypes ?? []).map((t) => [t, { schema: z.string() }])),
                },
              },
            }
          : {}),
      },
      responses: responses as never,
      'x-kntc-auth': s.auth === 'public' ? { public: true } : { roles: [...s.auth.roles], scope: s.auth.scope },
    } as never);
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'kntc-flow API',
      version: info.version,
      description:
        'Statutory lifecycle of citizen complaints, denunciations and petitions. Errors are RFC 9457 problem+json with stable `type` URIs. ' +
        'Authenticate with a JWT (Authorization: Bearer) or an API key (X-Api-Key). Every principal sees only its agency subtree.',
    },
    servers: [{ url: '/' }],
  });
}
