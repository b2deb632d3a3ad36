/**
 * Example definitions used by tests and the benchmark (typed data, engine types only).
 */
import type { ProcessDefinitionInput } from '../../workflows/engine/index.js';
import { benchTenSteps } from './bench-ten-steps.js';
import { everyElement } from './every-element.js';
import { expertOpinion, withdrawalTerminates } from './withdrawal-terminates.js';

export { benchTenSteps } from './bench-ten-steps.js';
export { everyElement } from './every-element.js';
export { expertOpinion, withdrawalTerminates } from './withdrawal-terminates.js';

/** Every example, for table-driven tests. */
export const EXAMPLE_DEFINITIONS: readonly ProcessDefinitionInput[] = [
  benchTenSteps,
  everyElement,
  withdrawalTerminates,
  expertOpinion,
];
