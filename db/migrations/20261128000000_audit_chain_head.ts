import type { Knex } from 'knex';

const GENESIS_HASH = '0'.repeat(64);
// The advisory lock appends took before this migration (db/audit.ts): held here so that no append of
// older code runs between reading the last entry and writing the head.
const CHAIN_LOCK = 0x6b6e7463;

/**
 * The head of the audit hash chain (seq and hash of the last entry) as a single row. An append updates
 * this row and inserts its entry in ONE statement (db/audit.ts): the row lock serialises appenders as the
 * advisory lock did, but it is taken by the statement that extends the chain and not three round trips
 * earlier, and a statement outside a transaction holds it only while PostgreSQL executes and commits it —
 * never while the application process is busy elsewhere. The row can be neither deleted nor truncated.
 */
export async function up(db: Knex): Promise<void> {
  await db.raw('SELECT pg_advisory_xact_lock(?)', [CHAIN_LOCK]);
  await db.schema.createTable('audit_chain_head', (t) => {
    t.integer('id').primary();
    t.bigInteger('seq').notNullable();
    t.text('prev_hash').notNullable();
    t.text('hash').notNullable();
  });
  await db.raw('ALTER TABLE audit_chain_head ADD CONSTRAINT audit_chain_head_single_row CHECK (id = 1)');
  await db.raw(
    `INSERT INTO audit_chain_head (id, seq, prev_hash, hash)
    SELECT 1, coalesce(max(l.seq), 0), coalesce(max(l.prev_hash), ?), coalesce(max(l.hash), ?)
      FROM (SELECT seq, prev_hash, hash FROM audit_log ORDER BY seq DESC LIMIT 1) l`,
    [GENESIS_HASH, GENESIS_HASH],
  );
  await db.raw(`CREATE TRIGGER audit_chain_head_no_delete BEFORE DELETE ON audit_chain_head
    FOR EACH ROW EXECUTE FUNCTION audit_log_forbid_change()`);
  await db.raw(`CREATE TRIGGER audit_chain_head_no_truncate BEFORE TRUNCATE ON audit_chain_head
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_forbid_change()`);
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('audit_chain_head');
}
