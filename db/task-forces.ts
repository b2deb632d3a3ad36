/**
 * Task forces (tổ công tác, issue 15.3, ADR 0037): members, the matters and cases they work, and the
 * access a member has to those cases. Migration 20261205070000_task_forces_review_campaigns.
 */
import type { Db } from './knex.js';

export const ASSIGNMENT_KINDS = ['matter', 'case'] as const;
export type AssignmentKind = (typeof ASSIGNMENT_KINDS)[number];

export interface TaskForceMember {
  personId: string;
  agencyId: string;
  addedAt: string;
  removedAt: string | null;
}
export interface TaskForceAssignment {
  kind: AssignmentKind;
  refId: string;
  agencyId: string;
  assignedAt: string;
}
export interface TaskForceRecord {
  id: string;
  name: string;
  mandate: string;
  governingAgencyId: string;
  leadPersonId: string;
  periodId: string | null;
  endsOn: string;
  createdBy: unknown;
  createdAt: string;
}
export interface TaskForceDetail extends TaskForceRecord {
  members: TaskForceMember[];
  assignments: TaskForceAssignment[];
}

const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v));
const day = (v: unknown): string => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

function taskForceOf(r: Record<string, unknown>): TaskForceRecord {
  return {
    id: r.id as string,
    name: r.name as string,
    mandate: r.mandate as string,
    governingAgencyId: r.governing_agency_id as string,
    leadPersonId: r.lead_person_id as string,
    periodId: (r.period_id as string | null) ?? null,
    endsOn: day(r.ends_on),
    createdBy: r.created_by,
    createdAt: iso(r.created_at),
  };
}

/**
 * The task forces whose member `personId`, acting for `agencyId`, is today (`today`, a Vietnam date): not
 * removed, end date not passed. As SQL over `tf` and `m` (bindings: person, agency, today).
 */
const ACTIVE_MEMBER = `m.person_id = ? AND m.agency_id = ? AND m.removed_at IS NULL AND tf.ends_on >= ?::date`;
/**
 * The assignments of `a` that cover case `?`: the case itself, or the matter it is confirmed in, or the matter
 * whose own process it is — a delegation's reception or a central gathering (ADR 0036: each runs as a `cases`
 * row of its own; ADR 0037 amended). Bindings: the case id four times.
 */
const COVERS_CASE = `((a.kind = 'case' AND a.ref_id = ?) OR (a.kind = 'matter' AND a.ref_id IN (
  SELECT l.matter_id FROM matter_links l WHERE l.kind = 'case' AND l.ref_id = ? AND l.decision = 'confirmed'
  UNION ALL SELECT d.matter_id FROM matter_delegations d WHERE d.process_case_id = ?
  UNION ALL SELECT g.matter_id FROM central_gatherings g WHERE g.process_case_id = ?)))`;

/**
 * The work assigned to task forces as a report counts it and its list shows it (issue 16 item 6: one definition
 * for both, chairman's report rows VII.1.a–c and `GET /v1/task-forces/assignments`). Over
 * `task_force_assignments a JOIN task_forces t`; named bindings `:a` (the governing agencies), `:fromDay`, `:toDay`
 * (Vietnam days). A task force active in `[fromDay, toDay]` (set up before the end of `toDay`, ending on or after
 * `fromDay`), the work assigned to it before the end of `toDay`; a bound left out is not applied.
 */
export const TASK_FORCE_WORK_FROM = 'task_force_assignments a JOIN task_forces t ON t.id = a.task_force_id';
/** The end of the Vietnam day `:toDay` as an instant (`9999-12-31` + 1 is computed by SQL, not the clock). */
const END_OF_TO_DAY = `((:toDay::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh')`;
export function taskForceWorkWhere(bounds: { from: boolean; to: boolean }): string {
  const parts = ['t.governing_agency_id = ANY(:a::text[])'];
  if (bounds.to) parts.push(`t.created_at < ${END_OF_TO_DAY}`, `a.assigned_at < ${END_OF_TO_DAY}`);
  if (bounds.from) parts.push('t.ends_on >= :fromDay::date');
  return parts.join(' AND ');
}
/** Done: the case closed (its facts), the matter closed. */
export const ASSIGNMENT_DONE_SQL = `(CASE a.kind
  WHEN 'case' THEN EXISTS (SELECT 1 FROM case_facts cf WHERE cf.case_id = a.ref_id AND cf.closed)
  ELSE EXISTS (SELECT 1 FROM matters m WHERE m.id = a.ref_id AND m.status = 'closed') END)`;
