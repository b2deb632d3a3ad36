import type { Knex } from 'knex';

/**
 * `case_facts` (ADR 0030): one narrow row per case with every fact the case filter (db/case-filter.ts) selects
 * on or the figures group by — agency, type, channel, receipt (and its Vietnam month), closed, outcome, the
 * flags, acceptance, closing, next due, current steps, sector, place, respondent key — so that a search, a
 * count or a group-by over a million cases reads one narrow table with plain indexed columns instead of
 * joining `case_states` and evaluating its jsonb per row. It is derived, never written by the application:
 * triggers on `cases`, `case_states` and `case_flags` recompute a case's row in the transaction that changes
 * them (every writer, present and future, keeps it current), with the one definition of each fact below
 * ({@link FACTS_SELECT}: the expressions the search used over the join before). Applies on top of
 * 20261204040000_case_figures (accepted_on / closed_at) and 20261204070000_places_sectors_hotspots.
 */
export const FACTS_SELECT = `
  SELECT c.id AS case_id, c.agency_id, c.case_type, c.channel, c.received_at,
    date_trunc('month', (c.received_at AT TIME ZONE 'UTC') + interval '7 hours')::date AS received_month,
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
      WHERE n->>'nodeId' IS NOT NULL ORDER BY 1) AS nodes,
    c.sector, c.place_province, c.place_commune, c.respondent_key
  FROM cases c LEFT JOIN case_states cs ON cs.case_id = c.id`;

export const FACT_COLUMNS =
  'case_id, agency_id, case_type, channel, received_at, received_month, closed, outcome, overdue, at_risk, mass, ' +
  'complex, remote, suspended, accepted_on, closed_at, next_due_at, nodes, sector, place_province, place_commune, ' +
  'respondent_key';
const UPSERT_SET = FACT_COLUMNS.split(', ')
  .filter((c) => c !== 'case_id')
  .map((c) => `${c} = EXCLUDED.${c}`)
  .join(', ');

export async function up(db: Knex): Promise<void> {
  // Fixed-width columns first (less padding per row: the table is scanned whole for province-wide figures).
  await db.raw(`
    CREATE TABLE case_facts (
      case_id text PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
      received_at timestamptz NOT NULL,
      closed_at timestamptz,
      next_due_at timestamptz,
      received_month date NOT NULL,
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
      nodes text[] NOT NULL,
      sector text,
      place_province text,
      place_commune text,
      respondent_key text
    )`);
  await db.raw(`
    CREATE FUNCTION kntc_case_facts_refresh(id text) RETURNS void LANGUAGE sql AS $$
      INSERT INTO case_facts (${FACT_COLUMNS}) ${FACTS_SELECT} WHERE c.id = $1
      ON CONFLICT (case_id) DO UPDATE SET ${UPSERT_SET}
        WHERE (case_facts.*) IS DISTINCT FROM (EXCLUDED.*)
    $$`);
  // Two transactions changing one case (the projection's case_states and an activity's case_flags, say) are
  // serialised per case by a transaction-level advisory lock taken before the refresh: the refresh, a new
  // statement, then reads what the first committed (READ COMMITTED) instead of upserting facts computed from an
  // older snapshot over the first's (a lost update).
  await db.raw(`
    CREATE FUNCTION kntc_case_facts_locked_refresh(id text) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_advisory_xact_lock(20261205, hashtext(id));
      PERFORM kntc_case_facts_refresh(id);
    END $$`);
  await db.raw(`
    CREATE FUNCTION kntc_case_facts_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_TABLE_NAME = 'cases' THEN
        IF TG_OP <> 'DELETE' THEN PERFORM kntc_case_facts_locked_refresh(NEW.id); END IF;
      ELSE
        IF TG_OP <> 'INSERT' THEN PERFORM kntc_case_facts_locked_refresh(OLD.case_id); END IF;
        IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.case_id IS DISTINCT FROM OLD.case_id) THEN
          PERFORM kntc_case_facts_locked_refresh(NEW.case_id);
        END IF;
      END IF;
      RETURN NULL;
    END $$`);
  for (const t of ['cases', 'case_states', 'case_flags'])
    await db.raw(
      `CREATE TRIGGER ${t}_facts AFTER INSERT OR UPDATE OR DELETE ON ${t} FOR EACH ROW ` +
        `EXECUTE FUNCTION kntc_case_facts_trigger()`,
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
  await db.raw(`CREATE INDEX case_facts_place ON case_facts (place_province, place_commune)`);
  await db.raw(`CREATE INDEX case_facts_sector ON case_facts (sector)`);
}

export async function down(db: Knex): Promise<void> {
  for (const t of ['cases', 'case_states', 'case_flags']) await db.raw(`DROP TRIGGER IF EXISTS ${t}_facts ON ${t}`);
  await db.raw(`DROP TABLE IF EXISTS case_facts`);
  await db.raw(`DROP FUNCTION IF EXISTS kntc_case_facts_rebuild()`);
  await db.raw(`DROP FUNCTION IF EXISTS kntc_case_facts_trigger()`);
  await db.raw(`DROP FUNCTION IF EXISTS kntc_case_facts_locked_refresh(text)`);
  await db.raw(`DROP FUNCTION IF EXISTS kntc_case_facts_refresh(text)`);
}
