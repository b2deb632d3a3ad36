/**
 * Seeds the built-in statutory lifecycles (processes/builtin) and the mass-matter processes (ADR 0036) into the
 * definition registry. Called at start-up (scripts/system.ts) and by the test API helper; idempotent.
 */
import { BUILTIN_DEFINITIONS } from '../processes/builtin/index.js';
import { MASS_MATTER_DEFINITIONS } from '../processes/builtin/mass.js';
import { registerDefinitions } from './definitions.js';
import type { Db } from './knex.js';

/** Registers every built-in definition; throws when a built-in version changed content without a new version. */
export function registerBuiltinDefinitions(db: Db): Promise<{ registered: string[]; unchanged: string[] }> {
  return registerDefinitions(db, [...BUILTIN_DEFINITIONS, ...MASS_MATTER_DEFINITIONS], 'system:builtin');
}
