/**
 * The task inbox's other kinds (issue 14.4/15.5, ADR 0039): tasks the product opens outside a case's workflow,
 * read from their own tables and listed by `GET /v1/tasks` next to the case tasks (db/case-search.ts).
 *
 * - `compliance`: `reception_compliance_tasks`, routed to the supervising agency (the agency itself when it is a
 *   root); no due date; open or closed.
 * - `period`: `reception_period_tasks` (daily report, late-report escalation, duty-roster gap), routed to
 *   `agency_id`; closed with a reason (`period cancelled` = cancelled, otherwise completed).
 * - `review`: `review_items` (backlog review, opened: `pending` ones are not tasks yet), routed to the matter's
 *   agency (an escalated review stays visible there and above it); `reviewed` = completed.
 *
 * One order for the whole inbox: due date (none = last), then the kind's rank (case tasks 0, then these), then
 * the id. A page of these is read with the same keyset as the case tasks, so the route merges the two by
 * (sort key, rank) without comparing ids across kinds.
 */
import type { Db } from './knex.js';

export const OTHER_TASK_KINDS = ['compliance', 'period', 'review'] as const;
export type OtherTaskKind = (typeof OTHER_TASK_KINDS)[number];
export const KIND_RANK: Record<'case' | OtherTaskKind, number> = { case: 0, compliance: 1, period: 2, review: 3 };

/**
 * The API roles of the route that works each kind (who may see it in the inbox): compliance tasks are read by
 * `GET /v1/reception/compliance` (supervisors, admins; auditors read but work no inbox); a daily report is
 * submitted by reporters, a roster gap filled by roster writers (api/routes/reception-periods.ts); a review's
 * outcome recorded by officers and supervisors (api/routes/review-campaigns.ts).
 */
export const COMPLIANCE_ROLES = ['supervisor', 'admin'];
export const PERIOD_REPORT_ROLES = ['reception_officer', 'officer', 'supervisor', 'admin'];
export const PERIOD_ROSTER_ROLES = ['reception_officer', 'supervisor', 'admin'];
export const REVIEW_ROLES = ['officer', 'supervisor'];

export interface OtherTaskSearch {
  /** The caller's agency subtree: a task is listed when the agency it is routed to is in it. */
  agencies: readonly string[];
  /** The caller's API roles: a kind is listed only to the roles of the route that works it. */
  apiRoles: readonly string[];
  /**
   * Candidate roles asked for (the inbox's `role` filter): empty = any. Not the caller's `task-role:` permissions:
   * they narrow case tasks to business roles (ADR 0013), while the routes that work these kinds check API roles.
   */
  roles: readonly string[];
  status: 'open' | 'completed' | 'cancelled';
  kinds: readonly OtherTaskKind[];
  /** Keyset position: sort key, kind rank and id of the last item of the previous page. */
  after?: { k: string; rank: number; id: string };
  limit: number;
}

export interface OtherTaskRow {
  kind: OtherTaskKind;
  id: string;
  /** The table's own kind of task (period: daily_report, daily_report_late, duty_roster_gap). */
  subKind: string | null;
  agencyId: string;
  targetAgencyId: string;
  status: 'open' | 'completed' | 'cancelled';
  openedAt: string;
  closedAt: string | null;
  dueAt: string | null;
  candidateRoles: string[];
  /** Period: its id and day; review: its matter and campaign; compliance: rule, citation, period, days. */
  periodId: string | null;
  date: string | null;
  matterId: string | null;
  matterTitle: string | null;
  campaignId: string | null;
  ruleId: string | null;
  citation: string | null;
  periodFirst: string | null;
  periodLast: string | null;
  requiredDays: number | null;
  heldDays: number | null;
  /** `COALESCE(due_at, 'infinity')` in UTC, microseconds, fixed width: compares as text. */
  sortKey: string;
}

/** A sort key written so that text order is time order (UTC, microseconds; `infinity` last). */
export const sortKeySql = (expr: string) =>
  `CASE WHEN ${expr} = 'infinity'::timestamptz THEN 'infinity' ` +
  `ELSE to_char(${expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') END`;

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v == null ? null : String(v));
const day = (v: unknown) =>
  v == null ? null : v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10);

