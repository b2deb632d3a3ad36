/**
 * Detection of BPMN the engine does not support. Every unsupported element is reported with its
 * type and id rather than silently dropped, so an import never loses meaning.
 */
import type { ModdleElement } from 'bpmn-moddle';
import type { ValidationError } from '../../workflows/engine/index.js';

/** BPMN flow element types the engine understands. */
export const SUPPORTED_FLOW_ELEMENTS = [
  'bpmn:StartEvent',
  'bpmn:EndEvent',
  'bpmn:UserTask',
  'bpmn:ServiceTask',
  'bpmn:ExclusiveGateway',
  'bpmn:ParallelGateway',
  'bpmn:IntermediateCatchEvent',
  'bpmn:IntermediateThrowEvent',
  'bpmn:BoundaryEvent',
  'bpmn:CallActivity',
  'bpmn:SequenceFlow',
] as const;

/** Event definitions allowed per event type (an empty list = a plain event only). */
export const ALLOWED_TRIGGERS: Record<string, readonly string[]> = {
  'bpmn:StartEvent': ['bpmn:EscalationEventDefinition'],
  'bpmn:EndEvent': ['bpmn:TerminateEventDefinition'],
  'bpmn:IntermediateCatchEvent': ['bpmn:TimerEventDefinition', 'bpmn:MessageEventDefinition'],
  'bpmn:IntermediateThrowEvent': ['bpmn:EscalationEventDefinition'],
  'bpmn:BoundaryEvent': ['bpmn:TimerEventDefinition', 'bpmn:MessageEventDefinition', 'bpmn:EscalationEventDefinition'],
};

/** Properties of flow elements that carry semantics the engine would silently drop. */
const UNSUPPORTED_PROPERTIES = [
  'loopCharacteristics',
  'ioSpecification',
  'dataInputAssociations',
  'dataOutputAssociations',
  'properties',
  'resources',
  'compensateEventDefinitions',
  'dataInputs',
  'dataOutputs',
] as const;

/** Human-readable label of a moddle element: `bpmn:SubProcess 'sp1'`. */
export function label(el: ModdleElement): string {
  return `${el.$type}${el.id ? ` '${el.id}'` : ''}`;
}

export function unsupported(path: string, el: ModdleElement, what = 'unsupported element'): ValidationError {
  const error: ValidationError = { path, message: `${what}: ${label(el)}` };
  if (typeof el.id === 'string') error.elementId = el.id;
  return error;
}

function foreign(path: string, el: ModdleElement): ValidationError[] {
  const errors: ValidationError[] = [];
  for (const attr of Object.keys(el.$attrs ?? {})) {
    if (!attr.startsWith('xmlns')) errors.push(unsupported(path, el, `unsupported attribute ${attr} on`));
  }
  const values: ModdleElement[] = el.extensionElements?.values ?? [];
  for (const v of values) {
    if (!v.$type.startsWith('kntc:'))
      errors.push({ ...unsupported(path, el, `unsupported extension element <${v.$type}> on`) });
  }
  return errors;
}

/** Everything unsupported about one flow element (the element itself, triggers, properties). */
export function checkFlowElement(path: string, el: ModdleElement): ValidationError[] {
  if (!(SUPPORTED_FLOW_ELEMENTS as readonly string[]).includes(el.$type)) return [unsupported(path, el)];
  const errors = foreign(path, el);
  for (const prop of UNSUPPORTED_PROPERTIES) {
    const value = el[prop];
    if (value !== undefined && !(Array.isArray(value) && value.length === 0))
      errors.push(unsupported(path, el, `unsupported ${prop} on`));
  }
  const allowed = ALLOWED_TRIGGERS[el.$type];
  if (allowed) {
    const defs: ModdleElement[] = el.eventDefinitions ?? [];
    if (defs.length > 1) errors.push(unsupported(path, el, 'unsupported multiple event definitions on'));
    for (const d of defs)
      if (!allowed.includes(d.$type)) errors.push(unsupported(path, el, `unsupported ${d.$type} on`));
    if (
      defs.length === 0 &&
      (el.$type === 'bpmn:IntermediateCatchEvent' ||
        el.$type === 'bpmn:IntermediateThrowEvent' ||
        el.$type === 'bpmn:BoundaryEvent')
    ) {
      errors.push(unsupported(path, el, 'unsupported event without event definition:'));
    }
    const timer = defs.find((d) => d.$type === 'bpmn:TimerEventDefinition');
    if (timer && (timer.timeDate || timer.timeCycle))
      errors.push(unsupported(path, el, 'unsupported timeDate/timeCycle timer on'));
  }
  return errors;
}

/** Everything unsupported at process level (lanes, artifacts, foreign extensions). */
export function checkProcess(path: string, process: ModdleElement): ValidationError[] {
  const errors = foreign(path, process);
  const laneSets: ModdleElement[] = process.laneSets ?? [];
  laneSets.forEach((l, i) => errors.push(unsupported(`${path}.laneSets[${i}]`, l)));
  const artifacts: ModdleElement[] = process.artifacts ?? [];
  artifacts.forEach((a, i) => errors.push(unsupported(`${path}.artifacts[${i}]`, a)));
  return errors;
}
