import type { Knex } from 'knex';

/**
 * Task routing to other agencies than the case's (ADR 0010): agencies may be marked as the state
 * inspectorate of their level (`agencies.kind = 'inspectorate'`; the demo province's `thanh-tra-tinh`
 * is), and every projected task carries the agency it is routed to (`case_tasks.target_agency_id`,
 * resolved from its `agency_scope` against the agency tree; null = the case's agency).
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('agencies', (t) => {
    t.text('kind');
  });
  await db.raw(
    `ALTER TABLE agencies ADD CONSTRAINT agencies_kind_check CHECK (kind IS NULL OR kind IN ('inspectorate'))`,
  );
  // Thanh tra tỉnh: the provincial state inspectorate (Luật Thanh tra 2025; it serves every body of the province).
  await db('agencies').where({ id: 'thanh-tra-tinh' }).update({ kind: 'inspectorate' });
  await db.schema.alterTable('case_tasks', (t) => {
    t.text('target_agency_id');
    t.index(['target_agency_id', 'status']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('case_tasks', (t) => {
    t.dropIndex(['target_agency_id', 'status']);
    t.dropColumn('target_agency_id');
  });
  await db.raw('ALTER TABLE agencies DROP CONSTRAINT agencies_kind_check');
  await db.schema.alterTable('agencies', (t) => {
    t.dropColumn('kind');
  });
}
