import type { Knex } from 'knex';

/**
 * Stored reports (issue 16 items 3–5, ADR 0032). `reports`: one per agency, kind and data period (the
 * workflow `report-<agency>-<kind>-<period>` drafts it), with its status, sending deadline and the
 * free-text sections the agency writes before submitting. `report_versions`: the computed snapshots; a
 * submitted version is frozen (a trigger refuses any change or deletion: the snapshot, its sha256 over
 * canonical JSON, who and when submitted). Reopening (with a reason) adds a new draft version; both stay.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('reports', (t) => {
    t.text('id').primary();
    t.text('agency_id').notNullable();
    t.text('kind').notNullable();
    t.text('period_key').notNullable();
    t.date('period_from').notNullable();
    t.date('period_to').notNullable();
    t.text('regime').notNullable();
    t.text('form_code').notNullable();
    t.text('status').notNullable().defaultTo('draft');
    t.date('due_on').notNullable();
    t.timestamp('due_at', { useTz: true }).notNullable();
    // The deadline rule and its derivation on the calendar (rule UNCONFIRMED: configuration).
    t.jsonb('deadline').notNullable();
    t.boolean('overdue').notNullable().defaultTo(false);
    t.timestamp('escalated_at', { useTz: true });
    // Free text of the agency (assessment, proposals), copied into the version when submitted.
    t.jsonb('sections').notNullable().defaultTo('{}');
    t.integer('current_version').notNullable().defaultTo(0);
    t.text('workflow_id').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.unique(['agency_id', 'kind', 'period_key']);
    t.index(['kind', 'period_key']);
  });
  await db.raw(`ALTER TABLE reports ADD CONSTRAINT reports_kind_check
    CHECK (kind IN ('monthly', 'quarter', 'half', 'nine_months', 'year'))`);
  await db.raw(`ALTER TABLE reports ADD CONSTRAINT reports_status_check
    CHECK (status IN ('draft', 'in_review', 'submitted', 'reopened'))`);

  await db.schema.createTable('report_versions', (t) => {
    t.text('report_id').notNullable().references('id').inTable('reports');
    t.integer('version').notNullable();
    t.jsonb('snapshot').notNullable();
    t.jsonb('sections');
    // sha256 of the canonical JSON of {snapshot, sections}, set when submitted.
    t.text('hash');
    t.timestamp('computed_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    // `scheduled` (end of the data period) or `reopened` (with the reason and who).
    t.text('cause').notNullable();
    t.text('reopen_reason');
    t.jsonb('reopened_by');
    t.jsonb('submitted_by');
    t.timestamp('submitted_at', { useTz: true });
    t.primary(['report_id', 'version']);
  });
  await db.raw(`CREATE FUNCTION report_versions_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF OLD.submitted_at IS NOT NULL THEN
        RAISE EXCEPTION 'report version %/% is submitted and frozen', OLD.report_id, OLD.version
          USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
      RETURN NEW;
    END $$`);
  await db.raw(`CREATE TRIGGER report_versions_frozen BEFORE UPDATE OR DELETE ON report_versions
    FOR EACH ROW EXECUTE FUNCTION report_versions_frozen()`);
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('report_versions');
  await db.raw('DROP FUNCTION report_versions_frozen()');
  await db.schema.dropTable('reports');
}
