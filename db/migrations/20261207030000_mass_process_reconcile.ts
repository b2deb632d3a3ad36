import type { Knex } from 'knex';

/**
 * Follow-ups of issue 15 (ADR 0036 amended):
 * - `central_gatherings.hotspot_fed_at`: when the gathering was fed to the hotspot detector (its matter had a
 *   place then, or was given one later). A gathering recorded before its matter had a place is fed when the place
 *   is set through `PATCH /v1/matters/{id}`; the column says which are still to feed without searching
 *   `hotspot_items` by item (no index there). Back-filled from the items already fed.
 * - A partial index of the mass-matter process rows (`channel = 'mass_matter'`): the reconciler that starts the
 *   processes whose start was lost (a crash between the commit and the workflow start) reads only those.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('central_gatherings', (t) => {
    t.timestamp('hotspot_fed_at', { useTz: true });
  });
  await db.raw(`UPDATE central_gatherings g SET hotspot_fed_at = g.created_at
    WHERE EXISTS (SELECT 1 FROM hotspot_items i WHERE i.item_kind = 'central_gathering' AND i.item_id = g.id)`);
  await db.raw(`CREATE INDEX cases_mass_process_idx ON cases (received_at, id) WHERE channel = 'mass_matter'`);
}

export async function down(db: Knex): Promise<void> {
  await db.raw('DROP INDEX cases_mass_process_idx');
  await db.schema.alterTable('central_gatherings', (t) => {
    t.dropColumn('hotspot_fed_at');
  });
}
