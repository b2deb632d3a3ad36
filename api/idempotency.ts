import { createHash } from 'node:crypto';
import type { Db } from '../db/knex.js';
import { problems } from './problem.js';

/** Canonical JSON (sorted keys) so that the same body in another key order hashes the same. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v as object).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256').update(`${method} ${path}\n${canonicalJson(body)}`).digest('hex');
}

export interface StoredResponse {
  status: number;
  body: unknown;
}

/**
 * Claiming a key as a CTE `<name>` to put in a statement's WITH list: it yields a row only when this
 * request claimed the key (so other CTEs can write only then: `EXISTS (SELECT 1 FROM <name>)`). When it
 * yields none, `lookup` tells what the earlier request was. `when`: an SQL condition under which the key is
 * claimed at all.
 */
export function reserveCte(scope: string, key: string, hash: string, resourceId: string, name = 'idem', when?: string): { sql: string; bindings: string[] } {
  return {
    sql: `${name} AS (
        INSERT INTO idempotency_keys (scope, key, request_hash, resource_id) SELECT ?::text, ?::text, ?::text, ?::text${when ? ` WHERE ${when}` : ''}
        ON CONFLICT (scope, key) DO NOTHING RETURNING resource_id
      )`,
    bindings: [scope, key, hash, resourceId],
  };
}

/** Storing the response of a claimed key as a CTE `<name>` (the counterpart of `complete`). */
export function completeCte(scope: string, key: string, res: StoredResponse, name = 'idem_done'): { sql: string; bindings: Array<string | number> } {
  return {
    sql: `${name} AS (
        UPDATE idempotency_keys SET status_code = ?::int, response = ?::jsonb WHERE scope = ? AND key = ?
      )`,
    bindings: [res.status, JSON.stringify(res.body), scope, key],
  };
}

/**
 * Idempotency-Key handling (same key + same request → same response; same key + different request → 422).
 * `reserve` claims the key for a new resource id, or returns what an earlier identical request got.
 */
export function createIdempotencyStore(db: Db) {
  /** The earlier request under `key`: a different request hash → 422; its resource id and (if finished) response. */
  async function lookup(scope: string, key: string, hash: string): Promise<{ fresh: false; resourceId: string; response?: StoredResponse }> {
    const row = await db('idempotency_keys').where({ scope, key }).first();
    if (!row) throw new Error('idempotency key vanished');
    if (row.request_hash !== hash) throw problems.idempotencyMismatch();
    return {
      fresh: false,
      resourceId: row.resource_id,
      response: row.status_code ? { status: row.status_code, body: row.response } : undefined,
    };
  }
  return {
    /**
     * Claims `key` for `resourceId`. If the key exists: a different request hash → 422; otherwise
     * the earlier resource id and (if finished) its stored response are returned.
     */
    async reserve(scope: string, key: string, hash: string, resourceId: string):
      Promise<{ fresh: true } | { fresh: false; resourceId: string; response?: StoredResponse }> {
      const inserted = await db('idempotency_keys')
        .insert({ scope, key, request_hash: hash, resource_id: resourceId })
        .onConflict(['scope', 'key']).ignore()
        .returning('key');
      if (inserted.length > 0) return { fresh: true };
      return lookup(scope, key, hash);
    },
    lookup,
    async complete(scope: string, key: string, res: StoredResponse): Promise<void> {
      await db('idempotency_keys').where({ scope, key }).update({ status_code: res.status, response: JSON.stringify(res.body) });
    },
  };
}

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;
