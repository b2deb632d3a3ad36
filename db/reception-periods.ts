/**
 * Special periods (issue 14.5, ADR 0035): the period with its agencies, the duty roster, the daily reports,
 * the tasks the period workflow opens and the cases flagged as concerning congress personnel. SQL only; the
 * rules (who may declare what, which days count) are in api/services/reception-periods.ts and
 * activities/reception-periods.ts.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from './knex.js';
import { day, iso, isoOrNull, str } from './rows.js';
import { resolveTaskTargets } from './case-states.js';

export const PERIOD_KINDS = [
  'party_congress',
  'national_assembly_session',
  'election',
  'national_event',
  'other',
] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];
export const PERIOD_TASK_KINDS = ['daily_report', 'daily_report_late', 'duty_roster_gap'] as const;
export type PeriodTaskKind = (typeof PERIOD_TASK_KINDS)[number];

export interface Period {
  id: string;
  name: string;
  kind: PeriodKind;
  startsOn: string;
  endsOn: string;
  governingAgencyId: string;
  designatedAgencyId: string;
  flaggedTargetDays: number;
  reportDueTime: string;
  status: 'active' | 'cancelled';
  sequence: number;
  cancelReason: string | null;
  /** The agencies concerned (the subtrees named at creation, expanded), sorted. */
  agencies: string[];
  createdBy: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface PeriodRow {
  id: string;
  name: string;
  kind: PeriodKind;
  starts_on: string;
  ends_on: string;
  governing_agency_id: string;
  designated_agency_id: string;
  flagged_target_days: number;
  report_due_time: string;
  created_by: string;
}

export interface DutyEntry {
  placeId: string;
  placeName: string;
  agencyId: string;
  date: string;
  personId: string;
  personName: string;
}

export interface PeriodReport {
  periodId: string;
  agencyId: string;
  date: string;
  visits: number;
  people: number;
  delegations: number;
  incidents: number;
  note: string | null;
  late: boolean;
  submittedAt: string;
  submittedBy: Record<string, unknown>;
}

export interface PeriodTask {
  id: string;
  periodId: string;
  kind: PeriodTaskKind;
  agencyId: string;
  subjectAgencyId: string;
  date: string;
  dueAt: string | null;
  details: Record<string, unknown>;
  status: 'open' | 'closed';
  closedReason: string | null;
  createdAt: string;
  closedAt: string | null;
}

export interface PeriodFlag {
  periodId: string;
  periodName: string;
  caseId: string;
  routedToAgencyId: string;
  fromAgencyId: string | null;
  receivedOn: string | null;
  internalTargetOn: string;
  targetDays: number;
  source: string;
  flaggedAt: string;
}

