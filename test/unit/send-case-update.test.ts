import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { sendCaseUpdate } from '../../api/workflow-errors.js';

const refused = (type: string) =>
  new WorkflowUpdateFailedError('Workflow Update failed', ApplicationFailure.nonRetryable(`refused: ${type}`, type));

describe('sendCaseUpdate', () => {
  it('waits while the case refuses as CaseStarting, then returns the result', async () => {
    let calls = 0;
    const r = await sendCaseUpdate(
      async () => {
        calls++;
        if (calls < 4) throw refused('CaseStarting');
        return { ok: calls };
      },
      { stepMs: 1 },
    );
    expect(r).toEqual({ ok: 4 });
  });

  it('throws any other refusal at once, without retrying', async () => {
    let calls = 0;
    const err = await sendCaseUpdate(async () => {
      calls++;
      throw refused('AlreadySuspended');
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(((err as WorkflowUpdateFailedError).cause as ApplicationFailure).type).toBe('AlreadySuspended');
    expect(calls).toBe(1);
  });

  it('gives up after maxWaitMs with the last CaseStarting refusal', async () => {
    let calls = 0;
    const err = await sendCaseUpdate(
      async () => {
        calls++;
        throw refused('CaseStarting');
      },
      { maxWaitMs: 60, stepMs: 5 },
    ).catch((e: unknown) => e);
    expect(((err as WorkflowUpdateFailedError).cause as ApplicationFailure).type).toBe('CaseStarting');
    expect(calls).toBeGreaterThan(1);
  });
});
