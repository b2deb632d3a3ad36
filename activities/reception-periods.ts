/**
 * Activities of a special period's workflow (workflows/reception-period.ts, ADR 0035): its plan, and the
 * tasks of a day — a daily report per agency concerned (at the start of the day), a late report escalated
 * to the agency above (at the due time), a duty-roster gap for tomorrow (the day before). Idempotent: a task
 * exists at most once per period, kind, agency concerned and day. An escalation and a roster gap are
 * audited and emitted to the outbox in the same transaction as the task.
 */
import { Context } from '@temporalio/activity';
import { appendAudit } from '../db/audit.js';
import { appendEvents, registerEventType } from '../db/events.js';
import type { Db } from '../db/knex.js';
import { createReceptionPeriodStore } from '../db/reception-periods.js';
import { startPeriodWorkflow } from '../reception/period-workflows.js';
import { periodPlan, rosterGaps, vnAt } from '../reception/periods.js';
import { vnDate } from '../workflows/clock/vn-time.js';
import {
  PERIOD_REPORT_LATE_EVENT,
  PERIOD_ROSTER_GAP_EVENT,
  type PeriodPlan,
  type PeriodReconcileResult,
} from '../workflows/reception-period-contract.js';

registerEventType(PERIOD_REPORT_LATE_EVENT);
registerEventType(PERIOD_ROSTER_GAP_EVENT);

const SYSTEM = { type: 'system', id: 'reception-period', agency: null };

export function createReceptionPeriodActivities(deps: { db: Db }) {
  const { db } = deps;
  const store = createReceptionPeriodStore(db);
  /** The period when active and `date` is one of its days; else undefined (nothing to do). */
  const activeOn = async (periodId: string, date: string) => {
    const p = await store.get(periodId);
    return p && p.status === 'active' && p.startsOn <= date && date <= p.endsOn ? p : undefined;
  };
  const parentOf = async (agencyId: string): Promise<string | null> => {
    const r = (await db('agencies').where({ id: agencyId }).first('parent_id')) as { parent_id: string | null };
    return r?.parent_id ?? null;
  };
  return {
    /**
     * The reconciler: starts the workflow of each active, unfinished period whose start was never recorded
     * (at most 500 a run; the next run takes the rest). A workflow that exists is not started again.
     */
    async startLostPeriodWorkflows(p: { olderThanSeconds: number }): Promise<PeriodReconcileResult> {
      const ctx = Context.current();
      const ids = await store.unstarted({
        today: vnDate(Date.now()),
        olderThanSeconds: p.olderThanSeconds,
        limit: 500,
      });
      let started = 0;
      for (const id of ids) {
        if (await startPeriodWorkflow({ db, client: ctx.client, taskQueue: ctx.info.taskQueue }, id)) started++;
        ctx.heartbeat(id);
      }
      return { found: ids.length, started };
    },

    async receptionPeriodPlan(p: { periodId: string }): Promise<PeriodPlan> {
      return periodPlan(db, await store.get(p.periodId));
    },

    /** A "daily report" task for each agency concerned that has not reported the day yet. */
    async openDailyReportTasks(p: { periodId: string; date: string }): Promise<{ opened: number }> {
      const period = await activeOn(p.periodId, p.date);
      if (!period) return { opened: 0 };
      const submitted = new Set((await store.reportsOn(period.id, p.date)).map((r) => r.agencyId));
      const dueAt = new Date(vnAt(p.date, period.reportDueTime)).toISOString();
      let opened = 0;
      for (const agencyId of period.agencies) {
        if (submitted.has(agencyId)) continue;
        const t = await store.openTask({
          periodId: period.id,
          kind: 'daily_report',
          agencyId,
          subjectAgencyId: agencyId,
          date: p.date,
          dueAt,
          details: { periodName: period.name },
        });
        if (t) opened++;
      }
      return { opened };
    },

    /** At the due time: each report still missing becomes a task of the agency above (escalation). */
    async escalateLateDailyReports(p: { periodId: string; date: string }): Promise<{ escalated: number }> {
      const period = await activeOn(p.periodId, p.date);
      if (!period) return { escalated: 0 };
      const submitted = new Set((await store.reportsOn(period.id, p.date)).map((r) => r.agencyId));
      const dueAt = new Date(vnAt(p.date, period.reportDueTime)).toISOString();
      let escalated = 0;
      for (const agencyId of period.agencies) {
        if (submitted.has(agencyId)) continue;
        const above = (await parentOf(agencyId)) ?? agencyId;
        await db.transaction(async (trx) => {
          const t = await store.openTask(
            {
              periodId: period.id,
              kind: 'daily_report_late',
              agencyId: above,
              subjectAgencyId: agencyId,
              date: p.date,
              dueAt,
              details: { periodName: period.name, reportDueAt: dueAt },
            },
            trx,
          );
          if (!t) return;
          escalated++;
          const data = { taskId: t.id, periodId: period.id, agencyId, escalatedTo: above, date: p.date, dueAt };
          await appendAudit(db, { actor: SYSTEM, action: 'reception.period.report_late', after: data }, trx);
          await appendEvents(trx, [
            { type: PERIOD_REPORT_LATE_EVENT, caseId: null, agencyId: above, time: t.createdAt, data },
          ]);
        });
      }
      return { escalated };
    },

    /** The day before `date`: each agency with a place left without duty staff on `date` gets a task. */
    async checkPeriodRoster(p: { periodId: string; date: string }): Promise<{ gaps: number; opened: number }> {
      const period = await activeOn(p.periodId, p.date);
      if (!period) return { gaps: 0, opened: 0 };
      const gaps = await rosterGaps(db, store, period, period.agencies, p.date, p.date);
      const byAgency = new Map<string, string[]>();
      for (const g of gaps) byAgency.set(g.agencyId, [...(byAgency.get(g.agencyId) ?? []), g.placeId]);
      let opened = 0;
      for (const [agencyId, places] of byAgency) {
        await db.transaction(async (trx) => {
          const t = await store.openTask(
            {
              periodId: period.id,
              kind: 'duty_roster_gap',
              agencyId,
              subjectAgencyId: agencyId,
              date: p.date,
              dueAt: new Date(vnAt(p.date, '00:00')).toISOString(),
              details: { periodName: period.name, places },
            },
            trx,
          );
          if (!t) return;
          opened++;
          const data = { taskId: t.id, periodId: period.id, agencyId, date: p.date, places };
          await appendAudit(db, { actor: SYSTEM, action: 'reception.period.roster_gap', after: data }, trx);
          await appendEvents(trx, [{ type: PERIOD_ROSTER_GAP_EVENT, caseId: null, agencyId, time: t.createdAt, data }]);
        });
      }
      return { gaps: gaps.length, opened };
    },
  };
}

export type ReceptionPeriodActivities = ReturnType<typeof createReceptionPeriodActivities>;
