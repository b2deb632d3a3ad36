import { webcrypto } from 'node:crypto';
import type { Request } from 'express';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { hashApiKey, type ApiKeyRecord, type ApiKeyStore } from '../../db/api-keys.js';
import { HttpProblem } from '../problem.js';
import { ROLES, type Principal, type Role } from './principal.js';

/** How people's tokens are verified: an HS256 secret, or the keys of an identity provider (JWKS). */
export interface AuthOptions {
  jwtSecret?: string;
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  /** How long a verified JWT is trusted without verifying it again (ms; never past its `exp`); 0 disables. */
  tokenCacheMs?: number;
  /** How long an API key look-up is trusted (ms); a revocation made in another process is seen within it; 0 disables. */
  apiKeyCacheMs?: number;
  /** Longest lifetime a token may have (seconds; `exp` minus `iat`, or minus now without `iat`). Default {@link JWT_MAX_LIFETIME_S}. */
  maxLifetimeS?: number;
  /** Clock skew tolerated on `exp`, `nbf` and `iat` (seconds). Default {@link JWT_CLOCK_SKEW_S}. */
  clockSkewS?: number;
}

/** Default longest token lifetime: 24 hours (`JWT_MAX_LIFETIME`). */
export const JWT_MAX_LIFETIME_S = 24 * 3600;
/** Default clock skew tolerated between the identity provider and this server (`JWT_CLOCK_SKEW`). */
export const JWT_CLOCK_SKEW_S = 60;

/** A verified token is re-verified after this long at most (and never used past its `exp`). */
export const TOKEN_CACHE_MS = 60_000;
/**
 * An API key's look-up (active, agency, roles) is trusted this long. A revocation through this process
 * applies at once; one made by another process (another API replica, an operator's SQL) within this bound.
 */
export const API_KEY_CACHE_MS = 5_000;
/** Entries per cache (least recently used dropped first). */
const CACHE_MAX = 1_000;

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

/** A bounded map with expiry; insertion order doubles as recency (a hit is re-inserted). */
class ExpiringLru<V> {
  private readonly m = new Map<string, { v: V; until: number }>();
  constructor(
    private readonly max: number,
    private readonly now: () => number,
  ) {}
  get(k: string): V | undefined {
    const e = this.m.get(k);
    if (!e) return undefined;
    this.m.delete(k);
    if (e.until <= this.now()) return undefined;
    this.m.set(k, e);
    return e.v;
  }
  set(k: string, v: V, until: number): void {
    if (until <= this.now()) return;
    this.m.delete(k);
    this.m.set(k, { v, until });
    if (this.m.size > this.max) this.m.delete(this.m.keys().next().value!);
  }
  deleteWhere(pred: (v: V) => boolean): void {
    for (const [k, e] of this.m) if (pred(e.v)) this.m.delete(k);
  }
  clear(): void {
    this.m.clear();
  }
}

/**
 * A token's lifetime must not exceed `maxS`: `exp - iat` when `iat` is present (an `iat` in the future
 * beyond the skew is refused), and in any case `exp - now` (a token cannot be valid for longer than
 * the maximum from now on). Returns the problem, or undefined.
 */
export function checkLifetime(
  payload: { exp?: unknown; iat?: unknown },
  nowS: number,
  maxS: number,
  skewS: number,
): string | undefined {
  const exp = payload.exp;
  if (typeof exp !== 'number') return 'Token has no expiry (exp)';
  if (payload.iat !== undefined) {
    if (typeof payload.iat !== 'number') return 'Token has an invalid issued-at time (iat)';
    if (payload.iat > nowS + skewS) return 'Token is issued in the future (iat)';
    if (exp - payload.iat > maxS) return `Token lifetime exceeds the maximum of ${maxS} s`;
  }
  if (exp - nowS > maxS + skewS) return `Token lifetime exceeds the maximum of ${maxS} s`;
  return undefined;
}

/** A copy per request: handlers never share (or alter) the cached principal. */
const copyOf = (p: Principal): Principal => ({ ...p, roles: [...p.roles], permissions: [...p.permissions] });

/**
 * Reads the caller's credential: `X-Api-Key: <key>` or `Authorization: ApiKey <key>` for systems,
 * `Authorization: Bearer <jwt>` for people. No credential → undefined; a bad one → 401.
 *
 * Both are cached per process (ADR 0011, follow-up): a token string that verified maps to its principal
 * until the earlier of its `exp` and `tokenCacheMs` (a token is immutable: the same string verifies the same
 * way until it expires); an API key's SHA-256 maps to its record for `apiKeyCacheMs`. Failures are never
 * cached. `forgetApiKey(id)` drops a key at once — call it when revoking (`createServices` does).
 */
