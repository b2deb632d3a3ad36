/**
 * The one filter model of cases (ADR 0030): what `GET /v1/cases` searches, what the case counts
 * (`db/case-figures.ts`) count and group, and what a report cell asks. One zod schema for the query-string form
 * ({@link CaseFilterQuery}), one parsed form ({@link CaseFilter}) and one function putting it on a query
 * ({@link applyCaseFilter}) over {@link caseFilterSource}; the search and the counts both go through it, so
 * a count and the search it links to cannot drift (a property test pages through the search to check).
 *
 * Only what the read model records truthfully is a filter. Sector (lĩnh vực) and place (địa bàn) are the
 * structured fields of intake (ADR 0034). Not answerable today (nothing records it): prolonged (kéo dài) matters.
 *
 * What a report cell counts is a filter too (ADR 0030/0031 amendments, session 10), so every figure links to the
 * search that lists its cases: several types, channels or outcomes (comma-separated), a whitelist of projected
 * workflow variables ({@link CASE_VARIABLES}, `var.<name>=a,b`; nothing else of the state is searchable, a
 * denouncer's identity never), who signed a letter, when a case was done (`doneFrom`/`doneTo`, `openAt`) and the
 * day a decision or conclusion was issued.
 */
import type { Knex } from 'knex';
import { z } from 'zod';
import { AgencyId, IsoInstant, NodeRef } from '../api/schemas.js';
import { CHANNELS } from '../processes/builtin/letter.js';
import type { Db } from './knex.js';

export const CASE_TYPES = ['letter', 'complaint_first', 'complaint_second', 'denunciation', 'petition'] as const;

const Bool = z.enum(['true', 'false']).optional();
const alt = (values: readonly string[]) => `(?:${values.map((v) => v.replace(/[.]/g, '\\.')).join('|')})`;
/** Several of `values`, comma-separated (a case matches any of them). */
const ListOf = (values: readonly string[], what: string, description: string) =>
  z
    .string()
    .max(1000)
    .regex(new RegExp(`^${alt(values)}(?:,${alt(values)})*$`), `one or more of ${values.join(', ')}, comma-separated`)
    .optional()
    .meta({ description: `${description}; several comma-separated: any of them (${what})`, example: values[0] });
/** Splits a comma-separated query value (distinct values, in order). */
const split = (s: string): string[] => [...new Set(s.split(','))];

/**
 * The workflow variables a case may be searched by (the projected state's `variables`, as the report forms classify
 * cases, reports/forms.ts): a whitelist with the values each may take, so the search cannot probe any other part of
 * the state (a party's, a denouncer's identity are never variables here). `var.<name>=a,b`: the variable is one of
 * the values; `null`: it is not set. Sources: the process definitions (processes/builtin/letter.ts `classify` and
 * `handle`, complaint.ts `decide`, denunciation.ts `conclude`).
 */
export const CASE_VARIABLES = {
  letterType: {
    kind: 'enum',
    values: ['complaint', 'denunciation', 'petition', 'several_contents'],
    description: "A letter's content type (`classify` task)",
  },
  letterOutcome: {
    kind: 'enum',
    values: ['accepted', 'guided', 'transferred', 'reported_to_head', 'archived'],
    description: "A letter's handling outcome",
  },
  withinCompetence: {
    kind: 'bool',
    description: 'The letter (or denunciation) is within the competence of the agency',
  },
  finalDecisionExists: { kind: 'bool', description: "A legally effective decision or conclusion exists (a letter's)" },
  courtSeized: { kind: 'bool', description: 'A court accepted or resolved the matter (a letter, KN Art 11(9))' },
  conclusion: {
    kind: 'enum',
    values: ['right', 'partly_right', 'wrong'],
    description: "A complaint decision's finding (the complaint is right, partly right, wrong)",
  },
  disposition: {
    kind: 'enum',
    values: ['keep', 'amend', 'supplement', 'cancel_part', 'cancel_all', 'stop_act', 'order_compliance'],
    description: 'What a second-instance decision does with the first decision',
  },
  finding: {
    kind: 'enum',
    values: ['true', 'partly_true', 'false'],
    description: "A denunciation conclusion's finding (the values are words, not booleans)",
  },
} as const satisfies Record<
  string,
  { kind: 'bool'; description: string } | { kind: 'enum'; values: readonly string[]; description: string }
