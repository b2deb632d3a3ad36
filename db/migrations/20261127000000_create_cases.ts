import type { Knex } from 'knex';

/** Read model of cases + API idempotency keys (walking skeleton). */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('cases', (t) => {
    t.text('id').primary();
    t.text('reference').notNullable().unique();
    t.text('workflow_id').notNullable().unique();
    t.text('case_type').notNullable();
    t.text('channel').notNullable();
    t.text('agency_id').notNullable();
    t.text('subject').notNullable();
    t.boolean('remote_area').notNullable().defaultTo(false);
    t.timestamp('received_at', { useTz: true }).notNullable();
    t.text('stage').notNullable();
    t.text('status').notNullable();
    // Highest workflow projection applied: a retried or late projection never overwrites a newer one.
    t.integer('projection_seq').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.index(['agency_id', 'case_type']);
    t.index(['received_at']);
  });
  await db.schema.createTable('idempotency_keys', (t) => {
    t.text('scope').notNullable();
    t.text('key').notNullable();
    t.text('request_hash').notNullable();
    t.text('resource_id');
    t.integer('status_code');
    t.jsonb('response');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.primary(['scope', 'key']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('idempotency_keys');
  await db.schema.dropTable('cases');
}
