import type { Knex } from 'knex';

/**
 * The case figures (ADR 0030): the day a case was accepted and the instant it closed, as columns of the read
 * model (written by the projection with the rest of the row), so that the case filter
 * (db/case-filter.ts) can select "accepted / closed in a period" without reading the projected state.
 * Existing rows are filled from their projected state.
 */
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
}

export async function down(db: Knex): Promise<void> {
  await db.raw(`ALTER TABLE case_states DROP COLUMN IF EXISTS accepted_on, DROP COLUMN IF EXISTS closed_at`);
}
