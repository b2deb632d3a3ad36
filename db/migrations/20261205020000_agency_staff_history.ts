import type { Knex } from 'knex';

/**
 * Who held which position of an agency when (ADR 0029): reception compliance judges a head's reception day
 * against the head in office on the session date, not today's head (Luật Tiếp công dân 2013 Art 12(5),
 * 15(2)(d), 18(2) oblige the head of the agency "trực tiếp").
 *
 * `agency_staff_history` gets a row per (person, agency, position) stretch from a trigger on `agency_staff`:
 * an insert opens one, a change of position closes it and opens the next, a delete closes it. Memberships
 * that exist when this migration runs are open from `-infinity`: when they began is unknown, so they count
 * for every earlier day (UNCONFIRMED default: the directory held no history before).
 */
export async function up(db: Knex): Promise<void> {
  await db.raw(`
    CREATE TABLE agency_staff_history (
      id bigserial PRIMARY KEY,
      person_id text NOT NULL,
      agency_id text NOT NULL,
      position text NOT NULL,
      valid_from timestamptz NOT NULL,
      valid_to timestamptz,
      CHECK (valid_to IS NULL OR valid_to >= valid_from)
    )`);
  await db.raw(`CREATE INDEX agency_staff_history_agency ON agency_staff_history (agency_id, person_id, position)`);
  await db.raw(`CREATE UNIQUE INDEX agency_staff_history_open ON agency_staff_history (person_id, agency_id)
    WHERE valid_to IS NULL`);
  await db.raw(`INSERT INTO agency_staff_history (person_id, agency_id, position, valid_from)
    SELECT person_id, agency_id, position, '-infinity' FROM agency_staff`);
  await db.raw(`
    CREATE FUNCTION agency_staff_history_track() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF TG_OP = 'UPDATE' AND NEW.position = OLD.position AND NEW.agency_id = OLD.agency_id
           AND NEW.person_id = OLD.person_id THEN
          RETURN NEW;
        END IF;
        UPDATE agency_staff_history SET valid_to = now()
         WHERE person_id = OLD.person_id AND agency_id = OLD.agency_id AND valid_to IS NULL;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO agency_staff_history (person_id, agency_id, position, valid_from)
        VALUES (NEW.person_id, NEW.agency_id, NEW.position, now());
        RETURN NEW;
      END IF;
      RETURN OLD;
    END $$`);
  await db.raw(`CREATE TRIGGER agency_staff_history_track AFTER INSERT OR UPDATE OR DELETE ON agency_staff
    FOR EACH ROW EXECUTE FUNCTION agency_staff_history_track()`);
}

export async function down(db: Knex): Promise<void> {
  await db.raw('DROP TRIGGER IF EXISTS agency_staff_history_track ON agency_staff');
  await db.raw('DROP FUNCTION IF EXISTS agency_staff_history_track()');
  await db.raw('DROP TABLE IF EXISTS agency_staff_history');
}