>;
export type CaseVariable = keyof typeof CASE_VARIABLES;
export const CASE_VARIABLE_NAMES = Object.keys(CASE_VARIABLES) as CaseVariable[];
/** The tokens `var.<name>` takes: the variable's values (`true`/`false` for a yes/no one) and `null` (not set). */
export function variableTokens(name: CaseVariable): string[] {
  const v = CASE_VARIABLES[name];
  return [...(v.kind === 'bool' ? ['true', 'false'] : v.values), 'null'];
}
/** The JSON a token stands for in the projected state (`null`: not set, absent or JSON null). */
function variableJson(name: CaseVariable, token: string): string | null {
  if (token === 'null') return null;
  return CASE_VARIABLES[name].kind === 'bool' ? token : JSON.stringify(token);
}
const VariableFilters = Object.fromEntries(
  CASE_VARIABLE_NAMES.map((n) => [
    `var.${n}`,
    ListOf(variableTokens(n), '`null`: not set', `Workflow variable \`${n}\`: ${CASE_VARIABLES[n].description}`),
  ]),
) as Record<`var.${CaseVariable}`, ReturnType<typeof ListOf>>;

/** Date variables searchable by a window: the filter's name (`<name>From`/`<name>To`) and the variable. */
export const DATE_VARIABLES = {
  decisionIssued: 'decisionIssuedOn',
  conclusionIssued: 'conclusionIssuedOn',
} as const;
export type DateVariable = keyof typeof DATE_VARIABLES;
/** `null` (a word no element id or outcome may be) selects the cases without a value. */
const OrNone = (s: z.ZodString, description: string) =>
  z
    .union([z.literal('null'), s])
    .optional()
    .meta({ description: `${description}; \`null\`: the cases without one` });
const OUTCOME = '(?!(?:true|false|null)(?:,|$))[A-Za-z_][A-Za-z0-9_.-]*';
const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s && s >= '1900-01-01';
  }, 'a real calendar date, year 1900 or later')
  .meta({ format: 'date', example: '2026-07-01' });

/**
 * The filters of the case search, in their query-string form (`GET /v1/cases`, `GET /v1/figures/cases`,
 * report cells). Ranges are half-open `[from, to)`; booleans take `true` (only cases with the flag) or
 * `false` (only without).
 */
