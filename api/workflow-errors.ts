/**
 * Talking to a case workflow from a route: the live state query and the mapping of rejected
 * Updates (validator failures carry an ApplicationFailure type) to problem+json.
 */
import {
  ServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { getCaseState, type CaseStateView } from '../workflows/contract.js';
import { HttpProblem } from './problem.js';

/** The live state of a case (its `getCaseState` query). */
export async function queryCaseState(temporal: Client, workflowId: string): Promise<CaseStateView> {
  try {
    return await temporal.workflow.getHandle(workflowId).query(getCaseState);
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) throw e;
    throw new HttpProblem(
      409,
      'not-queryable',
      'The case workflow cannot answer',
      'This case is not run by the definition interpreter, or its workflow is not reachable now',
    );
  }
}

/**
 * Sends an Update to a case, waiting while the case refuses it as `CaseStarting`: a run that has
 * just continued as new (or just started) refuses Updates until its runner has restored the state,
 * for a few workflow tasks at most. Any other outcome is returned or thrown at once; past
 * `maxWaitMs` the last CaseStarting refusal is thrown (a 409 the client may retry).
 */
export async function sendCaseUpdate<T>(send: () => Promise<T>, { maxWaitMs = 5_000, stepMs = 25 } = {}): Promise<T> {
  const deadline = Date.now() + maxWaitMs;
  for (let wait = stepMs; ; wait = Math.min(wait * 2, 250)) {
    try {
      return await send();
    } catch (e) {
      const starting =
        e instanceof WorkflowUpdateFailedError &&
        e.cause instanceof ApplicationFailure &&
        e.cause.type === 'CaseStarting';
      if (!starting || Date.now() + wait > deadline) throw e;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

/** Failure types of the interpreter's Update validators that mean "invalid data" (422), not "wrong state" (409). */
const INVALID_DATA = new Set(['InvalidFormData', 'InvalidInput']);

/**
 * Maps an Update rejection to a problem: invalid form data → 422 naming the fields; a task or
 * message the case does not expect now (stale, completed, closed) → 409 with the reason (the
 * validator's failure type, e.g. `AlreadySuspended`, and its message as the detail).
 * `closedAs`: the Update was sent to a known case whose workflow is closed (the server answers
 * "not found"), e.g. completed between the read and the Update: 409 `CaseClosed` with that detail
 * instead of a 404.
 */
export function updateProblem(e: unknown, closedAs?: string): unknown {
  if (closedAs !== undefined && e instanceof WorkflowNotFoundError) {
    return new HttpProblem(409, 'rejected-by-case', 'The case refused the request in its current state', closedAs, {
      reason: 'CaseClosed',
    });
  }
  // The case could not take the Update now (its workflow task failed while handling it, the call
  // timed out, the server refused): it may not have been applied — a 503 the client retries with the same
  // Idempotency-Key (the same Update id: Temporal answers its first outcome), never a 500.
  if (e instanceof WorkflowUpdateRPCTimeoutOrCancelledError || e instanceof ServiceError) {
    return new HttpProblem(
      503,
      'case-unavailable',
      'The case cannot take the request now',
      'The case workflow did not answer the request; it may not have been applied. Retry with the same Idempotency-Key; an admin can see a stuck case in GET /v1/admin/stuck-cases',
    );
  }
  if (!(e instanceof WorkflowUpdateFailedError)) return e;
  const cause = e.cause;
  const type = cause instanceof ApplicationFailure ? (cause.type ?? 'Rejected') : 'Rejected';
  const reason = cause instanceof Error ? cause.message : e.message;
  if (INVALID_DATA.has(type))
    return new HttpProblem(422, 'invalid-form-data', 'The form data is not valid', reason, { reason: type });
  // The case's own check of the task's candidate roles (ADR 0013).
  if (type === 'TaskRoleMismatch')
    return new HttpProblem(403, 'task-role', 'The task is for other roles', reason, { reason: type });
  return new HttpProblem(409, 'rejected-by-case', 'The case refused the request in its current state', reason, {
    reason: type,
  });
}
