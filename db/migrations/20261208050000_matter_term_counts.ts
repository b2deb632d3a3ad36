import type { Knex } from 'knex';

/**
 * Matter suggestions in one round trip of bounded work (ADR 0038 amendment, bench/reception.ts): a subject
 * term's rarity in the agencies searched was counted on every look-up by reading up to TERM_CAP postings of
 * each term (3,126 of the 6,694 buffers of the slowest 1M look-up). The number of matters of each agency that
 * hold a term is now kept beside the postings, `matter_term_counts (term, agency_id) → n`, by the same trigger
 * that keeps `matter_terms`, so a look-up sums at most one small index entry per agency for each term.
 * Counter rows are taken in one statement in (term, agency) order (no deadlock between two single-matter
 * writers); they are per agency, so only writers of the same agency whose subjects share a term wait for each
 * other, for the rest of their transaction.
 */
export async function up(db: Knex): Promise<void> {
  // INCLUDE (n): the sum is read from the index alone where the visibility map allows.
  await db.raw(`CREATE TABLE matter_term_counts (
    term text NOT NULL,
    agency_id text NOT NULL,
    n integer NOT NULL,
    PRIMARY KEY (term, agency_id) INCLUDE (n))`);
  // One counts statement per row change, in (term, agency) order: a retitle's decrements and increments (and a
  // move's two agencies) are taken in one sorted pass, so two single-matter writers never wait in a cycle.
  await db.raw(`CREATE OR REPLACE FUNCTION matter_terms_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      gone text[] := '{}';
      added text[] := '{}';
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        WITH d AS (
          DELETE FROM matter_terms
           WHERE term = ANY(matter_subject_terms(OLD.subject_norm)) AND agency_id = OLD.agency_id
             AND matter_id = OLD.id
          RETURNING term)
        SELECT coalesce(array_agg(term), '{}') INTO gone FROM d;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        WITH a AS (
          INSERT INTO matter_terms (term, agency_id, matter_id)
          SELECT t, NEW.agency_id, NEW.id FROM unnest(matter_subject_terms(NEW.subject_norm)) t
          ON CONFLICT DO NOTHING
          RETURNING term)
        SELECT coalesce(array_agg(term), '{}') INTO added FROM a;
      END IF;
      INSERT INTO matter_term_counts AS c (term, agency_id, n)
      SELECT term, agency_id, sum(d)::int
        FROM (SELECT t AS term, OLD.agency_id AS agency_id, -1 AS d FROM unnest(gone) t
              UNION ALL
              SELECT t, NEW.agency_id, 1 FROM unnest(added) t) x
       GROUP BY term, agency_id
      HAVING sum(d) <> 0
       ORDER BY term, agency_id
      ON CONFLICT (term, agency_id) DO UPDATE SET n = c.n + EXCLUDED.n;
      RETURN NULL;
    END $$`);
  await db.raw(`INSERT INTO matter_term_counts (term, agency_id, n)
    SELECT term, agency_id, count(*) FROM matter_terms GROUP BY term, agency_id`);
}

export async function down(db: Knex): Promise<void> {
  await db.raw(`CREATE OR REPLACE FUNCTION matter_terms_sync() RETURNS trigger LANGUAGE plpgsql AS $$
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
  await db.raw('DROP TABLE matter_term_counts');
}
