/**
 * The one filter model of cases (ADR 0030): what `GET /v1/cases` searches, what the case counts
 * (`db/case-figures.ts`) count and group, and what a report cell asks. One zod schema for the query-string form
 * ({@link CaseFilterQuery}), one parsed form ({@link CaseFilter}) and one function putting it on a query
 * ({@link applyCaseFilter}) over {@link caseFilterSource}; the search and the counts both go through it, so
 * a count and the search it links to cannot drift (a property test pages through the search to check).
 *
 * Only what the read model records truthfully is a filter. Not answerable today (nothing records it):
 * prolonged (kéo dài) matters, sector (lĩnh vực) and place (địa bàn) of a case — they arrive with the
 * hotspots / mass-matters work as new fields and dimensions here.
 */
import type { Knex } from 'knex';
import { z } from 'zod';
import { AgencyId, IsoInstant, NodeRef } from '../api/schemas.js';
import { CHANNELS } from '../processes/builtin/letter.js';
import type { Db } from './knex.js';

export const CASE_TYPES = ['letter', 'complaint_first', 'complaint_second', 'denunciation', 'petition'] as const;

const Bool = z.enum(['true', 'false']).optional();
/** `null` (a word no element id or outcome may be) selects the cases without a value. */
const OrNone = (s: z.ZodString, description: string) =>
  z
    .union([z.literal('null'), s])
    .optional()
    .meta({ description: `${description}; \`null\`: the cases without one` });
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
  type: z.enum(CASE_TYPES).optional(),
  stage: OrNone(NodeRef, 'Id of a current step of the definition (e.g. `verify`)'),
  status: z.enum(['open', 'closed']).optional(),
  agencyId: AgencyId.optional().meta({ description: "Narrow to this agency's subtree (must be within the caller's)" }),
  exactAgency: Bool.meta({ description: '`true`: only the cases of `agencyId` itself, not of its subtree' }),
  channel: z.enum(CHANNELS).optional().meta({ description: 'How the case arrived' }),
  outcome: OrNone(
    z
      .string()
      .max(100)
      .regex(/^(?!(?:true|false|null)$)[A-Za-z_][A-Za-z0-9_.-]*$/, 'an outcome such as withdrawn'),
    "The outcome of the end the case reached (the definition's, e.g. `legally_effective`, `withdrawn`, `terminated`)",
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
  type?: string;
  /** A current node id; `null`: cases at no step. */
  stage?: string | null;
  status?: 'open' | 'closed';
  channel?: string;
  /** `null`: cases with no outcome (open, cancelled, not projected yet). */
  outcome?: string | null;
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
  /**
   * Structured place, sector and respondent key (ADR 0034). Not query parameters yet: a code or free-text
   * parameter cannot refuse every wrongly typed value (the bad-input property test); for internal callers.
   */
  provinceCode?: string;
  communeCode?: string;
  sector?: string;
  respondentKey?: string;
}

/**
 * The parsed filter of a query whose `agencyId` (if any) was resolved to `agencies` (its subtree, or the
 * caller's subtree when absent; with `exactAgency=true`, that agency alone).
 */
