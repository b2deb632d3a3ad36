/**
 * The contract of the mass-matter process reconciler (ADR 0036, amended): workflow type, schedule id, input and
 * result. Pure (the workflow, its activity and the code registering the Temporal Schedule import it).
 */

/** Workflow type of `massProcessReconcileWorkflow`. */
export const MASS_PROCESS_RECONCILE_WORKFLOW = 'massProcessReconcileWorkflow';
/** The Temporal Schedule that runs it (every few minutes). */
export const MASS_PROCESS_RECONCILE_SCHEDULE_ID = 'mass-process-reconcile';
/** How often the schedule runs it. */
export const MASS_PROCESS_RECONCILE_EVERY = '5 minutes';
/**
 * A process row younger than this is left to the request that wrote it (its start normally follows the commit
 * within milliseconds); older and never projected, its start was lost.
 */
export const MASS_PROCESS_RECONCILE_GRACE_SECONDS = 60;

export interface MassProcessReconcileInput {
  /** Rows at least this old are reconciled (default {@link MASS_PROCESS_RECONCILE_GRACE_SECONDS}). */
  olderThanSeconds?: number;
}

export interface MassProcessReconcileResult {
  /** Process rows found never projected. */
  checked: number;
  /** Case ids whose workflow this pass started (a start lost to a crash). */
  started: string[];
  /** Case ids whose workflow existed already (started, not projected yet). */
  existing: string[];
  /** Hotspot notifications recorded but never started whose delivery this pass started (absent before). */
  notifications?: string[];
}
