/**
 * The built-in statutory lifecycles as versioned process definitions (typed data), spec
 * shared/domain/lifecycle-spec.md §2-§7. Keys: letter-handling, complaint-first, complaint-second,
 * denunciation (v1 = law until 30/06/2026, v2 = from 01/07/2026) and petition (v1; no rule differs).
 * Engine types only: safe to import anywhere; BPMN export is processes/bpmn.
 */
import type { ProcessDefinitionInput } from '../../workflows/engine/index.js';
import { complaintDefinition } from './complaint.js';
import { denunciationDefinition } from './denunciation.js';
import { letterDefinition } from './letter.js';
import { petitionDefinition } from './petition.js';

export const letterHandlingV1 = letterDefinition('pre2026');
export const letterHandlingV2 = letterDefinition('from2026');
export const complaintFirstV1 = complaintDefinition('first', 'pre2026');
export const complaintFirstV2 = complaintDefinition('first', 'from2026');
export const complaintSecondV1 = complaintDefinition('second', 'pre2026');
export const complaintSecondV2 = complaintDefinition('second', 'from2026');
export const denunciationV1 = denunciationDefinition('pre2026');
export const denunciationV2 = denunciationDefinition('from2026');
export const petitionV1 = petitionDefinition();

/** Every built-in definition (seeded into the definition store; selected by case type + receipt date). */
export const BUILTIN_DEFINITIONS: readonly ProcessDefinitionInput[] = [
  letterHandlingV1,
  letterHandlingV2,
  complaintFirstV1,
  complaintFirstV2,
  complaintSecondV1,
  complaintSecondV2,
  denunciationV1,
  denunciationV2,
  petitionV1,
];

export { deadlineCoverage, type CoverageRow, type CoverageRef, type CoverageStatus } from './coverage.js';
export {
  validateRepresentatives,
  allowedRepresentatives,
  MASS_CASE_MIN_SIGNERS,
  type RepresentativeCheck,
  type RepresentativeError,
} from './representatives.js';
export {
  rulesForEvent,
  periodOfReceipt,
  TRANSITIONAL_TOPICS,
  NEW_IN_2026,
  RULE_TOPICS,
  type RuleDecision,
  type RuleTopic,
  type Lifecycle,
} from './transition.js';
export { complaintLimitation, type LimitationInput, type LimitationResult } from './limitation.js';
export { petitionDefinition, type PetitionConfig } from './petition.js';
export { complaintDefinition, letterDefinition, denunciationDefinition };
/** The channels a case arrives by: the one list `POST /v1/cases` and the definitions' forms share. */
export { CHANNELS } from './letter.js';
export { ACTIVITY, ROLE } from './build.js';
/** Vietnamese display names of the stages (node names are never edited: they are part of the versioned definitions). */
export { nodeLabel, stageLabel, type StageLocale } from './labels-vi.js';
export { REFORM_2026, ART, type LawPeriod } from './law.js';
export {
  drivingContract,
  caseEventsFor,
  caseEventFields,
  type DrivingContract,
  type TaskContract,
} from './contract.js';
