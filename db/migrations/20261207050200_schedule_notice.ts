import type { Knex } from 'knex';

/**
 * Schedule notice (Luật Tiếp công dân 2013 Art 24(4); for online reception NĐ 154/2026 Art 23(1)): a leader's
 * periodic or online reception day is published at least 5 working days before it. An entry created or moved with
 * less notice needs a reason and is flagged: `late_notice` with its reason, and `notice_deadline`, the last day it
 * could have been published in time (on the public-agency calendar), for entries the rule applies to.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('reception_schedule_entries', (t) => {
    t.date('notice_deadline');
    t.boolean('late_notice').notNullable().defaultTo(false);
    t.text('late_notice_reason');
  });
  await db.raw(`ALTER TABLE reception_schedule_entries ADD CONSTRAINT reception_schedule_entries_late_notice
    CHECK (NOT late_notice OR (late_notice_reason IS NOT NULL AND notice_deadline IS NOT NULL))`);
  await db.raw(`CREATE INDEX reception_schedule_entries_late_idx ON reception_schedule_entries (agency_id, entry_date)
    WHERE late_notice`);
}

export async function down(db: Knex): Promise<void> {
  await db.raw('DROP INDEX reception_schedule_entries_late_idx');
  await db.raw('ALTER TABLE reception_schedule_entries DROP CONSTRAINT reception_schedule_entries_late_notice');
  await db.schema.alterTable('reception_schedule_entries', (t) =>
    t.dropColumns('notice_deadline', 'late_notice', 'late_notice_reason'),
  );
}
