/** Rule: node and flow ids share one id space (they are XML ids in BPMN) and must be unique. */
import type { Rule, ValidationError } from './types.js';

export const uniqueIds: Rule = (g) => {
  const errors: ValidationError[] = [];
  const seen = new Map<string, string>();
  g.definition.nodes.forEach((node, i) => {
    const first = seen.get(node.id);
    if (first)
      errors.push({
        path: `nodes[${i}].id`,
        elementId: node.id,
        message: `duplicate id '${node.id}' (already used by ${first})`,
      });
    else seen.set(node.id, `nodes[${i}]`);
  });
  g.definition.flows.forEach((flow, i) => {
    const first = seen.get(flow.id);
    if (first)
      errors.push({
        path: `flows[${i}].id`,
        elementId: flow.id,
        message: `duplicate id '${flow.id}' (already used by ${first})`,
      });
    else seen.set(flow.id, `flows[${i}]`);
  });
  return errors;
};
