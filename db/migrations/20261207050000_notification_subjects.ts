import type { Knex } from 'knex';

/**
 * Notifications about something other than a case (issue 14.4 gap, ADR 0029 amendment): a compliance shortfall
 * notifies the head of the supervising agency, and a report's escalation its own superior, but
 * `case_notifications.case_id` was NOT NULL. A notification (and each of its deliveries) now names its subject:
 * `subject_kind` + `subject_id` (`case` + the case id for every existing row, `case_id` unchanged for them, so a
 * case's notifications stay on the case), `agency_id` (whose directory resolves the recipients when the subject is
 * not a case) and `detail` (what the message says: references, agency, period, citation, the link's path — never a
 * party). The report escalation's deliveries, which carried the report id in `case_id`, become `report` subjects.
 */
export async function up(db: Knex): Promise<void> {
  await db.raw(`ALTER TABLE case_notifications
    ADD COLUMN subject_kind text NOT NULL DEFAULT 'case',
    ADD COLUMN subject_id text,
    ADD COLUMN agency_id text,
    ADD COLUMN detail jsonb NOT NULL DEFAULT '{}'`);
  await db.raw('UPDATE case_notifications SET subject_id = case_id');
  await db.raw(`ALTER TABLE case_notifications
    ALTER COLUMN subject_id SET NOT NULL,
    ALTER COLUMN case_id DROP NOT NULL,
    ADD CONSTRAINT case_notifications_subject_kind
      CHECK (subject_kind IN ('case', 'reception_compliance_task', 'reception_period_task', 'report')),
    ADD CONSTRAINT case_notifications_subject_case
      CHECK (CASE WHEN subject_kind = 'case' THEN case_id IS NOT NULL AND case_id = subject_id
                  ELSE case_id IS NULL AND agency_id IS NOT NULL END)`);
  await db.raw(`CREATE UNIQUE INDEX case_notifications_subject_idem
    ON case_notifications (subject_kind, subject_id, idem_key)`);

  await db.raw(`ALTER TABLE notification_deliveries
    ADD COLUMN subject_kind text NOT NULL DEFAULT 'case',
    ADD COLUMN subject_id text`);
  await db.raw(`UPDATE notification_deliveries
     SET subject_kind = CASE WHEN notification_id LIKE 'rptntf-%' THEN 'report' ELSE 'case' END,
         subject_id = case_id,
         case_id = CASE WHEN notification_id LIKE 'rptntf-%' THEN NULL ELSE case_id END`);
  await db.raw(`ALTER TABLE notification_deliveries
    ALTER COLUMN subject_id SET NOT NULL,
    ALTER COLUMN case_id DROP NOT NULL,
    ADD CONSTRAINT notification_deliveries_subject_case
      CHECK ((subject_kind = 'case') = (case_id IS NOT NULL))`);
  await db.raw(
    'CREATE INDEX notification_deliveries_subject_idx ON notification_deliveries (subject_kind, subject_id)',
  );
  // Writers that know only the case (the lifecycle activity, hotspots) keep writing `case_id`: it is the subject.
  await db.raw(`CREATE FUNCTION notification_subject_default() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.subject_id IS NULL THEN NEW.subject_id := NEW.case_id; END IF;
      RETURN NEW;
    END $$`);
  for (const t of ['case_notifications', 'notification_deliveries'])
    await db.raw(`CREATE TRIGGER ${t}_subject_default BEFORE INSERT ON ${t}
      FOR EACH ROW EXECUTE FUNCTION notification_subject_default()`);
}

export async function down(db: Knex): Promise<void> {
  for (const t of ['case_notifications', 'notification_deliveries'])
    await db.raw(`DROP TRIGGER ${t}_subject_default ON ${t}`);
  await db.raw('DROP FUNCTION notification_subject_default()');
  await db.raw('DROP INDEX notification_deliveries_subject_idx');
  await db.raw(`DELETE FROM notification_deliveries WHERE subject_kind NOT IN ('case', 'report')`);
  await db.raw('ALTER TABLE notification_deliveries DROP CONSTRAINT notification_deliveries_subject_case');
  // A report's deliveries carried the report id in `case_id` before.
  await db.raw(`UPDATE notification_deliveries SET case_id = subject_id WHERE case_id IS NULL`);
  await db.raw(`ALTER TABLE notification_deliveries
    ALTER COLUMN case_id SET NOT NULL, DROP COLUMN subject_kind, DROP COLUMN subject_id`);
  await db.raw('DROP INDEX case_notifications_subject_idem');
  await db.raw(`DELETE FROM case_notifications WHERE case_id IS NULL`);
  await db.raw(`ALTER TABLE case_notifications DROP CONSTRAINT case_notifications_subject_kind,
    DROP CONSTRAINT case_notifications_subject_case, ALTER COLUMN case_id SET NOT NULL,
    DROP COLUMN subject_kind, DROP COLUMN subject_id, DROP COLUMN agency_id, DROP COLUMN detail`);
}
