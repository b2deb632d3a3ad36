/**
 * Agency closures that could not start their background move are started again (ADR 0024): the closure keeps its
 * reason (the workflow's input) and how often its start was tried, with the last error, until one start succeeds.
 */
import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('agency_closures', (t) => {
    t.text('reason');
    t.integer('start_attempts').notNullable().defaultTo(1);
    t.text('last_start_error');
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('agency_closures', (t) => {
    t.dropColumn('reason');
    t.dropColumn('start_attempts');
    t.dropColumn('last_start_error');
  });
}