export function createOtherTaskSearch(db: Db) {
  return {
    async search(q: OtherTaskSearch): Promise<OtherTaskRow[]> {
      const parts: string[] = [];
      const binds: unknown[] = [];
      // The keyset on (sort key, rank, id): the rank is the part's constant.
      const keyset = (sk: string, rank: number, id: string) => {
        if (!q.after) return 'TRUE';
        binds.push(q.after.k, q.after.rank, q.after.id);
        return `(${sk}, ${rank}, ${id}) > (?::timestamptz, ?::int, ?::text)`;
      };
      const roleCheck = (candidates: string) => {
        binds.push([...q.apiRoles], [...q.roles], q.roles.length);
        return `(${candidates} && ?::text[]) AND (?::text[] && ${candidates} OR ?::int = 0)`;
      };
      const has = (k: OtherTaskKind) => q.kinds.includes(k);

      if (has('compliance') && q.status !== 'cancelled') {
        const sk = `'infinity'::timestamptz`;
        binds.push([...q.agencies], q.status === 'open' ? 'open' : 'closed');
        const where = `COALESCE(t.supervising_agency_id, t.agency_id) = ANY(?::text[]) AND t.status = ?`;
        const roles = roleCheck(`'{${COMPLIANCE_ROLES.join(',')}}'::text[]`);
        const ks = keyset(sk, KIND_RANK.compliance, 't.id');
        parts.push(`(SELECT 'compliance' AS kind, ${KIND_RANK.compliance} AS rank, t.id, NULL AS sub_kind,
            t.agency_id, COALESCE(t.supervising_agency_id, t.agency_id) AS target_agency_id,
            CASE t.status WHEN 'open' THEN 'open' ELSE 'completed' END AS status,
            t.created_at AS opened_at, t.closed_at, NULL::timestamptz AS due_at,
            '{${COMPLIANCE_ROLES.join(',')}}'::text[] AS candidate_roles,
            NULL AS period_id, NULL::date AS task_date, NULL AS matter_id, NULL AS matter_title, NULL AS campaign_id,
            t.rule_id, t.citation, t.period_first, t.period_last, t.required_days, t.held_days, ${sk} AS sk
          FROM reception_compliance_tasks t
          WHERE ${where} AND ${roles} AND ${ks}
          ORDER BY t.id LIMIT ${q.limit})`);
      }
      if (has('period')) {
        const sk = `COALESCE(t.due_at, 'infinity'::timestamptz)`;
        const cand = `CASE WHEN t.kind = 'duty_roster_gap' THEN '{${PERIOD_ROSTER_ROLES.join(',')}}'::text[]
            ELSE '{${PERIOD_REPORT_ROLES.join(',')}}'::text[] END`;
        binds.push([...q.agencies]);
        const status =
          q.status === 'open'
            ? `t.status = 'open'`
            : q.status === 'cancelled'
              ? `t.status = 'closed' AND t.closed_reason = 'period cancelled'`
              : `t.status = 'closed' AND t.closed_reason IS DISTINCT FROM 'period cancelled'`;
        const roles = roleCheck(`(${cand})`);
        const ks = keyset(sk, KIND_RANK.period, 't.id');
        parts.push(`(SELECT 'period' AS kind, ${KIND_RANK.period} AS rank, t.id, t.kind AS sub_kind,
            t.subject_agency_id AS agency_id, t.agency_id AS target_agency_id,
            CASE WHEN t.status = 'open' THEN 'open' WHEN t.closed_reason = 'period cancelled' THEN 'cancelled'
              ELSE 'completed' END AS status,
            t.created_at AS opened_at, t.closed_at, t.due_at, ${cand} AS candidate_roles,
            t.period_id, t.task_date, NULL AS matter_id, NULL AS matter_title, NULL AS campaign_id,
            NULL AS rule_id, NULL AS citation, NULL::date AS period_first, NULL::date AS period_last,
            NULL::int AS required_days, NULL::int AS held_days, ${sk} AS sk
          FROM reception_period_tasks t
          WHERE t.agency_id = ANY(?::text[]) AND ${status} AND ${roles} AND ${ks}
          ORDER BY ${sk}, t.id LIMIT ${q.limit})`);
      }
      if (has('review') && q.status !== 'cancelled') {
        const sk = `t.due_at`;
        binds.push([...q.agencies], q.status === 'open' ? 'open' : 'reviewed');
        const roles = roleCheck(`'{${REVIEW_ROLES.join(',')}}'::text[]`);
        const ks = keyset(sk, KIND_RANK.review, 't.id');
        parts.push(`(SELECT 'review' AS kind, ${KIND_RANK.review} AS rank, t.id, NULL AS sub_kind,
            t.agency_id, t.agency_id AS target_agency_id,
            CASE t.status WHEN 'reviewed' THEN 'completed' ELSE 'open' END AS status,
            t.opened_at, t.reviewed_at AS closed_at, t.due_at, '{${REVIEW_ROLES.join(',')}}'::text[] AS candidate_roles,
            NULL AS period_id, NULL::date AS task_date, t.matter_id, m.title AS matter_title, t.campaign_id,
            NULL AS rule_id, NULL AS citation, NULL::date AS period_first, NULL::date AS period_last,
            NULL::int AS required_days, NULL::int AS held_days, ${sk} AS sk
          FROM review_items t JOIN matters m ON m.id = t.matter_id
          WHERE t.agency_id = ANY(?::text[]) AND t.status = ? AND ${roles} AND ${ks}
          ORDER BY ${sk}, t.id LIMIT ${q.limit})`);
      }
      if (parts.length === 0) return [];
      const { rows } = await db.raw<{ rows: Array<Record<string, unknown>> }>(
        `SELECT u.*, ${sortKeySql('u.sk')} AS sort_key FROM (${parts.join(' UNION ALL ')}) AS u
          ORDER BY u.sk, u.rank, u.id LIMIT ${q.limit}`,
        binds as never[],
      );
      return rows.map((r) => ({
        kind: r.kind as OtherTaskKind,
        id: r.id as string,
        subKind: (r.sub_kind as string | null) ?? null,
        agencyId: r.agency_id as string,
        targetAgencyId: r.target_agency_id as string,
        status: r.status as OtherTaskRow['status'],
        openedAt: iso(r.opened_at) ?? '',
        closedAt: iso(r.closed_at),
        dueAt: iso(r.due_at),
        candidateRoles: r.candidate_roles as string[],
        periodId: (r.period_id as string | null) ?? null,
        date: day(r.task_date),
        matterId: (r.matter_id as string | null) ?? null,
        matterTitle: (r.matter_title as string | null) ?? null,
        campaignId: (r.campaign_id as string | null) ?? null,
        ruleId: (r.rule_id as string | null) ?? null,
        citation: (r.citation as string | null) ?? null,
        periodFirst: day(r.period_first),
        periodLast: day(r.period_last),
        requiredDays: (r.required_days as number | null) ?? null,
        heldDays: (r.held_days as number | null) ?? null,
        sortKey: r.sort_key as string,
      }));
    },
  };
}
export type OtherTasks = ReturnType<typeof createOtherTaskSearch>;
