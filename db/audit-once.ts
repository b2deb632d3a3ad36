/**
 * Audit entries appended at most once per key (ADR 0013): the actor's entry of an acknowledged action
 * is written both by the API (after the case applied the Update) and by the case's projection activity,
 * so that a crash of either side loses nothing; the key makes the second writer a no-op.
 */
import { createAuditStore, type AuditInput } from './audit.js';
import type { Db } from './knex.js';

/**
 * Appends `input` unless an entry with `key` exists. The key row and the entry commit together; a
 * concurrent writer of the same key waits for the first and then finds the key. Returns whether this
 * call appended.
 */
export async function appendAuditOnce(db: Db, key: string, input: AuditInput): Promise<boolean> {
  return db.transaction(async (trx) => {
    // Serialise writers of one key (the audit append itself locks the chain head).
    await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [`audit_keys:${key}`]);
    if (await trx('audit_keys').where({ key }).first('key')) return false;
    const entry = await createAuditStore(db).append(input, trx);
    await trx('audit_keys').insert({ key, audit_seq: entry.seq });
    return true;
  });
}