export const CaseFilterQuery = z.strictObject({
  type: ListOf(CASE_TYPES, 'e.g. `type=letter,complaint_first`', 'Case type'),
  stage: OrNone(NodeRef, 'Id of a current step of the definition (e.g. `verify`)'),
  status: z.enum(['open', 'closed']).optional(),
  agencyId: AgencyId.optional().meta({ description: "Narrow to this agency's subtree (must be within the caller's)" }),
  exactAgency: Bool.meta({ description: '`true`: only the cases of `agencyId` itself, not of its subtree' }),
  channel: ListOf(CHANNELS, 'e.g. `channel=post,portal`', 'How the case arrived'),
  outcome: OrNone(
    z
      .string()
      .max(1000)
      .regex(new RegExp(`^${OUTCOME}(?:,${OUTCOME})*$`), 'outcomes such as withdrawn, comma-separated'),
    "The outcome of the end the case reached (the definition's, e.g. `legally_effective`, `withdrawn`, " +
      '`terminated`); several comma-separated: any of them',
  ),
  overdue: Bool.meta({ description: 'A statutory limit of the case was breached (sticky; open or closed)' }),
  onTime: Bool.meta({
    description: 'Closed cases only: `true` closed with no limit breached, `false` closed overdue',
  }),
  atRisk: Bool,
  mass: Bool,
  complex: Bool,
  remote: Bool,
  suspended: Bool,
  dueBefore: IsoInstant.optional(),
  dueAfter: IsoInstant.optional(),
  receivedFrom: IsoInstant.optional(),
  receivedTo: IsoInstant.optional(),
  accepted: Bool.meta({ description: '`true`: accepted (thụ lý) cases, `false`: not (yet) accepted' }),
  acceptedFrom: IsoDate.optional().meta({ description: 'Accepted (thụ lý) on or after this day (Vietnam)' }),
  acceptedTo: IsoDate.optional().meta({ description: 'Accepted before this day (Vietnam)' }),
  closedFrom: IsoInstant.optional().meta({ description: 'Closed (completed or cancelled) at or after' }),
  closedTo: IsoInstant.optional().meta({ description: 'Closed before' }),
  sector: OrNone(
    z.string().regex(/^(?!null$)[a-z][a-z0-9_]{0,63}$/, 'a sector code such as land'),
    'Sector code of the configurable list (e.g. `land`, `environment`)',
  ),
  provinceCode: OrNone(
    z.string().regex(/^\d{2}$/, 'a 2-digit province code (2025 units)'),
    'Province of the place the case is about (2-digit code of the 2025 administrative units)',
  ),
  communeCode: OrNone(
    z.string().regex(/^\d{5}$/, 'a 5-digit commune code (2025 units)'),
    'Commune / ward of the place the case is about (5-digit code of the 2025 administrative units)',
  ),
  signers: z
    .enum(['many', 'one', 'other'])
    .optional()
    .meta({
      description:
        'Who signed a letter: `many` (several named signers), `one` (one named signer), `other` (no named signer, ' +
        'or anonymous): the "đơn khác" of the forms',
    }),
  doneFrom: IsoInstant.optional().meta({
    description:
      'Done at or after: a letter when its handling outcome was recorded (or it closed without one), any other ' +
      'case when it closed (completed or cancelled)',
  }),
  doneTo: IsoInstant.optional().meta({ description: 'Done (see `doneFrom`) before' }),
  openAt: IsoInstant.optional().meta({
    description:
      'Not done (see `doneFrom`) before this instant: open at it, or received after it. With `receivedTo` of the ' +
      'same instant: the cases carried over into a period beginning then',
  }),
  decisionIssuedFrom: IsoDate.optional().meta({
    description: 'The decision on a complaint (`decisionIssuedOn`) issued on or after this day',
  }),
  decisionIssuedTo: IsoDate.optional().meta({ description: 'The decision on a complaint issued before this day' }),
  conclusionIssuedFrom: IsoDate.optional().meta({
    description: 'The conclusion on a denunciation (`conclusionIssuedOn`) issued on or after this day',
  }),
  conclusionIssuedTo: IsoDate.optional().meta({
    description: 'The conclusion on a denunciation issued before this day',
  }),
  ...VariableFilters,
});
export type CaseFilterQuery = z.infer<typeof CaseFilterQuery>;
/** The names of the filters, in the order links carry them. */
export const CASE_FILTER_FIELDS = Object.keys(CaseFilterQuery.shape) as Array<keyof CaseFilterQuery>;

export const CASE_FLAGS = [
  'overdue',
  'onTime',
  'atRisk',
  'mass',
  'complex',
  'remote',
  'suspended',
  'accepted',
] as const;
export type CaseFlag = (typeof CASE_FLAGS)[number];

/** A parsed filter: the agencies it may see (a subtree, resolved) and the rest of {@link CaseFilterQuery}. */
export interface CaseFilter {
  agencies: string[];
  /** Any of these case types. */
  type?: string[];
  /** A current node id; `null`: cases at no step. */
  stage?: string | null;
  status?: 'open' | 'closed';
  /** Any of these channels. */
  channel?: string[];
  /** Any of these outcomes; `null`: cases with no outcome (open, cancelled, not projected yet). */
  outcome?: string[] | null;
  overdue?: boolean;
  onTime?: boolean;
  atRisk?: boolean;
  mass?: boolean;
  complex?: boolean;
  remote?: boolean;
  suspended?: boolean;
  accepted?: boolean;
  dueBefore?: string;
  dueAfter?: string;
  receivedFrom?: string;
  receivedTo?: string;
  acceptedFrom?: string;
  acceptedTo?: string;
  closedFrom?: string;
  closedTo?: string;
  /** Structured place and sector (ADR 0034); `null`: the cases without one. */
  provinceCode?: string | null;
  communeCode?: string | null;
  sector?: string | null;
  /** The respondent key (ADR 0034): for internal callers (a free-text key is no query parameter). */
  respondentKey?: string;
  signers?: 'many' | 'one' | 'other';
  doneFrom?: string;
  doneTo?: string;
  openAt?: string;
  decisionIssuedFrom?: string;
  decisionIssuedTo?: string;
  conclusionIssuedFrom?: string;
  conclusionIssuedTo?: string;
  /** Whitelisted workflow variables: the JSON each may equal (`null`: not set). */
  variables?: Partial<Record<CaseVariable, Array<string | null>>>;
}

