import type { Knex } from 'knex';

/**
 * Faster case figures at a million cases (issue 16 item 8, ADR 0030 amended).
 *
 * 1. `case_fact_dims`: a second roll-up of `case_facts`, without the month — how many cases per dimension value
 *    (channel, sector, outcome, commune, province of the place) × agency × type × closed × overdue, one row per
 *    (dimension, value, …) ("long" form: one table, five dimensions). A province-wide group-by or count over one of
 *    those dimensions with no period (by sector × status, by channel of the open cases) reads ~16k–90k rows instead
 *    of scanning the million facts. A null value is stored as '' (no code, channel or outcome is empty). Kept exact
 *    like `case_fact_months`: a row trigger on `case_facts`, in the transaction that changes the facts, minus one on
 *    the old key and plus one on the new, dimension by dimension in one order (the smaller key first), so two moves
 *    in opposite directions wait instead of deadlocking; skipped during the bulk rebuild, which rebuilds it too.
 * 2. Covering indexes for the figures over a period: closing, acceptance and receipt ranges carry the columns the
 *    figures filter and group by (agency, type, closed, overdue, outcome, channel, sector, place), so those counts
 *    are index-only scans instead of a heap visit per case (EXPLAIN: 20k heap pages for one quarter's closings).
 */
const KEY = 'dim, key, agency_id, case_type, closed, overdue';
/** Dimension name → case_facts column, in the one order the trigger touches them. */
const DIMS: Array<[string, string]> = [
  ['channel', 'channel'],
  ['commune', 'place_commune'],
  ['outcome', 'outcome'],
  ['province', 'place_province'],
  ['sector', 'sector'],
];
const cols = (rec: string) => `ARRAY[${DIMS.map(([, c]) => `${rec}.${c}`).join(', ')}]`;

