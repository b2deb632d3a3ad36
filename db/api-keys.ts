import { createHash, randomBytes } from 'node:crypto';
import type { Db } from './knex.js';

/** An integrating system's API key as stored (never the key itself). */
export interface ApiKeyRecord {
  id: string;
  name: string;
  agencyId: string;
  roles: string[];
  createdBy: string;
  createdAt: string;
  revokedAt: string | null;
}

interface ApiKeyRow {
  id: string;
  name: string;
  agency_id: string;
  roles: string[];
  key_hash: string;
  created_by: string;
  created_at: Date;
  revoked_at: Date | null;
}

function fromRow(r: ApiKeyRow): ApiKeyRecord {
  return {
    id: r.id,
    name: r.name,
    agencyId: r.agency_id,
    roles: r.roles,
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
    revokedAt: r.revoked_at ? r.revoked_at.toISOString() : null,
  };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Store of API keys: random keys, shown once, kept as SHA-256. */
export function createApiKeyStore(db: Db) {
  return {
    /** Creates a key; the returned `key` is the only time it is ever available. */
    async create(
      k: { name: string; agencyId: string; roles: string[]; createdBy: string },
      trx: Db = db,
    ): Promise<{ record: ApiKeyRecord; key: string }> {
      const id = `ak_${randomBytes(8).toString('hex')}`;
      const key = `kntc_${id.slice(3)}_${randomBytes(32).toString('base64url')}`;
      const [row] = await trx<ApiKeyRow>('api_keys')
        .insert({
          id,
          name: k.name,
          agency_id: k.agencyId,
          roles: k.roles,
          key_hash: hashApiKey(key),
          created_by: k.createdBy,
        })
        .returning('*');
      return { record: fromRow(row as ApiKeyRow), key };
    },
    /** The active (not revoked) key with this plaintext, if any. */
    async findActive(key: string): Promise<ApiKeyRecord | undefined> {
      const row = await db<ApiKeyRow>('api_keys')
        .where({ key_hash: hashApiKey(key) })
        .whereNull('revoked_at')
        .first();
      return row ? fromRow(row) : undefined;
    },
    async get(id: string): Promise<ApiKeyRecord | undefined> {
      const row = await db<ApiKeyRow>('api_keys').where({ id }).first();
      return row ? fromRow(row) : undefined;
    },
    /**
     * Keys of these agencies, newest first, one keyset page: `after` is the (created_at as text, id)
     * of the previous page's last row (the same cursor convention as the case and task lists).
     */
    async list(
      agencyIds: string[],
      page: { after?: { k: string; id: string }; limit?: number } = {},
    ): Promise<Array<ApiKeyRecord & { sortKey: string }>> {
      const rows = await db<ApiKeyRow>('api_keys')
        .whereIn('agency_id', agencyIds)
        .modify((b) => {
          if (page.after) b.whereRaw('(created_at, id) < (?::timestamptz, ?)', [page.after.k, page.after.id]);
        })
        .select('*', db.raw('created_at::text AS sort_key'))
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(page.limit ?? 500);
      return (rows as Array<ApiKeyRow & { sort_key: string }>).map((r) => ({ ...fromRow(r), sortKey: r.sort_key }));
    },
    /** Revokes; returns the record as it was before, or undefined if it was already revoked. */
    async revoke(id: string, trx: Db = db): Promise<ApiKeyRecord | undefined> {
      const [row] = await trx<ApiKeyRow>('api_keys')
        .where({ id })
        .whereNull('revoked_at')
        .update({ revoked_at: trx.fn.now() as unknown as Date })
        .returning('*');
      return row ? fromRow(row as ApiKeyRow) : undefined;
    },
  };
}

export type ApiKeyStore = ReturnType<typeof createApiKeyStore>;
