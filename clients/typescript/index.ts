/**
 * A typed client of the kntc-flow API: openapi-fetch over the types openapi-typescript generates from
 * the OpenAPI document (schema.d.ts; `npm run client:generate`). Paths, parameters, bodies and
 * answers — errors included (problem+json) — are checked by the TypeScript compiler.
 *
 *   const kntc = createKntcClient('https://kntc.example.vn', token);
 *   const { data, error, response } = await kntc.GET('/v1/cases/{id}', { params: { path: { id } } });
 */
import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, operations, paths } from './schema.js';

export type { components, operations, paths };
export type KntcClient = Client<paths>;
/** RFC 9457 problem details, the body of every error. */
export type Problem = components['schemas']['Problem'];

/**
 * A client of the API at `baseUrl` (no trailing `/v1`: paths carry it) sending `token` as the bearer
 * credential (a person's JWT; an integrating system's API key goes as `ApiKey <key>`: pass
 * `{ headers: { Authorization: 'ApiKey …' } }` in `options` and an empty token).
 */
export function createKntcClient(
  baseUrl: string,
  token: string,
  options: Omit<ClientOptions, 'baseUrl'> = {},
): KntcClient {
  return createClient<paths>({
    ...options,
    baseUrl: baseUrl.replace(/\/+$/, ''),
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(options.headers as Record<string, string> | undefined),
    },
  });
}
