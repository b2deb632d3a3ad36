import http from 'node:http';
import type { Request } from 'express';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../api/auth/authenticate.js';
import { signToken } from '../../api/auth/dev-token.js';
import type { ApiKeyStore } from '../../db/api-keys.js';

const secret = 'unit-test-secret-unit-test-secret';
const noKeys = { findActive: async () => undefined } as unknown as ApiKeyStore;
const req = (headers: Record<string, string>) =>
  ({ get: (h: string) => headers[h.toLowerCase()] }) as unknown as Request;
const bearer = (t: string) => req({ authorization: `Bearer ${t}` });

describe('authentication', () => {
  const auth = createAuthenticator({ jwtSecret: secret, issuer: 'kntc-idp', audience: 'kntc-api' }, noKeys);
  const good = () =>
    signToken(secret, {
      sub: 'u1',
      agency: 'so-tnmt',
      roles: ['officer', 'bogus' as never],
      permissions: ['identity:read'],
      issuer: 'kntc-idp',
      audience: 'kntc-api',
    });

  it('reads a valid HS256 token into a principal (unknown roles dropped)', async () => {
    expect(await auth(bearer(await good()))).toEqual({
      type: 'user',
      id: 'u1',
      name: undefined,
      agencyId: 'so-tnmt',
      roles: ['officer'],
      permissions: ['identity:read'],
    });
  });

  it('no credential → undefined (the route decides); bad ones → 401', async () => {
    expect(await auth(req({}))).toBeUndefined();
    const t = await good();
    const cases: Array<[string, Request]> = [
      ['malformed header', req({ authorization: 'Bearer' })],
      ['other scheme', req({ authorization: `Basic ${Buffer.from('a:b').toString('base64')}` })],
      ['tampered', bearer(t.slice(0, -2) + (t.endsWith('AA') ? 'BB' : 'AA'))],
      [
        'wrong secret',
        bearer(
          await signToken('another-secret-another-secret-xx', {
            sub: 'u1',
            agency: 'a',
            roles: ['admin'],
            issuer: 'kntc-idp',
            audience: 'kntc-api',
          }),
        ),
      ],
      [
        'wrong issuer',
        bearer(
          await signToken(secret, { sub: 'u1', agency: 'a', roles: ['admin'], issuer: 'evil', audience: 'kntc-api' }),
        ),
      ],
      [
        'expired',
        bearer(
          await signToken(secret, {
            sub: 'u1',
            agency: 'a',
            roles: ['admin'],
            issuer: 'kntc-idp',
            audience: 'kntc-api',
            expiresIn: '-1m',
          }),
        ),
      ],
      [
        'missing agency',
        bearer(
          await new SignJWT({ roles: ['admin'] })
            .setProtectedHeader({ alg: 'HS256' })
            .setSubject('u')
            .setIssuer('kntc-idp')
            .setAudience('kntc-api')
            .setExpirationTime('1h')
            .sign(new TextEncoder().encode(secret)),
        ),
      ],
      [
        'alg none',
        bearer(
          `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"u","agency":"a","roles":["admin"]}').toString('base64url')}.`,
        ),
      ],
      ['unknown API key', req({ 'x-api-key': 'kntc_nope' })],
    ];
    for (const [name, r] of cases) await expect(auth(r), name).rejects.toMatchObject({ status: 401 });
  });

  describe('JWKS_URL', () => {
    let server: http.Server;
    let url: string;
    let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
    beforeAll(async () => {
      const kp = await generateKeyPair('RS256');
      privateKey = kp.privateKey;
      const jwk = { ...(await exportJWK(kp.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
      server = http.createServer((_q, s) => {
        s.setHeader('content-type', 'application/json');
        s.end(JSON.stringify({ keys: [jwk] }));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      const a = server.address() as { port: number };
      url = `http://127.0.0.1:${a.port}/jwks.json`;
    });
    afterAll(() => {
      server?.close();
    });

    it('verifies tokens signed by the identity provider, and refuses HS256 ones made with a guessed secret', async () => {
      const viaJwks = createAuthenticator({ jwksUrl: url, jwtSecret: secret }, noKeys);
      const t = await new SignJWT({ agency: 'tinh-demo', roles: ['supervisor'] })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setSubject('idp-user')
        .setExpirationTime('5m')
        .sign(privateKey);
      expect(await viaJwks(bearer(t))).toMatchObject({ id: 'idp-user', agencyId: 'tinh-demo', roles: ['supervisor'] });
      const hs = await signToken(secret, { sub: 'x', agency: 'tinh-demo', roles: ['admin'] });
      await expect(viaJwks(bearer(hs))).rejects.toMatchObject({ status: 401 });
    });
  });
});
