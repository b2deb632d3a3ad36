import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeTask, getCaseState, sendMessage } from '../../workflows/contract.js';
import type { ProcessDefinitionInput } from '../../workflows/engine/index.js';
import { fakeActivities, processInput, until, withWorker } from '../support/process.js';
import { computeDeadline, vnDateOf } from '../support/clock.js';
import { timeSkippingEnv } from '../support/temporal.js';

const base = { version: 1, name: 'Test', caseType: 'complaint_first', effectiveFrom: '2026-01-01' } as const;
const task = (id: string, extra: object = {}) => ({
  type: 'userTask' as const,
  id,
  name: id,
  candidateRoles: ['officer'],
  agencyScope: 'resolving' as const,
  ...extra,
});

describe('processWorkflow: escalations, messages, call activities', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await timeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('catches a due breach at the task boundary and a thrown escalation at the process handler', async () => {
    const def: ProcessDefinitionInput = {
      ...base,
      key: 'escalations',
      nodes: [
        { type: 'startEvent', id: 'start' },
        { type: 'parallelGateway', id: 'fork' },
        task('verify', {
          due: { ruleId: 'verify_due', legalBasis: 'Art 1', amount: 2, unit: 'working_days', from: 'received' },
        }),
        {
          type: 'boundaryEvent',
          id: 'verifyLate',
          attachedTo: 'verify',
          interrupting: false,
          trigger: { kind: 'escalation', escalationCode: 'overdue' },
        },
        {
          type: 'serviceTask',
          id: 'atTask',
          activity: 'echo',
          input: { scope: '"task"' },
          output: { taskScope: 'scope' },
        },
        { type: 'endEvent', id: 'endTaskScope', outcome: 'task_scope' },
        { type: 'intermediateThrowEvent', id: 'raise', trigger: { kind: 'escalation', escalationCode: 'needs_head' } },
        { type: 'parallelGateway', id: 'join' },
        { type: 'endEvent', id: 'end', outcome: 'done' },
        {
          type: 'startEvent',
          id: 'onHead',
          trigger: { kind: 'escalation', escalationCode: 'needs_head', interrupting: false },
        },
        {
          type: 'serviceTask',
          id: 'atProcess',
          activity: 'echo',
          input: { scope: '"process"' },
          output: { processScope: 'scope' },
        },
        { type: 'endEvent', id: 'endHandled', outcome: 'handled' },
      ],
      flows: [
        { id: 'f0', source: 'start', target: 'fork' },
        { id: 'f1', source: 'fork', target: 'verify' },
        { id: 'f2', source: 'fork', target: 'raise' },
        { id: 'f3', source: 'verify', target: 'join' },
        { id: 'f4', source: 'raise', target: 'join' },
        { id: 'f5', source: 'join', target: 'end' },
        { id: 'f6', source: 'verifyLate', target: 'atTask' },
        { id: 'f7', source: 'atTask', target: 'endTaskScope' },
        { id: 'f8', source: 'onHead', target: 'atProcess' },
        { id: 'f9', source: 'atProcess', target: 'endHandled' },
      ],
    };
    const { activities } = fakeActivities();
    const received = vnDateOf(await env.currentTimeMs());
    const input = processInput(def, { caseEvents: { received } });
    await withWorker(env, activities, async (taskQueue) => {
      const h = await env.client.workflow.start('processWorkflow', {
        taskQueue,
        workflowId: `case-${input.caseId}`,
        args: [input],
      });
      let s = await until(env, h, (x) => x.variables.processScope === 'process', 'process handler ran');
      expect(s.variables.taskScope).toBeUndefined();
      // Past the task's due instant (2 working days: up to 11 calendar days over Tết), not a fixed 10 days.
      const { dueAt } = computeDeadline(received, 2, 'working_days');
      await env.sleep(Date.parse(dueAt) + 60_000 - (await env.currentTimeMs()));
      s = await until(env, h, (x) => x.variables.taskScope === 'task', 'task boundary ran');
      expect(s.flags.overdue).toBe(true);
      // The due breach was caught by the task's boundary, not by the process handler.
      expect(s.history.filter((e) => e.type === 'escalation_caught').map((e) => e.nodeId)).toEqual(['onHead']);
      expect(s.history.filter((e) => e.type === 'boundary_fired').map((e) => e.nodeId)).toEqual(['verifyLate']);
      await h.executeUpdate(completeTask, { args: [{ caseId: input.caseId, taskId: s.openTasks[0]!.id, data: {} }] });
      const r = await h.result();
      expect(r.outcomes.sort()).toEqual(['done', 'handled', 'task_scope']);
    });
  });

  it('a message boundary cancels the task; an unexpected message is rejected before history', async () => {
    const def: ProcessDefinitionInput = {
      ...base,
      key: 'withdrawable',
      nodes: [
        { type: 'startEvent', id: 'start' },
        task('verify'),
        {
          type: 'boundaryEvent',
          id: 'withdrawn',
          attachedTo: 'verify',
          trigger: { kind: 'message', messageName: 'withdraw' },
        },
        { type: 'endEvent', id: 'endWithdrawn', outcome: 'withdrawn' },
        { type: 'endEvent', id: 'end', outcome: 'verified' },
      ],
      flows: [
        { id: 'f1', source: 'start', target: 'verify' },
        { id: 'f2', source: 'verify', target: 'end' },
        { id: 'f3', source: 'withdrawn', target: 'endWithdrawn' },
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
      await until(env, h, (x) => x.openTasks.length === 1);
      await expect(
        h.executeUpdate(sendMessage, { args: [{ caseId: input.caseId, name: 'supplement' }] }),
      ).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      const r = await h.executeUpdate(sendMessage, {
        args: [{ caseId: input.caseId, name: 'withdraw', variables: { withdrawnBy: 'complainant' } }],
      });
      expect(r).toEqual({ caught: 1, clocksChanged: 0 });
      expect(await h.result()).toMatchObject({ outcome: 'withdrawn', variables: { withdrawnBy: 'complainant' } });
      const s = await h.query(getCaseState);
      expect(s.tasks[0]!.status).toBe('cancelled');
      const accepted = (await h.fetchHistory()).events!.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
      expect(accepted).toHaveLength(1);
    });
  });

  it('an intermediate message catch event waits for its message', async () => {
    const def: ProcessDefinitionInput = {
      ...base,
      key: 'await-supplement',
      nodes: [
        { type: 'startEvent', id: 'start' },
        {
          type: 'intermediateCatchEvent',
          id: 'awaitSupplement',
          trigger: { kind: 'message', messageName: 'supplement' },
        },
        { type: 'endEvent', id: 'end', outcome: 'supplemented' },
      ],
      flows: [
        { id: 'f1', source: 'start', target: 'awaitSupplement' },
        { id: 'f2', source: 'awaitSupplement', target: 'end' },
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
      expect((await until(env, h, (x) => x.currentNodes.length === 1)).currentNodes[0]!.nodeId).toBe('awaitSupplement');
      await h.executeUpdate(sendMessage, {
        args: [{ caseId: input.caseId, name: 'supplement', variables: { documents: 3 } }],
      });
      expect(await h.result()).toMatchObject({ outcome: 'supplemented', variables: { documents: 3 } });
    });
  });

  it('a call activity starts a linked case, waits for it, maps its outcome and catches its escalation', async () => {
    const child: ProcessDefinitionInput = {
      ...base,
      key: 'second-instance',
      caseType: 'complaint_second',
      nodes: [
        { type: 'startEvent', id: 'start' },
        { type: 'intermediateThrowEvent', id: 'raise', trigger: { kind: 'escalation', escalationCode: 'needs_head' } },
        {
          type: 'serviceTask',
          id: 'decide',
          activity: 'echo',
          input: { decision: '"upheld"', prio: 'priority' },
          output: { decision: 'decision', prio: 'prio' },
        },
        { type: 'endEvent', id: 'end', outcome: 'decided' },
      ],
      flows: [
        { id: 'f1', source: 'start', target: 'raise' },
        { id: 'f2', source: 'raise', target: 'decide' },
        { id: 'f3', source: 'decide', target: 'end' },
      ],
    };
    const parent: ProcessDefinitionInput = {
      ...base,
      key: 'first-instance',
      variables: { priority: 1 },
      nodes: [
        { type: 'startEvent', id: 'start' },
        {
          type: 'callActivity',
          id: 'second',
          calledKey: 'second-instance',
          wait: true,
          input: { priority: 'priority + 1' },
          output: { childOutcome: 'outcome', childDecision: 'decision', childPrio: 'prio' },
        },
        {
          type: 'boundaryEvent',
          id: 'childNeedsHead',
          attachedTo: 'second',
          interrupting: false,
          trigger: { kind: 'escalation', escalationCode: 'needs_head' },
        },
        {
          type: 'serviceTask',
          id: 'tellHead',
          activity: 'notify',
          input: { to: '"head"' },
          output: { headNotified: 'notificationId' },
        },
        { type: 'endEvent', id: 'endNotified', outcome: 'head_notified' },
        { type: 'endEvent', id: 'end', outcome: 'resolved' },
      ],
      flows: [
        { id: 'f1', source: 'start', target: 'second' },
        { id: 'f2', source: 'second', target: 'end' },
        { id: 'f3', source: 'childNeedsHead', target: 'tellHead' },
        { id: 'f4', source: 'tellHead', target: 'endNotified' },
      ],
    };
    const { activities } = fakeActivities([child]);
    const input = processInput(parent);
    await withWorker(env, activities, async (taskQueue) => {
      const h = await env.client.workflow.start('processWorkflow', {
        taskQueue,
        workflowId: `case-${input.caseId}`,
        args: [input],
      });
      const r = await h.result();
      // Both paths end; which end is reached last (the case outcome) depends on activity timing.
      expect([...r.outcomes].sort()).toEqual(['head_notified', 'resolved']);
      expect(r.variables).toMatchObject({
        childOutcome: 'decided',
        childDecision: 'upheld',
        childPrio: 2,
        headNotified: expect.any(String),
      });
      const s = await h.query(getCaseState);
      expect(s.children).toHaveLength(1);
      expect(s.children[0]).toMatchObject({
        nodeId: 'second',
        calledKey: 'second-instance',
        wait: true,
        status: 'completed',
        outcome: 'decided',
      });
      const childResult = await env.client.workflow.getHandle(s.children[0]!.workflowId).result();
      expect(childResult).toMatchObject({
        outcome: 'decided',
        pin: expect.stringMatching(/^second-instance@1\+sha256:/),
      });
    });
  });
});
