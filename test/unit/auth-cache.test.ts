import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import { API_KEY_CACHE_MS, createAuthenticator } from '../../api/auth/authenticate.js';
import { signToken } from '../../api/auth/dev-token.js';
import type { ApiKeyRecord } from '../../db/api-keys.js';

const secret = 'unit-test-secret-unit-test-secret';
const req = (headers: Record<string, string>) =>
  ({ get: (h: string) => headers[h.toLowerCase()] }) as unknown as Request;

/** An API key store whose look-ups are counted; `revoked` keys are not found. */
function keyStore() {
  const rec: ApiKeyRecord = {
    id: 'ak_1',
    name: 'system',
    agencyId: 'so-tnmt',
    roles: ['intake'],
    createdBy: 't',
    createdAt: '',
    revokedAt: null,
  };
  const s = {
    calls: 0,
    revoked: false,
    async findActive(key: string) {
      s.calls++;
      return key === 'kntc_good' && !s.revoked ? rec : undefined;
    },
  };
  return s;
}

describe('authentication caches (ADR 0011)', () => {
  it('an API key is looked up once per TTL; unknown keys are looked up every time', async () => {
    let t = 1_000_000;
    const store = keyStore();
    const auth = createAuthenticator({ jwtSecret: secret }, store, { now: () => t });
    for (let i = 0; i < 5; i++)
      expect(await auth(req({ 'x-api-key': 'kntc_good' }))).toMatchObject({
        type: 'api_key',
        id: 'ak_1',
        roles: ['intake'],
      });
    expect(store.calls).toBe(1);
    t += API_KEY_CACHE_MS - 1;
    await auth(req({ authorization: 'ApiKey kntc_good' }));
    expect(store.calls).toBe(1);
    t += 2;
    await auth(req({ 'x-api-key': 'kntc_good' }));
    expect(store.calls).toBe(2);
    for (let i = 0; i < 3; i++)
      await expect(auth(req({ 'x-api-key': 'kntc_bad' }))).rejects.toMatchObject({ status: 401 });
    expect(store.calls).toBe(5);
  });

  it('a key revoked through this process stops authenticating at once, and is not re-cached by a racing look-up', async () => {
    let t = 1_000_000;
    const store = keyStore();
    const auth = createAuthenticator({ jwtSecret: secret }, store, { now: () => t });
    await auth(req({ 'x-api-key': 'kntc_good' }));
    auth.forgetApiKey('ak_1');
    // The revoking transaction has not committed yet: the database still finds the key, but it is not cached.
    await auth(req({ 'x-api-key': 'kntc_good' }));
    await auth(req({ 'x-api-key': 'kntc_good' }));
    expect(store.calls).toBe(3);
    store.revoked = true; // committed
    auth.forgetApiKey('ak_1');
    await expect(auth(req({ 'x-api-key': 'kntc_good' }))).rejects.toMatchObject({ status: 401 });
    t += 1;
    await expect(auth(req({ 'x-api-key': 'kntc_good' }))).rejects.toMatchObject({ status: 401 });
  });

  it('apiKeyCacheMs: 0 looks every key up', async () => {
    const store = keyStore();
    const auth = createAuthenticator({ jwtSecret: secret, apiKeyCacheMs: 0 }, store);
    for (let i = 0; i < 3; i++) await auth(req({ 'x-api-key': 'kntc_good' }));
    expect(store.calls).toBe(3);
  });

  it("a cached token answers a fresh copy (a handler altering its principal does not alter the next request's)", async () => {
    const auth = createAuthenticator({ jwtSecret: secret }, keyStore());
    const t = await signToken(secret, {
      sub: 'u1',
      agency: 'so-tnmt',
      roles: ['officer'],
      permissions: ['identity:read'],
    });
    const a = (await auth(req({ authorization: `Bearer ${t}` })))!;
    a.roles.push('admin');
    a.permissions.length = 0;
    expect(await auth(req({ authorization: `Bearer ${t}` }))).toEqual({
      type: 'user',
      id: 'u1',
      name: undefined,
      agencyId: 'so-tnmt',
      roles: ['officer'],
      permissions: ['identity:read'],
    });
  });

  it('a cached token is never accepted past its exp', async () => {
    // No clock skew: verification would otherwise (rightly) tolerate 60 s past exp.
    const auth = createAuthenticator({ jwtSecret: secret, clockSkewS: 0 }, keyStore());
    const t = await signToken(secret, { sub: 'u1', agency: 'so-tnmt', roles: ['officer'], expiresIn: '1s' });
    expect(await auth(req({ authorization: `Bearer ${t}` }))).toMatchObject({ id: 'u1' });
    await new Promise((r) => setTimeout(r, 2_100));
    await expect(auth(req({ authorization: `Bearer ${t}` }))).rejects.toMatchObject({ status: 401 });
  });

  it('a token is re-verified after tokenCacheMs (a token whose check fails then is refused)', async () => {
    let t = Date.now();
    const auth = createAuthenticator({ jwtSecret: secret, issuer: 'kntc-idp', tokenCacheMs: 1_000 }, keyStore(), {
      now: () => t,
    });
    const good = await signToken(secret, { sub: 'u1', agency: 'so-tnmt', roles: ['officer'], issuer: 'kntc-idp' });
    expect(await auth(req({ authorization: `Bearer ${good}` }))).toMatchObject({ id: 'u1' });
    // A forged token is refused whether or not another one is cached.
    await expect(auth(req({ authorization: `Bearer ${good.slice(0, -3)}abc` }))).rejects.toMatchObject({ status: 401 });
    t += 1_001;
    expect(await auth(req({ authorization: `Bearer ${good}` }))).toMatchObject({ id: 'u1' });
  });
});
