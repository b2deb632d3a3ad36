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
export function isEffectiveOn(
  definition: Pick<ProcessDefinition, 'effectiveFrom' | 'effectiveTo'>,
  receivedOn: string,
): boolean {
  // YYYY-MM-DD strings order lexicographically exactly as the dates do.
  return (
    definition.effectiveFrom <= receivedOn &&
    (definition.effectiveTo === undefined || receivedOn < definition.effectiveTo)
  );
}

/**
 * The selection rule, once (ADR 0022): among `definitions` that `match` and are effective on `on`, the
 * highest version; ties (different keys, same version) go to the smallest key (code-unit order, which
 * for definition keys — lower-case ASCII slugs — is PostgreSQL's `COLLATE "C"`), so the result never
 * depends on input order. Callers may pre-filter candidates (e.g. in SQL); the choice is made here.
 */
export function latestEffective<D extends Pick<ProcessDefinition, 'key' | 'version' | 'effectiveFrom' | 'effectiveTo'>>(
  definitions: readonly D[],
  on: string,
  match: (d: D) => boolean = () => true,
): D | undefined {
  let best: D | undefined;
  for (const d of definitions) {
    if (!match(d) || !isEffectiveOn(d, on)) continue;
    if (!best || d.version > best.version || (d.version === best.version && d.key < best.key)) best = d;
  }
  return best;
}

/**
 * Returns the definition of `caseType` effective on `receivedOn`, or undefined when none is
 * ({@link latestEffective}: highest version, then smallest key).
 * @throws RangeError when receivedOn is not a real YYYY-MM-DD date.
 */
export function selectDefinition<
  D extends Pick<ProcessDefinition, 'key' | 'version' | 'caseType' | 'effectiveFrom' | 'effectiveTo'>,
>(definitions: readonly D[], criteria: SelectionCriteria): D | undefined {
  if (!isoDateSchema.safeParse(criteria.receivedOn).success) {
    throw new RangeError(`receivedOn must be a YYYY-MM-DD date, got '${criteria.receivedOn}'`);
  }
  return latestEffective(definitions, criteria.receivedOn, (d) => d.caseType === criteria.caseType);
}
