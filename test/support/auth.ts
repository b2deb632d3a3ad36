import { randomBytes } from 'node:crypto';
import type { AuthOptions } from '../../api/auth/authenticate.js';
import { signToken } from '../../api/auth/dev-token.js';
import type { Role } from '../../api/auth/principal.js';
import { createPiiKeyring, type PiiKeyring } from '../../platform/pii.js';

/** A per-process secret for test tokens. */
export const TEST_JWT_SECRET = randomBytes(32).toString('base64url');
export const testAuth: AuthOptions = { jwtSecret: TEST_JWT_SECRET };

/** A fresh PII keyring (one random key, `test1`, unless keys are given). */
export function testPii(spec?: string): PiiKeyring {
  return createPiiKeyring(spec ?? `test1:${randomBytes(32).toString('base64')}`);
}

/** Mints a JWT for a person with these roles at this agency (default: admin at the province root). */
export function mintToken(
  opts: { roles?: Role[]; agency?: string; permissions?: string[]; sub?: string } = {},
): Promise<string> {
  return signToken(TEST_JWT_SECRET, {
    sub: opts.sub ?? `test-${(opts.roles ?? ['admin']).join('+')}@${opts.agency ?? 'tinh-demo'}`,
    agency: opts.agency ?? 'tinh-demo',
    roles: opts.roles ?? ['admin'],
    permissions: opts.permissions ?? [],
  });
}

/** `{ authorization: 'Bearer …' }` for fetch. */
export async function authHeader(opts: Parameters<typeof mintToken>[0] = {}): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await mintToken(opts)}` };
}
