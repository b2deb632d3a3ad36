import type { Knex } from 'knex';

/**
 * The audit chain's hash scheme per entry (ADR 0014): `hash_kid` names the HMAC key an entry is hashed
 * with (v2: HMAC-SHA256 under a key the database does not hold); NULL marks an entry written before,
 * hashed with plain SHA-256 (v1), which still verifies as such. Adding a nullable column rewrites no row.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('audit_log', (t) => {
    t.text('hash_kid');
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('audit_log', (t) => {
    t.dropColumn('hash_kid');
  });
}
