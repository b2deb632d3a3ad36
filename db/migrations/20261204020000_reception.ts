import type { Knex } from 'knex';

/**
 * Citizen reception (issue 14 items 1–3, ADR 0028): reception places, sessions, visits and matters.
 *
 * `reception_places`: an agency's reception places — the reception office (trụ sở tiếp công dân), a
 * People's Committee seat, a department's reception point, or `online` reception (Luật 136/2025 Art 3a,
 * NĐ 154/2026 from 01/07/2026).
 *
 * `reception_sessions`: one reception held at a place on a date (Vietnam): `regular` (by the reception
 * board), `periodic` (a leader's scheduled day), `ad_hoc` (Luật Tiếp công dân Art 18(3)); received by the
 * leader `in_person` or `delegated` (ủy quyền) to `delegate_person_id`; `in_person` or `online`.
 * `period_id` / `schedule_entry_id`: references to the special period and schedule entry tables of the
 * schedule work (no foreign key here; that migration adds them).
 *
 * `reception_visits`: a citizen's (or a delegation's) visit within a session with its content type and
 * outcome; `case_id` is the case a letter received at the visit started; `matter_id` the confirmed matter.
 * `reception_visit_parties`: the visitors, representatives and the respondent of a visit, sealed like case
 * parties (db/parties.ts); `identity_hash` is a keyed hash (HMAC under the PII key `hash_kid`) of the
 * normalised identity, so repeat visitors are matched without decrypting anything.
 *
 * `matters` (vụ việc): repeat letters and visits about one matter, with counts and flags; `matter_links`:
 * every suggested link an officer confirmed or rejected (nothing merged silently); `matter_identities`:
 * the identity/respondent hashes of a matter's confirmed visits and cases (the suggestion index);
 * `matter_flag_rules`: the configurable prolonged/complex criteria selected by effective date.
 */
