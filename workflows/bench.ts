/**
 * Hand-written equivalent of processes/examples/bench-ten-steps.ts, the baseline of the
 * interpreter benchmark (bench/interpreter.ts): ten sequential `benchStep` activities.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';

const { benchStep } = proxyActivities<Pick<Activities, 'benchStep'>>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

/** Ten steps, each passing the counter through `benchStep`; returns the final counter. */
export async function benchTenStepsWorkflow(input: { caseId: string }): Promise<{ outcome: string; counter: number }> {
  let counter = 0;
  for (let i = 1; i <= 10; i++) {
    const r = await benchStep(
      { step: String(i), counter },
      { caseId: input.caseId, nodeId: `step${String(i).padStart(2, '0')}`, tokenId: `t${i}` },
    );
    counter = r.counter;
  }
  return { outcome: 'done', counter };
}
