import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activities, ProjectCaseInput } from '../../activities/index.js';
import { closeCase, getCaseSnapshot, type CaseInput } from '../../workflows/contract.js';
import { timeSkippingEnv, uniqueQueue, workflowBundle } from '../support/temporal.js';

const input: CaseInput = {
  caseId: '0b6f3b4e-0000-4000-8000-000000000001',
  reference: 'KN1-2026-0B6F3B4E00',
  caseType: 'complaint_first',
  channel: 'portal',
  receivedAt: '2026-07-01T02:30:00.000Z',
  agencyId: 'so-tnmt',
  subject: 'test',
  remoteArea: false,
};

describe('caseWorkflow (walking skeleton) on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await timeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('projects the case when received and again when closed, with increasing sequence numbers', async () => {
    const projected: ProjectCaseInput[] = [];
    const activities: Pick<Activities, 'projectCase'> = {
      async projectCase(p) {
        projected.push(p);
        return { applied: true };
      },
    };
    const taskQueue = uniqueQueue('wf');
    const worker = await Worker.create({
      connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities,
    });
    const result = await worker.runUntil(async () => {
      const h = await env.client.workflow.start('caseWorkflow', { taskQueue, workflowId: `wf-${taskQueue}`, args: [input] });
      // wait until the first projection has happened
      for (let i = 0; i < 100 && (await h.query(getCaseSnapshot)).projectedSeq < 1; i++) await env.sleep(100);
      expect(await h.query(getCaseSnapshot)).toMatchObject({ stage: 'received', status: 'open', projectedSeq: 1 });
      await h.signal(closeCase, { reason: 'test' });
      return h.result();
    });
    expect(result).toMatchObject({ status: 'closed', projectedSeq: 2 });
    expect(projected.map((p) => [p.seq, p.stage, p.status])).toEqual([[1, 'received', 'open'], [2, 'closed', 'closed']]);
    expect(projected[0]).toMatchObject({ caseId: input.caseId, agencyId: 'so-tnmt', caseType: 'complaint_first' });
  });
});
