import type { Knex } from 'knex';

/**
 * Leaders' reception schedules, special periods and compliance tasks (issue 14.1, 14.4, 14.5; ADR 0029).
 *
 * `reception_schedule_entries`: one published reception day of a leader (date, times in Vietnam time,
 * place, kind periodic | ad_hoc | online, status scheduled | cancelled) with `sequence` (RFC 5545
 * SEQUENCE: bumped on every change) and `reception_schedule_changes` keeping every version with its
 * reason. `reception_periods` (e.g. a provincial Party congress) with the agencies concerned, the duty
 * roster of persons per place and day, the agencies' daily reports and the cases flagged as concerning
 * congress personnel (routed to the designated agency with an internal target, not a statutory clock).
 * `reception_compliance_tasks`: one per agency, rule and period in which its head fell short (idempotent).
 * Runs after the reception migration (20261204020000): places are `reception_places`, and the sessions'
 * `period_id` and `schedule_entry_id` get their foreign keys here. The compliance aggregate (one query
 * per month over sessions and visits, ADR 0029) reads sessions by (agency_id, session_date) and visits
 * through a covering index on session_id.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('reception_periods', (t) => {
    t.text('id').primary();
    t.text('name').notNullable();
    t.date('starts_on').notNullable();
    t.date('ends_on').notNullable();
    // The agency that declared it (its admins manage it; its subtree sees it).
    t.text('governing_agency_id').notNullable().references('id').inTable('agencies');
    // Where letters concerning congress personnel are routed.
    t.text('designated_agency_id').notNullable().references('id').inTable('agencies');
    // Internal target (working days) for flagged letters: not a statutory clock.
    t.integer('flagged_target_days').notNullable();
    // Local time (HH:MM, Vietnam) by which each day's report is due.
    t.text('report_due_time').notNullable();
    t.jsonb('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.index(['governing_agency_id', 'starts_on']);
  });
  await db.raw(`ALTER TABLE reception_periods ADD CONSTRAINT reception_periods_dates CHECK (starts_on <= ends_on)`);
  await db.schema.createTable('reception_period_agencies', (t) => {
    t.text('period_id').notNullable().references('id').inTable('reception_periods').onDelete('CASCADE');
    t.text('agency_id').notNullable().references('id').inTable('agencies');
    t.primary(['period_id', 'agency_id']);
    t.index(['agency_id']);
  });
  await db.schema.createTable('reception_duty_roster', (t) => {
    t.text('period_id').notNullable().references('id').inTable('reception_periods').onDelete('CASCADE');
    t.text('place_id').notNullable().references('id').inTable('reception_places');
    t.date('duty_date').notNullable();
    t.text('person_id').notNullable().references('id').inTable('people');
    t.jsonb('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.primary(['period_id', 'place_id', 'duty_date', 'person_id']);
  });
  await db.schema.createTable('reception_period_reports', (t) => {
    t.text('period_id').notNullable().references('id').inTable('reception_periods').onDelete('CASCADE');
    t.text('agency_id').notNullable().references('id').inTable('agencies');
    t.date('report_date').notNullable();
    t.integer('visits').notNullable();
    t.integer('delegations').notNullable();
    t.integer('incidents').notNullable();
    t.text('note');
    t.timestamp('submitted_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.jsonb('submitted_by').notNullable();
    t.primary(['period_id', 'agency_id', 'report_date']);
  });
  await db.schema.createTable('reception_period_flags', (t) => {
    t.text('period_id').notNullable().references('id').inTable('reception_periods').onDelete('CASCADE');
    t.text('case_id').notNullable();
    t.text('routed_to_agency_id').notNullable().references('id').inTable('agencies');
    t.date('internal_target_on').notNullable();
    t.text('reason').notNullable();
    t.jsonb('flagged_by').notNullable();
    t.timestamp('flagged_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.primary(['period_id', 'case_id']);
    t.index(['case_id']);
  });

  await db.schema.createTable('reception_schedule_entries', (t) => {
    t.text('id').primary();
    t.text('agency_id').notNullable().references('id').inTable('agencies');
    t.text('leader_person_id').notNullable().references('id').inTable('people');
    t.text('leader_title').notNullable();
    t.text('place_id').notNullable().references('id').inTable('reception_places');
    t.date('entry_date').notNullable();
    t.text('start_time').notNullable();
    t.text('end_time').notNullable();
    t.text('kind').notNullable();
    t.text('status').notNullable().defaultTo('scheduled');
    t.integer('sequence').notNullable().defaultTo(0);
    // Public note (e.g. the subject of an ad hoc session); never a citizen's data.
    t.text('note');
    t.text('period_id').references('id').inTable('reception_periods');
    t.jsonb('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.index(['agency_id', 'entry_date']);
    t.index(['entry_date']);
  });
  await db.raw(`ALTER TABLE reception_schedule_entries ADD CONSTRAINT reception_schedule_entries_kind
    CHECK (kind IN ('periodic', 'ad_hoc', 'online'))`);
  await db.raw(`ALTER TABLE reception_schedule_entries ADD CONSTRAINT reception_schedule_entries_status
    CHECK (status IN ('scheduled', 'cancelled'))`);
  await db.raw(`ALTER TABLE reception_schedule_entries ADD CONSTRAINT reception_schedule_entries_times
    CHECK (start_time ~ '^[0-2][0-9]:[0-5][0-9]$' AND end_time ~ '^[0-2][0-9]:[0-5][0-9]$' AND start_time < end_time)`);
  await db.schema.createTable('reception_schedule_changes', (t) => {
    t.bigIncrements('id');
    t.text('entry_id').notNullable().references('id').inTable('reception_schedule_entries');
    t.integer('sequence').notNullable();
    t.text('action').notNullable();
    t.text('reason');
    t.jsonb('snapshot').notNullable();
    t.jsonb('changed_by').notNullable();
    t.timestamp('changed_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.unique(['entry_id', 'sequence']);
  });

  await db.raw(`ALTER TABLE reception_sessions
    ADD CONSTRAINT reception_sessions_period_fk FOREIGN KEY (period_id) REFERENCES reception_periods (id),
    ADD CONSTRAINT reception_sessions_schedule_entry_fk FOREIGN KEY (schedule_entry_id)
      REFERENCES reception_schedule_entries (id)`);
  // The compliance aggregate: a session's visits counted without visiting the table (index-only scan).
  await db.raw(`CREATE INDEX reception_visits_compliance ON reception_visits (session_id)
    INCLUDE (people_count, is_delegation, outcome, case_id)`);

  await db.schema.createTable('reception_compliance_tasks', (t) => {
    t.text('id').primary();
    t.text('agency_id').notNullable().references('id').inTable('agencies');
    // The agency above (the supervising one) whose staff get the task; null when the agency is a root.
    t.text('supervising_agency_id').references('id').inTable('agencies');
    t.text('leader_person_id');
    t.text('rule_id').notNullable();
    t.text('citation').notNullable();
    t.date('period_first').notNullable();
    t.date('period_last').notNullable();
    t.integer('required_days').notNullable();
    t.integer('held_days').notNullable();
    t.integer('delegated_days').notNullable();
    // The people the task went to (the directory: the head of the supervising agency, ADR 0024).
    t.specificType('recipients', 'text[]').notNullable().defaultTo('{}');
    t.text('status').notNullable().defaultTo('open');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.unique(['agency_id', 'rule_id', 'period_first']);
    t.index(['supervising_agency_id', 'created_at']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.raw('DROP INDEX reception_visits_compliance');
  await db.raw(`ALTER TABLE reception_sessions DROP CONSTRAINT reception_sessions_period_fk,
    DROP CONSTRAINT reception_sessions_schedule_entry_fk`);
  for (const t of [
    'reception_compliance_tasks',
    'reception_schedule_changes',
    'reception_schedule_entries',
    'reception_period_flags',
    'reception_period_reports',
    'reception_duty_roster',
    'reception_period_agencies',
    'reception_periods',
  ])
    await db.schema.dropTable(t);
}
