import type { Knex } from 'knex';

/**
 * Mass and complex matters (issue 15 items 1-2, ADR 0036). `matter_delegations`: a crowd (a visit of many
 * people, or a mass letter) on a matter, with the process that has the head receive it (`process_case_id`: its
 * `cases` row, case type `delegation`) and the reception session that recorded it. `central_gatherings`: citizens
 * of the province gathered at a central place, with the process that brings them home (case type
 * `central_gathering`); its representatives sealed like visitors (`central_gathering_representatives`).
 * Hotspot items gain the kind `delegation` (a visit that is a delegation weighs as such).
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('matter_delegations', (t) => {
    t.text('id').primary();
    t.text('matter_id').notNullable().references('id').inTable('matters');
    t.text('source_kind').notNullable();
    t.text('source_id').notNullable();
    t.text('agency_id').notNullable().references('id').inTable('agencies');
    t.integer('people_count').notNullable();
    t.boolean('security_liaison').notNullable().defaultTo(false);
    t.text('process_case_id').notNullable().references('id').inTable('cases');
    t.text('reception_session_id').references('id').inTable('reception_sessions');
    t.text('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.unique(['source_kind', 'source_id']);
    t.index(['matter_id']);
    t.index(['agency_id', 'created_at']);
  });
  await db.raw(`ALTER TABLE matter_delegations ADD CONSTRAINT matter_delegations_source_check
    CHECK (source_kind IN ('visit', 'case'))`);

  await db.schema.createTable('central_gatherings', (t) => {
    t.text('id').primary();
    t.text('matter_id').notNullable().references('id').inTable('matters');
    t.text('agency_id').notNullable().references('id').inTable('agencies');
    t.timestamp('gathered_at', { useTz: true }).notNullable();
    t.text('place_kind').notNullable();
    t.text('place_name').notNullable();
    t.text('city').notNullable();
    t.integer('people_count').notNullable();
    t.text('reported_by_kind').notNullable();
    t.text('reported_by_ref');
    t.text('process_case_id').notNullable().unique().references('id').inTable('cases');
    t.text('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.index(['matter_id']);
    t.index(['agency_id', 'gathered_at']);
  });
  await db.raw(`ALTER TABLE central_gatherings ADD CONSTRAINT central_gatherings_place_check
    CHECK (place_kind IN ('central_reception_office', 'central_agency') AND city IN ('hanoi', 'hcmc'))`);
  await db.raw(
    `ALTER TABLE central_gatherings ADD CONSTRAINT central_gatherings_people_check CHECK (people_count >= 1)`,
  );
  await db.raw(`ALTER TABLE central_gatherings ADD CONSTRAINT central_gatherings_reporter_check
    CHECK (reported_by_kind IN ('central_reception_office', 'central_agency', 'police', 'officer', 'other'))`);

  await db.schema.createTable('central_gathering_representatives', (t) => {
    t.text('id').primary();
    t.text('gathering_id').notNullable().references('id').inTable('central_gatherings').onDelete('CASCADE');
    t.integer('position').notNullable();
    t.text('kid').notNullable();
    t.binary('iv').notNullable();
    t.binary('tag').notNullable();
    t.binary('ciphertext').notNullable();
    t.unique(['gathering_id', 'position']);
  });

  await db.raw('ALTER TABLE hotspot_items DROP CONSTRAINT hotspot_items_kind_check');
  await db.raw(`ALTER TABLE hotspot_items ADD CONSTRAINT hotspot_items_kind_check
    CHECK (item_kind IN ('case', 'visit', 'delegation', 'matter', 'central_gathering'))`);
}

export async function down(db: Knex): Promise<void> {
  await db('hotspot_items').where({ item_kind: 'delegation' }).update({ item_kind: 'visit' });
  await db.raw('ALTER TABLE hotspot_items DROP CONSTRAINT hotspot_items_kind_check');
  await db.raw(`ALTER TABLE hotspot_items ADD CONSTRAINT hotspot_items_kind_check
    CHECK (item_kind IN ('case', 'visit', 'matter', 'central_gathering'))`);
  await db.schema.dropTable('central_gathering_representatives');
  await db.schema.dropTable('central_gatherings');
  await db.schema.dropTable('matter_delegations');
}
