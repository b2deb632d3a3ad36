import type { Knex } from 'knex';

/**
 * A compliance task is closed by the supervising level with what it did about the shortfall (issue 14.4: the
 * monthly/weekly check opens a task for the supervising agency; ADR 0029 amendment): who closed it, when, and the
 * outcome (a reminder sent, an explanation received, a disciplinary step…). Until now nothing closed one.
 */
export async function up(db: Knex): Promise<void> {
  await db.raw(`ALTER TABLE reception_compliance_tasks
    ADD COLUMN closed_at timestamptz,
    ADD COLUMN closed_by jsonb,
    ADD COLUMN outcome text`);
}

export async function down(db: Knex): Promise<void> {
  await db.raw(
    `ALTER TABLE reception_compliance_tasks DROP COLUMN closed_at, DROP COLUMN closed_by, DROP COLUMN outcome`,
  );
}
