import type { Knex } from 'knex';

/**
 * Who governs a registered definition version (ADR 0013). A row names the agency that registered it:
 * the version applies to the cases of that agency's subtree only. No row = system level (the
 * built-ins, and versions registered by a system-level role): it applies everywhere. Written in the
 * registering transaction; immutable like the versions themselves.
 *
 * Backfill: versions registered through the API before this migration get the agency of the actor of
 * their `definition.registered` audit entry (so a commune's earlier registration now applies to that
 * commune only; an entry naming `ownerAgencyId` — null for the system level — is taken as it says); versions registered at start-up (`system:builtin`) or without such an entry stay
 * system level.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('definition_owners', (t) => {
    t.text('key').notNullable();
    t.integer('version').notNullable();
    t.text('agency_id').notNullable().references('id').inTable('agencies');
    t.primary(['key', 'version']);
    t.foreign(['key', 'version']).references(['key', 'version']).inTable('process_definitions');
    t.index(['agency_id']);
  });
  await db.raw(`
    CREATE FUNCTION definition_owners_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'definition_owners are immutable once registered (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
    END $$`);
  await db.raw(`CREATE TRIGGER definition_owners_no_update_delete BEFORE UPDATE OR DELETE ON definition_owners
    FOR EACH ROW EXECUTE FUNCTION definition_owners_immutable()`);
  await db.raw(`CREATE TRIGGER definition_owners_no_truncate BEFORE TRUNCATE ON definition_owners
    FOR EACH STATEMENT EXECUTE FUNCTION definition_owners_immutable()`);
  await db.raw(`
    INSERT INTO definition_owners (key, version, agency_id)
    SELECT DISTINCT ON (d.key, d.version) d.key, d.version, g.id
      FROM process_definitions d
      JOIN audit_log a ON a.action = 'definition.registered' AND a.after->>'key' = d.key AND a.after->>'version' = d.version::text
      JOIN agencies g ON g.id = CASE WHEN a.after->'ownerAgencyId' IS NOT NULL THEN a.after->>'ownerAgencyId' ELSE a.actor->>'agency' END
     WHERE d.registered_by <> 'system:builtin'
     ORDER BY d.key, d.version, a.seq`);
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('definition_owners');
  await db.raw('DROP FUNCTION IF EXISTS definition_owners_immutable()');
}
