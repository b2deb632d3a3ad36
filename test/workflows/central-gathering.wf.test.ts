/**
 * The central-gathering process (ADR 0036) on the time-skipping server: the definition is data, run by the
 * interpreter like the statutory lifecycles. A dispatch not done within its limit escalates: the head's task is
 * cancelled, a notification is recorded for the head above and the same task opens for the agency above; the
 * process then runs step by step to its end.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { centralGatheringV1, MASS_LIMITS } from '../../processes/builtin/mass.js';
import { completeTask, getCaseState } from '../../workflows/contract.js';
import { vnDateOf } from '../support/clock.js';
import { fakeActivities, processInput, skipTime, until, withWorker } from '../support/process.js';
import { timeSkippingEnv } from '../support/temporal.js';

const HOUR = 3_600_000;

describe('central-gathering process', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await timeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('dispatch missed -> escalation to the agency above; then every step until home and report', async () => {
    expect(MASS_LIMITS.gathering.dispatch).toBe('PT4H');
    const notices: Array<Record<string, unknown>> = [];
    const { activities } = fakeActivities([], {
      async recordNotification(input: Record<string, unknown>) {
        notices.push(input);
        return { notificationId: `ntf-${notices.length}`, to: input.to };
      },
    });
    const today = vnDateOf(await env.currentTimeMs());
    const input = processInput(centralGatheringV1, { caseEvents: { received: today } });
    await withWorker(env, activities, async (taskQueue) => {
      const h = await env.client.workflow.start('processWorkflow', {
        taskQueue,
        workflowId: `case-${input.caseId}`,
        args: [input],
      });
      const opened = await until(env, h, (s) => s.openTasks.some((t) => t.nodeId === 'dispatch'), 'dispatch task');
      const dispatch = opened.openTasks.find((t) => t.nodeId === 'dispatch')!;
      expect(dispatch.agencyScope).toBe('receiving');
      const timer = opened.clocks.find((c) => c.nodeId === 'dispatch.late')!;
      expect(timer.kind).toBe('duration');
      expect(Date.parse(timer.dueAt!) - Date.parse(dispatch.openedAt)).toBe(4 * HOUR);

      // Nobody dispatches within 4 hours.
      await skipTime(env, 4 * HOUR + 60_000);
      const late = await until(env, h, (s) => s.openTasks.some((t) => t.nodeId === 'dispatch.above'), 'escalation');
      expect(late.tasks.find((t) => t.id === dispatch.id)?.status).toBe('cancelled');
      const above = late.openTasks.find((t) => t.nodeId === 'dispatch.above')!;
      expect(above.agencyScope).toBe('parent');
      expect(above.candidateRoles).toContain('higher_agency_head');
      expect(notices).toEqual([expect.objectContaining({ kind: 'mass_step_escalated', step: 'dispatch' })]);
      expect(late.history.some((e) => e.type === 'timer_fired' || e.nodeId === 'dispatch.late')).toBe(true);

      // The head above dispatches; the process runs on to coordination, home, report and plan.
      const day = vnDateOf(await env.currentTimeMs());
      const forms: Record<string, Record<string, string | number>> = {
        'dispatch.above': { officerPersonId: 'p-officer', dispatchedOn: day },
        coordinate: { coordinatedOn: day },
        bringHome: { homeOn: day, peopleReturned: 40 },
        report: { reportedOn: day, reportReference: 'BC-12/UBND' },
        plan: { planAgreedOn: day, planDueOn: day },
      };
      for (const [nodeId, data] of Object.entries(forms)) {
        const s = await until(env, h, (x) => x.openTasks.some((t) => t.nodeId === nodeId), nodeId);
        const t = s.openTasks.find((x) => x.nodeId === nodeId)!;
        expect(t.agencyScope).toBe(nodeId.endsWith('.above') ? 'parent' : 'receiving');
        await h.executeUpdate(completeTask, { args: [{ caseId: input.caseId, taskId: t.id, data }] });
      }
      const done = await until(env, h, (s) => s.status === 'completed', 'completed');
      expect(done.outcome).toBe('resolved');
      expect(done.variables.homeOn).toBe(day);
      expect(done.variables.reportReference).toBe('BC-12/UBND');
      // Only the dispatch was escalated.
      expect(notices).toHaveLength(1);
      expect((await h.query(getCaseState)).openTasks).toEqual([]);
    });
  });
});
