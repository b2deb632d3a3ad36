import type { Principal } from '../auth/principal.js';
import type { IdempotencyStore } from '../../db/idempotency-keys.js';
import { requestHash } from '../idempotency.js';
import { problems } from '../problem.js';
import { IDEMPOTENCY_KEY } from '../schemas.js';
import type { Reply } from './define-route.js';

/** The `Idempotency-Key` header as sent (undefined when absent); 400 unless 1-255 visible ASCII characters. */
export function checkIdempotencyKey(key: string | undefined): string | undefined {
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
    throw problems.badRequest('Idempotency-Key must be 1-255 visible ASCII characters');
  }
  return key;
}

/**
 * Runs a state-changing handler under the caller's `Idempotency-Key` (if sent): the same key with
 * the same request replays the stored response (`Idempotent-Replayed: true`) instead of acting
 * twice; the same key with another request → 422. Keys are scoped per caller and route.
 * Failed attempts store no response, so a retry after a 409/422 acts again.
 */
export async function idempotent(
  opts: {
    key: string | undefined;
    principal: Principal;
    store: IdempotencyStore;
    method: string;
    path: string;
    resourceId: string;
    body: unknown;
  },
  run: () => Promise<Reply>,
): Promise<Reply> {
  const key = checkIdempotencyKey(opts.key);
  if (key === undefined) return run();
  const scope = `${opts.method} ${opts.path} ${opts.principal.type}:${opts.principal.id}`;
  const r0 = await opts.store.reserve(
    scope,
    key,
    requestHash(opts.method, opts.path, opts.body ?? null),
    opts.resourceId,
  );
  if (!r0.fresh && r0.response) {
    return { status: r0.response.status, body: r0.response.body, headers: { 'Idempotent-Replayed': 'true' } };
  }
  const reply = await run();
  await opts.store.complete(scope, key, { status: reply.status ?? 200, body: reply.body });
  return reply;
}
