/**
 * The pure definition engine: model, validation, FEEL, hashing, version selection.
 * Safe for the Temporal workflow sandbox (imports only zod, feelin, luxon).
 */
export * from './definition.js';
export { validateDefinition, type ValidationResult, type ValidationError } from './validate.js';
export {
  validateFormData,
  compileFormSchema,
  checkDateConstraints,
  type DateContext,
  type FormDataError,
  type FormDataResult,
} from './form-data.js';
export {
  evaluateCondition,
  evaluateExpression,
  feelSyntaxError,
  feelClockFunctions,
  type FeelVariables,
} from './feel.js';
export { hashDefinition, pinDefinition, formatPin, type DefinitionHash, type DefinitionPin } from './hash.js';
export { canonicalJson } from './canonical-json.js';
export { sha256Hex } from './sha256.js';
export { selectDefinition, latestEffective, isEffectiveOn, type SelectionCriteria } from './select.js';