export async function up(db: Knex): Promise<void> {
  await db.raw('CREATE EXTENSION IF NOT EXISTS pg_trgm');

  await db.schema.createTable('reception_places', (t) => {
    t.text('id').primary();
    t.text('agency_id').notNullable().references('id').inTable('agencies');
    t.text('name').notNullable();
    t.text('kind').notNullable();
    t.text('address');
    /** For `online` places: where citizens join (a portal page, not a secret). */
    t.text('online_url');
    t.boolean('active').notNullable().defaultTo(true);
    t.text('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.index(['agency_id', 'active']);
  });
  await db.raw(`ALTER TABLE reception_places ADD CONSTRAINT reception_places_kind_check
    CHECK (kind IN ('reception_office', 'committee_seat', 'department_point', 'online'))`);

  await db.schema.createTable('reception_sessions', (t) => {
    t.text('id').primary();
    t.text('agency_id').notNullable().references('id').inTable('agencies');
    t.text('place_id').notNullable().references('id').inTable('reception_places');
    t.text('kind').notNullable();
    t.text('leader_person_id').references('id').inTable('people');
    t.text('received_by').notNullable();
    t.text('delegate_person_id').references('id').inTable('people');
    t.text('mode').notNullable();
    t.date('session_date').notNullable();
    t.timestamp('started_at', { useTz: true }).notNullable();
    t.timestamp('ended_at', { useTz: true });
    t.text('period_id');
    t.text('schedule_entry_id');
    t.text('notes');
    t.text('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.index(['agency_id', 'session_date']);
    t.index(['leader_person_id', 'session_date']);
    t.index(['place_id', 'session_date']);
    t.index(['period_id']);
  });
  await db.raw(`ALTER TABLE reception_sessions ADD CONSTRAINT reception_sessions_kind_check
    CHECK (kind IN ('regular', 'periodic', 'ad_hoc'))`);
  await db.raw(`ALTER TABLE reception_sessions ADD CONSTRAINT reception_sessions_received_by_check
    CHECK (received_by IN ('in_person', 'delegated'))`);
  await db.raw(`ALTER TABLE reception_sessions ADD CONSTRAINT reception_sessions_mode_check
    CHECK (mode IN ('in_person', 'online'))`);
  // A leader's reception (periodic, ad hoc) names the leader; a delegated one names the delegate.
  await db.raw(`ALTER TABLE reception_sessions ADD CONSTRAINT reception_sessions_leader_check
    CHECK (kind = 'regular' OR leader_person_id IS NOT NULL)`);
  await db.raw(`ALTER TABLE reception_sessions ADD CONSTRAINT reception_sessions_delegate_check
    CHECK ((received_by = 'delegated') = (delegate_person_id IS NOT NULL))`);
  await db.raw(`ALTER TABLE reception_sessions ADD CONSTRAINT reception_sessions_times_check
    CHECK (ended_at IS NULL OR ended_at >= started_at)`);

  await db.schema.createTable('matters', (t) => {
    t.text('id').primary();
    t.text('agency_id').notNullable().references('id').inTable('agencies');
    t.text('title').notNullable();
    /** The title normalised for similarity (lower case, no diacritics, single spaces): pg_trgm index. */
    t.text('subject_norm').notNullable();
    t.text('content_type');
    t.timestamp('first_received_at', { useTz: true }).notNullable();
    t.timestamp('last_received_at', { useTz: true }).notNullable();
    t.integer('times_received').notNullable().defaultTo(0);
    t.integer('letters_count').notNullable().defaultTo(0);
    t.integer('people_max').notNullable().defaultTo(0);
    t.boolean('prolonged').notNullable().defaultTo(false);
    t.boolean('complex').notNullable().defaultTo(false);
    /** Set by the mass-matters work (đông người); kept here so filters exist from the start. */
    t.boolean('mass').notNullable().defaultTo(false);
    /** Which criteria (rule ids) set the flags, as last evaluated. */
    t.jsonb('flag_reasons').notNullable().defaultTo('[]');
    t.text('status').notNullable().defaultTo('open');
    t.timestamp('final_decision_at', { useTz: true });
    t.text('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.index(['agency_id', 'last_received_at']);
  });
  await db.raw(`ALTER TABLE matters ADD CONSTRAINT matters_status_check CHECK (status IN ('open', 'closed'))`);
  await db.raw(`ALTER TABLE matters ADD CONSTRAINT matters_counts_check
    CHECK (times_received >= 0 AND letters_count >= 0 AND people_max >= 0)`);
  await db.raw('CREATE INDEX matters_subject_trgm ON matters USING gin (subject_norm gin_trgm_ops)');
  await db.raw('CREATE INDEX matters_prolonged ON matters (agency_id) WHERE prolonged');
  await db.raw('CREATE INDEX matters_complex ON matters (agency_id) WHERE complex');
  await db.raw('CREATE INDEX matters_mass ON matters (agency_id) WHERE mass');

  await db.schema.createTable('reception_visits', (t) => {
    t.text('id').primary();
    t.text('session_id').notNullable().references('id').inTable('reception_sessions');
    t.text('agency_id').notNullable().references('id').inTable('agencies');
    t.timestamp('visited_at', { useTz: true }).notNullable();
    t.integer('people_count').notNullable();
    t.boolean('is_delegation').notNullable().defaultTo(false);
    t.text('content_type').notNullable();
    t.text('summary').notNullable();
    t.text('outcome').notNullable();
    t.text('refusal_ground');
    /** The agency the visitor was sent to (in the directory), or a free-text target outside it. */
    t.text('transfer_agency_id').references('id').inTable('agencies');
    t.text('transfer_target');
    t.text('case_id').references('id').inTable('cases');
    t.text('matter_id').references('id').inTable('matters');
    t.text('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.index(['session_id']);
    t.index(['agency_id', 'visited_at']);
    t.index(['matter_id']);
  });
  await db.raw('CREATE UNIQUE INDEX reception_visits_case ON reception_visits (case_id) WHERE case_id IS NOT NULL');
  await db.raw(`ALTER TABLE reception_visits ADD CONSTRAINT reception_visits_content_type_check
    CHECK (content_type IN ('complaint', 'denunciation', 'petition', 'feedback'))`);
  await db.raw(`ALTER TABLE reception_visits ADD CONSTRAINT reception_visits_outcome_check
    CHECK (outcome IN ('guided', 'answered', 'letter_received', 'transferred', 'refused'))`);
  await db.raw(`ALTER TABLE reception_visits ADD CONSTRAINT reception_visits_people_check
    CHECK (people_count >= 1 AND (NOT is_delegation OR people_count >= 2))`);
  await db.raw(`ALTER TABLE reception_visits ADD CONSTRAINT reception_visits_refused_check
    CHECK (outcome <> 'refused' OR length(btrim(refusal_ground)) > 0)`);
  await db.raw(`ALTER TABLE reception_visits ADD CONSTRAINT reception_visits_transferred_check
    CHECK (outcome <> 'transferred' OR transfer_agency_id IS NOT NULL OR length(btrim(transfer_target)) > 0)`);
  await db.raw(`ALTER TABLE reception_visits ADD CONSTRAINT reception_visits_case_check
    CHECK (case_id IS NULL OR outcome = 'letter_received')`);

  await db.schema.createTable('reception_visit_parties', (t) => {
    t.text('id').primary();
    t.text('visit_id').notNullable().references('id').inTable('reception_visits').onDelete('CASCADE');
    t.integer('position').notNullable();
    t.text('role').notNullable();
    t.text('kid').notNullable();
    t.binary('iv').notNullable();
    t.binary('tag').notNullable();
    t.binary('ciphertext').notNullable();
    t.binary('identity_hash');
    t.text('hash_kid');
    t.unique(['visit_id', 'position']);
  });
  await db.raw(`ALTER TABLE reception_visit_parties ADD CONSTRAINT reception_visit_parties_role_check
    CHECK (role IN ('visitor', 'representative', 'respondent'))`);
  await db.raw('CREATE INDEX reception_visit_parties_hash ON reception_visit_parties (identity_hash)');

  await db.schema.createTable('matter_links', (t) => {
    t.text('id').primary();
    t.text('matter_id').notNullable().references('id').inTable('matters');
    t.text('kind').notNullable();
    t.text('ref_id').notNullable();
    t.text('decision').notNullable();
    t.text('reason');
    t.text('linked_by').notNullable();
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.unique(['matter_id', 'kind', 'ref_id']);
  });
  await db.raw(`ALTER TABLE matter_links ADD CONSTRAINT matter_links_kind_check CHECK (kind IN ('visit', 'case'))`);
  await db.raw(`ALTER TABLE matter_links ADD CONSTRAINT matter_links_decision_check
    CHECK (decision IN ('confirmed', 'rejected'))`);
  // A visit or a case belongs to at most one matter.
  await db.raw(`CREATE UNIQUE INDEX matter_links_one_matter ON matter_links (kind, ref_id)
    WHERE decision = 'confirmed'`);

  await db.schema.createTable('matter_identities', (t) => {
    t.binary('identity_hash').notNullable();
    t.text('matter_id').notNullable().references('id').inTable('matters');
    t.text('kind').notNullable();
    t.text('hash_kid').notNullable();
    t.primary(['identity_hash', 'matter_id', 'kind']);
    t.index(['matter_id']);
  });
  await db.raw(`ALTER TABLE matter_identities ADD CONSTRAINT matter_identities_kind_check
    CHECK (kind IN ('person', 'respondent'))`);

  await db.schema.createTable('matter_flag_rules', (t) => {
    t.text('id').primary();
    t.text('flag').notNullable();
    t.text('criterion').notNullable();
    t.integer('threshold');
    t.date('effective_from').notNullable();
    t.date('effective_to');
    t.text('source').notNullable();
    t.boolean('unconfirmed').notNullable().defaultTo(true);
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
  });
  await db.raw(`ALTER TABLE matter_flag_rules ADD CONSTRAINT matter_flag_rules_flag_check
    CHECK (flag IN ('prolonged', 'complex'))`);
  await db.raw(`ALTER TABLE matter_flag_rules ADD CONSTRAINT matter_flag_rules_criterion_check
    CHECK (criterion IN ('received_after_final_decision', 'open_months', 'times_received', 'people_max'))`);
  await db.raw(`ALTER TABLE matter_flag_rules ADD CONSTRAINT matter_flag_rules_threshold_check
    CHECK ((criterion = 'received_after_final_decision') = (threshold IS NULL) AND (threshold IS NULL OR threshold > 0))`);
  // The sources name the kinds of matter (vụ việc phức tạp, kéo dài) but set no numeric criteria: every
  // default here is UNCONFIRMED configuration (docs/decisions/0028).
  await db('matter_flag_rules').insert([
    {
      id: 'prolonged-after-final-decision',
      flag: 'prolonged',
      criterion: 'received_after_final_decision',
      threshold: null,
      effective_from: '2014-07-01',
      source:
        'UNCONFIRMED: Luật Tiếp công dân 2013 Art 9(3) (refusing repeat visits on a settled matter); no criterion',
    },
    {
      id: 'prolonged-open-12-months',
      flag: 'prolonged',
      criterion: 'open_months',
      threshold: 12,
      effective_from: '2014-07-01',
      source: 'UNCONFIRMED: no statutory number of months; configuration',
    },
    {
      id: 'complex-received-3-times',
      flag: 'complex',
      criterion: 'times_received',
      threshold: 3,
      effective_from: '2014-07-01',
      source:
        'UNCONFIRMED: NĐ 154/2026 Art 20(1) names complex, prolonged matters; no number of receptions; configuration',
    },
  ]);
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('matter_flag_rules');
  await db.schema.dropTable('matter_identities');
  await db.schema.dropTable('matter_links');
  await db.schema.dropTable('reception_visit_parties');
  await db.schema.dropTable('reception_visits');
  await db.schema.dropTable('matters');
  await db.schema.dropTable('reception_sessions');
  await db.schema.dropTable('reception_places');
}
