/**
 * Reception compliance (issue 14.4, ADR 0029): per agency, over a stretch of days, one aggregate over
 * `reception_sessions` and `reception_visits` — sessions, visits, people, delegations, letters received —
 * and the distinct days its head (the one in office on each session date) received in person (counted as
 * the minimum rules allow) or by delegate.
 * One query for any number of agencies (the whole province); the rules that turn days into
 * "kept / fell short" are in reception/minimum-rules.ts. Also the compliance tasks a shortfall opens.
 */
import { randomBytes } from 'node:crypto';
import type { Level } from './directory.js';
import type { Db } from './knex.js';
import type { ComplianceOptions } from '../reception/minimum-rules.js';

export interface AgencyActivity {
  agencyId: string;
  agencyName: string;
  level: Level;
  parentId: string | null;
  headPersonId: string | null;
  headName: string | null;
  sessions: number;
  visits: number;
  people: number;
  delegations: number;
  lettersReceived: number;
  /** Days (YYYY-MM-DD, sorted) the head received and that count toward the minimum. */
  heldDays: string[];
  /** Days of the head's sessions received by a delegate (ủy quyền): reported, never counted. */
  delegatedDays: string[];
  /**
   * Days in [first, last] of the agency's published reception schedule (not cancelled) published or moved with
   * less notice than Luật Tiếp công dân 2013 Art 24(4) asks (`late_notice`).
   */
  lateNoticeDays: string[];
}

const days = (v: unknown): string[] => (Array.isArray(v) ? (v as string[]).map(String).sort() : []);

/**
 * The activity of `agencies` (open ones) with counts over [first, last] and the head's days over the
 * wider [daysFirst, daysLast] (a weekly rule's last week may run into the next month).
 */
export async function agencyActivity(
  db: Db,
  q: {
    agencies: readonly string[];
    first: string;
    last: string;
    daysFirst: string;
    daysLast: string;
    options: ComplianceOptions;
  },
): Promise<AgencyActivity[]> {
  const { rows } = await db.raw<{ rows: Array<Record<string, unknown>> }>(
    `WITH ag AS (
       SELECT a.id, a.name, a.level, a.parent_id FROM agencies a
        WHERE a.id = ANY(:agencies) AND a.closed_at IS NULL
     ), heads AS (
       SELECT s.agency_id, s.person_id, p.display_name FROM agency_staff s JOIN people p ON p.id = s.person_id
        WHERE s.position = 'head' AND s.agency_id IN (SELECT id FROM ag)
     ), ses AS (
       -- The head in office on the session date (agency_staff_history), not today's head; a change of head on
       -- a day leaves both in office that day.
       SELECT s.id, s.agency_id, s.session_date, s.kind, s.received_by, s.mode,
              EXISTS (SELECT 1 FROM agency_staff_history hh
                       WHERE hh.agency_id = s.agency_id AND hh.person_id = s.leader_person_id
                         AND hh.position = 'head'
                         AND (hh.valid_from AT TIME ZONE 'Asia/Ho_Chi_Minh')::date <= s.session_date
                         AND (hh.valid_to IS NULL
                              OR (hh.valid_to AT TIME ZONE 'Asia/Ho_Chi_Minh')::date >= s.session_date)) AS by_head
         FROM reception_sessions s
        WHERE s.agency_id IN (SELECT id FROM ag)
          AND s.session_date BETWEEN LEAST(:first::date, :daysFirst::date) AND GREATEST(:last::date, :daysLast::date)
     ), vis AS (
       SELECT ses.agency_id, count(*) AS visits, coalesce(sum(v.people_count), 0) AS people,
              count(*) FILTER (WHERE v.is_delegation) AS delegations,
              count(*) FILTER (WHERE v.outcome = 'letter_received') AS letters
         FROM ses JOIN reception_visits v ON v.session_id = ses.id
        WHERE ses.session_date BETWEEN :first AND :last
        GROUP BY ses.agency_id
     ), agg AS (
       SELECT agency_id,
              count(*) FILTER (WHERE session_date BETWEEN :first AND :last) AS sessions,
              array_agg(DISTINCT session_date::text) FILTER (
                WHERE by_head AND received_by = 'in_person' AND kind <> 'regular'
                  AND session_date BETWEEN :daysFirst AND :daysLast
                  AND (mode = 'in_person' OR :online) AND (kind <> 'ad_hoc' OR :adHoc)) AS held,
              array_agg(DISTINCT session_date::text) FILTER (
                WHERE by_head AND received_by = 'delegated' AND session_date BETWEEN :daysFirst AND :daysLast
              ) AS delegated
         FROM ses GROUP BY agency_id
     ), late AS (
       SELECT agency_id, array_agg(DISTINCT entry_date::text) AS days FROM reception_schedule_entries
        WHERE late_notice AND status = 'scheduled' AND agency_id IN (SELECT id FROM ag)
          AND entry_date BETWEEN :first AND :last
        GROUP BY agency_id
     )
     SELECT ag.id, ag.name, ag.level, ag.parent_id, heads.person_id AS head_id, heads.display_name AS head_name,
            coalesce(agg.sessions, 0) AS sessions, coalesce(vis.visits, 0) AS visits, coalesce(vis.people, 0) AS people,
            coalesce(vis.delegations, 0) AS delegations, coalesce(vis.letters, 0) AS letters,
            agg.held, agg.delegated, late.days AS late_days
       FROM ag LEFT JOIN heads ON heads.agency_id = ag.id LEFT JOIN agg ON agg.agency_id = ag.id
       LEFT JOIN vis ON vis.agency_id = ag.id LEFT JOIN late ON late.agency_id = ag.id
      ORDER BY ag.id`,
    {
      agencies: [...q.agencies],
      first: q.first,
      last: q.last,
      daysFirst: q.daysFirst,
      daysLast: q.daysLast,
      online: q.options.onlineCounts,
      adHoc: q.options.adHocCounts,
    },
  );
  return rows.map((r) => ({
    agencyId: r.id as string,
    agencyName: r.name as string,
    level: r.level as Level,
    parentId: (r.parent_id as string | null) ?? null,
    headPersonId: (r.head_id as string | null) ?? null,
    headName: (r.head_name as string | null) ?? null,
    sessions: Number(r.sessions),
    visits: Number(r.visits),
    people: Number(r.people),
    delegations: Number(r.delegations),
    lettersReceived: Number(r.letters),
    heldDays: days(r.held),
    delegatedDays: days(r.delegated),
    lateNoticeDays: days(r.late_days),
  }));
}

