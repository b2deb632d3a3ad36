import type { Knex } from 'knex';

/**
 * Read model of interpreter cases: the latest projected state of each case (jsonb + denormalised
 * columns for search) and the task inbox. Both are written only by the idempotent
 * `projectCaseState` activity, keyed by (case_id, seq).
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('case_states', (t) => {
    t.text('case_id').primary();
    t.text('case_type').notNullable();
    t.text('agency_id');
    t.text('pin').notNullable();
    t.text('stage').notNullable();
    t.text('status').notNullable();
    t.text('outcome');
    t.timestamp('next_due_at', { useTz: true });
    t.boolean('overdue').notNullable().defaultTo(false);
    t.jsonb('state').notNullable();
    // Highest projection applied: retried or late projections never overwrite newer ones.
    t.integer('seq').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.index(['status', 'next_due_at']);
    t.index(['agency_id', 'case_type']);
  });
  await db.schema.createTable('case_tasks', (t) => {
    t.text('case_id').notNullable().references('case_id').inTable('case_states').onDelete('CASCADE');
    t.text('task_id').notNullable();
    t.text('node_id').notNullable();
    t.text('name').notNullable();
    t.specificType('candidate_roles', 'text[]').notNullable();
    t.text('agency_scope').notNullable();
    t.text('status').notNullable();
    t.timestamp('opened_at', { useTz: true }).notNullable();
    t.timestamp('closed_at', { useTz: true });
    t.timestamp('due_at', { useTz: true });
    t.jsonb('form').notNullable();
    t.primary(['case_id', 'task_id']);
    t.index(['status', 'agency_scope']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('case_tasks');
  await db.schema.dropTable('case_states');
}
