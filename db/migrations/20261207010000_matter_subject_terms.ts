import type { Knex } from 'knex';

/**
 * Matter suggestions by subject (ADR 0038, bench/reception.ts): the GiST `<->` nearest-subject walk over the
 * whole province (20261204020100) grew with the province and filtered by agency after the index (2.4 s p99 at
 * one million visits). A subject's terms — its words and each pair of adjacent words — are now kept per matter
 * with the matter's agency, `(term, agency_id, matter_id)`: a suggestion counts, in the caller's agencies,
 * how many matters hold each term of the intake (stopping at a cap), keeps only the terms rarer than the cap,
 * reads their matters and ranks them by rarity before the trigram similarity orders the few best. The rows
 * are kept by a trigger, so every writer of `matters` (the store, imports, fixtures) indexes the same way;
 * `matter_subject_terms()` is the one tokeniser, also used by the query.
 */
export async function up(db: Knex): Promise<void> {
  // subject_norm is already folded (db/matters.ts foldText): lower case, no diacritics, single spaces.
  await db.raw(`CREATE FUNCTION matter_subject_terms(s text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
      SELECT coalesce(array_agg(DISTINCT t), '{}'::text[])
        FROM (SELECT string_to_array(btrim(s), ' ') AS ws) a,
             LATERAL (SELECT ws[i] AS t FROM generate_subscripts(ws, 1) i
                      UNION ALL
                      SELECT ws[i] || ' ' || ws[i + 1] FROM generate_subscripts(ws, 1) i
                       WHERE i < cardinality(ws)) b
       WHERE t <> ''
    $$`);
  await db.raw(`CREATE TABLE matter_terms (
    term text NOT NULL,
    agency_id text NOT NULL,
    matter_id text NOT NULL,
    PRIMARY KEY (term, agency_id, matter_id))`);
  await db.raw(`CREATE FUNCTION matter_terms_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM matter_terms
         WHERE term = ANY(matter_subject_terms(OLD.subject_norm)) AND agency_id = OLD.agency_id
           AND matter_id = OLD.id;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO matter_terms (term, agency_id, matter_id)
        SELECT t, NEW.agency_id, NEW.id FROM unnest(matter_subject_terms(NEW.subject_norm)) t
        ON CONFLICT DO NOTHING;
      END IF;
      RETURN NULL;
    END $$`);
  await db.raw(`CREATE TRIGGER matter_terms_sync AFTER INSERT OR DELETE OR UPDATE OF subject_norm, agency_id, id
    ON matters FOR EACH ROW EXECUTE FUNCTION matter_terms_sync()`);
  await db.raw(`INSERT INTO matter_terms (term, agency_id, matter_id)
    SELECT DISTINCT t, m.agency_id, m.id FROM matters m, unnest(matter_subject_terms(m.subject_norm)) t`);
  await db.raw('DROP INDEX IF EXISTS matters_subject_trgm_gist');
}

export async function down(db: Knex): Promise<void> {
  await db.raw('CREATE INDEX matters_subject_trgm_gist ON matters USING gist (subject_norm gist_trgm_ops)');
  await db.raw('DROP TRIGGER matter_terms_sync ON matters');
  await db.raw('DROP FUNCTION matter_terms_sync()');
  await db.raw('DROP TABLE matter_terms');
  await db.raw('DROP FUNCTION matter_subject_terms(text)');
}
