/**
 * BPMN 2.0 XML import/export of process definitions (Node-side: uses bpmn-moddle).
 */
export { toBpmnXml } from './to-bpmn.js';
export { fromBpmnXml } from './from-bpmn.js';
export { InvalidDefinitionError } from './errors.js';
export { KNTC_NAMESPACE, createModdle } from './moddle.js';
export { SUPPORTED_FLOW_ELEMENTS } from './unsupported.js';
