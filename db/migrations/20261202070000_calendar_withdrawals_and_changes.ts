import type { Knex } from 'knex';

/**
 * Calendar entries can be withdrawn (issue 10.8), and calendar changes reach open cases in the
 * background (issue 11.5).
 *
 * `calendar_entries.withdrawn`: a version that withdraws its entry (an announced day off retracted):
 * the calendar no longer shows the entry, nor anything it superseded on its behalf. Append-only like
 * every other version; re-announcing the entry is a later version.
 *
 * `calendar_changes`: one row per stored change (entry added, corrected or withdrawn) whose fan-out
 * to the open cases runs as a Temporal workflow (`calendarFanOutWorkflow`); its activities keep the
 * counters, `GET /v1/admin/calendar/changes/:id` reads them.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('calendar_entries', (t) => {
    t.boolean('withdrawn').notNullable().defaultTo(false);
  });
  await db.schema.createTable('calendar_changes', (t) => {
    t.text('id').primary();
    t.bigInteger('entry_seq').notNullable().references('seq').inTable('calendar_entries');
    t.text('entry_id').notNullable();
    /** `added`, `corrected` or `withdrawn`. */
    t.text('action').notNullable();
    t.text('version').notNullable();
    t.jsonb('changed_dates').notNullable();
    t.text('workflow_id').notNullable();
    /** `running`, `completed`, or `not_started` (the workflow could not be started: the entry is stored). */
    t.text('status').notNullable();
    t.integer('notified').notNullable().defaultTo(0);
    t.integer('skipped').notNullable().defaultTo(0);
    t.integer('pages').notNullable().defaultTo(0);
    t.jsonb('requested_by').notNullable();
    t.timestamp('requested_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.timestamp('finished_at', { useTz: true });
    t.index(['entry_seq']);
  });
  await db.raw(`ALTER TABLE calendar_changes
    ADD CONSTRAINT calendar_changes_status CHECK (status IN ('running', 'completed', 'not_started')),
    ADD CONSTRAINT calendar_changes_action CHECK (action IN ('added', 'corrected', 'withdrawn'))`);
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('calendar_changes');
  await db.schema.alterTable('calendar_entries', (t) => {
    t.dropColumn('withdrawn');
  });
}