function periodOf(r: Record<string, unknown>, agencies: string[]): Period {
  return {
    id: r.id as string,
    name: r.name as string,
    kind: r.kind as PeriodKind,
    startsOn: day(r.starts_on),
    endsOn: day(r.ends_on),
    governingAgencyId: r.governing_agency_id as string,
    designatedAgencyId: r.designated_agency_id as string,
    flaggedTargetDays: r.flagged_target_days as number,
    reportDueTime: r.report_due_time as string,
    status: r.status as Period['status'],
    sequence: r.sequence as number,
    cancelReason: str(r.cancel_reason),
    agencies,
    createdBy: r.created_by as Record<string, unknown>,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

function taskOf(r: Record<string, unknown>): PeriodTask {
  return {
    id: r.id as string,
    periodId: r.period_id as string,
    kind: r.kind as PeriodTaskKind,
    agencyId: r.agency_id as string,
    subjectAgencyId: r.subject_agency_id as string,
    date: day(r.task_date),
    dueAt: isoOrNull(r.due_at),
    details: (r.details as Record<string, unknown>) ?? {},
    status: r.status as PeriodTask['status'],
    closedReason: str(r.closed_reason),
    createdAt: iso(r.created_at),
    closedAt: isoOrNull(r.closed_at),
  };
}

function reportOf(r: Record<string, unknown>): PeriodReport {
  return {
    periodId: r.period_id as string,
    agencyId: r.agency_id as string,
    date: day(r.report_date),
    visits: r.visits as number,
    people: r.people as number,
    delegations: r.delegations as number,
    incidents: r.incidents as number,
    note: str(r.note),
    late: r.late as boolean,
    submittedAt: iso(r.submitted_at),
    submittedBy: r.submitted_by as Record<string, unknown>,
  };
}

export function createReceptionPeriodStore(db: Db) {
  async function agenciesOf(periodId: string, trx: Db = db): Promise<string[]> {
    const rows = (await trx('reception_period_agencies')
      .where({ period_id: periodId })
      .orderBy('agency_id')
      .select('agency_id')) as Array<{ agency_id: string }>;
    return rows.map((r) => r.agency_id);
  }
  return {
    newId: () => `rpd_${randomBytes(8).toString('hex')}`,
    async get(id: string, trx: Db = db): Promise<Period | undefined> {
      const r = (await trx('reception_periods').where({ id }).first()) as Record<string, unknown> | undefined;
      return r ? periodOf(r, await agenciesOf(id, trx)) : undefined;
    },
    /** Records that the period's workflow was started (once: the first time counts). */
    async markWorkflowStarted(id: string, trx: Db = db): Promise<void> {
      await trx('reception_periods').where({ id }).whereNull('workflow_started_at').update({
        workflow_started_at: trx.fn.now(),
      });
    },
    /**
     * Active periods not yet ended on `today` whose workflow start was never recorded, declared more than
     * `olderThanSeconds` ago (the API starts a new period's workflow right after its commit), oldest first.
     */
    async unstarted(q: { today: string; olderThanSeconds: number; limit: number }, trx: Db = db): Promise<string[]> {
      const rows = (await trx('reception_periods')
        .whereNull('workflow_started_at')
        .where('status', 'active')
        .where('ends_on', '>=', q.today)
        .whereRaw('created_at <= now() - make_interval(secs => ?)', [q.olderThanSeconds])
        .orderBy([{ column: 'created_at' }, { column: 'id' }])
        .limit(q.limit)
        .select('id')) as Array<{ id: string }>;
      return rows.map((r) => r.id);
    },
    /** The period locked for a change (FOR UPDATE). */
    async lock(id: string, trx: Db): Promise<Period | undefined> {
      await trx('reception_periods').where({ id }).forUpdate().first('id');
      return this.get(id, trx);
    },
    async insert(row: PeriodRow, agencies: readonly string[], trx: Db): Promise<void> {
      await trx('reception_periods').insert(row);
      await trx('reception_period_agencies').insert(agencies.map((a) => ({ period_id: row.id, agency_id: a })));
    },
    /** Applies `patch` (and replaces the agencies when given), bumps `sequence`; the period after. */
    async update(
      id: string,
      patch: Partial<Omit<PeriodRow, 'id' | 'created_by'>> & { status?: string; cancel_reason?: string },
      agencies: readonly string[] | undefined,
      trx: Db,
    ): Promise<Period> {
      await trx('reception_periods')
        .where({ id })
        .update({ ...patch, sequence: trx.raw('sequence + 1'), updated_at: trx.fn.now() });
      if (agencies) {
        await trx('reception_period_agencies').where({ period_id: id }).delete();
        await trx('reception_period_agencies').insert(agencies.map((a) => ({ period_id: id, agency_id: a })));
      }
      return (await this.get(id, trx))!;
    },
    /** Who a period is visible to: its governing agency and the agencies concerned. */
    async ownerOf(id: string): Promise<{ governingAgencyId: string; agencies: string[] } | undefined> {
      const r = (await db('reception_periods').where({ id }).first('governing_agency_id')) as
        { governing_agency_id: string } | undefined;
      return r ? { governingAgencyId: r.governing_agency_id, agencies: await agenciesOf(id) } : undefined;
    },
    /** Periods governed by or concerning an agency of `agencies`, latest start first (keyset on start, id). */
    async list(q: {
      agencies: readonly string[];
      status?: string;
      activeOn?: string;
      after?: { k: string; id: string };
      limit: number;
    }): Promise<Period[]> {
      const sel = db('reception_periods as p')
        .where((w) =>
          w.whereIn('p.governing_agency_id', [...q.agencies]).orWhereExists(
            db('reception_period_agencies as pa')
              .whereRaw('pa.period_id = p.id')
              .whereIn('pa.agency_id', [...q.agencies]),
          ),
        )
        .orderBy([
          { column: 'p.starts_on', order: 'desc' },
          { column: 'p.id', order: 'desc' },
        ])
        .limit(q.limit)
        .select('p.*');
      if (q.status) sel.where('p.status', q.status);
      if (q.activeOn) sel.where('p.starts_on', '<=', q.activeOn).where('p.ends_on', '>=', q.activeOn);
      if (q.after) sel.whereRaw('(p.starts_on, p.id) < (?::date, ?)', [q.after.k, q.after.id]);
      const rows = (await sel) as Array<Record<string, unknown>>;
      return Promise.all(rows.map(async (r) => periodOf(r, await agenciesOf(r.id as string))));
    },
    /** The active period concerning `agencyId` on `day` (the latest declared when several overlap). */
    async activeFor(agencyId: string, day: string, trx: Db = db): Promise<Period | undefined> {
      const r = (await trx('reception_periods as p')
        .join('reception_period_agencies as pa', 'pa.period_id', 'p.id')
        .where({ 'pa.agency_id': agencyId, 'p.status': 'active' })
        .where('p.starts_on', '<=', day)
        .where('p.ends_on', '>=', day)
        .orderBy([
          { column: 'p.created_at', order: 'desc' },
          { column: 'p.id', order: 'desc' },
        ])
        .first('p.*')) as Record<string, unknown> | undefined;
      return r ? periodOf(r, await agenciesOf(r.id as string, trx)) : undefined;
    },

    /** Active reception places of `agencies`. */
    async places(
      agencies: readonly string[],
      trx: Db = db,
    ): Promise<Array<{ id: string; name: string; agencyId: string }>> {
      const rows = (await trx('reception_places')
        .whereIn('agency_id', [...agencies])
        .where({ active: true })
        .orderBy(['agency_id', 'id'])
        .select('id', 'name', 'agency_id')) as Array<{ id: string; name: string; agency_id: string }>;
      return rows.map((r) => ({ id: r.id, name: r.name, agencyId: r.agency_id }));
    },
    async place(id: string, trx: Db = db): Promise<{ agencyId: string; active: boolean } | undefined> {
      const r = (await trx('reception_places').where({ id }).first('agency_id', 'active')) as
        { agency_id: string; active: boolean } | undefined;
      return r ? { agencyId: r.agency_id, active: r.active } : undefined;
    },
    /** Of `personIds`, those who are not active staff of `agencyId`. */
    async notStaffOf(personIds: readonly string[], agencyId: string, trx: Db = db): Promise<string[]> {
      const rows = (await trx('agency_staff as s')
        .join('people as p', 'p.id', 's.person_id')
        .where({ 's.agency_id': agencyId, 'p.active': true })
        .whereIn('s.person_id', [...personIds])
        .select('s.person_id')) as Array<{ person_id: string }>;
      const ok = new Set(rows.map((r) => r.person_id));
      return personIds.filter((p) => !ok.has(p));
    },
    /** Replaces the duty staff of a place on a day. */
    async setDuty(
      periodId: string,
      placeId: string,
      date: string,
      personIds: readonly string[],
      by: string,
      trx: Db,
    ): Promise<void> {
      await trx('reception_duty_roster').where({ period_id: periodId, place_id: placeId, duty_date: date }).delete();
      if (personIds.length > 0)
        await trx('reception_duty_roster').insert(
          personIds.map((p) => ({
            period_id: periodId,
            place_id: placeId,
            duty_date: date,
            person_id: p,
            created_by: by,
          })),
        );
    },
    /** Roster entries of the period for places of `agencies` between two days, by day, place, person. */
    async roster(periodId: string, agencies: readonly string[], from: string, to: string): Promise<DutyEntry[]> {
      const rows = (await db('reception_duty_roster as r')
        .join('reception_places as pl', 'pl.id', 'r.place_id')
        .join('people as p', 'p.id', 'r.person_id')
        .where('r.period_id', periodId)
        .whereIn('pl.agency_id', [...agencies])
        .whereBetween('r.duty_date', [from, to])
        .orderBy([{ column: 'r.duty_date' }, { column: 'r.place_id' }, { column: 'r.person_id' }])
        .select(
          'r.place_id',
          'pl.name as place_name',
          'pl.agency_id',
          'r.duty_date',
          'r.person_id',
          'p.display_name',
        )) as Array<Record<string, unknown>>;
      return rows.map((r) => ({
        placeId: r.place_id as string,
        placeName: r.place_name as string,
        agencyId: r.agency_id as string,
        date: day(r.duty_date),
        personId: r.person_id as string,
        personName: r.display_name as string,
      }));
    },

    async report(periodId: string, agencyId: string, date: string, trx: Db = db): Promise<PeriodReport | undefined> {
      const r = (await trx('reception_period_reports')
        .where({ period_id: periodId, agency_id: agencyId, report_date: date })
        .first()) as Record<string, unknown> | undefined;
      return r ? reportOf(r) : undefined;
    },
    async reportsOn(periodId: string, date: string): Promise<PeriodReport[]> {
      const rows = (await db('reception_period_reports')
        .where({ period_id: periodId, report_date: date })
        .orderBy('agency_id')) as Array<Record<string, unknown>>;
      return rows.map(reportOf);
    },
    async upsertReport(
      r: Omit<PeriodReport, 'submittedAt' | 'submittedBy'> & { submittedBy: unknown },
      trx: Db,
    ): Promise<PeriodReport> {
      const row = {
        period_id: r.periodId,
        agency_id: r.agencyId,
        report_date: r.date,
        visits: r.visits,
        people: r.people,
        delegations: r.delegations,
        incidents: r.incidents,
        note: r.note,
        late: r.late,
        submitted_by: JSON.stringify(r.submittedBy),
      };
      await trx('reception_period_reports')
        .insert(row)
        .onConflict(['period_id', 'agency_id', 'report_date'])
        .merge({ ...row, updated_at: trx.fn.now(), submitted_at: trx.fn.now() });
      return (await this.report(r.periodId, r.agencyId, r.date, trx))!;
    },
    /** Visits recorded at `agencies`' sessions of `date`: counts per agency (the daily report's pre-fill). */
    async visitCounts(
      agencies: readonly string[],
      date: string,
    ): Promise<Map<string, { visits: number; people: number; delegations: number }>> {
      const rows = (await db('reception_visits as v')
        .join('reception_sessions as s', 's.id', 'v.session_id')
        .whereIn('s.agency_id', [...agencies])
        .where('s.session_date', date)
        .groupBy('s.agency_id')
        .select(
          's.agency_id',
          db.raw('count(*)::int as visits'),
          db.raw('coalesce(sum(v.people_count), 0)::int as people'),
          db.raw('(count(*) filter (where v.is_delegation))::int as delegations'),
        )) as Array<{ agency_id: string; visits: number; people: number; delegations: number }>;
      return new Map(
        rows.map((r) => [r.agency_id, { visits: r.visits, people: r.people, delegations: r.delegations }]),
      );
    },

    /** Opens a task unless one of the same period, kind, agency concerned and day exists; the new task or null. */
    async openTask(
      t: Omit<PeriodTask, 'id' | 'status' | 'closedReason' | 'createdAt' | 'closedAt'>,
      trx: Db = db,
    ): Promise<PeriodTask | null> {
      const rows = (await trx('reception_period_tasks')
        .insert({
          id: `rpt_${randomBytes(8).toString('hex')}`,
          period_id: t.periodId,
          kind: t.kind,
          agency_id: t.agencyId,
          subject_agency_id: t.subjectAgencyId,
          task_date: t.date,
          due_at: t.dueAt,
          details: JSON.stringify(t.details),
        })
        .onConflict(['period_id', 'kind', 'subject_agency_id', 'task_date'])
        .ignore()
        .returning('*')) as Array<Record<string, unknown>>;
      return rows[0] ? taskOf(rows[0]) : null;
    },
    /** Closes the open tasks of these kinds for the agency concerned and day; the tasks closed. */
    async closeTasks(
      q: { periodId: string; kinds: readonly PeriodTaskKind[]; subjectAgencyId?: string; date?: string },
      reason: string,
      trx: Db = db,
    ): Promise<PeriodTask[]> {
      const sel = trx('reception_period_tasks')
        .where({ period_id: q.periodId, status: 'open' })
        .whereIn('kind', [...q.kinds]);
      if (q.subjectAgencyId) sel.where('subject_agency_id', q.subjectAgencyId);
      if (q.date) sel.where('task_date', q.date);
      const rows = (await sel
        .update({ status: 'closed', closed_reason: reason, closed_at: trx.fn.now() })
        .returning('*')) as Array<Record<string, unknown>>;
      return rows.map(taskOf);
    },
    /** Tasks of a period worked by or concerning `agencies`, by day then kind. */
    async tasks(q: {
      periodId: string;
      agencies: readonly string[];
      status?: string;
      kind?: string;
      after?: { k: string; id: string };
      limit: number;
    }): Promise<PeriodTask[]> {
      const sel = db('reception_period_tasks')
        .where('period_id', q.periodId)
        .where((w) => w.whereIn('agency_id', [...q.agencies]).orWhereIn('subject_agency_id', [...q.agencies]))
        .orderBy([{ column: 'task_date' }, { column: 'id' }])
        .limit(q.limit);
      if (q.status) sel.where('status', q.status);
      if (q.kind) sel.where('kind', q.kind);
      if (q.after) sel.whereRaw('(task_date, id) > (?::date, ?)', [q.after.k, q.after.id]);
      return ((await sel) as Array<Record<string, unknown>>).map(taskOf);
    },

    async insertFlag(
      f: {
        periodId: string;
        caseId: string;
        routedTo: string;
        fromAgencyId: string;
        receivedOn: string;
        internalTargetOn: string;
        reason: string;
        source: 'intake' | 'officer';
        flaggedBy: unknown;
      },
      trx: Db,
    ): Promise<boolean> {
      const rows = await trx('reception_period_flags')
        .insert({
          period_id: f.periodId,
          case_id: f.caseId,
          routed_to_agency_id: f.routedTo,
          from_agency_id: f.fromAgencyId,
          received_on: f.receivedOn,
          internal_target_on: f.internalTargetOn,
          reason: f.reason,
          source: f.source,
          flagged_by: JSON.stringify(f.flaggedBy),
        })
        .onConflict(['period_id', 'case_id'])
        .ignore()
        .returning('case_id');
      return rows.length > 0;
    },
    async flagsOfCase(caseId: string, trx: Db = db): Promise<PeriodFlag[]> {
      const rows = (await trx('reception_period_flags as f')
        .join('reception_periods as p', 'p.id', 'f.period_id')
        .where('f.case_id', caseId)
        .orderBy([{ column: 'f.flagged_at' }, { column: 'f.period_id' }])
        .select('f.*', 'p.name as period_name', 'p.flagged_target_days')) as Array<Record<string, unknown>>;
      return rows.map((r) => ({
        periodId: r.period_id as string,
        periodName: r.period_name as string,
        caseId: r.case_id as string,
        routedToAgencyId: r.routed_to_agency_id as string,
        fromAgencyId: (r.from_agency_id as string | null) ?? null,
        receivedOn: r.received_on ? day(r.received_on) : null,
        internalTargetOn: day(r.internal_target_on),
        targetDays: r.flagged_target_days as number,
        source: r.source as string,
        flaggedAt: iso(r.flagged_at),
      }));
    },
    /**
     * Moves a case's read model to another agency (as an agency closure does, ADR 0024): `cases`,
     * `case_states` and its open tasks' target agency re-resolved for the new agency. Only when the case
     * is still at `from`; true when it moved.
     */
    async moveCase(caseId: string, from: string, to: string, trx: Db): Promise<boolean> {
      // The case_states row before `cases`, as the case's projection takes them (its upsert locks the row, then its
      // case_facts trigger the case's facts lock; `cases`' trigger takes that lock too): the route signals the case
      // before this, so its projection may run beside it (activities/agency-closure.ts, the same deadlock).
      await trx('case_states').where({ case_id: caseId }).forUpdate().select('case_id');
      const moved = await trx('cases')
        .where({ id: caseId, agency_id: from })
        .update({ agency_id: to, updated_at: trx.fn.now() })
        .returning('id');
      if (moved.length === 0) return false;
      await trx('case_states').where({ case_id: caseId }).update({ agency_id: to });
      const tasks = (await trx('case_tasks')
        .where({ case_id: caseId, status: 'open' })
        .select('task_id', 'agency_scope')) as Array<{ task_id: string; agency_scope: string }>;
      if (tasks.length > 0) {
        const targets = await resolveTaskTargets(
          trx,
          to,
          tasks.map((t) => t.agency_scope),
        );
        for (const t of tasks)
          await trx('case_tasks')
            .where({ case_id: caseId, task_id: t.task_id })
            .update({ target_agency_id: targets[t.agency_scope] ?? to });
      }
      return true;
    },
  };
}

export type ReceptionPeriodStore = ReturnType<typeof createReceptionPeriodStore>;
