/**
 * Special periods (issue 14.5, ADR 0035): declare, change and cancel a period (the level that governs the
 * agencies concerned; audited; its workflow started, told of each change), keep its duty roster, take the
 * agencies' daily reports (closing their tasks), and flag a case as concerning congress personnel — recorded
 * with the period active for its agency on receipt, routed to the period's designated agency the way an
 * agency closure moves a case (ADR 0024) and given the period's internal target (not a statutory clock).
 */
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { AuditEntry, AuditInput } from '../../db/audit.js';
import type { CaseRecord } from '../../db/cases.js';
import type { Db } from '../../db/knex.js';
import {
  createReceptionPeriodStore,
  type Period,
  type PeriodKind,
  type PeriodReport,
} from '../../db/reception-periods.js';
import { calendarServiceFor } from '../../calendar/service.js';
import { startPeriodWorkflow } from '../../reception/period-workflows.js';
import { rosterGaps, vnAt, workingDays } from '../../reception/periods.js';
import { caseAgencyChanged } from '../../workflows/directory-contract.js';
import {
  RECEPTION_PERIOD_WORKFLOW,
  periodChanged,
  receptionPeriodWorkflowId,
  type ReceptionPeriodInput,
} from '../../workflows/reception-period-contract.js';
import { vnDate } from '../../workflows/clock/vn-time.js';
import { actorOf, type Principal } from '../auth/principal.js';
import { HttpProblem, problems } from '../problem.js';

export interface Acting {
  principal: Principal;
  requestId: string;
}

export interface NewPeriod {
  name: string;
  kind: PeriodKind;
  startsOn: string;
  endsOn: string;
  governingAgencyId: string;
  /** Each taken with its subtree; all within the governing agency's subtree. */
  agencyIds: string[];
  designatedAgencyId: string;
  flaggedTargetDays: number;
  reportDueTime: string;
}
export type PeriodPatch = Partial<Omit<NewPeriod, 'governingAgencyId'>> & { reason: string };

export interface DailyReportInput {
  visits?: number | undefined;
  people?: number | undefined;
  delegations?: number | undefined;
  incidents: number;
  note?: string | null | undefined;
}

const rejected = (path: string, message: string) =>
  new HttpProblem(422, 'reception-period-rejected', 'The special period request is not valid', `${path}: ${message}`, {
    errors: [{ path, message }],
  });
const cancelledConflict = (id: string) =>
  new HttpProblem(409, 'conflict', 'Conflict', `status: special period ${id} is cancelled`, {
    errors: [{ path: 'status', message: 'cancelled' }],
  });

/** What the audit log keeps of a period. */
const snapshot = (p: Period) => ({
  id: p.id,
  name: p.name,
  kind: p.kind,
  startsOn: p.startsOn,
  endsOn: p.endsOn,
  governingAgencyId: p.governingAgencyId,
  designatedAgencyId: p.designatedAgencyId,
  flaggedTargetDays: p.flaggedTargetDays,
  reportDueTime: p.reportDueTime,
  status: p.status,
  sequence: p.sequence,
  agencies: p.agencies,
});

export interface ReceptionPeriodDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  logger: Logger;
  audit: { append(input: AuditInput, trx?: Db): Promise<AuditEntry> };
  agencies: {
    isWithin(agencyId: string, ancestorId: string): Promise<boolean>;
    subtree(agencyId: string): Promise<string[]>;
    closure(agencyId: string): Promise<{ successorId: string | null } | null>;
  };
}

