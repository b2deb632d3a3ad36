import type { Knex } from 'knex';

/**
 * The case figures (ADR 0030).
 *
 * 1. `case_states.accepted_on` / `closed_at`: the day a case was accepted and the instant it closed, written by
 *    the projection with the rest of the row; existing rows are filled from their projected state.
 * 2. `case_facts`: one narrow row per case with every fact the case filter (db/case-filter.ts) selects on —
 *    agency, type, channel, receipt, closed, outcome, the flags, acceptance, closing, next due, current steps —
 *    so that a search, a count or a group-by over a million cases reads one narrow table with plain indexed
 *    columns instead of joining `case_states` and evaluating its jsonb per row. It is derived, never written by
 *    the application: triggers on `cases`, `case_states` and `case_flags` recompute a case's row in the
 *    transaction that changes them (every writer, present and future, keeps it current), with the one
 *    definition of each fact below ({@link FACTS_SELECT}).
 */
const FACTS_SELECT = `
  SELECT c.id AS case_id, c.agency_id, c.case_type, c.channel, c.received_at,
    COALESCE(cs.status IN ('completed', 'cancelled'), false) OR c.status = 'closed' AS closed,
    cs.outcome,
    COALESCE(cs.overdue, false) AS overdue,
    COALESCE((cs.state->'flags'->>'at_risk') = 'true', false) AS at_risk,
    (COALESCE((cs.state->'variables'->>'massCase') = 'true', false) OR EXISTS (SELECT 1 FROM case_flags f
      WHERE f.case_id = c.id AND f.flag IN ('mass_case', 'massCase') AND f.value = 'true'::jsonb)) AS mass,
    (COALESCE((cs.state->'variables'->>'complex') = 'true', false)
      OR COALESCE(cs.state->'variables'->>'complexity', 'normal') <> 'normal'
      OR EXISTS (SELECT 1 FROM case_flags f WHERE f.case_id = c.id AND f.flag = 'complex' AND f.value = 'true'::jsonb))
      AS complex,
    (c.remote_area OR COALESCE((cs.state->'variables'->>'remoteArea') = 'true', false)) AS remote,
    EXISTS (SELECT 1 FROM jsonb_array_elements(COALESCE(cs.state->'clocks', '[]'::jsonb)) k
      WHERE k->>'status' = 'suspended') AS suspended,
    cs.accepted_on, cs.closed_at, cs.next_due_at,
    ARRAY(SELECT DISTINCT n->>'nodeId' FROM jsonb_array_elements(COALESCE(cs.state->'currentNodes', '[]'::jsonb)) n
      WHERE n->>'nodeId' IS NOT NULL ORDER BY 1) AS nodes
  FROM cases c LEFT JOIN case_states cs ON cs.case_id = c.id`;

const FACT_COLUMNS =
  'case_id, agency_id, case_type, channel, received_at, closed, outcome, overdue, at_risk, mass, complex, remote, ' +
  'suspended, accepted_on, closed_at, next_due_at, nodes';
const UPSERT_SET = FACT_COLUMNS.split(', ')
  .filter((c) => c !== 'case_id')
  .map((c) => `${c} = EXCLUDED.${c}`)
  .join(', ');

