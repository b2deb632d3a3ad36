import type { Knex } from 'knex';

/**
 * The public-agency calendar as data, and the record of cases told about calendar changes.
 *
 * `calendar_entries` is append-only and effective-dated: an entry is a *version* of a logical
 * calendar entry (`entry_id`); a correction is a new row (same `entry_id` with a later
 * `effective_from`, or a new entry whose `supersedes` lists the ids it replaces). Nothing is
 * updated or deleted (a trigger refuses it), so the calendar as known on any day can be rebuilt
 * and an auditor can see who changed what, when and on which authority. `seq` orders the rows;
 * `max(seq)` is the version of the calendar data.
 *
 * The seed (calendar/announcements.ts) is not written here: migrations are frozen once landed, the
 * seed file is not. `seedCalendarEntries` (db/calendar.ts) appends it idempotently at start.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('calendar_entries', (t) => {
    t.bigIncrements('seq').primary();
    t.text('entry_id').notNullable();
    t.date('date').notNullable();
    t.boolean('working').notNullable();
    t.text('kind').notNullable();
    t.text('name').notNullable();
    /** Legal or administrative source (document number and date). */
    t.text('source').notNullable();
    /** Why this version was written (admin entries; seed rows say "seed"). */
    t.text('reason').notNullable();
    t.date('effective_from').notNullable();
    /** Entry ids (or `prefix*`) this version replaces. */
    t.jsonb('supersedes').notNullable().defaultTo('[]');
    t.text('confidence');
    t.text('note');
    t.text('origin').notNullable();
    t.text('seed_version');
    /** Hash of the entry's content: the seed is idempotent on (entry_id, content_hash). */
    t.text('content_hash').notNullable();
    t.jsonb('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.unique(['entry_id', 'content_hash']);
    t.index(['date']);
    t.index(['entry_id', 'seq']);
  });
  await db.raw(`ALTER TABLE calendar_entries
    ADD CONSTRAINT calendar_entries_kind CHECK (kind IN ('public_holiday', 'substitute_day_off', 'announced_day_off', 'makeup_working_day')),
    ADD CONSTRAINT calendar_entries_working_kind CHECK (working = (kind = 'makeup_working_day')),
    ADD CONSTRAINT calendar_entries_confidence CHECK (confidence IS NULL OR confidence IN ('confirmed', 'reported', 'uncertain')),
    ADD CONSTRAINT calendar_entries_origin CHECK (origin IN ('seed', 'admin')),
    ADD CONSTRAINT calendar_entries_text CHECK (length(btrim(name)) > 0 AND length(btrim(source)) > 0 AND length(btrim(reason)) > 0)`);
  await db.raw(`
    CREATE FUNCTION calendar_entries_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'calendar_entries is append-only (% refused): add a correcting entry instead', TG_OP
        USING ERRCODE = 'insufficient_privilege';
    END $$`);
  await db.raw(`CREATE TRIGGER calendar_entries_no_update_delete BEFORE UPDATE OR DELETE ON calendar_entries
    FOR EACH ROW EXECUTE FUNCTION calendar_entries_forbid_change()`);

  await db.schema.createTable('calendar_notifications', (t) => {
    t.bigIncrements('id').primary();
    t.text('case_id');
    t.text('workflow_id').notNullable();
    t.bigInteger('entry_seq').notNullable().references('seq').inTable('calendar_entries');
    t.text('entry_id').notNullable();
    /** Calendar data version sent with the message (`entries:<seq>`). */
    t.text('version').notNullable();
    t.jsonb('changed_dates').notNullable();
    t.timestamp('notified_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.unique(['workflow_id', 'entry_seq']);
    t.index(['case_id']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('calendar_notifications');
  await db.schema.dropTable('calendar_entries');
  await db.raw('DROP FUNCTION IF EXISTS calendar_entries_forbid_change()');
}
