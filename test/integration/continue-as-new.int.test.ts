/**
 * continueAsNew on the Temporal dev server: the interpreter carries its full state (tasks, variables,
 * history, projection sequence) into the next run. On the dev server rather than the time-skipping
 * one: nothing here needs time to pass, and the Java test server can hang a query sent while a
 * continued-as-new run has not completed its first workflow task (a flake seen in CI).
 */
import { sendCaseUpdate } from '../../api/workflow-errors.js';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeTask } from '../../workflows/contract.js';
import type { ProcessDefinitionInput } from '../../workflows/engine/index.js';
import { fakeActivities, processInput, until } from '../support/process.js';
import { devServer, uniqueQueue, workflowBundle } from '../support/temporal.js';

const base = { version: 1, name: 'Test', caseType: 'complaint_first', effectiveFrom: '2026-01-01' } as const;
const task = (id: string, extra: object = {}) => ({
  type: 'userTask' as const,
  id,
  name: id,
  candidateRoles: ['officer'],
  agencyScope: 'resolving' as const,
  ...extra,
});
const NO_ENV = undefined as unknown as TestWorkflowEnvironment; // `until` only queries the handle

describe('processWorkflow continueAsNew (dev server)', () => {
  let dev: Awaited<ReturnType<typeof devServer>>;
  beforeAll(async () => {
    dev = await devServer();
  });
  afterAll(async () => {
    await dev?.close();
  });

  it('continues as new past the event threshold, preserving tasks, variables and history', async () => {
    const steps = Array.from({ length: 6 }, (_, i) => `s${i}`);
    const def: ProcessDefinitionInput = {
      ...base,
      key: 'long-case',
      variables: { counter: 0 },
      nodes: [
        { type: 'startEvent', id: 'start' },
        task('first'),
        ...steps.map((id) => ({
          type: 'serviceTask' as const,
          id,
          activity: 'benchStep',
          input: { counter: 'counter' },
          output: { counter: 'counter' },
        })),
        task('last'),
        { type: 'endEvent', id: 'end', outcome: 'done' },
      ],
      flows: ['start', 'first', ...steps, 'last', 'end']
        .slice(1)
        .map((target, i, arr) => ({ id: `f${i}`, source: i === 0 ? 'start' : arr[i - 1]!, target })),
    };
    const { activities, projected } = fakeActivities();
    const input = processInput(def, { options: { continueAsNewAfterEvents: 30 } });
    const taskQueue = uniqueQueue('can');
    const worker = await Worker.create({
      connection: dev.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities,
    });
    await worker.runUntil(async () => {
      const h = await dev.client.workflow.start('processWorkflow', {
        taskQueue,
        workflowId: `case-${input.caseId}`,
        args: [input],
      });
      const s1 = await until(NO_ENV, h, (x) => x.openTasks.length === 1);
      await h.executeUpdate(completeTask, { args: [{ caseId: input.caseId, taskId: s1.openTasks[0]!.id, data: {} }] });
      const s2 = await until(NO_ENV, h, (x) => x.openTasks[0]?.nodeId === 'last', 'last task');
      // The `last` task may be visible before the run has continued as new (a completion waiting for the
      // case's next step holds continue-as-new back until it has answered, ADR 0019): wait for the new run.
      let desc = await h.describe();
      for (let i = 0; i < 300 && desc.runId === h.firstExecutionRunId; i++) {
        await new Promise((r) => setTimeout(r, 100));
        desc = await h.describe();
      }
      expect(desc.runId).not.toBe(h.firstExecutionRunId);
      expect(s2.variables.counter).toBe(6);
      expect(s2.tasks.map((t) => [t.nodeId, t.status])).toEqual([
        ['first', 'completed'],
        ['last', 'open'],
      ]);
      expect(s2.history[0]!.type).toBe('process_started');
      // The query may still be answered by the run that continued as new; the new run refuses Updates
      // (CaseStarting) until its runner is up: the API's sendCaseUpdate waits that out.
      await sendCaseUpdate(() =>
        h.executeUpdate(completeTask, { args: [{ caseId: input.caseId, taskId: s2.openTasks[0]!.id, data: {} }] }),
      );
      const r = await h.result();
      expect(r.runs).toBeGreaterThanOrEqual(2);
      expect(r).toMatchObject({ outcome: 'done', variables: { counter: 6 } });
      const seqs = projected.map((p) => p.seq);
      expect(new Set(seqs).size).toBe(seqs.length); // the projection sequence continues across runs
    });
  });
});
