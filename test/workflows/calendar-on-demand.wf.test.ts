/**
 * The calendar a case holds grows on demand (ADR 0017): a case that needs a day outside its
 * snapshot fetches a wider one through the calendar activity instead of failing its workflow task.
 * The snapshot is made deliberately short (`options.calendarDays`) so that ordinary clocks need it.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCalendar } from '../../calendar/index.js';
import { computeDeadline, vnDateOf } from '../support/clock.js';
import { completeTask, getCaseState } from '../../workflows/contract.js';
import type { ClockRule, ProcessDefinitionInput } from '../../workflows/engine/index.js';
import { fakeActivities, processInput, until, withWorker } from '../support/process.js';
import { timeSkippingEnv, workflowBundle } from '../support/temporal.js';
import { Worker } from '@temporalio/worker';

const rule = (ruleId: string, amount: number, from: string): ClockRule => ({
  ruleId,
  legalBasis: 'Luật Khiếu nại 2011 Art 28',
  amount,
  unit: 'working_days',
  from,
});

/** start -> accept (30 WD from receipt) -> resolve (10 WD from `decided`, a date the accept form gives) -> end. */
const definition: ProcessDefinitionInput = {
  key: 'calendar-on-demand',
  version: 1,
  name: 'Calendar on demand',
  caseType: 'complaint_first',
  effectiveFrom: '2020-01-01',
  nodes: [
    { type: 'startEvent', id: 'start' },
    {
      type: 'userTask',
      id: 'accept',
      name: 'Accept',
      candidateRoles: ['officer'],
      agencyScope: 'resolving',
      due: rule('A', 30, 'received'),
      form: { fields: [{ name: 'decidedOn', type: 'date', required: true }] },
    },
    {
      type: 'userTask',
      id: 'resolve',
      name: 'Resolve',
      candidateRoles: ['officer'],
      agencyScope: 'resolving',
      due: rule('R', 10, 'decided'),
    },
    { type: 'endEvent', id: 'end', outcome: 'resolved' },
  ],
  flows: [
    { id: 'f1', source: 'start', target: 'accept' },
    { id: 'f2', source: 'accept', target: 'resolve' },
    { id: 'f3', source: 'resolve', target: 'end' },
  ],
};

describe('processWorkflow: the calendar grows on demand', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await timeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('widens a short snapshot for a clock armed at the start and for a case event years ahead; refuses one no snapshot can reach', async () => {
    const received = vnDateOf(await env.currentTimeMs());
    const fetched: Array<{ from: string; to: string }> = [];
    const { activities } = fakeActivities([], {
      async getCalendarSnapshot(r: { from: string; to: string }) {
        fetched.push(r);
        return buildCalendar(r);
      },
    });
    // 20 days of calendar: the 30-working-day clock of `accept` needs more at once.
    const input = processInput(definition, { caseEvents: { received }, options: { calendarDays: 20 } });
    await withWorker(env, activities, async (taskQueue) => {
      const h = await env.client.workflow.start('processWorkflow', {
        taskQueue,
        workflowId: `case-${input.caseId}`,
        args: [input],
      });
      const s = await until(env, h, (x) => x.openTasks.length === 1, 'accept open');
      expect(s.clocks[0]).toMatchObject({
        ruleId: 'A',
        due: computeDeadline(received, 30, 'working_days').due,
        status: 'running',
      });
      expect(fetched.length).toBe(2);
      expect(fetched[1]!.to > fetched[0]!.to).toBe(true);

      // Dates relative to the server's today, not the machine's: the time-skipping server is shared
      // by the files a vitest worker runs, and those before this one may have moved its clock years on.
      const year = Number(received.slice(0, 4));
      // A case event more than 20 years away cannot share a calendar with the receipt: refused up front.
      const tooFar = `${year + 44}-01-02`;
      const far = await h
        .executeUpdate(completeTask, {
          args: [
            {
              caseId: input.caseId,
              taskId: s.openTasks[0]!.id,
              data: { decidedOn: tooFar },
              caseEvents: { decided: tooFar },
            },
          ],
        })
        .catch((e: unknown) => e);
      expect(far).toBeInstanceOf(WorkflowUpdateFailedError);
      expect((far as WorkflowUpdateFailedError).cause).toMatchObject({
        type: 'InvalidFormData',
        message: expect.stringContaining('rule calendarReach'),
      });

      // Five years ahead: the workflow fetches a snapshot reaching it and counts the next clock from it.
      const decided = `${year + 5}-06-02`;
      const r = await h.executeUpdate(completeTask, {
        args: [
          { caseId: input.caseId, taskId: s.openTasks[0]!.id, data: { decidedOn: decided }, caseEvents: { decided } },
        ],
      });
      expect(r.openTasks.map((t) => t.nodeId)).toEqual(['resolve']);
      const after = await h.query(getCaseState);
      // On failure, say what the case did and when the server thinks it is (a fired clock leaves `clocks`).
      const why = async () =>
        JSON.stringify({
          serverNow: new Date(await env.currentTimeMs()).toISOString(),
          status: after.status,
          history: after.history.slice(-6),
        });
      expect(after.clocks[0], await why()).toMatchObject({
        ruleId: 'R',
        due: computeDeadline(decided, 10, 'working_days').due,
        status: 'running',
      });
      expect(fetched.at(-1)!.to >= decided).toBe(true);
      expect(after.status).toBe('running');
      await h.executeUpdate(completeTask, {
        args: [{ caseId: input.caseId, taskId: after.openTasks[0]!.id, data: {} }],
      });
      expect(await h.result()).toMatchObject({ outcome: 'resolved' });
      // The grown calendars are in the history (activities and the patch marker): it replays.
      const history = await h.fetchHistory();
      const fetches = (history.events ?? []).filter(
        (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'getCalendarSnapshot',
      );
      expect(fetches.length).toBe(fetched.length);
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, h.workflowId);
    });
  });
});