export function createReceptionPeriodService(deps: ReceptionPeriodDeps) {
  const { db, audit } = deps;
  const store = createReceptionPeriodStore(db);

  /** Checks the agencies against the governing one and expands them to their open subtrees. */
  async function concerned(governing: string, agencyIds: readonly string[], designated: string): Promise<string[]> {
    const all = new Set<string>();
    for (const [i, a] of agencyIds.entries()) {
      if (!(await deps.agencies.isWithin(a, governing)))
        throw rejected(
          `agencyIds.${i}`,
          `${a} is not within ${governing}: a period is declared by the level that governs the agencies it concerns`,
        );
      for (const s of await deps.agencies.subtree(a)) if (!(await deps.agencies.closure(s))) all.add(s);
    }
    if (!(await deps.agencies.isWithin(designated, governing)))
      throw rejected('designatedAgencyId', `${designated} is not within ${governing}`);
    if (await deps.agencies.closure(designated))
      throw rejected('designatedAgencyId', `${designated} is closed (ADR 0024)`);
    return [...all].sort();
  }
  function checkDates(startsOn: string, endsOn: string): void {
    if (endsOn < startsOn) throw rejected('endsOn', `must not be before startsOn ${startsOn}`);
  }

  /** Tells the period's workflow to read the period again; starts it when it is not running. */
  async function tell(periodId: string): Promise<void> {
    await deps.temporal.workflow.signalWithStart(RECEPTION_PERIOD_WORKFLOW, {
      workflowId: receptionPeriodWorkflowId(periodId),
      taskQueue: deps.taskQueue,
      args: [{ periodId } satisfies ReceptionPeriodInput],
      signal: periodChanged,
      signalArgs: [],
    });
    await store.markWorkflowStarted(periodId);
  }

  return {
    store,

    async create(body: NewPeriod, by: Acting): Promise<Period> {
      checkDates(body.startsOn, body.endsOn);
      if (await deps.agencies.closure(body.governingAgencyId))
        throw rejected('governingAgencyId', `${body.governingAgencyId} is closed (ADR 0024)`);
      const agencies = await concerned(body.governingAgencyId, body.agencyIds, body.designatedAgencyId);
      const actor = actorOf(by.principal);
      const period = await db.transaction(async (trx) => {
        const id = store.newId();
        await store.insert(
          {
            id,
            name: body.name,
            kind: body.kind,
            starts_on: body.startsOn,
            ends_on: body.endsOn,
            governing_agency_id: body.governingAgencyId,
            designated_agency_id: body.designatedAgencyId,
            flagged_target_days: body.flaggedTargetDays,
            report_due_time: body.reportDueTime,
            created_by: JSON.stringify(actor),
          },
          agencies,
          trx,
        );
        const p = (await store.get(id, trx))!;
        await audit.append(
          { actor, action: 'reception.period.created', requestId: by.requestId, after: snapshot(p) },
          trx,
        );
        return p;
      });
      // After the commit: the workflow's first activity reads the period. Should this start be lost, the
      // reconciler's schedule starts it (reception/period-workflows.ts); either way it starts once.
      await startPeriodWorkflow({ db, client: deps.temporal, taskQueue: deps.taskQueue }, period.id);
      return period;
    },

    /** Changes a period (a reason is required); its workflow re-plans. A cancelled period cannot change (409). */
    async change(id: string, patch: PeriodPatch, by: Acting): Promise<Period> {
      const after = await db.transaction(async (trx) => {
        const before = await store.lock(id, trx);
        if (!before) throw problems.notFound(`Special period ${id}`);
        if (before.status === 'cancelled') throw cancelledConflict(id);
        checkDates(patch.startsOn ?? before.startsOn, patch.endsOn ?? before.endsOn);
        const agencies =
          patch.agencyIds !== undefined || patch.designatedAgencyId !== undefined
            ? await concerned(
                before.governingAgencyId,
                patch.agencyIds ?? [],
                patch.designatedAgencyId ?? before.designatedAgencyId,
              )
            : undefined;
        const p = await store.update(
          id,
          {
            ...(patch.name !== undefined ? { name: patch.name } : {}),
            ...(patch.kind !== undefined ? { kind: patch.kind } : {}),
            ...(patch.startsOn !== undefined ? { starts_on: patch.startsOn } : {}),
            ...(patch.endsOn !== undefined ? { ends_on: patch.endsOn } : {}),
            ...(patch.designatedAgencyId !== undefined ? { designated_agency_id: patch.designatedAgencyId } : {}),
            ...(patch.flaggedTargetDays !== undefined ? { flagged_target_days: patch.flaggedTargetDays } : {}),
            ...(patch.reportDueTime !== undefined ? { report_due_time: patch.reportDueTime } : {}),
          },
          patch.agencyIds !== undefined ? agencies : undefined,
          trx,
        );
        await audit.append(
          {
            actor: actorOf(by.principal),
            action: 'reception.period.changed',
            requestId: by.requestId,
            before: snapshot(before),
            after: { ...snapshot(p), reason: patch.reason },
          },
          trx,
        );
        return p;
      });
      await tell(id);
      return after;
    },

    /** Cancels a period (kept; its open tasks closed; its workflow ends). Cancelling twice changes nothing. */
    async cancel(id: string, reason: string, by: Acting): Promise<Period> {
      const r = await db.transaction(async (trx) => {
        const before = await store.lock(id, trx);
        if (!before) throw problems.notFound(`Special period ${id}`);
        if (before.status === 'cancelled') return { p: before, changed: false };
        const p = await store.update(id, { status: 'cancelled', cancel_reason: reason }, undefined, trx);
        await store.closeTasks(
          { periodId: id, kinds: ['daily_report', 'daily_report_late', 'duty_roster_gap'] },
          'period cancelled',
          trx,
        );
        await audit.append(
          {
            actor: actorOf(by.principal),
            action: 'reception.period.cancelled',
            requestId: by.requestId,
            before: snapshot(before),
            after: { ...snapshot(p), reason },
          },
          trx,
        );
        return { p, changed: true };
      });
      if (r.changed) {
        try {
          await deps.temporal.workflow.getHandle(receptionPeriodWorkflowId(id)).signal(periodChanged);
        } catch (e) {
          // Not running (already ended): nothing to stop.
          deps.logger.info({ periodId: id, err: String(e) }, 'special period workflow not running on cancel');
        }
      }
      return r.p;
    },

    /** Sets the duty staff of a reception place on a working day of the period (replacing what was there). */
    async setDuty(
      period: Period,
      d: { placeId: string; date: string; personIds: string[] },
      subtree: readonly string[],
      by: Acting,
    ): Promise<{ placeId: string; agencyId: string; date: string; personIds: string[] }> {
      if (period.status === 'cancelled') throw cancelledConflict(period.id);
      const place = await store.place(d.placeId);
      if (!place || !place.active || !period.agencies.includes(place.agencyId) || !subtree.includes(place.agencyId))
        throw rejected('placeId', `no active reception place ${d.placeId} of an agency concerned within your agency`);
      if (d.date < period.startsOn || d.date > period.endsOn)
        throw rejected('date', `must be within the period (${period.startsOn} … ${period.endsOn})`);
      if ((await workingDays(db, d.date, d.date)).length === 0)
        throw rejected('date', `${d.date} is not a working day (public-agency calendar)`);
      const personIds = [...new Set(d.personIds)].sort();
      const strangers = await store.notStaffOf(personIds, place.agencyId);
      if (strangers.length > 0)
        throw rejected('personIds', `not active staff of ${place.agencyId} in the directory: ${strangers.join(', ')}`);
      const actor = actorOf(by.principal);
      await db.transaction(async (trx) => {
        await store.setDuty(period.id, d.placeId, d.date, personIds, JSON.stringify(actor), trx);
        await audit.append(
          {
            actor,
            action: 'reception.period.duty_set',
            requestId: by.requestId,
            after: { periodId: period.id, placeId: d.placeId, agencyId: place.agencyId, date: d.date, personIds },
          },
          trx,
        );
      });
      // The agency's gap task for that day closes once none of its places is left without duty staff.
      const left = await rosterGaps(db, store, period, [place.agencyId], d.date, d.date);
      if (left.length === 0)
        await store.closeTasks(
          { periodId: period.id, kinds: ['duty_roster_gap'], subjectAgencyId: place.agencyId, date: d.date },
          'roster completed',
        );
      return { placeId: d.placeId, agencyId: place.agencyId, date: d.date, personIds };
    },

    gaps: (period: Period, agencies: readonly string[], from: string, to: string) =>
      rosterGaps(db, store, period, agencies, from, to),

    /** Each agency concerned (within `agencies`) on `date`: its report, or missing with the pre-fill. */
    async reportsOn(period: Period, date: string, agencies: readonly string[]) {
      const mine = period.agencies.filter((a) => agencies.includes(a));
      const [reports, counts] = await Promise.all([store.reportsOn(period.id, date), store.visitCounts(mine, date)]);
      const byAgency = new Map(reports.map((r) => [r.agencyId, r]));
      const dueAt = vnAt(date, period.reportDueTime);
      return mine.map((agencyId) => {
        const report = byAgency.get(agencyId) ?? null;
        return {
          agencyId,
          date,
          dueAt: new Date(dueAt).toISOString(),
          status: report ? ('submitted' as const) : ('missing' as const),
          overdue: !report && Date.now() > dueAt,
          report,
          recorded: counts.get(agencyId) ?? { visits: 0, people: 0, delegations: 0 },
        };
      });
    },

    /**
     * An agency's report of a day: visits, people and delegations default to those recorded at its sessions
     * that day; a second submission corrects the first (audited with both). Closes the day's report tasks.
     */
    async submitReport(
      period: Period,
      agencyId: string,
      date: string,
      body: DailyReportInput,
      by: Acting,
    ): Promise<PeriodReport> {
      if (period.status === 'cancelled') throw cancelledConflict(period.id);
      if (!period.agencies.includes(agencyId))
        throw rejected('agencyId', `${agencyId} is not an agency concerned by the period`);
      if (date < period.startsOn || date > period.endsOn)
        throw rejected('date', `must be within the period (${period.startsOn} … ${period.endsOn})`);
      if (date > vnDate(Date.now())) throw rejected('date', 'a day that has not begun cannot be reported');
      const recorded = (await store.visitCounts([agencyId], date)).get(agencyId) ?? {
        visits: 0,
        people: 0,
        delegations: 0,
      };
      const actor = actorOf(by.principal);
      return db.transaction(async (trx) => {
        const before = await store.report(period.id, agencyId, date, trx);
        const r = await store.upsertReport(
          {
            periodId: period.id,
            agencyId,
            date,
            visits: body.visits ?? recorded.visits,
            people: body.people ?? recorded.people,
            delegations: body.delegations ?? recorded.delegations,
            incidents: body.incidents,
            note: body.note ?? null,
            late: before?.late ?? Date.now() > vnAt(date, period.reportDueTime),
            submittedBy: actor,
          },
          trx,
        );
        const closed = await store.closeTasks(
          { periodId: period.id, kinds: ['daily_report', 'daily_report_late'], subjectAgencyId: agencyId, date },
          r.late ? 'report submitted late' : 'report submitted',
          trx,
        );
        await audit.append(
          {
            actor,
            action: before ? 'reception.period.report_corrected' : 'reception.period.report_submitted',
            requestId: by.requestId,
            ...(before ? { before } : {}),
            after: { ...r, submittedBy: undefined, tasksClosed: closed.map((t) => t.id) },
          },
          trx,
        );
        return r;
      });
    },

    /**
     * Flags a case as concerning congress personnel. With a period active for the case's agency on its receipt
     * day: recorded with the period, routed to its designated agency (the case workflow told through
     * `caseAgencyChanged`, the read model moved, `case.agency_moved` audited) and given the internal target
     * (working days from receipt). No period: `{ flag: null }`. The reason stays in the flag row: the audit
     * entry carries ids and dates only (a denouncer's identity never enters the log).
     */
    async flagCase(
      c: CaseRecord,
      f: { reason: string; source: 'intake' | 'officer' },
      by: Acting,
    ): Promise<{ flag: Awaited<ReturnType<typeof store.flagsOfCase>>[number] | null; routed: boolean }> {
      const receivedOn = vnDate(Date.parse(c.receivedAt));
      // A retried intake finds its flag (the case may have moved to the designated agency since).
      const earlier = f.source === 'intake' ? (await store.flagsOfCase(c.id))[0] : undefined;
      if (earlier) return { flag: earlier, routed: false };
      const period = await store.activeFor(c.agencyId, receivedOn);
      if (!period) return { flag: null, routed: false };
      const existing = (await store.flagsOfCase(c.id)).find((x) => x.periodId === period.id);
      if (existing) return { flag: existing, routed: false };
      const target = await calendarServiceFor(db).deadline(receivedOn, period.flaggedTargetDays, 'working_days');
      const to = period.designatedAgencyId;
      const routing = c.agencyId !== to && c.status === 'open';
      const message = {
        agencyId: to,
        fromAgencyId: c.agencyId,
        closureId: `period:${period.id}`,
        reason: 'special period: letter concerning congress personnel',
      };
      if (routing) {
        // First the case itself (as an agency closure does): its next projection uses the new agency.
        try {
          await deps.temporal.workflow.getHandle(c.workflowId).signal(caseAgencyChanged, message);
        } catch (e) {
          deps.logger.warn({ caseId: c.id, err: String(e) }, 'case workflow not told of its routing');
        }
      }
      const actor = actorOf(by.principal);
      const routed = await db.transaction(async (trx) => {
        const fresh = await store.insertFlag(
          {
            periodId: period.id,
            caseId: c.id,
            routedTo: to,
            fromAgencyId: c.agencyId,
            receivedOn,
            internalTargetOn: target.due,
            reason: f.reason,
            source: f.source,
            flaggedBy: actor,
          },
          trx,
        );
        if (!fresh) return false;
        const moved = routing ? await store.moveCase(c.id, c.agencyId, to, trx) : false;
        if (moved)
          await audit.append(
            {
              actor,
              action: 'case.agency_moved',
              caseId: c.id,
              requestId: by.requestId,
              before: { agencyId: c.agencyId },
              after: { agencyId: to, periodId: period.id, reason: message.reason },
            },
            trx,
          );
        await audit.append(
          {
            actor,
            action: 'reception.period.case_flagged',
            caseId: c.id,
            requestId: by.requestId,
            after: {
              periodId: period.id,
              source: f.source,
              routedTo: to,
              receivedOn,
              internalTargetOn: target.due,
              targetDays: period.flaggedTargetDays,
            },
          },
          trx,
        );
        return moved;
      });
      const flag = (await store.flagsOfCase(c.id)).find((x) => x.periodId === period.id) ?? null;
      return { flag, routed };
    },

    /** The internal (non-statutory) targets of a case, to show next to its statutory clocks. */
    async internalClocks(caseId: string, open: boolean) {
      const today = vnDate(Date.now());
      return (await store.flagsOfCase(caseId)).map((f) => ({
        kind: 'internal' as const,
        statutory: false as const,
        label: `Internal target of the special period "${f.periodName}" (letter concerning congress personnel)`,
        periodId: f.periodId,
        routedToAgencyId: f.routedToAgencyId,
        startOn: f.receivedOn,
        days: f.targetDays,
        unit: 'working_days' as const,
        dueOn: f.internalTargetOn,
        dueAt: `${f.internalTargetOn}T23:59:59.999+07:00`,
        overdue: open && today > f.internalTargetOn,
        basis:
          'UNCONFIRMED internal target set by the special period (configuration); the law sets no such limit — ' +
          'the statutory clocks still apply',
      }));
    },
  };
}

export type ReceptionPeriodService = ReturnType<typeof createReceptionPeriodService>;
