import type { Knex } from 'knex';

/**
 * A special period remembers when its workflow was started (ADR 0035 amendment): the API starts it after the
 * period's commit, and a crash between the two left the period without its workflow. `workflow_started_at` is set
 * once the start (or the signal-with-start of a change) succeeded; a reconciler run by a Temporal Schedule starts
 * the workflow of every active, unfinished period still without it. Periods already declared: those not yet ended
 * are left to the reconciler (a workflow already there is recognised by its id), the others count as started.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('reception_periods', (t) => {
    t.timestamp('workflow_started_at', { useTz: true });
  });
  await db.raw(`UPDATE reception_periods SET workflow_started_at = created_at
    WHERE status <> 'active' OR ends_on < (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date`);
  await db.raw(`CREATE INDEX reception_periods_unstarted_idx ON reception_periods (created_at)
    WHERE workflow_started_at IS NULL AND status = 'active'`);
}

export async function down(db: Knex): Promise<void> {
  await db.raw('DROP INDEX reception_periods_unstarted_idx');
  await db.schema.alterTable('reception_periods', (t) => t.dropColumn('workflow_started_at'));
}
