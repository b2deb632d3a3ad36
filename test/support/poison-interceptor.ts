/**
 * Test-only workflow interceptor (bundled only by the stuck-cases integration test): a task
 * completion carrying `poison: true` makes every later workflow task of its run fail, on every
 * retry and replay — a stand-in for an engine bug that some accepted input triggers (as the
 * calendar coverage error of issue 10 did). A reset to before that Update heals the case.
 */
import { workflowInfo, type WorkflowInterceptorsFactory } from '@temporalio/workflow';

/** Runs whose poisoned completion was taken in an activation (their later activations fail). */
const pending = new Set<string>();
const poisoned = new Set<string>();

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [
    {
      async handleUpdate(input, next) {
        const arg = input.args[0] as { data?: Record<string, unknown> } | undefined;
        if (input.name === 'completeTask' && arg?.data?.poison === true) pending.add(workflowInfo().runId);
        // `poisonNow`: the very activation handling the Update fails (the Update is never accepted).
        if (input.name === 'completeTask' && arg?.data?.poisonNow === true) poisoned.add(workflowInfo().runId);
        return next(input);
      },
    },
  ],
  internals: [
    {
      concludeActivation(input, next) {
        const runId = workflowInfo().runId;
        // The activation that accepted the completion completes (the API answers 200); every later one fails.
        if (pending.delete(runId)) {
          poisoned.add(runId);
          return next(input);
        }
        if (poisoned.has(runId))
          throw new Error('poisoned input: every workflow task of this run fails (test stand-in for an engine bug)');
        return next(input);
      },
    },
  ],
});
