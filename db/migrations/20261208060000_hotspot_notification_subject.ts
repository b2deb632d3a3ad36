import type { Knex } from 'knex';

/**
 * A hotspot notification names its hotspot when no case stands behind it (ADR 0034, review fix): a cluster raised
 * only by reception visits, delegations or central gatherings has no case to carry the message, and its
 * supervisors were told nothing. Such a notification is about the hotspot: `subject_kind = 'hotspot'`,
 * `subject_id` its id, `case_id` null, `agency_id` one of its agencies (whose directory resolves the people) and
 * `detail` the link's path and the rises it announces (never a party or a respondent's name).
 *
 * The sweep of hotspot notifications whose delivery start was lost now runs every few minutes (the
 * `mass-process-reconcile` schedule): a partial index keeps it off the whole notification table.
 */
const KINDS = ['case', 'reception_compliance_task', 'reception_period_task', 'report'];

function check(kinds: readonly string[]): string {
  return `ALTER TABLE case_notifications ADD CONSTRAINT case_notifications_subject_kind
    CHECK (subject_kind IN (${kinds.map((k) => `'${k}'`).join(', ')}))`;
}

export async function up(db: Knex): Promise<void> {
  await db.raw('ALTER TABLE case_notifications DROP CONSTRAINT case_notifications_subject_kind');
  await db.raw(check([...KINDS, 'hotspot']));
  await db.raw(`CREATE INDEX case_notifications_hotspot_queued ON case_notifications (recorded_at)
    WHERE status = 'queued' AND kind IN ('hotspot_raised', 'hotspot_level_changed')`);
}

export async function down(db: Knex): Promise<void> {
  await db.raw('DROP INDEX case_notifications_hotspot_queued');
  await db.raw(`DELETE FROM notification_deliveries WHERE subject_kind = 'hotspot'`);
  await db.raw(`DELETE FROM case_notifications WHERE subject_kind = 'hotspot'`);
  await db.raw('ALTER TABLE case_notifications DROP CONSTRAINT case_notifications_subject_kind');
  await db.raw(check(KINDS));
}
