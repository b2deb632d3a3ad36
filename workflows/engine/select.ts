/**
 * Choosing the definition version a new case runs under, by case type and receipt date.
 */
import type { ProcessDefinition } from './definition.js';
import { isoDateSchema } from './primitives.js';

/** Selection criteria: the case type and the receipt date (YYYY-MM-DD, Vietnam local date). */
export interface SelectionCriteria {
  caseType: string;
  receivedOn: string;
}

/** True when `receivedOn` is in [effectiveFrom, effectiveTo) — effectiveTo is exclusive. */
export function isEffectiveOn(definition: Pick<ProcessDefinition, 'effectiveFrom' | 'effectiveTo'>, receivedOn: string): boolean {
  // YYYY-MM-DD strings order lexicographically exactly as the dates do.
  return definition.effectiveFrom <= receivedOn && (definition.effectiveTo === undefined || receivedOn < definition.effectiveTo);
}

/**
 * Returns the definition of `caseType` effective on `receivedOn`, or undefined when none is.
 * Among overlapping candidates the highest version wins; ties (different keys, same version)
 * go to the lexicographically smallest key, so the result never depends on input order.
 * @throws RangeError when receivedOn is not a real YYYY-MM-DD date.
 */
export function selectDefinition<D extends ProcessDefinition>(definitions: readonly D[], criteria: SelectionCriteria): D | undefined {
  if (!isoDateSchema.safeParse(criteria.receivedOn).success) {
    throw new RangeError(`receivedOn must be a YYYY-MM-DD date, got '${criteria.receivedOn}'`);
  }
  let best: D | undefined;
  for (const d of definitions) {
    if (d.caseType !== criteria.caseType || !isEffectiveOn(d, criteria.receivedOn)) continue;
    if (!best || d.version > best.version || (d.version === best.version && d.key < best.key)) best = d;
  }
  return best;
}
