/**
 * The BPMN moddle used for import and export: bpmn-moddle plus the kntc extension package.
 */
import { BpmnModdle } from 'bpmn-moddle';
import kntcPackage from './kntc-moddle.json' with { type: 'json' };

/** Namespace of the kntc extension elements and attributes. */
export const KNTC_NAMESPACE = 'https://kntc-flow.vn/schema/bpmn';

/** A BpmnModdle that reads and writes `kntc:` extensions. */
export function createModdle(): BpmnModdle {
  return new BpmnModdle({ kntc: kntcPackage });
}
