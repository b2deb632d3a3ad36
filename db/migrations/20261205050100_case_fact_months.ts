import type { Knex } from 'knex';

/**
 * `case_fact_months` (ADR 0030): the supervision roll-up of `case_facts` — how many cases per agency, Vietnam
 * month of receipt, type, closed and overdue. Province-wide figures over those fields (by agency, type, month,
 * quarter, status, overdue, on time; received in whole months) read a few thousand rows instead of scanning a
 * million (db/case-figures.ts chooses it when the filter and the dimensions allow; otherwise `case_facts`).
 *
 * Kept exact by a row trigger on `case_facts` in the transaction that changes a case's facts (the same
 * transaction as the read-model write): minus one on the old key, plus one on the new. The key is coarse on
 * purpose — a finer one (channel, outcome, sector, place, day) would have nearly a row per case at a million
 * cases and give nothing over the facts table. Rows that fall to zero stay (counts read `n > 0`). The set-based
 * rebuild (`kntc_case_facts_rebuild()`, after a bulk load that bypassed the triggers) rebuilds it too.
 */
const KEY = 'agency_id, received_month, case_type, closed, overdue';

export async function up(db: Knex): Promise<void> {
  await db.raw(`
    CREATE TABLE case_fact_months (
      received_month date NOT NULL,
      closed boolean NOT NULL,
      overdue boolean NOT NULL,
      agency_id text NOT NULL,
      case_type text NOT NULL,
      n bigint NOT NULL,
      PRIMARY KEY (${KEY})
    )`);
  await db.raw(`
    CREATE FUNCTION kntc_case_fact_months_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF current_setting('kntc.case_facts_bulk', true) = 'on' THEN RETURN NULL; END IF;
      -- A move between two keys touches both counters in one order (the smaller key first), so two cases moving
      -- between the same keys in opposite directions wait for each other instead of deadlocking.
      IF TG_OP = 'UPDATE' AND (NEW.agency_id, NEW.received_month, NEW.case_type, NEW.closed, NEW.overdue)
          < (OLD.agency_id, OLD.received_month, OLD.case_type, OLD.closed, OLD.overdue) THEN
        INSERT INTO case_fact_months (${KEY}, n)
          VALUES (NEW.agency_id, NEW.received_month, NEW.case_type, NEW.closed, NEW.overdue, 1)
          ON CONFLICT (${KEY}) DO UPDATE SET n = case_fact_months.n + 1;
        UPDATE case_fact_months SET n = n - 1
          WHERE agency_id = OLD.agency_id AND received_month = OLD.received_month AND case_type = OLD.case_type
            AND closed = OLD.closed AND overdue = OLD.overdue;
        RETURN NULL;
      END IF;
      IF TG_OP <> 'INSERT' THEN
        UPDATE case_fact_months SET n = n - 1
          WHERE agency_id = OLD.agency_id AND received_month = OLD.received_month AND case_type = OLD.case_type
            AND closed = OLD.closed AND overdue = OLD.overdue;
      END IF;
      IF TG_OP <> 'DELETE' THEN
        INSERT INTO case_fact_months (${KEY}, n)
          VALUES (NEW.agency_id, NEW.received_month, NEW.case_type, NEW.closed, NEW.overdue, 1)
          ON CONFLICT (${KEY}) DO UPDATE SET n = case_fact_months.n + 1;
      END IF;
      RETURN NULL;
    END $$`);
  await db.raw(`CREATE TRIGGER case_facts_months_ins_del AFTER INSERT OR DELETE ON case_facts
    FOR EACH ROW EXECUTE FUNCTION kntc_case_fact_months_trigger()`);
  await db.raw(`CREATE TRIGGER case_facts_months_upd AFTER UPDATE ON case_facts FOR EACH ROW
    WHEN ((OLD.agency_id, OLD.received_month, OLD.case_type, OLD.closed, OLD.overdue)
      IS DISTINCT FROM (NEW.agency_id, NEW.received_month, NEW.case_type, NEW.closed, NEW.overdue))
    EXECUTE FUNCTION kntc_case_fact_months_trigger()`);
  await db.raw(`
    CREATE FUNCTION kntc_case_fact_months_rebuild() RETURNS void LANGUAGE sql AS $$
      TRUNCATE case_fact_months;
      INSERT INTO case_fact_months (${KEY}, n) SELECT ${KEY}, count(*) FROM case_facts GROUP BY ${KEY};
    $$`);
  // The facts' bulk rebuild also rebuilds the roll-up, set-based (the row trigger stands aside meanwhile). The
  // facts-only rebuild is renamed so that no caller of `kntc_case_facts_rebuild()` adds its rows to the roll-up
  // twice (its TRUNCATE fires no row trigger, its INSERT does).
  await db.raw(`ALTER FUNCTION kntc_case_facts_rebuild() RENAME TO kntc_case_facts_rebuild_facts_only`);
  await db.raw(`
    CREATE FUNCTION kntc_case_facts_rebuild() RETURNS void LANGUAGE sql AS $$
      SELECT set_config('kntc.case_facts_bulk', 'on', true);
      SELECT kntc_case_facts_rebuild_facts_only();
      SELECT set_config('kntc.case_facts_bulk', 'off', true);
      SELECT kntc_case_fact_months_rebuild();
    $$`);
  await db.raw(`
    CREATE OR REPLACE FUNCTION kntc_case_facts_rebuild_all() RETURNS void LANGUAGE sql AS $$
      SELECT kntc_case_facts_rebuild();
    $$`);
  await db.raw(`SELECT kntc_case_fact_months_rebuild()`);
}

export async function down(db: Knex): Promise<void> {
  await db.raw(`DROP TRIGGER IF EXISTS case_facts_months_ins_del ON case_facts`);
  await db.raw(`DROP TRIGGER IF EXISTS case_facts_months_upd ON case_facts`);
  await db.raw(`DROP FUNCTION IF EXISTS kntc_case_facts_rebuild_all()`);
  await db.raw(`DROP FUNCTION IF EXISTS kntc_case_facts_rebuild()`);
  await db.raw(`ALTER FUNCTION kntc_case_facts_rebuild_facts_only() RENAME TO kntc_case_facts_rebuild`);
  await db.raw(`DROP FUNCTION IF EXISTS kntc_case_fact_months_rebuild()`);
  await db.raw(`DROP FUNCTION IF EXISTS kntc_case_fact_months_trigger()`);
  await db.raw(`DROP TABLE IF EXISTS case_fact_months`);
}
