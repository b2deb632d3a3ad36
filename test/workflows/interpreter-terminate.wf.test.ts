/**
 * processWorkflow on the time-skipping server: terminate end event, cancellation of the linked
 * case of an interrupted call activity, and the search attributes the interpreter upserts.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expertOpinion, withdrawalTerminates } from '../../processes/examples/index.js';
import { completeTask, getCaseState, SA, sendMessage, type CaseStateView } from '../../workflows/contract.js';
import type { ProcessDefinitionInput } from '../../workflows/engine/index.js';
import { vnDateOf } from '../support/clock.js';
import { fakeActivities, processInput, until, withWorker } from '../support/process.js';
import { closedStatus, timeSkippingEnv } from '../support/temporal.js';

/** The fixture with a 3-second boundary timer on the call activity (instead of 15 days). */
const shortTimeout: ProcessDefinitionInput = {
  ...withdrawalTerminates,
  nodes: withdrawalTerminates.nodes.map((n) =>
    n.id === 'consultTimeout' ? ({ ...n, trigger: { kind: 'timer', timer: { duration: 'PT3S' } } } as typeof n) : n,
  ),
};

/** Typed search attributes of an execution. */
async function searchAttributes(h: WorkflowHandle) {
  const sa = (await h.describe()).typedSearchAttributes;
  return {
    status: sa.get(SA.status),
    stage: sa.get(SA.stage),
    definition: sa.get(SA.definition),
    outcome: sa.get(SA.outcome),
    dueAt: sa.get(SA.dueAt),
    overdue: sa.get(SA.overdue),
    caseType: sa.get(SA.caseType),
    agencyId: sa.get(SA.agencyId),
    receivedAt: sa.get(SA.receivedAt),
  };
}

