/**
 * The escalation scope model (no sub-processes): an escalation raised in an activity's scope is
 * caught by that activity's escalation boundary (matching code first, then catch-all), else by a
 * process-level handler (escalation start event: matching code first, then catch-all), else it
 * propagates to the parent case. Escalations thrown by an intermediateThrowEvent start at the
 * process level.
 */
import type { BoundaryEvent, StartEvent } from './definition.js';
import type { DefinitionIndex } from './definition-index.js';

/** Where an escalation goes. */
export type EscalationTarget =
  | { kind: 'boundary'; event: BoundaryEvent }
  | { kind: 'handler'; event: StartEvent }
  | { kind: 'propagate' };

/** Where an escalation was raised: in an activity's scope (due breach, linked case) or at process level. */
export interface EscalationSource {
  escalationCode: string;
  /** Id of the active user task / call activity in whose scope it arose; absent = process level. */
  activityId?: string;
}

function pick<T extends { trigger?: { kind: string; escalationCode?: string | undefined } | undefined }>(catchers: readonly T[], code: string): T | undefined {
  const escalations = catchers.filter((c) => c.trigger?.kind === 'escalation');
  return escalations.find((c) => c.trigger?.escalationCode === code) ?? escalations.find((c) => c.trigger?.escalationCode === undefined);
}

/** Finds the nearest catcher of an escalation, per the scope model above. */
export function findEscalationTarget(index: DefinitionIndex, source: EscalationSource): EscalationTarget {
  if (source.activityId !== undefined) {
    const boundary = pick(index.boundaries(source.activityId), source.escalationCode);
    if (boundary) return { kind: 'boundary', event: boundary };
  }
  const handler = pick(index.escalationHandlers, source.escalationCode);
  return handler ? { kind: 'handler', event: handler } : { kind: 'propagate' };
}
