import type { Knex } from 'knex';

/**
 * Parties of a case (personal data encrypted with AES-256-GCM; only the role is in clear, for
 * queries) and the hashed citizen PIN for the public status look-up.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('parties', (t) => {
    t.text('id').primary();
    // No foreign key to the read model: parties are stored before the workflow starts (and so
    // before the case row exists), so that only references ever reach Temporal.
    t.text('case_id').notNullable();
    t.integer('position').notNullable();
    t.text('role').notNullable();
    t.text('kid').notNullable();
    t.binary('iv').notNullable();
    t.binary('tag').notNullable();
    t.binary('ciphertext').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.unique(['case_id', 'position']);
  });
  await db.raw(`ALTER TABLE parties ADD CONSTRAINT parties_role_check
    CHECK (role IN ('complainant', 'denouncer', 'representative', 'accused', 'related'))`);
  await db.schema.createTable('case_pins', (t) => {
    t.text('reference').primary();
    t.text('case_id').notNullable().unique();
    // scrypt(pin, salt): a PIN is short, so the hash is deliberately slow.
    t.text('pin_hash').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('case_pins');
  await db.schema.dropTable('parties');
}
