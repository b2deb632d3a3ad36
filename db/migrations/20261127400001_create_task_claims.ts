import type { Knex } from 'knex';

/**
 * Who works which task (claim / assign / release), and what a case was started with.
 *
 * `task_claims` is separate from `case_tasks` because the projection rewrites a case's tasks on
 * every step; a claim must survive those rewrites. The extra `cases` columns record the pinned
 * definition and the intake details (no personal data: parties stay encrypted in `parties`).
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('task_claims', (t) => {
    t.text('case_id').notNullable();
    t.text('task_id').notNullable();
    // Principal id (JWT sub / API key id) of the person working the task.
    t.text('assignee').notNullable();
    t.text('assigned_by').notNullable();
    t.timestamp('claimed_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.primary(['case_id', 'task_id']);
    t.index(['assignee']);
  });
  await db.schema.alterTable('cases', (t) => {
    t.text('definition_key');
    t.integer('definition_version');
    t.text('definition_hash');
    t.jsonb('details');
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('cases', (t) => {
    t.dropColumn('details');
    t.dropColumn('definition_hash');
    t.dropColumn('definition_version');
    t.dropColumn('definition_key');
  });
  await db.schema.dropTable('task_claims');
}
