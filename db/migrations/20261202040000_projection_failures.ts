import type { Knex } from 'knex';

/**
 * Projections PostgreSQL refused for their data (ADR 0016): one row per case, the latest refusal.
 * `outcome`: `sanitized` — the state was written with the refused characters replaced (the read model
 * is current, the stored text differs from the workflow's); `failed` — not even that could be written
 * (the read model stays at the last good projection). No input text is stored, only what failed.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('projection_failures', (t) => {
    t.text('case_id').primary();
    t.integer('seq').notNullable();
    t.text('reason').notNullable();
    t.text('sqlstate');
    t.text('outcome').notNullable();
    t.integer('occurrences').notNullable().defaultTo(1);
    t.timestamp('first_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.timestamp('last_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
  });
  await db.raw(
    `ALTER TABLE projection_failures ADD CONSTRAINT projection_failures_outcome_check CHECK (outcome IN ('sanitized', 'failed'))`,
  );
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('projection_failures');
}
