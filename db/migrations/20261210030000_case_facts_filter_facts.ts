import type { Knex } from 'knex';
import { FACT_COLUMNS as BASE_COLUMNS, FACTS_SELECT as BASE_SELECT } from './20261205050000_case_facts.js';

/**
 * The facts of the report cells' filters as plain columns of `case_facts` (ADR 0030, amendment of session 10):
 * the whitelisted workflow variables (`var.<name>`), who signed a letter (`signers`), when a case was done
 * (`doneFrom`/`doneTo`/`openAt`) and the days a decision or conclusion was issued. The filter read them from
 * `case_states` (a ~3 KB jsonb, toasted) and `case_flags` by a correlated look-up per row the agency and period
 * selected — 24,000 to 72,000 buffers for 4,000 cases; a province-wide figure at a million cases would take
 * minutes. Now they are columns like the others, recomputed by the same triggers on `cases`, `case_states` and
 * `case_flags` in the transaction of every write (projection, import, closure, a task's variables, an activity's
 * flag), with one definition each, below (the expressions the filter evaluated before, unchanged):
 *
 * - a variable is its JSON value (`jsonb`; SQL null when absent or JSON null), so `var.withinCompetence=true`
 *   (JSON `true`) and `var.finding=true` (the word) keep their typed meaning and an unexpected value matches no
 *   token, exactly as before; a btree on a jsonb column serves an equality;
 * - `signers`: the class `many` / `one` / `other` of the letter's named signers (`signerRefs`) and `anonymous`;
 * - `done_at`: the `letter_outcome` flag's time, else, once closed, the closing instant (or the state's last update);
 * - `decision_issued_on` / `conclusion_issued_on`: the day (first ten characters) of the variable, as text.
 *
 * Index: `(agency_id, done_at)` — the forms' "done in the period" and the carried-over / on-hand drill-downs
 * (`receivedTo=<start>&openAt=<start>`: not done, or done after the start; a bitmap OR of the two ranges instead of
 * the subtree's whole history).
 */
const V = `cs.state->'variables'`;
/** Column → whitelisted variable (db/case-filter.ts CASE_VARIABLES). */
export const VARIABLE_COLUMNS = {
  letter_type: 'letterType',
  letter_outcome: 'letterOutcome',
  within_competence: 'withinCompetence',
  final_decision_exists: 'finalDecisionExists',
  court_seized: 'courtSeized',
  conclusion: 'conclusion',
  disposition: 'disposition',
  finding: 'finding',
} as const;
const SIGNERS =
  `CASE WHEN COALESCE(${V}->>'anonymous', 'false') = 'true' THEN 'other' ` +
  `ELSE (CASE WHEN COALESCE(jsonb_array_length(CASE WHEN jsonb_typeof(${V}->'signerRefs') = 'array' ` +
  `THEN ${V}->'signerRefs' ELSE '[]'::jsonb END), 0) > 1 THEN 'many' ` +
  `WHEN COALESCE(jsonb_array_length(CASE WHEN jsonb_typeof(${V}->'signerRefs') = 'array' ` +
  `THEN ${V}->'signerRefs' ELSE '[]'::jsonb END), 0) = 1 THEN 'one' ELSE 'other' END) END`;
const DONE_AT =
  `COALESCE((SELECT fl.set_at FROM case_flags fl WHERE fl.case_id = c.id AND fl.flag = 'letter_outcome'), ` +
  `CASE WHEN COALESCE(cs.status IN ('completed', 'cancelled'), false) OR c.status = 'closed' ` +
  `THEN COALESCE(cs.closed_at, cs.updated_at) END)`;
/** The new columns and their definitions, over `cases c LEFT JOIN case_states cs`. */
const NEW_FACTS: Array<[string, string]> = [
  ...Object.entries(VARIABLE_COLUMNS).map(([col, name]): [string, string] => [
    col,
    `NULLIF(${V}->'${name}', 'null'::jsonb)`,
  ]),
  ['signers', SIGNERS],
  ['done_at', DONE_AT],
  ['decision_issued_on', `left(${V}->>'decisionIssuedOn', 10)`],
  ['conclusion_issued_on', `left(${V}->>'conclusionIssuedOn', 10)`],
];
const NEW_COLUMNS = NEW_FACTS.map(([c]) => c).join(', ');
const FROM = 'FROM cases c LEFT JOIN case_states cs ON cs.case_id = c.id';

function factsSql(columns: string, select: string): { columns: string; select: string; set: string } {
  const at = select.lastIndexOf(FROM);
  if (at < 0) throw new Error('unexpected FACTS_SELECT');
  const all = `${columns}, ${NEW_COLUMNS}`;
  return {
    columns: all,
    select: `${select.slice(0, at)}, ${NEW_FACTS.map(([c, e]) => `${e} AS ${c}`).join(', ')}\n  ${select.slice(at)}`,
    set: all
      .split(', ')
      .filter((c) => c !== 'case_id')
      .map((c) => `${c} = EXCLUDED.${c}`)
      .join(', '),
  };
}

async function defineFunctions(db: Knex, columns: string, select: string, set: string): Promise<void> {
  await db.raw(`
    CREATE OR REPLACE FUNCTION kntc_case_facts_refresh(id text) RETURNS void LANGUAGE sql AS $$
      INSERT INTO case_facts (${columns}) ${select} WHERE c.id = $1
      ON CONFLICT (case_id) DO UPDATE SET ${set}
        WHERE (case_facts.*) IS DISTINCT FROM (EXCLUDED.*)
    $$`);
  await db.raw(`
    CREATE OR REPLACE FUNCTION kntc_case_facts_rebuild_facts_only() RETURNS void LANGUAGE sql AS $$
      TRUNCATE case_facts;
      INSERT INTO case_facts (${columns}) ${select};
    $$`);
}

export async function up(db: Knex): Promise<void> {
  const colTypes = [
    ...Object.keys(VARIABLE_COLUMNS).map((c) => `${c} jsonb`),
    `signers text NOT NULL DEFAULT 'other'`,
    'done_at timestamptz',
    'decision_issued_on text',
    'conclusion_issued_on text',
  ];
  await db.raw(`ALTER TABLE case_facts ${colTypes.map((c) => `ADD COLUMN ${c}`).join(', ')}`);
  await db.raw(`ALTER TABLE case_facts ALTER COLUMN signers DROP DEFAULT`);
  const f = factsSql(BASE_COLUMNS, BASE_SELECT);
  await defineFunctions(db, f.columns, f.select, f.set);
  // Backfill, set-based; the roll-ups' update triggers fire only when their columns change (not here).
  await db.raw(`
    UPDATE case_facts f SET (${NEW_COLUMNS}) = (SELECT ${NEW_FACTS.map(([, e]) => e).join(', ')}
      ${FROM} WHERE c.id = f.case_id)`);
  await db.raw(`CREATE INDEX case_facts_agency_done ON case_facts (agency_id, done_at)`);
}

export async function down(db: Knex): Promise<void> {
  await db.raw(`DROP INDEX IF EXISTS case_facts_agency_done`);
  const base = BASE_COLUMNS.split(', ')
    .filter((c) => c !== 'case_id')
    .map((c) => `${c} = EXCLUDED.${c}`)
    .join(', ');
  await defineFunctions(db, BASE_COLUMNS, BASE_SELECT, base);
  await db.raw(`ALTER TABLE case_facts ${NEW_FACTS.map(([c]) => `DROP COLUMN ${c}`).join(', ')}`);
}
