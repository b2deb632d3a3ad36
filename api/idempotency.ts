import { createHash } from 'node:crypto';
import { canonicalJson } from '../workflows/engine/canonical-json.js';

/**
 * The fingerprint of a request under an Idempotency-Key (storage: db/idempotency-keys.ts). Canonical
 * JSON (sorted keys: the same body in another key order hashes the same) is the engine's one
 * implementation; request bodies are parsed JSON, which holds no `undefined`, so the fingerprints stored
 * before ADR 0022 (whose copy wrote an `undefined` property as null) are unchanged.
 */
export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${path}\n${canonicalJson(body)}`)
    .digest('hex');
}
