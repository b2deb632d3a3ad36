/**
 * A month and more of compliance checks on the time-skipping server (issue 14.4, ADR 0029): the workflow
 * the Temporal Schedules start each Monday and on the 1st at 01:00 Vietnam time checks, from its own
 * clock, the ISO week that ended the day before and the month that ended — every week once, contiguous,
 * and each month once — and a repeated run of a period is a no-op for the (idempotent) activity.
 */
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  RECEPTION_COMPLIANCE_SCHEDULES,
  RECEPTION_COMPLIANCE_WORKFLOW,
  type ComplianceCheckResult,
  type ReceptionComplianceInput,
} from '../../workflows/reception-compliance-contract.js';
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
const VN = 7 * 3_600_000;
const vnDay = (ms: number) => new Date(ms + VN).toISOString().slice(0, 10);
const addDays = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);

describe('receptionComplianceWorkflow over five weeks of schedule triggers', () => {
  it('checks every week that ended and each month that ended, once each', async () => {
    const calls: Array<{ period: string; first: string }> = [];
    const opened = new Set<string>();
    const activities = {
      async checkReceptionCompliance(
        p: { period: 'month'; month: string } | { period: 'week'; first: string },
      ): Promise<ComplianceCheckResult> {
        const first = p.period === 'month' ? `${p.month}-01` : p.first;
        calls.push({ period: p.period, first });
        // As the real activity: one task per agency, rule and period (here one short commune).
        const key = `ubnd-xa-b|${p.period}|${first}`;
        const isNew = !opened.has(key);
        opened.add(key);
        return { period: p.period, first, last: first, agencies: 1, shortfalls: 1, opened: isNew ? 1 : 0 };
      },
    };
    expect(RECEPTION_COMPLIANCE_SCHEDULES.map((s) => s.cron)).toEqual(['0 1 1 * *', '0 1 * * 1']);
    await withWorker(env, activities, async (taskQueue) => {
      // A plain client: time moves only when the test skips it (env.client would let the server jump ahead
      // while it waits for a result).
      const client = new Client({ connection: env.connection });
      const run = (input: ReceptionComplianceInput, id: string) =>
        client.workflow.execute(RECEPTION_COMPLIANCE_WORKFLOW, {
          taskQueue,
          workflowId: id,
          args: [input],
        }) as Promise<ComplianceCheckResult>;
      // To the next 01:00 Vietnam time.
      const now = await env.currentTimeMs();
      const next1am = Math.ceil((now + VN - 3_600_000) / DAY) * DAY - VN + 3_600_000 + 60_000;
      await skipTime(env, next1am - now);
      const start = await env.currentTimeMs();
      const startDay = vnDay(start);
      let monthlyRuns = 0;
      // Day by day for 38 days; the server's clock is moved on only to the days a schedule fires.
      let pending = 0;
      for (let i = 0; i < 38; i++, pending += DAY) {
        const d = vnDay(start + i * DAY);
        const dow = new Date(`${d}T00:00:00Z`).getUTCDay();
        if (dow !== 1 && !d.endsWith('-01')) continue;
        if (pending > 0) await skipTime(env, pending);
        pending = 0;
        expect(vnDay(await env.currentTimeMs())).toBe(d);
        if (dow === 1) {
          const r = await run({ period: 'week' }, `weekly-${d}`);
          expect(r.first).toBe(addDays(d, -7));
          expect(r.opened).toBe(1);
          // The schedule's catch-up or a manual re-run of the same period opens nothing.
          expect((await run({ period: 'week', first: r.first }, `weekly-again-${d}`)).opened).toBe(0);
        }
        if (d.endsWith('-01')) {
          monthlyRuns++;
          const r = await run({ period: 'month' }, `monthly-${d}`);
          const prev = new Date(Date.parse(`${d}T00:00:00Z`) - DAY).toISOString().slice(0, 7);
          expect(r.first).toBe(`${prev}-01`);
        }
      }
      const weeks = calls.filter((c) => c.period === 'week').map((c) => c.first);
      const unique = [...new Set(weeks)];
      expect(unique.length).toBeGreaterThanOrEqual(5);
      for (let i = 1; i < unique.length; i++) expect(unique[i]).toBe(addDays(unique[i - 1]!, 7));
      expect(unique[0]! >= addDays(startDay, -7)).toBe(true);
      expect(monthlyRuns).toBeGreaterThanOrEqual(1);
      expect(calls.filter((c) => c.period === 'month')).toHaveLength(monthlyRuns);
    });
  }, 240_000);
});
