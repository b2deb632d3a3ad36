import type { Knex } from 'knex';

/** Indexes for the auditors' search over the audit log (`GET /v1/audit`, ADR 0014): by action, time and actor. */
export async function up(db: Knex): Promise<void> {
  await db.raw('CREATE INDEX audit_log_action_seq ON audit_log (action text_pattern_ops, seq)');
  await db.raw('CREATE INDEX audit_log_at ON audit_log (at)');
  await db.raw(`CREATE INDEX audit_log_actor_id ON audit_log ((actor->>'id'), seq)`);
}

export async function down(db: Knex): Promise<void> {
  await db.raw('DROP INDEX IF EXISTS audit_log_action_seq');
  await db.raw('DROP INDEX IF EXISTS audit_log_at');
  await db.raw('DROP INDEX IF EXISTS audit_log_actor_id');
}
