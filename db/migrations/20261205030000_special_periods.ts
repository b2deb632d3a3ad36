import type { Knex } from 'knex';

/**
 * Special periods put to use (issue 14.5, ADR 0035). The tables of 20261204030000 get what the routes and
 * the period workflow need: a period's kind, status (a cancelled period is kept) and revision; a daily
 * report's people count and whether it came late; a flagged case's receipt day, source and the agency it
 * was routed from; and `reception_period_tasks`, the tasks the period workflow opens (a day's report to
 * submit, a late report escalated to the agency above, a duty-roster gap for tomorrow) — at most one per
 * period, kind, agency concerned and day, so a retried activity or a re-planned workflow opens nothing twice.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('reception_periods', (t) => {
    t.text('kind').notNullable().defaultTo('party_congress');
    t.text('status').notNullable().defaultTo('active');
    t.integer('sequence').notNullable().defaultTo(0);
    t.text('cancel_reason');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
  });
  await db.raw(`ALTER TABLE reception_periods ADD CONSTRAINT reception_periods_kind
    CHECK (kind IN ('party_congress', 'national_assembly_session', 'election', 'national_event', 'other'))`);
  await db.raw(`ALTER TABLE reception_periods ADD CONSTRAINT reception_periods_status
    CHECK (status IN ('active', 'cancelled'))`);
  await db.raw(`ALTER TABLE reception_periods ADD CONSTRAINT reception_periods_due_time
    CHECK (report_due_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$')`);
  await db.raw(`ALTER TABLE reception_periods ADD CONSTRAINT reception_periods_target
    CHECK (flagged_target_days BETWEEN 1 AND 90)`);
  await db.schema.alterTable('reception_period_reports', (t) => {
    t.integer('people').notNullable().defaultTo(0);
    t.boolean('late').notNullable().defaultTo(false);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
  });
  await db.schema.alterTable('reception_period_flags', (t) => {
    t.date('received_on');
    t.text('source').notNullable().defaultTo('officer');
    t.text('from_agency_id');
  });
  await db.schema.alterTable('reception_duty_roster', (t) => {
    t.index(['period_id', 'duty_date']);
  });
  await db.schema.createTable('reception_period_tasks', (t) => {
    t.text('id').primary();
    t.text('period_id').notNullable().references('id').inTable('reception_periods').onDelete('CASCADE');
    // daily_report | daily_report_late | duty_roster_gap
    t.text('kind').notNullable();
    // The agency whose staff work the task (for a late report: the agency above the one concerned).
    t.text('agency_id').notNullable().references('id').inTable('agencies');
    // The agency concerned (whose report is due or whose places lack duty staff).
    t.text('subject_agency_id').notNullable().references('id').inTable('agencies');
    t.date('task_date').notNullable();
    t.timestamp('due_at', { useTz: true });
    t.jsonb('details').notNullable().defaultTo('{}');
    t.text('status').notNullable().defaultTo('open');
    t.text('closed_reason');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.timestamp('closed_at', { useTz: true });
    t.unique(['period_id', 'kind', 'subject_agency_id', 'task_date']);
    t.index(['agency_id', 'status']);
  });
  await db.raw(`ALTER TABLE reception_period_tasks ADD CONSTRAINT reception_period_tasks_kind
    CHECK (kind IN ('daily_report', 'daily_report_late', 'duty_roster_gap'))`);
  await db.raw(`ALTER TABLE reception_period_tasks ADD CONSTRAINT reception_period_tasks_status
    CHECK (status IN ('open', 'closed'))`);
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('reception_period_tasks');
  await db.schema.alterTable('reception_duty_roster', (t) => t.dropIndex(['period_id', 'duty_date']));
  await db.schema.alterTable('reception_period_flags', (t) => {
    t.dropColumns('received_on', 'source', 'from_agency_id');
  });
  await db.schema.alterTable('reception_period_reports', (t) => t.dropColumns('people', 'late', 'updated_at'));
  await db.raw(`ALTER TABLE reception_periods DROP CONSTRAINT reception_periods_kind,
    DROP CONSTRAINT reception_periods_status, DROP CONSTRAINT reception_periods_due_time,
    DROP CONSTRAINT reception_periods_target`);
  await db.schema.alterTable('reception_periods', (t) =>
    t.dropColumns('kind', 'status', 'sequence', 'cancel_reason', 'updated_at'),
  );
}
