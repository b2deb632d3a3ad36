/**
 * Search over the case read model (`cases` joined with the interpreter's `case_states`) and the
 * task inbox (`case_tasks` with `task_claims`). Always restricted to a list of agencies (the
 * caller's subtree); keyset (cursor) pagination on (sort key, id).
 */
import type { CaseStateView } from '../workflows/contract.js';
import { applyCaseFilter, caseFilterSource, CLOSED_SQL, FLAG_SQL, type CaseFilter } from './case-filter.js';
import type { Db } from './knex.js';
import { sortKeySql } from './inbox-items.js';
import type { Knex } from 'knex';

/**
 * A page of `GET /v1/cases`: the shared case filter (db/case-filter.ts, also what the figures count) with a
 * sort, a keyset cursor and a page size.
 */
export interface CaseSearch extends CaseFilter {
  sort: 'receivedAt' | '-receivedAt' | 'nextDueAt' | '-nextDueAt';
  after?: { k: string; id: string };
  limit: number;
}

/** One row of a case search: the `cases` row and, once projected, the interpreter state. */
export interface CaseSearchRow {
  id: string;
  reference: string;
  caseType: string;
  channel: string;
  agencyId: string;
  subject: string;
  remoteArea: boolean;
  receivedAt: string;
  stage: string;
  status: string;
  nextDueAt: string | null;
  overdue: boolean;
  state: CaseStateView | null;
  flags: Record<string, unknown>;
  sortKey: string;
}

const SORTS = {
  receivedAt: 'f.received_at',
  nextDueAt: `COALESCE(f.next_due_at, 'infinity'::timestamptz)`,
} as const;

export function createCaseSearch(db: Db) {
  return {
    async search(q: CaseSearch): Promise<CaseSearchRow[]> {
      const desc = q.sort.startsWith('-');
      const expr = SORTS[q.sort.replace('-', '') as keyof typeof SORTS];
      // The page is chosen first (filters, keyset, sort, limit); flags and columns are computed for
      // that page only, so a search over many cases never evaluates them row by row.
      const page = caseFilterSource(db)
        .modify((b) => applyCaseFilter(b, q))
        .modify((b) => {
          if (q.after)
            b.whereRaw(`(${expr}, f.case_id) ${desc ? '<' : '>'} (?::timestamptz, ?)`, [q.after.k, q.after.id]);
        })
        .select('f.case_id as page_id', db.raw(`${expr} AS page_key`))
        .orderByRaw(`${expr} ${desc ? 'DESC' : 'ASC'}, f.case_id ${desc ? 'DESC' : 'ASC'}`)
        .limit(q.limit);
      const rows = await db
        .from(page.as('p'))
        .join('cases as c', 'c.id', 'p.page_id')
        .join('case_facts as f', 'f.case_id', 'c.id')
        .leftJoin('case_states as cs', 'cs.case_id', 'c.id')
        .select(
          'c.id',
          'c.reference',
          'c.case_type',
          'c.channel',
          'c.agency_id',
          'c.subject',
          'c.remote_area',
          'c.received_at',
          db.raw('COALESCE(cs.stage, c.stage) AS stage'),
          db.raw(`CASE WHEN ${CLOSED_SQL} THEN 'closed' ELSE 'open' END AS status`),
          'cs.next_due_at',
          'cs.state',
          db.raw('p.page_key::text AS sort_key'),
          ...(['overdue', 'atRisk', 'mass', 'complex', 'remote', 'suspended'] as const).map((f) =>
            db.raw(`${FLAG_SQL[f]} AS "flag_${f}"`),
          ),
        )
        .orderByRaw(`p.page_key ${desc ? 'DESC' : 'ASC'}, c.id ${desc ? 'DESC' : 'ASC'}`);
      return rows.map((r: Record<string, unknown>) => ({
        id: r.id as string,
        reference: r.reference as string,
        caseType: r.case_type as string,
        channel: r.channel as string,
        agencyId: r.agency_id as string,
        subject: r.subject as string,
        remoteArea: r.remote_area as boolean,
        receivedAt: (r.received_at as Date).toISOString(),
        stage: r.stage as string,
        status: r.status as string,
        nextDueAt: r.next_due_at ? (r.next_due_at as Date).toISOString() : null,
        overdue: r.flag_overdue as boolean,
        state: (r.state as CaseStateView | null) ?? null,
        sortKey: r.sort_key as string,
        flags: {
          overdue: r.flag_overdue,
          atRisk: r.flag_atRisk,
          mass: r.flag_mass,
          complex: r.flag_complex,
          remote: r.flag_remote,
          suspended: r.flag_suspended,
        },
      }));
    },

    /**
     * The projected state of one case with its flags (same definitions as the search filters), in
     * one query; `state` is null until the workflow's first projection.
     */
    async detail(caseId: string): Promise<{
      state: CaseStateView | null;
      seq: number | null;
      projectedAt: string | null;
      flags: Record<'overdue' | 'atRisk' | 'mass' | 'complex' | 'remote' | 'suspended', boolean>;
    }> {
      const row = await db('cases as c')
        .leftJoin('case_facts as f', 'f.case_id', 'c.id')
        .leftJoin('case_states as cs', 'cs.case_id', 'c.id')
        .where('c.id', caseId)
        .first(
          'cs.state',
          'cs.seq',
          'cs.updated_at',
          ...(['overdue', 'atRisk', 'mass', 'complex', 'remote', 'suspended'] as const).map((f) =>
            db.raw(`${FLAG_SQL[f]} AS "${f}"`),
          ),
        );
      return {
        state: (row?.state as CaseStateView | null) ?? null,
        seq: (row?.seq as number | null) ?? null,
        projectedAt: row?.updated_at ? (row.updated_at as Date).toISOString() : null,
        flags: {
          overdue: Boolean(row?.overdue),
          atRisk: Boolean(row?.atRisk),
          mass: Boolean(row?.mass),
          complex: Boolean(row?.complex),
          remote: Boolean(row?.remote),
          suspended: Boolean(row?.suspended),
        },
      };
    },
  };
}