/** Every open agency (the compliance check covers them all). */
export async function openAgencyIds(db: Db): Promise<string[]> {
  const rows = await db('agencies').whereNull('closed_at').orderBy('id').select<Array<{ id: string }>>('id');
  return rows.map((r) => r.id);
}

export interface ComplianceTask {
  id: string;
  agencyId: string;
  supervisingAgencyId: string | null;
  leaderPersonId: string | null;
  ruleId: string;
  citation: string;
  periodFirst: string;
  periodLast: string;
  requiredDays: number;
  heldDays: number;
  delegatedDays: number;
  recipients: string[];
  status: 'open' | 'closed';
  createdAt: string;
  /** Closed by the supervising level: when, by whom, and what it did about the shortfall. */
  closedAt: string | null;
  closedBy: string | null;
  outcome: string | null;
}

function taskOf(r: Record<string, unknown>): ComplianceTask {
  return {
    id: r.id as string,
    agencyId: r.agency_id as string,
    supervisingAgencyId: (r.supervising_agency_id as string | null) ?? null,
    leaderPersonId: (r.leader_person_id as string | null) ?? null,
    ruleId: r.rule_id as string,
    citation: r.citation as string,
    periodFirst: String(r.period_first),
    periodLast: String(r.period_last),
    requiredDays: r.required_days as number,
    heldDays: r.held_days as number,
    delegatedDays: r.delegated_days as number,
    recipients: (r.recipients as string[] | null) ?? [],
    status: r.status as 'open' | 'closed',
    createdAt: r.created_at instanceof Date ? r.created_at.toISOString() : String(r.created_at),
    closedAt: r.closed_at instanceof Date ? r.closed_at.toISOString() : ((r.closed_at as string | null) ?? null),
    closedBy: ((r.closed_by as { id?: string } | null) ?? null)?.id ?? null,
    outcome: (r.outcome as string | null) ?? null,
  };
}

export type NewComplianceTask = Omit<
  ComplianceTask,
  'id' | 'status' | 'createdAt' | 'closedAt' | 'closedBy' | 'outcome'
>;

