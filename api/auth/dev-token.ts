import { SignJWT } from 'jose';
import type { Role } from './principal.js';

/** Signs an HS256 token with our claims (local use, tests, and tools; production uses its IdP). */
export async function signToken(secret: string, claims: {
  sub: string; name?: string; agency: string; roles: Role[]; permissions?: string[];
  issuer?: string; audience?: string; expiresIn?: string;
}): Promise<string> {
  let jwt = new SignJWT({ name: claims.name, agency: claims.agency, roles: claims.roles, permissions: claims.permissions ?? [] })
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
 * valid 30 days. It has no `identity:read` (denouncer identities stay redacted unless a token
 * carries that permission explicitly).
 */
export function issueDevAdminToken(cfg: { jwtSecret: string; issuer?: string; audience?: string }): Promise<string> {
  return signToken(cfg.jwtSecret, {
    sub: 'local-admin', name: 'Local administrator', agency: 'tinh-demo', roles: ['admin'],
    issuer: cfg.issuer, audience: cfg.audience, expiresIn: '30d',
  });
}