export async function up(db: Knex): Promise<void> {
  await db.raw(`
    CREATE TABLE case_fact_dims (
      closed boolean NOT NULL,
      overdue boolean NOT NULL,
      dim text NOT NULL,
      key text NOT NULL,
      agency_id text NOT NULL,
      case_type text NOT NULL,
      n bigint NOT NULL,
      PRIMARY KEY (${KEY})
    )`);
  await db.raw(`
    CREATE FUNCTION kntc_case_fact_dims_add(d text, k text, a text, t text, c boolean, o boolean, delta int)
    RETURNS void LANGUAGE sql AS $$
      INSERT INTO case_fact_dims (${KEY}, n) VALUES (d, COALESCE(k, ''), a, t, c, o, delta)
        ON CONFLICT (${KEY}) DO UPDATE SET n = case_fact_dims.n + EXCLUDED.n
    $$`);
  await db.raw(`
    CREATE FUNCTION kntc_case_fact_dims_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      dims text[] := ARRAY[${DIMS.map(([d]) => `'${d}'`).join(', ')}];
      ov text[];
      nv text[];
    BEGIN
      IF current_setting('kntc.case_facts_bulk', true) = 'on' THEN RETURN NULL; END IF;
      IF TG_OP <> 'INSERT' THEN ov := ${cols('OLD')}; END IF;
      IF TG_OP <> 'DELETE' THEN nv := ${cols('NEW')}; END IF;
      FOR i IN 1..${DIMS.length} LOOP
        IF TG_OP = 'UPDATE' THEN
          CONTINUE WHEN (OLD.agency_id, OLD.case_type, OLD.closed, OLD.overdue, COALESCE(ov[i], ''))
            = (NEW.agency_id, NEW.case_type, NEW.closed, NEW.overdue, COALESCE(nv[i], ''));
          IF (COALESCE(nv[i], ''), NEW.agency_id, NEW.case_type, NEW.closed, NEW.overdue)
              < (COALESCE(ov[i], ''), OLD.agency_id, OLD.case_type, OLD.closed, OLD.overdue) THEN
            PERFORM kntc_case_fact_dims_add(dims[i], nv[i], NEW.agency_id, NEW.case_type, NEW.closed, NEW.overdue, 1);
            PERFORM kntc_case_fact_dims_add(dims[i], ov[i], OLD.agency_id, OLD.case_type, OLD.closed, OLD.overdue, -1);
            CONTINUE;
          END IF;
        END IF;
        IF TG_OP <> 'INSERT' THEN
          PERFORM kntc_case_fact_dims_add(dims[i], ov[i], OLD.agency_id, OLD.case_type, OLD.closed, OLD.overdue, -1);
        END IF;
        IF TG_OP <> 'DELETE' THEN
          PERFORM kntc_case_fact_dims_add(dims[i], nv[i], NEW.agency_id, NEW.case_type, NEW.closed, NEW.overdue, 1);
        END IF;
      END LOOP;
      RETURN NULL;
    END $$`);
  // Named to fire before the monthly roll-up's triggers (alphabetical): one order of counter locks for every writer.
  await db.raw(`CREATE TRIGGER case_facts_dims_ins_del AFTER INSERT OR DELETE ON case_facts
    FOR EACH ROW EXECUTE FUNCTION kntc_case_fact_dims_trigger()`);
  const changed = ['agency_id', 'case_type', 'closed', 'overdue', ...DIMS.map(([, c]) => c)]
    .map((c) => `OLD.${c} IS DISTINCT FROM NEW.${c}`)
    .join(' OR ');
  await db.raw(`CREATE TRIGGER case_facts_dims_upd AFTER UPDATE ON case_facts FOR EACH ROW WHEN (${changed})
    EXECUTE FUNCTION kntc_case_fact_dims_trigger()`);
  await db.raw(`
    CREATE FUNCTION kntc_case_fact_dims_rebuild() RETURNS void LANGUAGE sql AS $$
      TRUNCATE case_fact_dims;
      INSERT INTO case_fact_dims (${KEY}, n)
        SELECT v.dim, COALESCE(v.key, ''), f.agency_id, f.case_type, f.closed, f.overdue, count(*)
          FROM case_facts f CROSS JOIN LATERAL (VALUES ${DIMS.map(([d, c]) => `('${d}', f.${c})`).join(', ')}) v(dim, key)
         GROUP BY 1, 2, 3, 4, 5, 6;
    $$`);
  // The bulk rebuild (after a load that bypassed the triggers) rebuilds this roll-up too.
  await db.raw(`
    CREATE OR REPLACE FUNCTION kntc_case_facts_rebuild() RETURNS void LANGUAGE sql AS $$
      SELECT set_config('kntc.case_facts_bulk', 'on', true);
      SELECT kntc_case_facts_rebuild_facts_only();
      SELECT set_config('kntc.case_facts_bulk', 'off', true);
      SELECT kntc_case_fact_months_rebuild();
      SELECT kntc_case_fact_dims_rebuild();
    $$`);
  await db.raw(`SELECT kntc_case_fact_dims_rebuild()`);

  await db.raw(`DROP INDEX case_facts_closed_at`);
  await db.raw(`CREATE INDEX case_facts_closed_at ON case_facts (closed_at)
    INCLUDE (agency_id, case_type, outcome, overdue, channel, sector) WHERE closed_at IS NOT NULL`);
  await db.raw(`DROP INDEX case_facts_accepted`);
  await db.raw(`CREATE INDEX case_facts_accepted ON case_facts (accepted_on)
    INCLUDE (agency_id, case_type, closed, overdue, outcome) WHERE accepted_on IS NOT NULL`);
  await db.raw(`DROP INDEX case_facts_received`);
  await db.raw(`CREATE INDEX case_facts_received ON case_facts (received_at, case_id)
    INCLUDE (agency_id, case_type, closed, overdue, channel, sector, outcome, place_province, place_commune)`);
}

export async function down(db: Knex): Promise<void> {
  await db.raw(`DROP INDEX case_facts_received`);
  await db.raw(`CREATE INDEX case_facts_received ON case_facts (received_at, case_id)`);
  await db.raw(`DROP INDEX case_facts_accepted`);
  await db.raw(`CREATE INDEX case_facts_accepted ON case_facts (accepted_on) WHERE accepted_on IS NOT NULL`);
  await db.raw(`DROP INDEX case_facts_closed_at`);
  await db.raw(`CREATE INDEX case_facts_closed_at ON case_facts (closed_at) WHERE closed_at IS NOT NULL`);
  await db.raw(`
    CREATE OR REPLACE FUNCTION kntc_case_facts_rebuild() RETURNS void LANGUAGE sql AS $$
      SELECT set_config('kntc.case_facts_bulk', 'on', true);
      SELECT kntc_case_facts_rebuild_facts_only();
      SELECT set_config('kntc.case_facts_bulk', 'off', true);
      SELECT kntc_case_fact_months_rebuild();
    $$`);
  await db.raw(`DROP TRIGGER IF EXISTS case_facts_dims_upd ON case_facts`);
  await db.raw(`DROP TRIGGER IF EXISTS case_facts_dims_ins_del ON case_facts`);
  await db.raw(`DROP FUNCTION IF EXISTS kntc_case_fact_dims_rebuild()`);
  await db.raw(`DROP FUNCTION IF EXISTS kntc_case_fact_dims_trigger()`);
  await db.raw(`DROP FUNCTION IF EXISTS kntc_case_fact_dims_add(text, text, text, text, boolean, boolean, int)`);
  await db.raw(`DROP TABLE IF EXISTS case_fact_dims`);
}
