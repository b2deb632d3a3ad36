/**
 * A completion that answers after the next step (ADR 0019) while the case is due to continue as new.
 * The main loop may decide to continue as new while a completion is still waiting for a wider
 * calendar (ADR 0017): it then waited for every handler to finish, but the completion, once its
 * task is done, waits for the service task it started — which only the main loop launches. Both
 * waited for ever. The loop now goes round again while a completion settles.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCalendar } from '../../calendar/index.js';
import { vnDateOf } from '../support/clock.js';
import { completeTask } from '../../workflows/contract.js';
import type { ClockRule, ProcessDefinitionInput } from '../../workflows/engine/index.js';
import { fakeActivities, processInput, until, withWorker } from '../support/process.js';
import { timeSkippingEnv } from '../support/temporal.js';

const rule = (ruleId: string, amount: number, from: string): ClockRule => ({
  ruleId,
  legalBasis: 'Luật Khiếu nại 2011 Art 28',
  amount,
  unit: 'working_days',
  from,
});

/** start -> accept (a date the next clock counts from) -> record (service task) -> resolve -> end. */
const definition: ProcessDefinitionInput = {
  key: 'settle-before-can',
  version: 1,
  name: 'Settle before continue-as-new',
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
    { type: 'serviceTask', id: 'record', activity: 'recordStep' },
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
    { id: 'f2', source: 'accept', target: 'record' },
    { id: 'f3', source: 'record', target: 'resolve' },
    { id: 'f4', source: 'resolve', target: 'end' },
  ],
} as ProcessDefinitionInput;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('processWorkflow: a settling completion and continue-as-new', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await timeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('a completion waiting for a wider calendar when the case is due to continue as new answers with the next task; the case then continues', async () => {
    const received = vnDateOf(await env.currentTimeMs());
    const decided = `${Number(received.slice(0, 4)) + 5}-06-02`;
    let projections = 0;
    let recorded = 0;
    const { activities } = fakeActivities([], {
      // The first projection is still running when the completion arrives; the wider calendar the
      // completion needs comes later still: the loop decides to continue as new in between.
      async projectCaseState() {
        projections += 1;
        if (projections === 1) await sleep(2500);
        return { applied: true };
      },
      async getCalendarSnapshot(r: { from: string; to: string }) {
        if (r.to >= decided) await sleep(5000);
        return buildCalendar(r);
      },
      async recordStep() {
        recorded += 1;
        return {};
      },
    });
    // Past this many events the first run continues as new at its first chance (the second run is shorter).
    const input = processInput(definition, {
      caseEvents: { received },
      options: { calendarDays: 60, continueAsNewAfterEvents: 14 },
    });
    await withWorker(env, activities, async (taskQueue) => {
      const h = await env.client.workflow.start('processWorkflow', {
        taskQueue,
        workflowId: `case-${input.caseId}`,
        args: [input],
      });
      const s = await until(env, h, (x) => x.openTasks.length === 1, 'accept open');
      expect(projections).toBe(1); // the first projection is still running
      const update = h.executeUpdate(completeTask, {
        args: [
          { caseId: input.caseId, taskId: s.openTasks[0]!.id, data: { decidedOn: decided }, caseEvents: { decided } },
        ],
      });
      const r = await Promise.race([update, sleep(60_000).then(() => 'no answer in 60 s' as const)]);
      expect(r).not.toBe('no answer in 60 s');
      expect(recorded).toBe(1);
      expect((r as Exclude<typeof r, string>).openTasks.map((t) => t.nodeId)).toEqual(['resolve']);
      // The case continued as new once the completion had settled, and carries on.
      const next = env.client.workflow.getHandle(h.workflowId);
      for (let i = 0; i < 400 && (await next.describe()).runId === h.firstExecutionRunId; i++) await sleep(50);
      expect((await next.describe()).runId).not.toBe(h.firstExecutionRunId);
      const after = await until(
        env,
        next,
        (x) => x.openTasks.length === 1 && x.openTasks[0]!.nodeId === 'resolve',
        'resolve open',
      );
      await next.executeUpdate(completeTask, {
        args: [{ caseId: input.caseId, taskId: after.openTasks[0]!.id, data: {} }],
      });
      expect(await next.result()).toMatchObject({ outcome: 'resolved', runs: 2 });
    });
  });
});
