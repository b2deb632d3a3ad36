/** API-key administration: each change and its audit entry in one transaction. */
import type { ApiKeyRecord, ApiKeyStore } from '../../db/api-keys.js';
import type { AuditInput, AuditStore } from '../../db/audit.js';
import type { Db } from '../../db/knex.js';

type AuditActor = AuditInput['actor'];

export function createApiKeyAdmin(db: Db, keys: ApiKeyStore, audit: Pick<AuditStore, 'append'>) {
  return {
    /** Creates a key (the key itself is returned once) and audits `api_key.created`. */
    async create(
      k: { name: string; agencyId: string; roles: string[] },
      actor: AuditActor,
      requestId: string,
    ): Promise<{ record: ApiKeyRecord; key: string }> {
      return db.transaction(async (trx) => {
        const created = await keys.create({ ...k, createdBy: `${actor.type}:${actor.id}` }, trx);
        await audit.append(
          {
            actor,
            action: 'api_key.created',
            requestId,
            after: { id: created.record.id, name: k.name, agencyId: k.agencyId, roles: k.roles },
          },
          trx,
        );
        return created;
      });
    },
    /** Revokes a key and audits `api_key.revoked` (nothing when it already was). */
    async revoke(id: string, actor: AuditActor, requestId: string): Promise<void> {
      await db.transaction(async (trx) => {
        const before = await keys.revoke(id, trx);
        if (before)
          await audit.append(
            {
              actor,
              action: 'api_key.revoked',
              requestId,
              before: { id: before.id, name: before.name, agencyId: before.agencyId },
            },
            trx,
          );
      });
    },
  };
}