export const TASK_FORCE_WORK_STATES = ['done', 'undone', 'lapsed'] as const;
export type TaskForceWorkState = (typeof TASK_FORCE_WORK_STATES)[number];
/**
 * A work item's state: `done`; `undone`; `lapsed`, not done and its task force ended before `:asOfDay` (the
 * period's last day; today without one).
 */
export const TASK_FORCE_WORK_STATE_SQL: Record<TaskForceWorkState, string> = {
  done: ASSIGNMENT_DONE_SQL,
  undone: `NOT ${ASSIGNMENT_DONE_SQL}`,
  lapsed: `NOT ${ASSIGNMENT_DONE_SQL} AND t.ends_on < :asOfDay::date`,
};

export interface TaskForceWorkItem {
  taskForceId: string;
  taskForceName: string;
  governingAgencyId: string;
  endsOn: string;
  kind: AssignmentKind;
  refId: string;
  agencyId: string;
  assignedAt: string;
  done: boolean;
  sortKey: string;
}

export function createTaskForceStore(db: Db) {
  const store = {
    async insert(
      tf: Omit<TaskForceRecord, 'createdAt'>,
      members: ReadonlyArray<{ personId: string; agencyId: string }>,
      trx: Db,
    ): Promise<void> {
      await trx('task_forces').insert({
        id: tf.id,
        name: tf.name,
        mandate: tf.mandate,
        governing_agency_id: tf.governingAgencyId,
        lead_person_id: tf.leadPersonId,
        period_id: tf.periodId,
        ends_on: tf.endsOn,
        created_by: JSON.stringify(tf.createdBy),
      });
      if (members.length > 0)
        await trx('task_force_members').insert(
          members.map((m) => ({ task_force_id: tf.id, person_id: m.personId, agency_id: m.agencyId })),
        );
    },
    async get(id: string, trx: Db = db): Promise<TaskForceDetail | undefined> {
      const r = await trx('task_forces').where({ id }).first();
      if (!r) return undefined;
      const members = await trx('task_force_members')
        .where({ task_force_id: id })
        .orderBy([{ column: 'added_at' }, { column: 'person_id' }]);
      const assignments = await trx('task_force_assignments')
        .where({ task_force_id: id })
        .orderBy([{ column: 'assigned_at' }, { column: 'ref_id' }, { column: 'kind' }]);
      return {
        ...taskForceOf(r as Record<string, unknown>),
        members: members.map((m: Record<string, unknown>) => ({
          personId: m.person_id as string,
          agencyId: m.agency_id as string,
          addedAt: iso(m.added_at),
          removedAt: m.removed_at ? iso(m.removed_at) : null,
        })),
        assignments: assignments.map((a: Record<string, unknown>) => ({
          kind: a.kind as AssignmentKind,
          refId: a.ref_id as string,
          agencyId: a.agency_id as string,
          assignedAt: iso(a.assigned_at),
        })),
      };
    },
    async ownerOf(id: string): Promise<string | undefined> {
      const r = await db('task_forces')
        .where({ id })
        .first<{ governing_agency_id: string } | undefined>('governing_agency_id');
      return r?.governing_agency_id;
    },
    /** Task forces governed within `agencies`, newest first. */
    /**
     * Task forces governed by `agencies`; with `active`, those active some day of `[from, to]` (Vietnam days):
     * set up before the end of `to`, ending on or after `from`.
     */
    async list(
      agencies: readonly string[],
      limit: number,
      active?: { from?: string | undefined; to?: string | undefined },
      after?: { k: string; id: string },
    ): Promise<Array<TaskForceRecord & { sortKey: string }>> {
      const rows = await db('task_forces')
        .select('*', db.raw('created_at::text AS sort_key'))
        .whereRaw('governing_agency_id = ANY(?::text[])', [agencies as string[]])
        .modify((b) => {
          if (after) b.whereRaw('(created_at, id) < (?::timestamptz, ?)', [after.k, after.id]);
          // The day after, in SQL: any day a client may send has one (`9999-12-31` + 1 is no ISO day for the clock).
          if (active?.to)
            b.whereRaw(`created_at < ((?::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh')`, [active.to]);
          if (active?.from) b.where('ends_on', '>=', active.from);
        })
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(limit);
      return rows.map((r: Record<string, unknown>) => ({ ...taskForceOf(r), sortKey: r.sort_key as string }));
    },
    /**
     * The work assigned to task forces governed by `agencies` ({@link taskForceWorkWhere}), newest assignment first
     * (keyset on assigned_at, kind, ref id: the cursor's id is `kind:refId`).
     */
    async work(q: {
      agencies: readonly string[];
      fromDay?: string | undefined;
      toDay?: string | undefined;
      state?: TaskForceWorkState | undefined;
      /** The day `lapsed` is judged on (the period's last day; today without one). */
      asOfDay: string;
      taskForceId?: string | undefined;
      after?: { k: string; id: string } | undefined;
      limit: number;
    }): Promise<TaskForceWorkItem[]> {
      const where = [taskForceWorkWhere({ from: q.fromDay !== undefined, to: q.toDay !== undefined })];
      if (q.state) where.push(TASK_FORCE_WORK_STATE_SQL[q.state]);
      if (q.taskForceId) where.push('t.id = :taskForceId');
      const sep = q.after ? q.after.id.indexOf(':') : -1;
      if (q.after) where.push('(a.assigned_at, a.kind, a.ref_id) < (:afterK::timestamptz, :afterKind, :afterRef)');
      const { rows } = await db.raw<{ rows: Array<Record<string, unknown>> }>(
        `SELECT a.*, t.name AS tf_name, t.governing_agency_id, t.ends_on, ${ASSIGNMENT_DONE_SQL} AS done,
            a.assigned_at::text AS sort_key
           FROM ${TASK_FORCE_WORK_FROM} WHERE ${where.join(' AND ')}
          ORDER BY a.assigned_at DESC, a.kind DESC, a.ref_id DESC LIMIT :limit`,
        {
          a: q.agencies as string[],
          ...(q.fromDay !== undefined ? { fromDay: q.fromDay } : {}),
          ...(q.toDay !== undefined ? { toDay: q.toDay } : {}),
          ...(q.state === 'lapsed' ? { asOfDay: q.asOfDay } : {}),
          ...(q.taskForceId ? { taskForceId: q.taskForceId } : {}),
          ...(q.after
            ? { afterK: q.after.k, afterKind: q.after.id.slice(0, sep), afterRef: q.after.id.slice(sep + 1) }
            : {}),
          limit: q.limit,
        },
      );
      return rows.map((r) => ({
        taskForceId: r.task_force_id as string,
        taskForceName: r.tf_name as string,
        governingAgencyId: r.governing_agency_id as string,
        endsOn: day(r.ends_on),
        kind: r.kind as AssignmentKind,
        refId: r.ref_id as string,
        agencyId: r.agency_id as string,
        assignedAt: iso(r.assigned_at),
        done: r.done as boolean,
        sortKey: r.sort_key as string,
      }));
    },
    /** Adds (or re-adds) a member; false when they are a member already. */
    async addMember(id: string, personId: string, agencyId: string, trx: Db): Promise<boolean> {
      const rows = await trx.raw<{ rows: unknown[] }>(
        `INSERT INTO task_force_members (task_force_id, person_id, agency_id) VALUES (?, ?, ?)
         ON CONFLICT (task_force_id, person_id) DO UPDATE
           SET agency_id = EXCLUDED.agency_id, added_at = now(), removed_at = NULL
           WHERE task_force_members.removed_at IS NOT NULL
         RETURNING person_id`,
        [id, personId, agencyId],
      );
      return rows.rows.length > 0;
    },
    /** Removes a member (the row stays, with `removed_at`); false when they were not a member. */
    async removeMember(id: string, personId: string, trx: Db): Promise<boolean> {
      const n = await trx('task_force_members')
        .where({ task_force_id: id, person_id: personId })
        .whereNull('removed_at')
        .update({ removed_at: trx.fn.now() });
      return n > 0;
    },
    async periodExists(id: string): Promise<boolean> {
      return (await db('reception_periods').where({ id }).first('id')) !== undefined;
    },
    /** The task force a matter or case is assigned to, if any. */
    async assignmentOf(kind: AssignmentKind, refId: string, trx: Db = db): Promise<string | undefined> {
      const r = await trx('task_force_assignments')
        .where({ kind, ref_id: refId })
        .first<{ task_force_id: string } | undefined>('task_force_id');
      return r?.task_force_id;
    },
    /**
     * Assigns a matter or case (one task force at a time; one whose task force ended — past its end date on
     * `today`, a Vietnam date — is taken over); false when it is held by a task force still running.
     */
    async assign(
      id: string,
      a: { kind: AssignmentKind; refId: string; agencyId: string; by: unknown },
      trx: Db,
      today: string,
    ): Promise<boolean> {
      const rows = await trx('task_force_assignments')
        .insert({
          task_force_id: id,
          kind: a.kind,
          ref_id: a.refId,
          agency_id: a.agencyId,
          assigned_by: JSON.stringify(a.by),
        })
        .onConflict(['kind', 'ref_id'])
        .merge(['task_force_id', 'agency_id', 'assigned_by'])
        .where(
          trx.raw(
            'task_force_assignments.task_force_id <> ? AND task_force_assignments.task_force_id IN (SELECT id FROM task_forces WHERE ends_on < ?::date)',
            [id, today],
          ),
        )
        .returning('ref_id');
      return rows.length > 0;
    },
    /**
     * The task forces through which `personId` (signed in for `agencyId`) may reach case `caseId` today (a
     * Vietnam date): active memberships, for that agency, of task forces not past their end date, assigned the
     * case or its confirmed matter (or, for a matter's own process, that matter) — with their governing agency (the caller checks that the case and the task
     * lie within its subtree: ADR 0037).
     */
    async accessVia(
      personId: string,
      agencyId: string,
      caseId: string,
      today: string,
    ): Promise<Array<{ id: string; governingAgencyId: string }>> {
      const { rows } = await db.raw<{ rows: Array<{ id: string; governing_agency_id: string }> }>(
        `SELECT DISTINCT tf.id, tf.governing_agency_id FROM task_forces tf
           JOIN task_force_members m ON m.task_force_id = tf.id
           JOIN task_force_assignments a ON a.task_force_id = tf.id
          WHERE ${ACTIVE_MEMBER} AND ${COVERS_CASE}
          ORDER BY tf.id`,
        [personId, agencyId, today, caseId, caseId, caseId, caseId],
      );
      return rows.map((r) => ({ id: r.id, governingAgencyId: r.governing_agency_id }));
    },
    /**
     * The cases `personId` works today through their task forces (assigned, or of an assigned matter: its
     * confirmed cases and its own delegation and central-gathering processes), each
     * with its agency and the governing agency of the task force that reaches it.
     */
    async casesOf(
      personId: string,
      agencyId: string,
      today: string,
    ): Promise<Array<{ caseId: string; agencyId: string; governingAgencyId: string }>> {
      const { rows } = await db.raw<{
        rows: Array<{ case_id: string; agency_id: string; governing_agency_id: string }>;
      }>(
        `SELECT DISTINCT x.case_id, c.agency_id, tf.governing_agency_id FROM task_forces tf
           JOIN task_force_members m ON m.task_force_id = tf.id
           JOIN task_force_assignments a ON a.task_force_id = tf.id
           CROSS JOIN LATERAL (
             SELECT a.ref_id AS case_id WHERE a.kind = 'case'
             UNION ALL
             SELECT l.ref_id FROM matter_links l
              WHERE a.kind = 'matter' AND l.matter_id = a.ref_id AND l.kind = 'case' AND l.decision = 'confirmed'
             UNION ALL
             SELECT d.process_case_id FROM matter_delegations d WHERE a.kind = 'matter' AND d.matter_id = a.ref_id
             UNION ALL
             SELECT g.process_case_id FROM central_gatherings g WHERE a.kind = 'matter' AND g.matter_id = a.ref_id
           ) x
           JOIN cases c ON c.id = x.case_id
          WHERE ${ACTIVE_MEMBER}
          ORDER BY x.case_id LIMIT 10000`,
        [personId, agencyId, today],
      );
      return rows.map((r) => ({ caseId: r.case_id, agencyId: r.agency_id, governingAgencyId: r.governing_agency_id }));
    },
  };
  return store;
}

export type TaskForceStore = ReturnType<typeof createTaskForceStore>;
