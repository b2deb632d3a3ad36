/**
 * massProcessReconcileWorkflow (ADR 0036, amended): run by a Temporal Schedule every few minutes, it starts the
 * delegation-reception and central-gathering processes whose `cases` row committed but whose workflow start was
 * lost (the API crashed between the commit and the start). The activity starts each at most once ever: the
 * workflow id is the case's and a closed run is never started again. The same pass starts the delivery of hotspot
 * notifications recorded but never started (after a visit, a gathering, a matter's place or an intake).
 */
import { proxyActivities } from '@temporalio/workflow';
import type { createMassMatterActivities } from '../activities/mass-matters.js';
import type { MassProcessReconcileInput, MassProcessReconcileResult } from './mass-process-contract.js';

const acts = proxyActivities<ReturnType<typeof createMassMatterActivities>>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2, maximumAttempts: 5 },
});

export async function massProcessReconcileWorkflow(
  input: MassProcessReconcileInput = {},
): Promise<MassProcessReconcileResult> {
  return acts.reconcileMassProcessStarts(input);
}