/**
 * The parsed filter of a query whose `agencyId` (if any) was resolved to `agencies` (its subtree, or the
 * caller's subtree when absent; with `exactAgency=true`, that agency alone).
 */
export function caseFilterOf(q: CaseFilterQuery, agencies: string[]): CaseFilter {
  const f: CaseFilter = { agencies };
  const flag = (v: 'true' | 'false') => v === 'true';
  if (q.type) f.type = split(q.type);
  if (q.stage !== undefined) f.stage = q.stage === 'null' ? null : q.stage;
  if (q.status) f.status = q.status;
  if (q.channel) f.channel = split(q.channel);
  if (q.outcome !== undefined) f.outcome = q.outcome === 'null' ? null : split(q.outcome);
  if (q.signers) f.signers = q.signers;
  for (const n of CASE_VARIABLE_NAMES) {
    const v = q[`var.${n}`];
    if (v !== undefined) (f.variables ??= {})[n] = split(v).map((t) => variableJson(n, t));
  }
  for (const k of ['sector', 'provinceCode', 'communeCode'] as const)
    if (q[k] !== undefined) f[k] = q[k] === 'null' ? null : q[k];
  for (const k of CASE_FLAGS) if (q[k] !== undefined) f[k] = flag(q[k]);
  for (const k of [
    'dueBefore',
    'dueAfter',
    'receivedFrom',
    'receivedTo',
    'acceptedFrom',
    'acceptedTo',
    'closedFrom',
    'closedTo',
    'doneFrom',
    'doneTo',
    'openAt',
    'decisionIssuedFrom',
    'decisionIssuedTo',
    'conclusionIssuedFrom',
    'conclusionIssuedTo',
  ] as const)
    if (q[k] !== undefined) f[k] = q[k];
  return f;
}

/** The query string of a filter (fields in schema order, absent ones left out): for links. */
export function caseFilterParams(q: Partial<CaseFilterQuery>): URLSearchParams {
  return new URLSearchParams(
    CASE_FILTER_FIELDS.flatMap((k): Array<[string, string]> => (q[k] === undefined ? [] : [[k, String(q[k])]])),
  );
}

// The facts a filter selects on are the columns of `case_facts` (one narrow row per case, kept current by
// triggers in the transaction of every read-model write; their definitions are in migration
// 20261205050000_case_facts): plain, indexable columns instead of the projected state's jsonb.
/** Closed: completed or cancelled (a cancelled workflow ends the case, ADR 0005 follow-up). */
export const CLOSED_SQL = `f.closed`;
export const FLAG_SQL: Record<CaseFlag, string> = {
  // Sticky: set by the projection of a breach, cleared only when every breach was superseded (ADR 0018).
  overdue: `f.overdue`,
  onTime: `(f.closed AND NOT f.overdue)`,
  atRisk: `f.at_risk`,
  mass: `f.mass`,
  complex: `f.complex`,
  remote: `f.remote`,
  suspended: `f.suspended`,
  accepted: `(f.accepted_on IS NOT NULL)`,
};
/** The day the case was accepted (thụ lý): the `accepted` case event of the projected state. */
export const ACCEPTED_SQL = `f.accepted_on`;
/** When the case closed: the projected instant its workflow completed or was cancelled. */
export const CLOSED_AT_SQL = `f.closed_at`;

/** The rows a {@link CaseFilter} applies to: `case_facts f` (join `cases` / `case_states` on `f.case_id`). */
export function caseFilterSource(db: Db): Knex.QueryBuilder {
  return db('case_facts as f');
}

/** The `case_facts` column of each whitelisted variable (its JSON value; SQL null when not set). */
export const VARIABLE_COLUMN: Record<CaseVariable, string> = {
  letterType: 'f.letter_type',
  letterOutcome: 'f.letter_outcome',
  withinCompetence: 'f.within_competence',
  finalDecisionExists: 'f.final_decision_exists',
  courtSeized: 'f.court_seized',
  conclusion: 'f.conclusion',
  disposition: 'f.disposition',
  finding: 'f.finding',
};
/**
 * When a case was done with (`case_facts.done_at`): a letter when its handling outcome was recorded (the
 * `letter_outcome` flag), any case (a letter without one too) when it closed. The one definition the report forms'
 * periods use (ADR 0031); migration 20261210030000_case_facts_filter_facts defines it.
 */
