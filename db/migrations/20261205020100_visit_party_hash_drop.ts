import type { Knex } from 'knex';

/**
 * `reception_visit_parties.identity_hash` / `hash_kid` were written but never read: matter suggestions look
 * identities up in `matter_identities` (ADR 0028, amended). A keyed hash of a visitor next to their sealed
 * row is personal data kept for nothing (and under one key only), so both columns and their index go.
 */
export async function up(db: Knex): Promise<void> {
  await db.raw('DROP INDEX IF EXISTS reception_visit_parties_hash');
  await db.schema.alterTable('reception_visit_parties', (t) => {
    t.dropColumn('identity_hash');
    t.dropColumn('hash_kid');
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('reception_visit_parties', (t) => {
    t.binary('identity_hash');
    t.text('hash_kid');
  });
  await db.raw('CREATE INDEX reception_visit_parties_hash ON reception_visit_parties (identity_hash)');
}
