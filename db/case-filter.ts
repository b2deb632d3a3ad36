/**
 * The one filter model of cases (ADR 0030): what `GET /v1/cases` searches, what the case counts
 * (`db/case-figures.ts`) count and group, and what a report cell asks. One zod schema for the query-string form
 * ({@link CaseFilterQuery}), one parsed form ({@link CaseFilter}) and one function putting it on a query
 * ({@link applyCaseFilter}) over {@link caseFilterSource}; the search and the counts both go through it, so
 * a count and the search it links to cannot drift (a property test pages through the search to check).
 *
 * Only what the read model records truthfully is a filter. Sector (lĩnh vực) and place (địa bàn) are the
 * structured fields of intake (ADR 0034). Not answerable today (nothing records it): prolonged (kéo dài) matters.
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
  /** Structured place and sector (ADR 0034); `null`: the cases without one. */
  provinceCode?: string | null;
  communeCode?: string | null;
  sector?: string | null;
  /** The respondent key (ADR 0034): for internal callers (a free-text key is no query parameter). */
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

/** Puts the filter on a query over {@link caseFilterSource}. */
export function applyCaseFilter(b: Knex.QueryBuilder, q: CaseFilter): void {
  b.whereIn('f.agency_id', q.agencies);
  if (q.type) b.where('f.case_type', q.type);
  if (q.stage === null) b.whereRaw(`cardinality(f.nodes) = 0`);
  else if (q.stage) b.whereRaw(`f.nodes @> ARRAY[?]::text[]`, [q.stage]);
  if (q.status) b.where('f.closed', q.status === 'closed');
  if (q.channel) b.where('f.channel', q.channel);
  if (q.outcome === null) b.whereNull('f.outcome');
  else if (q.outcome) b.where('f.outcome', q.outcome);
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
}
