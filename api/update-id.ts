/**
 * Temporal Update ids of state-changing requests (ADR 0013). With an `Idempotency-Key`, the id is
 * derived from the caller, the operation, the key and the request: a retry of the same request — even
 * after this process lost its idempotency record (a crash between the Update and the answer) — sends
 * the same Update id, and Temporal answers with the first outcome instead of applying it again. A
 * different request under the same key gets another id (and is refused by the case or by the
 * idempotency check). Without a key: a fresh random id.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Principal } from './auth/principal.js';
import { canonicalJson } from '../workflows/engine/canonical-json.js';

export function updateIdFor(opts: {
  principal: Principal;
  operation: string;
  key: string | undefined;
  request: unknown;
}): string {
  if (opts.key === undefined) return `${opts.operation}:${randomUUID()}`;
  const h = createHash('sha256')
    .update(
      `${opts.principal.type}:${opts.principal.id}\n${opts.operation}\n${opts.key}\n${canonicalJson(opts.request ?? null)}`,
    )
    .digest('hex');
  return `${opts.operation}:${h}`;
}
