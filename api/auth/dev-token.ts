import { SignJWT } from 'jose';
import type { Role } from './principal.js';

/** Signs an HS256 token with our claims (local use, tests, and tools; production uses its IdP). */
export async function signToken(
  secret: string,
  claims: {
    sub: string;
    name?: string;
    agency: string;
    roles: Role[];
    permissions?: string[];
    issuer?: string;
    audience?: string;
    expiresIn?: string;
  },
): Promise<string> {
  let jwt = new SignJWT({
    name: claims.name,
    agency: claims.agency,
    roles: claims.roles,
    permissions: claims.permissions ?? [],
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(claims.expiresIn ?? '1h');
  if (claims.issuer) jwt = jwt.setIssuer(claims.issuer);
  if (claims.audience) jwt = jwt.setAudience(claims.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}

/**
 * The ready-to-use admin token `npm start` prints: role `admin` at the root of the demo province,
 * valid for the configured maximum token lifetime (`JWT_MAX_LIFETIME`, default 24 h; a new one is
 * printed at every start). It has no `identity:read` (denouncer identities stay redacted unless a
 * token carries that permission explicitly).
 */
export function issueDevAdminToken(cfg: {
  jwtSecret: string;
  issuer?: string;
  audience?: string;
  lifetimeS?: number;
}): Promise<string> {
  return signToken(cfg.jwtSecret, {
    sub: 'local-admin',
    name: 'Local administrator',
    agency: 'tinh-demo',
    roles: ['admin'],
    issuer: cfg.issuer,
    audience: cfg.audience,
    expiresIn: `${cfg.lifetimeS ?? 24 * 3600}s`,
  });
}
