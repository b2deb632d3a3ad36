import type { Knex } from 'knex';

/**
 * Records the built-in lifecycles leave behind (ADR 0007): case events, documents (notices and
 * decisions with issued/sent/received dates, spec §3.10), notifications, flags and warnings.
 * Written only by the idempotent lifecycle activities, keyed by (case_id, idem_key) where the key
 * comes from the interpreter's service-task context (node + token). References and role names
 * only: no personal data, never the denouncer's identity (Luật Tố cáo 2018 Art 8(3)).
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('case_events', (t) => {
    t.bigIncrements('id');
    t.text('case_id').notNullable();
    t.text('idem_key').notNullable();
    // 'case_event' (a named event that starts clocks) or 'warning' (an assumption on the case).
    t.text('kind').notNullable();
    t.text('name').notNullable();
    t.date('occurred_on');
    t.text('node_id');
    t.text('message');
    t.timestamp('recorded_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.unique(['case_id', 'idem_key']);
    t.index(['case_id', 'kind']);
  });
  await db.schema.createTable('case_documents', (t) => {
    t.text('id').primary();
    t.text('case_id').notNullable();
    t.text('idem_key').notNullable();
    t.text('node_id');
    t.text('type').notNullable();
    t.text('legal_basis');
    t.text('reference');
    t.specificType('recipients', 'text[]').notNullable();
    t.date('issued_on');
    t.date('sent_on');
    t.date('received_on');
    t.jsonb('detail').notNullable().defaultTo('{}');
    t.timestamp('recorded_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.unique(['case_id', 'idem_key']);
    t.index(['case_id', 'type']);
  });
  await db.schema.createTable('case_notifications', (t) => {
    t.text('id').primary();
    t.text('case_id').notNullable();
    t.text('idem_key').notNullable();
    t.text('node_id');
    t.text('kind').notNullable();
    t.specificType('recipients', 'text[]').notNullable();
    t.text('status').notNullable().defaultTo('queued');
    t.timestamp('recorded_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.unique(['case_id', 'idem_key']);
    t.index(['status']);
  });
  await db.schema.createTable('case_flags', (t) => {
    t.text('case_id').notNullable();
    t.text('flag').notNullable();
    t.jsonb('value').notNullable();
    t.text('idem_key').notNullable();
    t.timestamp('set_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.primary(['case_id', 'flag']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('case_flags');
  await db.schema.dropTable('case_notifications');
  await db.schema.dropTable('case_documents');
  await db.schema.dropTable('case_events');
}
