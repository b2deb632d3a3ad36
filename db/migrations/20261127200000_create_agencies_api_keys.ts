import type { Knex } from 'knex';

/**
 * The agency tree (province → departments and communes) every principal belongs to, with a demo
 * province for local use and tests, and the API keys of integrating systems (stored as SHA-256 only).
 */
export const DEMO_AGENCIES: ReadonlyArray<{ id: string; parent_id: string | null; name: string; level: string }> = [
  { id: 'tinh-demo', parent_id: null, name: 'UBND tỉnh Demo', level: 'province' },
  { id: 'so-tnmt', parent_id: 'tinh-demo', name: 'Sở Tài nguyên và Môi trường', level: 'department' },
  { id: 'thanh-tra-tinh', parent_id: 'tinh-demo', name: 'Thanh tra tỉnh', level: 'department' },
  { id: 'ubnd-xa-a', parent_id: 'tinh-demo', name: 'UBND xã A', level: 'commune' },
  { id: 'ubnd-xa-b', parent_id: 'tinh-demo', name: 'UBND xã B', level: 'commune' },
];

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('agencies', (t) => {
    t.text('id').primary();
    t.text('parent_id').references('id').inTable('agencies');
    t.text('name').notNullable();
    t.text('level').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.index(['parent_id']);
  });
  await db.raw(
    `ALTER TABLE agencies ADD CONSTRAINT agencies_level_check CHECK (level IN ('province', 'department', 'commune'))`,
  );
  await db('agencies').insert(DEMO_AGENCIES).onConflict('id').ignore();

  await db.schema.createTable('api_keys', (t) => {
    t.text('id').primary();
    t.text('name').notNullable();
    t.text('agency_id').notNullable().references('id').inTable('agencies');
    t.specificType('roles', 'text[]').notNullable();
    // SHA-256 (hex) of the whole key: the key itself is shown once and never stored.
    t.text('key_hash').notNullable().unique();
    t.text('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.timestamp('revoked_at', { useTz: true });
    t.index(['agency_id']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('api_keys');
  await db.schema.dropTable('agencies');
}
