/**
 * A special period on the time-skipping server (issue 14.5, ADR 0035): three working days (a rest day in
 * between gets nothing). Each day the workflow checks tomorrow's roster the day before, opens a report task
 * per agency at the start of the day and, at the due time, escalates a missing report to the agency above —
 * here the commune that does not report on the second day. After the last day the workflow ends and no task
 * is opened any more.
 */
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  RECEPTION_PERIOD_WORKFLOW,
  type PeriodPlan,
  type PeriodWorkflowResult,
} from '../../workflows/reception-period-contract.js';
import { skipTime, withWorker } from '../support/process.js';
import { timeSkippingEnv } from '../support/temporal.js';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await timeSkippingEnv();
}, 60_000);
afterAll(async () => {
  await env?.teardown();
});

const DAY = 86_400_000;
const HOUR = 3_600_000;
const VN = 7 * HOUR;
const vnDay = (ms: number) => new Date(ms + VN).toISOString().slice(0, 10);

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (ok()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('receptionPeriodWorkflow over a 3-working-day period', () => {
  it('opens report tasks each day, escalates the late one to the agency above, and stops after the period', async () => {
    const agencies = ['so-a', 'xa-b'];
    const parent = 'tinh';
    const submitted = new Set<string>();
    const tasks: Array<{ kind: string; agencyId: string; subject: string; date: string }> = [];
    const rosterChecks: string[] = [];
    let plan: PeriodPlan = { status: 'active', days: [] };
    const activities = {
      async receptionPeriodPlan(): Promise<PeriodPlan> {
        return plan;
      },
      async openDailyReportTasks(p: { date: string }) {
        let opened = 0;
        for (const a of agencies)
          if (
            !submitted.has(`${a}|${p.date}`) &&
            !tasks.some((t) => t.kind === 'daily_report' && t.subject === a && t.date === p.date)
          ) {
            tasks.push({ kind: 'daily_report', agencyId: a, subject: a, date: p.date });
            opened++;
          }
        return { opened };
      },
      async escalateLateDailyReports(p: { date: string }) {
        let escalated = 0;
        for (const a of agencies)
          if (!submitted.has(`${a}|${p.date}`)) {
            tasks.push({ kind: 'daily_report_late', agencyId: parent, subject: a, date: p.date });
            escalated++;
          }
        return { escalated };
      },
      async checkPeriodRoster(p: { date: string }) {
        rosterChecks.push(p.date);
        return { gaps: 0, opened: 0 };
      },
    };

    await withWorker(env, activities, async (taskQueue) => {
      const client = new Client({ connection: env.connection });
      const now = await env.currentTimeMs();
      // Day 1 starts at the next Vietnam midnight; day 3 is a rest day (not in the plan); due time 16:00.
      const midnight = Math.ceil((now + VN) / DAY) * DAY - VN;
      const starts = [midnight, midnight + DAY, midnight + 3 * DAY];
      plan = {
        status: 'active',
        days: starts.map((s) => ({
          date: vnDay(s),
          opensAt: s,
          dueAt: s + 16 * HOUR,
          rosterCheckAt: s - 10 * HOUR,
        })),
      };
      const [d1, d2, d4] = plan.days.map((d) => d.date) as [string, string, string];
      const handle = await client.workflow.start(RECEPTION_PERIOD_WORKFLOW, {
        taskQueue,
        workflowId: `reception-period-test-${now}`,
        args: [{ periodId: 'rpd_0000000000000001' }],
      });
      const at = async (ms: number) => {
        const t = await env.currentTimeMs();
        if (ms > t) await skipTime(env, ms - t);
      };
      const of = (date: string, kind: string) => tasks.filter((t) => t.date === date && t.kind === kind);

      // Day 1: both report in time.
      await at(starts[0]! + 60_000);
      await until('day 1 tasks', () => of(d1, 'daily_report').length === 2);
      expect(rosterChecks).toContain(d1);
      submitted.add(`so-a|${d1}`).add(`xa-b|${d1}`);
      await at(starts[0]! + 17 * HOUR);
      // Day 2: only the department reports; the commune is late → a task for the province.
      await at(starts[1]! + 60_000);
      await until('day 2 tasks', () => of(d2, 'daily_report').length === 2);
      submitted.add(`so-a|${d2}`);
      await at(starts[1]! + 16 * HOUR + 60_000);
      await until('escalation', () => of(d2, 'daily_report_late').length === 1);
      expect(of(d2, 'daily_report_late')).toEqual([
        { kind: 'daily_report_late', agencyId: 'tinh', subject: 'xa-b', date: d2 },
      ]);
      expect(of(d1, 'daily_report_late')).toEqual([]);
      // The rest day in between: nothing.
      const restDay = vnDay(starts[1]! + DAY);
      await at(starts[1]! + DAY + 12 * HOUR);
      expect(tasks.filter((t) => t.date === restDay)).toEqual([]);
      // Day 3 (the last working day): both in time, then the workflow ends.
      await at(starts[2]! + 60_000);
      await until('last day tasks', () => of(d4, 'daily_report').length === 2);
      submitted.add(`so-a|${d4}`).add(`xa-b|${d4}`);
      await at(starts[2]! + 17 * HOUR);
      const result = (await handle.result()) as PeriodWorkflowResult;
      expect(result.status).toBe('ended');
      expect(result.done).toHaveLength(9);
      const count = tasks.length;
      await skipTime(env, 3 * DAY);
      expect(tasks).toHaveLength(count);
      expect(tasks.filter((t) => t.kind === 'daily_report_late')).toHaveLength(1);
      expect(rosterChecks).toEqual([d1, d2, d4]);
    });
  }, 240_000);

  it('a cancelled period ends its workflow at once (the change signal re-plans)', async () => {
    let status: PeriodPlan['status'] = 'active';
    const opened: string[] = [];
    const base = await env.currentTimeMs();
    const activities = {
      async receptionPeriodPlan(): Promise<PeriodPlan> {
        const day = {
          date: '2099-01-05',
          opensAt: base + 5 * DAY,
          dueAt: base + 6 * DAY,
          rosterCheckAt: base + 4 * DAY,
        };
        return status === 'active' ? { status, days: [day] } : { status, days: [] };
      },
      async openDailyReportTasks(p: { date: string }) {
        opened.push(p.date);
        return { opened: 1 };
      },
      async escalateLateDailyReports() {
        return { escalated: 0 };
      },
      async checkPeriodRoster() {
        return { gaps: 0, opened: 0 };
      },
    };
    await withWorker(env, activities, async (taskQueue) => {
      const client = new Client({ connection: env.connection });
      const handle = await client.workflow.start(RECEPTION_PERIOD_WORKFLOW, {
        taskQueue,
        workflowId: `reception-period-cancel-${Date.now()}`,
        args: [{ periodId: 'rpd_0000000000000002' }],
      });
      await skipTime(env, DAY);
      status = 'cancelled';
      await handle.signal('receptionPeriodChanged');
      expect(((await handle.result()) as PeriodWorkflowResult).status).toBe('cancelled');
      expect(opened).toEqual([]);
    });
  }, 120_000);
});