export function createAuthenticator(
  opts: AuthOptions,
  apiKeys: Pick<ApiKeyStore, 'findActive'>,
  clock: { now?: () => number } = {},
) {
  const now = clock.now ?? Date.now;
  let key: JWTVerifyGetKey | undefined;
  let hmacKey: Promise<webcrypto.CryptoKey> | undefined;
  if (opts.jwksUrl) key = createRemoteJWKSet(new URL(opts.jwksUrl));
  else if (opts.jwtSecret) {
    // Imported once, not per request (jose imports a raw secret on every verification).
    hmacKey = webcrypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(opts.jwtSecret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['verify'],
    );
  }
  const tokenTtl = opts.tokenCacheMs ?? TOKEN_CACHE_MS;
  const maxLifetimeS = opts.maxLifetimeS ?? JWT_MAX_LIFETIME_S;
  const skewS = opts.clockSkewS ?? JWT_CLOCK_SKEW_S;
  const apiKeyTtl = opts.apiKeyCacheMs ?? API_KEY_CACHE_MS;
  const tokens = new ExpiringLru<Principal>(CACHE_MAX, now);
  const keys = new ExpiringLru<ApiKeyRecord>(CACHE_MAX, now);
  /**
   * Ids being revoked: not cached again for a while, so that a look-up racing the revoking transaction
   * (which still sees the key active) cannot re-cache it after `forgetApiKey`.
   */
  const revoking = new Map<string, number>();
  const REVOKING_MS = 60_000;

  async function findApiKey(apiKey: string): Promise<ApiKeyRecord | undefined> {
    if (apiKeyTtl <= 0) return apiKeys.findActive(apiKey);
    const h = hashApiKey(apiKey);
    const hit = keys.get(h);
    if (hit) return hit;
    const t0 = now();
    const rec = await apiKeys.findActive(apiKey);
    if (rec) {
      const r = revoking.get(rec.id);
      if (r !== undefined && r <= t0) revoking.delete(rec.id);
      else if (r === undefined) keys.set(h, rec, t0 + apiKeyTtl);
    }
    return rec;
  }

  async function verifyToken(bearer: string): Promise<Principal> {
    const cached = tokenTtl > 0 ? tokens.get(bearer) : undefined;
    if (cached) return copyOf(cached);
    if (!key && !hmacKey) throw unauthenticated('Token authentication is not configured');
    let payload: Record<string, unknown>;
    // `exp` is required; `nbf` (when present) and `exp` are checked by jose with a small skew.
    const verifyOpts = {
      issuer: opts.issuer,
      audience: opts.audience,
      requiredClaims: ['exp'],
      clockTolerance: skewS,
      currentDate: new Date(now()),
    };
    try {
      if (hmacKey) {
        ({ payload } = await jwtVerify(bearer, await hmacKey, { ...verifyOpts, algorithms: ['HS256'] }));
      } else {
        ({ payload } = await jwtVerify(bearer, key as JWTVerifyGetKey, verifyOpts));
      }
    } catch {
      throw unauthenticated('Invalid or expired token');
    }
    const lifetimeProblem = checkLifetime(payload, now() / 1000, maxLifetimeS, skewS);
    if (lifetimeProblem) throw unauthenticated(lifetimeProblem);
    const c = Claims.safeParse(payload);
    if (!c.success) throw unauthenticated('Token lacks the required claims (sub, agency, roles)');
    const p: Principal = {
      type: 'user',
      id: c.data.sub,
      name: c.data.name,
      agencyId: c.data.agency,
      roles: knownRoles(c.data.roles),
      permissions: c.data.permissions ?? [],
    };
    if (tokenTtl > 0) {
      const exp = typeof payload.exp === 'number' ? payload.exp * 1000 : Infinity;
      tokens.set(bearer, p, Math.min(exp, now() + tokenTtl));
    }
    return copyOf(p);
  }

  async function authenticate(req: Request): Promise<Principal | undefined> {
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
      const rec = await findApiKey(apiKey);
      if (!rec) throw unauthenticated('Invalid or revoked API key');
      return {
        type: 'api_key',
        id: rec.id,
        name: rec.name,
        agencyId: rec.agencyId,
        roles: knownRoles(rec.roles),
        permissions: [],
      };
    }
    if (bearer !== undefined) return verifyToken(bearer);
    return undefined;
  }

  return Object.assign(authenticate, {
    /** Drops the cached look-up of this key at once, and keeps it uncached for a while (call before and after revoking). */
    forgetApiKey(id: string): void {
      keys.deleteWhere((r) => r.id === id);
      revoking.set(id, now() + REVOKING_MS);
      for (const [k, until] of revoking) if (until <= now()) revoking.delete(k);
    },
    /** Empties both caches. */
    clearCaches(): void {
      tokens.clear();
      keys.clear();
    },
  });
}

export type Authenticate = ReturnType<typeof createAuthenticator>;
