/** An Update the case could not take (its workflow task failed, the call timed out) answers 503, never 500 (ADR 0017). */
import { ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { HttpProblem } from '../../api/problem.js';
import { updateProblem } from '../../api/workflow-errors.js';

describe('updateProblem', () => {
  it('maps a failed or timed-out Update call to 503 case-unavailable; other errors pass through', () => {
    for (const e of [
      new WorkflowUpdateRPCTimeoutOrCancelledError('timeout'),
      new ServiceError('workflow task failed'),
    ]) {
      const p = updateProblem(e);
      expect(p).toBeInstanceOf(HttpProblem);
      expect(p).toMatchObject({ status: 503, slug: 'case-unavailable' });
    }
    const bug = new TypeError('x is undefined');
    expect(updateProblem(bug)).toBe(bug);
  });
});
