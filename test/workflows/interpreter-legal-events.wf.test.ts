/**
 * Legal events validated by the case workflow itself (the `sendMessage` Update validator,
 * `legalEventCheck`): refusals never enter the history, and two concurrent events cannot both
 * pass (the second is validated against the state the first one left).
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vnDateOf } from '../support/clock.js';
import { completeTask, getCaseState, sendMessage } from '../../workflows/contract.js';
import type { ClockRule, ProcessDefinitionInput } from '../../workflows/engine/index.js';
import { fakeActivities, processInput, until, withWorker } from '../support/process.js';
import { timeSkippingEnv } from '../support/temporal.js';

const tenWorkingDays: ClockRule = {
  ruleId: 'acceptance',
  legalBasis: 'Luật Khiếu nại 2011 Art 27',
  amount: 10,
  unit: 'working_days',
  from: 'received',
  suspensionBasis: 'Luật Khiếu nại Art 11a',
};

/**
 * A task with a statutory due clock and NON-interrupting message boundaries for suspend/resume:
 * the definition catches every `suspend` and `resume` while the task is open, so only the state
 * check (not "no step expects the message") can refuse a second suspension.
 */
const def: ProcessDefinitionInput = {
  version: 1,
  name: 'Legal events',
  caseType: 'complaint_first',
  effectiveFrom: '2026-01-01',
  key: 'legal-events',
  nodes: [
    { type: 'startEvent', id: 'start' },
    {
      type: 'userTask',
      id: 'verify',
      name: 'Verify',
      candidateRoles: ['inspector'],
      agencyScope: 'resolving',
      due: tenWorkingDays,
    },
    {
      type: 'boundaryEvent',
      id: 'onSuspend',
      attachedTo: 'verify',
      interrupting: false,
      trigger: { kind: 'message', messageName: 'suspend' },
    },
    {
      type: 'boundaryEvent',
      id: 'onResume',
      attachedTo: 'verify',
      interrupting: false,
      trigger: { kind: 'message', messageName: 'resume' },
    },
    { type: 'endEvent', id: 'suspendNoted', outcome: 'noted' },
    { type: 'endEvent', id: 'resumeNoted', outcome: 'noted' },
    { type: 'endEvent', id: 'end', outcome: 'verified' },
  ],
  flows: [
    { id: 'f1', source: 'start', target: 'verify' },
    { id: 'f2', source: 'verify', target: 'end' },
    { id: 'f3', source: 'onSuspend', target: 'suspendNoted' },
    { id: 'f4', source: 'onResume', target: 'resumeNoted' },
  ],
};

