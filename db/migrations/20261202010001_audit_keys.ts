import type { Knex } from 'knex';

/**
 * Keys of audit entries appended "at most once" (ADR 0013): the actor's entry of a task completion or a
 * legal event is written by the API after the Update and, independently, by the case's projection
 * activity once the Update is applied — whichever comes first inserts the key (in the transaction of
 * the append) and the other finds it. Rows are never changed.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('audit_keys', (t) => {
    t.text('key').primary();
    t.bigInteger('audit_seq').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('audit_keys');
}