/** Filters of the task inbox. */
export interface TaskSearch {
  agencies: string[];
  status: 'open' | 'completed' | 'cancelled';
  /** Cases whose tasks are listed too, outside `agencies` (a task force member's, ADR 0037). */
  taskForceCases?: string[];
  /** ADR 0037: the agencies a task of `taskForceCases` may be routed to for the caller to see it. */
  taskForceTargets?: string[];
  /** Candidate (business) roles: a task matches when it names one of them. */
  roles?: string[];
  /** Only tasks claimed by this principal id; `null` = only unclaimed tasks. */
  assignee?: string | null;
  caseId?: string;
  /**
   * Keyset position. `beyondKey`: the previous page ended on another kind of task (ADR 0039: ranked after the
   * case tasks of the same sort key), so only case tasks due strictly later follow.
   */
  after?: { k: string; caseId: string; taskId: string; beyondKey?: boolean };
  limit: number;
}

export interface TaskRow {
  caseId: string;
  taskId: string;
  nodeId: string;
  name: string;
  candidateRoles: string[];
  agencyScope: string;
  status: string;
  openedAt: string;
  closedAt: string | null;
  dueAt: string | null;
  form: unknown;
  assignee: string | null;
  claimedAt: string | null;
  caseReference: string;
  caseType: string;
  agencyId: string;
  /** The agency the task is routed to (its `agencyScope` resolved against the agency tree; ADR 0010). */
  targetAgencyId: string;
  sortKey: string;
}

const TASK_SORT = `COALESCE(t.due_at, 'infinity'::timestamptz)`;
/** Where a task is worked: its resolved target agency (rows projected before routing: the case's agency). */
const TASK_TARGET = `COALESCE(t.target_agency_id, c.agency_id)`;

