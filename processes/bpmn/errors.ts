/** Errors of the BPMN layer. */
import type { ValidationError } from '../../workflows/engine/index.js';

/** Thrown by toBpmnXml when handed a definition that does not validate. */
export class InvalidDefinitionError extends Error {
  override readonly name = 'InvalidDefinitionError';
  constructor(readonly errors: ValidationError[]) {
    super(`invalid process definition: ${errors.map((e) => e.message).join('; ')}`);
  }
}
