import type { Knex } from 'knex';

/**
 * Signed checkpoints of the audit chain (ADR 0014, db/audit-checkpoints.ts): seq and hash of a verified
 * chain end, with the compact JWS (Ed25519) that signs them. Append-only like the log itself.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('audit_checkpoints', (t) => {
    t.bigInteger('seq').primary();
    t.text('hash').notNullable();
    t.timestamp('at', { useTz: true }).notNullable();
    t.text('kid').notNullable();
    t.text('jws').notNullable();
  });
  await db.raw(`CREATE TRIGGER audit_checkpoints_no_update_delete BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION audit_log_forbid_change()`);
  await db.raw(`CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_forbid_change()`);
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('audit_checkpoints');
}