export async function up(db: Knex): Promise<void> {
  await db.raw(`ALTER TABLE case_states ADD COLUMN accepted_on date, ADD COLUMN closed_at timestamptz`);
  // Only a well-formed, real day (as db/case-states.ts acceptedOn): a cast would throw on 2026-02-30. Nested
  // CASEs: PostgreSQL evaluates their branches in order, unlike the operands of AND.
  await db.raw(`
    UPDATE case_states SET accepted_on = CASE WHEN s ~ '^\\d{4}-\\d{2}-\\d{2}$' AND s >= '1900-01-01' THEN
        CASE WHEN substr(s, 6, 2)::int BETWEEN 1 AND 12 THEN
          CASE WHEN substr(s, 9, 2)::int BETWEEN 1 AND extract(day FROM make_date(substr(s, 1, 4)::int,
                 substr(s, 6, 2)::int, 1) + interval '1 month - 1 day')::int
               THEN s::date END END END
    FROM (SELECT case_id AS id, state->'caseEvents'->>'accepted' AS s FROM case_states) x
    WHERE case_states.case_id = x.id AND x.s IS NOT NULL`);
  await db.raw(`
    UPDATE case_states cs SET closed_at = (
      SELECT (e->>'at')::timestamptz FROM jsonb_array_elements(COALESCE(cs.state->'history', '[]'::jsonb))
        WITH ORDINALITY AS h(e, i)
      WHERE e->>'type' IN ('process_completed', 'process_cancelled') ORDER BY i DESC LIMIT 1)
    WHERE cs.status IN ('completed', 'cancelled')`);

  await db.raw(`
    CREATE TABLE case_facts (
      case_id text PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
      received_at timestamptz NOT NULL,
      closed_at timestamptz,
      next_due_at timestamptz,
      accepted_on date,
      closed boolean NOT NULL,
      overdue boolean NOT NULL,
      at_risk boolean NOT NULL,
      mass boolean NOT NULL,
      complex boolean NOT NULL,
      remote boolean NOT NULL,
      suspended boolean NOT NULL,
      agency_id text NOT NULL,
      case_type text NOT NULL,
      channel text NOT NULL,
      outcome text,
      nodes text[] NOT NULL
    )`);
  await db.raw(`
    CREATE FUNCTION kntc_case_facts_refresh(id text) RETURNS void LANGUAGE sql AS $$
      INSERT INTO case_facts (${FACT_COLUMNS}) ${FACTS_SELECT} WHERE c.id = $1
      ON CONFLICT (case_id) DO UPDATE SET ${UPSERT_SET}
    $$`);
  await db.raw(`
    CREATE FUNCTION kntc_case_facts_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_TABLE_NAME = 'cases' THEN
        IF TG_OP <> 'DELETE' THEN PERFORM kntc_case_facts_refresh(NEW.id); END IF;
      ELSE
        IF TG_OP <> 'INSERT' THEN PERFORM kntc_case_facts_refresh(OLD.case_id); END IF;
        IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.case_id IS DISTINCT FROM OLD.case_id) THEN
          PERFORM kntc_case_facts_refresh(NEW.case_id);
        END IF;
      END IF;
      RETURN NULL;
    END $$`);
  for (const t of ['cases', 'case_states', 'case_flags'])
    await db.raw(
      `CREATE TRIGGER ${t}_facts AFTER INSERT OR UPDATE OR DELETE ON ${t} FOR EACH ROW EXECUTE FUNCTION kntc_case_facts_trigger()`,
    );
  // Set-based (re)build of every row: the backfill here, and after a bulk load that bypassed the triggers.
  await db.raw(`
    CREATE FUNCTION kntc_case_facts_rebuild() RETURNS void LANGUAGE sql AS $$
      TRUNCATE case_facts;
      INSERT INTO case_facts (${FACT_COLUMNS}) ${FACTS_SELECT};
    $$`);
  await db.raw(`SELECT kntc_case_facts_rebuild()`);
  // The search's keyset orders and the figures' common narrowing: agency (the caller's subtree) and receipt.
  await db.raw(`CREATE INDEX case_facts_agency_received ON case_facts (agency_id, received_at, case_id)`);
  await db.raw(`CREATE INDEX case_facts_received ON case_facts (received_at, case_id)`);
  await db.raw(`CREATE INDEX case_facts_due ON case_facts ((COALESCE(next_due_at, 'infinity'::timestamptz)), case_id)`);
  await db.raw(`CREATE INDEX case_facts_accepted ON case_facts (accepted_on) WHERE accepted_on IS NOT NULL`);
  await db.raw(`CREATE INDEX case_facts_closed_at ON case_facts (closed_at) WHERE closed_at IS NOT NULL`);
  await db.raw(`CREATE INDEX case_facts_open_overdue ON case_facts (agency_id) WHERE overdue AND NOT closed`);
  await db.raw(`CREATE INDEX case_facts_nodes ON case_facts USING gin (nodes)`);
}

export async function down(db: Knex): Promise<void> {
  for (const t of ['cases', 'case_states', 'case_flags']) await db.raw(`DROP TRIGGER IF EXISTS ${t}_facts ON ${t}`);
  await db.raw(`DROP TABLE IF EXISTS case_facts`);
  await db.raw(`DROP FUNCTION IF EXISTS kntc_case_facts_rebuild()`);
  await db.raw(`DROP FUNCTION IF EXISTS kntc_case_facts_trigger()`);
  await db.raw(`DROP FUNCTION IF EXISTS kntc_case_facts_refresh(text)`);
  await db.raw(`ALTER TABLE case_states DROP COLUMN IF EXISTS accepted_on, DROP COLUMN IF EXISTS closed_at`);
}
