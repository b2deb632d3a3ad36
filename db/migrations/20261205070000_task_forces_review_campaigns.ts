import type { Knex } from 'knex';

/**
 * Task forces and backlog review campaigns (issue 15 items 3 and 5, ADR 0037).
 *
 * `task_forces` (tổ công tác): a team governed by the agency of the supervisor who set it up (an agency whose
 * subtree holds every member's agency), with a mandate, an end date and optionally the special period
 * (`reception_periods`) it serves. `task_force_members`: people of the directory with the agency they act
 * for; a removed member keeps the row (`removed_at`). `task_force_assignments`: the matters and cases the
 * team works (one task force per matter or case at a time). `review_campaigns` (rà soát) with their criteria,
 * and `review_items`: one review per selected matter, opened for the matter's agency, escalated to the agency
 * above when overdue, closed with its outcome.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('task_forces', (t) => {
    t.text('id').primary();
    t.text('name').notNullable();
    t.text('mandate').notNullable();
    t.text('governing_agency_id').notNullable().references('id').inTable('agencies');
    t.text('lead_person_id').notNullable().references('id').inTable('people');
    t.text('period_id').references('id').inTable('reception_periods');
    t.date('ends_on').notNullable();
    t.jsonb('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.index(['governing_agency_id']);
  });
  await db.schema.createTable('task_force_members', (t) => {
    t.text('task_force_id').notNullable().references('id').inTable('task_forces');
    t.text('person_id').notNullable().references('id').inTable('people');
    t.text('agency_id').notNullable().references('id').inTable('agencies');
    t.timestamp('added_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.timestamp('removed_at', { useTz: true });
    t.primary(['task_force_id', 'person_id']);
    t.index(['person_id']);
  });
  await db.schema.createTable('task_force_assignments', (t) => {
    t.text('task_force_id').notNullable().references('id').inTable('task_forces');
    t.text('kind').notNullable();
    t.text('ref_id').notNullable();
    t.text('agency_id').notNullable().references('id').inTable('agencies');
    t.jsonb('assigned_by').notNullable();
    t.timestamp('assigned_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.primary(['kind', 'ref_id']);
    t.index(['task_force_id']);
  });
  await db.raw(`ALTER TABLE task_force_assignments ADD CONSTRAINT task_force_assignments_kind_check
    CHECK (kind IN ('matter', 'case'))`);

  await db.schema.createTable('review_campaigns', (t) => {
    t.text('id').primary();
    t.text('name').notNullable();
    t.text('agency_id').notNullable().references('id').inTable('agencies');
    t.jsonb('criteria').notNullable();
    t.timestamp('due_at', { useTz: true }).notNullable();
    t.text('status').notNullable().defaultTo('running');
    t.text('workflow_id').notNullable();
    t.jsonb('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.timestamp('completed_at', { useTz: true });
    t.index(['agency_id']);
  });
  await db.raw(`ALTER TABLE review_campaigns ADD CONSTRAINT review_campaigns_status_check
    CHECK (status IN ('running', 'completed'))`);
  await db.schema.createTable('review_items', (t) => {
    t.text('id').primary();
    t.text('campaign_id').notNullable().references('id').inTable('review_campaigns');
    t.text('matter_id').notNullable().references('id').inTable('matters');
    t.text('agency_id').notNullable().references('id').inTable('agencies');
    t.timestamp('due_at', { useTz: true }).notNullable();
    t.text('status').notNullable().defaultTo('pending');
    t.timestamp('opened_at', { useTz: true });
    t.text('escalated_to').references('id').inTable('agencies');
    t.timestamp('escalated_at', { useTz: true });
    t.text('outcome');
    t.date('plan_date');
    t.text('legal_ground');
    t.text('task_force_id').references('id').inTable('task_forces');
    t.text('note');
    t.jsonb('reviewed_by');
    t.timestamp('reviewed_at', { useTz: true });
    t.unique(['campaign_id', 'matter_id']);
    t.index(['agency_id', 'status']);
  });
  await db.raw(`ALTER TABLE review_items ADD CONSTRAINT review_items_status_check
    CHECK (status IN ('pending', 'open', 'reviewed'))`);
  await db.raw(`ALTER TABLE review_items ADD CONSTRAINT review_items_outcome_check
    CHECK (outcome IS NULL OR outcome IN ('resolved', 'resolution_plan', 'terminated', 'referred_to_task_force'))`);
  await db.raw(`ALTER TABLE review_items ADD CONSTRAINT review_items_outcome_fields CHECK (
    (outcome IS NULL) = (status <> 'reviewed')
    AND (outcome <> 'resolution_plan' OR plan_date IS NOT NULL)
    AND (outcome <> 'terminated' OR legal_ground IS NOT NULL)
    AND (outcome <> 'referred_to_task_force' OR task_force_id IS NOT NULL))`);
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('review_items');
  await db.schema.dropTable('review_campaigns');
  await db.schema.dropTable('task_force_assignments');
  await db.schema.dropTable('task_force_members');
  await db.schema.dropTable('task_forces');
}
