import type { Knex } from 'knex';

/**
 * Linked cases in the read model (issues #5/#6): a case a workflow starts through a call activity
 * (a letter accepted as a complaint, a second-instance complaint after the first) gets its `cases`
 * row from the projection, derived from its parent. `parent_case_id` is the case that started it;
 * `party_case_id` is the case whose (encrypted) party rows it shares — the party set is referenced,
 * never copied, so personal data exists once and never passes through Temporal. Null = its own.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('cases', (t) => {
    t.text('parent_case_id');
    t.text('party_case_id');
    t.index(['parent_case_id']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('cases', (t) => {
    t.dropIndex(['parent_case_id']);
    t.dropColumn('party_case_id');
    t.dropColumn('parent_case_id');
  });
}