describe('processWorkflow: terminate end event, interrupted call activity, search attributes', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await timeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  /** Starts the fixture case and waits until verification and the linked case's task are open. */
  async function start(taskQueue: string, received: string, def: ProcessDefinitionInput = withdrawalTerminates) {
    const input = processInput(def, { caseEvents: { received }, variables: { receivedOn: received } });
    const h = await env.client.workflow.start('processWorkflow', {
      taskQueue,
      workflowId: `case-${input.caseId}`,
      args: [input],
    });
    const s = await until(
      env,
      h,
      (x) => x.openTasks.length === 1 && x.children.length === 1,
      'verification open, linked case started',
    );
    const child = env.client.workflow.getHandle(s.children[0]!.workflowId);
    await until(env, child, (x) => x.openTasks.length === 1, 'linked case task open');
    return { input, h, child, s };
  }

  it('a terminate end event ends the case at once: task, clocks and the waited-for linked case are cancelled', async () => {
    const received = vnDateOf(await env.currentTimeMs());
    const { activities, projected } = fakeActivities([expertOpinion]);
    await withWorker(env, activities, async (taskQueue) => {
      const { input, h, child, s } = await start(taskQueue, received);
      expect(s.clocks.map((c) => c.nodeId).sort()).toEqual(['consultTimeout', 'verify']);
      const running = await searchAttributes(h);
      expect(running).toMatchObject({
        status: 'running',
        stage: 'Expert opinion',
        definition: 'withdrawal-terminates@1',
        overdue: false,
      });
      expect(running.dueAt?.toISOString()).toBe(s.nextDueAt);
      expect(running.outcome).toBeUndefined();

      const r = await h.executeUpdate(sendMessage, { args: [{ caseId: input.caseId, name: 'withdraw' }] });
      expect(r.caught).toBe(1);
      expect(await closedStatus(h)).toBe('COMPLETED');
      expect(await h.result()).toMatchObject({ outcome: 'withdrawn', outcomes: ['withdrawn'] });
      const final: CaseStateView = await h.query(getCaseState);
      expect(final).toMatchObject({
        status: 'completed',
        outcome: 'withdrawn',
        terminatedBy: 'endWithdrawn',
        currentNodes: [],
        openTasks: [],
        clocks: [],
      });
      expect(final.tasks.map((t) => [t.nodeId, t.status])).toEqual([['verify', 'cancelled']]);
      expect(final.children.map((c) => [c.calledKey, c.status])).toEqual([['expert-opinion', 'cancelled']]);
      expect(final.history.map((e) => e.type)).toEqual(
        expect.arrayContaining(['process_terminated', 'child_cancelled', 'process_completed']),
      );

      // The linked case ends CANCELLED, cleanly: its task cancelled, status `cancelled` in its query and read model.
      expect(await closedStatus(child)).toBe('CANCELLED');
      const c: CaseStateView = await child.query(getCaseState);
      expect(c).toMatchObject({ status: 'cancelled', stage: 'cancelled', openTasks: [], clocks: [] });
      expect(c.tasks.map((t) => t.status)).toEqual(['cancelled']);
      const childProjections = projected.filter((p) => p.caseId === c.caseId);
      expect(childProjections.at(-1)!.state.status).toBe('cancelled');

      const after = await searchAttributes(h);
      expect(after).toMatchObject({ status: 'completed', outcome: 'withdrawn', stage: 'completed:withdrawn' });
      expect(after.dueAt).toBeUndefined();
      // The linked case: type, agency and receipt date filled in by the interpreter; status cancelled.
      expect(await searchAttributes(child)).toMatchObject({
        status: 'cancelled',
        stage: 'cancelled',
        definition: 'expert-opinion@1',
        caseType: 'petition',
        agencyId: 'so-tnmt',
        receivedAt: new Date(`${received}T00:00:00+07:00`),
      });
    });
  });

  it('an interrupting boundary timer on a call activity cancels the linked case; the case continues on the boundary path', async () => {
    const received = vnDateOf(await env.currentTimeMs());
    const { activities } = fakeActivities([expertOpinion]);
    await withWorker(env, activities, async (taskQueue) => {
      // The fixture's boundary timer is 15 days; a 3-second one fires without env.sleep(), whose
      // time skipping can stall on a time-skipping server shared with earlier tests.
      const { input, h, child } = await start(taskQueue, received, shortTimeout);
      const s = await until(env, h, (x) => x.children[0]?.status === 'cancelled', 'linked case cancelled');
      expect(await closedStatus(child)).toBe('CANCELLED');
      expect((await child.query(getCaseState)).status).toBe('cancelled');
      expect(s.status).toBe('running');
      expect(s.history.filter((e) => e.type === 'boundary_fired').map((e) => e.nodeId)).toEqual(['consultTimeout']);
      expect(await searchAttributes(h)).toMatchObject({
        status: 'running',
        stage: 'Verify the complaint',
        overdue: false,
      });

      await h.executeUpdate(completeTask, {
        args: [{ caseId: input.caseId, taskId: s.openTasks[0]!.id, data: { findings: 'confirmed' } }],
      });
      const decide = await until(env, h, (x) => x.openTasks[0]?.nodeId === 'decide', 'decision task open');
      await h.executeUpdate(completeTask, {
        args: [{ caseId: input.caseId, taskId: decide.openTasks[0]!.id, data: {} }],
      });
      expect(await closedStatus(h)).toBe('COMPLETED');
      expect(await h.result()).toMatchObject({ outcome: 'resolved', outcomes: ['resolved'] });
      expect(await searchAttributes(h)).toMatchObject({
        status: 'completed',
        outcome: 'resolved',
        stage: 'completed:resolved',
      });
    });
  });

  it('a cancelled case (Temporal cancellation) ends cleanly with status cancelled and cancels the linked case it waits for', async () => {
    const received = vnDateOf(await env.currentTimeMs());
    const { activities, projected } = fakeActivities([expertOpinion]);
    await withWorker(env, activities, async (taskQueue) => {
      const { h, child, input } = await start(taskQueue, received);
      await h.cancel();
      expect(await closedStatus(h)).toBe('CANCELLED');
      expect(await closedStatus(child)).toBe('CANCELLED');
      const s: CaseStateView = await h.query(getCaseState);
      expect(s).toMatchObject({ status: 'cancelled', openTasks: [], clocks: [] });
      expect(s.children[0]!.status).toBe('cancelled');
      expect(projected.filter((p) => p.caseId === input.caseId).at(-1)!.state.status).toBe('cancelled');
      expect((await searchAttributes(h)).status).toBe('cancelled');
    });
  });
});