export const DONE_AT_SQL = `f.done_at`;
/** The day a date variable was issued (`YYYY-MM-DD` text, the variable's first ten characters). */
const DATE_COLUMN: Record<DateVariable, string> = {
  decisionIssued: 'f.decision_issued_on',
  conclusionIssued: 'f.conclusion_issued_on',
};

/**
 * Puts the filter on a query over {@link caseFilterSource}: every predicate is on a column of `case_facts` (no
 * per-row look-up of the projected state).
 */
export function applyCaseFilter(b: Knex.QueryBuilder, q: CaseFilter): void {
  b.whereIn('f.agency_id', q.agencies);
  if (q.type) b.whereIn('f.case_type', q.type);
  if (q.stage === null) b.whereRaw(`cardinality(f.nodes) = 0`);
  else if (q.stage) b.whereRaw(`f.nodes @> ARRAY[?]::text[]`, [q.stage]);
  if (q.status) b.where('f.closed', q.status === 'closed');
  if (q.channel) b.whereIn('f.channel', q.channel);
  if (q.outcome === null) b.whereNull('f.outcome');
  else if (q.outcome) b.whereIn('f.outcome', q.outcome);
  for (const flag of CASE_FLAGS) {
    const v = q[flag];
    if (flag === 'onTime' && v === false) b.whereRaw(`(f.closed AND f.overdue)`);
    else if (v !== undefined) b.whereRaw(v ? FLAG_SQL[flag] : `NOT ${FLAG_SQL[flag]}`);
  }
  if (q.dueBefore) b.where('f.next_due_at', '<', q.dueBefore);
  if (q.dueAfter) b.where('f.next_due_at', '>=', q.dueAfter);
  if (q.receivedFrom) b.where('f.received_at', '>=', q.receivedFrom);
  if (q.receivedTo) b.where('f.received_at', '<', q.receivedTo);
  if (q.acceptedFrom) b.where('f.accepted_on', '>=', q.acceptedFrom);
  if (q.acceptedTo) b.where('f.accepted_on', '<', q.acceptedTo);
  if (q.closedFrom) b.where('f.closed_at', '>=', q.closedFrom);
  if (q.closedTo) b.where('f.closed_at', '<', q.closedTo);
  const orNone = (col: string, v: string | null | undefined) => {
    if (v === null) b.whereNull(col);
    else if (v !== undefined) b.where(col, v);
  };
  orNone('f.place_province', q.provinceCode);
  orNone('f.place_commune', q.communeCode);
  orNone('f.sector', q.sector);
  if (q.respondentKey !== undefined) b.where('f.respondent_key', q.respondentKey);
  for (const [name, values] of Object.entries(q.variables ?? {})) {
    if (!(name in CASE_VARIABLES) || !values) throw new Error(`not a searchable variable: ${name}`);
    // Not set (absent, JSON null, or no projected state yet) is SQL null in the column.
    const col = VARIABLE_COLUMN[name as CaseVariable];
    const json = values.filter((v): v is string => v !== null);
    const none = json.length < values.length;
    if (json.length === 0) b.whereNull(col);
    else if (!none) b.whereRaw(`${col} = ANY(?::jsonb[])`, [json]);
    else b.whereRaw(`(${col} IS NULL OR ${col} = ANY(?::jsonb[]))`, [json]);
  }
  if (q.signers) b.where('f.signers', q.signers);
  if (q.doneFrom) b.where('f.done_at', '>=', q.doneFrom);
  if (q.doneTo) b.where('f.done_at', '<', q.doneTo);
  // Not done, or done at or after.
  if (q.openAt) b.whereRaw(`(f.done_at IS NULL OR f.done_at >= ?::timestamptz)`, [q.openAt]);
  for (const key of Object.keys(DATE_VARIABLES) as DateVariable[]) {
    const from = q[`${key}From`];
    const to = q[`${key}To`];
    if (from) b.where(DATE_COLUMN[key], '>=', from);
    if (to) b.where(DATE_COLUMN[key], '<', to);
  }
}
