import type { Knex } from 'knex';

/**
 * The agency and staff directory (issue 13.1, ADR 0024).
 *
 * `agencies` gains a lifecycle: `closed_at` and `successor_id` (a closed agency's open cases move to
 * its successor, `agency_closures` tracks that background move) and `updated_at`.
 *
 * `people`: a person of the directory; `id` is the identity provider's subject (`sub`), the same id
 * the API sees as `Principal.id` of a user. `agency_staff`: a person's membership of an agency with
 * the product's role names (api/auth/principal.ts ROLES) and a position (`head` — at most one active
 * per agency —, `deputy`, `member`). `notification_preferences`: per person, channel and
 * notification kind (`*` = every kind; a row for the exact kind wins over `*`).
 *
 * Demo data for `npm start`: a head with an `@kntc.local` email for each demo agency.
 */
export const DEMO_PEOPLE: ReadonlyArray<{
  id: string;
  display_name: string;
  email: string;
  agency_id: string;
  roles: string[];
}> = [
  {
    id: 'head-tinh-demo',
    display_name: 'Nguyễn Văn An',
    email: 'chu-tich@tinh-demo.kntc.local',
    agency_id: 'tinh-demo',
    roles: ['supervisor', 'admin'],
  },
  {
    id: 'head-so-tnmt',
    display_name: 'Trần Thị Bình',
    email: 'giam-doc@so-tnmt.kntc.local',
    agency_id: 'so-tnmt',
    roles: ['supervisor'],
  },
  {
    id: 'head-thanh-tra-tinh',
    display_name: 'Lê Văn Cường',
    email: 'chanh-thanh-tra@thanh-tra-tinh.kntc.local',
    agency_id: 'thanh-tra-tinh',
    roles: ['supervisor'],
  },
  {
    id: 'head-ubnd-xa-a',
    display_name: 'Phạm Thị Dung',
    email: 'chu-tich@ubnd-xa-a.kntc.local',
    agency_id: 'ubnd-xa-a',
    roles: ['supervisor'],
  },
  {
    id: 'head-ubnd-xa-b',
    display_name: 'Hoàng Văn Em',
    email: 'chu-tich@ubnd-xa-b.kntc.local',
    agency_id: 'ubnd-xa-b',
    roles: ['supervisor'],
  },
];

export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('agencies', (t) => {
    t.timestamp('closed_at', { useTz: true });
    t.text('successor_id').references('id').inTable('agencies');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
  });
  await db.raw(`ALTER TABLE agencies ADD CONSTRAINT agencies_successor_check
    CHECK (successor_id IS NULL OR (closed_at IS NOT NULL AND successor_id <> id))`);

  await db.schema.createTable('people', (t) => {
    t.text('id').primary();
    t.text('display_name').notNullable();
    t.text('email');
    t.text('phone');
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
  });

  await db.schema.createTable('agency_staff', (t) => {
    t.text('person_id').notNullable().references('id').inTable('people').onDelete('CASCADE');
    t.text('agency_id').notNullable().references('id').inTable('agencies');
    t.specificType('roles', 'text[]').notNullable().defaultTo('{}');
    t.text('position').notNullable().defaultTo('member');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.primary(['person_id', 'agency_id']);
    t.index(['agency_id']);
  });
  await db.raw(`ALTER TABLE agency_staff ADD CONSTRAINT agency_staff_position_check
    CHECK (position IN ('head', 'deputy', 'member'))`);
  // One head per agency.
  await db.raw(`CREATE UNIQUE INDEX agency_staff_one_head ON agency_staff (agency_id) WHERE position = 'head'`);

  await db.schema.createTable('notification_preferences', (t) => {
    t.text('person_id').notNullable().references('id').inTable('people').onDelete('CASCADE');
    t.text('channel').notNullable();
    t.text('kind').notNullable().defaultTo('*');
    t.boolean('enabled').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.primary(['person_id', 'channel', 'kind']);
  });
  await db.raw(`ALTER TABLE notification_preferences ADD CONSTRAINT notification_preferences_channel_check
    CHECK (channel IN ('email', 'sms', 'inapp'))`);

  // A closed agency's open cases moving to its successor in the background (agencyCloseFanOutWorkflow).
  await db.schema.createTable('agency_closures', (t) => {
    t.text('id').primary();
    t.text('agency_id').notNullable().references('id').inTable('agencies');
    t.text('successor_id').notNullable().references('id').inTable('agencies');
    t.text('workflow_id').notNullable();
    /** `running`, `completed`, or `not_started` (the workflow could not be started: the closure is stored). */
    t.text('status').notNullable();
    t.integer('moved').notNullable().defaultTo(0);
    t.integer('skipped').notNullable().defaultTo(0);
    t.integer('pages').notNullable().defaultTo(0);
    t.jsonb('requested_by').notNullable();
    t.timestamp('requested_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.timestamp('finished_at', { useTz: true });
    t.index(['agency_id']);
  });
  await db.raw(`ALTER TABLE agency_closures
    ADD CONSTRAINT agency_closures_status CHECK (status IN ('running', 'completed', 'not_started'))`);

  const agencies = new Set((await db('agencies').select<Array<{ id: string }>>('id')).map((r) => r.id));
  const demo = DEMO_PEOPLE.filter((p) => agencies.has(p.agency_id));
  if (demo.length > 0) {
    await db('people')
      .insert(demo.map((p) => ({ id: p.id, display_name: p.display_name, email: p.email })))
      .onConflict('id')
      .ignore();
    await db('agency_staff')
      .insert(demo.map((p) => ({ person_id: p.id, agency_id: p.agency_id, roles: p.roles, position: 'head' })))
      .onConflict(['person_id', 'agency_id'])
      .ignore();
  }
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('agency_closures');
  await db.schema.dropTable('notification_preferences');
  await db.schema.dropTable('agency_staff');
  await db.schema.dropTable('people');
  await db.raw('ALTER TABLE agencies DROP CONSTRAINT agencies_successor_check');
  await db.schema.alterTable('agencies', (t) => {
    t.dropColumn('updated_at');
    t.dropColumn('successor_id');
    t.dropColumn('closed_at');
  });
}
