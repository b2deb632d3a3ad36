import type { Request } from 'express';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import type { ApiKeyStore } from '../../db/api-keys.js';
import { HttpProblem } from '../problem.js';
import { ROLES, type Principal, type Role } from './principal.js';

/** How people's tokens are verified: an HS256 secret, or the keys of an identity provider (JWKS). */
export interface AuthOptions {
  jwtSecret?: string;
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
}

/** Claims we read from a person's JWT. */
const Claims = z.object({
  sub: z.string().min(1).max(200),
  name: z.string().max(200).optional(),
  agency: z.string().min(1).max(64),
  roles: z.array(z.string()).max(10),
  permissions: z.array(z.string().max(100)).max(50).optional(),
});

export const unauthenticated = (detail: string) =>
  new HttpProblem(401, 'unauthenticated', 'Authentication required', detail);

function knownRoles(rs: string[]): Role[] {
  return rs.filter((r): r is Role => (ROLES as readonly string[]).includes(r));
}

/**
 * Reads the caller's credential: `X-Api-Key: <key>` or `Authorization: ApiKey <key>` for systems,
 * `Authorization: Bearer <jwt>` for people. No credential → undefined; a bad one → 401.
 */
export function createAuthenticator(opts: AuthOptions, apiKeys: ApiKeyStore) {
  let key: JWTVerifyGetKey | Uint8Array | undefined;
  if (opts.jwksUrl) key = createRemoteJWKSet(new URL(opts.jwksUrl));
  else if (opts.jwtSecret) key = new TextEncoder().encode(opts.jwtSecret);

  return async function authenticate(req: Request): Promise<Principal | undefined> {
    const authz = req.get('authorization');
    const headerKey = req.get('x-api-key');
    let apiKey: string | undefined = headerKey;
    let bearer: string | undefined;
    if (authz) {
      const m = /^(\w+)\s+(\S+)$/.exec(authz.trim());
      if (!m) throw unauthenticated('Malformed Authorization header');
      const scheme = m[1]!.toLowerCase();
      if (scheme === 'apikey') apiKey = m[2];
      else if (scheme === 'bearer') bearer = m[2];
      else throw unauthenticated('Unsupported authorization scheme (use Bearer or ApiKey)');
    }
    if (apiKey !== undefined) {
      if (apiKey.length > 200) throw unauthenticated('Invalid API key');
      const rec = await apiKeys.findActive(apiKey);
      if (!rec) throw unauthenticated('Invalid or revoked API key');
      return { type: 'api_key', id: rec.id, name: rec.name, agencyId: rec.agencyId, roles: knownRoles(rec.roles), permissions: [] };
    }
    if (bearer !== undefined) {
      if (!key) throw unauthenticated('Token authentication is not configured');
      let payload: unknown;
      try {
        ({ payload } = await jwtVerify(bearer, key as Uint8Array, {
          issuer: opts.issuer, audience: opts.audience,
          algorithms: opts.jwksUrl ? undefined : ['HS256'],
        }));
      } catch {
        throw unauthenticated('Invalid or expired token');
      }
      const c = Claims.safeParse(payload);
      if (!c.success) throw unauthenticated('Token lacks the required claims (sub, agency, roles)');
      return {
        type: 'user', id: c.data.sub, name: c.data.name, agencyId: c.data.agency,
        roles: knownRoles(c.data.roles), permissions: c.data.permissions ?? [],
      };
    }
    return undefined;
  };
}

export type Authenticate = ReturnType<typeof createAuthenticator>;
