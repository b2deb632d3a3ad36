/** Webhook subscription administration (ADR 0026): each change and its audit entry in one transaction. */
import type { AuditInput, AuditStore } from '../../db/audit.js';
import type { Db } from '../../db/knex.js';
import type { DeliveryRecord, SecretKeys, WebhookRecord, WebhookStore } from '../../db/webhooks.js';

type AuditActor = AuditInput['actor'];

/** The URL as the audit log keeps it: origin and path, never a query string (it may hold a token). */
export const auditedUrl = (url: string): string => {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
};

/**
 * The URL as the API shows it (to auditors too): origin, path and the query's key names only, each value
 * masked (`?token=…`) — the query may hold a receiver's token. The full URL stays stored for delivery.
 */
export const shownUrl = (url: string): string => {
  const u = new URL(url);
  const keys = [...u.searchParams.keys()];
  const query = u.search ? `?${keys.length > 0 ? keys.map((k) => `${encodeURIComponent(k)}=…`).join('&') : '…'}` : '';
  return `${auditedUrl(url)}${query}`;
};

export function createWebhookAdmin(
  db: Db,
  webhooks: WebhookStore,
  audit: Pick<AuditStore, 'append'>,
  keys: SecretKeys,
) {
  return {
    /** Creates a subscription (its secret returned once) and audits `webhook.created`. */
    async create(
      w: { name: string; url: string; eventTypes: string[]; agencyId: string; retryPeriodSeconds: number },
      actor: AuditActor,
      requestId: string,
    ): Promise<{ record: WebhookRecord; secret: string }> {
      return db.transaction(async (trx) => {
        const created = await webhooks.create({ ...w, createdBy: `${actor.type}:${actor.id}` }, keys, trx);
        await audit.append(
          {
            actor,
            action: 'webhook.created',
            requestId,
            after: {
              id: created.record.id,
              name: w.name,
              url: auditedUrl(w.url),
              eventTypes: created.record.eventTypes,
              agencyId: w.agencyId,
              retryPeriodSeconds: created.record.retryPeriodSeconds,
            },
          },
          trx,
        );
        return created;
      });
    },
    /** Changes a live subscription and audits `webhook.updated`; undefined when it was deleted. */
    async update(
      id: string,
      patch: {
        name?: string | undefined;
        url?: string | undefined;
        eventTypes?: string[] | undefined;
        rotateSecret?: boolean | undefined;
      },
      actor: AuditActor,
      requestId: string,
    ): Promise<{ before: WebhookRecord; after: WebhookRecord; secret?: string } | undefined> {
      return db.transaction(async (trx) => {
        const u = await webhooks.update(id, patch, keys, trx);
        if (!u) return undefined;
        await audit.append(
          {
            actor,
            action: 'webhook.updated',
            requestId,
            before: {
              id: u.before.id,
              name: u.before.name,
              url: auditedUrl(u.before.url),
              eventTypes: u.before.eventTypes,
            },
            after: {
              id: u.after.id,
              name: u.after.name,
              url: auditedUrl(u.after.url),
              eventTypes: u.after.eventTypes,
              secretRotated: patch.rotateSecret === true,
            },
          },
          trx,
        );
        return u;
      });
    },
    /** Deletes a subscription and audits `webhook.deleted` (nothing when it already was). */
    async remove(id: string, actor: AuditActor, requestId: string): Promise<void> {
      await db.transaction(async (trx) => {
        const before = await webhooks.remove(id, trx);
        if (before) {
          await audit.append(
            {
              actor,
              action: 'webhook.deleted',
              requestId,
              before: { id: before.id, name: before.name, agencyId: before.agencyId },
            },
            trx,
          );
        }
      });
    },
    /** Puts one delivery back in the queue for another round and audits `webhook.redelivery_requested`. */
    async reopen(
      id: string,
      eventSeq: number,
      actor: AuditActor,
      requestId: string,
    ): Promise<DeliveryRecord | undefined> {
      return db.transaction(async (trx) => {
        const reopened = await webhooks.reopen(id, eventSeq, trx);
        if (reopened) {
          await audit.append(
            {
              actor,
              action: 'webhook.redelivery_requested',
              caseId: reopened.caseId,
              requestId,
              after: { webhookId: id, eventSeq, eventId: reopened.eventId, round: reopened.rounds },
            },
            trx,
          );
        }
        return reopened;
      });
    },
  };
}
