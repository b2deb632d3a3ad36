/**
 * The report lifecycle on the time-skipping server (ADR 0032): what the drafting schedule starts at the end
 * of a data period drafts one report per agency and period; the sending deadline passes and the report is
 * escalated once (its message delivered); submitting freezes it; reopening needs a reason and adds a
 * version; a resubmission keeps both. The schedule itself (not supported by the test server) is checked on
 * the dev server in test/integration/reports.int.test.ts. Activities are in-memory here: the SQL side is
 * covered there too.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Client, WorkflowUpdateFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getReportState,
  reopenReport,
  reportDeadlineChanged,
  reportPeriod,
  reportWorkflowId,
  submitReport,
  type ReportKind,
} from '../../workflows/report-contract.js';
import { skipTime, withWorker } from '../support/process.js';
import { timeSkippingEnv } from '../support/temporal.js';

interface FakeReport {
  id: string;
  agencyId: string;
  kind: ReportKind;
  key: string;
  status: string;
  versions: Array<{ version: number; submitted: boolean; reason?: string }>;
  dueAt: string;
  escalations: number;
}

function fakes(dueInMs: () => number) {
  const reports = new Map<string, FakeReport>();
  const delivered: string[] = [];
  const drafts: string[] = [];
  const activities = {
    async reportingAgencies() {
      return ['ubnd-xa-a', 'so-tnmt'];
    },
    async reportsToDraft(p: { periods: Array<{ kind: ReportKind; year: number; index: number; key: string }> }) {
      const agencies = ['ubnd-xa-a', 'so-tnmt'];
      return agencies.flatMap((agencyId) =>
        p.periods.filter((x) => !reports.has(`rpt-${agencyId}-${x.key}-${x.kind}`)).map((x) => ({ ...x, agencyId })),
      );
    },
    async draftReport(i: { agencyId: string; kind: ReportKind; year: number; index: number }) {
      const p = reportPeriod(i.kind, i.year, i.index);
      const id = `rpt-${i.agencyId}-${p.key}-${i.kind}`;
      let r = reports.get(id);
      if (!r) {
        r = {
          id,
          agencyId: i.agencyId,
          kind: i.kind,
          key: p.key,
          status: 'draft',
          versions: [{ version: 1, submitted: false }],
          dueAt: new Date(Date.now() + dueInMs()).toISOString(),
          escalations: 0,
        };
        reports.set(id, r);
        drafts.push(`${i.agencyId}/${i.kind}/${p.key}`);
      }
      return { reportId: id, version: r.versions.length, status: r.status, dueAt: r.dueAt, escalated: false };
    },
    async freezeReport(p: { reportId: string }) {
      const r = reports.get(p.reportId)!;
      const v = r.versions.at(-1)!;
      v.submitted = true;
      r.status = 'submitted';
      return { reportId: r.id, version: v.version, hash: 'h'.repeat(64), submittedAt: new Date().toISOString() };
    },
    async reopenReportVersion(p: { reportId: string; reason: string }) {
      const r = reports.get(p.reportId)!;
      r.versions.push({ version: r.versions.length + 1, submitted: false, reason: p.reason });
      r.status = 'reopened';
      return { reportId: r.id, version: r.versions.length };
    },
    async escalateOverdueReport(p: { reportId: string }) {
      const r = reports.get(p.reportId)!;
      r.escalations += 1;
      return {
        marked: true,
        deliveries: [`dlv-${r.id}`],
        retry: { initialIntervalMs: 1000, maximumIntervalMs: 60_000, periodMs: 3_600_000 },
      };
    },
    async deliverNotification(p: { deliveryId: string }) {
      delivered.push(p.deliveryId);
      return { status: 'sent' };
    },
    async failNotificationDelivery() {},
    async reportDeadline(p: { reportId: string }) {
      return { dueAt: reports.get(p.reportId)!.dueAt };
    },
  };
  return { reports, delivered, drafts, activities };
}

describe('reportWorkflow on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await timeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('drafts at the end of the period, escalates once past the deadline, freezes on submit, reopens with a reason', async () => {
    const DAY = 86_400_000;
    const f = fakes(() => 3 * DAY);
    await withWorker(env, f.activities, async (taskQueue) => {
      // A plain client: waiting for the drafting run must not unlock time skipping, or the test server skips
      // to the reports' deadline timers while they are drafted (the on-time report then escalates).
      const locked = new Client({ connection: env.connection, namespace: env.namespace });
      // What the schedule starts on 15 March: the March monthly and Q1 reports of every agency.
      const run = await locked.workflow.execute('reportDraftingWorkflow', {
        taskQueue,
        workflowId: `drafting-${taskQueue}`,
        args: [{ lastDay: '2026-03-14' }],
      });
      expect((run as { started: string[] }).started.sort()).toEqual(
        [
          reportWorkflowId('so-tnmt', 'monthly', '2026-M03'),
          reportWorkflowId('so-tnmt', 'quarter', '2026-Q1'),
          reportWorkflowId('ubnd-xa-a', 'monthly', '2026-M03'),
          reportWorkflowId('ubnd-xa-a', 'quarter', '2026-Q1'),
        ].sort(),
      );
      // A second firing (a retry, a catch-up) starts nothing again.
      const again = await locked.workflow.execute('reportDraftingWorkflow', {
        taskQueue,
        workflowId: `drafting-again-${taskQueue}`,
        args: [{ lastDay: '2026-03-14' }],
      });
      expect((again as { started: string[] }).started).toEqual([]);
      // A later day drafts nothing more: the periods that ended have their reports.
      const none = await locked.workflow.execute('reportDraftingWorkflow', {
        taskQueue,
        workflowId: `drafting-none-${taskQueue}`,
        args: [{ lastDay: '2026-03-20', agencies: ['so-tnmt'] }],
      });
      expect((none as { started: string[] }).started).toEqual([]);

      const late = env.client.workflow.getHandle(reportWorkflowId('ubnd-xa-a', 'monthly', '2026-M03'));
      const onTime = env.client.workflow.getHandle(reportWorkflowId('so-tnmt', 'quarter', '2026-Q1'));
      // Each report drafts on its own; on a loaded machine the four may take a while (up to 60 s of real time).
      for (let i = 0; i < 1200 && ((await onTime.query(getReportState)).reportId === null || f.drafts.length < 4); i++)
        await new Promise((r) => setTimeout(r, 50));
      expect(f.drafts.sort()).toEqual([
        'so-tnmt/monthly/2026-M03',
        'so-tnmt/quarter/2026-Q1',
        'ubnd-xa-a/monthly/2026-M03',
        'ubnd-xa-a/quarter/2026-Q1',
      ]);
      // Reopening a draft is refused before it enters history.
      await expect(
        onTime.executeUpdate(reopenReport, {
          args: [{ actor: { type: 'user', id: 'u', agency: 'so-tnmt' }, reason: 'x' }],
        }),
      ).rejects.toBeInstanceOf(WorkflowUpdateFailedError);

      // Submitted in time: no escalation.
      const s = await onTime.executeUpdate(submitReport, {
        args: [{ actor: { type: 'user', id: 'officer-1', agency: 'so-tnmt' }, version: 1 }],
      });
      expect(s.version).toBe(1);
      expect((await onTime.query(getReportState)).status).toBe('submitted');
      // A second submission is refused (frozen).
      await expect(
        onTime.executeUpdate(submitReport, { args: [{ actor: { type: 'user', id: 'officer-1', agency: 'so-tnmt' } }] }),
      ).rejects.toBeInstanceOf(WorkflowUpdateFailedError);

      // The deadline passes for the others.
      await skipTime(env, 4 * DAY);
      const st = await late.query(getReportState);
      expect(st.overdue).toBe(true);
      expect(st.escalated).toBe(true);
      const lateReport = [...f.reports.values()].find((r) => r.agencyId === 'ubnd-xa-a' && r.kind === 'monthly')!;
      expect(lateReport.escalations).toBe(1);
      expect(f.delivered).toContain(`dlv-${lateReport.id}`);
      const onTimeReport = [...f.reports.values()].find((r) => r.agencyId === 'so-tnmt' && r.kind === 'quarter')!;
      expect(onTimeReport.escalations).toBe(0);
      await skipTime(env, 10 * DAY);
      expect(lateReport.escalations).toBe(1);

      // Late submission, then a reopening: a reason is required; a new version; resubmitted: both kept.
      await late.executeUpdate(submitReport, { args: [{ actor: { type: 'user', id: 'cx', agency: 'ubnd-xa-a' } }] });
      await expect(
        late.executeUpdate(reopenReport, {
          args: [{ actor: { type: 'user', id: 'h', agency: 'tinh-demo' }, reason: ' ' }],
        }),
      ).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      const re = await late.executeUpdate(reopenReport, {
        args: [{ actor: { type: 'user', id: 'h', agency: 'tinh-demo' }, reason: 'Sai số liệu mục II' }],
      });
      expect(re.version).toBe(2);
      expect((await late.query(getReportState)).status).toBe('reopened');
      const again2 = await late.executeUpdate(submitReport, {
        args: [{ actor: { type: 'user', id: 'cx', agency: 'ubnd-xa-a' }, version: 2 }],
      });
      expect(again2.version).toBe(2);
      expect(lateReport.versions).toEqual([
        { version: 1, submitted: true },
        { version: 2, submitted: true, reason: 'Sai số liệu mục II' },
      ]);
      expect(lateReport.escalations).toBe(1);
      for (const h of [late, onTime]) await h.terminate('test over');
      for (const id of ['so-tnmt/monthly/2026-M03', 'ubnd-xa-a/quarter/2026-Q1']) {
        const [a, k, p] = id.split('/') as [string, ReportKind, string];
        await env.client.workflow.getHandle(reportWorkflowId(a, k, p)).terminate('test over');
      }
    });
  });

  it('re-arms the escalation on a moved deadline: later (a holiday added), then into the past (escalated at once)', async () => {
    const DAY = 86_400_000;
    // The server's clock runs ahead of this process's once time was skipped: deadlines are set on the server's.
    const skew = (await env.currentTimeMs()) - Date.now();
    const f = fakes(() => 3 * DAY + skew);
    await withWorker(env, f.activities, async (taskQueue) => {
      const locked = new Client({ connection: env.connection, namespace: env.namespace });
      const start = (agencyId: string) =>
        locked.workflow.start('reportWorkflow', {
          taskQueue,
          workflowId: reportWorkflowId(agencyId, 'monthly', '2026-M05'),
          args: [{ agencyId, kind: 'monthly', year: 2026, index: 5 }],
        });
      const moved = await start('ubnd-xa-a');
      const back = await start('so-tnmt');
      for (const h of [moved, back])
        for (let i = 0; i < 1200 && (await h.query(getReportState)).reportId === null; i++)
          await new Promise((r) => setTimeout(r, 50));
      const report = (agencyId: string) => [...f.reports.values()].find((r) => r.agencyId === agencyId)!;
      // The stored deadline moves 3 days later (what the calendar fan-out does), then the workflow is told.
      report('ubnd-xa-a').dueAt = new Date(Date.parse(report('ubnd-xa-a').dueAt) + 3 * DAY).toISOString();
      await moved.signal(reportDeadlineChanged);
      for (let i = 0; i < 200 && (await moved.query(getReportState)).dueAt !== report('ubnd-xa-a').dueAt; i++)
        await new Promise((r) => setTimeout(r, 50));
      expect((await moved.query(getReportState)).dueAt).toBe(report('ubnd-xa-a').dueAt);
      // The other report's deadline moves into the past (a holiday withdrawn): escalated at once.
      report('so-tnmt').dueAt = new Date((await env.currentTimeMs()) - DAY).toISOString();
      await back.signal(reportDeadlineChanged);
      await skipTime(env, 4 * DAY);
      expect(report('so-tnmt').escalations).toBe(1);
      // Past the old deadline, not the new one: not escalated yet; past the new one: escalated once.
      expect(report('ubnd-xa-a').escalations).toBe(0);
      expect((await moved.query(getReportState)).escalated).toBe(false);
      await skipTime(env, 3 * DAY);
      expect(report('ubnd-xa-a').escalations).toBe(1);
      expect((await moved.query(getReportState)).escalated).toBe(true);
      for (const h of [moved, back]) await h.terminate('test over');
    });
  });
  it('a deadline moved later whose signal was lost: re-read before escalating, re-armed, escalated past the new one', async () => {
    const DAY = 86_400_000;
    const skew = (await env.currentTimeMs()) - Date.now();
    const f = fakes(() => 3 * DAY + skew);
    await withWorker(env, f.activities, async (taskQueue) => {
      const locked = new Client({ connection: env.connection, namespace: env.namespace });
      const h = await locked.workflow.start('reportWorkflow', {
        taskQueue,
        workflowId: reportWorkflowId('ubnd-xa-a', 'monthly', '2026-M07'),
        args: [{ agencyId: 'ubnd-xa-a', kind: 'monthly', year: 2026, index: 7 }],
      });
      for (let i = 0; i < 1200 && (await h.query(getReportState)).reportId === null; i++)
        await new Promise((r) => setTimeout(r, 50));
      const report = [...f.reports.values()].find((r) => r.agencyId === 'ubnd-xa-a')!;
      // The fan-out moved the stored deadline 3 days later, but its signal never reached the workflow.
      report.dueAt = new Date(Date.parse(report.dueAt) + 3 * DAY).toISOString();
      await skipTime(env, 4 * DAY);
      // Past the old deadline: not escalated, the timer re-armed on the stored one.
      expect(report.escalations).toBe(0);
      expect(await h.query(getReportState)).toMatchObject({ escalated: false, dueAt: report.dueAt });
      await skipTime(env, 3 * DAY);
      expect(report.escalations).toBe(1);
      expect((await h.query(getReportState)).escalated).toBe(true);
      await h.terminate('test over');
    });
  });
});
