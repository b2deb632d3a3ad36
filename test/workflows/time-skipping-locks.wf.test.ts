/**
 * The Java time-skipping test server takes a time-skipping lock for every scheduled activity and
 * does not release it when the workflow is terminated while the activity is in flight: time then
 * never skips again on that server (every later sleep runs in real time). This is what made a
 * lifecycle scenario time out in CI (2026-11-28) after the previous scenario's cleanup terminated
 * a case whose projection activity was still running.
 *
 * The first test pins the server's behaviour (it fails once the test server releases those locks,
 * and then terminateWhenQuiet is no longer needed); the second shows the fix the test helpers use.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcessDefinitionInput } from '../../workflows/engine/index.js';
import { fakeActivities, processInput, releaseStuckTimeLocks, until, withWorker } from '../support/process.js';
import { terminateWhenQuiet, timeSkippingEnv } from '../support/temporal.js';

/** A service task whose activity runs 1.5 s of real time, then a user task the case waits on. */
const slow: ProcessDefinitionInput = {
  key: 'slow-activity',
  version: 1,
  name: 'Slow activity',
  caseType: 'petition',
  effectiveFrom: '2026-07-01',
  nodes: [
    { type: 'startEvent', id: 'start' },
    { type: 'serviceTask', id: 'work', activity: 'slowWork' },
    { type: 'userTask', id: 'review', name: 'Review', candidateRoles: ['officer'], agencyScope: 'receiving' },
    { type: 'endEvent', id: 'end', outcome: 'done' },
  ],
  flows: [
    { id: 'f1', source: 'start', target: 'work' },
    { id: 'f2', source: 'work', target: 'review' },
    { id: 'f3', source: 'review', target: 'end' },
  ],
} as ProcessDefinitionInput;

describe('time-skipping locks and terminated cases', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await timeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  let finished = 0;
  const { activities } = fakeActivities([], {
    async slowWork() {
      await new Promise((r) => setTimeout(r, 1500));
      finished++;
      return {};
    },
  });

  async function startBusy(taskQueue: string) {
    const input = processInput(slow, { options: { project: false } });
    const h = await env.client.workflow.start('processWorkflow', {
      taskQueue,
      workflowId: `case-${input.caseId}`,
      args: [input],
    });
    // Started (picked up by the worker), not only scheduled: the activity then runs to its end whatever happens to the case.
    const started = async () =>
      (await h.describe()).raw.pendingActivities?.some((a) => a.lastStartedTime != null) ?? false;
    for (let i = 0; i < 300 && !(await started()); i++) await new Promise((r) => setTimeout(r, 10));
    expect(await started()).toBe(true);
    return h;
  }

  it("a case terminated under an in-flight activity leaks that activity's time lock (server behaviour)", async () => {
    await withWorker(env, activities, async (taskQueue) => {
      const h = await startBusy(taskQueue);
      const before = finished;
      await h.terminate('terminated under its activity');
      for (let i = 0; i < 200 && finished === before; i++) await new Promise((r) => setTimeout(r, 50)); // the activity ends; its completion finds the case closed
      expect(finished).toBe(before + 1);
      await new Promise((r) => setTimeout(r, 500));
      expect(await releaseStuckTimeLocks(env, { max: 5, probeMs: 5000 })).toBeGreaterThanOrEqual(1);
      // Released: the server skips again, for the next test and the files after this one.
      expect(await releaseStuckTimeLocks(env, { probeMs: 5000 })).toBe(0);
    });
  });

  it('terminateWhenQuiet waits for the activity, then terminates: nothing leaks, time skips', async () => {
    await withWorker(env, activities, async (taskQueue) => {
      const h = await startBusy(taskQueue);
      expect(await terminateWhenQuiet(h, 'quiet now')).toBe(true);
      const d = await h.describe();
      expect(d.status.name).toBe('TERMINATED');
      // It waited for the activity: its completion is in the history before the termination.
      const events = (await h.fetchHistory()).events ?? [];
      expect(events.some((e) => e.activityTaskCompletedEventAttributes)).toBe(true);
      // A slow answer under a loaded machine is not a leak: probe as long as the test above does.
      expect(await releaseStuckTimeLocks(env, { probeMs: 5000 })).toBe(0);
    });
  });

  it('a probe whose skip answers late (a loaded machine) releases nothing: time stays locked, a waiting case stays waiting', async () => {
    // probeMs 1: the skip always answers after the probe gave up, as a slow server's does.
    expect(await releaseStuckTimeLocks(env, { probeMs: 1, max: 1 })).toBe(0);
    const waits: ProcessDefinitionInput = {
      key: 'waits-a-day',
      version: 1,
      name: 'Waits a day',
      caseType: 'petition',
      effectiveFrom: '2026-07-01',
      nodes: [
        { type: 'startEvent', id: 'start' },
        { type: 'intermediateCatchEvent', id: 'day', trigger: { kind: 'timer', timer: { duration: 'P1D' } } },
        { type: 'endEvent', id: 'end', outcome: 'waited' },
      ],
      flows: [
        { id: 'f1', source: 'start', target: 'day' },
        { id: 'f2', source: 'day', target: 'end' },
      ],
    } as ProcessDefinitionInput;
    await withWorker(env, activities, async (taskQueue) => {
      const input = processInput(waits, { options: { project: false } });
      const h = await env.client.workflow.start('processWorkflow', {
        taskQueue,
        workflowId: `case-${input.caseId}`,
        args: [input],
      });
      await until(env, h, (x) => x.currentNodes.some((n) => n.nodeId === 'day'), 'waiting on the timer');
      const from = await env.currentTimeMs();
      await new Promise((r) => setTimeout(r, 1500));
      // Locked: the server's clock moved with real time, the one-day timer did not fire.
      expect((await env.currentTimeMs()) - from).toBeLessThan(60_000);
      expect((await h.describe()).status.name).toBe('RUNNING');
      expect(await terminateWhenQuiet(h)).toBe(true);
    });
  });
});