export function caseFilterOf(q: CaseFilterQuery, agencies: string[]): CaseFilter {
  const f: CaseFilter = { agencies };
  const flag = (v: 'true' | 'false') => v === 'true';
  if (q.type) f.type = q.type;
  if (q.stage !== undefined) f.stage = q.stage === 'null' ? null : q.stage;
  if (q.status) f.status = q.status;
  if (q.channel) f.channel = q.channel;
  if (q.outcome !== undefined) f.outcome = q.outcome === 'null' ? null : q.outcome;
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

// SQL of the derived facts (projected state, the lifecycle activities' case_flags, intake data), over
// `cases c LEFT JOIN case_states cs` ({@link caseFilterSource}).
/** A cancelled case (its workflow was cancelled, ADR 0005 follow-up) is closed like a completed one. */
export const CLOSED_SQL = `(cs.status IN ('completed', 'cancelled') OR c.status = 'closed')`;
export const FLAG_SQL: Record<CaseFlag, string> = {
  // The runner flags a breach in the same step that projects it (case_states.overdue), before the
  // overdue handler's setCaseFlag runs: the column alone is the flag, and it is indexable.
  overdue: `COALESCE(cs.overdue, false)`,
  onTime: `(${CLOSED_SQL} AND NOT COALESCE(cs.overdue, false))`,
  atRisk: `COALESCE((cs.state->'flags'->>'at_risk') = 'true', false)`,
  mass: `(COALESCE((cs.state->'variables'->>'massCase') = 'true', false) OR EXISTS (SELECT 1 FROM case_flags f WHERE f.case_id = c.id AND f.flag IN ('mass_case', 'massCase') AND f.value = 'true'::jsonb))`,
  complex: `(COALESCE((cs.state->'variables'->>'complex') = 'true', false) OR COALESCE(cs.state->'variables'->>'complexity', 'normal') <> 'normal' OR EXISTS (SELECT 1 FROM case_flags f WHERE f.case_id = c.id AND f.flag = 'complex' AND f.value = 'true'::jsonb))`,
  remote: `(c.remote_area OR COALESCE((cs.state->'variables'->>'remoteArea') = 'true', false))`,
  suspended: `EXISTS (SELECT 1 FROM jsonb_array_elements(COALESCE(cs.state->'clocks', '[]'::jsonb)) k WHERE k->>'status' = 'suspended')`,
  accepted: `(cs.accepted_on IS NOT NULL)`,
};
/** The day the case was accepted (thụ lý): the `accepted` case event of the projected state (a column). */
export const ACCEPTED_SQL = `cs.accepted_on`;
/** When the case closed: the projected instant its workflow completed or was cancelled. */
export const CLOSED_AT_SQL = `cs.closed_at`;

/** The rows a {@link CaseFilter} applies to: `cases c LEFT JOIN case_states cs`. */
export function caseFilterSource(db: Db): Knex.QueryBuilder {
  return db('cases as c').leftJoin('case_states as cs', 'cs.case_id', 'c.id');
}

/** Puts the filter on a query over {@link caseFilterSource}. */
export function applyCaseFilter(b: Knex.QueryBuilder, q: CaseFilter): void {
  b.whereIn('c.agency_id', q.agencies);
  if (q.type) b.where('c.case_type', q.type);
  if (q.stage === null) b.whereRaw(`jsonb_array_length(COALESCE(cs.state->'currentNodes', '[]'::jsonb)) = 0`);
  else if (q.stage)
    b.whereRaw(
      `EXISTS (SELECT 1 FROM jsonb_array_elements(COALESCE(cs.state->'currentNodes', '[]'::jsonb)) n WHERE n->>'nodeId' = ?)`,
      [q.stage],
    );
  if (q.status === 'closed') b.whereRaw(CLOSED_SQL);
  if (q.status === 'open') b.whereRaw(`NOT ${CLOSED_SQL.replace('cs.status', "COALESCE(cs.status, 'running')")}`);
  if (q.channel) b.where('c.channel', q.channel);
  if (q.outcome === null) b.whereNull('cs.outcome');
  else if (q.outcome) b.where('cs.outcome', q.outcome);
  for (const flag of CASE_FLAGS) {
    const v = q[flag];
    if (flag === 'onTime' && v === false) b.whereRaw(`(${CLOSED_SQL} AND COALESCE(cs.overdue, false))`);
    else if (v !== undefined) b.whereRaw(v ? FLAG_SQL[flag] : `NOT ${FLAG_SQL[flag]}`);
  }
  if (q.dueBefore) b.where('cs.next_due_at', '<', q.dueBefore);
  if (q.dueAfter) b.where('cs.next_due_at', '>=', q.dueAfter);
  if (q.receivedFrom) b.where('c.received_at', '>=', q.receivedFrom);
  if (q.receivedTo) b.where('c.received_at', '<', q.receivedTo);
  if (q.acceptedFrom) b.whereRaw(`${ACCEPTED_SQL} >= ?::date`, [q.acceptedFrom]);
  if (q.acceptedTo) b.whereRaw(`${ACCEPTED_SQL} < ?::date`, [q.acceptedTo]);
  if (q.closedFrom) b.whereRaw(`${CLOSED_AT_SQL} >= ?::timestamptz`, [q.closedFrom]);
  if (q.closedTo) b.whereRaw(`${CLOSED_AT_SQL} < ?::timestamptz`, [q.closedTo]);
  if (q.provinceCode) b.where('c.place_province', q.provinceCode);
  if (q.communeCode) b.where('c.place_commune', q.communeCode);
  if (q.sector) b.where('c.sector', q.sector);
  if (q.respondentKey !== undefined) b.where('c.respondent_key', q.respondentKey);
}
