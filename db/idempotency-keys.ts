/**
 * The `idempotency_keys` store (same key + same request → same response; same key + another request →
 * {@link IdempotencyKeyReused}, which the API answers 422). The request fingerprint is computed by the
 * API (api/idempotency.ts `requestHash`); the store compares it and keeps the stored response.
 */
import type { Db } from './knex.js';

export interface StoredResponse {
  status: number;
  body: unknown;
}

/** The key was used before with a different request (another fingerprint). */
export class IdempotencyKeyReused extends Error {
  override name = 'IdempotencyKeyReused';
  constructor() {
    super('idempotency key reused with a different request');
  }
}

/** An earlier request under the key: its resource id and, when it finished, its stored response. */
export interface EarlierRequest {
  fresh: false;
  resourceId: string;
  response?: StoredResponse;
}

/**
 * Claiming a key as a CTE `<name>` to put in a statement's WITH list: it yields a row only when this
 * request claimed the key (so other CTEs can write only then: `EXISTS (SELECT 1 FROM <name>)`). When it
 * yields none, `lookup` tells what the earlier request was. `when`: an SQL condition under which the key is
 * claimed at all.
 */
export function reserveCte(
  scope: string,
  key: string,
  hash: string,
  resourceId: string,
  name = 'idem',
  when?: string,
): { sql: string; bindings: string[] } {
  return {
    sql: `${name} AS (
        INSERT INTO idempotency_keys (scope, key, request_hash, resource_id) SELECT ?::text, ?::text, ?::text, ?::text${when ? ` WHERE ${when}` : ''}
        ON CONFLICT (scope, key) DO NOTHING RETURNING resource_id
      )`,
    bindings: [scope, key, hash, resourceId],
  };
}

/** Storing the response of a claimed key as a CTE `<name>` (the counterpart of `complete`). */
export function completeCte(
  scope: string,
  key: string,
  res: StoredResponse,
  name = 'idem_done',
): { sql: string; bindings: Array<string | number> } {
  return {
    sql: `${name} AS (
        UPDATE idempotency_keys SET status_code = ?::int, response = ?::jsonb WHERE scope = ? AND key = ?
      )`,
    bindings: [res.status, JSON.stringify(res.body), scope, key],
  };
}

/**
 * Idempotency-Key storage. `reserve` claims the key for a new resource id, or returns what an earlier
 * identical request got.
 */
export function createIdempotencyStore(db: Db) {
  /** The earlier request under `key`: a different request hash → IdempotencyKeyReused. */
  async function lookup(scope: string, key: string, hash: string): Promise<EarlierRequest> {
    const row = await db('idempotency_keys').where({ scope, key }).first();
    if (!row) throw new Error('idempotency key vanished');
    if (row.request_hash !== hash) throw new IdempotencyKeyReused();
    return {
      fresh: false,
      resourceId: row.resource_id,
      response: row.status_code ? { status: row.status_code, body: row.response } : undefined,
    };
  }
  return {
    /** The request recorded under `key`, if any: its fingerprint, resource id and (when it finished) response. */
    async find(
      scope: string,
      key: string,
    ): Promise<{ requestHash: string; resourceId: string; response?: StoredResponse } | undefined> {
      const row = (await db('idempotency_keys').where({ scope, key }).first()) as
        { request_hash: string; resource_id: string; status_code: number | null; response: unknown } | undefined;
      if (!row) return undefined;
      return {
        requestHash: row.request_hash,
        resourceId: row.resource_id,
        ...(row.status_code ? { response: { status: row.status_code, body: row.response } } : {}),
      };
    },
    /**
     * Claims `key` for `resourceId`. If the key exists: a different request hash → IdempotencyKeyReused;
     * otherwise the earlier resource id and (if finished) its stored response are returned.
     */
    async reserve(
      scope: string,
      key: string,
      hash: string,
      resourceId: string,
    ): Promise<{ fresh: true } | EarlierRequest> {
      const inserted = await db('idempotency_keys')
        .insert({ scope, key, request_hash: hash, resource_id: resourceId })
        .onConflict(['scope', 'key'])
        .ignore()
        .returning('key');
      if (inserted.length > 0) return { fresh: true };
      return lookup(scope, key, hash);
    },
    lookup,
    async complete(scope: string, key: string, res: StoredResponse): Promise<void> {
      await db('idempotency_keys')
        .where({ scope, key })
        .update({ status_code: res.status, response: JSON.stringify(res.body) });
    },
  };
}

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;
