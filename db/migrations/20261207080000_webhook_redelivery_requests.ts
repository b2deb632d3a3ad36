import type { Knex } from 'knex';

/**
 * A manual webhook redelivery waiting for a deliverer (ADR 0026, session-8 amendment). `redelivery_round` is the
 * round the redelivery opened, set by the request and cleared by whoever takes it on: the fast-path activity once
 * it has logged its attempt in that round, or the delivery workflow when it queues it in its own lane between two
 * windows. So exactly one of them sends it, and the fast path finds requests made during its window without a
 * message from the workflow (a signal cannot reach a running activity). The partial index keeps that look-up
 * (once a second per open window) to the few rows waiting.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('webhook_deliveries', (t) => {
    t.integer('redelivery_round');
  });
  await db.raw(`CREATE INDEX webhook_deliveries_redelivery_idx ON webhook_deliveries (subscription_id, event_seq)
    WHERE redelivery_round IS NOT NULL`);
}

export async function down(db: Knex): Promise<void> {
  await db.raw('DROP INDEX webhook_deliveries_redelivery_idx');
  await db.schema.alterTable('webhook_deliveries', (t) => {
    t.dropColumn('redelivery_round');
  });
}
