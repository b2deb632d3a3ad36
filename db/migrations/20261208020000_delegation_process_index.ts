import type { Knex } from 'knex';

/**
 * A task force assigned a matter also works the matter's own processes (ADR 0037 amended, session 9): the
 * delegation-reception and central-gathering processes. Access is decided per request from the process's case id
 * (`matter_delegations.process_case_id`, `central_gatherings.process_case_id`): the gatherings' column is unique
 * (indexed); this indexes the delegations' one.
 */
export async function up(db: Knex): Promise<void> {
  await db.raw('CREATE INDEX matter_delegations_process_idx ON matter_delegations (process_case_id)');
}

export async function down(db: Knex): Promise<void> {
  await db.raw('DROP INDEX matter_delegations_process_idx');
}
