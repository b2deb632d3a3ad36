import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeTask, getCaseState } from '../../workflows/contract.js';
import type { ProcessDefinitionInput } from '../../workflows/engine/index.js';
import { fakeActivities, processInput, until, withWorker } from '../support/process.js';
import { timeSkippingEnv } from '../support/temporal.js';

const base = { version: 1, name: 'Test', caseType: 'petition', effectiveFrom: '2026-01-01' } as const;

const userTaskDef: ProcessDefinitionInput = {
  ...base,
  key: 'one-task',
  nodes: [
    { type: 'startEvent', id: 'start' },
    {
      type: 'userTask',
      id: 'classify',
      name: 'Classify',
      candidateRoles: ['officer'],
      agencyScope: 'receiving',
      form: { fields: [{ name: 'letterType', type: 'enum', values: ['complaint', 'petition'], required: true }] },
    },
    { type: 'endEvent', id: 'end', outcome: 'classified' },
  ],
  flows: [
    { id: 'f1', source: 'start', target: 'classify' },
    { id: 'f2', source: 'classify', target: 'end' },
  ],
};

describe('processWorkflow: basic elements', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await timeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('runs start -> service task -> end, applying the output mapping and returning the outcome', async () => {
    const def: ProcessDefinitionInput = {
      ...base,
      key: 'echo',
      variables: { n: 41 },
      nodes: [
        { type: 'startEvent', id: 'start' },
        {
          type: 'serviceTask',
          id: 'work',
          activity: 'echo',
          input: { value: 'n + 1', label: '"x"' },
          output: { answer: 'value', whole: '$' },
          retry: { maximumAttempts: 3 },
        },
        { type: 'endEvent', id: 'end', outcome: 'done' },
      ],
      flows: [
        { id: 'f1', source: 'start', target: 'work' },
        { id: 'f2', source: 'work', target: 'end' },
      ],
    };
    const { activities, projected } = fakeActivities();
    const input = processInput(def);
    const result = await withWorker(env, activities, (taskQueue) =>
      env.client.workflow.execute('processWorkflow', { taskQueue, workflowId: `case-${input.caseId}`, args: [input] }),
    );
    expect(result).toMatchObject({
      outcome: 'done',
      variables: { n: 41, answer: 42, whole: { value: 42, label: 'x' } },
      pin: input.pin.label,
    });
    const seqs = projected.map((p) => p.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(projected.at(-1)!.state).toMatchObject({ status: 'completed', outcome: 'done' });
    // A service task's attempt times out after 30 s, so a task whose worker died is retried within that (issue 11.10).
    const history = await env.client.workflow.getHandle(`case-${input.caseId}`).fetchHistory();
    const scheduled = history
      .events!.map((e) => e.activityTaskScheduledEventAttributes)
      .filter((a) => a?.activityType?.name === 'echo');
    expect(scheduled.map((a) => Number(a!.startToCloseTimeout!.seconds))).toEqual([30]);
  });

  it('completes a user task through the completeTask update; rejected updates never enter history', async () => {
    const { activities } = fakeActivities();
    const input = processInput(userTaskDef);
    await withWorker(env, activities, async (taskQueue) => {
      const h = await env.client.workflow.start('processWorkflow', {
        taskQueue,
        workflowId: `case-${input.caseId}`,
        args: [input],
      });
      const s = await until(env, h, (x) => x.openTasks.length === 1, 'task opened');
      const task = s.openTasks[0]!;
      expect(task).toMatchObject({
        nodeId: 'classify',
        name: 'Classify',
        candidateRoles: ['officer'],
        agencyScope: 'receiving',
        status: 'open',
      });

      const rejected = async (req: Parameters<typeof h.executeUpdate>[1] extends never ? never : object) =>
        expect(h.executeUpdate(completeTask, { args: [req as never] })).rejects.toBeInstanceOf(
          WorkflowUpdateFailedError,
        );
      await rejected({ caseId: input.caseId, taskId: 'nope', data: { letterType: 'complaint' } });
      await rejected({ caseId: 'other-case', taskId: task.id, data: { letterType: 'complaint' } });
      await rejected({ caseId: input.caseId, taskId: task.id, data: { letterType: 'invalid' } });
      await rejected({ caseId: input.caseId, taskId: task.id, data: {} });

      const ok = await h.executeUpdate(completeTask, {
        args: [{ caseId: input.caseId, taskId: task.id, data: { letterType: 'complaint' } }],
      });
      expect(ok).toMatchObject({ taskId: task.id, openTasks: [] });
      const result = await h.result();
      expect(result).toMatchObject({ outcome: 'classified', variables: { letterType: 'complaint' } });
      await rejected({ caseId: input.caseId, taskId: task.id, data: { letterType: 'complaint' } }).catch(
        () => undefined,
      );

      const history = await h.fetchHistory();
      const accepted = history.events!.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
      expect(accepted).toHaveLength(1);
      expect((await h.query(getCaseState)).tasks[0]!.status).toBe('completed');
    });
  });

  it('rejects completing a task twice', async () => {
    const { activities } = fakeActivities();
    const def: ProcessDefinitionInput = {
      ...userTaskDef,
      key: 'two-tasks',
      nodes: [
        ...userTaskDef.nodes,
        { type: 'userTask', id: 'second', name: 'Second', candidateRoles: ['officer'], agencyScope: 'receiving' },
      ],
      flows: [
        { id: 'f1', source: 'start', target: 'classify' },
        { id: 'f2', source: 'classify', target: 'second' },
        { id: 'f3', source: 'second', target: 'end' },
      ],
    };
    const input = processInput(def);
    await withWorker(env, activities, async (taskQueue) => {
      const h = await env.client.workflow.start('processWorkflow', {
        taskQueue,
        workflowId: `case-${input.caseId}`,
        args: [input],
      });
      const task = (await until(env, h, (x) => x.openTasks.length === 1)).openTasks[0]!;
      const req = { caseId: input.caseId, taskId: task.id, data: { letterType: 'petition' } };
      await h.executeUpdate(completeTask, { args: [req] });
      await expect(h.executeUpdate(completeTask, { args: [req] })).rejects.toMatchObject({
        cause: { message: expect.stringMatching(/already completed/) },
      });
      const s = await until(env, h, (x) => x.openTasks.length === 1 && x.openTasks[0]!.nodeId === 'second');
      await h.executeUpdate(completeTask, { args: [{ caseId: input.caseId, taskId: s.openTasks[0]!.id, data: {} }] });
      expect(await h.result()).toMatchObject({ outcome: 'classified' });
      const accepted = (await h.fetchHistory()).events!.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
      expect(accepted).toHaveLength(2);
    });
  });

  it('takes the first true condition of an exclusive gateway, else its default flow', async () => {
    const def = (choice: number): ProcessDefinitionInput => ({
      ...base,
      key: 'xor',
      variables: { choice },
      nodes: [
        { type: 'startEvent', id: 'start' },
        { type: 'exclusiveGateway', id: 'x', default: 'toOther' },
        { type: 'endEvent', id: 'endOne', outcome: 'one' },
        { type: 'endEvent', id: 'endTwo', outcome: 'two' },
        { type: 'endEvent', id: 'endOther', outcome: 'other' },
      ],
      flows: [
        { id: 'f0', source: 'start', target: 'x' },
        { id: 'toOther', source: 'x', target: 'endOther' },
        { id: 'toOne', source: 'x', target: 'endOne', condition: 'choice = 1' },
        { id: 'toTwo', source: 'x', target: 'endTwo', condition: 'choice > 1' },
      ],
    });
    const { activities } = fakeActivities();
    const outcomes = await withWorker(env, activities, async (taskQueue) => {
      const out: string[] = [];
      for (const c of [1, 2, 0]) {
        const input = processInput(def(c));
        out.push(
          (
            await env.client.workflow.execute('processWorkflow', {
              taskQueue,
              workflowId: `case-${input.caseId}`,
              args: [input],
            })
          ).outcome,
        );
      }
      return out;
    });
    expect(outcomes).toEqual(['one', 'two', 'other']);
  });

  it('forks and joins parallel branches; the join waits for every incoming branch', async () => {
    const def: ProcessDefinitionInput = {
      ...base,
      key: 'and',
      variables: { counter: 0 },
      nodes: [
        { type: 'startEvent', id: 'start' },
        { type: 'parallelGateway', id: 'fork' },
        { type: 'serviceTask', id: 'a', activity: 'echo', input: { a: '1' }, output: { a: 'a' } },
        { type: 'userTask', id: 'b', name: 'B', candidateRoles: ['officer'], agencyScope: 'resolving' },
        { type: 'parallelGateway', id: 'join' },
        { type: 'endEvent', id: 'end', outcome: 'joined' },
      ],
      flows: [
        { id: 'f0', source: 'start', target: 'fork' },
        { id: 'f1', source: 'fork', target: 'a' },
        { id: 'f2', source: 'fork', target: 'b' },
        { id: 'f3', source: 'a', target: 'join' },
        { id: 'f4', source: 'b', target: 'join' },
        { id: 'f5', source: 'join', target: 'end' },
      ],
    };
    const { activities } = fakeActivities();
    const input = processInput(def);
    await withWorker(env, activities, async (taskQueue) => {
      const h = await env.client.workflow.start('processWorkflow', {
        taskQueue,
        workflowId: `case-${input.caseId}`,
        args: [input],
      });
      const s = await until(env, h, (x) => x.openTasks.length === 1 && x.variables.a === 1, 'branch a done');
      expect(s.currentNodes.map((n) => n.nodeId)).toEqual(['b']); // a's token waits at the join (not a token)
      expect(s.status).toBe('running');
      await h.executeUpdate(completeTask, { args: [{ caseId: input.caseId, taskId: s.openTasks[0]!.id, data: {} }] });
      expect(await h.result()).toMatchObject({ outcome: 'joined', outcomes: ['joined'] });
    });
  });
});