export function createTaskSearch(db: Db) {
  const base = () =>
    db('case_tasks as t')
      .join('cases as c', 'c.id', 't.case_id')
      .leftJoin('task_claims as cl', function on() {
        this.on('cl.case_id', 't.case_id').andOn('cl.task_id', 't.task_id');
      })
      .select(
        't.*',
        'c.reference',
        'c.case_type',
        'c.agency_id',
        'cl.assignee',
        'cl.claimed_at',
        db.raw(`${TASK_TARGET} AS target_agency`),
        db.raw(`${TASK_SORT}::text AS sort_key`),
      );
  const map = (r: Record<string, unknown>): TaskRow => ({
    caseId: r.case_id as string,
    taskId: r.task_id as string,
    nodeId: r.node_id as string,
    name: r.name as string,
    candidateRoles: r.candidate_roles as string[],
    agencyScope: r.agency_scope as string,
    status: r.status as string,
    openedAt: (r.opened_at as Date).toISOString(),
    closedAt: r.closed_at ? (r.closed_at as Date).toISOString() : null,
    dueAt: r.due_at ? (r.due_at as Date).toISOString() : null,
    form: r.form,
    assignee: (r.assignee as string | null) ?? null,
    claimedAt: r.claimed_at ? (r.claimed_at as Date).toISOString() : null,
    caseReference: r.reference as string,
    caseType: r.case_type as string,
    agencyId: r.agency_id as string,
    targetAgencyId: r.target_agency as string,
    sortKey: r.sort_key as string,
  });
  return {
    async search(q: TaskSearch): Promise<TaskRow[]> {
      // A task is in the inbox of the subtree of the agency it is routed to: a parent- or
      // inspectorate-scoped task leaves the case agency's inbox for its superior's / the inspectorate's.
      // Read per agency in due order from case_tasks_inbox_idx (`limit` rows each at most), plus the few tasks
      // with no resolved target (read as the case's agency), then merged: no join or sort over every task.
      const claims = function on(this: Knex.JoinClause) {
        this.on('cl.case_id', 't.case_id').andOn('cl.task_id', 't.task_id');
      };
      const filtered = (b: Knex.QueryBuilder) => {
        b.where('t.status', q.status);
        if (q.caseId) b.where('t.case_id', q.caseId);
        if (q.roles && q.roles.length > 0) b.whereRaw('t.candidate_roles && ?::text[]', [q.roles]);
        if (q.assignee === null) b.whereNull('cl.assignee');
        else if (q.assignee !== undefined) b.where('cl.assignee', q.assignee);
        if (q.after?.beyondKey) b.whereRaw(`${TASK_SORT} > ?::timestamptz`, [q.after.k]);
        else if (q.after)
          b.whereRaw(`(${TASK_SORT}, t.case_id, t.task_id) > (?::timestamptz, ?, ?)`, [
            q.after.k,
            q.after.caseId,
            q.after.taskId,
          ]);
        b.orderByRaw(`${TASK_SORT} ASC, t.case_id ASC, t.task_id ASC`).limit(q.limit);
      };
      const cols = ['t.*', 'cl.assignee', 'cl.claimed_at', db.raw(`${TASK_SORT} AS sk`)];
      const routed = db
        .select(cols)
        .from('case_tasks as t')
        .leftJoin('task_claims as cl', claims)
        .whereRaw('t.target_agency_id = ag.id')
        .modify(filtered);
      const untargeted = db
        .select(cols)
        .from('case_tasks as t')
        .join('cases as c0', 'c0.id', 't.case_id')
        .leftJoin('task_claims as cl', claims)
        .whereNull('t.target_agency_id')
        .whereRaw('c0.agency_id = ANY(?::text[])', [q.agencies])
        .modify(filtered);
      // ADR 0037: the tasks of the cases the caller's task forces work, whatever their agency (those not already
      // in the caller's agencies, so nothing is listed twice).
      const forced =
        q.taskForceCases && q.taskForceCases.length > 0
          ? db
              .select(cols)
              .from('case_tasks as t')
              .join('cases as c1', 'c1.id', 't.case_id')
              .leftJoin('task_claims as cl', claims)
              .whereRaw('t.case_id = ANY(?::text[])', [q.taskForceCases])
              .whereRaw('NOT (COALESCE(t.target_agency_id, c1.agency_id) = ANY(?::text[]))', [q.agencies])
              .whereRaw('COALESCE(t.target_agency_id, c1.agency_id) = ANY(?::text[])', [q.taskForceTargets ?? []])
              .modify(filtered)
          : undefined;
      const rows = await db
        .select(
          'u.*',
          'c.reference',
          'c.case_type',
          'c.agency_id',
          db.raw('COALESCE(u.target_agency_id, c.agency_id) AS target_agency'),
          // Exact and comparable as text with the other kinds' keys (db/inbox-items.ts).
          db.raw(`${sortKeySql('u.sk')} AS sort_key`),
        )
        .from(
          db.raw(
            `((SELECT x.* FROM unnest(?::text[]) AS ag(id) CROSS JOIN LATERAL (?) AS x) UNION ALL (?)${
              forced ? ' UNION ALL (?)' : ''
            }) AS u`,
            forced ? [q.agencies, routed, untargeted, forced] : [q.agencies, routed, untargeted],
          ),
        )
        .join('cases as c', 'c.id', 'u.case_id')
        .orderByRaw('u.sk ASC, u.case_id ASC, u.task_id ASC')
        .limit(q.limit);
      return rows.map(map);
    },
    /**
     * Whether a task of the case, open or completed, is routed to one of `agencies` (ADR 0012: such a
     * caller may read the case; a task cancelled before anyone there worked it does not count).
     */
    async routedTo(caseId: string, agencies: string[]): Promise<boolean> {
      const r = await db.raw<{ rows: Array<{ routed: boolean }> }>(
        `SELECT EXISTS (SELECT 1 FROM case_tasks t WHERE t.case_id = ? AND t.target_agency_id = ANY(?::text[]) AND t.status IN ('open', 'completed')) AS routed`,
        [caseId, agencies],
      );
      return r.rows[0]?.routed === true;
    },
    async get(caseId: string, taskId: string): Promise<TaskRow | undefined> {
      const r = await base().where('t.case_id', caseId).where('t.task_id', taskId).first();
      return r ? map(r) : undefined;
    },
  };
}