/** The agency whose staff work a compliance task: the supervising one (the agency itself when it is a root). */
export async function complianceTaskOwner(db: Db, id: string): Promise<string | undefined> {
  const r = await db('reception_compliance_tasks')
    .where({ id })
    .first<{ owner: string } | undefined>(db.raw('COALESCE(supervising_agency_id, agency_id) AS owner'));
  return r?.owner;
}

/** One compliance task with the name of the agency that fell short (undefined: none). */
export async function getComplianceTask(
  db: Db,
  id: string,
): Promise<(ComplianceTask & { agencyName: string | null }) | undefined> {
  const r = await db('reception_compliance_tasks as t')
    .leftJoin('agencies as a', 'a.id', 't.agency_id')
    .where('t.id', id)
    .first('t.*', 'a.name as agency_name');
  if (!r) return undefined;
  return { ...taskOf(r as Record<string, unknown>), agencyName: (r.agency_name as string | null) ?? null };
}

/**
 * Closes an open compliance task with its outcome, the row locked: the task before and after, `closed` when it
 * was closed already, undefined when there is none.
 */
export async function closeComplianceTask(
  trx: Db,
  id: string,
  c: { outcome: string; by: { type: string; id: string } },
): Promise<{ before: ComplianceTask; after: ComplianceTask } | 'closed' | undefined> {
  const row = await trx('reception_compliance_tasks').where({ id }).forUpdate().first();
  if (!row) return undefined;
  const before = taskOf(row as Record<string, unknown>);
  if (before.status === 'closed') return 'closed';
  const [after] = await trx('reception_compliance_tasks')
    .where({ id })
    .update({ status: 'closed', closed_at: trx.fn.now(), closed_by: JSON.stringify(c.by), outcome: c.outcome })
    .returning('*');
  return { before, after: taskOf(after as Record<string, unknown>) };
}

/** Inserts the task unless one exists for the agency, rule and period: the new task, or undefined. */
export async function insertComplianceTask(trx: Db, t: NewComplianceTask): Promise<ComplianceTask | undefined> {
  const rows = await trx('reception_compliance_tasks')
    .insert({
      id: `rct_${randomBytes(8).toString('hex')}`,
      agency_id: t.agencyId,
      supervising_agency_id: t.supervisingAgencyId,
      leader_person_id: t.leaderPersonId,
      rule_id: t.ruleId,
      citation: t.citation,
      period_first: t.periodFirst,
      period_last: t.periodLast,
      required_days: t.requiredDays,
      held_days: t.heldDays,
      delegated_days: t.delegatedDays,
      recipients: t.recipients,
    })
    .onConflict(['agency_id', 'rule_id', 'period_first'])
    .ignore()
    .returning('*');
  return rows[0] ? taskOf(rows[0] as Record<string, unknown>) : undefined;
}

/** The task of an agency, rule and period (the one {@link insertComplianceTask} would not insert again). */
export async function findComplianceTask(
  db: Db,
  k: { agencyId: string; ruleId: string; periodFirst: string },
): Promise<ComplianceTask | undefined> {
  const r = await db('reception_compliance_tasks')
    .where({ agency_id: k.agencyId, rule_id: k.ruleId, period_first: k.periodFirst })
    .first();
  return r ? taskOf(r as Record<string, unknown>) : undefined;
}

/**
 * Compliance tasks owned by `agencies`: supervised from them (a root's own task, by itself), newest first (keyset on
 * created_at, id). The level that reads and closes a task (scope `owned`) is the one that lists it: the agency that
 * fell short sees its shortfall in the compliance figures, not as a task it could neither open nor close.
 */
export async function listComplianceTasks(
  db: Db,
  q: { agencies: readonly string[]; status?: 'open' | 'closed'; after?: { k: string; id: string }; limit: number },
): Promise<Array<ComplianceTask & { sortKey: string }>> {
  const sel = db('reception_compliance_tasks')
    .whereRaw('COALESCE(supervising_agency_id, agency_id) = ANY(?::text[])', [[...q.agencies]])
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(q.limit)
    .select('*', db.raw('created_at::text AS sort_key'));
  if (q.status) sel.where('status', q.status);
  if (q.after) sel.whereRaw('(created_at, id) < (?::timestamptz, ?)', [q.after.k, q.after.id]);
  return (await sel).map((r: Record<string, unknown>) => ({ ...taskOf(r), sortKey: r.sort_key as string }));
}
