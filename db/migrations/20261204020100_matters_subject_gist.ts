import type { Knex } from 'knex';

/**
 * Matter suggestions (ADR 0028, bench/reception.ts): subjects share many trigrams (khiếu nại, thu hồi đất…),
 * so a `%` filter over a GIN index matches most matters and ranks them all. A GiST trigram index answers the
 * nearest subjects (`<->` with LIMIT) by a bounded index walk instead.
 */
export async function up(db: Knex): Promise<void> {
  await db.raw('DROP INDEX IF EXISTS matters_subject_trgm');
  await db.raw('CREATE INDEX matters_subject_trgm_gist ON matters USING gist (subject_norm gist_trgm_ops)');
}

export async function down(db: Knex): Promise<void> {
  await db.raw('DROP INDEX IF EXISTS matters_subject_trgm_gist');
  await db.raw('CREATE INDEX matters_subject_trgm ON matters USING gin (subject_norm gin_trgm_ops)');
}
