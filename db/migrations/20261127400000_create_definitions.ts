import type { Knex } from 'knex';

/**
 * The definition registry: every registered process-definition version, immutable once registered
 * (issue 3 item 3: "a version is immutable once registered"). A trigger refuses UPDATE, DELETE and
 * TRUNCATE, so a running case's pinned key@version+hash always resolves to the content it ran.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('process_definitions', (t) => {
    t.text('key').notNullable();
    t.integer('version').notNullable();
    t.text('name').notNullable();
    t.text('case_type').notNullable();
    // Calendar dates (Vietnam): effective_to is exclusive, null = open-ended.
    t.date('effective_from').notNullable();
    t.date('effective_to');
    // The normalised definition (output of validateDefinition); hash = hashDefinition(content).
    t.jsonb('content').notNullable();
    t.text('hash').notNullable();
    t.timestamp('registered_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.text('registered_by').notNullable();
    t.primary(['key', 'version']);
    t.index(['case_type', 'effective_from']);
  });
  await db.raw(`ALTER TABLE process_definitions ADD CONSTRAINT process_definitions_version_check CHECK (version >= 1)`);
  await db.raw(`
    CREATE FUNCTION process_definitions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'process_definitions are immutable once registered (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
    END $$`);
  await db.raw(`CREATE TRIGGER process_definitions_no_update_delete BEFORE UPDATE OR DELETE ON process_definitions
    FOR EACH ROW EXECUTE FUNCTION process_definitions_immutable()`);
  await db.raw(`CREATE TRIGGER process_definitions_no_truncate BEFORE TRUNCATE ON process_definitions
    FOR EACH STATEMENT EXECUTE FUNCTION process_definitions_immutable()`);
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('process_definitions');
  await db.raw('DROP FUNCTION IF EXISTS process_definitions_immutable()');
}
