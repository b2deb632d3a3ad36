import type { Knex } from 'knex';

/**
 * Notifications delivered (issue 13.2, ADR 0025). A `case_notifications` row (written by the
 * lifecycle activity recordNotification) is delivered by `deliverNotificationWorkflow`: one
 * `notification_deliveries` row per recipient and channel (email, sms, inapp), with its status
 * (`queued`, `sent`, `failed`, `bounced`), attempts and last error; the notification's own status
 * is the outcome over its deliveries. In-app deliveries are the person's inbox (`read_at`).
 * Recipients are staff of the directory (`person_id` = the identity provider's `sub`); messages
 * carry the case reference, never a party's or denouncer's identity (Luật Tố cáo 2018 Art 8(3)).
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('case_notifications', (t) => {
    t.integer('attempts').notNullable().defaultTo(0);
    // Why nothing was delivered (`no_recipients`), or null.
    t.text('reason');
    t.timestamp('settled_at', { useTz: true });
  });
  await db.raw(`ALTER TABLE case_notifications ADD CONSTRAINT case_notifications_status_check
    CHECK (status IN ('queued', 'sent', 'failed', 'bounced'))`);
  await db.raw('CREATE INDEX case_notifications_case_idx ON case_notifications (case_id, recorded_at)');
  await db.schema.createTable('notification_deliveries', (t) => {
    t.text('id').primary();
    // No foreign key: case_notifications belongs to an earlier migration that must roll back on its own.
    t.text('notification_id').notNullable();
    t.text('case_id').notNullable();
    t.text('person_id').notNullable();
    t.text('channel').notNullable();
    // The email address or phone number used (staff contact data, from the directory); null in-app.
    t.text('address');
    t.text('status').notNullable().defaultTo('queued');
    t.integer('attempts').notNullable().defaultTo(0);
    t.text('last_error');
    t.timestamp('last_attempt_at', { useTz: true });
    t.timestamp('sent_at', { useTz: true });
    t.text('subject').notNullable();
    t.text('body_text').notNullable();
    t.text('body_html').notNullable();
    t.text('link');
    t.timestamp('read_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.unique(['notification_id', 'person_id', 'channel']);
    t.index(['case_id']);
  });
  await db.raw(`ALTER TABLE notification_deliveries ADD CONSTRAINT notification_deliveries_channel_check
    CHECK (channel IN ('email', 'sms', 'inapp'))`);
  await db.raw(`ALTER TABLE notification_deliveries ADD CONSTRAINT notification_deliveries_status_check
    CHECK (status IN ('queued', 'sent', 'failed', 'bounced'))`);
  // The in-app inbox: a person's messages, newest first, unread ones quickly.
  await db.raw(`CREATE INDEX notification_deliveries_inbox_idx ON notification_deliveries (person_id, created_at DESC)
    WHERE channel = 'inapp'`);
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('notification_deliveries');
  await db.raw('DROP INDEX case_notifications_case_idx');
  await db.raw('ALTER TABLE case_notifications DROP CONSTRAINT case_notifications_status_check');
  await db.schema.alterTable('case_notifications', (t) => {
    t.dropColumn('settled_at');
    t.dropColumn('reason');
    t.dropColumn('attempts');
  });
}
