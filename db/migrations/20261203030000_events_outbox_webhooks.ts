import type { Knex } from 'knex';

/**
 * The event feed's transactional outbox and webhook subscriptions (ADR 0026).
 *
 * `events`: one row per event, written in the transaction of the read-model change it announces;
 * `seq` is the feed's cursor. It is taken from `event_head` (one row, locked by the writer until its
 * commit), so seq order is commit order and the cursor has no gaps: a reader that saw seq n has seen
 * every event below n. Rows carry references only, never a party's identity.
 *
 * `webhook_subscriptions`: an integrating system's endpoint (URL, event types, agency scope, the
 * signing secret sealed under the PII keyring). `webhook_deliveries`: one row per (subscription,
 * event) with its state; `webhook_attempts`: every HTTP attempt (status, timing, error).
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('event_head', (t) => {
    t.integer('id').primary();
    t.bigInteger('last_seq').notNullable();
  });
  await db.raw(`ALTER TABLE event_head ADD CONSTRAINT event_head_single CHECK (id = 1)`);
  await db('event_head').insert({ id: 1, last_seq: 0 });
  await db.schema.createTable('events', (t) => {
    t.bigInteger('seq').primary();
    t.uuid('id').notNullable().unique();
    t.text('type').notNullable();
    t.text('source').notNullable();
    t.text('subject');
    t.text('case_id');
    t.text('agency_id');
    t.timestamp('time', { useTz: true }).notNullable();
    t.jsonb('data').notNullable();
    t.timestamp('recorded_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
  });
  await db.raw('CREATE INDEX events_type_seq ON events (type, seq)');
  await db.raw('CREATE INDEX events_agency_seq ON events (agency_id, seq)');
  await db.raw('CREATE INDEX events_case_seq ON events (case_id, seq)');

  await db.schema.createTable('webhook_subscriptions', (t) => {
    t.text('id').primary();
    t.text('name').notNullable();
    t.text('url').notNullable();
    t.specificType('event_types', 'text[]').notNullable();
    t.text('agency_id').notNullable().references('id').inTable('agencies');
    t.text('secret_kid').notNullable();
    t.binary('secret_iv').notNullable();
    t.binary('secret_tag').notNullable();
    t.binary('secret_ct').notNullable();
    t.integer('retry_period_s').notNullable();
    t.bigInteger('start_after_seq').notNullable();
    t.text('status').notNullable().defaultTo('active');
    t.text('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.timestamp('deleted_at', { useTz: true });
  });
  await db.raw(
    `ALTER TABLE webhook_subscriptions ADD CONSTRAINT webhook_subscriptions_status_check CHECK (status IN ('active', 'deleted'))`,
  );
  await db.raw('CREATE INDEX webhook_subscriptions_agency ON webhook_subscriptions (agency_id, created_at DESC)');

  await db.schema.createTable('webhook_deliveries', (t) => {
    t.text('subscription_id').notNullable().references('id').inTable('webhook_subscriptions');
    t.bigInteger('event_seq').notNullable().references('seq').inTable('events');
    t.text('status').notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.integer('last_status_code');
    t.text('last_error');
    t.integer('rounds').notNullable().defaultTo(1);
    t.timestamp('first_attempt_at', { useTz: true });
    t.timestamp('last_attempt_at', { useTz: true });
    t.timestamp('delivered_at', { useTz: true });
    t.timestamp('dead_at', { useTz: true });
    t.primary(['subscription_id', 'event_seq']);
  });
  await db.raw(`ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_status_check
    CHECK (status IN ('pending', 'delivered', 'dead'))`);
  await db.raw('CREATE INDEX webhook_deliveries_status ON webhook_deliveries (subscription_id, status, event_seq)');

  await db.schema.createTable('webhook_attempts', (t) => {
    t.bigIncrements('id');
    t.text('subscription_id').notNullable();
    t.bigInteger('event_seq').notNullable();
    t.integer('round').notNullable();
    t.integer('attempt').notNullable();
    t.timestamp('at', { useTz: true }).notNullable();
    t.integer('duration_ms').notNullable();
    t.integer('status_code');
    t.text('error');
    t.foreign(['subscription_id', 'event_seq'])
      .references(['subscription_id', 'event_seq'])
      .inTable('webhook_deliveries');
  });
  await db.raw('CREATE INDEX webhook_attempts_delivery ON webhook_attempts (subscription_id, event_seq, id)');
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('webhook_attempts');
  await db.schema.dropTable('webhook_deliveries');
  await db.schema.dropTable('webhook_subscriptions');
  await db.schema.dropTable('events');
  await db.schema.dropTable('event_head');
}
