import type { Knex } from 'knex';

/**
 * Append-only, hash-chained audit log. A trigger forbids UPDATE, DELETE and TRUNCATE so that even the
 * application's own database role cannot rewrite history; tampering by a superuser (who can disable
 * triggers) is still detected by `GET /v1/audit/verify`, which recomputes the chain.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('audit_log', (t) => {
    t.bigIncrements('seq').primary();
    t.timestamp('at', { useTz: true }).notNullable();
    t.jsonb('actor').notNullable();
    t.text('action').notNullable();
    t.text('case_id');
    t.jsonb('before');
    t.jsonb('after');
    t.text('legal_basis');
    t.text('request_id');
    t.text('prev_hash').notNullable();
    t.text('hash').notNullable().unique();
    t.index(['case_id', 'seq']);
  });
  await db.raw(`
    CREATE FUNCTION audit_log_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
    END $$`);
  await db.raw(`CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_forbid_change()`);
  await db.raw(`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_forbid_change()`);
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('audit_log');
  await db.raw('DROP FUNCTION IF EXISTS audit_log_forbid_change()');
}
