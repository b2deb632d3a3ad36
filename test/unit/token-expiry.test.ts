/**
 * Tokens expire (issue 11 item 9): `exp` is required, the lifetime is bounded (JWT_MAX_LIFETIME),
 * `nbf` is honoured, and the tolerated clock skew is small (JWT_CLOCK_SKEW, 60 s by default).
 */
import type { Request } from 'express';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  checkLifetime,
  createAuthenticator,
  JWT_CLOCK_SKEW_S,
  JWT_MAX_LIFETIME_S,
} from '../../api/auth/authenticate.js';
import { issueDevAdminToken } from '../../api/auth/dev-token.js';
import type { ApiKeyStore } from '../../db/api-keys.js';
import { loadConfig } from '../../platform/config.js';

const secret = 'token-expiry-secret-token-expiry-secret';
const noKeys = { findActive: async () => undefined } as unknown as ApiKeyStore;
const bearer = (t: string) =>
  ({ get: (h: string) => (h.toLowerCase() === 'authorization' ? `Bearer ${t}` : undefined) }) as unknown as Request;
const NOW = Date.UTC(2026, 11, 2, 9, 0, 0);
const nowS = NOW / 1000;

/** A token with exactly these time claims (undefined = absent). */
function token(t: { iat?: number; exp?: number; nbf?: number }): Promise<string> {
  let j = new SignJWT({ agency: 'so-tnmt', roles: ['officer'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('u1');
  if (t.iat !== undefined) j = j.setIssuedAt(t.iat);
  if (t.exp !== undefined) j = j.setExpirationTime(t.exp);
  if (t.nbf !== undefined) j = j.setNotBefore(t.nbf);
  return j.sign(new TextEncoder().encode(secret));
}

const auth = (opts: { maxLifetimeS?: number; clockSkewS?: number } = {}) =>
  createAuthenticator({ jwtSecret: secret, tokenCacheMs: 0, ...opts }, noKeys, { now: () => NOW });

describe('token expiry', () => {
  it('defaults: 24 h lifetime, 60 s skew', () => {
    expect(JWT_MAX_LIFETIME_S).toBe(86_400);
    expect(JWT_CLOCK_SKEW_S).toBe(60);
    const c = loadConfig({});
    expect(c.auth.jwtMaxLifetimeS).toBe(86_400);
    expect(c.auth.jwtClockSkewS).toBe(60);
  });

  it('a correctly signed token without exp is refused (401)', async () => {
    await expect(auth()(bearer(await token({ iat: nowS })))).rejects.toMatchObject({ status: 401 });
    await expect(auth()(bearer(await token({})))).rejects.toMatchObject({ status: 401 });
  });

  it('a token within the maximum lifetime is accepted', async () => {
    expect(await auth()(bearer(await token({ iat: nowS, exp: nowS + 3600 })))).toMatchObject({ id: 'u1' });
    expect(await auth()(bearer(await token({ iat: nowS - 60, exp: nowS + 86_400 - 60 })))).toMatchObject({ id: 'u1' });
    // No iat: judged from now.
    expect(await auth()(bearer(await token({ exp: nowS + 3600 })))).toMatchObject({ id: 'u1' });
  });

  it('a token valid longer than the maximum is refused, with or without iat', async () => {
    await expect(auth()(bearer(await token({ iat: nowS, exp: nowS + 86_400 + 1 })))).rejects.toMatchObject({
      status: 401,
    });
    await expect(auth()(bearer(await token({ iat: nowS, exp: nowS + 30 * 86_400 })))).rejects.toMatchObject({
      status: 401,
    });
    await expect(auth()(bearer(await token({ exp: nowS + 2 * 86_400 })))).rejects.toMatchObject({ status: 401 });
    // An iat back-dated to hide a long lifetime does not help: exp - now still counts.
    await expect(
      auth()(bearer(await token({ iat: nowS + 10 * 86_400, exp: nowS + 10 * 86_400 + 60 }))),
    ).rejects.toMatchObject({ status: 401 });
    // A configured longer maximum accepts it.
    expect(
      await auth({ maxLifetimeS: 30 * 86_400 })(bearer(await token({ iat: nowS, exp: nowS + 30 * 86_400 }))),
    ).toMatchObject({ id: 'u1' });
  });

  it('expired tokens are refused beyond the skew, accepted within it', async () => {
    expect(await auth()(bearer(await token({ iat: nowS - 3600, exp: nowS - 30 })))).toMatchObject({ id: 'u1' });
    await expect(auth()(bearer(await token({ iat: nowS - 3600, exp: nowS - 61 })))).rejects.toMatchObject({
      status: 401,
    });
    await expect(
      auth({ clockSkewS: 0 })(bearer(await token({ iat: nowS - 3600, exp: nowS - 1 }))),
    ).rejects.toMatchObject({ status: 401 });
  });

  it('nbf is honoured (with the same small skew)', async () => {
    await expect(auth()(bearer(await token({ iat: nowS, nbf: nowS + 120, exp: nowS + 3600 })))).rejects.toMatchObject({
      status: 401,
    });
    expect(await auth()(bearer(await token({ iat: nowS, nbf: nowS + 30, exp: nowS + 3600 })))).toMatchObject({
      id: 'u1',
    });
    expect(await auth()(bearer(await token({ iat: nowS, nbf: nowS - 10, exp: nowS + 3600 })))).toMatchObject({
      id: 'u1',
    });
  });

  it('an iat in the future beyond the skew is refused', async () => {
    await expect(auth()(bearer(await token({ iat: nowS + 600, exp: nowS + 3600 })))).rejects.toMatchObject({
      status: 401,
    });
    expect(checkLifetime({ iat: nowS + 30, exp: nowS + 3600 }, nowS, 86_400, 60)).toBeUndefined();
  });

  it('JWT_MAX_LIFETIME and JWT_CLOCK_SKEW are read as durations, and bad values are refused clearly', () => {
    expect(loadConfig({ JWT_MAX_LIFETIME: '30d', JWT_CLOCK_SKEW: '0' }).auth).toMatchObject({
      jwtMaxLifetimeS: 30 * 86_400,
      jwtClockSkewS: 0,
    });
    expect(loadConfig({ JWT_MAX_LIFETIME: '3600' }).auth.jwtMaxLifetimeS).toBe(3600);
    expect(loadConfig({ JWT_MAX_LIFETIME: '90m' }).auth.jwtMaxLifetimeS).toBe(5400);
    expect(() => loadConfig({ JWT_MAX_LIFETIME: 'forever' })).toThrow(/JWT_MAX_LIFETIME must be a duration/);
    expect(() => loadConfig({ JWT_MAX_LIFETIME: '0' })).toThrow(/JWT_MAX_LIFETIME/);
    expect(() => loadConfig({ JWT_CLOCK_SKEW: '1h' })).toThrow(/JWT_CLOCK_SKEW/);
  });

  it('the local admin token of npm start is minted at the configured maximum and accepted', async () => {
    const real = createAuthenticator({ jwtSecret: secret, tokenCacheMs: 0 }, noKeys);
    const t = await issueDevAdminToken({ jwtSecret: secret });
    const payload = JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString()) as { iat: number; exp: number };
    expect(payload.exp - payload.iat).toBe(86_400);
    expect(await real(bearer(t))).toMatchObject({ id: 'local-admin', roles: ['admin'] });
    const long = await issueDevAdminToken({ jwtSecret: secret, lifetimeS: 30 * 86_400 });
    await expect(real(bearer(long))).rejects.toMatchObject({ status: 401 });
    expect(
      await createAuthenticator(
        { jwtSecret: secret, tokenCacheMs: 0, maxLifetimeS: 30 * 86_400 },
        noKeys,
      )(bearer(long)),
    ).toMatchObject({ id: 'local-admin' });
  });
});