/** The ApplicationFailure type (the reason) of a rejected Update. */
async function reasonOf(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => {
      throw new Error('expected the Update to be rejected');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return (cause as ApplicationFailure).type ?? '';
}

describe('processWorkflow: legal events checked by the Update validator', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await timeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('two concurrent suspensions: exactly one accepted, the other refused AlreadySuspended; one suspension in the history', async () => {
    const received = vnDateOf(await env.currentTimeMs());
    const { activities } = fakeActivities();
    const input = processInput(def, { caseEvents: { received } });
    await withWorker(env, activities, async (taskQueue) => {
      const h = await env.client.workflow.start('processWorkflow', {
        taskQueue,
        workflowId: `case-${input.caseId}`,
        args: [input],
      });
      await until(env, h, (x) => x.clocks.length === 1);
      const suspend = (decision: string) =>
        h.executeUpdate(sendMessage, { args: [{ caseId: input.caseId, name: 'suspend', date: received, decision }] });
      const results = await Promise.allSettled([suspend('QĐ 1/QĐ-TTr'), suspend('QĐ 2/QĐ-TTr')]);
      const ok = results.filter((r) => r.status === 'fulfilled');
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(ok).toHaveLength(1);
      expect(refused).toHaveLength(1);
      expect((ok[0] as PromiseFulfilledResult<unknown>).value).toEqual({ caught: 1, clocksChanged: 1 });
      expect(await reasonOf(Promise.reject(refused[0]!.reason))).toBe('AlreadySuspended');
      expect((refused[0]!.reason as WorkflowUpdateFailedError).cause?.message).toMatch(
        /already suspended \(clock acceptance\)/,
      );

      const s = await h.query(getCaseState);
      expect(s.clocks[0]).toMatchObject({ status: 'suspended' });
      expect(s.history.filter((e) => e.type === 'clock_suspend')).toHaveLength(1);
      expect(s.history.filter((e) => e.type === 'message')).toHaveLength(1);
      // The Temporal history holds the accepted Update only: the rejected one wrote nothing.
      const events = (await h.fetchHistory()).events ?? [];
      const accepted = events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
      expect(accepted).toHaveLength(1);
      expect(events.filter((e) => e.workflowExecutionUpdateCompletedEventAttributes)).toHaveLength(1);

      // A sequential second suspension is refused the same way; a resumption then passes.
      expect(await reasonOf(suspend('QĐ 3/QĐ-TTr'))).toBe('AlreadySuspended');
      expect(
        await h.executeUpdate(sendMessage, {
          args: [{ caseId: input.caseId, name: 'resume', date: received, decision: 'QĐ 4/QĐ-TTr' }],
        }),
      ).toEqual({ caught: 1, clocksChanged: 1 });
      await h.executeUpdate(completeTask, { args: [{ caseId: input.caseId, taskId: s.openTasks[0]!.id, data: {} }] });
      expect(await h.result()).toMatchObject({ outcome: 'verified' });
    });
  });

  it('resume on a running case is refused NotSuspended, even though a step catches it; nothing enters the history', async () => {
    const received = vnDateOf(await env.currentTimeMs());
    const { activities } = fakeActivities();
    const input = processInput(def, { caseEvents: { received } });
    await withWorker(env, activities, async (taskQueue) => {
      const h = await env.client.workflow.start('processWorkflow', {
        taskQueue,
        workflowId: `case-${input.caseId}`,
        args: [input],
      });
      await until(env, h, (x) => x.clocks.length === 1);
      const before = (await h.fetchHistory()).events?.length ?? 0;
      expect(
        await reasonOf(
          h.executeUpdate(sendMessage, { args: [{ caseId: input.caseId, name: 'resume', date: received }] }),
        ),
      ).toBe('NotSuspended');
      const s = await h.query(getCaseState);
      expect(s.clocks[0]).toMatchObject({ status: 'running' });
      expect(s.history.filter((e) => e.type === 'message' || e.type.startsWith('clock_'))).toEqual([]);
      const events = (await h.fetchHistory()).events ?? [];
      expect(events.some((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toBe(false);
      expect(events.length).toBeGreaterThanOrEqual(before);
      // Extending a clock the law allows no extension of: refused too.
      expect(
        await reasonOf(h.executeUpdate(sendMessage, { args: [{ caseId: input.caseId, name: 'extend', amount: 5 }] })),
      ).toBe('ExtensionNotAllowed');
      await h.executeUpdate(completeTask, { args: [{ caseId: input.caseId, taskId: s.openTasks[0]!.id, data: {} }] });
      expect(await h.result()).toMatchObject({ outcome: 'verified' });
    });
  });

  it('marking complex twice at the same level is refused AlreadyComplex; an upgrade passes', async () => {
    const received = vnDateOf(await env.currentTimeMs());
    const { activities } = fakeActivities();
    const complex: ProcessDefinitionInput = {
      ...def,
      key: 'legal-events-complex',
      nodes: [
        ...def.nodes,
        {
          type: 'boundaryEvent',
          id: 'onComplex',
          attachedTo: 'verify',
          interrupting: false,
          trigger: { kind: 'message', messageName: 'markComplex' },
        },
        { type: 'endEvent', id: 'complexNoted', outcome: 'noted' },
      ],
      flows: [...def.flows, { id: 'f5', source: 'onComplex', target: 'complexNoted' }],
    };
    const input = processInput(complex, { caseEvents: { received } });
    await withWorker(env, activities, async (taskQueue) => {
      const h = await env.client.workflow.start('processWorkflow', {
        taskQueue,
        workflowId: `case-${input.caseId}`,
        args: [input],
      });
      await until(env, h, (x) => x.clocks.length === 1);
      const mark = (complexity: string) =>
        h.executeUpdate(sendMessage, {
          args: [{ caseId: input.caseId, name: 'markComplex', variables: { complex: true, complexity } }],
        });
      expect(await mark('complex')).toMatchObject({ caught: 1 });
      expect(await reasonOf(mark('complex'))).toBe('AlreadyComplex');
      expect(await mark('especially_complex')).toMatchObject({ caught: 1 });
      expect(await reasonOf(mark('complex'))).toBe('AlreadyComplex');
      const s = await h.query(getCaseState);
      expect(s.history.filter((e) => e.type === 'message')).toHaveLength(2);
      await h.executeUpdate(completeTask, { args: [{ caseId: input.caseId, taskId: s.openTasks[0]!.id, data: {} }] });
      await h.result();
    });
  });

  it('any event after the case completed: the Update fails cleanly (the workflow is closed)', async () => {
    const received = vnDateOf(await env.currentTimeMs());
    const { activities } = fakeActivities();
    const input = processInput(def, { caseEvents: { received } });
    await withWorker(env, activities, async (taskQueue) => {
      const h = await env.client.workflow.start('processWorkflow', {
        taskQueue,
        workflowId: `case-${input.caseId}`,
        args: [input],
      });
      const s = await until(env, h, (x) => x.openTasks.length === 1);
      await h.executeUpdate(completeTask, { args: [{ caseId: input.caseId, taskId: s.openTasks[0]!.id, data: {} }] });
      expect(await h.result()).toMatchObject({ outcome: 'verified' });
      const length = (await h.fetchHistory()).events?.length;
      for (const name of ['suspend', 'resume', 'extend', 'withdraw', 'markComplex']) {
        const err = await h
          .executeUpdate(sendMessage, { args: [{ caseId: input.caseId, name, date: received, amount: 5 }] })
          .then(
            () => null,
            (e: unknown) => e,
          );
        // The server answers for a closed workflow: no worker runs, nothing is written.
        expect(err, name).toBeInstanceOf(WorkflowNotFoundError);
      }
      expect((await h.fetchHistory()).events?.length).toBe(length);
      expect((await h.describe()).status.name).toBe('COMPLETED');
    });
  });
});
